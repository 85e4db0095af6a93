"""The organisations API: your memberships, a campaign as you see it, your consent and its log, and, for an
organisation's admins, the results that consenting candidates share.

Mounted by ``web/api/api.py`` under ``/api/organizations``, ``/api/campaigns`` and ``/api/me/consents``
with the API's token auth and rate limit; the same selectors and services as the pages. Every read of
results goes through ``selectors.campaign_dashboard``, which keeps only candidates whose consent is given
now, so a revocation shows here at once. An organisation or campaign the caller may not see (not a
member; results when not an admin) is 404, as one that does not exist (``register_error_handlers``).
Results carry levels, scores with bands, per-skill counts and role verdicts: never an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.params.functions import Path
from pydantic import Field

from adaptest.web.api import schemas as s
from adaptest.web.api.routing import AdaptestRouter, refuse_unknown_query
from adaptest.web.assessments.kinds import StrictInput
from adaptest.web.core.http import ApiRequest
from adaptest.web.core.middleware import MAX_ID
from adaptest.web.organizations import selectors, services
from adaptest.web.organizations.models import Campaign, Candidate, Membership

organizations = AdaptestRouter(tags=["organizations"])
campaigns = AdaptestRouter(tags=["organizations"])
consents = AdaptestRouter(tags=["organizations"])

OrganizationId = Annotated[int, Path(ge=1, le=MAX_ID, description="an organisation's id")]
CampaignId = Annotated[int, Path(ge=1, le=MAX_ID, description="a campaign's id")]

ConsentState = Literal["undecided", "given", "declined", "revoked"]
ConsentAction = Literal["given", "declined", "revoked"]
Level = Literal["beginning", "developing", "accomplished"]
UNKNOWN_QUERY: dict[int | str, type[Schema]] = {422: s.ValidationErrorOut}
"""Operations without parameters of their own still refuse unknown query parameters."""


# --- what clients send -------------------------------------------------------------------------------------


class ConsentIn(StrictInput):
    share: bool = Field(
        description="true: share your results in this campaign with the organisation; false: do not "
        "(after sharing, this revokes it at once)",
        examples=[True],
    )


# --- what clients get --------------------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int = Field(description="the organisation's id")
    name: str
    role: Literal["admin", "member"]


class MemberCampaignOut(Schema):
    """A campaign as you see it: your own consent and attempts, nothing about anyone else."""

    id: int
    title: str
    assessment: str = Field(description="the assessment's slug")
    assessment_title: str
    opens_at: datetime
    closes_at: datetime
    open: bool = Field(description="whether the campaign's window is open now")
    attempts_allowed: int
    attempts_left: int
    attempts: list[int] = Field(description="the ids of your attempts in this campaign, oldest first")
    consent: ConsentState = Field(description="whether you share your results with the organisation")


class ConsentOut(Schema):
    campaign: int = Field(description="the campaign's id")
    campaign_title: str
    organization: str = Field(description="the organisation's name: who sees your results when you share")
    consent: ConsentState
    shares: bool = Field(description="true only while consent is given")


class ConsentEventOut(Schema):
    at: datetime
    action: ConsentAction
    reason: str = Field(
        description="why, when not your own choice (leaving the organisation, say); else empty"
    )
    campaign: int = Field(description="the campaign's id")
    campaign_title: str
    organization: int = Field(description="the organisation's id")
    organization_name: str


class SharedLevelOut(Schema):
    level: Level
    score: int = Field(description="on the reporting scale")
    band: list[int] = Field(description="the score's 90% band")
    borderline: bool = Field(description="the evidence straddles a level boundary")


class SharedDomainOut(SharedLevelOut):
    id: str
    title: str
    items: int = Field(description="scored questions in this domain")


class SharedSkillOut(Schema):
    id: str
    title: str
    domain: str
    right: int
    missed: int


class SharedCandidateOut(Schema):
    """What one consenting candidate shares, from their latest finished attempt in the campaign."""

    name: str = Field(description="their full name if given, with the username they log in with")
    finished_at: datetime | None = Field(description="when that attempt finished; null: none finished yet")
    overall: SharedLevelOut | None = Field(description="null until a finished attempt has scored answers")
    domains: list[SharedDomainOut]
    skills: list[SharedSkillOut]
    roles: list[s.RoleReadinessOut]


class LevelDistributionOut(Schema):
    title: str = Field(description="“Overall” first, then each domain")
    counts: dict[str, int] = Field(description="consenting candidates at each level")


class WeakSkillOut(Schema):
    id: str
    title: str
    right: int
    missed: int
    missed_share: float = Field(description="missed ÷ (right + missed), over the consenting candidates")


class VerdictCountOut(Schema):
    role: str
    counts: dict[str, int] = Field(description="consenting candidates per verdict (ready, close, not yet, …)")


class CampaignResultsOut(Schema):
    """Only candidates whose consent is given now and who are still members; never their answers."""

    campaign: int
    campaign_title: str
    organization: int
    organization_name: str
    candidates: list[SharedCandidateOut]
    levels: list[LevelDistributionOut]
    weakest_skills: list[WeakSkillOut]
    verdicts: list[VerdictCountOut]


# --- errors: one place -----------------------------------------------------------------------------------


def register_error_handlers(api: NinjaAPI) -> None:
    """NotAllowed is 404 ("Not found.", as for an id that does not exist, so nothing about an
    organisation leaks); any other refusal of the rules (OrgError) is 409 with its message."""

    def not_allowed(request: HttpRequest, exc: services.NotAllowed) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)

    def refused(request: HttpRequest, exc: services.OrgError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=409)

    api.exception_handler(services.NotAllowed)(not_allowed)
    api.exception_handler(services.OrgError)(refused)


# --- organisations -----------------------------------------------------------------------------------------


@organizations.get("", response={200: list[MembershipOut], **UNKNOWN_QUERY}, url_name="organization_list")
def organization_list(request: ApiRequest) -> list[MembershipOut]:
    """The organisations you belong to, with your role in each."""
    refuse_unknown_query(request)
    return [
        MembershipOut(id=m.organization_id, name=m.organization.name, role=_role(m))
        for m in selectors.memberships_for_user(user=request.auth)
    ]


@organizations.get(
    "/{organization_id}/campaigns", response=list[MemberCampaignOut], url_name="organization_campaigns"
)
def organization_campaigns(request: ApiRequest, organization_id: OrganizationId) -> list[MemberCampaignOut]:
    """The organisation's campaigns with your own consent and attempts (members only). Admins read the
    shared results from ``GET /api/campaigns/{id}/results``."""
    refuse_unknown_query(request)
    organization, _ = selectors.organization_for_member(user=request.auth, organization_id=organization_id)
    return [
        _member_campaign_out(mine)
        for mine in selectors.member_campaigns(
            user=request.auth, organization=organization, now=timezone.now()
        )
    ]


# --- campaigns ---------------------------------------------------------------------------------------------


@campaigns.get("/{campaign_id}/results", response=CampaignResultsOut, url_name="campaign_results")
def campaign_results(request: ApiRequest, campaign_id: CampaignId) -> CampaignResultsOut:
    """For the organisation's admins: what each consenting candidate shares (levels, scores with bands,
    per-skill results, role verdicts), the distribution of levels and the group's weakest skills.

    Candidates who declined, revoked or left are not in it, nor counted."""
    refuse_unknown_query(request)
    campaign = selectors.campaign_for_admin(user=request.auth, campaign_id=campaign_id)
    dashboard = selectors.campaign_dashboard(campaign=campaign)
    return CampaignResultsOut(
        campaign=campaign.pk,
        campaign_title=campaign.title,
        organization=campaign.organization_id,
        organization_name=campaign.organization.name,
        candidates=[_shared_out(result) for result in dashboard.results],
        levels=[LevelDistributionOut(title=title, counts=counts) for title, counts in dashboard.levels],
        weakest_skills=[
            WeakSkillOut(
                id=skill.skill_id,
                title=skill.title,
                right=skill.right,
                missed=skill.missed,
                missed_share=round(skill.missed_share, 4),
            )
            for skill in dashboard.weakest
        ],
        verdicts=[VerdictCountOut(role=role, counts=counts) for role, counts in dashboard.verdicts],
    )


@campaigns.get("/{campaign_id}/consent", response=ConsentOut, url_name="campaign_consent_detail")
def campaign_consent_detail(request: ApiRequest, campaign_id: CampaignId) -> ConsentOut:
    """Whether you share your results in this campaign with its organisation (members only)."""
    refuse_unknown_query(request)
    campaign, _ = selectors.campaign_for_member(user=request.auth, campaign_id=campaign_id)
    mine = selectors.member_campaign(user=request.auth, campaign=campaign, now=timezone.now())
    return _consent_out(mine.campaign, mine.consent)


@campaigns.put("/{campaign_id}/consent", response=ConsentOut, url_name="campaign_consent_update")
def campaign_consent_update(request: ApiRequest, campaign_id: CampaignId, payload: ConsentIn) -> ConsentOut:
    """Share your results in this campaign (overall and domain levels, scores with bands, per-skill
    results and role verdicts; never your answers), decline, or revoke: it takes effect at once and is
    logged. Deciding the same again changes nothing."""
    refuse_unknown_query(request)
    campaign, _ = selectors.campaign_for_member(user=request.auth, campaign_id=campaign_id)
    candidate = services.consent_decide(
        user=request.auth, campaign=campaign, share=payload.share, now=timezone.now()
    )
    return _consent_out(campaign, candidate.consent)


# --- your consent log --------------------------------------------------------------------------------------


@consents.get("", response={200: list[ConsentEventOut], **UNKNOWN_QUERY}, url_name="consent_log")
def consent_log(request: ApiRequest) -> list[ConsentEventOut]:
    """Every decision about sharing your results, newest first: given, declined, revoked."""
    refuse_unknown_query(request)
    events = []
    for event in selectors.consent_log(user=request.auth):
        campaign = event.candidate.campaign
        events.append(
            ConsentEventOut(
                at=event.at,
                action=event.action,  # type: ignore[arg-type]
                reason=event.reason,
                campaign=campaign.pk,
                campaign_title=campaign.title,
                organization=campaign.organization_id,
                organization_name=campaign.organization.name,
            )
        )
    return events


# --- helpers -----------------------------------------------------------------------------------------------


def _role(membership: Membership) -> Literal["admin", "member"]:
    return "admin" if membership.is_admin else "member"


def _member_campaign_out(mine: selectors.MemberCampaign) -> MemberCampaignOut:
    campaign = mine.campaign
    return MemberCampaignOut(
        id=campaign.pk,
        title=campaign.title,
        assessment=campaign.assessment.slug,
        assessment_title=campaign.assessment.title,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        open=mine.is_open,
        attempts_allowed=campaign.attempts_allowed,
        attempts_left=mine.attempts_left,
        attempts=[attempt.pk for attempt in mine.attempts],
        consent=mine.consent,  # type: ignore[arg-type]
    )


def _consent_out(campaign: Campaign, consent: str) -> ConsentOut:
    return ConsentOut(
        campaign=campaign.pk,
        campaign_title=campaign.title,
        organization=campaign.organization.name,
        consent=consent,  # type: ignore[arg-type]
        shares=consent == Candidate.Consent.GIVEN,
    )


def _level_out(estimate: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": estimate["level"],
        "score": estimate["score"],
        "band": list(estimate["band"]),
        "borderline": estimate["borderline"],
    }


def _shared_out(result: selectors.SharedResult) -> SharedCandidateOut:
    report = result.report if result.measured else None
    return SharedCandidateOut(
        name=result.name,
        finished_at=result.attempt.finished_at if result.attempt else None,
        overall=SharedLevelOut(**_level_out(report["overall"])) if report else None,
        domains=[
            SharedDomainOut(id=d["id"], title=d["title"], items=d["items"], **_level_out(d))
            for d in (report["domains"] if report else [])
        ],
        skills=[
            SharedSkillOut(
                id=skill.skill_id,
                title=skill.title,
                domain=skill.domain,
                right=skill.right,
                missed=skill.missed,
            )
            for skill in result.skills
        ],
        roles=[s.role_readiness_out(role) for role in result.roles],
    )

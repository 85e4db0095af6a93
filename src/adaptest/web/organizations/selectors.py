"""Reads for organisations: what a member sees, and what an admin may see of consenting candidates.

Every read of results goes through :func:`shared_candidates`, which keeps only candidates whose consent
is given *now* and who are still members: revoking, leaving or deleting the account hides them from
the pages, the API and the CSV in the same instant, since each reads this one query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from adaptest.psychometrics.reporting import LEVELS
from adaptest.web.assessments.models import Attempt
from adaptest.web.assessments.selectors import RoleResult, SkillFeedback, attempt_skills, role_results
from adaptest.web.organizations.models import (
    Campaign,
    CampaignAttempt,
    Candidate,
    ConsentEvent,
    IntegritySignal,
    Membership,
    Organization,
)
from adaptest.web.organizations.services import NotAllowed, membership_of, require_admin

WEAKEST_SKILLS = 5
"""How many of the group's weakest skills the dashboard lists."""


def person_name(user: User) -> str:
    """How an organisation names a member: full name if given, and the username they log in with."""
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def organization_for_member(*, user: User, organization_id: int) -> tuple[Organization, Membership]:
    """The organisation and the user's membership; NotAllowed for anyone else (pages answer 404)."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotAllowed("No such organisation.")
    return organization, membership_of(user=user, organization=organization)


def campaign_for_member(*, user: User, campaign_id: int) -> tuple[Campaign, Membership]:
    campaign = Campaign.objects.select_related("organization", "assessment").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotAllowed("No such campaign.")
    return campaign, membership_of(user=user, organization=campaign.organization)


def campaign_for_admin(*, user: User, campaign_id: int) -> Campaign:
    campaign, membership = campaign_for_member(user=user, campaign_id=campaign_id)
    require_admin(membership)
    return campaign


def organization_for_admin(*, user: User, organization_id: int) -> Organization:
    organization, membership = organization_for_member(user=user, organization_id=organization_id)
    require_admin(membership)
    return organization


@dataclass(frozen=True)
class MemberCampaign:
    """A campaign as one member sees it: their consent, their attempts, what they can do now."""

    campaign: Campaign
    candidate: Candidate | None
    attempts: list[Attempt]
    is_open: bool

    @property
    def consent(self) -> str:
        return self.candidate.consent if self.candidate else Candidate.Consent.UNDECIDED

    @property
    def attempts_left(self) -> int:
        return max(0, self.campaign.attempts_allowed - len(self.attempts))

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if a.is_open), None)


def member_campaigns(*, user: User, organization: Organization, now: datetime) -> list[MemberCampaign]:
    return [
        member_campaign(user=user, campaign=campaign, now=now)
        for campaign in organization.campaigns.select_related("assessment")
    ]


def member_campaign(*, user: User, campaign: Campaign, now: datetime) -> MemberCampaign:
    return MemberCampaign(
        campaign,
        Candidate.objects.filter(campaign=campaign, user=user).first(),
        list(
            Attempt.objects.filter(
                user=user, pk__in=CampaignAttempt.objects.filter(campaign=campaign).values("attempt")
            ).order_by("started_at")
        ),
        campaign.opens_at <= now < campaign.closes_at,
    )


def shared_candidates(*, campaign: Campaign) -> QuerySet[Candidate]:
    """The candidates an organisation may see: consent given now, still a member."""
    still_member = Membership.objects.filter(organization_id=campaign.organization_id, user=OuterRef("user"))
    return (
        Candidate.objects.filter(campaign=campaign, consent=Candidate.Consent.GIVEN)
        .filter(Exists(still_member))
        .select_related("user")
        .order_by("user__username")
    )


@dataclass(frozen=True)
class SharedResult:
    """What a consenting candidate shares: levels, scores with bands, per-skill results, role verdicts
    and, for the admin's detail page, integrity signals. Never the answers."""

    candidate: Candidate
    name: str
    attempt: Attempt | None
    """The candidate's latest finished campaign attempt (None: none finished yet)."""
    skills: list[SkillFeedback] = field(default_factory=list)
    roles: list[RoleResult] = field(default_factory=list)
    domains: list[dict[str, Any] | None] = field(default_factory=list)
    """The report's estimate per domain of :func:`campaign_domains`, in that order (None: not measured)."""

    @property
    def report(self) -> dict[str, Any] | None:
        return self.attempt.report if self.attempt else None

    @property
    def measured(self) -> bool:
        return bool(self.report and self.report.get("scored_items"))


def shared_results(*, campaign: Campaign) -> list[SharedResult]:
    """One row per consenting candidate, from their latest finished attempt in the campaign."""
    candidates = list(shared_candidates(campaign=campaign))
    latest = _latest_finished(campaign, [c.user_id for c in candidates])
    profiles = campaign_profiles(campaign=campaign)
    titles = campaign.assessment.bank.domain_titles()
    domain_ids = [domain_id for domain_id, _ in campaign_domains(campaign=campaign)]
    results = []
    for candidate in candidates:
        attempt = latest.get(candidate.user_id)
        skills = attempt_skills(attempt=attempt) if attempt else []
        measured = {d["id"]: d for d in (attempt.report or {}).get("domains", [])} if attempt else {}
        results.append(
            SharedResult(
                candidate,
                person_name(candidate.user),
                attempt,
                skills,
                role_results(report=attempt.report, profiles=profiles, titles=titles) if attempt else [],
                [measured.get(domain_id) for domain_id in domain_ids],
            )
        )
    return results


def campaign_domains(*, campaign: Campaign) -> list[tuple[str, str]]:
    """The domains the campaign's assessment reports levels for, as (id, title) in the bank's order:
    an adaptive assessment's blueprint domains; none for a fixed exam, which reports a score."""
    titles = campaign.assessment.bank.domain_titles()
    blueprint = campaign.assessment.blueprint if campaign.assessment.is_adaptive else {}
    return [(domain_id, title) for domain_id, title in titles.items() if domain_id in blueprint]


def _latest_finished(campaign: Campaign, user_ids: list[int]) -> dict[int, Attempt]:
    attempts = (
        Attempt.objects.filter(
            user_id__in=user_ids,
            pk__in=CampaignAttempt.objects.filter(campaign=campaign).values("attempt"),
        )
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .select_related("assessment", "assessment__bank")
        .order_by("started_at")
    )
    return {attempt.user_id: attempt for attempt in attempts}  # the latest wins


def campaign_profiles(*, campaign: Campaign) -> list[dict[str, Any]]:
    """The campaign's own role profiles, or the bank's when it chose none."""
    own = [
        {"id": f"org-{p.pk}", "title": p.title, "rationale": p.rationale, "levels": p.levels}
        for p in campaign.role_profiles.all()
    ]
    return own or list(campaign.assessment.bank.meta.get("roles", []))


@dataclass(frozen=True)
class SkillSummary:
    skill_id: str
    title: str
    right: int
    missed: int

    @property
    def missed_share(self) -> float:
        return self.missed / (self.right + self.missed)


@dataclass(frozen=True)
class Dashboard:
    campaign: Campaign
    results: list[SharedResult]
    levels: list[tuple[str, dict[str, int]]]
    """Per domain title (overall first): how many sharing candidates are at each level."""
    weakest: list[SkillSummary]
    verdicts: list[tuple[str, dict[str, int]]]
    """Per role title: how many sharing candidates are ``ready``, ``close``, ``not_yet``."""


def campaign_dashboard(*, campaign: Campaign) -> Dashboard:
    results = shared_results(campaign=campaign)
    measured = [r for r in results if r.measured]
    return Dashboard(
        campaign, results, _level_distribution(measured), _weakest_skills(results), _verdict_counts(measured)
    )


def _level_distribution(results: list[SharedResult]) -> list[tuple[str, dict[str, int]]]:
    rows: dict[str, Counter[str]] = {}
    for result in results:
        report = result.report or {}
        rows.setdefault("Overall", Counter())[report["overall"]["level"]] += 1
        for domain in report["domains"]:
            rows.setdefault(domain["title"], Counter())[domain["level"]] += 1
    return [(title, {level: counts[level] for level in LEVELS}) for title, counts in rows.items()]


def _weakest_skills(results: list[SharedResult]) -> list[SkillSummary]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    titles: dict[str, str] = {}
    for result in results:
        for skill in result.skills:
            totals[skill.skill_id][0] += skill.right
            totals[skill.skill_id][1] += skill.missed
            titles[skill.skill_id] = skill.title
    summaries = [SkillSummary(s, titles[s], right, missed) for s, (right, missed) in totals.items() if missed]
    summaries.sort(key=lambda s: (-s.missed_share, -s.missed, s.title))
    return summaries[:WEAKEST_SKILLS]


def _verdict_counts(results: list[SharedResult]) -> list[tuple[str, dict[str, int]]]:
    rows: dict[str, Counter[str]] = {}
    for result in results:
        for role in result.roles:
            rows.setdefault(role.title, Counter())[role.verdict.replace(" ", "_")] += 1
    return [(title, {v: counts[v] for v in ("ready", "close", "not_yet")}) for title, counts in rows.items()]


@dataclass(frozen=True)
class QuestionSignals:
    position: int
    seconds: int | None
    """Seconds from the previous answer (or the start) to this one: None while unanswered."""
    focus_losses: int
    pastes: int


def candidate_shared(*, campaign: Campaign, user_id: int) -> tuple[SharedResult, list[QuestionSignals]]:
    """One consenting candidate's shared result and integrity signals; NotAllowed for anyone else."""
    result = next((r for r in shared_results(campaign=campaign) if r.candidate.user_id == user_id), None)
    if result is None:
        raise NotAllowed("This candidate does not share results with the organisation.")
    return result, attempt_signals(attempt=result.attempt) if result.attempt else []


def attempt_signals(*, attempt: Attempt) -> list[QuestionSignals]:
    """Per question: the browser's counts, and the seconds between this answer's first save and the
    one saved just before it (or the start), in the order answers were saved, since an exam can be
    answered in any order."""
    counts = {s.position: s for s in IntegritySignal.objects.filter(attempt=attempt)}
    slots = list(attempt.slots.select_related("response").order_by("position"))
    answered = sorted(
        (slot.stored_response.first_saved_at, slot.position) for slot in slots if slot.stored_response
    )
    seconds, previous = {}, attempt.started_at
    for saved_at, position in answered:
        seconds[position] = max(0, round((saved_at - previous).total_seconds()))
        previous = saved_at
    return [
        QuestionSignals(
            slot.position,
            seconds.get(slot.position),
            counts[slot.position].focus_losses if slot.position in counts else 0,
            counts[slot.position].pastes if slot.position in counts else 0,
        )
        for slot in slots
    ]


def results_table(*, campaign: Campaign) -> list[list[str]]:
    """The dashboard's rows as the CSV export gives them: one row per consenting candidate."""
    results = shared_results(campaign=campaign)
    domains = campaign_domains(campaign=campaign)
    roles = [profile["title"] for profile in campaign_profiles(campaign=campaign)]
    header = ["candidate", "finished", "overall level", "overall score", "overall band"]
    for _, title in domains:
        header += [f"{title} level", f"{title} score", f"{title} band"]
    header += ["exam score", "passed", *[f"{role}: readiness" for role in roles]]
    rows = [header]
    for result in results:
        rows.append([_cell(value) for value in _result_row(result, [d for d, _ in domains])])
    return rows


def _result_row(result: SharedResult, domain_ids: list[str]) -> list[object]:
    attempt, report = result.attempt, result.report or {}
    row: list[object] = [
        result.name,
        attempt.finished_at.isoformat() if attempt and attempt.finished_at else "",
    ]
    row += _estimate_cells(report.get("overall") if result.measured else None)
    by_id = {d["id"]: d for d in report.get("domains", [])} if result.measured else {}
    for domain_id in domain_ids:
        row += _estimate_cells(by_id.get(domain_id))
    exam = attempt is not None and not attempt.assessment.is_adaptive and attempt.score is not None
    row += [
        f"{attempt.score:.0%}" if exam and attempt else "",
        _yes_no(attempt.passed) if exam and attempt else "",
    ]
    row += [role.verdict for role in result.roles]
    return row


def _estimate_cells(estimate: dict[str, Any] | None) -> list[object]:
    if not estimate:
        return ["", "", ""]
    level = estimate["level"] + (" (borderline)" if estimate["borderline"] else "")
    return [level, estimate["score"], f"{estimate['band'][0]}–{estimate['band'][1]}"]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading =, +, -, @ (a formula) gets an apostrophe."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def consent_log(*, user: User) -> QuerySet[ConsentEvent]:
    """Every consent decision of the user's, newest first, with its campaign and organisation."""
    return (
        ConsentEvent.objects.filter(user=user)
        .select_related("candidate__campaign__organization")
        .order_by("-at", "-pk")
    )

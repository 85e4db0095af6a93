"""Writes for organisations: create, invite, join, leave; campaigns; consent; campaign attempts; signals.

Every function is keyword-only and takes the clock as ``now``. Refusals raise :class:`OrgError` with a
message shown to the person as it is; who may do what is checked here, not only in the views, so the
pages, the API and scripts share one set of rules.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F

from adaptest.psychometrics.reporting import LEVELS
from adaptest.web.assessments.models import Attempt
from adaptest.web.assessments.services import Started, attempt_begin, attempt_open
from adaptest.web.itembank.models import Assessment
from adaptest.web.itembank.selectors import all_domain_titles
from adaptest.web.organizations.models import (
    Campaign,
    CampaignAttempt,
    Candidate,
    ConsentEvent,
    IntegritySignal,
    Invitation,
    Membership,
    Organization,
    RoleProfile,
)

INVITATION_DAYS = 14
"""How long an invitation can be accepted."""
SIGNAL_CAP = 1000
"""The most events one question's counters take: a script flooding the endpoint cannot grow the table,
and a thousand focus losses at one question already says all a count can say."""
SignalKind = Literal["focus_lost", "paste"]


class OrgError(Exception):
    """A request the rules refuse; the message is shown as it is."""


class NotAllowed(OrgError):
    """The user may not do this here (pages answer 404 so nothing about the organisation leaks)."""


# Organisations and members ---------------------------------------------------------------------------


def organization_create(*, user: User, name: str, now: datetime) -> Organization:
    """A new organisation, with its creator as its admin."""
    name = name.strip()
    if not name:
        raise OrgError("Give the organisation a name.")
    with transaction.atomic():
        organization = Organization.objects.create(name=name[:120], created_at=now)
        Membership.objects.create(
            organization=organization, user=user, role=Membership.Role.ADMIN, joined_at=now
        )
    return organization


def membership_of(*, user: User, organization: Organization) -> Membership:
    """The user's membership; NotAllowed when they are not a member."""
    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is None:
        raise NotAllowed("You are not a member of this organisation.")
    return membership


def admin_check(*, user: User, organization: Organization) -> Membership:
    return require_admin(membership_of(user=user, organization=organization))


def require_admin(membership: Membership) -> Membership:
    """The membership, if it is an admin's; NotAllowed otherwise."""
    if not membership.is_admin:
        raise NotAllowed("Only the organisation's admins can do this.")
    return membership


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str
    """The secret in the link: shown (or mailed) once, never stored."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, admin: User, organization: Organization, email: str, now: datetime) -> NewInvitation:
    """An invitation by e-mail (``email`` given: one use) or by link (``email`` empty: any number)."""
    admin_check(user=admin, organization=organization)
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email.strip().lower(),
        digest=_digest(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    return NewInvitation(invitation, token)


def invitation_find(*, token: str, now: datetime) -> Invitation:
    """The invitation a link's secret names, if it can still be accepted; OrgError otherwise."""
    invitation = Invitation.objects.select_related("organization").filter(digest=_digest(token)).first()
    if invitation is None or invitation.revoked_at is not None:
        raise OrgError("This invitation does not exist or was withdrawn. Ask the organisation for a new one.")
    if now >= invitation.expires_at:
        raise OrgError("This invitation has expired. Ask the organisation for a new one.")
    if not invitation.is_link and invitation.uses:
        raise OrgError("This invitation has already been used. Ask the organisation for a new one.")
    return invitation


def invitation_accept(*, token: str, user: User, now: datetime) -> Membership:
    """Join the organisation an invitation is for (already a member: nothing changes)."""
    with transaction.atomic():
        invitation = invitation_find(token=token, now=now)
        existing = Membership.objects.filter(organization=invitation.organization, user=user).first()
        if existing is not None:
            return existing
        # Counted with a condition, so two people racing for one e-mail invitation cannot both use it.
        uses = Invitation.objects.filter(pk=invitation.pk)
        if not invitation.is_link:
            uses = uses.filter(uses=0)
        if not uses.update(uses=F("uses") + 1):
            raise OrgError("This invitation has already been used. Ask the organisation for a new one.")
        return Membership.objects.create(organization=invitation.organization, user=user, joined_at=now)


def invitation_revoke(*, admin: User, invitation: Invitation, now: datetime) -> None:
    admin_check(user=admin, organization=invitation.organization)
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])


def membership_promote(*, admin: User, membership: Membership) -> None:
    admin_check(user=admin, organization=membership.organization)
    membership.role = Membership.Role.ADMIN
    membership.save(update_fields=["role"])


def membership_leave(*, user: User, organization: Organization, now: datetime) -> bool:
    """Leave an organisation; its campaigns lose sight of the user's results at once.

    The only admin of an organisation with other members must make one of them admin first; the last
    member leaving deletes the organisation. Returns True when the organisation was deleted.
    """
    with transaction.atomic():
        membership = membership_of(user=user, organization=organization)
        others = Membership.objects.filter(organization=organization).exclude(pk=membership.pk)
        if not others.exists():
            organization.delete()
            return True
        if membership.is_admin and not others.filter(role=Membership.Role.ADMIN).exists():
            raise OrgError("You are this organisation's only admin: make another member admin first.")
        _end_sharing(user=user, organization=organization, now=now, reason="left the organisation")
        membership.delete()
    return False


def organizations_forget_user(*, user: User) -> None:
    """Before an account is deleted: invitations to its e-mail address go (they name the person), an
    organisation it alone belongs to is deleted, and one it alone admins passes to its longest-standing
    member. Its memberships, candidacies and consent log then go with the user (foreign keys cascade)."""
    if user.email:
        Invitation.objects.filter(email__iexact=user.email).delete()
    for membership in Membership.objects.filter(user=user, role=Membership.Role.ADMIN):
        others = Membership.objects.filter(organization_id=membership.organization_id).exclude(user=user)
        heir = others.order_by("joined_at", "pk").first()
        if heir is None:
            membership.organization.delete()
        elif not others.filter(role=Membership.Role.ADMIN).exists():
            others.filter(pk=heir.pk).update(role=Membership.Role.ADMIN)


def membership_remove(*, admin: User, membership: Membership, now: datetime) -> None:
    """An admin removes a member (not themselves: they leave instead)."""
    admin_check(user=admin, organization=membership.organization)
    if membership.user_id == admin.pk:
        raise OrgError("To remove yourself, leave the organisation.")
    with transaction.atomic():
        _end_sharing(
            user=membership.user,
            organization=membership.organization,
            now=now,
            reason="removed from the organisation",
        )
        membership.delete()


def _end_sharing(*, user: User, organization: Organization, now: datetime, reason: str) -> None:
    for candidate in Candidate.objects.filter(
        campaign__organization=organization, user=user, consent=Candidate.Consent.GIVEN
    ):
        _decide(candidate, ConsentEvent.Action.REVOKED, now, reason)


# Role profiles and campaigns ---------------------------------------------------------------------------


def role_profile_create(
    *, admin: User, organization: Organization, title: str, rationale: str, levels: dict[str, str]
) -> RoleProfile:
    """An organisation's own role: ``levels`` maps domain ids (of a loaded bank) to a level name."""
    admin_check(user=admin, organization=organization)
    title = title.strip()
    if not title:
        raise OrgError("Give the role a title.")
    known = set(all_domain_titles())
    required = {domain: level for domain, level in levels.items() if level}
    unknown = sorted(set(required) - known)
    if unknown:
        raise OrgError(f"No bank has the domain {', '.join(unknown)}.")
    wrong = sorted(level for level in required.values() if level not in LEVELS)
    if wrong:
        raise OrgError(f"Levels are {', '.join(LEVELS)}; not {', '.join(wrong)}.")
    if not required:
        raise OrgError("Require a level in at least one domain.")
    return RoleProfile.objects.create(
        organization=organization, title=title[:120], rationale=rationale.strip(), levels=required
    )


def campaign_create(
    *,
    admin: User,
    organization: Organization,
    title: str,
    assessment: Assessment,
    opens_at: datetime,
    closes_at: datetime,
    attempts_allowed: int = 1,
    profiles: list[RoleProfile] | tuple[RoleProfile, ...] = (),
    now: datetime,
) -> Campaign:
    admin_check(user=admin, organization=organization)
    if not title.strip():
        raise OrgError("Give the campaign a title.")
    if closes_at <= opens_at:
        raise OrgError("The campaign must close after it opens.")
    if closes_at <= now:
        raise OrgError("The closing time is already past.")
    if not assessment.is_active:
        raise OrgError("This assessment is no longer available.")
    if not 1 <= attempts_allowed <= 10:
        raise OrgError("Allow between 1 and 10 attempts per candidate.")
    if any(profile.organization_id != organization.pk for profile in profiles):
        raise NotAllowed("That role profile belongs to another organisation.")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organization=organization,
            title=title.strip()[:120],
            assessment=assessment,
            opens_at=opens_at,
            closes_at=closes_at,
            attempts_allowed=attempts_allowed,
            created_at=now,
        )
        campaign.role_profiles.set(profiles)
    return campaign


def accommodation_set(*, admin: User, campaign: Campaign, user: User, extra_time_percent: int) -> Candidate:
    """Extra time for one member in one campaign (0–400 %); applies to attempts started afterwards."""
    admin_check(user=admin, organization=campaign.organization)
    if not 0 <= extra_time_percent <= 400:
        raise OrgError("Extra time is a percentage from 0 to 400.")
    membership_of(user=user, organization=campaign.organization)
    candidate = _candidate(campaign, user)
    candidate.extra_time_percent = extra_time_percent
    candidate.save(update_fields=["extra_time_percent"])
    return candidate


# Consent ---------------------------------------------------------------------------------------------


def _candidate(campaign: Campaign, user: User) -> Candidate:
    try:
        with transaction.atomic():
            candidate, _ = Candidate.objects.get_or_create(campaign=campaign, user=user)
    except IntegrityError:  # a concurrent first request created it
        candidate = Candidate.objects.get(campaign=campaign, user=user)
    return candidate


def consent_decide(*, user: User, campaign: Campaign, share: bool, now: datetime) -> Candidate:
    """The candidate agrees to share (``share``) or not; not sharing after agreeing is a revocation.

    Takes effect at once: every page, API response and export reads ``Candidate.consent``. A decision
    that changes nothing (agreeing twice) logs nothing.
    """
    membership_of(user=user, organization=campaign.organization)
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=_candidate(campaign, user).pk)
        action = _action(candidate.consent, share)
        if action is not None:
            _decide(candidate, action, now, reason="")
    return candidate


def _action(current: str, share: bool) -> str | None:
    """The event a decision makes from the current state; None when it changes nothing."""
    if share:
        return None if current == Candidate.Consent.GIVEN else ConsentEvent.Action.GIVEN
    if current == Candidate.Consent.GIVEN:
        return ConsentEvent.Action.REVOKED
    return ConsentEvent.Action.DECLINED if current == Candidate.Consent.UNDECIDED else None


def _decide(candidate: Candidate, action: str, now: datetime, reason: str) -> None:
    candidate.consent = action
    candidate.save(update_fields=["consent"])
    ConsentEvent.objects.create(
        candidate=candidate, user_id=candidate.user_id, action=action, at=now, reason=reason
    )


# Campaign attempts -----------------------------------------------------------------------------------


def campaign_attempt_start(*, user: User, campaign: Campaign, now: datetime) -> Started:
    """Start (or resume) the candidate's attempt in a campaign.

    The candidate must be a member, have decided about sharing, and be inside the campaign's window and
    its attempts. The attempt is not self-initiated, so the personal retake limit neither counts it nor
    blocks it; the campaign's accommodation sets its extra time.
    """
    membership_of(user=user, organization=campaign.organization)
    candidate = _candidate(campaign, user)
    open_attempt = attempt_open(user=user, assessment=campaign.assessment, now=now)
    if open_attempt is not None:
        if _campaign_of(open_attempt) == campaign.pk:
            return Started(open_attempt, created=False)
        raise OrgError(
            "You have an attempt at this assessment in progress outside this campaign. "
            "Finish it (or let its time run out) first."
        )
    _check_can_start(campaign, candidate, now)
    with transaction.atomic():
        started = attempt_begin(
            user=user,
            assessment=campaign.assessment,
            now=now,
            self_initiated=False,
            extra_time_percent=candidate.extra_time_percent,
        )
        if started.created:
            CampaignAttempt.objects.create(campaign=campaign, attempt=started.attempt)
        elif _campaign_of(started.attempt) != campaign.pk:  # another tab started one elsewhere
            raise OrgError("You have an attempt at this assessment in progress outside this campaign.")
    return started


def _campaign_of(attempt: Attempt) -> int | None:
    return CampaignAttempt.objects.filter(attempt=attempt).values_list("campaign_id", flat=True).first()


def _check_can_start(campaign: Campaign, candidate: Candidate, now: datetime) -> None:
    if now < campaign.opens_at:
        raise OrgError(f"This campaign opens on {campaign.opens_at:%-d %B %Y at %H:%M} UTC.")
    if now >= campaign.closes_at:
        raise OrgError("This campaign has closed.")
    if candidate.consent == Candidate.Consent.UNDECIDED:
        raise OrgError("Decide first whether to share your results with the organisation.")
    used = CampaignAttempt.objects.filter(campaign=campaign, attempt__user=candidate.user).count()
    if used >= campaign.attempts_allowed:
        raise OrgError(f"You have taken all {campaign.attempts_allowed} attempt(s) this campaign allows.")


def signal_record(*, user: User, attempt_id: int, position: int, kind: SignalKind, now: datetime) -> bool:
    """Count a focus loss or a paste at one question of the user's open campaign attempt.

    Nothing is recorded for an attempt outside a campaign, a finished one or one past its deadline, or
    for a position the attempt has not reached; returns whether it was counted.
    """
    attempt = Attempt.objects.filter(pk=attempt_id, user=user, status=Attempt.Status.IN_PROGRESS).first()
    if attempt is None or now >= attempt.deadline or _campaign_of(attempt) is None:
        return False
    if not attempt.slots.filter(position=position).exists():
        return False
    field = {"focus_lost": "focus_losses", "paste": "pastes"}[kind]
    row = IntegritySignal.objects.filter(attempt=attempt, position=position)
    if row.filter(**{f"{field}__lt": SIGNAL_CAP}).update(**{field: F(field) + 1}):
        return True
    if row.exists():
        return False  # at the cap
    try:
        with transaction.atomic():
            IntegritySignal.objects.create(attempt=attempt, position=position, **{field: 1})
    except IntegrityError:  # a concurrent first event created the row
        row.update(**{field: F(field) + 1})
    return True

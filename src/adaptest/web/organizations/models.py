"""Organisations, their members and invitations, campaigns, candidates' consent and integrity signals.

An organisation never reads an attempt directly: it reads a campaign's candidates whose consent is
*given*, and through them their campaign attempts (selectors.py). Revoking consent, leaving the
organisation or deleting the account removes that row's effect at once, since nothing is copied.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from adaptest.web.assessments.models import Attempt
from adaptest.web.itembank.models import Assessment


class Organization(models.Model):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="one_membership")]
        ordering = ["organization", "joined_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """An invitation to join: by e-mail (one use, to that address) or by link (many uses until it ends).

    Only a SHA-256 digest of the secret in the link is stored, as for API tokens.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True, default="", help_text="empty for a link anyone may use")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization}: {self.email or 'link'}"

    @property
    def is_link(self) -> bool:
        return not self.email


class RoleProfile(models.Model):
    """An organisation's own role: the level each domain needs (domains left out are not required)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="role_profiles")
    title = models.CharField(max_length=120)
    rationale = models.TextField(blank=True, default="")
    levels = models.JSONField(help_text="domain id → required level")

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return f"{self.organization}: {self.title}"


class Campaign(models.Model):
    """An assessment an organisation administers to its members within a window."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(max_length=120)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    attempts_allowed = models.PositiveIntegerField(default=1, validators=[MaxValueValidator(10)])
    role_profiles = models.ManyToManyField(RoleProfile, blank=True, related_name="campaigns")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="window_is_open")
        ]
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization}: {self.title}"


class Candidate(models.Model):
    """A member's standing in one campaign: their current consent and their accommodation.

    ``consent`` is the latest ConsentEvent's decision (kept here so that every read filters on one
    column); the events are the history the candidate can read.
    """

    class Consent(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        GIVEN = "given", "Shared with the organisation"
        DECLINED = "declined", "Not shared"
        REVOKED = "revoked", "Sharing revoked"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.UNDECIDED)
    extra_time_percent = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(400)], help_text="accommodation: added to the time limit"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="one_candidacy")]
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return f"{self.user} in {self.campaign} ({self.consent})"

    @property
    def shares(self) -> bool:
        return self.consent == self.Consent.GIVEN


class ConsentEvent(models.Model):
    """One decision about sharing, with its time: the log the candidate reads. Never updated."""

    class Action(models.TextChoices):
        GIVEN = "given", "Consent given"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Consent revoked"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField()
    reason = models.CharField(
        max_length=80, blank=True, default="", help_text="why, when not the candidate's own choice"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.user}: {self.action} at {self.at:%Y-%m-%d %H:%M}"


class CampaignAttempt(models.Model):
    """Ties an attempt to the campaign it was taken in (assessments knows nothing of campaigns)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attempts")
    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.attempt_id} in {self.campaign}"


class IntegritySignal(models.Model):
    """What the browser reported at one question of a campaign attempt: counts, never content."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    focus_losses = models.PositiveIntegerField(default=0)
    pastes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_signal_row_per_question")
        ]
        ordering = ["attempt", "position"]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}: {self.focus_losses} focus, {self.pastes} paste"

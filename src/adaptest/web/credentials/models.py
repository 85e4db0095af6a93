"""Issued credentials (certificates and skills reports): the signed credential as given to the holder, and its
place in a status list."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from adaptest.web.assessments.models import Attempt


class Credential(models.Model):
    """An Open Badges 3.0 credential for an attempt: a certificate for a passed exam, or a skills report
    (the adaptive assessment's levels) that the holder asked for.

    Deleting the holder's account keeps the row without them (``user`` null) so its status-list bit stays
    allocated and set: a copy the holder kept must verify as revoked, not as valid nor as someone else's.
    """

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", "Certificate"
        SKILLS_REPORT = "skills_report", "Skills report"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CERTIFICATE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="credentials"
    )
    attempt = models.OneToOneField(Attempt, on_delete=models.SET_NULL, null=True, related_name="credential")
    achievement_name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=300, help_text="the issuer's DID when it was signed")
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    status_list = models.PositiveIntegerField(default=1, help_text="which status list holds its bit")
    status_index = models.PositiveIntegerField(default=0, help_text="its bit in that list")
    token = models.TextField(blank=True, default="", help_text="the signed credential: a compact JWS")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="one_credential_per_bit")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.uuid})"

    @property
    def display_name(self) -> str:
        """What the holder's list calls it: the assessment's title, and for a skills report that it is one."""
        if self.kind == self.Kind.SKILLS_REPORT:
            return f"{self.achievement_name}: skills report"
        return self.achievement_name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None or self.user_id is None

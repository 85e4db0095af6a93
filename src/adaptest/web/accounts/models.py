"""What the platform keeps about a person beyond Django's user: accommodations and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models


class Accommodation(models.Model):
    """Extra time a member of staff granted a learner (e.g. 50 → time limits × 1.5)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodation"
    )
    extra_time_percent = models.PositiveIntegerField(
        validators=[MaxValueValidator(400)], help_text="added to every time limit, in percent (0–400)"
    )
    note = models.CharField(max_length=200, blank=True, default="", help_text="why, for other staff")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: +{self.extra_time_percent}% time"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once, when created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="the token's first characters, to recognise it")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.name} ({self.prefix}…)"

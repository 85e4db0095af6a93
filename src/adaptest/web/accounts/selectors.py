"""Reads for accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User


def email_in_use(*, email: str, excluding: User | None = None) -> bool:
    """Whether another account already gave ``email``, compared case-insensitively (empty: never)."""
    if not email:
        return False
    others = get_user_model().objects.filter(email__iexact=email)
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    return others.exists()


__all__ = ["email_in_use"]

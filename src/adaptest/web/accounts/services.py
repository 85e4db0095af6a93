"""Writes for accounts: the e-mail address, personal API tokens (create, revoke, authenticate).

A token is shown once, when it is created; the database keeps only its SHA-256 digest, so a leaked
database backup cannot be replayed against the API.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from adaptest.web.accounts import selectors
from adaptest.web.accounts.models import ApiToken

PREFIX_LENGTH = 8
"""How many leading characters of a token are kept in clear, so people can tell their tokens apart."""

TOKEN_NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 80


class TokenRefused(ValueError):
    """A new token cannot be created; the message is shown as it is (page and command line)."""


class TokenNameInvalid(TokenRefused):
    """The name given to a new token is empty or too long."""


class TokenLimitReached(TokenRefused):
    """The user already has as many tokens as anyone may (``ADAPTEST_MAX_TOKENS``)."""


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def api_token_create(*, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the stored row and the plaintext (never stored).

    Nobody holds more than ``ADAPTEST_MAX_TOKENS`` tokens: the user's row is locked while counting, so
    two requests at once cannot both take the last place.
    """
    name = " ".join(name.split())
    if not name:
        raise TokenNameInvalid("Give the token a name, such as the script or machine that uses it.")
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise TokenNameInvalid(f"Keep the name under {TOKEN_NAME_MAX_LENGTH} characters.")
    limit: int = settings.ADAPTEST_MAX_TOKENS
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.filter(user=user).count() >= limit:
            raise TokenLimitReached(
                f"You already have {limit} API tokens, the most anyone may have. "
                "Revoke one you no longer use, then create the new one."
            )
        plaintext = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name, prefix=plaintext[:PREFIX_LENGTH], digest=_digest(plaintext), created_at=now
        )
    return token, plaintext


class EmailRefused(ValueError):
    """The e-mail address was not changed; the message is shown as it is, at the field it concerns."""


class EmailWrongPassword(EmailRefused):
    """The password given to confirm the change is not the account's."""


class EmailInUse(EmailRefused):
    """Another account already gave this address (it is not said which)."""


def user_email_change(*, user: User, email: str, password: str) -> bool:
    """Set (or, with ``email`` empty, remove) ``user``'s address, once the current password confirms it.

    ``email`` comes normalised (see ``forms.normalized_email``). Returns False when it was already the
    address. Outstanding password-reset links stop working, since Django's reset tokens hash the address.
    """
    if not user.check_password(password):
        raise EmailWrongPassword("That is not your current password: your e-mail address was not changed.")
    if email == user.email:
        return False
    if selectors.email_in_use(email=email, excluding=user):
        raise EmailInUse("This e-mail address is already in use. Use another one.")
    user.email = email
    user.save(update_fields=["email"])
    return True


LAST_USED_RESOLUTION = timedelta(minutes=1)
"""A token's "last used" time is kept to the minute, so reading through the API does not write each time."""


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of ``user``'s own tokens; False when there is no such token of theirs."""
    deleted, _ = ApiToken.objects.filter(pk=token_id, user=user).delete()
    return deleted > 0


def api_token_authenticate(*, plaintext: str, now: datetime) -> User | None:
    """The active user a token belongs to (recording its use), or None.

    The lookup is by the digest, not the token: the timing of an index lookup can at most reveal
    something about a hash of the secret, never the secret itself, so no separate constant-time
    comparison is needed.
    """
    if not plaintext:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(plaintext)).first()
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


__all__ = [
    "EmailInUse",
    "EmailRefused",
    "EmailWrongPassword",
    "TokenLimitReached",
    "TokenNameInvalid",
    "TokenRefused",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "user_email_change",
]

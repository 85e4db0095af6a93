"""Bearer-token authentication with personal API tokens (see accounts.services)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from adaptest.web.accounts.services import api_token_authenticate


class PersonalToken(HttpBearer):
    """``Authorization: Bearer <token>``; ``request.auth`` becomes the token's (active) user.

    Only tokens are accepted, not the session cookie: a cookie would make every POST a CSRF target.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(plaintext=token.strip(), now=timezone.now())

"""django-axes in front of Django's own password check (settings.AUTHENTICATION_BACKENDS)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginLockout(AxesStandaloneBackend):  # type: ignore[misc]  # django-axes ships no type information
    """Refuses any log-in for a username from an address that failed too often (see docs/configuration.md).

    Log-ins over HTTP — the log-in page and the admin's — always carry their request, so they are always
    checked. A log-in without a request comes from code running on the server itself (a test client, a
    shell): it has no client address to lock, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        super().authenticate(request, *args, **kwargs)  # raises when locked out, else returns None
        return None

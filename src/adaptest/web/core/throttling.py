"""Rate limits for the pages and the API, with their counters in the shared cache.

The cache is Django's ``DatabaseCache`` (settings.CACHES): every app server reads and writes the same
counters, so adding a server does not multiply anyone's allowance (DESIGN §8).

Each limit is a *generic cell rate algorithm* (GCRA): a rate of N per period lets N requests through at
once, then one every period/N. The cache keeps one number per client — the time at which its allowance
is fully spent ("theoretical arrival time") — instead of a list of the last N request times, so a
limit of 600 per minute costs one small read and one small write per request. Reading and writing are
not one atomic step: two servers answering the same client in the same millisecond can both let a request
through, which a rate limit can afford.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.throttling import BaseThrottle

_SLACK = 1e-6  # seconds: keeps float rounding from refusing the last request of a burst


def _address(text: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(text).strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``ADAPTEST_PROXY_COUNT`` trusted proxies in front of
    the app, the address the outermost of them saw (the N-th entry from the right of X-Forwarded-For).
    None when there is no valid address (a request made inside the server, a Unix socket).

    Without trusted proxies X-Forwarded-For is ignored: anyone can send it. This is also django-axes'
    idea of the address (settings.AXES_CLIENT_IP_CALLABLE), so lock-outs and rate limits agree.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies: int = settings.ADAPTEST_PROXY_COUNT
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies <= 0 or not forwarded:
        return remote
    return _address(forwarded[-min(proxies, len(forwarded))]) or remote


def rate_limit_wait(*, scope: str, ident: str, rate: tuple[int, int], consume: bool = True) -> float | None:
    """Seconds to wait before ``ident`` may act in ``scope`` again, or None when it may act now.

    ``rate`` is (how many, per seconds). With ``consume`` an allowed action uses up one unit; without it
    the call only looks (to refuse early, and count only what succeeded, call again with ``consume``).
    """
    count, period = rate
    interval = period / count
    burst = period - interval  # how far ahead of now the allowance may already be spent
    key = f"rate:{scope}:{ident}"
    now = time.time()
    stored = cache.get(key)
    spent_until = max(float(stored), now) if isinstance(stored, int | float) else now
    if spent_until - now > burst + _SLACK:
        return spent_until - now - burst
    if consume:
        spent_until += interval
        cache.set(key, spent_until, timeout=math.ceil(spent_until - now) + 1)
    return None


def retry_after(seconds: float) -> str:
    """A Retry-After header value: whole seconds, at least 1 (RFC 9110)."""
    return str(max(1, math.ceil(seconds)))


def describe_wait(seconds: float) -> str:
    """``about 12 minutes``, ``30 seconds``: for people."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"about {minutes} minutes"
    return f"about {math.ceil(minutes / 60)} hours"


def throttled_page(request: HttpRequest, *, wait: float, what: str) -> HttpResponse:
    """The page a throttled form answers with: 429, Retry-After, and when to try again."""
    context = {"what": what, "wait": describe_wait(wait)}
    response = render(request, "core/throttled.html", context, status=429)
    response["Retry-After"] = retry_after(wait)
    return response


class ApiRateLimit(BaseThrottle):
    """django-ninja's throttle hook over ``rate_limit_wait``: one allowance per authenticated user.

    ninja asks ``allow_request`` and then, when refused, ``wait()`` with no request; the wait is kept
    per thread so a threaded server never reports another request's wait. The rate is read from
    settings on each request (so tests and a restart with a new environment both take effect).
    """

    scope = "api"

    def __init__(self, setting: str = "ADAPTEST_API_THROTTLE") -> None:
        self.setting = setting
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user: User | None = getattr(request, "auth", None)  # set by api.auth.PersonalToken
        ident = f"user-{user.pk}" if user is not None else f"ip-{client_ip(request) or 'unknown'}"
        wait = rate_limit_wait(scope=self.scope, ident=ident, rate=getattr(settings, self.setting))
        self._local.wait = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


__all__ = [
    "ApiRateLimit",
    "client_ip",
    "describe_wait",
    "rate_limit_wait",
    "retry_after",
    "throttled_page",
]

"""The endpoint the question page's integrity script reports to (static/organizations/integrity.js).

A campaign attempt's page posts one event at a time: a focus loss or a paste, with the question's
position. The answer is 204 whether or not the event was counted, so it says nothing about whose attempt
an id is, whether it is in a campaign or still open; only a malformed request is told so (400).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from adaptest.web.core.http import AuthenticatedHttpRequest
from adaptest.web.core.throttling import rate_limit_wait, retry_after
from adaptest.web.organizations import services

SIGNAL_RATE = (120, 60)
"""Events per user per minute: far above what a person switching windows or pasting produces, low
enough that a script flooding the endpoint costs little (the counters also stop at SIGNAL_CAP)."""
KINDS: dict[str, services.SignalKind] = {"focus_lost": "focus_lost", "paste": "paste"}


@require_POST
@never_cache
@login_required
def signal_post(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    kind = KINDS.get(request.POST.get("kind", ""))
    if kind is None:
        return HttpResponseBadRequest("kind must be focus_lost or paste", content_type="text/plain")
    position = _position(request.POST.get("position", ""))
    if position is None:
        return HttpResponseBadRequest("position must be a whole number from 1", content_type="text/plain")
    wait = rate_limit_wait(scope="integrity-signal", ident=f"user-{request.user.pk}", rate=SIGNAL_RATE)
    if wait is not None:
        refused = HttpResponse("Too many signals; try again later.", status=429, content_type="text/plain")
        refused["Retry-After"] = retry_after(wait)
        return refused
    services.signal_record(
        user=request.user, attempt_id=attempt_id, position=position, kind=kind, now=timezone.now()
    )
    return HttpResponse(status=204)


def _position(text: str) -> int | None:
    """A question's position: 1 to 6 ASCII digits (not ``²``, not ``٣``), at least 1; else None."""
    if 1 <= len(text) <= 6 and text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    return None

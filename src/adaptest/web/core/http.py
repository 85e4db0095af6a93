"""HTTP responses the pages and the API share."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse


class AuthenticatedHttpRequest(HttpRequest):
    """The request a page behind ``@login_required`` receives: its ``user`` is signed in, not anonymous.

    For the type checker only (views annotate ``request`` with it); Django builds plain HttpRequests.
    """

    user: User


class ApiRequest(HttpRequest):
    """The request an API operation receives: ``auth`` is the token's user (api.auth.PersonalToken).

    For the type checker only, as above; Django Ninja sets ``auth`` once the token is accepted.
    """

    auth: User


def figure_response(svg: str) -> HttpResponse:
    """A question's SVG figure, for this taker only.

    Shown through <img>, an SVG cannot run scripts; the CSP also covers opening it directly.
    """
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=3600"
    return response

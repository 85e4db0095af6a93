"""HTTP responses the pages and the API share."""

from __future__ import annotations

from django.http import HttpResponse


def figure_response(svg: str) -> HttpResponse:
    """A question's SVG figure, for this taker only.

    Shown through <img>, an SVG cannot run scripts; the CSP also covers opening it directly.
    """
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=3600"
    return response

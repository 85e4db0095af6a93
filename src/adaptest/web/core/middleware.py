"""Refuse text that no database can store, in one place, before any view sees it.

A NUL character (U+0000) is refused by PostgreSQL in every text column, and an unpaired surrogate
(U+D800–U+DFFF alone, which JSON can spell ``"\\ud800"``) cannot be encoded as UTF-8 at all. Neither has
a use in a username, an answer, a token name or a comment, so rather than checking every field of every
form and schema, this middleware answers 400 when one appears in the path, a header (django-axes stores
the User-Agent of a failed log-in), the query string, a form field or anywhere in a JSON body (keys
included): JSON ``{"detail": …}`` under /api/, a short page elsewhere.

Cookies are the exception: a quoted cookie can spell a NUL (``"…\\000…"``), and a session cookie like
that would reach the session table. No browser sends one unless someone planted it, so such a cookie is
dropped (the request goes on as if it had not been sent) rather than refused: a planted cookie cannot
lock a person out of the site.

The same middleware keeps whole numbers in page paths (``/attempts/<int:attempt_id>/``) within
``MAX_ID``: a larger one names nothing, so it is a 404 before any query could overflow a column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"
MAX_ID = 2**31 - 1
"""The largest id or position a request may name: beyond any real one, within every database's integers."""
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _describe(character: str) -> str:
    if character == "\x00":
        return "a NUL character (U+0000)"
    return f"an unpaired surrogate (U+{ord(character):04X})"


def _in_json(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(where, character) for each unstorable string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found:
            yield f"the JSON body at {where or 'its top level'}", found.group()
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _UNSTORABLE.search(key)
            if found:
                yield f"a key of the JSON body at {where or 'its top level'}", found.group()
            yield from _in_json(item, f"{where}.{_UNSTORABLE.sub('?', key)}".lstrip("."))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_json(item, f"{where}[{index}]")


def _in_fields(fields: Any, kind: str) -> Iterator[tuple[str, str]]:
    for name, values in fields.lists():
        for text in (name, *values):
            found = _UNSTORABLE.search(text)
            if found:
                yield f"{kind} “{_UNSTORABLE.sub('?', name)}”", found.group()


def unstorable_text(request: HttpRequest) -> tuple[str, str] | None:
    """Where the first unstorable character of the request is, and which: ("the path", "\\x00")."""
    found = _UNSTORABLE.search(request.path_info)
    if found:
        return "the path", found.group()
    for key, value in request.META.items():
        if key.startswith("HTTP_") and key != "HTTP_COOKIE" and isinstance(value, str):
            found = _UNSTORABLE.search(value)
            if found:
                return f"the header “{key[5:].replace('_', '-').title()}”", found.group()
    for problem in _in_fields(request.GET, "the query parameter"):
        return problem
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        if request.path_info.startswith(API_PREFIX):
            # The API reads the raw body after this, which Django forbids once a form has been parsed
            # from the stream (a 500); read it first, and the form is parsed from the kept copy.
            request.body  # noqa: B018 - read for its effect
        for problem in _in_fields(request.POST, "the form field"):
            return problem
        return None
    if not request.body:
        return None
    try:  # the API reads any body as JSON, whatever its Content-Type says
        document = json.loads(request.body)
    except ValueError:
        return None  # not JSON: whoever reads it refuses it
    for problem in _in_json(document):
        return problem
    return None


class RefuseUnstorableText:
    """Answers 400 to a request carrying a NUL character or an unpaired surrogate (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, value in list(request.COOKIES.items()):
            if _UNSTORABLE.search(name) or _UNSTORABLE.search(value):
                del request.COOKIES[name]
        problem = unstorable_text(request)
        if problem is None:
            return self.get_response(request)
        where, character = problem
        message = (
            f"{where[0].upper()}{where[1:]} contains {_describe(character)}, which cannot be stored. "
            "Remove it and send the request again."
        )
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "core/bad_request.html", {"message": message}, status=400)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]
    ) -> None:
        if any(isinstance(value, int) and value > MAX_ID for value in (*args, *kwargs.values())):
            raise Http404("No such page.")

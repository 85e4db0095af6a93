"""Routers whose every operation declares in the OpenAPI document the errors it can give.

Every app's API router (assessments and attempts in ``api.py``, ``practice/api.py``,
``flashcards/api.py``) is an ``AdaptestRouter``, so a client and schemathesis see the same errors for the
same reasons everywhere.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

from django.http import HttpRequest
from ninja import Router
from ninja.constants import NOT_SET
from ninja.errors import HttpError

from adaptest.web.api import schemas as s

ANY_REQUEST: dict[int, Any] = {400: s.ErrorOut, 401: s.ErrorOut, 429: s.ThrottledOut}
"""What any request can be answered: unstorable text (core.middleware), no valid token, too many requests."""


def declared_responses(path: str, view_func: Callable[..., Any], response: Any) -> dict[int | str, Any]:
    """An operation's responses as the OpenAPI document states them: its own, and the errors it can meet.

    Besides ``ANY_REQUEST``: a path naming something (``{slug}``, ``{attempt_id}``) can be 404, and a
    parameter or body that must be parsed (anything but plain text) can be 422. Domain refusals (403,
    409) are each operation's own, declared where it is.
    """
    declared: dict[int | str, Any] = dict(response) if isinstance(response, dict) else {200: response}
    hints = get_type_hints(view_func)
    parsed = [name for name in inspect.signature(view_func).parameters if name != "request"]
    if "{" in path:
        declared.setdefault(404, s.ErrorOut)
    if any(hints.get(name) is not str for name in parsed):
        declared.setdefault(422, s.ValidationErrorOut)
    for status, schema in ANY_REQUEST.items():
        declared.setdefault(status, schema)
    return declared


class AdaptestRouter(Router):
    """A router whose every operation declares the errors it can give (``declared_responses``)."""

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        response: Any = NOT_SET,
        **kw: Any,
    ) -> None:
        response = declared_responses(path, view_func, response)
        super().add_api_operation(path, methods, view_func, response=response, **kw)


def refuse_unknown_query(request: HttpRequest, *allowed: str) -> None:
    """422 for a query parameter the operation does not take: a misspelt ``?bnak=`` must not silently
    give the default answer."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(422, f"Unknown query parameter(s): {', '.join(unknown)}.")

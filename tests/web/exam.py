"""Helpers that drive the exam through its real pages, the way a browser form would."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from adaptest.bank import GradableItem
from adaptest.web.assessments.kinds import fields_from_answer
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.itembank.models import Assessment


def start(client: Client, assessment: Assessment) -> Attempt:
    response = client.post(reverse("attempt_start", args=[assessment.slug]))
    assert response.status_code == 302, response
    return Attempt.objects.filter(assessment=assessment).latest("started_at")


def slot(attempt: Attempt, position: int) -> AttemptItem:
    return attempt.slots.select_related("item_version").get(position=position)


def item_at(attempt: Attempt, position: int) -> GradableItem:
    return slot(attempt, position).item_version.parsed


def form_fields(attempt: Attempt, position: int, answer: Any) -> dict[str, list[str]]:
    s = slot(attempt, position)
    item = s.item_version.parsed
    return fields_from_answer(item, item.presentation(s.display_seed), answer)


def post_answer(client: Client, attempt: Attempt, position: int, answer: Any, action: str = "next"):  # type: ignore[no-untyped-def]
    data = {**form_fields(attempt, position, answer), "action": action}
    return client.post(reverse("question", args=[attempt.pk, position]), data)


def question_url(attempt: Attempt, position: int) -> str:
    return reverse("question", args=[attempt.pk, position])


def wrong_answer(item: GradableItem) -> Any:
    """An answer that is well formed but not fully correct."""
    key = item.key_answer()
    kind = item.kind
    if kind == "single_choice":
        return next(o.id for o in item.options if not o.correct)  # type: ignore[attr-defined]
    if kind == "multiple_choice":
        return [o.id for o in item.options if not o.correct][:1]  # type: ignore[attr-defined]
    if kind == "numeric":
        return key * 3 + 1001
    if kind == "numeric_tuple":
        return {name: value + 1001 for name, value in key.items()}
    if kind == "short_text":
        return "zzz not an answer"
    if kind == "ordering":
        return list(reversed(key))
    if kind == "matrix":
        return [[v + 1001 for v in row] for row in key]
    if kind == "free_text":
        return "zzz not an answer"
    raise AssertionError(kind)

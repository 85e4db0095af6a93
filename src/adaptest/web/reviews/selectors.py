"""Reads for the staff review queue: free-text answers the rubric could not place, oldest first.

The queue reads across assessments and practice, so it lives in this small app above both. Reviewers
grade blind: nothing here carries the learner's name or account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.http import Http404

from adaptest.bank.kinds.rubric import RubricAssessment, RubricItem
from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.practice.models import PracticeResponse

Source = Literal["exam", "practice"]
QUEUE_LIMIT = 50
"""The queue page shows at most this many answers at a time (the oldest)."""

AnyResponse = Response | PracticeResponse


@dataclass(frozen=True)
class ReviewTask:
    """One answer waiting for a person: the item, the answer and the automatic grading of it."""

    source: Source
    response: AnyResponse
    item: RubricItem
    automatic: RubricAssessment
    waiting_since: datetime

    @property
    def pk(self) -> int:
        return self.response.pk

    @property
    def answer(self) -> str:
        return str(self.response.answer)

    @property
    def results(self) -> dict[str, bool]:
        """Criterion id -> met by the automatic grading."""
        return {result.criterion.id: result.met for result in self.automatic.results}


def _task(source: Source, response: AnyResponse, waiting_since: datetime) -> ReviewTask | None:
    item = (response.slot.item_version if isinstance(response, Response) else response.item_version).parsed
    if not isinstance(item, RubricItem) or response.answer is None:
        return None
    return ReviewTask(source, response, item, item.assess(str(response.answer)), waiting_since)


def review_queue(*, limit: int = QUEUE_LIMIT) -> tuple[list[ReviewTask], int]:
    """The oldest answers waiting for review (exam answers once their attempt is finished, practice
    answers at once), and how many wait in all."""
    exams = Response.objects.filter(needs_review=True).exclude(
        slot__attempt__status=Attempt.Status.IN_PROGRESS
    )
    practice = PracticeResponse.objects.filter(needs_review=True)
    waiting = exams.count() + practice.count()
    tasks = [
        _task("exam", r, r.saved_at)
        for r in exams.select_related("slot__item_version").order_by("saved_at", "pk")[:limit]
    ] + [
        _task("practice", r, r.created_at)
        for r in practice.select_related("item_version").order_by("created_at", "pk")[:limit]
    ]
    found = sorted((t for t in tasks if t is not None), key=lambda t: (t.waiting_since, t.source, t.pk))
    return found[:limit], waiting


def review_response(*, source: str, pk: int) -> AnyResponse:
    """The free-text answer a review form is about (404 for anything else)."""
    model: type[Response] | type[PracticeResponse]
    if source == "exam":
        model = Response
    elif source == "practice":
        model = PracticeResponse
    else:
        raise Http404("No such answer.")
    response = model.objects.filter(pk=pk).first()
    if response is None:
        raise Http404("No such answer.")
    return response


__all__ = ["QUEUE_LIMIT", "ReviewTask", "review_queue", "review_response"]

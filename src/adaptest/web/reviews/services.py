"""Writes for the staff review queue: a person's score for a free-text answer replaces the automatic one.

Why a practice answer's Elo rating is not run again: the learner's and the item's practice ratings moved
one step when the answer was given, and later steps were taken from there; undoing one step in the middle
of that chain is not meaningful, and a correction of one answer is noise next to the next answers. The
person's score is what the learner's feedback, the item statistics and calibration read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from adaptest.bank.kinds.rubric import RubricItem
from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.assessments.services import attempt_rescore
from adaptest.web.practice.models import PracticeResponse

AnyResponse = Response | PracticeResponse


class ReviewError(Exception):
    """A review the rules refuse; the message is shown to the reviewer as it is."""


def response_review(
    *,
    response: AnyResponse,
    reviewer: AbstractBaseUser | AnonymousUser,
    criteria_met: Iterable[str],
    now: datetime,
) -> AnyResponse:
    """Record a person's grading of a free-text answer: the ids of the rubric criteria it meets.

    Staff only (PermissionDenied otherwise). In one transaction: lock the attempt (exam answers; it must
    be finished) and the response; keep the automatic score in ``auto_score`` the first time; set the
    score and ``correct`` from the criteria ticked; clear ``needs_review``; note who and when; and score
    a finished fixed exam again (its ``score`` and ``passed``). Reviewing again updates the person's
    score; ``auto_score`` stays the first automatic one. Returns the updated response.
    """
    if not getattr(reviewer, "is_staff", False):
        raise PermissionDenied("Reviewing answers is for staff.")
    met = set(criteria_met)
    with transaction.atomic():
        attempt_id = None
        if isinstance(response, Response):
            attempt_id = response.slot.attempt_id
            attempt = Attempt.objects.select_for_update(of=("self",)).get(pk=attempt_id)
            if attempt.is_open:
                raise ReviewError("This answer's attempt is still in progress: the learner may change it.")
            exam = (
                Response.objects.select_for_update(of=("self",))
                .select_related("slot__item_version")
                .get(pk=response.pk)
            )
            locked: AnyResponse = exam
            version = exam.slot.item_version
        else:
            locked = (
                PracticeResponse.objects.select_for_update(of=("self",))
                .select_related("item_version")
                .get(pk=response.pk)
            )
            version = locked.item_version
        item = version.parsed
        if not isinstance(item, RubricItem) or locked.dont_know or locked.answer is None:
            raise ReviewError("Only written answers to free-text questions are checked by a person.")
        unknown = sorted(met - {c.id for c in item.rubric})
        if unknown:
            raise ReviewError(f"This question's rubric has no criterion {unknown[0]!r}.")
        if locked.auto_score is None:
            locked.auto_score = locked.score
        locked.score, locked.correct = item.criteria_score(met)
        locked.needs_review = False
        locked.reviewed_by_id = reviewer.pk
        locked.reviewed_at = now
        locked.save(
            update_fields=["auto_score", "score", "correct", "needs_review", "reviewed_by", "reviewed_at"]
        )
        if attempt_id is not None:
            attempt_rescore(attempt_id=attempt_id)
    return locked


__all__ = ["ReviewError", "response_review"]

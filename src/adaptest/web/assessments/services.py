"""Writes for assessments: start or resume, save an answer, submit, and expire at the deadline.

Every function takes the clock as ``now`` (the server's time) and locks the attempt row, so a
double click, a replayed POST or two browser tabs can never create two responses for one position.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from adaptest.bank import DONT_KNOW, AnswerError, DontKnow, grade
from adaptest.web.accounts.models import Accommodation
from adaptest.web.assessments import engine
from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from adaptest.web.assessments.selectors import retake_status
from adaptest.web.itembank.models import Assessment, Item, ItemRating, ItemVersion

LATE_ANSWER = (
    "Time is up: this answer arrived after the deadline and was not saved. "
    "The attempt was finished with the answers saved before the deadline."
)
ALREADY_SUBMITTED = "This attempt has already been submitted; answers can no longer change."
NO_GOING_BACK = (
    "In the adaptive assessment each answer is final: the next question is chosen from it. "
    "Answer the current question instead."
)


class AssessmentError(Exception):
    """A request the rules refuse; the message is shown to the learner as it is."""


class AttemptClosed(AssessmentError):
    """The attempt is finished (submitted, or its time ran out)."""

    def __init__(self, attempt: Attempt, message: str) -> None:
        super().__init__(message)
        self.attempt = attempt


class AssessmentUnavailable(AssessmentError):
    pass


class RetakeLimitReached(AssessmentError):
    """Too many self-initiated attempts in the window; ``next_allowed`` is when one frees up."""

    def __init__(self, message: str, next_allowed: datetime) -> None:
        super().__init__(message)
        self.next_allowed = next_allowed


@dataclass(frozen=True)
class SaveResult:
    response: Response
    changed: bool


def attempt_start(
    *, user: Any, assessment: Assessment, now: datetime, self_initiated: bool = True
) -> Attempt:
    """Start an attempt, or return the user's open attempt so the learner resumes it.

    Self-initiated attempts are limited (settings ``ADAPTEST_RETAKE_LIMIT`` per
    ``ADAPTEST_RETAKE_WINDOW_DAYS``); the deadline includes any extra time staff granted the user.
    """
    open_attempt = attempt_open(user=user, assessment=assessment, now=now)
    if open_attempt is not None:
        return open_attempt
    if not assessment.is_active:
        raise AssessmentUnavailable("This assessment is no longer available.")
    if self_initiated:
        _check_retakes(user, assessment, now)
    try:
        with transaction.atomic():
            attempt = Attempt(
                user=user,
                assessment=assessment,
                started_at=now,
                deadline=now + _time_allowed(user, assessment),
                self_initiated=self_initiated,
            )
            if assessment.is_adaptive:
                _start_adaptive(attempt)
            else:
                _start_fixed(attempt)
    except IntegrityError:  # a concurrent request started one first: resume that one
        existing = attempt_open(user=user, assessment=assessment, now=now)
        if existing is None:
            raise
        return existing
    return attempt


def _check_retakes(user: Any, assessment: Assessment, now: datetime) -> None:
    status = retake_status(user=user, assessment=assessment, now=now)
    if status.next_allowed is not None:
        when = status.next_allowed.strftime("%-d %B %Y at %H:%M UTC")
        raise RetakeLimitReached(
            f"You have used all {status.limit} attempts allowed in {status.window_days} days. "
            f"Your next attempt is possible on {when}.",
            status.next_allowed,
        )


def _time_allowed(user: Any, assessment: Assessment) -> timedelta:
    extra = Accommodation.objects.filter(user=user).values_list("extra_time_percent", flat=True).first()
    return timedelta(seconds=assessment.time_limit_seconds * (1 + (extra or 0) / 100))


def _start_fixed(attempt: Attempt) -> None:
    assessment = attempt.assessment
    attempt.form = _next_form(attempt.user, assessment)
    versions = _current_versions(assessment, assessment.forms[attempt.form])
    attempt.save()
    AttemptItem.objects.bulk_create(
        AttemptItem(attempt=attempt, position=i, item_version=v, display_seed=secrets.randbelow(2**31))
        for i, v in enumerate(versions, start=1)
    )


def _start_adaptive(attempt: Attempt) -> None:
    attempt.save()  # inside the caller's transaction: rolled back if no question can be chosen
    test = engine.adaptive_test(attempt.assessment)
    first = engine.next_item(test, engine.session_state(test, attempt))
    if first is None:
        raise AssessmentUnavailable("This assessment has no questions yet.")
    _add_slot(attempt, test, first, position=1)


def _add_slot(attempt: Attempt, test: engine.AdaptiveTest, item: Item, *, position: int) -> None:
    parameters = item.parameters
    AttemptItem.objects.create(
        attempt=attempt,
        position=position,
        item_version_id=_version_to_give(item),
        display_seed=secrets.randbelow(2**31),
        scored=not parameters.pretest,
        a=parameters.a,
        b=parameters.b,
    )


def _version_to_give(item: Item) -> int | None:
    """The ItemVersion pk a taker gets: a family's item one of its current variants at random (so takers
    see different numbers), a hand-written item its current version."""
    if item.variant_versions:
        return int(secrets.choice(item.variant_versions))
    return item.current_version_id


def attempt_open(*, user: object, assessment: Assessment, now: datetime) -> Attempt | None:
    """The learner's attempt in progress, if any; one whose time ran out is finished and not returned."""
    attempt = Attempt.objects.filter(
        user=user, assessment=assessment, status=Attempt.Status.IN_PROGRESS
    ).first()
    if attempt is not None and attempt_expire_if_due(attempt=attempt, now=now):
        return None
    return attempt


def _next_form(user: object, assessment: Assessment) -> str:
    """The parallel form this learner has taken least (at random among ties), so retakes vary."""
    if not assessment.forms:
        raise AssessmentUnavailable("This assessment has no questions yet.")
    taken = Counter(Attempt.objects.filter(user=user, assessment=assessment).values_list("form", flat=True))
    fewest = min(taken[name] for name in assessment.forms)
    return secrets.choice(sorted(name for name in assessment.forms if taken[name] == fewest))


def _current_versions(assessment: Assessment, item_ids: list[str]) -> list[ItemVersion]:
    items = {
        i.item_id: i
        for i in Item.objects.filter(
            bank=assessment.bank, item_id__in=item_ids, is_active=True
        ).select_related("current_version")
    }
    if any(item_id not in items for item_id in item_ids):
        raise AssessmentUnavailable("This assessment is being updated; please try again later.")
    return [items[item_id].current_version for item_id in item_ids]


def attempt_expire_if_due(*, attempt: Attempt, now: datetime) -> bool:
    """Finish an open attempt whose deadline has passed, with what was saved. True if it is expired."""
    if attempt.status == Attempt.Status.EXPIRED:
        return True
    if not attempt.is_open or now < attempt.deadline:
        return False
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.is_open:
            _finish(locked, status=Attempt.Status.EXPIRED, finished_at=locked.deadline)
    attempt.refresh_from_db()
    return attempt.status == Attempt.Status.EXPIRED


def response_save(*, attempt: Attempt, position: int, answer: object | DontKnow, now: datetime) -> SaveResult:
    """Grade and store the answer at ``position``; the same answer twice changes nothing.

    Raises AttemptClosed after the deadline (finishing the attempt, committed) or after submission,
    and AnswerError for a malformed answer (nothing is stored). An adaptive answer is final, so
    repeating one returns the first result even once the attempt is over (a retry after a lost
    connection must not fail on the answer that finished the test).
    """
    replay = _adaptive_replay(attempt, position)
    if replay is not None:  # checked before the open check: it holds after the attempt ended too
        return replay
    attempt_require_open(attempt=attempt, now=now)
    with transaction.atomic():
        locked = _lock(attempt)
        # Raising inside this block would roll back, so a close that raced us is handled after it.
        result = _store(locked, position, answer, now) if _accepts_answers(locked, now) else None
    attempt.refresh_from_db()
    if result is None:
        attempt_require_open(attempt=attempt, now=now)
        raise AttemptClosed(attempt, ALREADY_SUBMITTED)
    return result


def _adaptive_replay(attempt: Attempt, position: int) -> SaveResult | None:
    """The first result of an adaptive answer already given at ``position`` (answers are final)."""
    if not attempt.assessment.is_adaptive:
        return None
    existing = Response.objects.filter(slot__attempt=attempt, slot__position=position).first()
    return None if existing is None else SaveResult(existing, changed=False)


def _accepts_answers(attempt: Attempt, now: datetime) -> bool:
    return attempt.is_open and now < attempt.deadline


def _store(attempt: Attempt, position: int, answer: object | DontKnow, now: datetime) -> SaveResult:
    if attempt.assessment.is_adaptive:
        return _store_adaptive(attempt, position, answer, now)
    return _store_answer(attempt, position, answer, now)


def _store_adaptive(attempt: Attempt, position: int, answer: object | DontKnow, now: datetime) -> SaveResult:
    """Answers are final: a repeat returns the first result; only the newest question takes one.

    A question is added only once the one before it is answered, so every position but the newest
    already has its answer (a replay). Storing an answer chooses the next question in the same
    transaction, or finishes the attempt.
    """
    replay = _adaptive_replay(attempt, position)  # again under the lock: a twin request may have won
    if replay is not None:
        return replay
    result = _store_answer(attempt, position, answer, now)
    test = engine.adaptive_test(attempt.assessment)
    following = engine.next_item(test, engine.session_state(test, attempt))
    if following is None:
        _finish(attempt, status=Attempt.Status.SUBMITTED, finished_at=now, test=test)
    else:
        _add_slot(attempt, test, following, position=position + 1)
        attempt.current_position = position + 1
        attempt.save(update_fields=["current_position"])
    return result


def _store_answer(attempt: Attempt, position: int, answer: object | DontKnow, now: datetime) -> SaveResult:
    slot = attempt.slots.select_related("item_version").get(position=position)
    item = slot.item_version.parsed
    dont_know = answer is DONT_KNOW
    stored = None if dont_know else item.parse_answer(answer)
    outcome = grade(item, DONT_KNOW if dont_know else stored)
    response = Response.objects.filter(slot=slot).first()
    if response is not None and response.answer == stored and response.dont_know == dont_know:
        return SaveResult(response, changed=False)
    if response is None:
        response = Response(slot=slot, first_saved_at=now, revisions=0)
    response.answer, response.dont_know = stored, dont_know
    response.score, response.correct = outcome.score, outcome.correct
    response.saved_at = now
    response.revisions += 1
    response.save()
    return SaveResult(response, changed=True)


def attempt_visit(*, attempt: Attempt, position: int) -> None:
    """Remember the question the learner is on, so coming back resumes there."""
    if attempt.is_open and attempt.current_position != position:
        Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
            current_position=position
        )
        attempt.current_position = position


def attempt_submit(*, attempt: Attempt, now: datetime) -> Attempt:
    """Finish the attempt and score it. Submitting twice, or after the deadline, is safe."""
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.is_open:
            if now >= locked.deadline:
                _finish(locked, status=Attempt.Status.EXPIRED, finished_at=locked.deadline)
            else:
                _finish(locked, status=Attempt.Status.SUBMITTED, finished_at=now)
    attempt.refresh_from_db()
    return attempt


def item_rate(*, attempt: Attempt, position: int, stars: int, comment: str, now: datetime) -> ItemRating:
    """Store the learner's rating of the item version at ``position`` of a finished attempt (one per
    user and version: rating again updates it)."""
    if attempt.is_open:
        raise AssessmentError("You can rate questions once the attempt is finished.")
    if not 1 <= stars <= 5:
        raise AssessmentError("Choose from 1 to 5 stars.")
    version = attempt.slots.get(position=position).item_version
    given = {"stars": stars, "comment": comment.strip()[:2000], "updated_at": now}
    rating, _ = ItemRating.objects.update_or_create(
        user=attempt.user, item_version=version, defaults=given, create_defaults={**given, "created_at": now}
    )
    return rating


def _lock(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().select_related("assessment").get(pk=attempt.pk)


def attempt_require_open(*, attempt: Attempt, now: datetime) -> None:
    """Raise AttemptClosed unless answers may still be saved; finishes an attempt that ran out of time."""
    if attempt_expire_if_due(attempt=attempt, now=now):
        raise AttemptClosed(attempt, LATE_ANSWER)
    if attempt.status == Attempt.Status.SUBMITTED:
        raise AttemptClosed(attempt, ALREADY_SUBMITTED)


def _finish(
    attempt: Attempt, *, status: str, finished_at: datetime, test: engine.AdaptiveTest | None = None
) -> None:
    """Score a locked, open attempt: unanswered questions count 0; pretest questions not at all.

    An adaptive attempt also stores its report (domain levels and scores) computed from the answers.
    """
    scored = Response.objects.filter(slot__attempt=attempt, slot__scored=True)
    total = scored.aggregate(total=Sum("score"))["total"] or 0.0
    count = attempt.slots.filter(scored=True).count()
    if attempt.assessment.is_adaptive:
        test = test or engine.adaptive_test(attempt.assessment)
        attempt.report = engine.attempt_report(test, engine.session_state(test, attempt))
    attempt.score = total / count if count else 0.0
    pass_mark = attempt.assessment.pass_mark
    attempt.passed = None if pass_mark is None else attempt.score >= pass_mark - 1e-9
    attempt.status, attempt.finished_at = status, finished_at
    attempt.save(update_fields=["score", "passed", "status", "finished_at", "report"])


__all__ = [
    "AnswerError",
    "AssessmentError",
    "AssessmentUnavailable",
    "AttemptClosed",
    "RetakeLimitReached",
    "SaveResult",
    "attempt_expire_if_due",
    "attempt_open",
    "attempt_require_open",
    "attempt_start",
    "attempt_submit",
    "attempt_visit",
    "item_rate",
    "response_save",
]

"""Writes for assessments: start or resume, save an answer, submit, and expire at the deadline.

Every function takes the clock as ``now`` (the server's time) and locks the attempt row, so a
double click, a replayed POST or two browser tabs can never create two responses for one position.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max

from adaptest.bank import DONT_KNOW, AnswerError, GradableItem, Outcome, grade
from adaptest.psychometrics import SessionState
from adaptest.web.accounts.models import Accommodation
from adaptest.web.assessments import engine
from adaptest.web.assessments.models import Attempt, AttemptItem, ExposureCounter, Response
from adaptest.web.assessments.selectors import attempt_slots, retake_status
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


class NothingEntered(AnswerError):
    """The form or request carried no answer at all (not even "I don't know yet")."""


NOTHING_ENTERED = "Enter an answer, or choose “I don't know yet” to move on."

AnswerReader = Callable[[GradableItem, dict[str, Any]], object]
"""Reads the learner's raw answer (or DONT_KNOW, or None for nothing entered) for the question it is
given, with that question's presentation (the option order the learner saw)."""


@dataclass(frozen=True)
class SaveResult:
    """What an answer did: the stored response, whether it changed anything, and the attempt after it.

    ``slots`` are all the attempt's slots with their responses, after the answer: for an adaptive
    attempt still open, the last one is the next question.
    """

    response: Response
    changed: bool
    attempt: Attempt
    slots: tuple[AttemptItem, ...] = ()

    @property
    def next_slot(self) -> AttemptItem | None:
        """The question to answer next in an adaptive attempt (None once it is finished)."""
        if not self.attempt.is_open or not self.slots:
            return None
        last = self.slots[-1]
        return last if last.stored_response is None else None


@dataclass(frozen=True)
class Started:
    attempt: Attempt
    created: bool  # False: the learner's attempt in progress was resumed


def attempt_start(
    *, user: User, assessment: Assessment, now: datetime, self_initiated: bool = True
) -> Attempt:
    """Start an attempt, or return the user's open attempt so the learner resumes it (see attempt_begin)."""
    return attempt_begin(user=user, assessment=assessment, now=now, self_initiated=self_initiated).attempt


def attempt_begin(
    *,
    user: User,
    assessment: Assessment,
    now: datetime,
    self_initiated: bool = True,
    extra_time_percent: int = 0,
) -> Started:
    """Start an attempt, or resume the user's open attempt; says which, even under concurrent starts.

    Self-initiated attempts are limited (settings ``ADAPTEST_RETAKE_LIMIT`` per
    ``ADAPTEST_RETAKE_WINDOW_DAYS``); attempts an organisation administers (``self_initiated=False``)
    neither count nor are limited. The deadline includes the larger of the extra time staff granted the
    user and ``extra_time_percent`` (an organisation's accommodation for this attempt).
    """
    open_attempt = attempt_open(user=user, assessment=assessment, now=now)
    if open_attempt is not None:
        return Started(open_attempt, created=False)
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
                deadline=now + _time_allowed(user, assessment, extra_time_percent),
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
        return Started(existing, created=False)
    return Started(attempt, created=True)


def _check_retakes(user: User, assessment: Assessment, now: datetime) -> None:
    status = retake_status(user=user, assessment=assessment, now=now)
    if status.next_allowed is not None:
        when = status.next_allowed.strftime("%-d %B %Y at %H:%M UTC")
        raise RetakeLimitReached(
            f"You have used all {status.limit} attempts allowed in {status.window_days} days. "
            f"Your next attempt is possible on {when}.",
            status.next_allowed,
        )


def _time_allowed(user: User, assessment: Assessment, extra_time_percent: int) -> timedelta:
    granted = Accommodation.objects.filter(user=user).values_list("extra_time_percent", flat=True).first()
    extra = max(granted or 0, extra_time_percent)
    return timedelta(seconds=assessment.time_limit_seconds * (1 + extra / 100))


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
    _count_exposure(attempt.assessment_id, item_pk=None)  # exposure rates include this attempt
    test = engine.adaptive_test(attempt.assessment)
    row = engine.next_row(test, engine.session_state(test, []))
    if row is None:
        raise AssessmentUnavailable("This assessment has no questions yet.")
    _give(attempt, engine.pick(test, row), position=1)


def _give(attempt: Attempt, chosen: engine.Pick, *, position: int) -> AttemptItem:
    """Add the next slot, freezing the parameters and scored flag it is given with, and count it."""
    slot = AttemptItem.objects.create(
        attempt=attempt,
        position=position,
        item_version=chosen.version,
        display_seed=secrets.randbelow(2**31),
        scored=chosen.scored,
        a=chosen.a,
        b=chosen.b,
        calibrated=chosen.calibrated,
    )
    AttemptItem.response.related.set_cached_value(slot, None)  # no answer yet: known without a query
    _count_exposure(attempt.assessment_id, item_pk=chosen.item_pk)
    return slot


def _count_exposure(assessment_pk: int, *, item_pk: int | None) -> None:
    """Add one to an exposure counter (item None: the assessment's sessions) in the caller's transaction."""
    counter = ExposureCounter.objects.filter(assessment_id=assessment_pk, item=item_pk)  # None: IS NULL
    if counter.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first count must not break the caller
            ExposureCounter.objects.create(assessment_id=assessment_pk, item_id=item_pk, count=1)
    except IntegrityError:
        counter.update(count=F("count") + 1)


def attempt_open(*, user: User, assessment: Assessment, now: datetime) -> Attempt | None:
    """The learner's attempt in progress, if any; one whose time ran out is finished and not returned."""
    attempt = Attempt.objects.filter(
        user=user, assessment=assessment, status=Attempt.Status.IN_PROGRESS
    ).first()
    if attempt is not None and attempt_expire_if_due(attempt=attempt, now=now):
        return None
    return attempt


def _next_form(user: User, assessment: Assessment) -> str:
    """The parallel form to give this learner, so that a retake never repeats a form whose review the
    learner has seen while another is left: a form never taken (at random among them); once every form
    was taken, the one taken fewest times and, among those, longest ago."""
    forms: dict[str, list[str]] = assessment.forms  # form name → item ids
    if not forms:
        raise AssessmentUnavailable("This assessment has no questions yet.")
    taken = {
        row["form"]: (row["times"], row["last"])
        for row in Attempt.objects.filter(user=user, assessment=assessment)
        .order_by()
        .values("form")
        .annotate(times=Count("id"), last=Max("started_at"))
    }
    untaken = sorted(name for name in forms if name not in taken)
    if untaken:
        return secrets.choice(untaken)
    return min(forms, key=lambda name: (*taken[name], name))


def _current_versions(assessment: Assessment, item_ids: list[str]) -> list[ItemVersion]:
    items = {
        i.item_id: i
        for i in Item.objects.filter(
            bank=assessment.bank, item_id__in=item_ids, is_active=True
        ).select_related("current_version")
    }
    versions = [items[item_id].current_version if item_id in items else None for item_id in item_ids]
    present = [version for version in versions if version is not None]
    if len(present) != len(item_ids):
        raise AssessmentUnavailable("This assessment is being updated; please try again later.")
    return present


def attempt_expire_if_due(*, attempt: Attempt, now: datetime) -> bool:
    """Finish an open attempt whose deadline has passed, with what was saved. True if it is expired."""
    if attempt.status == Attempt.Status.EXPIRED:
        return True
    if not attempt.is_open or now < attempt.deadline:
        return False
    with transaction.atomic():
        locked = _lock(user=attempt.user_id, attempt_id=attempt.pk)
        if locked.is_open:
            _finish(locked, status=Attempt.Status.EXPIRED, finished_at=locked.deadline)
    attempt.refresh_from_db()
    return attempt.status == Attempt.Status.EXPIRED


def attempts_expire_overdue(*, now: datetime, batch: int = 200) -> int:
    """Finish every open attempt whose deadline has passed (the periodic sweep); returns how many.

    Nobody has to open an abandoned attempt for its result to exist. Safe on many servers at once:
    each attempt is finished under its row lock, and one that another sweep holds is skipped.
    """
    finished = 0
    while True:
        due = list(
            Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lte=now)
            .order_by("deadline")
            .values_list("pk", flat=True)[:batch]
        )
        done_here = 0
        for pk in due:
            with transaction.atomic():
                locked = (
                    Attempt.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("assessment", "assessment__bank")
                    .filter(pk=pk, status=Attempt.Status.IN_PROGRESS)
                    .first()
                )
                if locked is not None and now >= locked.deadline:
                    _finish(locked, status=Attempt.Status.EXPIRED, finished_at=locked.deadline)
                    done_here += 1
        finished += done_here
        if len(due) < batch or done_here == 0:
            return finished


def response_submit(
    *, user: User | int, attempt_id: int, position: int, answer: AnswerReader | object, now: datetime
) -> SaveResult:
    """Take one answer — from a page, the API or a script — for ``position`` of the user's attempt.

    ``answer`` is the raw answer, DONT_KNOW, or an :data:`AnswerReader` that reads it once the question
    is known. In one transaction: lock the attempt (only the user's own: Attempt.DoesNotExist
    otherwise), load its slots once, return the first result if this adaptive position was already
    answered (answers are final, so a retry after a lost connection gets the same result, even once
    the test is over), check the deadline on the server clock, grade once, store, and in an adaptive
    attempt give the next question or finish. The same fixed-exam answer twice changes nothing.

    Raises AttemptClosed after the deadline (the attempt is then finished, and that is committed) or
    after submission; AnswerError (NothingEntered when empty) for an answer the question cannot take,
    storing nothing; AttemptItem.DoesNotExist for a position the attempt does not have.
    """
    read = answer if callable(answer) else _fixed_answer(answer)
    refusal = None
    with transaction.atomic():
        attempt, slots = _lock_with_slots(user=user, attempt_id=attempt_id)
        slot = _slot_at(slots, position)
        existing = slot.stored_response
        if attempt.assessment.is_adaptive and existing is not None:
            return SaveResult(existing, False, attempt, tuple(slots))
        refusal = _refusal(attempt, slots, now)
        if refusal is None:
            result = _store(attempt, slots, slot, read, now)
    if refusal is not None:
        raise AttemptClosed(attempt, refusal)
    return result


def response_save(*, attempt: Attempt, position: int, answer: object, now: datetime) -> SaveResult:
    """:func:`response_submit` for a caller that holds the attempt; refreshes it afterwards."""
    try:
        return response_submit(
            user=attempt.user_id, attempt_id=attempt.pk, position=position, answer=answer, now=now
        )
    finally:
        attempt.refresh_from_db()


def _fixed_answer(answer: object) -> AnswerReader:
    return lambda item, presentation: answer


def _lock_with_slots(*, user: User | int, attempt_id: int) -> tuple[Attempt, list[AttemptItem]]:
    """The user's attempt, locked until the transaction ends, then its slots with versions and responses.

    Two queries, on purpose: PostgreSQL re-reads only the locked row after waiting for a lock, so slots
    read in the locking query could miss an answer a concurrent request had just stored.
    """
    attempt = _lock(user=user, attempt_id=attempt_id)
    return attempt, attempt_slots(attempt=attempt)  # each slot's .attempt is this locked instance


def _slot_at(slots: list[AttemptItem], position: int) -> AttemptItem:
    slot = next((s for s in slots if s.position == position), None)
    if slot is None:
        raise AttemptItem.DoesNotExist(f"no question at position {position}")
    return slot


def _refusal(attempt: Attempt, slots: list[AttemptItem], now: datetime) -> str | None:
    """Why a locked attempt takes no answer now, finishing it if its time ran out; None if it takes one."""
    if attempt.is_open and now >= attempt.deadline:
        _finish(attempt, status=Attempt.Status.EXPIRED, finished_at=attempt.deadline, slots=slots)
    if attempt.status == Attempt.Status.EXPIRED:
        return LATE_ANSWER
    if attempt.status == Attempt.Status.SUBMITTED:
        return ALREADY_SUBMITTED
    return None


def answer_grade(*, item: GradableItem, seed: int, read: AnswerReader) -> tuple[Any, bool, Outcome]:
    """Read an answer against the question as it was shown (``seed``), parse it and grade it once: the
    canonical answer (None after "I don't know yet"), whether it was "I don't know yet", and the outcome.
    Every kind of session answers through here; NothingEntered when nothing was entered."""
    raw = read(item, item.presentation(seed))
    if raw is None:
        raise NothingEntered(NOTHING_ENTERED)
    dont_know = raw is DONT_KNOW
    stored = None if dont_know else item.parse_answer(raw)
    return stored, dont_know, grade(item, DONT_KNOW if dont_know else stored)


def _store(
    attempt: Attempt, slots: list[AttemptItem], slot: AttemptItem, read: AnswerReader, now: datetime
) -> SaveResult:
    """Grade once and store; in an adaptive attempt also give the next question or finish."""
    stored, dont_know, outcome = answer_grade(
        item=slot.item_version.parsed, seed=slot.display_seed, read=read
    )
    response = slot.stored_response
    if response is not None and response.answer == stored and response.dont_know == dont_know:
        return SaveResult(response, False, attempt, tuple(slots))
    if response is None:
        response = Response(slot=slot, first_saved_at=now, revisions=0)
    response.answer, response.dont_know = stored, dont_know
    response.score, response.correct = outcome.score, outcome.correct
    response.needs_review = outcome.needs_review  # free_text: a person checks it once the attempt is over
    response.saved_at = now
    response.revisions += 1
    response.save()
    if attempt.assessment.is_adaptive:
        _advance(attempt, slots, now)
    return SaveResult(response, True, attempt, tuple(slots))


def _advance(attempt: Attempt, slots: list[AttemptItem], now: datetime) -> None:
    """After an adaptive answer: add the next question (appended to ``slots``) or finish the attempt."""
    test = engine.adaptive_test(attempt.assessment)
    state = engine.session_state(test, slots)
    row = engine.next_row(test, state)
    if row is None:
        _finish(attempt, status=Attempt.Status.SUBMITTED, finished_at=now, slots=slots, state=(test, state))
        return
    position = len(slots) + 1
    slots.append(_give(attempt, engine.pick(test, row), position=position))
    attempt.current_position = position
    attempt.save(update_fields=["current_position"])


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
        locked = _lock(user=attempt.user_id, attempt_id=attempt.pk)
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


def _lock(*, user: User | int, attempt_id: int) -> Attempt:
    """The user's (a User, or its pk) attempt, locked until the transaction ends (the assessment and bank
    read with it)."""
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("assessment", "assessment__bank")
        .defer("assessment__bank__meta")  # large, and only needed to build a pool
        .get(pk=attempt_id, user=user)
    )


def _finish(
    attempt: Attempt,
    *,
    status: str,
    finished_at: datetime,
    slots: list[AttemptItem] | None = None,
    state: tuple[engine.AdaptiveTest, SessionState] | None = None,
) -> None:
    """Score a locked, open attempt: unanswered questions count 0; pretest questions not at all.

    An adaptive attempt also stores its report (domain levels and scores) computed from the answers.
    ``slots`` (with responses) and the engine ``state`` are reused when the caller has them.
    """
    slots = attempt_slots(attempt=attempt) if slots is None else slots
    if attempt.assessment.is_adaptive:
        if state is None:
            test = engine.adaptive_test(attempt.assessment)
            state = (test, engine.session_state(test, slots))
        attempt.report = engine.attempt_report(*state)
    _score(attempt, slots)
    attempt.status, attempt.finished_at = status, finished_at
    attempt.save(update_fields=["score", "passed", "status", "finished_at", "report"])


def _score(attempt: Attempt, slots: list[AttemptItem]) -> None:
    """Set the attempt's score (mean over scored slots, unanswered 0) and whether it passed."""
    scored = [slot for slot in slots if slot.scored]
    total = sum(response.score for slot in scored if (response := slot.stored_response) is not None)
    attempt.score = total / len(scored) if scored else 0.0
    pass_mark = attempt.assessment.pass_mark
    attempt.passed = None if pass_mark is None else attempt.score >= pass_mark - 1e-9


def attempt_rescore(*, attempt_id: int) -> Attempt:
    """Score a finished fixed exam again from its stored responses (after a person changed a score).

    The caller's transaction holds the attempt's lock (taken here). An adaptive attempt keeps its
    score and report: its levels were estimated from the answers as they were graded then."""
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("assessment").get(pk=attempt_id)
    if attempt.is_open or attempt.assessment.is_adaptive:
        return attempt
    _score(attempt, attempt_slots(attempt=attempt))
    attempt.save(update_fields=["score", "passed"])
    return attempt


__all__ = [
    "AnswerError",
    "AnswerReader",
    "AssessmentError",
    "AssessmentUnavailable",
    "AttemptClosed",
    "NothingEntered",
    "RetakeLimitReached",
    "SaveResult",
    "Started",
    "attempt_begin",
    "attempt_expire_if_due",
    "attempt_open",
    "attempt_rescore",
    "attempt_start",
    "attempt_submit",
    "attempt_visit",
    "attempts_expire_overdue",
    "item_rate",
    "response_save",
    "response_submit",
]

"""Reads for assessments: what the question, result and review pages show.

The question page's data comes only from an item's public presentation; keys, feedback and
explanations are read only for finished attempts (the review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from adaptest.bank import GradableItem, Outcome, grade
from adaptest.bank.kinds import MatrixItem
from adaptest.bank.kinds.numbers import format_number
from adaptest.bank.outcome import DONT_KNOW, FeedbackPart, Remark, Role
from adaptest.web.assessments.answer_forms import Fields, fields_from_answer, widget_context
from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from adaptest.web.itembank.models import Assessment


def attempt_get_for_user(*, user: Any, attempt_id: int) -> Attempt:
    """The user's own attempt; anyone else's raises Attempt.DoesNotExist (a 404, not a 403)."""
    return Attempt.objects.select_related("assessment", "assessment__bank").get(pk=attempt_id, user=user)


def attempt_list_for_user(*, user: Any, assessment: Assessment | None = None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(user=user).select_related("assessment")
    return attempts.filter(assessment=assessment) if assessment else attempts


def attempt_slot(*, attempt: Attempt, position: int) -> AttemptItem:
    return attempt.slots.select_related("item_version").get(position=position)


@dataclass(frozen=True)
class QuestionPage:
    slot: AttemptItem
    item: GradableItem
    widget: dict[str, Any]
    count: int
    answered: dict[int, str]  # position -> "answered" | "dont_know"
    remaining_seconds: int

    @property
    def position(self) -> int:
        return self.slot.position

    @property
    def answered_count(self) -> int:
        return len(self.answered)

    @property
    def state(self) -> str | None:
        """How the current question stands: "answered", "dont_know" or None."""
        return self.answered.get(self.position)


def question_page(
    *, attempt: Attempt, position: int, now: datetime, fields: Fields | None = None
) -> QuestionPage:
    """The question at ``position``; ``fields`` are the learner's unsaved entries after an error."""
    slots = list(attempt.slots.select_related("item_version", "response").order_by("position"))
    slot = next(s for s in slots if s.position == position)
    item = slot.item_version.parsed
    presentation = item.presentation(slot.display_seed)
    if fields is None:
        response = _response(slot)
        fields = fields_from_answer(item, presentation, response.answer) if response else {}
    answered = {
        s.position: ("dont_know" if s.response.dont_know else "answered")
        for s in slots
        if _response(s) is not None
    }
    return QuestionPage(
        slot=slot,
        item=item,
        widget=widget_context(item, presentation, fields),
        count=len(slots),
        answered=answered,
        remaining_seconds=max(0, int((attempt.deadline - now).total_seconds())),
    )


def _response(slot: AttemptItem) -> Response | None:
    try:
        return slot.response
    except Response.DoesNotExist:
        return None


@dataclass
class DomainResult:
    domain_id: str
    title: str
    questions: int = 0
    correct: int = 0
    points: float = 0.0

    @property
    def score(self) -> float:
        return self.points / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class ReviewEntry:
    slot: AttemptItem
    item: GradableItem
    response: Response | None
    outcome: Outcome
    answer_text: str

    @property
    def grid(self) -> list[list[dict[str, Any]]] | None:
        """For grid items: each cell's given and expected value and whether it earned credit."""
        if not isinstance(self.item, MatrixItem) or self.response is None or self.response.dont_know:
            return None
        tolerance = self.item.tolerance
        return [
            [
                {"given": format_number(g), "expected": format_number(e), "ok": tolerance.accepts(e, g)}
                for g, e in zip(given_row, key_row, strict=True)
            ]
            for given_row, key_row in zip(self.response.answer, self.item.answer, strict=True)
        ]

    @property
    def status(self) -> str:
        if self.response is None:
            return "unanswered"
        if self.response.dont_know:
            return "dont_know"
        if self.outcome.correct:
            return "correct"
        return "partial" if self.outcome.score > 0 else "incorrect"


@dataclass(frozen=True)
class AttemptResult:
    attempt: Attempt
    entries: list[ReviewEntry]
    domains: list[DomainResult] = field(default_factory=list)

    @property
    def correct_count(self) -> int:
        return sum(e.status == "correct" for e in self.entries)


def attempt_result(*, attempt: Attempt) -> AttemptResult:
    """Score, pass mark, per-domain breakdown and a review entry per question of a finished attempt."""
    if attempt.is_open:
        raise ValueError("results exist only for finished attempts")
    slots = list(attempt.slots.select_related("item_version", "response").order_by("position"))
    entries = [_review_entry(slot) for slot in slots]
    titles = attempt.assessment.bank.domain_titles()
    domains: dict[str, DomainResult] = {}
    for entry in entries:
        result = domains.setdefault(
            entry.item.domain,
            DomainResult(entry.item.domain, titles.get(entry.item.domain, entry.item.domain)),
        )
        result.questions += 1
        result.correct += entry.status == "correct"
        result.points += entry.outcome.score if entry.response else 0.0
    order = list(titles)
    return AttemptResult(
        attempt,
        entries,
        sorted(domains.values(), key=lambda d: order.index(d.domain_id) if d.domain_id in order else 99),
    )


@dataclass(frozen=True)
class ReviewPage:
    attempt: Attempt
    entry: ReviewEntry
    count: int


def review_page(*, attempt: Attempt, position: int) -> ReviewPage:
    """One question of a finished attempt with the feedback for the learner's own answer."""
    if attempt.is_open:
        raise ValueError("reviews exist only for finished attempts")
    slot = attempt.slots.select_related("item_version", "response").get(position=position)
    return ReviewPage(attempt, _review_entry(slot), attempt.slots.count())


_UNANSWERED = FeedbackPart(Role.NO_SPECIFIC_FEEDBACK, (Remark("", "You did not answer this question."),))


def _review_entry(slot: AttemptItem) -> ReviewEntry:
    item = slot.item_version.parsed
    response = _response(slot)
    if response is None:
        outcome = Outcome(0.0, False, (_UNANSWERED, item.correct_answer_part()))
        return ReviewEntry(slot, item, None, outcome, "—")
    if response.dont_know:
        return ReviewEntry(slot, item, response, grade(item, DONT_KNOW), "I don't know yet")
    outcome = grade(item, response.answer)
    return ReviewEntry(slot, item, response, outcome, item.describe_answer(response.answer))

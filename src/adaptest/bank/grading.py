"""The one entry point for grading: pure, total, and the same for pages, API and CLI."""

from __future__ import annotations

from adaptest.bank.kinds import GradableItem
from adaptest.bank.outcome import DONT_KNOW, DontKnow, Outcome


def grade(item: GradableItem, answer: object | DontKnow) -> Outcome:
    """Grade ``answer`` (raw or canonical) for ``item``.

    ``DONT_KNOW`` scores 0 with the item's "I don't know yet" feedback. A malformed answer raises
    :class:`~adaptest.bank.outcome.AnswerError`; nothing else is raised for any input.
    """
    if answer is DONT_KNOW:
        return item.dont_know_outcome()
    return item.grade_answer(item.parse_answer(answer))

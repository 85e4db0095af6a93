"""The contract every item kind fulfils, and the feedback parts they share."""

from __future__ import annotations

import random
from abc import abstractmethod
from typing import Any

from adaptest.bank.outcome import NO_SPECIFIC_FEEDBACK_TEXT, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.schema import ItemBase

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


class GradableItem(ItemBase):
    """An item that can check itself, show itself without its key, and grade an answer.

    ``parse_answer`` turns raw input (JSON values or strings from a form) into the canonical answer,
    raising :class:`~adaptest.bank.outcome.AnswerError` with a learner-facing message when it is
    malformed; it is idempotent on canonical answers. ``grade_answer`` is pure and total on canonical
    answers.
    """

    kind: str

    def problems(self) -> list[Problem]:
        """Rules that span several fields (exactly one correct option, ...), as (location, message)."""
        return []

    @classmethod
    def raw_problems(cls, data: dict[str, Any]) -> list[Problem]:
        """The same cross-field rules, checked on raw data when the schema already failed.

        This lets `adaptest bank validate` report every problem of a file at once, not one per run.
        """
        return []

    @abstractmethod
    def parse_answer(self, raw: object) -> Any: ...

    @abstractmethod
    def grade_answer(self, answer: Any) -> Outcome: ...

    @abstractmethod
    def key_answer(self) -> Any:
        """The canonical correct answer (grades 1); used by the review and by simulated takers."""

    def key_text(self) -> str:
        """The correct answer, as a short Markdown string for the review."""
        return self.describe_answer(self.key_answer())

    @abstractmethod
    def describe_answer(self, answer: Any) -> str:
        """A learner's canonical answer, as a short Markdown string for the review."""

    def presentation(self, seed: int) -> dict[str, Any]:
        """What the question page may show: never a key, a feedback or an explanation.

        ``seed`` fixes the display order of options/blocks for one attempt.
        """
        return {}

    # -- shared feedback parts -------------------------------------------------------------------------
    def correct_answer_part(self) -> FeedbackPart:
        return FeedbackPart(Role.CORRECT_ANSWER, (Remark(self.key_text(), self.explanation, True),))

    def outcome(self, score: float, correct: bool, *parts: FeedbackPart) -> Outcome:
        """Build an Outcome, adding the fallback text when no part speaks to the learner's answer."""
        if not parts:
            parts = (FeedbackPart(Role.NO_SPECIFIC_FEEDBACK, (Remark("", NO_SPECIFIC_FEEDBACK_TEXT),)),)
        score = min(1.0, max(0.0, score))
        return Outcome(score=score, correct=correct, parts=(*parts, self.correct_answer_part()))

    def answer_free_parts(self) -> tuple[FeedbackPart, ...]:
        """What the review can still show when no answer was given (choice kinds: every option, true or
        false); the correct answer part follows it."""
        return ()

    def dont_know_outcome(self) -> Outcome:
        text = self.dont_know_feedback or (
            "That's a fine answer when you have not met this yet. Study the skill this question "
            "practises, then try it again."
        )
        dont_know = FeedbackPart(Role.DONT_KNOW, (Remark("I don't know yet", text),))
        return Outcome(0.0, False, (dont_know, *self.answer_free_parts(), self.correct_answer_part()))

    def unanswered_outcome(self) -> Outcome:
        """The review of a question left without any answer when the attempt ended."""
        unanswered = FeedbackPart(
            Role.NO_SPECIFIC_FEEDBACK, (Remark("", "You did not answer this question."),)
        )
        return Outcome(0.0, False, (unanswered, *self.answer_free_parts(), self.correct_answer_part()))


def shuffled(values: list[Any], seed: int, *, avoid_identity: bool = False) -> list[Any]:
    """A deterministic shuffle for one attempt; optionally never the original order (for ordering)."""
    order = list(values)
    rng = random.Random(seed)
    rng.shuffle(order)
    if avoid_identity and len(order) > 1 and order == values:
        order = order[1:] + order[:1]
    return order

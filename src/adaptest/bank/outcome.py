"""What grading returns: a score, a correct flag and the feedback parts a review shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AnswerError(ValueError):
    """A submitted answer is malformed for its item; the message is safe to show to the learner."""


class DontKnow:
    """The learner's explicit "I don't know yet" — scored as incorrect, stored distinguishably."""

    _instance: DontKnow | None = None

    def __new__(cls) -> DontKnow:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DONT_KNOW"


DONT_KNOW = DontKnow()


class Role(StrEnum):
    """Which section of the review a feedback part belongs to."""

    OPTIONS = "options"
    YOUR_ANSWER = "your_answer"
    DONT_KNOW = "dont_know"
    NO_SPECIFIC_FEEDBACK = "no_specific_feedback"
    CORRECT_ANSWER = "correct_answer"


HEADINGS: dict[Role, str] = {
    Role.OPTIONS: "Option by option",
    Role.YOUR_ANSWER: "About your answer",
    Role.DONT_KNOW: "You answered “I don't know yet”",
    Role.NO_SPECIFIC_FEEDBACK: "No specific explanation for this answer",
    Role.CORRECT_ANSWER: "Correct answer",
}

# The explanation itself is shown once, under "Correct answer".
RIGHT_ANSWER_TEXT = "That is right: the reasoning is under “Correct answer”."

NO_SPECIFIC_FEEDBACK_TEXT = (
    "There is no explanation written for this particular answer. Compare it with the correct answer "
    "and the reasoning below."
)


@dataclass(frozen=True)
class Remark:
    """One line of feedback: what it is about (an option, a value) and the Markdown text.

    ``good`` says whether the learner was right about this subject (None: nothing to judge). For an
    option of a choice item, ``chosen`` says whether the learner selected it (None after "I don't know
    yet") and ``true`` whether it is a correct option — so a false statement rightly left unticked is
    good, chosen False and true False, never shown as if it were true.
    """

    subject: str
    text: str
    good: bool | None = None
    chosen: bool | None = None
    true: bool | None = None


@dataclass(frozen=True)
class FeedbackPart:
    role: Role
    remarks: tuple[Remark, ...]

    @property
    def heading(self) -> str:
        return HEADINGS[self.role]


@dataclass(frozen=True)
class Outcome:
    """The result of grading one answer. ``score`` is in [0, 1]; ``correct`` means full credit.

    ``needs_review``: the grading could not place the answer confidently (a free-text rubric's doubts),
    so a person should check it; their score then replaces this one.
    """

    score: float
    correct: bool
    parts: tuple[FeedbackPart, ...]
    needs_review: bool = False

    def part(self, role: Role) -> FeedbackPart | None:
        return next((p for p in self.parts if p.role is role), None)

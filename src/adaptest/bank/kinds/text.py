"""Short free-text answers, matched against accepted answers and patterns."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field

from adaptest.bank.kinds.base import GradableItem, Problem
from adaptest.bank.outcome import RIGHT_ANSWER_TEXT, AnswerError, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.schema import Strict, Text

MAX_ANSWER_LENGTH = 500


def normalise(text: str) -> str:
    """Case-fold and collapse whitespace, so 'Drop  Out ' equals 'drop out'."""
    return " ".join(text.casefold().split())


class Keyword(Strict):
    match: Annotated[list[Text], Field(min_length=1)]
    feedback: Text


class ShortTextItem(GradableItem):
    kind: Literal["short_text"]
    accepted: Annotated[list[Text], Field(min_length=1)]
    patterns: list[Text] = Field(default_factory=list)
    keywords: list[Keyword] = Field(default_factory=list)

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for i, pattern in enumerate(self.patterns):
            try:
                compiled = re.compile(pattern, re.IGNORECASE)
            except re.error as error:
                problems.append((("patterns", i), f"invalid regular expression: {error}"))
                continue
            if not any(compiled.fullmatch(normalise(a)) for a in self.accepted):
                problems.append((("patterns", i), "pattern matches none of the accepted answers"))
        return problems

    def presentation(self, seed: int) -> dict[str, Any]:
        return {"max_length": MAX_ANSWER_LENGTH}

    def parse_answer(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise AnswerError("Type your answer as text.")
        text = " ".join(raw.split())
        if not text:
            raise AnswerError("Your answer is empty: type it, or answer “I don't know yet”.")
        if len(text) > MAX_ANSWER_LENGTH:
            raise AnswerError(f"Keep your answer under {MAX_ANSWER_LENGTH} characters.")
        return text

    def is_accepted(self, answer: str) -> bool:
        given = normalise(answer)
        return any(given == normalise(a) for a in self.accepted) or any(
            re.fullmatch(p, given, re.IGNORECASE) for p in self.patterns
        )

    def grade_answer(self, answer: str) -> Outcome:
        if self.is_accepted(answer):
            return self.outcome(
                1.0, True, FeedbackPart(Role.YOUR_ANSWER, (Remark(answer, RIGHT_ANSWER_TEXT, True),))
            )
        given = normalise(answer)
        remarks = tuple(
            Remark(answer, k.feedback, False)
            for k in self.keywords
            if any(normalise(word) in given for word in k.match)
        )
        parts = (FeedbackPart(Role.YOUR_ANSWER, remarks),) if remarks else ()
        return self.outcome(0.0, False, *parts)

    def key_answer(self) -> str:
        return self.accepted[0]

    def describe_answer(self, answer: str) -> str:
        return answer

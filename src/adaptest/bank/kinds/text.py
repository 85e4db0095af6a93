"""Short free-text answers, matched against accepted answers and patterns."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field

from adaptest.bank.kinds.base import GradableItem, Problem
from adaptest.bank.outcome import RIGHT_ANSWER_TEXT, AnswerError, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.schema import Strict, Text

MAX_ANSWER_LENGTH = 500


def normalise(text: str, *, case_sensitive: bool = False) -> str:
    """Collapse whitespace and (unless ``case_sensitive``) case-fold, so 'Drop  Out ' equals 'drop out'."""
    return " ".join((text if case_sensitive else text.casefold()).split())


def wildcard_pattern(text: str) -> str:
    """A graded answer as a regular expression: ``*`` stands for any text, ``\\*`` for an asterisk."""
    parts = text.split("*")
    literal = [re.escape(parts[0])]
    for part in parts[1:]:
        if literal[-1].endswith(re.escape("\\")):  # an escaped asterisk: keep it as one
            literal[-1] = literal[-1][: -len(re.escape("\\"))] + re.escape("*") + re.escape(part)
        else:
            literal.append(re.escape(part))
    return ".*".join(literal)


class Keyword(Strict):
    match: Annotated[list[Text], Field(min_length=1)]
    feedback: Text


class GradedAnswer(Strict):
    """An answer worth ``score`` with its own feedback, as Moodle's short answers and QTI's string
    mappings give them; ``*`` in ``text`` stands for any text."""

    text: Text
    score: Annotated[float, Field(ge=0, le=1)]
    feedback: Text | None = None


class ShortTextItem(GradableItem):
    """Score: the first graded answer the text matches, else 1 for an accepted answer or pattern, else 0."""

    kind: Literal["short_text"]
    accepted: Annotated[list[Text], Field(min_length=1)]
    patterns: list[Text] = Field(default_factory=list)
    graded: list[GradedAnswer] = Field(default_factory=list)
    case_sensitive: bool = False
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
        first = self._graded_match(self.accepted[0])
        if first is not None and first.score < 1:
            problems.append(
                (("accepted", 0), f"an earlier graded answer ({first.text!r}) scores it {first.score:g}")
            )
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

    def _normal(self, text: str) -> str:
        return normalise(text, case_sensitive=self.case_sensitive)

    @property
    def _flags(self) -> re.RegexFlag:
        return re.NOFLAG if self.case_sensitive else re.IGNORECASE

    def _graded_match(self, answer: str) -> GradedAnswer | None:
        given = self._normal(answer)
        return next(
            (
                g
                for g in self.graded
                if re.fullmatch(wildcard_pattern(self._normal(g.text)), given, self._flags)
            ),
            None,
        )

    def is_accepted(self, answer: str) -> bool:
        given = self._normal(answer)
        return any(given == self._normal(a) for a in self.accepted) or any(
            re.fullmatch(p, given, self._flags) for p in self.patterns
        )

    def grade_answer(self, answer: str) -> Outcome:
        graded = self._graded_match(answer)
        if graded is not None:
            right = graded.score >= 1
            text = graded.feedback or (RIGHT_ANSWER_TEXT if right else "")
            good = True if right else (None if graded.score > 0 else False)  # partly right: not judged
            parts = (FeedbackPart(Role.YOUR_ANSWER, (Remark(answer, text, good),)),) if text else ()
            return self.outcome(graded.score, right, *parts)
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

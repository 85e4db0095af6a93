"""Single choice and select-all-that-apply items."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from adaptest.bank.kinds.base import GradableItem, Problem, shuffled
from adaptest.bank.outcome import AnswerError, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.schema import Strict, Text

OptionId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")]


Weight = Annotated[float, Field(ge=-1, le=1)]
FULL_MARKS = 1 - 1e-6
"""A weighted total at least this high is full marks: weights written with 7 decimals, as Moodle writes
them (thirds as 0.3333333), add up to a hair under 1."""


class Option(Strict):
    id: OptionId
    text: Text
    correct: bool
    feedback: Text
    weight: Weight | None = None
    """Optional share of full marks for choosing this option (negative: a penalty), as Moodle's and QTI's
    per-answer grades; either every option of an item has one or none has."""


class ChoiceItem(GradableItem):
    options: Annotated[list[Option], Field(min_length=2)]
    shuffle: bool = True

    @field_validator("options", mode="before")
    @classmethod
    def _default_ids(cls, options: Any) -> Any:
        """Options without an id get a, b, c, ... by file position."""
        if not isinstance(options, list):
            return options
        return [
            {"id": "abcdefghijklmnopqrstuvwxyz"[i % 26] + ("" if i < 26 else str(i)), **o}
            if isinstance(o, dict) and "id" not in o
            else o
            for i, o in enumerate(options)
        ]

    def problems(self) -> list[Problem]:
        seen_ids: set[str] = set()
        seen_texts: set[str] = set()
        problems: list[Problem] = []
        for i, option in enumerate(self.options):
            if option.id in seen_ids:
                problems.append((("options", i, "id"), f"duplicate option id {option.id!r}"))
            if option.text in seen_texts:  # the review tells options apart by their text
                problems.append((("options", i, "text"), "two options have the same text"))
            seen_ids.add(option.id)
            seen_texts.add(option.text)
        if self.weighted and any(o.weight is None for o in self.options):
            problems.append((("options",), "give every option a weight, or none"))
        return problems

    @property
    def weighted(self) -> bool:
        return any(o.weight is not None for o in self.options)

    def weight_of(self, option: Option) -> float:
        return option.weight if option.weight is not None else 0.0

    @property
    def option_by_id(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}

    def presentation(self, seed: int) -> dict[str, Any]:
        options = shuffled(self.options, seed) if self.shuffle else self.options
        return {"options": [{"id": o.id, "text": o.text} for o in options]}

    def options_part(self, chosen: set[str] | None) -> FeedbackPart:
        """Every option with its feedback: whether the learner selected it (``chosen`` None: no answer
        was given), whether it is correct, and whether the learner was right about it."""
        return FeedbackPart(
            Role.OPTIONS,
            tuple(
                Remark(
                    o.text,
                    o.feedback,
                    good=None if chosen is None else self._judged(o, o.id in chosen),
                    chosen=None if chosen is None else o.id in chosen,
                    true=o.correct,
                )
                for o in self.options
            ),
        )

    def _judged(self, option: Option, chosen: bool) -> bool | None:
        """Whether selecting (or leaving) this option was right."""
        return chosen == option.correct

    def answer_free_parts(self) -> tuple[FeedbackPart, ...]:
        return (self.options_part(None),)

    def _known(self, option_id: object) -> str:
        if not isinstance(option_id, str) or option_id not in self.option_by_id:
            raise AnswerError(f"{option_id!r} is not one of this question's options.")
        return option_id


def _correct_count_problem(correct: int) -> list[Problem]:
    if correct == 1:
        return []
    return [(("options",), f"single choice needs exactly one correct option, found {correct}")]


class SingleChoiceItem(ChoiceItem):
    kind: Literal["single_choice"]

    def problems(self) -> list[Problem]:
        problems = super().problems() + _correct_count_problem(sum(o.correct for o in self.options))
        if self.weighted:
            problems += [
                (("options", i, "weight"), "the correct option weighs 1 and no other does")
                for i, o in enumerate(self.options)
                if o.correct != (o.weight == 1)
            ]
        return problems

    @classmethod
    def raw_problems(cls, data: dict[str, Any]) -> list[Problem]:
        options = data.get("options")
        if not isinstance(options, list):
            return []
        return _correct_count_problem(sum(isinstance(o, dict) and o.get("correct") is True for o in options))

    @property
    def key(self) -> Option:
        return next(o for o in self.options if o.correct)

    def parse_answer(self, raw: object) -> str:
        if isinstance(raw, list) and len(raw) == 1:
            raw = raw[0]
        if raw is None or raw == "" or raw == []:
            raise AnswerError("Choose one option, or answer “I don't know yet”.")
        return self._known(raw)

    def _judged(self, option: Option, chosen: bool) -> bool | None:
        """Only the chosen option is judged: leaving one of three wrong options is no achievement."""
        return option.correct if chosen else None

    def grade_answer(self, answer: str) -> Outcome:
        """1 for the correct option and 0 for others; with weights, the chosen option's weight (a negative
        weight scores 0: scores do not go below 0)."""
        option = self.option_by_id[answer]
        score = self.weight_of(option) if self.weighted else float(option.correct)
        return self.outcome(score, option.correct, self.options_part({answer}))

    def key_answer(self) -> str:
        return self.key.id

    def describe_answer(self, answer: str) -> str:
        return self.option_by_id[answer].text


class MultipleChoiceItem(ChoiceItem):
    """Select all that apply. Score = max(0, hits/k − false picks/m), or with weights the chosen options'
    weights summed and kept within [0, 1] (see docs/bank-format.md)."""

    kind: Literal["multiple_choice"]

    def problems(self) -> list[Problem]:
        problems = super().problems()
        if not any(o.correct for o in self.options):
            problems.append((("options",), "select-all needs at least one correct option"))
        if all(o.correct for o in self.options):
            problems.append((("options",), "select-all needs at least one incorrect option"))
        if self.weighted:
            problems += [
                (("options", i, "weight"), "an option is correct exactly when its weight is above 0")
                for i, o in enumerate(self.options)
                if o.correct != (self.weight_of(o) > 0)
            ]
            if sum(max(0.0, self.weight_of(o)) for o in self.options) < FULL_MARKS:
                problems.append((("options",), "the positive weights must add up to at least 1"))
        return problems

    def parse_answer(self, raw: object) -> list[str]:
        if raw is None or raw == "":
            raw = []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list | tuple):
            raise AnswerError("Send the selected options as a list.")
        chosen = {self._known(option_id) for option_id in raw}
        return sorted(chosen)

    def grade_answer(self, answer: list[str]) -> Outcome:
        chosen = set(answer)
        if self.weighted:
            score = sum(self.weight_of(o) for o in self.options if o.id in chosen)
            full = score >= FULL_MARKS
            return self.outcome(1.0 if full else score, full, self.options_part(chosen))
        correct_ids = {o.id for o in self.options if o.correct}
        hits = len(chosen & correct_ids)
        false_picks = len(chosen - correct_ids)
        wrong_count = len(self.options) - len(correct_ids)
        score = hits / len(correct_ids) - false_picks / wrong_count
        return self.outcome(score, chosen == correct_ids, self.options_part(chosen))

    def key_answer(self) -> list[str]:
        return sorted(o.id for o in self.options if o.correct)

    def describe_answer(self, answer: list[str]) -> str:
        if not answer:
            return "(nothing selected)"
        return "; ".join(o.text for o in self.options if o.id in answer)

"""Numeric answers: one number, a tuple of named numbers, or a grid."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from adaptest.bank.kinds.base import GradableItem, Problem
from adaptest.bank.kinds.numbers import format_number, parse_number
from adaptest.bank.outcome import (
    NO_SPECIFIC_FEEDBACK_TEXT,
    RIGHT_ANSWER_TEXT,
    AnswerError,
    FeedbackPart,
    Outcome,
    Remark,
    Role,
)
from adaptest.bank.schema import Strict, Text, Tolerance, is_identifier


def _misconception_part(subject: str, feedback: str, score: float = 0.0) -> FeedbackPart:
    """A known wrong answer's feedback; one that earns partial credit is not judged wrong outright."""
    return FeedbackPart(Role.YOUR_ANSWER, (Remark(subject, feedback, None if score > 0 else False),))


class NumericMisconception(Strict):
    """A known wrong answer with its feedback; it may earn partial credit (``score``, as Moodle's
    numerical answers below 100 %), and have its own tolerance instead of the item's."""

    value: float
    feedback: Text
    score: Annotated[float, Field(ge=0, lt=1)] = 0.0
    tolerance: Tolerance | None = None


def _shadowed(misconception: NumericMisconception, key: float, tolerance: Tolerance) -> bool:
    """Whether a key accepts the misconception's value. With its own tolerance, a misconception may be a
    band around the key (Moodle's ``{#=5:0 =%50%5:2}``: the key wins inside its own range), unless the
    key accepts the whole band, which could then never match."""
    if misconception.tolerance is None:
        return tolerance.accepts(key, misconception.value)
    reach = misconception.tolerance.bound(misconception.value)
    return tolerance.accepts(key, misconception.value - reach) and tolerance.accepts(
        key, misconception.value + reach
    )


class AlternativeKey(Strict):
    """Another defensible answer, right under another convention, with the reasoning that leads to it."""

    value: float
    explanation: Text
    tolerance: Tolerance | None = None
    """Its own tolerance; without one, the item's."""


ALTERNATIVE_KEY_TEXT = "That is right too, under another convention: see “Correct answer”."


class NumericItem(GradableItem):
    kind: Literal["numeric"]
    answer: float
    tolerance: Tolerance = Field(default_factory=Tolerance)
    units: str | None = None
    alternative_keys: list[AlternativeKey] = Field(default_factory=list)
    misconceptions: list[NumericMisconception] = Field(default_factory=list)

    def problems(self) -> list[Problem]:
        keys = [
            (self.answer, self.tolerance),
            *((k.value, k.tolerance or self.tolerance) for k in self.alternative_keys),
        ]
        problems: list[Problem] = [
            (("misconceptions", i, "value"), f"misconception {format_number(m.value)} is accepted as correct")
            for i, m in enumerate(self.misconceptions)
            if any(_shadowed(m, key, tolerance) for key, tolerance in keys)
        ]
        problems += [
            (
                ("alternative_keys", i, "value"),
                f"{format_number(k.value)} is already accepted by an earlier key",
            )
            for i, k in enumerate(self.alternative_keys)
            if any(tolerance.accepts(key, k.value) for key, tolerance in keys[: i + 1])
        ]
        return problems

    def presentation(self, seed: int) -> dict[str, Any]:
        return {"units": self.units}

    def parse_answer(self, raw: object) -> float:
        return parse_number(raw)

    def grade_answer(self, answer: float) -> Outcome:
        subject = self.describe_answer(answer)
        if self.tolerance.accepts(self.answer, answer):
            return self.outcome(
                1.0, True, FeedbackPart(Role.YOUR_ANSWER, (Remark(subject, RIGHT_ANSWER_TEXT, True),))
            )
        if any((k.tolerance or self.tolerance).accepts(k.value, answer) for k in self.alternative_keys):
            return self.outcome(
                1.0, True, FeedbackPart(Role.YOUR_ANSWER, (Remark(subject, ALTERNATIVE_KEY_TEXT, True),))
            )
        for m in self.misconceptions:
            if (m.tolerance or self.tolerance).accepts(m.value, answer):
                return self.outcome(m.score, False, _misconception_part(subject, m.feedback, m.score))
        return self.outcome(0.0, False)

    def key_answer(self) -> float:
        return self.answer

    def correct_answer_part(self) -> FeedbackPart:
        """The key with its explanation, then each alternative key with its own."""
        alternatives = tuple(
            Remark(self._with_units(k.value), k.explanation, True) for k in self.alternative_keys
        )
        return FeedbackPart(
            Role.CORRECT_ANSWER, (Remark(self.key_text(), self.explanation, True), *alternatives)
        )

    def key_text(self) -> str:
        """The key and, when answers near it count too, how near: a learner who typed 0.097 for
        0.0971947 should see why that was right."""
        margin = self.tolerance.describe(self.answer)
        key = self._with_units(self.answer)
        return f"{key} (answers within {margin} count as right)" if margin else key

    def describe_answer(self, answer: float) -> str:
        return self._with_units(answer)

    def _with_units(self, value: float) -> str:
        return f"{format_number(value)} {self.units}" if self.units else format_number(value)


class TupleField(Strict):
    name: str
    label: Text
    answer: float
    tolerance: Tolerance = Field(default_factory=Tolerance)
    feedback: Text | None = None


class TupleMisconception(Strict):
    values: dict[str, float]
    feedback: Text


class NumericTupleItem(GradableItem):
    """Several named numbers; score = fraction of fields within tolerance."""

    kind: Literal["numeric_tuple"]
    fields: Annotated[list[TupleField], Field(min_length=2)]
    misconceptions: list[TupleMisconception] = Field(default_factory=list)

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        names = [f.name for f in self.fields]
        for i, f in enumerate(self.fields):
            if not is_identifier(f.name):
                problems.append((("fields", i, "name"), f"field name {f.name!r} must be an identifier"))
            if names.count(f.name) > 1:
                problems.append((("fields", i, "name"), f"duplicate field name {f.name!r}"))
        for i, m in enumerate(self.misconceptions):
            if set(m.values) != set(names):
                problems.append(
                    (("misconceptions", i, "values"), f"give a value for exactly {', '.join(names)}")
                )
            elif self._matches(m.values, self._key_values()):
                problems.append((("misconceptions", i, "values"), "misconception is accepted as correct"))
        return problems

    def _key_values(self) -> dict[str, float]:
        return {f.name: f.answer for f in self.fields}

    def _matches(self, expected: dict[str, float], given: dict[str, float]) -> bool:
        return all(f.tolerance.accepts(expected[f.name], given[f.name]) for f in self.fields)

    def presentation(self, seed: int) -> dict[str, Any]:
        return {"fields": [{"name": f.name, "label": f.label} for f in self.fields]}

    def parse_answer(self, raw: object) -> dict[str, float]:
        if not isinstance(raw, dict):
            raise AnswerError("Send one number per field.")
        unknown = set(raw) - {f.name for f in self.fields}
        if unknown:
            raise AnswerError(f"Unknown field(s): {', '.join(sorted(map(str, unknown)))}.")
        return {f.name: parse_number(raw.get(f.name, ""), what=f.label) for f in self.fields}

    def grade_answer(self, answer: dict[str, float]) -> Outcome:
        right = [f for f in self.fields if f.tolerance.accepts(f.answer, answer[f.name])]
        subject = self.describe_answer(answer)
        correct = len(right) == len(self.fields)
        misconception = next((m for m in self.misconceptions if self._matches(m.values, answer)), None)
        remarks = [Remark(f.label, f"{format_number(answer[f.name])} is right.", True) for f in right]
        remarks += [
            Remark(f.label, f.feedback or f"{format_number(answer[f.name])} is not right.", False)
            for f in self.fields
            if f not in right
        ]
        parts = [FeedbackPart(Role.YOUR_ANSWER, tuple(remarks))]
        if misconception:
            parts.insert(0, _misconception_part(subject, misconception.feedback))
        return self.outcome(len(right) / len(self.fields), correct, *parts)

    def key_answer(self) -> dict[str, float]:
        return self._key_values()

    def describe_answer(self, answer: dict[str, float]) -> str:
        return ", ".join(f"{f.label} = {format_number(answer[f.name])}" for f in self.fields)


Grid = list[list[float]]


class MatrixMisconception(Strict):
    answer: Grid
    feedback: Text


class MatrixItem(GradableItem):
    """A numeric grid; score = fraction of cells within tolerance."""

    kind: Literal["matrix"]
    answer: Annotated[list[Annotated[list[float], Field(min_length=1)]], Field(min_length=1)]
    tolerance: Tolerance = Field(default_factory=Tolerance)
    row_labels: list[str] | None = None
    column_labels: list[str] | None = None
    misconceptions: list[MatrixMisconception] = Field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.answer), len(self.answer[0])

    def problems(self) -> list[Problem]:
        rows, cols = self.shape
        problems: list[Problem] = [
            (("answer", r), f"row {r + 1} has {len(row)} cells; row 1 has {cols}")
            for r, row in enumerate(self.answer)
            if len(row) != cols
        ]
        if self.row_labels is not None and len(self.row_labels) != rows:
            problems.append((("row_labels",), f"give {rows} row labels"))
        if self.column_labels is not None and len(self.column_labels) != cols:
            problems.append((("column_labels",), f"give {cols} column labels"))
        for i, m in enumerate(self.misconceptions):
            if [len(r) for r in m.answer] != [cols] * rows:
                problems.append((("misconceptions", i, "answer"), f"misconception must be {rows}×{cols}"))
            elif self._cells_within_tolerance(self.answer, m.answer) == rows * cols:
                problems.append((("misconceptions", i, "answer"), "misconception is accepted as correct"))
        return problems

    def _cells_within_tolerance(self, expected: Grid, given: Grid) -> int:
        return sum(
            self.tolerance.accepts(e, g)
            for expected_row, given_row in zip(expected, given, strict=True)
            for e, g in zip(expected_row, given_row, strict=True)
        )

    def presentation(self, seed: int) -> dict[str, Any]:
        rows, cols = self.shape
        return {
            "rows": rows,
            "columns": cols,
            "row_labels": self.row_labels or [f"Row {r + 1}" for r in range(rows)],
            "column_labels": self.column_labels or [f"Column {c + 1}" for c in range(cols)],
        }

    def parse_answer(self, raw: object) -> Grid:
        rows, cols = self.shape
        if (
            not isinstance(raw, list)
            or len(raw) != rows
            or any(not isinstance(row, list) or len(row) != cols for row in raw)
        ):
            raise AnswerError(f"Fill in all {rows}×{cols} cells.")
        return [
            [parse_number(cell, what=f"Row {r + 1}, column {c + 1}") for c, cell in enumerate(row)]
            for r, row in enumerate(raw)
        ]

    def grade_answer(self, answer: Grid) -> Outcome:
        rows, cols = self.shape
        right = self._cells_within_tolerance(self.answer, answer)
        subject = self.describe_answer(answer)
        misconception = next(
            (m for m in self.misconceptions if self._cells_within_tolerance(m.answer, answer) == rows * cols),
            None,
        )
        summary = Remark(subject, f"{right} of {rows * cols} cells are right.", right == rows * cols)
        if misconception:
            detail: tuple[Remark, ...] = (Remark("", misconception.feedback, False),)
        elif right < rows * cols:
            detail = (Remark("", NO_SPECIFIC_FEEDBACK_TEXT),)
        else:
            detail = ()
        parts = [FeedbackPart(Role.YOUR_ANSWER, (summary, *detail))]
        return self.outcome(right / (rows * cols), right == rows * cols, *parts)

    def key_answer(self) -> Grid:
        return [list(row) for row in self.answer]

    def describe_answer(self, answer: Grid) -> str:
        return " / ".join("[" + ", ".join(format_number(v) for v in row) + "]" for row in answer)

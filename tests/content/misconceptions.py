"""The check every generator family's named misconceptions go through (tests/content/test_misconceptions.py).

A ``mistakes_<module>.py`` file beside this one maps each family id of ``generators/<module>.py`` to a
function that recomputes, from a variant's parameters alone (plain Python or NumPy, never the generator's
code), what each named mistake gives: ``(name, wrong value or None when the mistake does not apply to
these numbers, a phrase its feedback must contain)``. A wrong value is a number (numeric), a dict of
field → number (numeric_tuple) or a grid (matrix).

For a variant, :func:`check_variant` then requires that
- it offers at least two misconceptions;
- every mistake that applies is offered, with feedback containing its phrase (or, when two mistakes give
  the same number, the phrase of either: the number is offered once) — unless its value lies
  within twice the tolerance of the key or of a distractor offered (``distinct_misconceptions`` leaves
  those out: a learner could not tell them apart);
- every misconception offered is one of the mistakes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from adaptest.bank.kinds import GradableItem
from adaptest.bank.kinds.numeric import MatrixItem, NumericItem, NumericTupleItem
from adaptest.bank.schema import Tolerance

Mistake = tuple[str, Any, str]
Mistakes = Callable[[dict[str, Any]], list[Mistake]]
MIN_MISCONCEPTIONS = 2


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [float(value[name]) for name in sorted(value)]
    if isinstance(value, list | tuple):
        return [float(x) for row in value for x in (row if isinstance(row, list | tuple) else [row])]
    return [float(value)]


def same(a: Any, b: Any) -> bool:
    """The two values are the same up to the rounding a generator applies to what it prints."""
    return all(
        math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-5) for x, y in zip(_numbers(a), _numbers(b), strict=True)
    )


def offered(item: GradableItem) -> list[tuple[Any, str]]:
    """The variant's misconceptions as (wrong value, feedback)."""
    if isinstance(item, NumericItem):
        return [(m.value, m.feedback) for m in item.misconceptions]
    if isinstance(item, NumericTupleItem):
        return [(m.values, m.feedback) for m in item.misconceptions]
    if isinstance(item, MatrixItem):
        return [(m.answer, m.feedback) for m in item.misconceptions]
    raise TypeError(f"{item.kind} items have no numeric misconceptions")


SEPARATION = 2.0
"""A generator leaves out a distractor within this many tolerances of the key or of a kept distractor
(``distinct_misconceptions``): a learner could not tell them apart by the number alone."""


def _near(tolerance: Tolerance, expected: float, given: float) -> bool:
    return abs(float(given) - float(expected)) <= SEPARATION * tolerance.bound(float(expected))


def indistinguishable(item: GradableItem, expected: Any, given: Any) -> bool:
    """Whether ``given`` lies within the separation a generator keeps from ``expected``."""
    if isinstance(item, NumericItem):
        return _near(item.tolerance, expected, given)
    if isinstance(item, NumericTupleItem):
        return all(_near(f.tolerance, expected[f.name], given[f.name]) for f in item.fields)
    if isinstance(item, MatrixItem):
        return all(
            _near(item.tolerance, e, g)
            for expected_row, given_row in zip(expected, given, strict=True)
            for e, g in zip(expected_row, given_row, strict=True)
        )
    raise TypeError(item.kind)


def check_variant(where: str, item: GradableItem, mistakes: list[Mistake]) -> None:
    shown = offered(item)
    assert len(shown) >= MIN_MISCONCEPTIONS, f"{where}: only {len(shown)} misconception(s)"
    key = item.key_answer()
    for name, wrong, _phrase in mistakes:
        if wrong is None:
            continue
        found = [feedback for value, feedback in shown if same(wrong, value)]
        if found:
            # Two mistakes may give one number: it is offered once, with either mistake's feedback.
            phrases = [p for _, other, p in mistakes if other is not None and same(other, wrong)]
            assert any(p in found[0] for p in phrases), (
                f"{where}: {name}'s value has the feedback {found[0]!r}"
            )
            continue
        assert indistinguishable(item, key, wrong) or any(
            indistinguishable(item, value, wrong) for value, _ in shown
        ), f"{where}: {name} ({wrong}) is neither offered nor indistinguishable from the key or another"
    for value, feedback in shown:
        assert any(wrong is not None and same(wrong, value) for _, wrong, _ in mistakes), (
            f"{where}: the distractor {value} ({feedback!r}) is not a named mistake"
        )


def first_of_equal(mistakes: list[Mistake]) -> list[Mistake]:
    """``mistakes`` with any whose value equals an earlier one's set to ``None``.

    When two mistakes give the same number for some parameters, a variant can offer that value once,
    with the feedback of one of them: list the mistakes in the order the generator prefers them, and the
    first one's phrase is the one its feedback must contain.
    """
    kept: list[Mistake] = []
    for name, wrong, phrase in mistakes:
        if wrong is not None and any(w is not None and same(w, wrong) for _, w, _ in kept):
            wrong = None
        kept.append((name, wrong, phrase))
    return kept

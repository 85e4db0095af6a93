"""Helpers for writing generator families: numbers as a learner writes them, code blocks, distractors.

A bank's ``generators/*.py`` modules are loaded by path and cannot import each other, so what they share
lives here. Every helper is deterministic and draws no random numbers: a family's variants depend only on
its seed. Changing what a helper returns changes the variants of every family that calls it, and a changed
variant is a new version of the item, so keep their output stable; new behaviour goes behind a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from adaptest.bank.schema import Tolerance

Grid = Sequence[Sequence[float]]

Thousands = Literal["never", "integers", "always"]
"""Where :func:`plain_number` puts thousands separators: nowhere, in whole numbers only, or everywhere."""


def plain_number(value: float, places: int = 4, *, thousands: Thousands = "never") -> str:
    """``value`` as a learner would write it: at most ``places`` decimals, no trailing zeros, no ``-0``.

    Stems and feedback quote numbers the way a learner types them, not as Python prints floats:
    ``2.0`` → ``2``, ``2.50`` → ``2.5``, ``-0.0001`` to 2 places → ``0``. ``thousands`` adds separators
    (``12,345``) to whole numbers only (``"integers"``) or to every number (``"always"``).
    """
    if float(value).is_integer():
        return f"{int(value):,}" if thousands != "never" else str(int(value))
    text = f"{value:,.{places}f}" if thousands == "always" else f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def thousands(value: int) -> str:
    """An integer with thousands separators (``12,345``), for prose; code keeps plain ``12345``."""
    return f"{value:,}"


def code_block(lines: Sequence[str]) -> str:
    """``lines`` as a fenced Python code block (Markdown), for a stem or an explanation."""
    return "```python\n" + "\n".join(lines) + "\n```"


def confusion_table(
    tp: int, fp: int, fn: int, tn: int, *, positive: str, negative: str, rows_actual: bool
) -> str:
    """A 2×2 confusion matrix as a Markdown table: actual classes in the rows (``rows_actual``) or in
    the columns, the positive class first."""
    if rows_actual:
        header = f"| | predicted {positive} | predicted {negative} |"
        body = [f"| actual {positive} | {tp} | {fn} |", f"| actual {negative} | {fp} | {tn} |"]
    else:
        header = f"| | actual {positive} | actual {negative} |"
        body = [f"| predicted {positive} | {tp} | {fp} |", f"| predicted {negative} | {fn} | {tn} |"]
    return "\n".join([header, "| --- | ---: | ---: |", *body])


def distinct_misconceptions(
    answer: float,
    candidates: Iterable[tuple[float | None, str]],
    *,
    separation: float | Tolerance = 0.0,
    limit: int | None = None,
    places: int | None = None,
) -> list[dict[str, Any]]:
    """Numeric misconceptions (``{"value", "feedback"}``) that a learner can tell from the key and apart.

    Candidates are ``(value, feedback)`` pairs in order of preference, from named mistakes; for a given
    seed some coincide with the key or with each other, and a distractor the grader would accept (or one
    that repeats) must not be offered. A candidate is skipped when its value is ``None``, or when it is
    the same as the answer or as a value kept before it. Two values are the same when they differ by at
    most ``separation``, or, when ``separation`` is a :class:`Tolerance`, when it accepts either as the
    other. With ``places``, kept values are rounded to that many decimals (later candidates are compared
    with the rounded values). At most ``limit`` are kept.
    """
    same = _same_numbers(separation)
    kept: list[dict[str, Any]] = []
    for value, feedback in candidates:
        if value is None or same(value, answer) or any(same(value, m["value"]) for m in kept):
            continue
        kept.append({"value": value if places is None else round(value, places), "feedback": feedback})
        if len(kept) == limit:
            break
    return kept


def distinct_grid_misconceptions(
    answer: Grid,
    candidates: Iterable[tuple[Grid, str]],
    *,
    separation: float,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Grid misconceptions (``{"answer", "feedback"}``), as :func:`distinct_misconceptions` for numbers.

    Two grids of the same shape are the same when every pair of entries differs by at most
    ``separation``. At most ``limit`` are kept.
    """
    kept: list[dict[str, Any]] = []
    for grid, feedback in candidates:
        if _grids_close(grid, answer, separation) or any(
            _grids_close(grid, m["answer"], separation) for m in kept
        ):
            continue
        kept.append({"answer": grid, "feedback": feedback})
        if len(kept) == limit:
            break
    return kept


def distinct_tuple_misconceptions(
    key: Mapping[str, float],
    candidates: Iterable[tuple[Mapping[str, float] | None, str]],
    *,
    separation: float = 0.0,
    places: int | None = None,
) -> list[dict[str, Any]]:
    """Tuple misconceptions (``{"values", "feedback"}``), as :func:`distinct_misconceptions` for numbers.

    Two tuples are the same when each of the key's fields differs by at most ``separation``, so a
    candidate must differ from the key, and from each one kept before it, in at least one field. With
    ``places``, kept values are rounded to that many decimals (later candidates are compared with the
    rounded values).
    """

    def same(first: Mapping[str, float], second: Mapping[str, float]) -> bool:
        return all(abs(first[name] - second[name]) <= separation for name in key)

    kept: list[dict[str, Any]] = []
    for values, feedback in candidates:
        if values is None or same(values, key) or any(same(values, m["values"]) for m in kept):
            continue
        stored = dict(values) if places is None else {name: round(v, places) for name, v in values.items()}
        kept.append({"values": stored, "feedback": feedback})
    return kept


def _same_numbers(separation: float | Tolerance) -> Callable[[float, float], bool]:
    """Whether two misconception values count as one, for :func:`distinct_misconceptions`."""
    if isinstance(separation, Tolerance):
        accepts = separation.accepts
        return lambda first, second: accepts(second, first) or accepts(first, second)
    return lambda first, second: abs(first - second) <= separation


def _grids_close(first: Grid, second: Grid, separation: float) -> bool:
    return all(
        abs(a - b) <= separation
        for row_a, row_b in zip(first, second, strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    )

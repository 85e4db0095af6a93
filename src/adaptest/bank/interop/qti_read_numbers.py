"""A chain of tests of a number (the key, other full-mark answers, partly-credited ones) as a numeric
item: the first full-mark test is the key, later ones alternative keys, the others misconceptions with
their score as a share of the best."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adaptest.bank.interop.model import NEGATIVE_FLOORED, NO_ANSWER_FEEDBACK
from adaptest.bank.interop.qti_read_rules import Refusal, Test
from adaptest.bank.schema import Tolerance

if TYPE_CHECKING:
    from adaptest.bank.interop.qti_read_kinds import ItemSource

NO_KEY_EXPLANATION = "No explanation came with this answer."
CLOSE = 1e-9


def tolerance_of(test: Test) -> Tolerance:
    """Our tolerance for a QTI test; an absolute one as small as floating-point rounding is ours exact."""
    if test.mode == "relative":  # percent; 12 digits undo the rounding of our writer's r × 100
        return Tolerance(relative=float(f"{test.amount / 100:.12g}"))
    if test.mode == "absolute" and test.amount != Tolerance().bound(test.value):
        return Tolerance(absolute=test.amount)
    return Tolerance()


def tolerance_field(tolerance: Tolerance) -> dict[str, float]:
    """A tolerance as item data: only the bounds that are set (none: exact)."""
    return {k: v for k, v in (("absolute", tolerance.absolute), ("relative", tolerance.relative)) if v}


def number_data(source: ItemSource, tests: list[Test]) -> dict[str, Any]:
    """Numeric item fields from the tests of the one response, in QTI's order of testing."""
    top = max((t.score for t in tests), default=0.0)
    if top <= 0:
        raise Refusal("no answer scores above 0")
    if any(t.score < 0 for t in tests):
        source.losses.append(NEGATIVE_FLOORED)
    if any(t.open_bounds for t in tests):
        source.losses.append("tolerances without their end points: here the end points count as right")
    _check_order(tests, top)
    key = next(t for t in tests if _full(t, top))
    tolerance = tolerance_of(key)
    if key.feedback_id and source.take_feedback(key.feedback_id, any_case=False):
        source.losses.append("the feedback on the right answer")
    data: dict[str, Any] = {"kind": "numeric", "answer": key.value}
    if tolerance_field(tolerance):
        data["tolerance"] = tolerance_field(tolerance)
    others = [(n, t) for n, t in enumerate(tests) if t is not key]
    alternatives = [_alternative(source, t, tolerance) for _, t in others if _full(t, top)]
    misconceptions = []
    for n, test in others:
        if _full(test, top):
            continue
        entry = _entry(source, test, tolerance)
        if test.score > 0 or "feedback" in entry or _shadows(test, tests[n + 1 :]):
            misconceptions.append(_misconception(source, test, entry, top))
    if alternatives:
        data["alternative_keys"] = alternatives
    if misconceptions:
        data["misconceptions"] = misconceptions
    return data


def _full(test: Test, top: float) -> bool:
    return test.score >= top * (1 - CLOSE)


def _alternative(source: ItemSource, test: Test, key_tolerance: Tolerance) -> dict[str, Any]:
    entry = _entry(source, test, key_tolerance)
    entry["explanation"] = entry.pop("feedback", None) or _missing(source, test, NO_KEY_EXPLANATION)
    return entry


def _misconception(source: ItemSource, test: Test, entry: dict[str, Any], top: float) -> dict[str, Any]:
    """A known answer below full marks (one scoring 0 is kept for its feedback, or because it decides
    answers a later test would otherwise score)."""
    if "feedback" not in entry:
        entry["feedback"] = _missing(source, test, NO_ANSWER_FEEDBACK)
    if test.score > 0:
        entry["score"] = test.score / top
    return entry


def _entry(source: ItemSource, test: Test, key_tolerance: Tolerance) -> dict[str, Any]:
    entry: dict[str, Any] = {"value": test.value}
    own = tolerance_of(test)
    if own.bound(test.value) != key_tolerance.bound(test.value):
        entry["tolerance"] = tolerance_field(own)
    feedback = source.take_feedback(test.feedback_id, any_case=False) if test.feedback_id else None
    if feedback:
        entry["feedback"] = feedback
    return entry


def _missing(source: ItemSource, test: Test, placeholder: str) -> str:
    source.losses.append(f"no feedback on the answer {test.value:g}")
    return placeholder


def _interval(test: Test) -> tuple[float, float]:
    bound = tolerance_of(test).bound(test.value)
    return test.value - bound, test.value + bound


def _overlap(a: Test, b: Test) -> bool:
    (low_a, high_a), (low_b, high_b) = _interval(a), _interval(b)
    return low_a <= high_b and low_b <= high_a


def _shadows(test: Test, later: list[Test]) -> bool:
    """Whether a test scoring 0 decides answers a later test would otherwise score."""
    return any(_overlap(test, other) for other in later)


def _check_order(tests: list[Test], top: float) -> None:
    """We test the keys before the misconceptions; QTI tests in its order, so a partly-credited range
    tested before a key and overlapping it would score differently here."""
    for n, early in enumerate(tests):
        for late in tests[n + 1 :]:
            if early.score < top * (1 - CLOSE) <= late.score and _overlap(early, late):
                raise Refusal(
                    f"the answer {early.value:g} (line {early.line}) is tested before the full-mark answer "
                    f"{late.value:g} and overlaps it; Adaptest tests full-mark answers first"
                )

"""The helpers generator families share (adaptest.bank.authoring)."""

from __future__ import annotations

import pytest

from adaptest.bank.authoring import (
    code_block,
    confusion_table,
    distinct_grid_misconceptions,
    distinct_misconceptions,
    distinct_tuple_misconceptions,
    plain_number,
    thousands,
)
from adaptest.bank.schema import Tolerance


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (2.50, 4, "2.5"),
        (3.0, 4, "3"),
        (-4.0, 4, "-4"),
        (1 / 3, 4, "0.3333"),
        (1 / 3, 2, "0.33"),
        (0.125, 2, "0.12"),  # the binary value of 0.125 is exact: ties round to even, as in format()
        (-0.0001, 2, "0"),
        (-0.0, 4, "0"),
        (-1.25, 4, "-1.25"),
        (2.99999, 4, "3"),
        (12345.5, 4, "12345.5"),
        (10.4, 0, "10"),
    ],
)
def test_plain_number_drops_trailing_zeros_and_negative_zero(
    value: float, places: int, expected: str
) -> None:
    assert plain_number(value, places) == expected


def test_plain_number_puts_thousands_separators_where_asked() -> None:
    assert plain_number(12345.0) == "12345"
    assert plain_number(12345.0, thousands="integers") == "12,345"
    assert plain_number(1234.5, thousands="integers") == "1234.5"
    assert plain_number(1234.5, thousands="always") == "1,234.5"
    assert plain_number(-1234567, thousands="always") == "-1,234,567"


def test_thousands_and_code_block() -> None:
    assert thousands(1234567) == "1,234,567"
    assert thousands(999) == "999"
    assert code_block(["x = 1", "y = x"]) == "```python\nx = 1\ny = x\n```"


def test_confusion_table_puts_the_actual_classes_in_rows_or_columns() -> None:
    rows = confusion_table(1, 2, 3, 4, positive="spam", negative="ham", rows_actual=True)
    assert rows.splitlines() == [
        "| | predicted spam | predicted ham |",
        "| --- | ---: | ---: |",
        "| actual spam | 1 | 3 |",
        "| actual ham | 2 | 4 |",
    ]
    columns = confusion_table(1, 2, 3, 4, positive="spam", negative="ham", rows_actual=False)
    assert columns.splitlines()[2:] == ["| predicted spam | 1 | 2 |", "| predicted ham | 3 | 4 |"]


def test_a_misconception_equal_to_the_key_missing_or_repeated_is_dropped() -> None:
    kept = distinct_misconceptions(
        10, [(10, "key"), (None, "n/a"), (12, "first"), (12, "again"), (8, "second")]
    )
    assert kept == [{"value": 12, "feedback": "first"}, {"value": 8, "feedback": "second"}]


def test_a_misconception_within_the_separation_of_the_key_or_an_earlier_one_is_dropped() -> None:
    candidates: list[tuple[float | None, str]] = [
        (1.004, "near the key"),
        (1.5, "kept"),
        (1.509, "near the kept one"),
        (1.52, "far enough"),
    ]
    kept = distinct_misconceptions(1.0, candidates, separation=0.01)
    assert [m["feedback"] for m in kept] == ["kept", "far enough"]


def test_at_most_limit_misconceptions_are_kept_in_order() -> None:
    candidates: list[tuple[float | None, str]] = [(float(v), str(v)) for v in range(2, 8)]
    assert [m["value"] for m in distinct_misconceptions(1, candidates, limit=3)] == [2, 3, 4]
    assert len(distinct_misconceptions(1, candidates)) == 6


def test_kept_values_are_rounded_and_later_ones_compared_with_the_rounded_value() -> None:
    kept = distinct_misconceptions(0.0, [(1.236, "a"), (1.245, "b")], separation=0.007, places=2)
    # 1.245 is 0.009 from 1.236 but only 0.005 from the kept (rounded) 1.24: dropped
    assert kept == [{"value": 1.24, "feedback": "a"}]


def test_a_tolerance_as_separation_drops_what_it_would_accept_either_way_round() -> None:
    tolerance = Tolerance(relative=0.05)
    candidates: list[tuple[float | None, str]] = [
        (104.0, "within 5% of the key"),
        (105.2, "the key is within 5% of it (5.2 > 5% of 100, < 5% of 105.2)"),
        (120.0, "kept"),
        (125.0, "within 5% of 120"),
    ]
    assert [m["value"] for m in distinct_misconceptions(100.0, candidates, separation=tolerance)] == [120.0]


def test_grid_misconceptions_drop_grids_close_to_the_key_or_to_each_other() -> None:
    key = [[1.0, 2.0], [3.0, 4.0]]
    candidates = [
        ([[1.0, 2.005], [3.0, 4.0]], "within the separation everywhere"),
        ([[1.0, 2.0], [3.0, 5.0]], "one cell off"),
        ([[1.0, 2.0], [3.0, 5.001]], "close to the one before"),
        ([[0.0, 0.0], [0.0, 0.0]], "zeros"),
        ([[9.0, 9.0], [9.0, 9.0]], "nines"),
    ]
    kept = distinct_grid_misconceptions(key, candidates, separation=0.01)
    assert [m["feedback"] for m in kept] == ["one cell off", "zeros", "nines"]
    assert kept[0]["answer"] == [[1.0, 2.0], [3.0, 5.0]]
    assert len(distinct_grid_misconceptions(key, candidates, separation=0.01, limit=2)) == 2


def test_tuple_misconceptions_must_differ_from_the_key_and_each_other_in_one_field() -> None:
    key = {"h": 4, "w": 6}
    candidates: list[tuple[dict[str, float] | None, str]] = [
        ({"h": 4, "w": 6}, "the key"),
        (None, "n/a"),
        ({"h": 6, "w": 4}, "swapped"),
        ({"h": 6, "w": 4}, "swapped again"),
        ({"h": 4, "w": 7}, "one field"),
    ]
    kept = distinct_tuple_misconceptions(key, candidates)
    assert kept == [
        {"values": {"h": 6, "w": 4}, "feedback": "swapped"},
        {"values": {"h": 4, "w": 7}, "feedback": "one field"},
    ]


def test_tuple_misconceptions_with_a_separation_and_rounding() -> None:
    key = {"x": 0.5, "y": 0.25}
    candidates: list[tuple[dict[str, float] | None, str]] = [
        ({"x": 0.502, "y": 0.25}, "within the separation"),
        ({"x": 1 / 3, "y": 0.25}, "kept"),
    ]
    kept = distinct_tuple_misconceptions(key, candidates, separation=0.005, places=6)
    assert kept == [{"values": {"x": 0.333333, "y": 0.25}, "feedback": "kept"}]

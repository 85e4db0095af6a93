"""Match points and the head-to-head Elo step, against values worked by hand."""

from __future__ import annotations

import pytest

from adaptest.psychometrics.matches import (
    answer_points,
    expected_score,
    is_provisional,
    k_factor,
    outcome,
    rating_step,
)


def test_a_right_answer_earns_100_and_a_bonus_falling_to_nothing_at_the_limit() -> None:
    assert answer_points(correct=True, seconds=0, limit=20) == 150
    assert answer_points(correct=True, seconds=5, limit=20) == 138  # 100 + round(37.5), half to even
    assert answer_points(correct=True, seconds=10, limit=20) == 125
    assert answer_points(correct=True, seconds=20, limit=20) == 100
    assert answer_points(correct=True, seconds=-1, limit=20) == 150  # a clock skew never pays more
    assert answer_points(correct=False, seconds=1, limit=20) == 0


def test_the_step_shrinks_from_40_towards_16_as_a_player_plays_more() -> None:
    assert [k_factor(n) for n in (0, 5, 10, 30)] == pytest.approx([40, 32, 28, 22])
    assert k_factor(10_000) == pytest.approx(16, abs=0.03)
    with pytest.raises(ValueError):
        k_factor(-1)
    assert is_provisional(4) and not is_provisional(5)


def test_elo_expected_score_and_step() -> None:
    assert expected_score(1500, 1500) == 0.5
    assert expected_score(1600, 1200) == pytest.approx(1 / (1 + 10 ** (-1)))
    step = rating_step(rating=1500, games=0, opponent=1500, score=1.0)
    assert (step.k, step.expected, step.after) == (40, 0.5, 1520)
    upset = rating_step(rating=1400, games=10, opponent=1600, score=1.0)
    assert upset.after == pytest.approx(1400 + 28 * (1 - 1 / (1 + 10**0.5)))
    assert [outcome(3, 2), outcome(2, 2), outcome(1, 2)] == [1.0, 0.5, 0.0]
    with pytest.raises(ValueError):
        rating_step(rating=1500, games=0, opponent=1500, score=0.7)

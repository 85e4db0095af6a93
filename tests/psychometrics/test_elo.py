"""Practice Elo (learner vs item, decaying K) and classic match Elo (zero-sum)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptest.psychometrics.elo import (
    DEFAULT_ALPHA,
    DEFAULT_BETA,
    EloModel,
    elo_expected,
    k_factor,
    match_expected,
    match_update,
    practice_update,
)
from adaptest.psychometrics.irt import probability

ratings = st.floats(-6.0, 6.0)
match_ratings = st.floats(0.0, 3000.0)


def test_expected_score_known_values() -> None:
    assert float(elo_expected(0.0, 0.0)) == 0.5
    assert float(elo_expected(1.0, 0.0)) == pytest.approx(1 / (1 + math.exp(-1)))
    assert float(elo_expected(0.3, 1.3)) == pytest.approx(1 / (1 + math.e))
    np.testing.assert_allclose(elo_expected([0.0, 2.0], [1.0, 1.0]), probability([0.0, 2.0], 1.0, 1.0))


@given(ratings, ratings)
def test_expected_score_is_a_probability_and_symmetric(learner: float, item: float) -> None:
    expected = float(elo_expected(learner, item))
    assert 0.0 < expected < 1.0
    assert expected + float(elo_expected(item, learner)) == pytest.approx(1.0)


def test_k_factor_values() -> None:
    assert float(k_factor(0)) == DEFAULT_ALPHA
    assert float(k_factor(10, alpha=2.0, beta=0.5)) == pytest.approx(2.0 / 6.0)
    with pytest.raises(ValueError, match="negative"):
        k_factor(-1)
    with pytest.raises(ValueError, match="alpha > 0"):
        k_factor(1, alpha=0.0)


@given(st.integers(0, 10_000), st.floats(0.01, 5.0), st.floats(0.001, 2.0))
def test_k_factor_decreases_with_updates(n: int, alpha: float, beta: float) -> None:
    assert float(k_factor(n + 1, alpha, beta)) < float(k_factor(n, alpha, beta)) <= alpha


def test_practice_update_by_hand() -> None:
    # Fresh ratings, even odds: K = alpha = 1 and the surprise is 0.5 for a right answer.
    assert practice_update(0.0, 0.0, 1.0, alpha=1.0) == pytest.approx((0.5, -0.5))
    # A learner with 5 updates (K = 1 / 2) fails an item with 20 updates (K = 1 / 5).
    surprise = 0.0 - 1 / (1 + math.exp(-1.0))
    learner, item = practice_update(1.0, 0.0, 0.0, learner_updates=5, item_updates=20, alpha=1.0, beta=0.2)
    assert (learner, item) == pytest.approx((1.0 + surprise / 2, 0.0 - surprise / 5))
    # The defaults: K(0) = 0.75.
    assert practice_update(0.0, 0.0, 0.0) == pytest.approx((-0.375, 0.375))
    with pytest.raises(ValueError, match="one of 0.0, 1.0"):
        practice_update(0.0, 0.0, 0.5)


@given(ratings, ratings, st.integers(0, 100), st.integers(0, 100))
def test_right_answers_raise_the_learner_and_lower_the_item(
    learner: float, item: float, learner_updates: int, item_updates: int
) -> None:
    counts = {"learner_updates": learner_updates, "item_updates": item_updates}
    up_learner, down_item = practice_update(learner, item, 1.0, **counts)
    down_learner, up_item = practice_update(learner, item, 0.0, **counts)
    assert down_learner < learner < up_learner
    assert down_item < item < up_item


def test_run_equals_one_update_at_a_time() -> None:
    rng = np.random.default_rng(0)
    learners, items = rng.integers(0, 5, 300), rng.integers(0, 7, 300)
    correct = rng.integers(0, 2, 300).astype(float)
    stepwise = EloModel(5, 7, alpha=0.8, beta=0.3)
    one_by_one = [
        stepwise.update(int(p), int(i), float(u)) for p, i, u in zip(learners, items, correct, strict=True)
    ]
    streamed = EloModel(5, 7, alpha=0.8, beta=0.3)
    np.testing.assert_allclose(streamed.run(learners, items, correct), one_by_one, rtol=1e-12)
    np.testing.assert_allclose(streamed.learner_ratings, stepwise.learner_ratings, rtol=1e-12)
    np.testing.assert_allclose(streamed.item_ratings, stepwise.item_ratings, rtol=1e-12)
    assert streamed.learner_updates.tolist() == np.bincount(learners, minlength=5).tolist()
    assert streamed.item_updates.sum() == 300


def test_ratings_recover_abilities_and_difficulties_from_a_stream() -> None:
    rng = np.random.default_rng(1)
    theta, difficulty = rng.normal(size=300), rng.normal(size=40)
    learners, items = rng.integers(0, 300, 30_000), rng.integers(0, 40, 30_000)
    correct = (rng.random(30_000) < probability(theta[learners], 1.0, difficulty[items])).astype(float)
    model = EloModel(300, 40)
    predictions = model.run(learners, items, correct)
    assert np.corrcoef(model.learner_ratings, theta)[0, 1] > 0.9
    assert np.corrcoef(model.item_ratings, difficulty)[0, 1] > 0.95
    late = slice(20_000, None)
    log_loss = -np.mean(np.log(np.where(correct[late] == 1, predictions[late], 1 - predictions[late])))
    assert log_loss < math.log(2) - 0.05  # clearly better than coin flipping


def test_model_refuses_bad_streams() -> None:
    model = EloModel(2, 2)
    with pytest.raises(ValueError, match="learner indices"):
        model.run([2], [0], [1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        model.run([0], [0], [2])
    with pytest.raises(ValueError, match="same length"):
        model.run([0, 1], [0], [1])
    with pytest.raises(ValueError, match="alpha > 0"):
        EloModel(2, 2, beta=-1.0)
    assert model.learner_updates.sum() == 0


def test_defaults_are_the_documented_tuned_values() -> None:
    assert (DEFAULT_ALPHA, DEFAULT_BETA) == (0.75, 0.15)


def test_match_expected_known_values() -> None:
    assert match_expected(1500, 1500) == 0.5
    assert match_expected(1900, 1500) == pytest.approx(10 / 11)
    assert match_expected(1500, 1900) == pytest.approx(1 / 11)
    assert match_expected(1200, 1000, scale=200) == pytest.approx(10 / 11)


def test_match_update_by_hand() -> None:
    assert match_update(1500, 1500, 1.0) == pytest.approx((1516.0, 1484.0))
    assert match_update(1500, 1500, 0.5) == pytest.approx((1500.0, 1500.0))
    new_a, new_b = match_update(1900, 1500, 0.0, k=22)
    assert new_a == pytest.approx(1900 - 22 * 10 / 11)
    with pytest.raises(ValueError, match="one of 0.0, 0.5, 1.0"):
        match_update(1500, 1500, 0.7)


@given(match_ratings, match_ratings, st.sampled_from([0.0, 0.5, 1.0]), st.floats(1.0, 64.0))
def test_match_update_is_zero_sum(r_a: float, r_b: float, score: float, k: float) -> None:
    new_a, new_b = match_update(r_a, r_b, score, k=k)
    assert new_a + new_b == pytest.approx(r_a + r_b, abs=1e-9)
    assert abs(new_a - r_a) <= k


@given(match_ratings, match_ratings)
def test_match_expectations_sum_to_one_and_winning_helps(r_a: float, r_b: float) -> None:
    assert match_expected(r_a, r_b) + match_expected(r_b, r_a) == pytest.approx(1.0)
    assert match_update(r_a, r_b, 1.0)[0] > r_a > match_update(r_a, r_b, 0.0)[0]

"""Practice Elo (learner vs item, decaying K, learned discriminations) and classic match Elo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from adaptest.psychometrics.elo import (
    DEFAULT_ALPHA,
    DEFAULT_ALPHA_A,
    DEFAULT_BETA,
    DEFAULT_BETA_A,
    DISCRIMINATION_RANGE,
    REFERENCE_INFORMATION,
    EloModel,
    discrimination_update,
    elo_expected,
    k_factor,
    match_expected,
    match_update,
    practice_update,
)
from adaptest.psychometrics.irt import FloatArray, probability

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


@pytest.mark.parametrize(
    "switches",
    [
        {},
        {"discrimination": False, "information_weighted": False},
        {"discrimination": False},
        {"information_weighted": False},
        {"uncertainty": True},
    ],
)
def test_run_equals_one_update_at_a_time(switches: dict[str, bool]) -> None:
    rng = np.random.default_rng(0)
    learners, items = rng.integers(0, 5, 300), rng.integers(0, 7, 300)
    correct = rng.integers(0, 2, 300).astype(float)
    constants = {"alpha": 0.8, "beta": 0.3, "alpha_a": 0.2, "beta_a": 0.01}
    stepwise = EloModel(5, 7, **constants, **switches)  # type: ignore[arg-type]
    one_by_one = [
        stepwise.update(int(p), int(i), float(u)) for p, i, u in zip(learners, items, correct, strict=True)
    ]
    streamed = EloModel(5, 7, **constants, **switches)  # type: ignore[arg-type]
    np.testing.assert_allclose(streamed.run(learners, items, correct), one_by_one, rtol=1e-12)
    for name in (
        "learner_ratings",
        "item_ratings",
        "item_discriminations",
        "learner_evidence",
        "item_evidence",
    ):
        np.testing.assert_allclose(getattr(streamed, name), getattr(stepwise, name), rtol=1e-12)
    assert streamed.learner_updates.tolist() == np.bincount(learners, minlength=5).tolist()
    assert streamed.item_updates.sum() == 300
    if switches.get("discrimination", True):
        assert np.ptp(streamed.item_discriminations) > 0
    else:
        assert np.all(streamed.item_discriminations == 1.0)
    if switches.get("information_weighted", True):
        assert streamed.learner_evidence.sum() != pytest.approx(300)
    else:
        np.testing.assert_array_equal(streamed.learner_evidence, streamed.learner_updates)


def test_plain_model_is_classic_elo() -> None:
    rng = np.random.default_rng(3)
    learners, items = rng.integers(0, 4, 200), rng.integers(0, 6, 200)
    correct = rng.integers(0, 2, 200).astype(float)
    model = EloModel.plain(4, 6, alpha=0.9, beta=0.25)
    predictions = model.run(learners, items, correct)
    theta, difficulty = np.zeros(4), np.zeros(6)
    counts_l, counts_i = np.zeros(4, dtype=int), np.zeros(6, dtype=int)
    for k, (p, i, u) in enumerate(zip(learners, items, correct, strict=True)):
        assert predictions[k] == pytest.approx(1 / (1 + math.exp(difficulty[i] - theta[p])), rel=1e-12)
        theta[p], difficulty[i] = practice_update(
            theta[p],
            difficulty[i],
            u,
            learner_updates=counts_l[p],
            item_updates=counts_i[i],
            alpha=0.9,
            beta=0.25,
        )
        counts_l[p] += 1
        counts_i[i] += 1
    np.testing.assert_allclose(model.learner_ratings, theta, rtol=1e-12)
    np.testing.assert_allclose(model.item_ratings, difficulty, rtol=1e-12)


def test_expected_score_with_discrimination_and_variance() -> None:
    assert float(elo_expected(1.0, 0.0, 2.0)) == pytest.approx(1 / (1 + math.exp(-2)))
    np.testing.assert_allclose(
        elo_expected([0.0, 2.0], 1.0, [0.5, 1.5]), probability([0.0, 2.0], [0.5, 1.5], 1.0)
    )
    # pi a^2 s^2 / 8 = 1 halves the squared logit.
    assert float(elo_expected(1.0, 0.0, 1.0, 8 / math.pi)) == pytest.approx(
        1 / (1 + math.exp(-1 / math.sqrt(2)))
    )
    assert float(elo_expected(0.0, 0.0, 3.0, 5.0)) == 0.5
    with pytest.raises(ValueError, match="variance"):
        elo_expected(0.0, 0.0, 1.0, -0.1)


@given(ratings, ratings, st.floats(0.2, 4.0), st.floats(0.01, 10.0))
def test_variance_pulls_predictions_towards_one_half(
    learner: float, item: float, a: float, s2: float
) -> None:
    sharp = float(elo_expected(learner, item, a)) - 0.5
    blurred = float(elo_expected(learner, item, a, s2)) - 0.5
    assert abs(blurred) <= abs(sharp)
    assert blurred * sharp >= 0


def test_practice_update_scales_by_the_discrimination() -> None:
    # Even odds, K = 1: the step is a (u - E) = 2 * 0.5.
    assert practice_update(0.0, 0.0, 1.0, alpha=1.0, discrimination=2.0) == pytest.approx((1.0, -1.0))
    expected = 1 / (1 + math.exp(-0.5))  # a (theta - d) = 0.5 * 1
    learner, item = practice_update(1.0, 0.0, 0.0, alpha=1.0, beta=0.0, discrimination=0.5)
    assert (learner, item) == pytest.approx((1.0 - 0.5 * expected, 0.5 * expected))
    with pytest.raises(ValueError, match="discrimination must be positive"):
        practice_update(0.0, 0.0, 1.0, discrimination=0.0)


def test_discrimination_update_by_hand() -> None:
    # theta - d = 1 and a right answer: a grows by K_a (1 - sigma(1)).
    step = 0.1 / (1 + 0.01 * 50)
    new = discrimination_update(1.0, 1.0, 0.0, 1.0, responses=50, alpha=0.1, beta=0.01)
    assert new == pytest.approx(1.0 + step * (1 - 1 / (1 + math.exp(-1))))
    # A wrong answer from an able learner lowers it; a wrong answer from a weak learner raises it.
    assert discrimination_update(1.0, 1.0, 0.0, 0.0) < 1.0 < discrimination_update(1.0, -1.0, 0.0, 0.0)
    low, high = DISCRIMINATION_RANGE
    assert discrimination_update(1.0, 50.0, 0.0, 0.0, alpha=1.0) == low
    assert discrimination_update(0.2, 3.0, 0.0, 1.0, alpha=10.0) == high
    with pytest.raises(ValueError, match="one of 0.0, 1.0"):
        discrimination_update(1.0, 0.0, 0.0, 0.3)
    with pytest.raises(ValueError, match="negative"):
        discrimination_update(1.0, 0.0, 0.0, 1.0, responses=-1)
    with pytest.raises(ValueError, match="alpha > 0"):
        discrimination_update(1.0, 0.0, 0.0, 1.0, alpha=0.0)


def _stream(
    rng: np.random.Generator, n_learners: int, a: FloatArray, per_learner: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]:
    """Every learner answers ``per_learner`` distinct random items of a 2PL bank, interleaved at random."""
    theta, b = rng.normal(size=n_learners), rng.normal(size=a.size)
    items = np.argsort(rng.random((n_learners, a.size)), axis=1)[:, :per_learner].ravel()
    learners = np.repeat(np.arange(n_learners), per_learner)
    order = rng.permutation(items.size)
    learners, items = learners[order], items[order]
    correct = (rng.random(items.size) < probability(theta[learners], a[items], b[items])).astype(float)
    return learners, items, correct


@pytest.mark.parametrize(("true_a", "seed"), [(2.5, 0), (0.5, 1)])
def test_discriminations_move_towards_the_generating_value(true_a: float, seed: int) -> None:
    learners, items, correct = _stream(np.random.default_rng(seed), 1000, np.full(20, true_a), 20)
    model = EloModel(1000, 20)
    model.run(learners, items, correct)
    if true_a > 1:
        assert np.all(model.item_discriminations > 1.2)
        assert model.item_discriminations.mean() > 1.4
    else:
        assert np.all(model.item_discriminations < 1.0)
        assert model.item_discriminations.mean() < 0.85


def test_default_model_beats_plain_elo_on_2pl_data() -> None:
    rng = np.random.default_rng(5)
    learners, items, correct = _stream(rng, 500, rng.lognormal(0.0, 0.4, 100), 60)

    def log_loss(prediction: FloatArray) -> float:
        return float(-np.mean(correct * np.log(prediction) + (1 - correct) * np.log1p(-prediction)))

    default = log_loss(EloModel(500, 100).run(learners, items, correct))
    plain = log_loss(EloModel.plain(500, 100).run(learners, items, correct))
    assert default < plain - 0.001


def test_uncertain_predictions_are_closer_to_one_half_for_new_learners() -> None:
    model = EloModel(2, 1, uncertainty=True)
    model.learner_ratings[:] = 1.0  # the same rating ...
    model.learner_evidence[1] = 200.0  # ... but learner 1 has a long history
    model.item_evidence[0] = 500.0
    new, established = model.predict(0, 0), model.predict(1, 0)
    assert 0.5 < new < established < float(elo_expected(1.0, 0.0))
    assert model.variance(0, 0) > model.variance(1, 0)
    assert new == pytest.approx(float(elo_expected(1.0, 0.0, 1.0, model.variance(0, 0))))
    model.uncertainty = False
    assert model.predict(0, 0) == model.predict(1, 0) == float(elo_expected(1.0, 0.0))


def test_information_weighted_counts() -> None:
    model = EloModel(1, 1)
    model.update(0, 0, 1.0)  # even odds: information a^2 E (1 - E) = 1/4
    assert model.learner_evidence[0] == pytest.approx(0.25 / REFERENCE_INFORMATION)
    assert model.learner_updates[0] == model.item_updates[0] == 1
    plain = EloModel(1, 1, information_weighted=False)
    plain.update(0, 0, 1.0)
    assert plain.learner_evidence[0] == plain.item_evidence[0] == 1.0
    # With the defaults 1 / K(n) = 1 / alpha + the summed information: a Laplace posterior variance.
    step = float(k_factor(model.learner_evidence[0]))
    assert 1 / step == pytest.approx(1 / DEFAULT_ALPHA + 0.25)


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
    with pytest.raises(ValueError, match="alpha > 0"):
        EloModel(2, 2, alpha_a=0.0)
    with pytest.raises(ValueError, match="negative"):
        EloModel(-1, 2)
    with pytest.raises(ValueError, match="one of 0.0, 1.0"):
        model.update(0, 0, 0.5)
    assert model.learner_updates.sum() == 0
    assert model.learner_ratings.tolist() == [0.0, 0.0]


def test_defaults_are_the_documented_tuned_values() -> None:
    assert (DEFAULT_ALPHA, DEFAULT_BETA) == (0.75, 0.15)
    assert (DEFAULT_ALPHA_A, DEFAULT_BETA_A) == (0.05, 0.005)
    assert DISCRIMINATION_RANGE == (0.2, 4.0)
    model = EloModel(1, 1)
    assert (model.discrimination, model.information_weighted, model.uncertainty) == (True, True, False)


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

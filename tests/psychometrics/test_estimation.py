"""Ability estimators against independent numerical integration and their defining properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from adaptest.psychometrics.estimation import (
    GRID,
    add_response,
    eap,
    eap_from_grid,
    grid_log_posterior,
    map_estimate,
    mle,
    wle,
)
from adaptest.psychometrics.irt import information, probability

A = np.array([0.8, 1.2, 1.5, 1.0, 2.0])
B = np.array([-1.0, -0.3, 0.2, 0.8, 1.5])


def _posterior(theta: float, u: np.ndarray) -> float:
    p = probability(theta, A, B)
    return float(np.exp(-0.5 * theta**2) * np.prod(p**u * (1 - p) ** (1 - u)))


@pytest.mark.parametrize("pattern", [[1, 1, 0, 0, 0], [1, 0, 1, 0, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]])
def test_eap_matches_adaptive_quadrature(pattern: list[int]) -> None:
    u = np.array(pattern, dtype=float)
    norm = quad(_posterior, -10, 10, args=(u,))[0]
    mean = quad(lambda t: t * _posterior(t, u), -10, 10)[0] / norm
    var = quad(lambda t: (t - mean) ** 2 * _posterior(t, u), -10, 10)[0] / norm
    estimate = eap(u, A, B)
    assert estimate.theta == pytest.approx(mean, abs=1e-4)
    assert estimate.se == pytest.approx(np.sqrt(var), abs=1e-4)


def test_one_rasch_item_right_and_one_wrong_at_the_same_difficulty_gives_that_difficulty() -> None:
    assert mle([1, 0], [1.0, 1.0], [0.7, 0.7]).theta == pytest.approx(0.7, abs=1e-5)
    assert wle([1, 0], [1.0, 1.0], [0.7, 0.7]).theta == pytest.approx(0.7, abs=1e-5)


def test_extreme_patterns_have_no_mle_but_finite_bayesian_and_weighted_estimates() -> None:
    for pattern, sign in (([1] * 5, 1), ([0] * 5, -1)):
        m = mle(pattern, A, B)
        assert m.theta == sign * 4.0 and m.se == float("inf")
        for estimator in (eap, map_estimate, wle):
            estimate = estimator(pattern, A, B)
            assert (
                np.isfinite(estimate.theta) and np.sign(estimate.theta) == sign and np.isfinite(estimate.se)
            )


def test_map_is_the_posterior_mode_and_its_se_comes_from_the_curvature() -> None:
    u = np.array([1, 0, 1, 1, 0.0])
    estimate = map_estimate(u, A, B)
    log_post = grid_log_posterior(u, A, B, grid=np.linspace(-4, 4, 80001))
    assert estimate.theta == pytest.approx(np.linspace(-4, 4, 80001)[np.argmax(log_post)], abs=1e-3)
    assert estimate.se == pytest.approx(1 / np.sqrt(information(estimate.theta, A, B).sum() + 1), rel=1e-6)


def test_incremental_updates_equal_the_batch_posterior() -> None:
    u = [1.0, 0.0, 1.0]
    log_post = grid_log_posterior([], [], [])
    for response, a, b in zip(u, A, B, strict=False):
        log_post = add_response(log_post, response, a, b)
    incremental, batch = eap_from_grid(log_post), eap(u, A[:3], B[:3])
    assert (incremental.theta, incremental.se) == pytest.approx((batch.theta, batch.se), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    pattern=st.lists(st.integers(0, 1), min_size=0, max_size=5),
    a=st.floats(0.3, 2.5),
    b=st.floats(-3, 3),
)
def test_posterior_variance_shrinks_with_information_on_average(
    pattern: list[int], a: float, b: float
) -> None:
    """By the law of total variance, one more item can only lower the expected posterior variance."""
    k = len(pattern)
    log_post = grid_log_posterior(np.array(pattern, float), A[:k], B[:k])
    now = eap_from_grid(log_post)
    w = np.exp(log_post - log_post.max())
    p_right = float((w / w.sum()) @ probability(GRID, a, b))
    after = (
        p_right * eap_from_grid(add_response(log_post, 1, a, b)).se ** 2
        + (1 - p_right) * eap_from_grid(add_response(log_post, 0, a, b)).se ** 2
    )
    assert after <= now.se**2 + 1e-12


def test_more_right_answers_never_lower_the_estimate() -> None:
    patterns = [
        [0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [1, 1, 0, 0, 0],
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1],
    ]
    for estimator in (eap, map_estimate, wle):
        values = [estimator(p, A, B).theta for p in patterns]
        assert values == sorted(values)

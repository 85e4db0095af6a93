"""IRT probabilities and information: known values, symmetry, monotonicity, bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptest.psychometrics.irt import information, log_likelihood, logistic, probability

thetas = st.floats(-8, 8)
discriminations = st.floats(0.2, 3.0)
difficulties = st.floats(-4, 4)
guessing = st.floats(0.0, 0.35)


def test_known_values() -> None:
    assert probability(0.0, 1.0, 0.0) == pytest.approx(0.5)
    assert probability(1.0, 1.0, 0.0) == pytest.approx(1 / (1 + np.exp(-1)))
    assert information(0.0, 2.0, 0.0) == pytest.approx(1.0)  # a² · ¼
    assert probability(-50.0, 1.0, 0.0, 0.2) == pytest.approx(0.2)
    assert information(0.0, 1.0, 0.0, 0.0) == pytest.approx(0.25)


def test_the_3pl_information_matches_its_closed_form() -> None:
    theta, a, b, c = 0.3, 1.4, -0.2, 0.2
    p = probability(theta, a, b, c)
    assert information(theta, a, b, c) == pytest.approx(a**2 * ((p - c) / (1 - c)) ** 2 * (1 - p) / p)


def test_logistic_is_stable_far_out() -> None:
    assert logistic(1000.0) == 1.0 and logistic(-1000.0) == 0.0
    assert np.isfinite(log_likelihood(np.array([40.0, -40.0]), [1, 0], [1.0, 1.0], [0.0, 0.0])).all()


@given(thetas, discriminations, difficulties, guessing)
def test_probabilities_stay_strictly_inside_zero_and_one(theta: float, a: float, b: float, c: float) -> None:
    p = probability(theta, a, b, c)
    assert 0.0 < p < 1.0


@given(thetas, discriminations, difficulties, guessing)
def test_information_is_never_negative(theta: float, a: float, b: float, c: float) -> None:
    assert information(theta, a, b, c) >= 0.0


@given(st.floats(0, 6), discriminations, difficulties)
def test_the_2pl_is_symmetric_about_its_difficulty(x: float, a: float, b: float) -> None:
    assert probability(b + x, a, b) == pytest.approx(1.0 - probability(b - x, a, b), abs=1e-9)
    assert information(b + x, a, b) == pytest.approx(information(b - x, a, b), rel=1e-6, abs=1e-12)


@given(discriminations, difficulties, guessing)
def test_probability_rises_with_ability(a: float, b: float, c: float) -> None:
    grid = np.linspace(-6, 6, 200)
    assert np.all(np.diff(probability(grid, a, b, c)) >= 0)


@given(discriminations, difficulties)
def test_2pl_information_peaks_at_the_difficulty(a: float, b: float) -> None:
    grid = np.linspace(b - 3, b + 3, 601)
    assert grid[np.argmax(information(grid, a, b))] == pytest.approx(b, abs=0.011)


def test_arrays_broadcast_into_a_table() -> None:
    table = probability(np.array([[-1.0], [0.0], [1.0]]), np.ones(4), np.linspace(-1, 1, 4))
    assert table.shape == (3, 4)

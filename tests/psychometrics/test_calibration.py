"""2PL calibration by marginal maximum likelihood: checked against brute force, simulation and symmetry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import minimize

from adaptest.psychometrics import calibration
from adaptest.psychometrics.calibration import Quadrature, calibrate_2pl
from adaptest.psychometrics.irt import probability
from adaptest.psychometrics.responses import ResponseData

Matrix = NDArray[np.float64]


def simulate(
    seed: int, n_persons: int, n_items: int, per_person: int | None = None
) -> tuple[Matrix, NDArray[np.float64], NDArray[np.float64]]:
    """A persons × items 0/1 matrix from a 2PL bank; NaN outside each person's random item set."""
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.25, n_items)
    b = rng.normal(0.0, 1.0, n_items)
    theta = rng.normal(0.0, 1.0, n_persons)
    matrix = (rng.random((n_persons, n_items)) < probability(theta[:, None], a, b)).astype(np.float64)
    if per_person is not None:
        rank = np.argsort(np.argsort(rng.random((n_persons, n_items)), axis=1), axis=1)
        matrix[rank >= per_person] = np.nan
    return matrix, a, b


def brute_force_log_posterior(
    matrix: Matrix, log_a: NDArray[np.float64], b: NDArray[np.float64], points: int = 31
) -> tuple[float, float]:
    """(log posterior, marginal log-likelihood) by direct summation over persons, nodes and items."""
    quadrature = Quadrature.standard_normal(points)
    prob = probability(quadrature.nodes[:, None], np.exp(log_a), b)  # nodes × items
    answered = ~np.isnan(matrix)
    score = np.nan_to_num(matrix)
    log_lik = score @ np.log(prob).T + (answered * (1.0 - score)) @ np.log1p(-prob).T
    joint = log_lik + quadrature.log_weights
    peak = joint.max(axis=1)
    marginal = float(np.sum(peak + np.log(np.exp(joint - peak[:, None]).sum(axis=1))))
    prior = -0.5 * float(np.sum((log_a / 0.5) ** 2) + np.sum((b / 2.0) ** 2))
    return marginal + prior, marginal


@pytest.fixture(scope="module")
def small() -> tuple[Matrix, ResponseData]:
    matrix, _, _ = simulate(3, 600, 5)
    matrix[np.random.default_rng(4).random(matrix.shape) < 0.3] = np.nan
    return matrix, ResponseData.from_dense(matrix)


def test_log_likelihood_matches_brute_force(small: tuple[Matrix, ResponseData]) -> None:
    matrix, data = small
    result = calibrate_2pl(data)
    log_posterior, marginal = brute_force_log_posterior(matrix, np.log(result.a), result.b)
    assert result.log_likelihood == pytest.approx(marginal, rel=1e-10)
    assert result.log_posterior == pytest.approx(log_posterior, rel=1e-10)


def test_estimates_maximise_the_brute_force_posterior(small: tuple[Matrix, ResponseData]) -> None:
    matrix, data = small
    n_items = data.n_items
    result = calibrate_2pl(data, tolerance=1e-8)
    optimum = minimize(
        lambda x: -brute_force_log_posterior(matrix, x[:n_items], x[n_items:])[0],
        np.zeros(2 * n_items),
        method="BFGS",
        options={"gtol": 1e-7},
    )
    np.testing.assert_allclose(np.log(result.a), optimum.x[:n_items], atol=2e-4)
    np.testing.assert_allclose(result.b, optimum.x[n_items:], atol=2e-4)


def test_standard_errors_agree_with_the_numerical_hessian(small: tuple[Matrix, ResponseData]) -> None:
    matrix, data = small
    n_items = data.n_items
    result = calibrate_2pl(data, tolerance=1e-8)
    x = np.concatenate([np.log(result.a), result.b])
    step = 1e-4
    basis = np.eye(2 * n_items) * step

    def f(point: NDArray[np.float64]) -> float:
        return brute_force_log_posterior(matrix, point[:n_items], point[n_items:])[0]

    hessian = np.array(
        [
            [(f(x + u + v) - f(x + u - v) - f(x - u + v) + f(x - u - v)) / (4 * step**2) for v in basis]
            for u in basis
        ]
    )
    se = np.sqrt(np.diag(np.linalg.inv(-hessian)))
    np.testing.assert_allclose(result.a_se / result.a, se[:n_items], rtol=0.2)
    np.testing.assert_allclose(result.b_se, se[n_items:], rtol=0.2)


def test_recovers_generating_parameters_from_complete_data() -> None:
    matrix, a, b = simulate(10, 3000, 20)
    result = calibrate_2pl(ResponseData.from_dense(matrix))
    assert result.converged
    assert np.sqrt(np.mean((result.a - a) ** 2)) < 0.08
    assert np.sqrt(np.mean((result.b - b) ** 2)) < 0.08
    assert np.mean(np.abs(result.b - b) < 2.5 * result.b_se) >= 0.9
    assert np.mean(np.abs(result.a - a) < 2.5 * result.a_se) >= 0.9


def test_recovers_generating_parameters_from_sparse_data() -> None:
    matrix, a, b = simulate(11, 6000, 40, per_person=10)
    data = ResponseData.from_dense(matrix)
    assert data.n_observations == 6000 * 10
    result = calibrate_2pl(data)
    assert result.converged
    assert np.all(result.n_responses == np.sum(~np.isnan(matrix), axis=0))
    assert np.sqrt(np.mean((result.a - a) ** 2)) < 0.15
    assert np.sqrt(np.mean((result.b - b) ** 2)) < 0.15
    assert np.corrcoef(result.b, b)[0, 1] > 0.98


def test_squarem_and_plain_em_reach_the_same_estimates(small: tuple[Matrix, ResponseData]) -> None:
    _, data = small
    accelerated = calibrate_2pl(data, tolerance=1e-7)
    plain = calibrate_2pl(data, tolerance=1e-7, acceleration="none", max_iterations=5000)
    np.testing.assert_allclose(accelerated.a, plain.a, atol=1e-5)
    np.testing.assert_allclose(accelerated.b, plain.b, atol=1e-5)
    assert accelerated.em_steps < plain.em_steps


def test_reversing_every_answer_mirrors_the_difficulties(small: tuple[Matrix, ResponseData]) -> None:
    matrix, data = small
    result = calibrate_2pl(data, tolerance=1e-7)
    mirrored = calibrate_2pl(ResponseData.from_dense(1.0 - matrix), tolerance=1e-7)
    np.testing.assert_allclose(mirrored.b, -result.b, atol=1e-5)
    np.testing.assert_allclose(mirrored.a, result.a, atol=1e-5)


def test_order_of_persons_and_items_does_not_matter(small: tuple[Matrix, ResponseData]) -> None:
    matrix, data = small
    rng = np.random.default_rng(0)
    persons, items = rng.permutation(matrix.shape[0]), rng.permutation(matrix.shape[1])
    shuffled = calibrate_2pl(ResponseData.from_dense(matrix[persons][:, items]), tolerance=1e-7)
    result = calibrate_2pl(data, tolerance=1e-7)
    np.testing.assert_allclose(shuffled.a, result.a[items], atol=1e-6)
    np.testing.assert_allclose(shuffled.b_se, result.b_se[items], rtol=1e-6)


def test_an_item_without_responses_keeps_its_start_and_is_flagged(small: tuple[Matrix, ResponseData]) -> None:
    matrix, data = small
    widened = np.column_stack([matrix, np.full(matrix.shape[0], np.nan)])
    start = np.r_[np.zeros(data.n_items), 1.5]
    result = calibrate_2pl(ResponseData.from_dense(widened), initial_b=start, tolerance=1e-7)
    reference = calibrate_2pl(data, tolerance=1e-7)
    assert result.uncalibrated.tolist() == [False] * data.n_items + [True]
    assert (result.a[-1], result.b[-1], result.n_responses[-1]) == (1.0, 1.5, 0)
    assert np.isnan(result.item_fit_rmsd[-1])
    assert result.b_se[-1] == pytest.approx(2.0)  # the prior's spread: nothing was learnt
    np.testing.assert_allclose(result.b[:-1], reference.b, atol=1e-5)


def test_an_item_everyone_got_right_stays_finite_thanks_to_the_prior() -> None:
    matrix, _, _ = simulate(5, 400, 6)
    matrix[:, 0] = 1.0
    result = calibrate_2pl(ResponseData.from_dense(matrix))
    assert np.all(np.isfinite(result.b)) and np.all(np.isfinite(result.b_se))
    assert result.b[0] < -2.0
    assert result.b[0] == result.b.min()


def test_a_tighter_discrimination_prior_pulls_a_towards_its_median(
    small: tuple[Matrix, ResponseData],
) -> None:
    _, data = small
    loose = calibrate_2pl(data, a_prior_sd=2.0)
    tight = calibrate_2pl(data, a_prior_sd=0.05)
    assert np.all(np.abs(np.log(tight.a)) <= np.abs(np.log(loose.a)) + 1e-9)
    assert np.max(np.abs(np.log(tight.a))) < 0.05
    centred = calibrate_2pl(data, a_prior_sd=0.05, a_prior_mean=np.log(2.0))
    assert np.all(centred.a > 1.8)


def test_a_misfitting_item_has_the_largest_rmsd() -> None:
    matrix, _, _ = simulate(6, 3000, 12)
    rng = np.random.default_rng(7)
    theta_proxy = np.nanmean(matrix[:, 1:], axis=1)
    middle = np.abs(theta_proxy - np.median(theta_proxy)) < 0.15
    matrix[:, 0] = (rng.random(matrix.shape[0]) < np.where(middle, 0.95, 0.25)).astype(float)
    result = calibrate_2pl(ResponseData.from_dense(matrix))
    assert int(np.argmax(result.item_fit_rmsd)) == 0
    assert result.item_fit_rmsd[0] > 2 * np.max(result.item_fit_rmsd[1:])
    assert np.all(result.item_fit_rmsd[1:] < 0.05)


def test_progress_reports_every_iteration_and_plain_em_never_goes_downhill(
    small: tuple[Matrix, ResponseData],
) -> None:
    _, data = small
    seen: list[tuple[int, float]] = []
    result = calibrate_2pl(
        data, acceleration="none", progress=lambda i, objective: seen.append((i, objective))
    )
    assert [i for i, _ in seen] == list(range(1, result.iterations + 1))
    objectives = np.array([objective for _, objective in seen])
    assert np.all(np.diff(objectives) > -1e-8)
    assert objectives[-1] <= result.log_posterior + 1e-8


def test_iteration_cap_and_loglik_tolerance(small: tuple[Matrix, ResponseData]) -> None:
    _, data = small
    capped = calibrate_2pl(data, max_iterations=1, acceleration="none")
    assert (capped.iterations, capped.converged) == (1, False)
    loose = calibrate_2pl(data, tolerance=1e-12, loglik_tolerance=1.0, acceleration="none")
    strict = calibrate_2pl(data, tolerance=1e-8, acceleration="none", max_iterations=5000)
    assert loose.converged and loose.em_steps < strict.em_steps


def test_item_by_item_standard_errors_beyond_the_size_limit(
    small: tuple[Matrix, ResponseData], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data = small
    full = calibrate_2pl(data)
    monkeypatch.setattr(calibration, "FULL_COVARIANCE_MAX_ITEMS", 2)
    blocks = calibrate_2pl(data)
    np.testing.assert_allclose(blocks.a, full.a)
    np.testing.assert_allclose(blocks.a_se, full.a_se, rtol=0.25)
    np.testing.assert_allclose(blocks.b_se, full.b_se, rtol=0.25)


def test_sparse_and_dense_layouts_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix, _, _ = simulate(8, 500, 8, per_person=5)
    data = ResponseData.from_dense(matrix)
    sparse_layout = calibrate_2pl(data)
    monkeypatch.setattr(calibration, "DENSE_FILL", 0.0)
    dense_layout = calibrate_2pl(data)
    np.testing.assert_allclose(dense_layout.b, sparse_layout.b, atol=1e-10)
    np.testing.assert_allclose(dense_layout.a_se, sparse_layout.a_se, rtol=1e-8)


def test_bad_arguments_are_refused(small: tuple[Matrix, ResponseData]) -> None:
    _, data = small
    with pytest.raises(ValueError, match="one value per item"):
        calibrate_2pl(data, initial_b=np.zeros(2))
    with pytest.raises(ValueError, match="must be positive"):
        calibrate_2pl(data, a_prior_sd=0.0)
    with pytest.raises(ValueError, match="no responses"):
        calibrate_2pl(ResponseData.from_dense(np.full((2, 2), np.nan)))


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(2, 30),
    st.integers(1, 6),
    st.floats(0.0, 0.8),
)
def test_any_small_data_set_gives_finite_sensible_output(
    seed: int, persons: int, items: int, gaps: float
) -> None:
    matrix, _, _ = simulate(seed, persons, items)
    matrix[np.random.default_rng(seed).random(matrix.shape) < gaps] = np.nan
    matrix[0, 0] = 1.0
    result = calibrate_2pl(ResponseData.from_dense(matrix))
    assert np.all(result.a > 0) and np.all(np.isfinite(result.b))
    assert np.all(result.a_se > 0) and np.all(result.b_se > 0)
    fitted = result.item_fit_rmsd[~result.uncalibrated]
    assert np.all((fitted >= 0) & (fitted <= 1))
    assert result.log_likelihood < 0


def test_ability_eap_agrees_with_the_per_person_estimator() -> None:
    from adaptest.psychometrics.calibration import ability_eap
    from adaptest.psychometrics.estimation import eap
    from adaptest.psychometrics.responses import ResponseData

    rng = np.random.default_rng(11)
    a, b = rng.lognormal(0, 0.25, 8), rng.normal(0, 1, 8)
    person = np.repeat(np.arange(30), 5)
    item = np.concatenate([rng.choice(8, 5, replace=False) for _ in range(30)])
    correct = (rng.random(person.size) < 0.6).astype(float)
    data = ResponseData.from_indices(person, item, correct, n_persons=30, n_items=8)
    batch = ability_eap(data, a, b, quadrature_points=201)
    for p in range(30):
        mine = item[person == p]
        one = eap(correct[person == p], a[mine], b[mine], grid=np.linspace(-5, 5, 201))
        assert batch[p] == pytest.approx(one.theta, abs=1e-6)


def test_from_indices_numbers_ids_and_honours_explicit_counts() -> None:
    from adaptest.psychometrics.responses import ResponseData

    data = ResponseData.from_indices([0, 0, 2], [1, 0, 1], [1, 0, 1], n_items=4)
    assert (data.n_persons, data.n_items, data.n_observations) == (3, 4, 3)
    assert data.person_ids == ("0", "1", "2") and data.item_ids == ("0", "1", "2", "3")

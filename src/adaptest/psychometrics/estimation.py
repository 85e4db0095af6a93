"""Unidimensional ability estimation: EAP on a grid, MAP, MLE and WLE, each with a standard error.

Responses are 0/1 (an "I don't know yet" is scored 0 upstream). For patterns that are all right or
all wrong, MLE does not exist; :func:`mle` then returns the bound it was given, with an infinite SE, so
callers can tell. The Bayesian estimators (EAP, MAP) are finite for every pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize_scalar

from adaptest.psychometrics.irt import EPS, FloatArray, information, log_likelihood, logistic

GRID = np.linspace(-6.0, 6.0, 121)
"""Default quadrature grid for EAP: 0.1 apart, wide enough for any realistic ability."""


@dataclass(frozen=True)
class Estimate:
    """An ability estimate with its standard error (posterior SD for Bayesian estimators)."""

    theta: float
    se: float


def _normal_log_density(grid: FloatArray, mean: float, sd: float) -> FloatArray:
    return -0.5 * ((grid - mean) / sd) ** 2


def grid_log_posterior(
    responses: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike = 0.0,
    *,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    grid: FloatArray = GRID,
) -> FloatArray:
    """Unnormalised log posterior on ``grid``: :math:`\\log\\phi((\\theta-\\mu)/\\sigma) + \\ell(\\theta)`."""
    prior = _normal_log_density(grid, prior_mean, prior_sd)
    if np.size(responses) == 0:
        return prior
    return prior + log_likelihood(grid, responses, a, b, c)


def add_response(
    log_posterior: FloatArray, correct: float, a: float, b: float, c: float = 0.0, grid: FloatArray = GRID
) -> FloatArray:
    """Fold one more response into a grid log posterior (the O(grid) update a CAT step needs)."""
    p = logistic(a * (grid - b))
    if c:
        p = c + (1.0 - c) * p
    np.clip(p, EPS, 1.0 - EPS, out=p)
    return log_posterior + (np.log(p) if correct >= 0.5 else np.log1p(-p))


def grid_weights(log_posterior: FloatArray) -> FloatArray:
    """Normalised posterior weights on the grid: :math:`w_q \\propto e^{\\log p(\\theta_q \\mid u)}`."""
    weights = np.exp(log_posterior - log_posterior.max())
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def eap_from_weights(weights: FloatArray, grid: FloatArray = GRID) -> Estimate:
    """Posterior mean and SD from normalised grid weights.

    .. math:: \\hat\\theta = \\sum_q \\theta_q w_q, \\quad SE^2 = \\sum_q (\\theta_q - \\hat\\theta)^2 w_q
    """
    mean = float(weights @ grid)
    return Estimate(mean, float(np.sqrt(weights @ (grid - mean) ** 2)))


def eap_from_grid(log_posterior: FloatArray, grid: FloatArray = GRID) -> Estimate:
    """Posterior mean and SD from a grid log posterior."""
    return eap_from_weights(grid_weights(log_posterior), grid)


def cut_position(grid: FloatArray, cut: float) -> tuple[int, float]:
    """Where ``cut`` falls on ``grid``: the index of the grid point below it and how far past it."""
    k = int(np.searchsorted(grid, cut, side="right")) - 1
    if not 0 <= k < len(grid) - 1:
        return k, 0.0
    return k, float((cut - grid[k]) / (grid[k + 1] - grid[k]))


def midpoint_cdf(weights: FloatArray, position: tuple[int, float]) -> float:
    """P(θ < cut) from grid weights, each the mass of a cell centred on its point (midpoint rule).

    The CDF at grid point k counts half of that point's own weight; between points it is linear.
    ``position`` comes from :func:`cut_position`.
    """
    k, fraction = position
    if k < 0:
        return 0.0
    if k >= len(weights) - 1:
        return 1.0
    at_k = float(weights[:k].sum()) + 0.5 * float(weights[k])
    return at_k + fraction * 0.5 * float(weights[k] + weights[k + 1])


def eap(
    responses: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike = 0.0,
    *,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    grid: FloatArray = GRID,
) -> Estimate:
    """Expected a posteriori estimate with a Normal(prior_mean, prior_sd²) prior (numerical quadrature)."""
    return eap_from_grid(
        grid_log_posterior(responses, a, b, c, prior_mean=prior_mean, prior_sd=prior_sd, grid=grid), grid
    )


def _test_information(theta: float, a: ArrayLike, b: ArrayLike, c: ArrayLike) -> float:
    return float(np.sum(information(theta, a, b, c)))


def _maximise(objective, bound: float) -> float:  # type: ignore[no-untyped-def]
    result = minimize_scalar(
        lambda t: -objective(t), bounds=(-bound, bound), method="bounded", options={"xatol": 1e-6}
    )
    return float(result.x)


def map_estimate(
    responses: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike = 0.0,
    *,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    bound: float = 6.0,
) -> Estimate:
    """Maximum a posteriori estimate; SE from the posterior curvature.

    .. math:: \\hat\\theta = \\arg\\max_\\theta \\; \\ell(\\theta) - \\frac{(\\theta-\\mu)^2}{2\\sigma^2},
              \\qquad SE = \\big(I(\\hat\\theta) + \\sigma^{-2}\\big)^{-1/2}
    """
    u = np.asarray(responses, dtype=np.float64)
    theta = _maximise(
        lambda t: float(log_likelihood(t, u, a, b, c)) - 0.5 * ((t - prior_mean) / prior_sd) ** 2, bound
    )
    return Estimate(theta, float(1.0 / np.sqrt(_test_information(theta, a, b, c) + prior_sd**-2)))


def _is_extreme(responses: FloatArray) -> bool:
    return bool(responses.size == 0 or np.all(responses == responses[0]) and responses[0] in (0.0, 1.0))


def mle(
    responses: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0, *, bound: float = 4.0
) -> Estimate:
    """Maximum likelihood estimate; SE :math:`= I(\\hat\\theta)^{-1/2}`.

    For an all-right (all-wrong) pattern the likelihood keeps rising (falling) and no maximum exists:
    the estimate is ``+bound`` (``-bound``) and the SE is infinite.
    """
    u = np.asarray(responses, dtype=np.float64)
    if _is_extreme(u):
        return Estimate(bound if u.size and u[0] == 1.0 else -bound, float("inf"))
    theta = _maximise(lambda t: float(log_likelihood(t, u, a, b, c)), bound)
    return Estimate(theta, float(1.0 / np.sqrt(_test_information(theta, a, b, c))))


def wle(
    responses: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0, *, bound: float = 6.0
) -> Estimate:
    """Warm's weighted likelihood estimate: finite for every pattern and nearly unbiased.

    For the 1PL and 2PL it maximises the likelihood times the square root of the test information
    (a Jeffreys prior):

    .. math:: \\hat\\theta = \\arg\\max_\\theta \\; \\ell(\\theta) + \\tfrac12 \\log I(\\theta)

    (for the 3PL this is the same Jeffreys-weighted form, a close approximation to Warm's estimator).
    """
    u = np.asarray(responses, dtype=np.float64)
    theta = _maximise(
        lambda t: float(log_likelihood(t, u, a, b, c)) + 0.5 * np.log(_test_information(t, a, b, c)), bound
    )
    return Estimate(theta, float(1.0 / np.sqrt(_test_information(theta, a, b, c))))


__all__ = [
    "GRID",
    "Estimate",
    "add_response",
    "cut_position",
    "eap",
    "eap_from_grid",
    "eap_from_weights",
    "grid_log_posterior",
    "grid_weights",
    "map_estimate",
    "midpoint_cdf",
    "mle",
    "wle",
]

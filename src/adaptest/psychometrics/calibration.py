"""Marginal maximum likelihood calibration of the 2PL on sparse response data (Bock–Aitkin EM).

Abilities are integrated out against a standard normal on a fixed grid of quadrature nodes
:math:`\\theta_1 < \\dots < \\theta_Q` with weights :math:`w_q \\propto \\varphi(\\theta_q)`,
:math:`\\sum_q w_q = 1`. Person :math:`p` answered the items :math:`J_p` with scores :math:`u_{pj}`:

.. math:: L_p(\\theta) = \\prod_{j \\in J_p} P_j(\\theta)^{u_{pj}} (1 - P_j(\\theta))^{1 - u_{pj}},
          \\qquad \\ell = \\sum_p \\log \\sum_q w_q L_p(\\theta_q)

**E-step.** With :math:`z_{jq} = a_j(\\theta_q - b_j)` the log-likelihood table is
:math:`\\log L_p(\\theta_q) = \\sum_{j} u_{pj} z_{jq} + \\sum_{j \\in J_p} \\log(1 - P_j(\\theta_q))`: one
sparse (persons × items) 0/1 matrix product with the (items × nodes) table of
:math:`\\log(1 - P)` plus a rank-two term. The posterior node weights
:math:`\\pi_{pq} = w_q L_p(\\theta_q) / \\sum_r w_r L_p(\\theta_r)` give, through two more sparse products,
the expected number of responses :math:`n_{jq} = \\sum_{p: j \\in J_p} \\pi_{pq}` and of correct
responses :math:`r_{jq} = \\sum_p u_{pj} \\pi_{pq}` at each node.

**M-step.** Each item maximises, independently and all at once (vectorised), its expected complete-data
log-posterior in :math:`\\alpha_j = \\log a_j` and :math:`b_j`:

.. math:: Q_j = \\sum_q r_{jq} \\log P_{jq} + (n_{jq} - r_{jq}) \\log(1 - P_{jq})
          - \\frac{(\\alpha_j - \\mu_\\alpha)^2}{2\\sigma_\\alpha^2} - \\frac{(b_j - \\mu_b)^2}{2\\sigma_b^2}

by Fisher scoring with :math:`e_{jq} = r_{jq} - n_{jq} P_{jq}` and :math:`v_{jq} = n_{jq} P_{jq}(1 - P_{jq})`:

.. math:: g = \\Big(\\sum_q e_{jq} z_{jq} - \\frac{\\alpha_j - \\mu_\\alpha}{\\sigma_\\alpha^2},\\;
          -a_j \\sum_q e_{jq} - \\frac{b_j - \\mu_b}{\\sigma_b^2}\\Big),\\quad
          I = \\begin{pmatrix} \\sum_q v z^2 + \\sigma_\\alpha^{-2} & -a_j \\sum_q v z \\\\
          -a_j \\sum_q v z & a_j^2 \\sum_q v + \\sigma_b^{-2} \\end{pmatrix}

The EM map is accelerated with SQUAREM (Varadhan & Roland, 2008, scheme S3 with a monotonicity
safeguard on the log-posterior). Standard errors come from the inverse of the empirical (cross-product)
observed information of the marginal likelihood plus the prior precision; the item fit statistic is the
RMSD between the posterior-expected and the model proportion correct over the nodes. See
docs/calibration.md for the details and how to read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sparse
from numpy.typing import ArrayLike, NDArray

from adaptest.psychometrics.irt import FloatArray, logistic
from adaptest.psychometrics.responses import ResponseData

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: Largest Fisher-scoring step in log a or b; keeps an early M-step from overshooting.
MAX_STEP = 1.0
#: SQUAREM extrapolations are clipped into this box: log a in LOG_A_RANGE, |b| at most B_RANGE.
LOG_A_RANGE = (np.log(0.01), np.log(50.0))
B_RANGE = 50.0
#: Response matrices at least this full are multiplied as dense arrays (BLAS) rather than sparse ones.
DENSE_FILL = 0.3
#: Up to this many items the whole information matrix is inverted; beyond, item by item.
FULL_COVARIANCE_MAX_ITEMS = 2000
#: Observations scored per block when forming each person's score vector.
_CHUNK = 65_536


@dataclass(frozen=True)
class ItemPrior:
    """Independent normal priors :math:`\\log a \\sim N(\\mu_\\alpha, \\sigma_\\alpha^2)`,
    :math:`b \\sim N(\\mu_b, \\sigma_b^2)`."""

    log_a_mean: float = 0.0
    log_a_sd: float = 0.5
    b_mean: float = 0.0
    b_sd: float = 2.0

    def __post_init__(self) -> None:
        if not (self.log_a_sd > 0.0 and self.b_sd > 0.0):
            raise ValueError("prior standard deviations must be positive")

    def log_density(self, log_a: FloatArray, b: FloatArray) -> float:
        """Sum over items of the log prior density, up to a constant."""
        alpha_part = ((log_a - self.log_a_mean) / self.log_a_sd) ** 2
        b_part = ((b - self.b_mean) / self.b_sd) ** 2
        return float(-0.5 * (np.sum(alpha_part) + np.sum(b_part)))


@dataclass(frozen=True)
class Quadrature:
    """Equally spaced nodes on ``[-bound, bound]`` with normalised standard-normal weights."""

    nodes: FloatArray
    log_weights: FloatArray

    @classmethod
    def standard_normal(cls, points: int, bound: float = 5.0) -> Quadrature:
        if points < 5:
            raise ValueError("use at least 5 quadrature points")
        nodes = np.linspace(-bound, bound, points)
        log_density = -0.5 * nodes**2
        log_weights = log_density - np.log(np.sum(np.exp(log_density)))
        return cls(nodes=nodes, log_weights=log_weights)


@dataclass(frozen=True)
class CalibrationResult:
    """Calibrated 2PL item parameters and how they were obtained.

    Attributes
    ----------
    item_ids
        The items, in the order of every array below.
    a, b
        Discrimination and difficulty (posterior modes under the item priors).
    a_se, b_se
        Standard errors: square roots of the diagonal of the inverse observed information (empirical
        cross-product form plus prior precision); ``a_se`` by the delta method from ``log a``.
    n_responses
        Responses to each item.
    uncalibrated
        Items without responses; they keep their starting values and prior uncertainty.
    item_fit_rmsd
        Root mean squared difference between posterior-expected and model proportion correct.
    iterations
        Outer iterations (EM steps, or SQUAREM cycles of up to three EM steps).
    em_steps
        E-step/M-step evaluations in total.
    converged
        Whether the largest change of ``a`` or ``b`` in an EM step fell below the tolerance.
    log_likelihood
        Marginal log-likelihood :math:`\\ell` at the estimates (quadrature, without the priors).
    log_posterior
        :math:`\\ell` plus the item log prior (up to a constant): the objective maximised.
    """

    item_ids: tuple[str, ...]
    a: FloatArray
    b: FloatArray
    a_se: FloatArray
    b_se: FloatArray
    n_responses: IntArray
    uncalibrated: BoolArray
    item_fit_rmsd: FloatArray
    iterations: int
    em_steps: int
    converged: bool
    log_likelihood: float
    log_posterior: float


def calibrate_2pl(
    data: ResponseData,
    *,
    a_prior_sd: float = 0.5,
    b_prior_sd: float = 2.0,
    a_prior_mean: float = 0.0,
    b_prior_mean: float = 0.0,
    quadrature_points: int = 31,
    max_iterations: int = 500,
    tolerance: float = 1e-4,
    loglik_tolerance: float | None = None,
    initial_b: ArrayLike | None = None,
    acceleration: Literal["squarem", "none"] = "squarem",
    progress: Callable[[int, float], None] | None = None,
) -> CalibrationResult:
    """Calibrate a 2PL item bank by marginal maximum a posteriori estimation (Bock–Aitkin EM).

    Parameters
    ----------
    data
        Scored responses; any pattern of missing responses is allowed (missing at random or by design).
    a_prior_sd, a_prior_mean
        Normal prior on :math:`\\log a` (so the prior median of ``a`` is ``exp(a_prior_mean)``).
    b_prior_sd, b_prior_mean
        Normal prior on ``b``.
    quadrature_points
        Equally spaced nodes on [-5, 5] for the standard-normal ability distribution.
    max_iterations
        Cap on outer iterations.
    tolerance
        Converged when one EM step changes no ``a`` and no ``b`` by more than this.
    loglik_tolerance
        Also converged when one EM step raises the log-posterior by less than this (absolute);
        ``None`` (default) uses the parameter criterion only.
    initial_b
        Starting difficulties, one per item; by default the logistic-normal approximation
        :math:`b_j = -\\operatorname{logit}(\\bar u_j) \\sqrt{1 + \\pi / 8}` from each item's
        proportion correct (clipped to [-3, 3]). Items without responses keep their starting values.
    acceleration
        ``"squarem"`` (default) or ``"none"`` for plain EM.
    progress
        Called after each outer iteration with its number and the current log-posterior.

    Raises
    ------
    ValueError
        When there are no responses, a prior standard deviation is not positive or ``initial_b`` has
        the wrong length.
    """
    if data.n_observations == 0:
        raise ValueError("there are no responses to calibrate")
    prior = ItemPrior(a_prior_mean, a_prior_sd, b_prior_mean, b_prior_sd)
    design = _Design.from_data(data)
    em = _EMMap(design, Quadrature.standard_normal(quadrature_points), prior, design.n_responses > 0)
    start = np.concatenate([np.full(data.n_items, a_prior_mean), _starting_b(design, initial_b)])
    criteria = _Criteria(tolerance, loglik_tolerance, max_iterations)
    solver = _squarem if acceleration == "squarem" else _plain_em
    params, iterations, converged = solver(em, start, criteria, progress)
    return _result(data, em, params, iterations, converged)


# --------------------------------------------------------------------------------------------------
# Data layout


@dataclass(frozen=True)
class _Design:
    """The response data as (persons × items) matrices, laid out for the products of one EM step.

    ``correct`` holds the 0/1 scores (0 where not administered), dense when the data are at least
    ``DENSE_FILL`` full. ``pattern`` is a sparse 0/1 matrix of the administered pairs, or, when more
    than half the pairs were administered, of the pairs *not* administered (``pattern_is_missing``):
    sums over administered items are then totals minus a product with the small complement.
    """

    correct: Any
    correct_by_item: Any  # the transpose as CSR, for sparse data; None for dense
    pattern: Any
    pattern_by_item: Any
    pattern_is_missing: bool
    person: IntArray
    item: IntArray
    score: FloatArray
    n_responses: IntArray
    n_correct: FloatArray

    @classmethod
    def from_data(cls, data: ResponseData) -> _Design:
        shape = (data.n_persons, data.n_items)
        fill = data.n_observations / (data.n_persons * data.n_items)
        correct = sparse.csr_array((data.correct, (data.person, data.item)), shape=shape)
        correct.eliminate_zeros()
        pattern = sparse.csr_array((np.ones(data.n_observations), (data.person, data.item)), shape=shape)
        if fill > 0.5:
            pattern = sparse.csr_array(pattern.toarray() == 0.0, dtype=np.float64)
        return cls(
            correct=correct.toarray() if fill >= DENSE_FILL else correct,
            correct_by_item=None if fill >= DENSE_FILL else correct.T.tocsr(),
            pattern=pattern,
            pattern_by_item=pattern.T.tocsr(),
            pattern_is_missing=fill > 0.5,
            person=data.person,
            item=data.item,
            score=data.correct,
            n_responses=np.bincount(data.item, minlength=data.n_items).astype(np.int64),
            n_correct=np.asarray(
                np.bincount(data.item, weights=data.correct, minlength=data.n_items), dtype=np.float64
            ),
        )

    @property
    def dense(self) -> bool:
        return isinstance(self.correct, np.ndarray)

    def sum_over_answered(self, table: FloatArray) -> FloatArray:
        """:math:`\\sum_{j \\in J_p} t_{jq}` for an (items × nodes) table: a (persons × nodes) array."""
        if self.pattern_is_missing:
            return np.asarray(table.sum(axis=0) - self.pattern @ table)
        return np.asarray(self.pattern @ table)

    def sum_over_takers(self, table: FloatArray) -> FloatArray:
        """:math:`\\sum_{p: j \\in J_p} t_{pq}` for a (persons × nodes) table: an (items × nodes) array."""
        if self.pattern_is_missing:
            return np.asarray(table.sum(axis=0) - self.pattern_by_item @ table)
        return np.asarray(self.pattern_by_item @ table)

    def sum_over_correct(self, table: FloatArray) -> FloatArray:
        """:math:`\\sum_p u_{pj} t_{pq}` for a (persons × nodes) table: an (items × nodes) array."""
        if self.correct_by_item is None:
            return np.asarray(self.correct.T @ table)
        return np.asarray(self.correct_by_item @ table)


def _starting_b(design: _Design, initial_b: ArrayLike | None) -> FloatArray:
    if initial_b is not None:
        start = np.asarray(initial_b, dtype=np.float64)
        if start.shape != design.n_responses.shape:
            raise ValueError("initial_b needs one value per item")
        return start.copy()
    facility = (design.n_correct + 0.5) / (design.n_responses + 1.0)
    start = -np.log(facility / (1.0 - facility)) * np.sqrt(1.0 + np.pi / 8.0)
    return np.asarray(np.clip(start, -3.0, 3.0), dtype=np.float64)


# --------------------------------------------------------------------------------------------------
# One EM step


@dataclass(frozen=True)
class _Expectation:
    """E-step output at some parameters: node posteriors and expected counts."""

    posterior: FloatArray  # persons × nodes
    log_likelihood: float
    attempts: FloatArray  # items × nodes, n_jq
    successes: FloatArray  # items × nodes, r_jq


@dataclass
class _EMMap:
    """The EM map :math:`F` on the stacked parameters ``x = (log a, b)``, counting its evaluations."""

    design: _Design
    quadrature: Quadrature
    prior: ItemPrior
    free: BoolArray
    steps: int = 0

    def split(self, params: FloatArray) -> tuple[FloatArray, FloatArray]:
        n_items = self.free.shape[0]
        return params[:n_items], params[n_items:]

    def expectation(self, params: FloatArray) -> _Expectation:
        log_a, b = self.split(params)
        a = np.exp(log_a)
        logit = a[:, None] * (self.quadrature.nodes[None, :] - b[:, None])
        log_wrong = -np.logaddexp(0.0, logit)
        log_lik = self.design.sum_over_answered(log_wrong)
        log_lik += np.outer(self.design.correct @ a, self.quadrature.nodes)
        log_lik -= np.asarray(self.design.correct @ (a * b))[:, None]
        log_lik += self.quadrature.log_weights
        peak = log_lik.max(axis=1, keepdims=True)
        posterior = np.exp(log_lik - peak)
        total = posterior.sum(axis=1, keepdims=True)
        posterior /= total
        return _Expectation(
            posterior=posterior,
            log_likelihood=float(np.sum(peak) + np.sum(np.log(total))),
            attempts=self.design.sum_over_takers(posterior),
            successes=self.design.sum_over_correct(posterior),
        )

    def clip(self, params: FloatArray) -> FloatArray:
        log_a, b = self.split(params)
        return np.concatenate([np.clip(log_a, *LOG_A_RANGE), np.clip(b, -B_RANGE, B_RANGE)])

    def log_posterior(self, params: FloatArray, expectation: _Expectation) -> float:
        return expectation.log_likelihood + self.prior.log_density(*self.split(params))

    def __call__(self, params: FloatArray) -> tuple[FloatArray, float]:
        """One EM step: the updated parameters and the log-posterior at ``params``."""
        self.steps += 1
        expectation = self.expectation(params)
        log_a, b = self.split(params)
        for _ in range(2):
            log_a, b = _scoring_step(log_a, b, expectation, self.quadrature, self.prior, self.free)
        return np.concatenate([log_a, b]), self.log_posterior(params, expectation)


def _scoring_step(
    log_a: FloatArray,
    b: FloatArray,
    expectation: _Expectation,
    quadrature: Quadrature,
    prior: ItemPrior,
    free: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """One Fisher-scoring step of every item's M-step objective (formulas in the module docstring)."""
    a = np.exp(log_a)
    logit = a[:, None] * (quadrature.nodes[None, :] - b[:, None])
    prob = logistic(logit)
    residual = expectation.successes - expectation.attempts * prob
    weight = expectation.attempts * prob * (1.0 - prob)
    grad_alpha = np.sum(residual * logit, axis=1) - (log_a - prior.log_a_mean) / prior.log_a_sd**2
    grad_b = -a * np.sum(residual, axis=1) - (b - prior.b_mean) / prior.b_sd**2
    info_alpha = np.sum(weight * logit**2, axis=1) + 1.0 / prior.log_a_sd**2
    info_b = a**2 * np.sum(weight, axis=1) + 1.0 / prior.b_sd**2
    info_cross = -a * np.sum(weight * logit, axis=1)
    determinant = info_alpha * info_b - info_cross**2
    step_alpha = (info_b * grad_alpha - info_cross * grad_b) / determinant
    step_b = (info_alpha * grad_b - info_cross * grad_alpha) / determinant
    shrink = MAX_STEP / np.maximum(MAX_STEP, np.maximum(np.abs(step_alpha), np.abs(step_b)))
    shrink = np.where(free, shrink, 0.0)
    return log_a + shrink * step_alpha, b + shrink * step_b


# --------------------------------------------------------------------------------------------------
# Iteration schemes

Progress = Callable[[int, float], None] | None


@dataclass(frozen=True)
class _Criteria:
    """When to stop: a small parameter step, optionally a small log-posterior gain, or the cap."""

    tolerance: float
    loglik_tolerance: float | None
    max_iterations: int

    def small_step(self, em: _EMMap, old: FloatArray, new: FloatArray) -> bool:
        """Whether no ``a`` and no ``b`` moved by ``tolerance`` or more between ``old`` and ``new``."""
        old_log_a, old_b = em.split(old)
        new_log_a, new_b = em.split(new)
        a_change = np.max(np.abs(np.exp(new_log_a) - np.exp(old_log_a)), initial=0.0)
        b_change = np.max(np.abs(new_b - old_b), initial=0.0)
        return bool(max(a_change, b_change) < self.tolerance)

    def small_gain(self, gain: float) -> bool:
        """Whether an EM step raising the log-posterior by ``gain`` counts as converged."""
        return self.loglik_tolerance is not None and abs(gain) < self.loglik_tolerance


def _plain_em(
    em: _EMMap, params: FloatArray, criteria: _Criteria, progress: Progress
) -> tuple[FloatArray, int, bool]:
    """Bock–Aitkin EM: repeat :math:`x \\leftarrow F(x)`."""
    previous_objective = -np.inf
    for iteration in range(1, criteria.max_iterations + 1):
        updated, objective = em(params)
        if progress is not None:
            progress(iteration, objective)
        done = criteria.small_step(em, params, updated) or criteria.small_gain(objective - previous_objective)
        params, previous_objective = updated, objective
        if done:
            return params, iteration, True
    return params, criteria.max_iterations, False


def _squarem(
    em: _EMMap, params: FloatArray, criteria: _Criteria, progress: Progress
) -> tuple[FloatArray, int, bool]:
    """SQUAREM, scheme S3: extrapolate along two EM steps, stabilise with a third, fall back if worse.

    With :math:`r = F(x) - x` and :math:`v = F(F(x)) - 2F(x) + x`, the step length
    :math:`s = \\lVert r \\rVert / \\lVert v \\rVert` (at least 1, at most ``step_cap``) gives
    :math:`x' = F(x + 2 s r + s^2 v)`. If the log-posterior at the extrapolated point is lower than at
    :math:`F(x)`, the cycle falls back to :math:`F(F(x))` and the cap shrinks; a full step raises it.
    """
    step_cap = 1.0
    for iteration in range(1, criteria.max_iterations + 1):
        first, objective = em(params)
        if progress is not None:
            progress(iteration, objective)
        if criteria.small_step(em, params, first):
            return first, iteration, True
        second, first_objective = em(first)
        if criteria.small_step(em, first, second) or criteria.small_gain(first_objective - objective):
            return second, iteration, True
        r = first - params
        v = second - 2.0 * first + params
        step = float(np.clip(np.sqrt(np.sum(r**2) / max(np.sum(v**2), 1e-300)), 1.0, step_cap))
        if step <= 1.0:
            params, step_cap = second, step_cap * 4.0
            continue
        extrapolated = em.clip(params + 2.0 * step * r + step**2 * v)
        stabilised, extrapolated_objective = em(extrapolated)
        if extrapolated_objective >= first_objective:
            params = stabilised
            step_cap = step_cap * 4.0 if step >= step_cap else step_cap
        else:
            params, step_cap = second, max(1.0, step_cap / 4.0)
    return params, criteria.max_iterations, False


# --------------------------------------------------------------------------------------------------
# Results: standard errors and item fit


def _result(
    data: ResponseData, em: _EMMap, params: FloatArray, iterations: int, converged: bool
) -> CalibrationResult:
    """A final E-step at the estimates gives the log-likelihood, standard errors and item fit."""
    expectation = em.expectation(params)
    log_a, b = em.split(params)
    log_a_se, b_se = _standard_errors(em, params, expectation)
    a = np.exp(log_a)
    return CalibrationResult(
        item_ids=data.item_ids,
        a=a,
        b=b.copy(),
        a_se=a * log_a_se,
        b_se=b_se,
        n_responses=em.design.n_responses,
        uncalibrated=~em.free,
        item_fit_rmsd=_rmsd(em, params, expectation),
        iterations=iterations,
        em_steps=em.steps,
        converged=converged,
        log_likelihood=expectation.log_likelihood,
        log_posterior=em.log_posterior(params, expectation),
    )


def _standard_errors(
    em: _EMMap, params: FloatArray, expectation: _Expectation
) -> tuple[FloatArray, FloatArray]:
    """Standard errors of (log a, b) from the cross-product information plus the prior precision.

    Fisher's identity gives each person's marginal score as the posterior mean of the complete-data
    score: for an item ``j`` the person answered,
    :math:`s_{p,\\alpha_j} = \\sum_q \\pi_{pq}(u_{pj} - P_{jq}) z_{jq}` and
    :math:`s_{p,b_j} = -a_j \\sum_q \\pi_{pq}(u_{pj} - P_{jq})`. The information is
    :math:`\\sum_p s_p s_p^\\top + \\operatorname{diag}(\\sigma_\\alpha^{-2}, \\sigma_b^{-2})`, inverted whole
    up to ``FULL_COVARIANCE_MAX_ITEMS`` items and item by item (2 × 2 blocks) beyond.
    """
    score_alpha, score_b = _observation_scores(em, params, expectation)
    n_items = em.free.shape[0]
    precision_alpha = 1.0 / em.prior.log_a_sd**2
    precision_b = 1.0 / em.prior.b_sd**2
    if n_items > FULL_COVARIANCE_MAX_ITEMS:
        item = em.design.item
        info_alpha = np.bincount(item, score_alpha**2, n_items) + precision_alpha
        info_b = np.bincount(item, score_b**2, n_items) + precision_b
        info_cross = np.bincount(item, score_alpha * score_b, n_items)
        determinant = info_alpha * info_b - info_cross**2
        return np.sqrt(info_b / determinant), np.sqrt(info_alpha / determinant)
    information = _cross_product(em.design, score_alpha, score_b)
    diagonal = np.diag_indices_from(information)
    information[diagonal] += np.repeat([precision_alpha, precision_b], n_items)
    variance = np.diag(np.linalg.inv(information))
    return np.sqrt(variance[:n_items]), np.sqrt(variance[n_items:])


def _observation_scores(
    em: _EMMap, params: FloatArray, expectation: _Expectation
) -> tuple[FloatArray, FloatArray]:
    """Each response's contribution to its person's marginal score for (log a, b) of its item."""
    log_a, b = em.split(params)
    a = np.exp(log_a)
    logit = a[:, None] * (em.quadrature.nodes[None, :] - b[:, None])
    prob = logistic(logit)
    design, posterior = em.design, expectation.posterior
    person, item, score = design.person, design.item, design.score
    if design.dense:
        mean_prob = (posterior @ prob.T)[person, item]
        mean_prob_logit = (posterior @ (prob * logit).T)[person, item]
    else:
        mean_prob = _posterior_means(posterior, prob, person, item)
        mean_prob_logit = _posterior_means(posterior, prob * logit, person, item)
    eap = posterior @ em.quadrature.nodes
    mean_logit = a[item] * (eap[person] - b[item])
    return score * mean_logit - mean_prob_logit, -a[item] * (score - mean_prob)


def _posterior_means(
    posterior: FloatArray, table: FloatArray, person: IntArray, item: IntArray
) -> FloatArray:
    """:math:`\\sum_q \\pi_{pq} t_{jq}` for every observed (p, j), computed in blocks of observations."""
    means = np.empty(person.shape[0])
    for start in range(0, person.shape[0], _CHUNK):
        block = slice(start, start + _CHUNK)
        means[block] = np.einsum("oq,oq->o", posterior[person[block]], table[item[block]])
    return means


def _cross_product(design: _Design, score_alpha: FloatArray, score_b: FloatArray) -> FloatArray:
    """:math:`S^\\top S` for the persons × (2 · items) score matrix, dense or sparse like the data."""
    n_persons = design.correct.shape[0]
    n_items = design.n_responses.shape[0]
    columns = np.concatenate([design.item, design.item + n_items])
    values = np.concatenate([score_alpha, score_b])
    rows = np.concatenate([design.person, design.person])
    if design.dense:
        scores = np.zeros((n_persons, 2 * n_items))
        scores[rows, columns] = values
        return np.asarray(scores.T @ scores)
    matrix = sparse.csr_array((values, (rows, columns)), shape=(n_persons, 2 * n_items))
    return np.asarray((matrix.T @ matrix).toarray())


def _rmsd(em: _EMMap, params: FloatArray, expectation: _Expectation) -> FloatArray:
    """Item fit :math:`\\sqrt{\\sum_q f_{jq} (r_{jq}/n_{jq} - P_{jq})^2}`.

    The node weights :math:`f_{jq} = n_{jq} / \\sum_r n_{jr}` are the takers' posterior mass at each
    node. NaN for items without responses.
    """
    log_a, b = em.split(params)
    prob = logistic(np.exp(log_a)[:, None] * (em.quadrature.nodes[None, :] - b[:, None]))
    attempts = expectation.attempts
    observed = np.divide(expectation.successes, attempts, out=np.zeros_like(attempts), where=attempts > 1e-12)
    total = attempts.sum(axis=1)
    squared = np.sum(attempts * (observed - prob) ** 2, axis=1)
    rmsd = np.sqrt(np.divide(squared, total, out=np.zeros_like(total), where=total > 0))
    return np.where(em.free, rmsd, np.nan)


def ability_eap(data: ResponseData, a: ArrayLike, b: ArrayLike, *, quadrature_points: int = 61) -> FloatArray:
    """Every person's posterior mean ability under N(0, 1), given calibrated 2PL item parameters.

    This is the calibration's E-step run once at fixed parameters:
    :math:`\\hat\\theta_p = \\sum_q \\theta_q \\pi_{pq}` with
    :math:`\\pi_{pq} \\propto w_q \\prod_{j \\in J_p} P_j(\\theta_q)^{u_{pj}}
    (1 - P_j(\\theta_q))^{1 - u_{pj}}`.
    """
    quadrature = Quadrature.standard_normal(quadrature_points)
    a_, b_ = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    em = _EMMap(_Design.from_data(data), quadrature, ItemPrior(), np.ones(a_.shape[0], dtype=np.bool_))
    posterior = em.expectation(np.concatenate([np.log(a_), b_])).posterior
    return np.asarray(posterior @ quadrature.nodes, dtype=np.float64)


__all__ = ["CalibrationResult", "ItemPrior", "Quadrature", "ability_eap", "calibrate_2pl"]

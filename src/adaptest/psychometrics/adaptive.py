"""The adaptive loop as small, interchangeable parts over an explicit, immutable session state.

``start`` → (``select_next`` → give the item → ``record``)* until ``select_next`` returns None.
One ability dimension uses an exact grid posterior updated in O(grid) per response; several
correlated domains use the expectation-propagation posterior of :mod:`.multidim`. Unscored pretest
items are recorded but never enter the estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from adaptest.psychometrics.estimation import (
    GRID,
    add_response,
    cut_position,
    eap_from_weights,
    grid_weights,
    midpoint_cdf,
)
from adaptest.psychometrics.irt import FloatArray, information, probability
from adaptest.psychometrics.multidim import DomainPosterior, DomainPrior, domain_posterior
from adaptest.psychometrics.reporting import LevelCuts, level_probabilities
from adaptest.psychometrics.selection import (
    Blueprint,
    BoolArray,
    Exposure,
    ExposureControl,
    ItemPool,
    choose,
    restrict,
)
from adaptest.psychometrics.stopping import MaxItems, Progress, StopRule


@dataclass(frozen=True)
class TestDesign:
    """Everything fixed about an adaptive test: bank, prior, blueprint, stopping and exposure rules."""

    pool: ItemPool
    prior: DomainPrior
    stop: StopRule
    length: int
    blueprint: Blueprint | None = None
    exposure_control: ExposureControl | None = None
    pretest_positions: tuple[int, ...] = ()
    cuts: LevelCuts = LevelCuts()

    __test__ = False  # not a pytest test class, despite the name

    @property
    def multidimensional(self) -> bool:
        return self.prior.domains > 1

    @cached_property
    def dimension(self) -> NDArray[np.int64]:
        """The ability each item measures: its domain when domains are scored, else the one θ.

        Domains always drive content balancing; they are separate abilities only when the prior has
        one dimension per domain.
        """
        if self.multidimensional:
            return self.pool.domain
        return np.zeros(self.pool.size, dtype=np.int64)

    @cached_property
    def cut_positions(self) -> tuple[tuple[int, float], ...]:
        """Where each level cut falls on the EAP grid (computed once per design)."""
        return tuple(cut_position(GRID, cut) for cut in self.cuts.cuts)

    @cached_property
    def ends(self) -> StopRule:
        """The design's stopping rule, capped at its length."""
        return self.stop | MaxItems(self.length)


@dataclass(frozen=True)
class SessionState:
    """Responses so far and the current posterior; every update returns a new state."""

    items: tuple[int, ...]
    responses: tuple[float, ...]
    scored: tuple[bool, ...]
    available: BoolArray
    theta: FloatArray
    se: FloatArray
    level_confidence: FloatArray
    log_posterior: FloatArray | None = None
    posterior: DomainPosterior | None = field(default=None, repr=False)
    elapsed_seconds: float = 0.0
    scored_by_domain: tuple[int, ...] = ()

    @property
    def scored_items(self) -> int:
        return sum(self.scored)

    def progress(self) -> Progress:
        return Progress(self.scored_items, self.se, self.level_confidence, self.elapsed_seconds)


def start(design: TestDesign) -> SessionState:
    """The state before any response: the prior."""
    available = np.ones(design.pool.size, dtype=np.bool_)
    if design.multidimensional:
        empty = np.zeros(0, np.int64)
        summary = _domain_summary(design, domain_posterior(empty, empty, empty, empty, design.prior))
    else:
        prior = design.prior
        summary = _grid_summary(design, -0.5 * ((GRID - prior.mean[0]) ** 2) / prior.cov[0, 0])
    return SessionState((), (), (), available, *summary)


@dataclass(frozen=True)
class Given:
    """One item given in a session, with what was fixed when it was given.

    A server freezes an item's parameters and its scored/pretest status on the attempt when it gives
    the item, so a calibration during the attempt changes neither its estimate nor which answers count.
    ``item`` is the item's row in the current pool (it and its family are never given again), or None
    when the item has since left the pool.
    """

    item: int | None
    domain: int
    a: float
    b: float
    scored: bool
    response: float
    c: float = 0.0


def resume(design: TestDesign, items: Sequence[int], responses: Sequence[float]) -> SessionState:
    """The state after the pool's ``items`` were answered with ``responses``, with the pool's parameters.

    Equal to calling :func:`record` for each response in turn, in one estimate.
    """
    if len(items) != len(responses):
        raise ValueError("one response is needed for every item")
    pool = design.pool
    return resume_given(
        design,
        [
            Given(
                int(j),
                int(pool.domain[j]),
                float(pool.a[j]),
                float(pool.b[j]),
                not bool(pool.pretest[j]),
                float(u),
                float(pool.c[j]),
            )
            for j, u in zip(items, responses, strict=True)
        ],
    )


def resume_given(design: TestDesign, given: Sequence[Given]) -> SessionState:
    """The state after the ``given`` items, rebuilt in one estimate from their frozen parameters.

    Costs one posterior computation, not one per item. Unscored (pretest) items are remembered but do
    not enter the estimate; an item no longer in the pool still counts with its frozen parameters.
    """
    if not given:
        return start(design)
    pool = design.pool
    u = np.array([g.response for g in given], dtype=np.float64)
    scored = np.array([g.scored for g in given], dtype=np.bool_)
    domain = np.array([g.domain for g in given], dtype=np.int64)
    a, b, c = (np.array([getattr(g, name) for g in given], dtype=np.float64) for name in "abc")
    by_domain = np.bincount(domain[scored], minlength=max(pool.domains, 1))
    if design.multidimensional:
        post = domain_posterior(domain[scored], u[scored], a[scored], b[scored], design.prior, c[scored])
        summary = _domain_summary(design, post)
    else:
        prior = design.prior
        log_posterior = -0.5 * ((GRID - prior.mean[0]) ** 2) / prior.cov[0, 0]
        for j in np.flatnonzero(scored):
            log_posterior = add_response(log_posterior, u[j], a[j], b[j], c[j])
        summary = _grid_summary(design, log_posterior)
    in_pool = np.array([g.item for g in given if g.item is not None], dtype=np.int64)
    available = ~np.isin(pool.family_key, pool.family_key[in_pool])
    return SessionState(
        tuple(-1 if g.item is None else g.item for g in given),
        tuple(float(x) for x in u),
        tuple(bool(x) for x in scored),
        available,
        *summary,
        scored_by_domain=tuple(int(n) for n in by_domain),
    )


def record(
    design: TestDesign, state: SessionState, item: int, correct: float, elapsed_seconds: float | None = None
) -> SessionState:
    """Add one response; pretest items are remembered but do not change the estimate."""
    pool = design.pool
    keys = pool.family_key
    scored = not bool(pool.pretest[item])
    by_domain = list(state.scored_by_domain or (0,) * max(pool.domains, 1))
    items, responses = (*state.items, item), (*state.responses, float(correct))
    flags = (*state.scored, scored)
    if not scored:
        summary: _Summary = (
            state.theta,
            state.se,
            state.level_confidence,
            state.log_posterior,
            state.posterior,
        )
    elif design.multidimensional:
        by_domain[int(pool.domain[item])] += 1
        mask = np.array(flags)
        idx = np.array(items)[mask]
        post = domain_posterior(
            pool.domain[idx], np.array(responses)[mask], pool.a[idx], pool.b[idx], design.prior, pool.c[idx]
        )
        summary = _domain_summary(design, post)
    else:
        by_domain[int(pool.domain[item])] += 1
        assert state.log_posterior is not None
        log_posterior = add_response(state.log_posterior, correct, pool.a[item], pool.b[item], pool.c[item])
        summary = _grid_summary(design, log_posterior)
    return SessionState(
        items,
        responses,
        flags,
        state.available & (keys != keys[item]),
        *summary,
        elapsed_seconds=state.elapsed_seconds if elapsed_seconds is None else elapsed_seconds,
        scored_by_domain=tuple(by_domain),
    )


_Summary = tuple[FloatArray, FloatArray, FloatArray, FloatArray | None, DomainPosterior | None]
"""theta, se, level confidence, grid log posterior, domain posterior: what a response changes."""


def _grid_summary(design: TestDesign, log_posterior: FloatArray) -> _Summary:
    """EAP, posterior SD and level confidence from the grid posterior, sharing one exponentiation."""
    weights = grid_weights(log_posterior)
    estimate = eap_from_weights(weights)
    low, high = (midpoint_cdf(weights, position) for position in design.cut_positions)
    confidence = max(low, high - low, 1.0 - high)
    return np.array([estimate.theta]), np.array([estimate.se]), np.array([confidence]), log_posterior, None


def _domain_summary(design: TestDesign, post: DomainPosterior) -> _Summary:
    low, high = post.cdf(design.cuts.cuts[0]), post.cdf(design.cuts.cuts[1])
    confidence = np.array([level_probabilities(lo, hi).max() for lo, hi in zip(low, high, strict=True)])
    return post.mean, post.se, confidence, None, post


def select_next(
    design: TestDesign,
    state: SessionState,
    *,
    rng: np.random.Generator,
    exposure: Exposure | None = None,
) -> int | None:
    """The next item to give, or None when the stopping rule says the test is over."""
    position = len(state.items) + 1
    pretest_slot = position in design.pretest_positions
    if not pretest_slot and design.ends(state.progress()):
        return None
    mask = _eligible(design, state, pretest_slot)
    if not mask.any():
        return None
    if pretest_slot:
        return int(rng.choice(np.flatnonzero(mask)))
    candidates = np.flatnonzero(restrict(mask, exposure, design.exposure_control))
    progress = state.scored_items / max(design.length, 1)
    best = choose(
        _criterion(design, state, candidates), progress=progress, control=design.exposure_control, rng=rng
    )
    return int(candidates[best])


def _eligible(design: TestDesign, state: SessionState, pretest_slot: bool) -> BoolArray:
    pool = design.pool
    mask = state.available & (pool.pretest if pretest_slot else ~pool.pretest)
    if design.blueprint is not None and not pretest_slot:
        given = np.zeros(len(design.blueprint.minimum), dtype=np.int64)
        given[: len(state.scored_by_domain)] = state.scored_by_domain
        open_domains = design.blueprint.open_domains(given, design.length - state.scored_items)
        mask &= open_domains[pool.domain]
    return mask


def _criterion(design: TestDesign, state: SessionState, candidates: NDArray[np.int64]) -> FloatArray:
    """How much giving each candidate item is worth now.

    One dimension: Fisher information at the EAP estimate (maximum information). Several domains:
    the expected gain in the quadratic score of the item's domain's level distribution,

    .. math:: G_j = \\mathbb{E}_{u_j}\\Big[\\sum_l p_l(u_j)^2\\Big] - \\sum_l p_l^2
              = \\sum_l \\frac{(A_l P_j)^2}{\\bar P_j}
                + \\frac{(A_l (1 - P_j))^2}{1 - \\bar P_j} - \\sum_l p_l^2,

    where :math:`A_l P_j = \\int_{\\text{level } l} P_j(\\theta) q_d(\\theta)\\,d\\theta` over the domain's
    posterior marginal :math:`q_d` and :math:`\\bar P_j = \\sum_l A_l P_j`. It rewards items that are
    expected to settle the level, not just to shrink the SE. A small D-optimal term
    (:math:`I_j(\\hat\\theta_d)\\Sigma_{dd}`) breaks ties when no single response could move the level.
    """
    pool = design.pool
    if not design.multidimensional or state.posterior is None:
        return information(state.theta[0], pool.a, pool.b, pool.c)[candidates]
    a, b, c = pool.a[candidates], pool.b[candidates], pool.c[candidates]
    dimension = design.dimension[candidates]
    info = information(state.theta[dimension], a, b, c)
    gain = np.zeros(candidates.size)
    cuts = np.asarray(design.cuts.cuts)
    for d in np.unique(dimension):
        here = dimension == d
        grid, weights = state.posterior.grids[d], state.posterior.weights[d]
        level = np.searchsorted(cuts, grid, side="right")
        in_level = np.stack([np.where(level == k, weights, 0.0) for k in range(len(cuts) + 1)])
        p = probability(grid[:, None], a[here], b[here], c[here])
        right, wrong = in_level @ p, in_level @ (1.0 - p)
        now = in_level.sum(axis=1)
        gain[here] = (right**2).sum(0) / right.sum(0) + (wrong**2).sum(0) / wrong.sum(0) - (now**2).sum()
    return gain + _TIE_BREAK * info * (state.se**2)[dimension]


_TIE_BREAK = 1e-3


__all__ = ["Given", "SessionState", "TestDesign", "record", "resume", "resume_given", "select_next", "start"]

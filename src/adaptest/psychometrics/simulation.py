"""Seeded simulations of adaptive tests, with the metrics the product's claims rest on.

Built-in designs (``DESIGNS``):

- ``uni-500-se``: 500-item 2PL bank (a ~ lognormal(0, 0.25), b ~ N(0, 1)), 1000 takers θ ~ N(0, 1),
  stop when the posterior SD ≤ 0.30, at most 40 items, no exposure control.
- ``uni-500-fixed20``: the same bank, 20 items, progressive-restricted exposure control (r_max 0.25).
- ``domains-4x60``: 4 domains × 60 items, domain correlation 0.7, 2000 takers, 20 items content-balanced
  (4 to 6 per domain), level cuts at θ = ±0.43, EP posterior with the correlated prior.
- ``uni-5000-step``: a 5000-item bank in 4 content areas, 200 takers × 20 items with exposure control and
  content balancing (5 per area), to time the select+update step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from adaptest.psychometrics.adaptive import SessionState, TestDesign, record, select_next, start
from adaptest.psychometrics.irt import FloatArray, probability
from adaptest.psychometrics.multidim import DomainPrior
from adaptest.psychometrics.reporting import level_probabilities, true_level
from adaptest.psychometrics.selection import Blueprint, Exposure, ExposureControl, ItemPool
from adaptest.psychometrics.stopping import MaxItems, SETarget


@dataclass(frozen=True)
class Scenario:
    """A design plus the takers it is run on."""

    name: str
    design: TestDesign
    takers: int
    correlation: float = 0.0
    target_se: float | None = None


def random_pool(rng: np.random.Generator, items: int, domains: int = 1) -> ItemPool:
    """a ~ lognormal(0, 0.25), b ~ N(0, 1); items spread evenly over domains."""
    return ItemPool(
        a=rng.lognormal(0.0, 0.25, items),
        b=rng.normal(0.0, 1.0, items),
        domain=np.arange(items, dtype=np.int64) % domains,
    )


def _uni_500_se(rng: np.random.Generator) -> Scenario:
    design = TestDesign(
        random_pool(rng, 500), DomainPrior.exchangeable(1, 0.0), SETarget(0.30) | MaxItems(40), 40
    )
    return Scenario("uni-500-se", design, 1000, target_se=0.30)


def _uni_500_fixed20(rng: np.random.Generator) -> Scenario:
    design = TestDesign(
        random_pool(rng, 500),
        DomainPrior.exchangeable(1, 0.0),
        MaxItems(20),
        20,
        exposure_control=ExposureControl(r_max=0.25),
    )
    return Scenario("uni-500-fixed20", design, 1000)


def _domains_4x60(rng: np.random.Generator) -> Scenario:
    blueprint = Blueprint.around((5, 5, 5, 5), slack=1)  # 4 to 6 items per domain, 20 in all
    design = TestDesign(
        random_pool(rng, 240, 4), DomainPrior.exchangeable(4, 0.7), MaxItems(20), 20, blueprint=blueprint
    )
    return Scenario("domains-4x60", design, 2000, correlation=0.7)


def _uni_5000_step(rng: np.random.Generator) -> Scenario:
    design = TestDesign(
        random_pool(rng, 5000, 4),
        DomainPrior.exchangeable(1, 0.0),
        MaxItems(20),
        20,
        blueprint=Blueprint.exact((5, 5, 5, 5)),
        exposure_control=ExposureControl(r_max=0.25),
    )
    return Scenario("uni-5000-step", design, 200)


DESIGNS: dict[str, Callable[[np.random.Generator], Scenario]] = {
    "uni-500-se": _uni_500_se,
    "uni-500-fixed20": _uni_500_fixed20,
    "domains-4x60": _domains_4x60,
    "uni-5000-step": _uni_5000_step,
}


def with_pool(scenario: Scenario, pool: ItemPool) -> Scenario:
    """The same design on another bank (e.g. a real bank's items); blueprint scaled to its domains."""
    design = scenario.design
    if design.multidimensional and pool.domains != design.prior.domains:
        prior = DomainPrior.exchangeable(pool.domains, scenario.correlation or 0.7)
        length = max(1, design.length // pool.domains) * pool.domains
        blueprint = _even_blueprint(pool.domains, length, slack=1)
        design = replace(design, prior=prior, blueprint=blueprint, length=length)
    return replace(scenario, design=replace(design, pool=pool))


def with_length(scenario: Scenario, length: int) -> Scenario:
    """The same design with another test length (the cap, for designs that stop on precision).

    A fixed-length design gets the new length as its stopping rule; a blueprint is rescaled so that
    each domain keeps an even share, with the same slack as before.
    """
    if length < 1:
        raise ValueError("a test needs at least one item")
    design = scenario.design
    stop = MaxItems(length) if isinstance(design.stop, MaxItems) else design.stop
    blueprint = design.blueprint
    if blueprint is not None:
        slack = (max(blueprint.maximum) - min(blueprint.minimum)) // 2
        blueprint = _even_blueprint(len(blueprint.minimum), length, slack)
    return replace(scenario, design=replace(design, length=length, stop=stop, blueprint=blueprint))


def _even_blueprint(domains: int, length: int, slack: int) -> Blueprint:
    """``length`` items shared as evenly as possible over ``domains``, each share ± ``slack``."""
    share, extra = divmod(length, domains)
    counts = tuple(share + (d < extra) for d in range(domains))
    return Blueprint.around(counts, slack) if slack else Blueprint.exact(counts)


@dataclass
class _Run:
    theta: FloatArray
    states: list[SessionState]
    exposure: Exposure
    step_seconds: list[float]


def _draw_abilities(scenario: Scenario, rng: np.random.Generator) -> FloatArray:
    prior = scenario.design.prior
    return rng.multivariate_normal(prior.mean, prior.cov, size=scenario.takers)


def _administer(scenario: Scenario, rng: np.random.Generator, abilities: FloatArray | None = None) -> _Run:
    design = scenario.design
    pool = design.pool
    theta = _draw_abilities(scenario, rng) if abilities is None else abilities
    counts = np.zeros(pool.size, dtype=np.int64)
    states, steps = [], []
    for taker, true_theta in enumerate(theta):
        exposure = Exposure(counts, taker + 1)
        state = start(design)
        while True:
            began = time.perf_counter()
            item = select_next(design, state, rng=rng, exposure=exposure)
            selected = time.perf_counter()
            if item is None:
                break
            p = probability(true_theta[design.dimension[item]], pool.a[item], pool.b[item], pool.c[item])
            correct = float(rng.random() < p)
            updating = time.perf_counter()
            state = record(design, state, item, correct)
            steps.append((selected - began) + (time.perf_counter() - updating))
            counts[item] += 1
        states.append(state)
    return _Run(theta, states, Exposure(counts, scenario.takers), steps)


def scenario_for(name: str, rng: np.random.Generator) -> Scenario:
    """The named design, with its bank drawn from ``rng`` (so a seed fixes the bank)."""
    return DESIGNS[name](rng)


def draw_abilities(scenario: Scenario, rng: np.random.Generator) -> FloatArray:
    """True abilities for the scenario's takers, from the design's prior (rows: takers)."""
    return _draw_abilities(scenario, rng)


def simulate(
    name: str,
    *,
    seed: int = 0,
    pool: ItemPool | None = None,
    takers: int | None = None,
    abilities: FloatArray | None = None,
    length: int | None = None,
) -> dict[str, Any]:
    """Run a named design with a seed and return its metrics as one flat dictionary.

    ``pool`` replaces the design's random bank and ``abilities`` (rows: takers, columns: domains) its
    random takers, so that another engine can be measured on exactly the same bank and takers.
    ``length`` changes the test length (see :func:`with_length`).
    """
    rng = np.random.default_rng(seed)
    scenario = scenario_for(name, rng)
    if pool is not None:
        scenario = with_pool(scenario, pool)
    if length is not None:
        scenario = with_length(scenario, length)
    if abilities is not None:
        takers = len(abilities)
    if takers is not None:
        scenario = replace(scenario, takers=takers)
    run = _administer(scenario, rng, abilities)
    metrics = {
        "design": scenario.name,
        "seed": seed,
        "takers": scenario.takers,
        "items_in_bank": scenario.design.pool.size,
    }
    metrics |= precision_metrics(run, scenario)
    metrics |= exposure_metrics(run, scenario)
    if scenario.design.multidimensional:
        metrics |= level_metrics(run, scenario)
    metrics["step_seconds_mean"] = float(np.mean(run.step_seconds))
    metrics["step_seconds_p50"] = float(np.median(run.step_seconds))
    metrics["step_seconds_p95"] = float(np.percentile(run.step_seconds, 95))
    return metrics


def precision_metrics(run: _Run, scenario: Scenario) -> dict[str, float | None]:
    estimates = np.array([s.theta for s in run.states])
    errors = estimates - run.theta
    se = np.array([s.se for s in run.states])
    lengths = np.array([len(s.items) for s in run.states])
    target = scenario.target_se
    return {
        "rmse": float(np.sqrt(np.mean(errors**2))),
        "bias": float(np.mean(errors)),
        "mean_se": float(np.mean(se)),
        "mean_length": float(np.mean(lengths)),
        "reach_se_rate": float(np.mean(np.all(se <= target, axis=1))) if target else None,
    }


def exposure_metrics(run: _Run, scenario: Scenario) -> dict[str, float]:
    """Maximum exposure rate, share of the bank ever used, and the mean pairwise test overlap.

    Overlap uses the identity :math:`T = \\frac{N \\sum_j r_j^2}{(N-1)\\,\\bar L} - \\frac{1}{N-1}` with
    exposure rates :math:`r_j` over :math:`N` takers and mean length :math:`\\bar L`.
    """
    rates = run.exposure.counts / scenario.takers
    n = scenario.takers
    mean_length = float(np.mean([len(s.items) for s in run.states]))
    overlap = (n * np.sum(rates**2)) / ((n - 1) * mean_length) - 1.0 / (n - 1)
    return {
        "max_exposure": float(rates.max()),
        "bank_used": float(np.mean(rates > 0)),
        "overlap_rate": float(overlap),
    }


def level_metrics(run: _Run, scenario: Scenario) -> dict[str, float | None]:
    """How well the reported domain levels match the true ones, and how honest their confidence is."""
    cuts = scenario.design.cuts
    truth = true_level(run.theta, cuts)
    probs = np.array(
        [
            [
                level_probabilities(lo, hi)
                for lo, hi in zip(s.posterior.cdf(cuts.cuts[0]), s.posterior.cdf(cuts.cuts[1]), strict=True)
            ]
            for s in run.states
            if s.posterior is not None
        ]
    )
    reported = probs.argmax(axis=2)
    confidence = probs.max(axis=2)
    right = reported == truth
    borderline = confidence < cuts.confident
    return {
        "domain_level_accuracy": float(right.mean()),
        "all_domains_right": float(right.all(axis=1).mean()),
        "gross_error_rate": float((np.abs(reported - truth) == 2).mean()),
        "borderline_rate": float(borderline.mean()),
        "non_borderline_accuracy": float(right[~borderline].mean()) if (~borderline).any() else None,
        "level_confidence_ece": expected_calibration_error(confidence.ravel(), right.ravel()),
    }


def expected_calibration_error(
    confidence: FloatArray, correct: np.ndarray[Any, Any], bins: int = 10
) -> float:
    """Expected calibration error over equal-width confidence bins.

    .. math:: \\mathrm{ECE} = \\sum_b \\frac{n_b}{N} \\left|\\mathrm{acc}_b - \\mathrm{conf}_b\\right|
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            total += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(total)


__all__ = [
    "DESIGNS",
    "Scenario",
    "draw_abilities",
    "expected_calibration_error",
    "random_pool",
    "scenario_for",
    "simulate",
    "with_length",
    "with_pool",
]

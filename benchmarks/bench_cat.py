"""Our adaptive engine against catsim 0.21 on the same banks and the same takers, in one run.

Run: ``.venv/bin/python -m benchmarks.bench_cat`` (after ``make bench`` installed catsim). Writes
benchmarks/results/cat.json. The step time is the mean wall time of one select + update.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from catsim.estimation import NumericalSearchEstimator
from catsim.initialization import FixedPointInitializer
from catsim.selection import MaxInfoSelector
from catsim.simulation import Simulator
from catsim.stopping import MinErrorStopper, TestLengthStopper

from adaptest.psychometrics.reporting import true_level
from adaptest.psychometrics.selection import ItemPool
from adaptest.psychometrics.simulation import draw_abilities, scenario_for, simulate

RESULTS = Path(__file__).resolve().parent / "results" / "cat.json"
SEED = 0


def _catsim_bank(pool: ItemPool) -> np.ndarray:  # type: ignore[type-arg]
    return np.column_stack([pool.a, pool.b, pool.c, np.ones(pool.size)])


def _run_catsim(pool: ItemPool, theta: np.ndarray, stopper: Any, r_max: float = 1.0) -> dict[str, Any]:  # type: ignore[type-arg]
    sim = Simulator(
        _catsim_bank(pool),
        theta,
        FixedPointInitializer(0.0),
        MaxInfoSelector(r_max),
        NumericalSearchEstimator(),
        stopper,
        seed=SEED,
    )
    sim.simulate(verbose=False)
    estimates = np.array(sim.latest_estimations)
    lengths = np.array([len(items) for items in sim.administered_items])
    counts = np.bincount(
        np.concatenate([np.asarray(i, dtype=int) for i in sim.administered_items]), minlength=pool.size
    )
    rates = counts / len(theta)
    return {
        "rmse": float(np.sqrt(np.mean((estimates - theta) ** 2))),
        "mean_length": float(lengths.mean()),
        "max_exposure": float(rates.max()),
        "bank_used": float(np.mean(rates > 0)),
        "step_seconds_mean": sim.duration / lengths.sum(),
        "estimates": estimates,
        "administered": sim.administered_items,
    }


def _se_reach(pool: ItemPool, theta: np.ndarray, administered: list[list[int]], target: float) -> float:  # type: ignore[type-arg]
    """catsim's own SE (test information at its final estimate) against the target."""
    from adaptest.psychometrics.irt import information

    reached = 0
    for items, est in zip(administered, theta, strict=True):
        idx = np.asarray(items, dtype=int)
        reached += 1.0 / np.sqrt(information(est, pool.a[idx], pool.b[idx]).sum()) <= target
    return reached / len(administered)


def _ours_on_shared_takers(name: str) -> tuple[ItemPool, np.ndarray, dict[str, Any]]:  # type: ignore[type-arg]
    """The design's bank and takers from the seed, and our metrics on them, for catsim to reuse."""
    rng = np.random.default_rng(SEED)
    scenario = scenario_for(name, rng)
    theta = draw_abilities(scenario, rng)
    pool = scenario.design.pool
    return pool, theta, simulate(name, seed=SEED, pool=pool, abilities=theta)


def uni_500_se() -> dict[str, Any]:
    pool, theta, ours = _ours_on_shared_takers("uni-500-se")
    theirs = _run_catsim(pool, theta[:, 0], MinErrorStopper(0.30, max_items=40))
    reach = _se_reach(pool, theirs["estimates"], theirs["administered"], 0.30)
    return {
        "adaptest": _pick(ours, "mean_length", "reach_se_rate", "rmse"),
        "catsim": {"mean_length": theirs["mean_length"], "reach_se_rate": reach, "rmse": theirs["rmse"]},
    }


def uni_500_fixed20() -> dict[str, Any]:
    pool, theta, ours = _ours_on_shared_takers("uni-500-fixed20")
    free = _run_catsim(pool, theta[:, 0], TestLengthStopper(max_items=20))
    capped = _run_catsim(pool, theta[:, 0], TestLengthStopper(max_items=20), r_max=0.2)
    keys = ("rmse", "max_exposure", "bank_used", "step_seconds_mean")
    return {
        "adaptest": _pick(ours, *keys),
        "catsim": {k: free[k] for k in keys},
        "catsim_r_max_0.2": {k: capped[k] for k in keys},
        "step_speedup": free["step_seconds_mean"] / ours["step_seconds_mean"],
    }


def domains_4x60() -> dict[str, Any]:
    """Ours (EP over correlated domains) against catsim run per domain with MLE, 5 items each."""
    pool, theta, ours = _ours_on_shared_takers("domains-4x60")
    right = np.zeros_like(theta, dtype=bool)
    for d in range(4):
        idx = np.flatnonzero(pool.domain == d)
        sub = ItemPool(pool.a[idx], pool.b[idx])
        result = _run_catsim(sub, theta[:, d], TestLengthStopper(max_items=5))
        right[:, d] = true_level(result["estimates"]) == true_level(theta[:, d])
    keys = (
        "domain_level_accuracy",
        "all_domains_right",
        "gross_error_rate",
        "level_confidence_ece",
        "non_borderline_accuracy",
        "borderline_rate",
    )
    return {
        "adaptest": _pick(ours, *keys),
        "catsim_per_domain_mle": {
            "domain_level_accuracy": float(right.mean()),
            "all_domains_right": float(right.all(axis=1).mean()),
        },
    }


def step_5000() -> dict[str, Any]:
    ours = simulate("uni-5000-step", seed=SEED)
    return {
        "adaptest": _pick(ours, "step_seconds_p50", "step_seconds_p95", "step_seconds_mean", "max_exposure")
    }


def _pick(metrics: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: metrics[k] for k in keys}


def main() -> dict[str, Any]:
    began = time.perf_counter()
    results = {
        "uni-500-se": uni_500_se(),
        "uni-500-fixed20": uni_500_fixed20(),
        "domains-4x60": domains_4x60(),
        "uni-5000-step": step_5000(),
    }
    results["seconds"] = time.perf_counter() - began
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()

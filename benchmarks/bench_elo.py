"""Practice Elo against an offline 2PL calibration: prequential log loss on interleaved practice data.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_elo

Learners answer items from a 2PL bank (a ~ lognormal(0, 0.25), b ~ N(0, 1), theta ~ N(0, 1)); each
learner answers a random set of distinct items and all responses arrive in one random global order.

* **Elo** predicts every response *before* updating on it (prequential log loss), with the module's
  defaults: learned item discriminations and information-weighted counts in K. **Plain Elo**
  (``EloModel.plain``: a = 1, count-based K) and the other variants in ``VARIANTS`` are measured too.
* **Offline 2PL** calibrates the bank on all responses with ``calibrate_2pl``, scores each learner
  by EAP (``ability_eap``, the calibration's E-step at the fitted parameters), and is scored on the
  same responses it was fitted to: a deliberately strong, in-sample reference.

The run has four parts: the main comparison (2000 learners, 400-item bank, every learner answers every
item, seed 0), the same comparison with fewer or more responses per learner, the main design replicated
on other seeds (2-6, never used for tuning) to show the seed-to-seed spread, and tuning the constants on
separate data (seed 1). Results go to benchmarks/results/elo.json.
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from adaptest.psychometrics.calibration import ability_eap, calibrate_2pl
from adaptest.psychometrics.elo import (
    DEFAULT_ALPHA,
    DEFAULT_ALPHA_A,
    DEFAULT_BETA,
    DEFAULT_BETA_A,
    EloModel,
)
from adaptest.psychometrics.irt import probability
from adaptest.psychometrics.responses import ResponseData

SEED = 0
TUNING_SEED = 1
RESULTS = Path(__file__).parent / "results" / "elo.json"
COMMAND = ".venv/bin/python -m benchmarks.bench_elo"
TARGET_GAP = 0.010
ALPHAS = (0.5, 0.75, 1.0, 1.25, 1.5)
BETAS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
ALPHAS_A = (0.02, 0.05, 0.1)
BETAS_A = (0.0, 0.002, 0.005, 0.01, 0.02)
REPLICATION_SEEDS = (2, 3, 4, 5, 6)
#: EloModel switches of each measured variant; "elo" is the module's default model.
VARIANTS: dict[str, dict[str, bool]] = {
    "plain": {"discrimination": False, "information_weighted": False},
    "plain+uncertainty": {"discrimination": False, "information_weighted": False, "uncertainty": True},
    "information_weighted": {"discrimination": False},
    "discrimination": {"information_weighted": False},
    "elo": {},
    "elo+uncertainty": {"uncertainty": True},
}
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Design:
    learners: int
    bank: int
    per_learner: int


MAIN = Design(2000, 400, 400)
TUNING = (Design(2000, 100, 100), Design(2000, 400, 400))
SWEEP = (Design(2000, 400, 50), Design(2000, 400, 100), Design(2000, 400, 200), Design(2000, 800, 800))


@dataclass(frozen=True)
class Stream:
    """Responses in arrival order, with the generating parameters."""

    learner: Ints
    item: Ints
    correct: Floats
    theta: Floats
    a: Floats
    b: Floats


def simulate(design: Design, rng: np.random.Generator) -> Stream:
    a = rng.lognormal(0.0, 0.25, design.bank)
    b = rng.normal(0.0, 1.0, design.bank)
    theta = rng.normal(0.0, 1.0, design.learners)
    keys = rng.random((design.learners, design.bank))
    item = np.argsort(keys, axis=1)[:, : design.per_learner].ravel()
    learner = np.repeat(np.arange(design.learners), design.per_learner)
    order = rng.permutation(item.size)
    learner, item = learner[order], item[order]
    correct = (rng.random(item.size) < probability(theta[learner], a[item], b[item])).astype(np.float64)
    return Stream(learner.astype(np.int64), item.astype(np.int64), correct, theta, a, b)


def log_loss(prediction: Floats, correct: Floats) -> float:
    p = np.clip(prediction, 1e-12, 1.0 - 1e-12)
    return float(-np.mean(correct * np.log(p) + (1.0 - correct) * np.log1p(-p)))


def elo_predictions(stream: Stream, design: Design, variant: str = "elo", **schedule: float) -> Floats:
    """Prequential predictions of an ``EloModel`` variant (``VARIANTS``) with the given constants."""
    model = EloModel(design.learners, design.bank, **VARIANTS[variant], **schedule)  # type: ignore[arg-type]
    return model.run(stream.learner, stream.item, stream.correct)


def offline_2pl(stream: Stream, design: Design, a_prior_sd: float = 0.5) -> tuple[Floats, float]:
    """In-sample predictions of a 2PL calibration with EAP abilities, and its wall-clock seconds."""
    start = time.perf_counter()
    data = ResponseData.from_indices(
        stream.learner, stream.item, stream.correct, n_persons=design.learners, n_items=design.bank
    )
    result = calibrate_2pl(data, a_prior_sd=a_prior_sd)
    theta = ability_eap(data, result.a, result.b)
    prediction = probability(theta[stream.learner], result.a[stream.item], result.b[stream.item])
    return prediction, time.perf_counter() - start


def grid_search(
    streams: list[Stream], variant: str, names: tuple[str, str], values: tuple[tuple[float, ...], ...]
) -> dict[str, Any]:
    """Mean prequential log loss over the tuning designs for every pair of two constants."""
    grid: list[dict[str, Any]] = []
    for first in values[0]:
        for second in values[1]:
            schedule = {names[0]: first, names[1]: second}
            losses = [
                log_loss(elo_predictions(stream, design, variant, **schedule), stream.correct)
                for stream, design in zip(streams, TUNING, strict=True)
            ]
            grid.append({**schedule, "log_losses": losses, "mean": float(np.mean(losses))})
    best = min(grid, key=lambda row: row["mean"])
    defaults = {
        "alpha": DEFAULT_ALPHA,
        "beta": DEFAULT_BETA,
        "alpha_a": DEFAULT_ALPHA_A,
        "beta_a": DEFAULT_BETA_A,
    }
    default = next(row for row in grid if all(row[name] == defaults[name] for name in names))
    return {
        "best": best,
        "default": default,
        "default_minus_best": default["mean"] - best["mean"],
        "grid": grid,
    }


def tune() -> dict[str, Any]:
    """Grid searches on the tuning designs (seed 1).

    ``alpha``/``beta`` of the default model (discriminations at their defaults), ``alpha_a``/``beta_a``
    at the default ``alpha``/``beta``, ``alpha``/``beta`` of plain Elo, and every variant at the
    defaults.
    """
    streams = [
        simulate(design, np.random.default_rng([TUNING_SEED, index])) for index, design in enumerate(TUNING)
    ]
    variants = {}
    for variant in VARIANTS:
        losses = [
            log_loss(elo_predictions(stream, design, variant), stream.correct)
            for stream, design in zip(streams, TUNING, strict=True)
        ]
        variants[variant] = {"log_losses": losses, "mean": float(np.mean(losses))}
    return {
        "designs": [design.__dict__ for design in TUNING],
        "seed": TUNING_SEED,
        "variants_at_defaults": variants,
        "elo_alpha_beta": grid_search(streams, "elo", ("alpha", "beta"), (ALPHAS, BETAS)),
        "elo_alpha_a_beta_a": grid_search(streams, "elo", ("alpha_a", "beta_a"), (ALPHAS_A, BETAS_A)),
        "plain_alpha_beta": grid_search(streams, "plain", ("alpha", "beta"), (ALPHAS, BETAS)),
    }


def compare(design: Design, seed: int, decompose: bool = False) -> dict[str, Any]:
    stream = simulate(design, np.random.default_rng(seed))
    start = time.perf_counter()
    predictions = elo_predictions(stream, design)
    elo_seconds = time.perf_counter() - start
    elo = log_loss(predictions, stream.correct)
    plain = log_loss(elo_predictions(stream, design, "plain"), stream.correct)
    offline_predictions, offline_seconds = offline_2pl(stream, design)
    offline = log_loss(offline_predictions, stream.correct)
    row: dict[str, Any] = {
        **design.__dict__,
        "seed": seed,
        "responses": int(stream.correct.size),
        "elo_log_loss": elo,
        "plain_elo_log_loss": plain,
        "offline_2pl_log_loss": offline,
        "gap": elo - offline,
        "plain_gap": plain - offline,
        "meets_target": elo - offline <= TARGET_GAP,
        "elo_seconds": elo_seconds,
        "offline_seconds": offline_seconds,
    }
    if decompose:
        late = slice(stream.correct.size // 2, None)
        generating = probability(stream.theta[stream.learner], stream.a[stream.item], stream.b[stream.item])
        row["variants"] = {
            variant: log_loss(elo_predictions(stream, design, variant), stream.correct)
            for variant in VARIANTS
        }
        row["elo_log_loss_second_half"] = log_loss(predictions[late], stream.correct[late])
        row["offline_2pl_log_loss_second_half"] = log_loss(offline_predictions[late], stream.correct[late])
        row["generating_2pl_log_loss"] = log_loss(generating, stream.correct)
        row["offline_rasch_log_loss"] = log_loss(
            offline_2pl(stream, design, a_prior_sd=1e-3)[0], stream.correct
        )
    return row


def main() -> None:
    report: dict[str, Any] = {
        "command": COMMAND,
        "seed": SEED,
        "target_gap": TARGET_GAP,
        "defaults": {
            "alpha": DEFAULT_ALPHA,
            "beta": DEFAULT_BETA,
            "alpha_a": DEFAULT_ALPHA_A,
            "beta_a": DEFAULT_BETA_A,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg()),
        },
    }
    report["main"] = compare(MAIN, SEED, decompose=True)
    print(json.dumps({"main": report["main"]}, indent=2), flush=True)
    report["sweep"] = [compare(design, SEED) for design in SWEEP]
    print(json.dumps({"sweep": report["sweep"]}, indent=2), flush=True)
    report["replications"] = [compare(MAIN, seed) for seed in REPLICATION_SEEDS]
    print(json.dumps({"replications": report["replications"]}, indent=2), flush=True)
    report["tuning"] = tune()
    summary = {
        key: {name: value for name, value in search.items() if name != "grid"}
        for key, search in report["tuning"].items()
        if key not in ("designs", "seed")
    }
    print(json.dumps({"tuning": summary}, indent=2), flush=True)
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

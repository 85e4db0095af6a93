"""Practice targeting: how often learners of each ability succeed, with the learner step tuned for targeting
against the Elo model's own step, on the shipped practice pool.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_practice

The simulation is issue 12's acceptance design without the web layer: 300 learners, θ ~ N(0, 1), each
practising one domain (the six in turn) for 40 items chosen by ``practice_pick`` and rated by
``practice_step``. The pool is the shipped bank's practice pool: hand-written practice items and generator
families (renewable), each at its author's difficulty hint, which is also the truth that decides whether an
answer is right (a = 1). Item ratings are shared by the learners of a domain, as in the product.

The figure of merit is the *worst tercile*: the largest distance from the 0.70 target among the success
rates of the bottom, middle and top thirds of abilities. Beside it, the ratings' own quality after the 40
answers: their RMSE against the true abilities and their spread (the true one is 1), since a step that
targets well by making ratings jumpy or stretching their scale would be no gain.

The steps searched keep the Elo model's long-run step, K(n) → 5 / n (its α / β = 0.75 / 0.15), and vary
where they start: the learner's α (β = α / 5) and the item's α (likewise), on tuning seeds 1-5. The rule
(``chosen``): of the steps whose worst tercile is within ``GOOD_TARGETING`` of the target on average, the
one whose ratings are most accurate (lowest RMSE). ``baseline`` is the Elo model's own steps, and
``shipped`` the constants in psychometrics/practice.py, measured in the same run. The acceptance test
(tests/web/test_practice_targeting.py) uses seed 12, never used here. Results go to
benchmarks/results/practice.json.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from adaptest.bank import load_bank
from adaptest.bank.calibration_hints import hinted_difficulty
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.psychometrics.elo import DEFAULT_ALPHA, DEFAULT_BETA
from adaptest.psychometrics.practice import (
    DEFAULT_TARGET,
    ITEM_ALPHA,
    LEARNER_ALPHA,
    Candidate,
    ItemRating,
    LearnerRating,
    practice_pick,
    practice_step,
)

RESULTS = Path(__file__).parent / "results" / "practice.json"
COMMAND = ".venv/bin/python -m benchmarks.bench_practice"
LEARNERS, ITEMS = 300, 40
TUNING_SEEDS = (1, 2, 3, 4, 5)
LEARNER_ALPHAS = (0.75, 1.5, 2.0, 3.0, 4.0)
ITEM_ALPHAS = (0.75, 0.375, 0.1875, 0.09375, 0.046875)
GOOD_TARGETING = 0.04  # worst tercile, on average over the tuning seeds: 0.01 inside the ±0.05 asked
LONG_RUN = DEFAULT_ALPHA / DEFAULT_BETA  # K(n) → LONG_RUN / n


@dataclass(frozen=True)
class PoolItem:
    domain: str
    skills: tuple[str, ...]
    b: float
    renewable: bool


def shipped_pool() -> list[PoolItem]:
    """The shipped bank's practice pool: practice items and every generator family."""
    bank = load_bank(DEEP_LEARNING_BANK)
    items = [
        PoolItem(item.domain, tuple(item.skills), hinted_difficulty(item.difficulty), False)
        for item in bank.items.values()
        if item.use == "practice"
    ]
    families = [
        PoolItem(family.domain, family.skills, hinted_difficulty(family.difficulty), True)
        for family in bank.families.values()
    ]
    return items + families


@dataclass(frozen=True)
class Steps:
    learner_alpha: float
    item_alpha: float

    def arguments(self) -> dict[str, float]:
        return {
            "learner_alpha": self.learner_alpha,
            "learner_beta": self.learner_alpha / LONG_RUN,
            "alpha": self.item_alpha,
            "beta": self.item_alpha / LONG_RUN,
        }


def simulate(pool: list[PoolItem], steps: Steps, seed: int) -> dict[str, float]:
    """Success rates overall and by ability tercile, and the final ratings' RMSE and spread, for one seed."""
    rng = random.Random(seed)
    abilities = np.random.default_rng(seed).normal(size=LEARNERS)
    domains = sorted({entry.domain for entry in pool})
    ratings = [ItemRating(entry.b) for entry in pool]
    rates, final = np.empty(LEARNERS), np.empty(LEARNERS)
    for learner in range(LEARNERS):
        domain = domains[learner % len(domains)]
        mine = [i for i, entry in enumerate(pool) if entry.domain == domain]
        rating, seen, skills, right = LearnerRating(), Counter[int](), Counter[str](), 0
        for _ in range(ITEMS):
            candidates = [
                Candidate(
                    rating.rating,
                    ratings[i].difficulty,
                    ratings[i].discrimination,
                    pool[i].skills,
                    seen[i],
                    pool[i].renewable,
                )
                for i in mine
            ]
            chosen = mine[practice_pick(candidates, skill_counts=skills, rng=rng) or 0]
            correct = rng.random() < 1.0 / (1.0 + math.exp(-(abilities[learner] - pool[chosen].b)))
            step = practice_step(rating, ratings[chosen], correct, **steps.arguments())
            rating, ratings[chosen] = step.learner, step.item
            seen[chosen] += 1
            skills.update(pool[chosen].skills)
            right += correct
        rates[learner], final[learner] = right / ITEMS, rating.rating
    low, high = np.quantile(abilities, [1 / 3, 2 / 3])
    terciles = (abilities < low, (abilities >= low) & (abilities < high), abilities >= high)
    bottom, middle, top = (float(rates[mask].mean()) for mask in terciles)
    worst = max(abs(rate - DEFAULT_TARGET) for rate in (bottom, middle, top))
    return {
        "overall": float(rates.mean()),
        "bottom": bottom,
        "middle": middle,
        "top": top,
        "worst": worst,
        "rating_rmse": float(np.sqrt(np.mean((final - abilities) ** 2))),
        "rating_sd": float(final.std()),
    }


def over_seeds(pool: list[PoolItem], steps: Steps) -> dict[str, Any]:
    runs = [simulate(pool, steps, seed) for seed in TUNING_SEEDS]
    mean = {key: round(float(np.mean([run[key] for run in runs])), 4) for key in runs[0]}
    return {**steps.arguments(), "mean": mean, "worst_seed": round(max(r["worst"] for r in runs), 4)}


def main() -> None:
    began = time.perf_counter()
    pool = shipped_pool()
    grid = []
    for learner_alpha in LEARNER_ALPHAS:
        for item_alpha in ITEM_ALPHAS:
            grid.append(over_seeds(pool, Steps(learner_alpha, item_alpha)))
            print(json.dumps(grid[-1]), flush=True)
    baseline = grid[0]  # the Elo model's steps
    on_target = [row for row in grid if row["mean"]["worst"] <= GOOD_TARGETING]
    best = min(on_target, key=lambda row: row["mean"]["rating_rmse"])
    report = {
        "command": COMMAND,
        "design": {"learners": LEARNERS, "items": ITEMS, "tuning_seeds": list(TUNING_SEEDS)},
        "pool": dict(Counter(f"{entry.domain} b={entry.b:+g}" for entry in pool)),
        "baseline": baseline,
        "shipped": over_seeds(pool, Steps(LEARNER_ALPHA, ITEM_ALPHA)),
        "chosen": best,
        "grid": grid,
        "seconds": round(time.perf_counter() - began, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    print(json.dumps({k: report[k] for k in ("baseline", "shipped", "chosen", "seconds")}, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

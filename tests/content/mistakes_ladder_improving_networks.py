"""The named mistakes of generators/ladder_improving_networks.py, recomputed from a variant's parameters
alone (plain Python, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

import math
from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def best_checkpoint_mistakes(params: dict[str, Any]) -> list[Mistake]:
    values = params["values"]
    pick = min if params["best"] == "lowest" else max
    best = values.index(pick(values)) + 1  # epochs are numbered from 1
    return first_of_equal(
        [
            ("last_epoch", len(values), "latest weights"),
            ("epoch_after_best", best + 1, "first epoch after the best"),
            ("counted_from_zero", best - 1, "counted epochs from 0"),
        ]
    )


def l2_penalty_mistakes(params: dict[str, Any]) -> list[Mistake]:
    w, lam = params["weights"], params["lambda"]
    squared_norm = sum(v * v for v in w)
    return first_of_equal(
        [
            ("l1_penalty", lam * sum(abs(v) for v in w), "L1 penalty"),
            ("norm_not_squared", lam * math.sqrt(squared_norm), "*squared*"),
            ("square_of_sum", lam * sum(w) ** 2, "squared the sum"),
            ("no_lambda", squared_norm, "alone"),
        ]
    )


def _normalise(values: list[float], divisor: float, power: float = 0.5) -> list[float]:
    mean = sum(values) / len(values)
    spread = sum((v - mean) ** 2 for v in values) / divisor
    return [0.0 if spread == 0 else (v - mean) / spread**power for v in values]


def batchnorm_mistakes(params: dict[str, Any]) -> list[Mistake]:
    x, gamma, beta = params["x"], params["gamma"], params["beta"]
    n, features = len(x), len(x[0])
    columns = [[row[c] for row in x] for c in range(features)]

    def per_feature(divisor: float, power: float = 0.5, affine: bool = True) -> list[list[float]]:
        normed = [_normalise(col, divisor, power) for col in columns]
        return [
            [(gamma[c] * normed[c][r] + beta[c]) if affine else normed[c][r] for c in range(features)]
            for r in range(n)
        ]

    # Layer norm: each example normalised over its own features (biased variance), then γ and β.
    by_rows = [[gamma[c] * v + beta[c] for c, v in enumerate(_normalise(row, features))] for row in x]
    return first_of_equal(
        [
            ("layer_norm", by_rows, "layer norm"),
            ("unbiased_variance", per_feature(n - 1), "unbiased variance"),
            ("no_scale_and_shift", per_feature(n, affine=False), "standardised values x̂"),
            ("divided_by_variance", per_feature(n, power=1.0), "divided by the variance"),
        ]
    )


def warmup_cosine_mistakes(params: dict[str, Any]) -> list[Mistake]:
    n, batch, lr0 = params["n"], params["batch_size"], params["lr"]
    start, warmup, t_max, epoch = params["start_factor"], params["warmup"], params["t_max"], params["epoch"]
    per_epoch = -(-n // batch)  # the last, smaller batch is a step too
    epochs = (warmup + t_max) // per_epoch
    steps = epoch * per_epoch

    def lr(step: int, cosine_from: int = warmup) -> float:
        if step < warmup:
            return lr0 * (start + (1 - start) * step / warmup)
        return lr0 / 2 * (1 + math.cos(math.pi * (step - cosine_from) / t_max))

    return first_of_equal(
        [
            ("one_step_per_epoch", lr(epoch), "one scheduler step per epoch"),
            ("dropped_last_batch", lr(epoch * (n // batch)) if n % batch else None, "rounded"),
            (
                "cosine_from_step_zero",
                lr(steps, cosine_from=0) if steps >= warmup else None,
                "total step count",
            ),
            ("cosine_over_epochs", lr0 / 2 * (1 + math.cos(math.pi * epoch / epochs)), "cosine over epochs"),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-imp-best-checkpoint-epoch": best_checkpoint_mistakes,
    "gen-imp-l2-penalty": l2_penalty_mistakes,
    "gen-imp-batchnorm-batch-grid": batchnorm_mistakes,
    "gen-imp-warmup-cosine-epoch-lr": warmup_cosine_mistakes,
}

"""The named mistakes of generators/ladder_foundations.py, recomputed from a variant's parameters alone
(plain Python, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

import math
from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def relu_mistakes(params: dict[str, Any]) -> list[Mistake]:
    x = params["x"]
    # For a positive x the first three give x itself (the key); for a negative x the last two give 0.
    return first_of_equal(
        [
            ("identity", x, "passed"),
            ("absolute_value", abs(x), "absolute value"),
            ("leaky_relu", 0.01 * x if x < 0 else x, "leaky"),
            ("zero_for_positive", 0.0, "keeps positive inputs unchanged"),
            ("slope_not_value", 1.0 if x > 0 else 0.0, "slope"),
        ]
    )


def sgd_mistakes(params: dict[str, Any]) -> list[Mistake]:
    w, g, lr = params["w"], params["grad"], params["lr"]
    return first_of_equal(
        [
            ("ascent", w + lr * g, "against"),
            ("no_learning_rate", w - g, "whole gradient"),
            ("change_not_weight", -lr * g, "is the change"),
        ]
    )


def xent_mistakes(params: dict[str, Any]) -> list[Mistake]:
    logits, target = params["logits"], params["target"]
    exps = [math.exp(z) for z in logits]
    p = [e / sum(exps) for e in exps]
    names = [f"g{j + 1}" for j in range(len(logits))]

    def tuple_(vector: list[float]) -> dict[str, float]:
        return dict(zip(names, vector, strict=True))

    return [
        ("y_minus_p", tuple_([(j == target) - p_j for j, p_j in enumerate(p)]), "signs are reversed"),
        ("probabilities", tuple_(p), "softmax probabilities themselves"),
        (
            "grad_wrt_probability",
            tuple_([-1 / p[target] if j == target else 0.0 for j in range(len(p))]),
            "differentiated −ln p",
        ),
    ]


def grad_accumulation_mistakes(params: dict[str, Any]) -> list[Mistake]:
    w0, x, y, lr = params["w0"], params["x"], params["y"], params["lr"]

    def grad(w: float, factor: float = 2.0) -> float:  # d/dw of (w·x − y)², with the power rule's 2
        return factor * x * (w * x - y)

    g1 = grad(w0)
    w1 = w0 - lr * g1
    h1 = grad(w0, factor=1.0)
    h_w1 = w0 - lr * h1
    return first_of_equal(
        [
            ("zero_grad_assumed", w1 - lr * grad(w1), "with `opt.zero_grad()`"),
            ("first_gradient_twice", w1 - lr * 2 * g1, "doubled the first gradient"),
            ("no_power_rule_factor", h_w1 - lr * (h1 + grad(h_w1, factor=1.0)), "dropped the factor 2"),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-fnd-relu-value": relu_mistakes,
    "gen-fnd-sgd-step": sgd_mistakes,
    "gen-fnd-xent-logit-grad": xent_mistakes,
    "gen-fnd-grad-accumulation": grad_accumulation_mistakes,
}

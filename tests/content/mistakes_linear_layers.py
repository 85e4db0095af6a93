"""The named mistakes of generators/linear_layers.py, recomputed from a variant's parameters alone
(plain Python, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

from typing import Any

from tests.content.misconceptions import Mistake, Mistakes


def linear_mistakes(params: dict[str, Any]) -> list[Mistake]:
    """``nn.Linear(n_in, n_out)``: the key is n_in·n_out weights plus n_out biases."""
    n_in, n_out = params["in_features"], params["out_features"]
    return [
        ("weights_only", n_in * n_out, "counts only the weight matrix"),
        ("bias_per_input", n_in * n_out + n_in, "A bias belongs to each *output* unit"),
    ]


MISTAKES: dict[str, Mistakes] = {
    "gen-linear-params": linear_mistakes,
}

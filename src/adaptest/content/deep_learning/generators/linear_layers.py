"""Parameter counts of fully connected layers (example family; others follow the same pattern)."""

from __future__ import annotations

import random

from adaptest.bank.generators import GeneratorFamily, Variant

WIDTHS = (3, 4, 8, 10, 12, 16, 20, 24, 32, 48, 64, 100, 128, 256, 300, 512)


def _linear_params(rng: random.Random) -> Variant:
    n_in, n_out = rng.sample(WIDTHS, 2)
    weights, biases = n_in * n_out, n_out
    answer = weights + biases
    stem = (
        f"How many learnable parameters does `nn.Linear({n_in}, {n_out})` have? "
        "(PyTorch's default: the layer has a bias.)"
    )
    return Variant(
        params={"in_features": n_in, "out_features": n_out},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": [
                {
                    "value": weights,
                    "feedback": f"{weights} counts only the weight matrix; each of the {n_out} outputs also has a bias.",
                },
                {
                    "value": weights + n_in,
                    "feedback": f"A bias belongs to each *output* unit, so there are {n_out} biases, not {n_in}.",
                },
            ],
            "explanation": (
                f"The weight matrix has {n_out} × {n_in} = {weights} entries and there is one bias per output, "
                f"{n_out} in all: {weights} + {n_out} = {answer}."
            ),
            "dont_know_feedback": "Study how a fully connected layer stores one weight per input–output pair plus one bias per output.",
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-linear-params",
        kind="numeric",
        domain="foundations",
        skills=("fnd-pytorch-basics",),
        difficulty="easy",
        build=_linear_params,
    ),
]

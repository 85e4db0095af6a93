"""The named mistakes of generators/ladder_sequence_models.py, recomputed from a variant's parameters
alone (plain Python, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

import math
from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def rnn_time_steps_mistakes(params: dict[str, Any]) -> list[Mistake]:
    return first_of_equal(
        [
            ("batch_size", params["batch"], "batch size"),
            ("features", params["features"], "number of features"),
            ("hidden_size", params["hidden"], "`hidden_size`"),
        ]
    )


def dot_product_mistakes(params: dict[str, Any]) -> list[Mistake]:
    q, k = params["query"], params["key"]
    dot = sum(a * b for a, b in zip(q, k, strict=True))
    d = len(q)
    return first_of_equal(
        [
            ("unscaled", dot, "raw dot product"),
            ("divided_by_d", round(dot / d, 4), "divides by $d_k"),  # as a learner writes it: 4 decimals
            ("multiplied_by_root", dot * math.sqrt(d), "multiplies by"),
        ]
    )


def tied_lm_mistakes(params: dict[str, Any]) -> list[Mistake]:
    vocab, d, length = params["vocab"], params["d_model"], params["max_len"]
    ff, layers = params["dim_feedforward"], params["num_layers"]
    learned, head_bias = params["learned_positions"], params["head_bias"]

    attention = 4 * (d * d + d)  # q, k, v and output projections, with biases
    feed_forward = (d * ff + ff) + (ff * d + d)
    layer = attention + feed_forward + 2 * (2 * d)  # and two layer norms
    embeddings = vocab * d
    positions = length * d

    def count(
        token_tables: int = 1, n_layers: int = layers, position_params: bool = learned, bias: bool = head_bias
    ) -> int:
        return (
            token_tables * embeddings
            + (positions if position_params else 0)
            + n_layers * layer
            + 2 * d  # final layer norm
            + (vocab if bias else 0)
        )

    return first_of_equal(
        [
            ("tied_weight_counted_twice", count(token_tables=2), "twice"),
            ("head_bias_forgotten", count(bias=False) if head_bias else None, "forgets the head's bias"),
            ("one_encoder_layer", count(n_layers=1), "counts one encoder layer"),
            (
                "positions_miscounted",
                count(position_params=not learned),
                "leaves out the learned position table" if learned else "counts the sinusoid table",
            ),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-seq-rnn-time-steps": rnn_time_steps_mistakes,
    "gen-seq-dot-product-score": dot_product_mistakes,
    "gen-seq-tied-lm-params": tied_lm_mistakes,
}

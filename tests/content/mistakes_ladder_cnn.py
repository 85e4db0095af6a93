"""The named mistakes of generators/ladder_cnn.py, recomputed from a variant's parameters alone (plain
Python, not the generator's code); checked by test_misconceptions.py.

A value that equals the key is never offered (a one-channel input: one map per input channel gives
1 · c_out, the key), and when two mistakes give the same value the variant offers it once with the
feedback of the mistake the family lists first: `first_of_equal` keeps that one and marks the later
ones as not applying; each function lists its mistakes in the family's order.
"""

from __future__ import annotations

from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def out_channels_mistakes(params: dict[str, Any]) -> list[Mistake]:
    c_in, c_out, k = params["in_channels"], params["out_channels"], params["kernel_size"]
    code = params["form"] == "code"
    return first_of_equal(
        [
            ("input_channels", c_in, "number of *input* channels"),
            ("map_per_input_channel", c_in * c_out, "one output map per input channel"),
            ("batch_size", params["batch"] if code else None, "the batch size N"),
            ("window_positions", None if code else k * k, "positions in a"),
        ]
    )


def valid_conv_size_mistakes(params: dict[str, Any]) -> list[Mistake]:
    n, k = params["size"], params["kernel_size"]
    return first_of_equal(
        [
            ("no_plus_one", n - k, "forgets the +1"),
            ("same_size", n, "only padding does that"),
            ("full_convolution", n + k - 1, "adds the kernel instead of subtracting it"),
        ]
    )


def bottleneck_mistakes(params: dict[str, Any]) -> list[Mistake]:
    c_in, m, out = params["in_channels"], params["width"], params["out_channels"]
    projection = c_in != out or params["stride"] != 1
    assert projection == params["projection"]
    # (in, out, kernel) of every convolution; each is followed by a BatchNorm2d over its output channels.
    branch = [(c_in, m, 1), (m, m, 3), (m, out, 1)]
    shortcut = [(c_in, out, 1)] if projection else []
    convs = [*branch, *shortcut]

    def weights(layers: list[tuple[int, int, int]]) -> int:
        return sum(i * o * kernel * kernel for i, o, kernel in layers)

    def norms(layers: list[tuple[int, int, int]], per_channel: int = 2) -> int:
        return sum(per_channel * o for _, o, _ in layers)

    total = weights(convs) + norms(convs)
    all_three_by_three = [(i, o, 3) for i, o, _ in branch] + shortcut
    return first_of_equal(
        [
            ("running_stats_counted", weights(convs) + norms(convs, per_channel=4), "4 numbers per channel"),
            (
                "no_shortcut",
                weights(branch) + norms(branch) if projection else None,
                "leaves out the projection",
            ),
            ("conv_biases", total + sum(o for _, o, _ in convs), "adds a bias per output channel"),
            ("convs_only", weights(convs), "counts only the convolutions"),
            (
                "one_by_one_as_three",
                weights(all_three_by_three) + norms(convs),
                "treats the 1×1 convolutions as 3×3",
            ),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-cnn-out-channels": out_channels_mistakes,
    "gen-cnn-valid-conv-size": valid_conv_size_mistakes,
    "gen-cnn-bottleneck-bn-params": bottleneck_mistakes,
}

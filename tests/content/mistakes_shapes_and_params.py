"""The named mistakes of generators/shapes_and_params.py, recomputed from a variant's parameters alone
(plain Python, not the generator's code); checked by test_misconceptions.py.

Two mistakes sometimes give the same number for a seed (a Conv2d with as many input as output channels:
"one filter only" and "forgot the input channels" both give c·k² + biases). A learner then sees one
distractor with the feedback of the first mistake listed, so `first_of_equal` keeps the first of
such a pair and marks the later one as not applying; the mistakes are listed in the family's order.
"""

from __future__ import annotations

import math
from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal

# -- parameter counts -----------------------------------------------------------------------------------


def mlp_mistakes(params: dict[str, Any]) -> list[Mistake]:
    widths = params["widths"]
    layers = list(zip(widths[:-1], widths[1:], strict=True))
    total = sum(n_in * n_out + n_out for n_in, n_out in layers)
    last_in, last_out = layers[-1]
    return first_of_equal(
        [
            ("weights_only", sum(n_in * n_out for n_in, n_out in layers), "counts only the weight matrices"),
            ("bias_per_input", sum(n_in * n_out + n_in for n_in, n_out in layers), "one bias per *input*"),
            ("last_layer_missing", total - (last_in * last_out + last_out), "leaves out the last"),
            ("input_layer_biases", total + widths[0], "biases for the input layer"),
        ]
    )


def conv2d_mistakes(params: dict[str, Any]) -> list[Mistake]:
    c_in, c_out, k = params["in_channels"], params["out_channels"], params["kernel_size"]
    b = c_out if params["bias"] else 0
    weights = c_in * c_out * k**2
    bias_mistakes: list[Mistake] = (
        [
            ("weights_only", weights, "counts only the weights"),
            ("bias_per_input_channel", weights + c_in, "one bias per *input* channel"),
        ]
        if params["bias"]
        else [("biases_despite_bias_false", weights + c_out, "`bias=False` removes them")]
    )
    return first_of_equal(
        [
            *bias_mistakes,
            ("one_filter", c_in * k**2 + b, "a single filter's weights"),
            ("k_not_k_squared", c_in * c_out * k + b, "instead of k²"),
            ("no_input_channels", c_out * k**2 + b, "forgets the input channels"),
        ]
    )


def depthwise_separable_mistakes(params: dict[str, Any]) -> list[Mistake]:
    c_in, c_out, k = params["in_channels"], params["out_channels"], params["kernel_size"]
    depthwise = c_in * k**2 + c_in  # groups=c_in: one k×k filter per channel, one bias each
    pointwise = c_in * c_out + c_out  # 1×1 convolution
    block = depthwise + pointwise
    standard = c_in * c_out * k**2 + c_out
    block_ignoring_groups = c_in * c_in * k**2 + c_in + pointwise
    if params["ask"] == "total":
        return first_of_equal(
            [
                ("standard_conv", standard, "the count of a standard"),
                ("ignores_groups", block_ignoring_groups, "ignores `groups="),
                ("no_biases", c_in * k**2 + c_in * c_out, "leaves out the biases"),
                ("pointwise_k_by_k", depthwise + c_in * c_out * k**2 + c_out, "gives the pointwise"),
            ]
        )
    saving_ignoring_groups = standard - block_ignoring_groups
    return first_of_equal(
        [
            ("block_count", block, "the block's own count"),
            ("standard_count", standard, "the standard convolution's count"),
            ("weights_only", c_in * c_out * k**2 - (c_in * k**2 + c_in * c_out), "compares weights only"),
            # a block larger than the convolution it replaces gives no saving to report
            (
                "ignores_groups",
                saving_ignoring_groups if saving_ignoring_groups > 0 else None,
                "ignores `groups=",
            ),
        ]
    )


def _recurrent_mistakes(params: dict[str, Any], gates: int, other_gates: int) -> list[Mistake]:
    n_in, h, layers = params["input_size"], params["hidden_size"], params["num_layers"]

    def count(
        n_gates: int = gates, biases: int = 2, upper_input: int = h, n_layers: int = layers, hh: bool = True
    ) -> int:
        inputs = [n_in] + [upper_input] * (n_layers - 1)
        # per layer: weight_ih (gates·h × input), weight_hh (gates·h × h), bias_ih and bias_hh (gates·h each)
        return sum(n_gates * h * x + (n_gates * h * h if hh else 0) + biases * n_gates * h for x in inputs)

    mistakes: list[Mistake] = [
        ("one_bias_vector", count(biases=1), "uses one bias vector per gate block"),
        ("other_cell_gates", count(n_gates=other_gates), f"uses {other_gates} gate blocks"),
        ("no_hidden_to_hidden", count(hh=False), "leaves out the hidden-to-hidden weights"),
    ]
    if layers == 2:
        mistakes += [
            ("layer_2_reads_input", count(upper_input=n_in), "feeds layer 2 with the original"),
            ("one_layer_only", count(n_layers=1), "counts one layer"),
        ]
    return first_of_equal(mistakes)


def lstm_mistakes(params: dict[str, Any]) -> list[Mistake]:
    return _recurrent_mistakes(params, gates=4, other_gates=3)


def gru_mistakes(params: dict[str, Any]) -> list[Mistake]:
    return _recurrent_mistakes(params, gates=3, other_gates=4)


def mha_mistakes(params: dict[str, Any]) -> list[Mistake]:
    e, heads = params["embed_dim"], params["num_heads"]
    qkv = 3 * (e * e + e)
    out_proj = e * e + e
    return first_of_equal(
        [
            ("no_out_proj", qkv, "forgets `out_proj`"),
            ("projections_per_head", heads * qkv + out_proj, "gives every head its own"),
            ("no_biases", 4 * e * e, "leaves out the biases"),
        ]
    )


# -- shapes ---------------------------------------------------------------------------------------------


def embedding_mistakes(params: dict[str, Any]) -> list[Mistake]:
    vocab, dim = params["num_embeddings"], params["embedding_dim"]
    batch, seq = params["batch"], params["seq"]
    table = vocab * dim

    def out(first: int, second: int, third: int, count: int = table) -> dict[str, int]:
        values = {"batch": first, "seq": second, "dim": third}
        return values | {"params": count} if params["ask_params"] else values

    mistakes: list[Mistake] = [
        ("scores_over_vocabulary", out(batch, seq, vocab), "not a score for each"),
        ("batch_and_seq_swapped", out(seq, batch, dim), "does not swap batch and sequence"),
        ("vector_before_sequence", out(batch, dim, seq), "not placed before the sequence"),
    ]
    if params["ask_params"]:
        mistakes += [
            ("a_bias_per_dimension", out(batch, seq, dim, table + dim), "a lookup table with no bias"),
            (
                "counts_output_values",
                out(batch, seq, dim, batch * seq * dim),
                "the number of values in `out`",
            ),
            (
                "padding_row_not_counted",
                out(batch, seq, dim, table - dim) if params["padding_idx"] is not None else None,
                "still a parameter of the table",
            ),
        ]
    return first_of_equal(mistakes)


def conv_output_size_mistakes(params: dict[str, Any]) -> list[Mistake]:
    sizes = [params["height"], params["width"]]
    kernel, stride = params["kernel_size"], params["stride"]
    padding, dilation = params["padding"], params["dilation"]

    def hw(
        *,
        rounding: Any = math.floor,
        use_dilation: bool = True,
        use_padding: bool = True,
        use_stride: bool = True,
        plus_one: int = 1,
        swapped: bool = False,
    ) -> dict[str, int]:
        result = {}
        for i, name in enumerate(("height", "width")):
            n = sizes[1 - i] if swapped else sizes[i]
            p = padding[i] if use_padding else 0
            d = dilation[i] if use_dilation else 1
            s = stride[i] if use_stride else 1
            # the windows that fit: floor((n + 2p − d(k − 1) − 1) / s) + 1
            result[name] = int(rounding((n + 2 * p - d * (kernel[i] - 1) - 1) / s)) + plus_one
        return result

    return first_of_equal(
        [
            ("rounded_up", hw(rounding=math.ceil), "rounded down"),
            ("no_dilation", hw(use_dilation=False) if dilation != [1, 1] else None, "Dilation spreads"),
            ("no_padding", hw(use_padding=False) if padding != [0, 0] else None, "Padding adds 2·p"),
            ("no_stride", hw(use_stride=False) if stride != [1, 1] else None, "The stride was ignored"),
            ("no_plus_one", hw(plus_one=0), "The +1"),
            ("height_and_width_swapped", hw(swapped=True), "not the other way round"),
        ]
    )


def receptive_field_mistakes(params: dict[str, Any]) -> list[Mistake]:
    layers = params["layers"]
    kernels = [layer["kernel"] for layer in layers]
    strides = [layer["stride"] for layer in layers]

    def field(ks: list[int], ss: list[int], *, own_stride: bool = False) -> int:
        # r = 1 + Σ (k_i − 1)·(s_1·…·s_{i−1}); applying a layer's own stride wrongly includes s_i
        return 1 + sum((k - 1) * math.prod(ss[: i + 1] if own_stride else ss[:i]) for i, k in enumerate(ks))

    convs = [i for i, layer in enumerate(layers) if layer["type"] == "conv"]
    return first_of_equal(
        [
            ("strides_ignored", 1 + sum(k - 1 for k in kernels), "The strides were ignored"),
            ("kernels_added", sum(kernels), "Adding the kernel sizes"),
            ("own_stride_applied", field(kernels, strides, own_stride=True), "A layer's own stride"),
            (
                "pooling_skipped",
                field([kernels[i] for i in convs], [strides[i] for i in convs])
                if len(convs) < len(layers)
                else None,
                "The pooling layers were skipped",
            ),
            ("last_kernel_only", kernels[-1], "the last layer's window alone"),
            ("kernels_multiplied", math.prod(kernels), "Multiplying the kernel sizes"),
        ]
    )


# -- training loop --------------------------------------------------------------------------------------


def minibatches_mistakes(params: dict[str, Any]) -> list[Mistake]:
    n, b, epochs = params["n"], params["batch_size"], params["epochs"]
    full, leftover = divmod(n, b)
    batches = full if params["drop_last"] or not leftover else full + 1
    other_rounding = full + 1 if params["drop_last"] and leftover else full
    return first_of_equal(
        [
            ("other_rounding", other_rounding * epochs, "batches per epoch, not"),
            ("one_epoch", batches if epochs > 1 else None, "the number of steps in one epoch"),
            ("extra_batch_when_exact", (batches + 1) * epochs if not leftover else None, "not one more"),
            ("step_per_example", n * epochs, "one step per example"),
            ("fractional_batches", n * epochs / b if leftover else None, "no fractional step"),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-mlp-params": mlp_mistakes,
    "gen-conv2d-params": conv2d_mistakes,
    "gen-depthwise-separable-params": depthwise_separable_mistakes,
    "gen-lstm-params": lstm_mistakes,
    "gen-gru-params": gru_mistakes,
    "gen-mha-params": mha_mistakes,
    "gen-embedding-params-shape": embedding_mistakes,
    "gen-conv-output-size": conv_output_size_mistakes,
    "gen-receptive-field": receptive_field_mistakes,
    "gen-minibatches-per-epoch": minibatches_mistakes,
}

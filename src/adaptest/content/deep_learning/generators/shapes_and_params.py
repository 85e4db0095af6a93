"""Parameter counts and tensor shapes of common PyTorch layers, and a few related counts.

Every family computes its answer in plain Python; tests/content/oracles_shapes_and_params.py checks
the answers against real PyTorch modules. Distractors come from named misconceptions; any that happen
to equal the answer (or an earlier distractor) for a given seed are left out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from adaptest.bank.authoring import (
    code_block,
    distinct_misconceptions,
    distinct_tuple_misconceptions,
    thousands,
)
from adaptest.bank.generators import GeneratorFamily, Variant

# -- helpers ------------------------------------------------------------------------------------------


def _pair(values: Sequence[int]) -> str:
    """A Conv2d size argument as written: an int when both sides agree, else a tuple."""
    return str(values[0]) if values[0] == values[1] else f"({values[0]}, {values[1]})"


# -- 1. MLP parameters ----------------------------------------------------------------------------------

MLP_INPUTS = (2, 3, 4, 8, 10, 16, 20, 32, 64, 100, 784)
MLP_HIDDEN = (4, 8, 10, 16, 20, 32, 50, 64, 100, 128)
MLP_OUTPUTS = (1, 2, 3, 5, 10)
ACTIVATIONS = ("nn.ReLU()", "nn.Tanh()", "nn.GELU()", "nn.Sigmoid()", "nn.LeakyReLU(0.1)")


def _mlp_params(rng: random.Random) -> Variant:
    n_layers = rng.choice((2, 3, 4))
    widths = [rng.choice(MLP_INPUTS)]
    widths += [rng.choice(MLP_HIDDEN) for _ in range(n_layers - 1)]
    widths.append(rng.choice(MLP_OUTPUTS))
    activation = rng.choice(ACTIVATIONS)
    dropout = rng.random() < 0.3
    pairs = list(zip(widths, widths[1:], strict=False))
    per_layer = [a * b + b for a, b in pairs]
    answer = sum(per_layer)

    lines = ["model = nn.Sequential("]
    for i, (a, b) in enumerate(pairs):
        lines.append(f"    nn.Linear({a}, {b}),")
        if i < len(pairs) - 1:
            lines.append(f"    {activation},")
            if dropout:
                lines.append("    nn.Dropout(0.2),")
    lines.append(")")
    question = rng.choice(
        (
            "How many learnable parameters does `model` have?",
            "What does `sum(p.numel() for p in model.parameters())` return?",
            "How many trainable numbers (weights and biases) does this network hold?",
        )
    )
    stem = f"{question}\n\n{code_block(lines)}"

    no_bias = sum(a * b for a, b in pairs)
    bias_per_input = sum(a * b + a for a, b in pairs)
    last = per_layer[-1]
    extra = widths[0]
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                no_bias,
                f"{thousands(no_bias)} counts only the weight matrices. Every `nn.Linear` has a bias by "
                "default, one per output unit.",
            ),
            (
                bias_per_input,
                f"{thousands(bias_per_input)} gives each layer one bias per *input*; a bias belongs to each "
                "output unit, so `nn.Linear(a, b)` has b biases.",
            ),
            (
                answer - last,
                f"{thousands(answer - last)} leaves out the last `nn.Linear({pairs[-1][0]}, "
                f"{pairs[-1][1]})`, which has {thousands(last)} parameters: there are {len(pairs)} Linear "
                f"layers, not {len(pairs) - 1}.",
            ),
            (
                answer + extra,
                f"{thousands(answer + extra)} adds {extra} biases for the input layer. The input is just "
                "data: only the Linear layers hold parameters.",
            ),
        ],
    )
    steps = "; ".join(f"`nn.Linear({a}, {b})`: {a}·{b} + {b} = {thousands(a * b + b)}" for a, b in pairs)
    explanation = (
        f"Each `nn.Linear(a, b)` has an a×b weight matrix and b biases. {steps}. "
        f"Activations{' and dropout' if dropout else ''} have no parameters, so the total is "
        f"{' + '.join(thousands(p) for p in per_layer)} = {thousands(answer)}."
    )
    return Variant(
        params={"widths": widths},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": misconceptions,
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how PyTorch layers store parameters: a Linear layer has one weight per input–output "
                "pair plus one bias per output (skill: PyTorch basics)."
            ),
        },
    )


# -- 2. Conv2d parameters -------------------------------------------------------------------------------

CONV_IN = (1, 3, 8, 16, 32, 64)
CONV_OUT = (8, 16, 32, 64, 128)


def _conv2d_params(rng: random.Random) -> Variant:
    c_in, c_out, k = rng.choice(CONV_IN), rng.choice(CONV_OUT), rng.choice((1, 3, 3, 5, 7))
    bias = rng.random() < 0.6
    stride = rng.choice((1, 1, 2))
    padding = rng.choice((0, k // 2))
    args = (
        [f"{c_in}", f"{c_out}", f"kernel_size={k}"]
        if rng.random() < 0.5
        else [f"in_channels={c_in}", f"out_channels={c_out}", f"kernel_size={k}"]
    )
    if stride != 1:
        args.append(f"stride={stride}")
    if padding:
        args.append(f"padding={padding}")
    if not bias:
        args.append("bias=False")
    elif rng.random() < 0.3:
        args.append("bias=True")
    image = rng.choice((28, 32, 64, 224))
    stem = rng.choice(
        (
            "How many learnable parameters does this layer have?",
            f"The layer below is applied to {image}×{image} images. How many learnable parameters does it have?",
            "What does `sum(p.numel() for p in conv.parameters())` return?",
        )
    )
    stem += "\n\n" + code_block([f"conv = nn.Conv2d({', '.join(args)})"])

    weights = c_out * c_in * k * k
    biases = c_out if bias else 0
    answer = weights + biases
    candidates: list[tuple[float | None, str]] = []
    if bias:
        candidates.append(
            (
                weights,
                f"{thousands(weights)} counts only the weights; the layer also has one bias per output "
                "channel.",
            )
        )
        candidates.append(
            (
                weights + c_in,
                f"{thousands(weights + c_in)} gives one bias per *input* channel; there is one per output "
                f"channel ({c_out}).",
            )
        )
    else:
        candidates.append(
            (
                weights + c_out,
                f"{thousands(weights + c_out)} adds {c_out} biases, but `bias=False` removes them: only the "
                "weights remain.",
            )
        )
    candidates += [
        (
            c_in * k * k + biases,
            f"{thousands(c_in * k * k + biases)} counts a single filter's weights; the layer has {c_out} "
            "filters, one per output channel.",
        ),
        (
            c_out * c_in * k + biases,
            f"{thousands(c_out * c_in * k + biases)} uses k = {k} instead of k² = {k * k}: each filter "
            f"covers a {k}×{k} window.",
        ),
        (
            c_out * k * k + biases,
            f"{thousands(c_out * k * k + biases)} forgets the input channels: each filter spans all {c_in} "
            f"of them, so it has {c_in}·{k}·{k} weights.",
        ),
    ]
    bias_text = f" plus {c_out} biases (one per output channel)" if bias else " and no biases (`bias=False`)"
    explanation = (
        f"Each of the {c_out} filters has {c_in}·{k}·{k} = {thousands(c_in * k * k)} weights, "
        f"{c_out}·{thousands(c_in * k * k)} = {thousands(weights)} in all,{bias_text}: {thousands(answer)}. "
        "Stride, padding and the image size do not change the count."
    )
    return Variant(
        params={"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "bias": bias},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how a convolution's weights depend on kernel size and channel counts, not on the image "
                "(skill: convolution arithmetic)."
            ),
        },
    )


# -- 3. Depthwise-separable convolution -----------------------------------------------------------------

DW_IN = (16, 24, 32, 48, 64, 128)
DW_OUT = (32, 64, 96, 128, 256)


def _depthwise_separable_params(rng: random.Random) -> Variant:
    c_in, c_out, k = rng.choice(DW_IN), rng.choice(DW_OUT), rng.choice((3, 3, 5))
    ask = rng.choice(("total", "saving"))
    depthwise = c_in * k * k + c_in
    pointwise = c_in * c_out + c_out
    separable = depthwise + pointwise
    standard = c_in * c_out * k * k + c_out
    saving = standard - separable
    lines = [
        "block = nn.Sequential(",
        f"    nn.Conv2d({c_in}, {c_in}, kernel_size={k}, padding={k // 2}, groups={c_in}),  # depthwise",
        f"    nn.Conv2d({c_in}, {c_out}, kernel_size=1),  # pointwise",
        ")",
    ]
    if ask == "total":
        stem = rng.choice(
            (
                "How many learnable parameters does this depthwise-separable block have?",
                "What does `sum(p.numel() for p in block.parameters())` return?",
            )
        )
        stem += "\n\n" + code_block(lines)
        answer = separable
        ignore_groups = c_in * c_in * k * k + c_in + pointwise
        candidates: list[tuple[float | None, str]] = [
            (
                standard,
                f"{thousands(standard)} is the count of a standard `nn.Conv2d({c_in}, {c_out}, {k})`; the "
                "block replaces it with a per-channel filter and a 1×1 mix.",
            ),
            (
                ignore_groups,
                f"{thousands(ignore_groups)} ignores `groups={c_in}`: each depthwise filter sees one input "
                f"channel, so it has {k}·{k} weights, not {c_in}·{k}·{k}.",
            ),
            (
                c_in * k * k + c_in * c_out,
                f"{thousands(c_in * k * k + c_in * c_out)} leaves out the biases: both convolutions have one "
                f"per output channel ({c_in} + {c_out}).",
            ),
            (
                depthwise + c_in * c_out * k * k + c_out,
                f"{thousands(depthwise + c_in * c_out * k * k + c_out)} gives the pointwise convolution a "
                f"{k}×{k} kernel; it is 1×1.",
            ),
        ]
    else:
        stem = (
            "A standard `nn.Conv2d("
            f"{c_in}, {c_out}, kernel_size={k}, padding={k // 2})` is replaced by the depthwise-separable "
            "block below. How many parameters fewer does the block have? (All layers have biases.)"
            f"\n\n{code_block(lines)}"
        )
        answer = saving
        candidates = [
            (
                separable,
                f"{thousands(separable)} is the block's own count; the question asks how many fewer it has "
                f"than the standard convolution ({thousands(standard)}).",
            ),
            (
                standard,
                f"{thousands(standard)} is the standard convolution's count; subtract the block's "
                f"{thousands(separable)}.",
            ),
            (
                c_in * c_out * k * k - c_in * k * k - c_in * c_out,
                f"{thousands(c_in * c_out * k * k - c_in * k * k - c_in * c_out)} compares weights only; the "
                f"biases differ too ({c_out} in the standard layer, {c_in} + {c_out} in the block).",
            ),
            (
                standard - (c_in * c_in * k * k + c_in + pointwise)
                if standard > c_in * c_in * k * k + c_in + pointwise
                else None,
                f"{thousands(standard - (c_in * c_in * k * k + c_in + pointwise))} ignores `groups={c_in}` "
                f"in the depthwise layer: each of its filters has {k}·{k} weights, not {c_in}·{k}·{k}.",
            ),
        ]
    explanation = (
        f"Depthwise: {c_in} filters of {k}·{k} weights plus {c_in} biases = {thousands(depthwise)}. "
        f"Pointwise: {c_in}·{c_out} weights plus {c_out} biases = {thousands(pointwise)}. "
        f"Block: {thousands(depthwise)} + {thousands(pointwise)} = {thousands(separable)}. "
        f"A standard {k}×{k} convolution has {c_in}·{c_out}·{k}·{k} + {c_out} = {thousands(standard)}"
    )
    explanation += (
        "."
        if ask == "total"
        else f", so the block saves {thousands(standard)} − {thousands(separable)} = {thousands(saving)}."
    )
    return Variant(
        params={"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "ask": ask},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how grouped (depthwise) and 1×1 convolutions split a standard convolution's work "
                "(skill: convolutional architectures and 1×1 convolutions)."
            ),
        },
    )


# -- 4 and 5. LSTM and GRU parameters -------------------------------------------------------------------

RNN_SIZES = (8, 10, 16, 20, 32, 50, 64, 100, 128)


def _recurrent_params(rng: random.Random, cell: str) -> Variant:
    gates = 4 if cell == "LSTM" else 3
    other_gates = 3 if cell == "LSTM" else 4
    n_in, hidden = rng.choice(RNN_SIZES), rng.choice(RNN_SIZES)
    num_layers = rng.choice((1, 2))
    name = cell.lower()
    if rng.random() < 0.5:
        args = [str(n_in), str(hidden)] + ([f"num_layers={num_layers}"] if num_layers > 1 else [])
    else:
        args = [f"input_size={n_in}", f"hidden_size={hidden}", f"num_layers={num_layers}"]
    if rng.random() < 0.4:
        args.append("batch_first=True")
    question = rng.choice(
        (
            f"How many learnable parameters does `{name}` have?",
            f"What does `sum(p.numel() for p in {name}.parameters())` return?",
        )
    )
    stem = f"{question}\n\n" + code_block([f"{name} = nn.{cell}({', '.join(args)})"])

    def count(
        n_gates: int,
        biases: int = 2,
        second_input: int = hidden,
        layers: int = num_layers,
        recurrent: bool = True,
    ) -> int:
        total = 0
        for layer in range(layers):
            size_in = n_in if layer == 0 else second_input
            total += n_gates * hidden * (size_in + (hidden if recurrent else 0) + biases)
        return total

    answer = count(gates)
    gate_names = "input, forget, cell and output" if cell == "LSTM" else "reset, update and candidate"
    a_cell, an_other = ("an LSTM", "a GRU") if cell == "LSTM" else ("a GRU", "an LSTM")
    candidates: list[tuple[float | None, str]] = [
        (
            count(gates, biases=1),
            f"{thousands(count(gates, biases=1))} uses one bias vector per gate block; PyTorch keeps two, "
            f"`bias_ih` and `bias_hh`, each of size {gates}·{hidden}.",
        ),
        (
            count(other_gates),
            f"{thousands(count(other_gates))} uses {other_gates} gate blocks, as in {an_other}; {a_cell} has "
            f"{gates} ({gate_names}).",
        ),
        (
            count(gates, recurrent=False),
            f"{thousands(count(gates, recurrent=False))} leaves out the hidden-to-hidden weights `weight_hh` "
            f"({gates}·{hidden} × {hidden} per layer) that carry the previous state.",
        ),
    ]
    if num_layers == 2:
        candidates += [
            (
                count(gates, second_input=n_in),
                f"{thousands(count(gates, second_input=n_in))} feeds layer 2 with the original {n_in} "
                f"features; layer 2 reads layer 1's hidden state, so its input size is {hidden}.",
            ),
            (
                count(gates, layers=1),
                f"{thousands(count(gates, layers=1))} counts one layer; `num_layers=2` stacks a second "
                f"{cell} layer with its own weights.",
            ),
        ]
    lines = []
    for layer in range(num_layers):
        size_in = n_in if layer == 0 else hidden
        per = gates * hidden * (size_in + hidden + 2)
        lines.append(
            f"Layer {layer + 1}: {gates}·{hidden}·({size_in} + {hidden} + 2) = {thousands(per)}"
            + (" (its input is layer 1's hidden state)" if layer == 1 else "")
        )
    explanation = (
        f"{a_cell[0].upper()}{a_cell[1:]} layer has {gates} gate blocks ({gate_names}). Each layer holds `weight_ih` "
        f"({gates}·{hidden} × input), `weight_hh` ({gates}·{hidden} × {hidden}) and two bias vectors "
        f"`bias_ih` and `bias_hh` of {gates}·{hidden} each. "
        + "; ".join(lines)
        + f". Total: {thousands(answer)}."
    )
    return Variant(
        params={"input_size": n_in, "hidden_size": hidden, "num_layers": num_layers},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                f"Study the weights inside {a_cell} cell: its gates, its input and recurrent weight "
                "matrices and PyTorch's two bias vectors (skill: recurrent cells — RNN, LSTM and GRU)."
            ),
        },
    )


def _lstm_params(rng: random.Random) -> Variant:
    return _recurrent_params(rng, "LSTM")


def _gru_params(rng: random.Random) -> Variant:
    return _recurrent_params(rng, "GRU")


# -- 6. MultiheadAttention parameters -------------------------------------------------------------------

MHA_DIMS = (16, 32, 48, 64, 96, 128, 256, 512)


def _mha_params(rng: random.Random) -> Variant:
    e = rng.choice(MHA_DIMS)
    heads = [n for n in (2, 4, 8, 16) if e % n == 0 and e // n >= 4]
    h = 1 if rng.random() < 0.1 else rng.choice(heads)
    args = [f"embed_dim={e}", f"num_heads={h}"] if rng.random() < 0.5 else [str(e), str(h)]
    if rng.random() < 0.4:
        args.append("dropout=0.1")
    if rng.random() < 0.5:
        args.append("batch_first=True")
    question = rng.choice(
        (
            "How many learnable parameters does `attn` have?",
            "What does `sum(p.numel() for p in attn.parameters())` return?",
        )
    )
    stem = f"{question}\n\n" + code_block([f"attn = nn.MultiheadAttention({', '.join(args)})"])
    answer = 4 * e * e + 4 * e
    per_head = h * (3 * e * e + 3 * e) + e * e + e
    candidates = [
        (
            3 * e * e + 3 * e,
            f"{thousands(3 * e * e + 3 * e)} counts the query, key and value projections but forgets "
            f"`out_proj`, the {e}×{e} output projection with its {e} biases.",
        ),
        (
            per_head,
            f"{thousands(per_head)} gives every head its own {e}×{e} query, key and value projections. The "
            f"{h} heads share one {e}×{e} projection each, split into slices of width {e // h}.",
        ),
        (
            4 * e * e,
            f"{thousands(4 * e * e)} leaves out the biases: by default each of the four projections has {e}.",
        ),
    ]
    explanation = (
        f"`in_proj_weight` stacks the query, key and value projections: 3·{e}×{e} = {thousands(3 * e * e)}, "
        f"plus `in_proj_bias` of 3·{e} = {3 * e}. `out_proj` adds {e}×{e} = {thousands(e * e)} weights and "
        f"{e} biases. Total 4·{e}² + 4·{e} = {thousands(answer)}. The number of heads does not change it: "
        f"each head uses a {e // h}-wide slice of the same projections."
    )
    return Variant(
        params={"embed_dim": e, "num_heads": h},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how multi-head attention projects queries, keys and values and recombines the heads "
                "(skill: transformers and self-attention)."
            ),
        },
    )


# -- 7. Embedding output shape (and parameters) ---------------------------------------------------------

VOCABS = (1000, 5000, 8000, 10000, 20000, 30000)
EMBED_DIMS = (16, 32, 50, 64, 100, 128, 256, 300)


def _embedding_shape(rng: random.Random) -> Variant:
    vocab, dim = rng.choice(VOCABS), rng.choice(EMBED_DIMS)
    batch, seq = rng.choice((2, 4, 8, 16, 32, 64)), rng.choice((5, 10, 12, 20, 35, 50, 128))
    padding_idx = 0 if rng.random() < 0.3 else None
    ask_params = rng.random() < 0.5
    emb_args = f"{vocab}, {dim}" + (", padding_idx=0" if padding_idx is not None else "")
    tokens = rng.choice(
        (
            f"tokens = torch.randint(0, {vocab}, ({batch}, {seq}))  # int64 token ids",
            f"tokens = torch.zeros({batch}, {seq}, dtype=torch.long)",
        )
    )
    lines = [f"emb = nn.Embedding({emb_args})", tokens, "out = emb(tokens)"]
    question = "What is `out.shape`?"
    if ask_params:
        question = "What is `out.shape`, and how many learnable parameters does `emb` have?"
    stem = f"{question}\n\n{code_block(lines)}"

    key = {"batch": batch, "seq": seq, "dim": dim}
    fields = [
        {"name": "batch", "label": "out.shape[0]", "answer": batch},
        {"name": "seq", "label": "out.shape[1]", "answer": seq},
        {"name": "dim", "label": "out.shape[2]", "answer": dim},
    ]
    params_count = vocab * dim
    if ask_params:
        key["params"] = params_count
        fields.append({"name": "params", "label": "parameters of emb", "answer": params_count})

    def shape(b: int, s: int, d: int, p: int = params_count) -> dict[str, int]:
        values = {"batch": b, "seq": s, "dim": d}
        if ask_params:
            values["params"] = p
        return values

    candidates: list[tuple[dict[str, int] | None, str]] = [
        (
            shape(batch, seq, vocab),
            f"An embedding returns one {dim}-dimensional vector per token, not a score for each of the "
            f"{vocab} vocabulary entries: the last dimension is {dim}.",
        ),
        (
            shape(seq, batch, dim),
            "The embedding keeps the index tensor's layout and appends the vector dimension: it does not "
            "swap batch and sequence.",
        ),
        (
            shape(batch, dim, seq),
            "The embedding dimension is appended last, after the index dimensions; it is not placed before "
            "the sequence like a Conv1d channel.",
        ),
    ]
    if ask_params:
        candidates += [
            (
                shape(batch, seq, dim, vocab * dim + dim),
                "An embedding is a lookup table with no bias: it has one row of "
                f"{dim} numbers per vocabulary entry, {vocab}·{dim} in all.",
            ),
            (
                shape(batch, seq, dim, batch * seq * dim),
                f"{thousands(batch * seq * dim)} is the number of values in `out`; the parameters are the "
                f"table itself, {vocab} rows of {dim}, whatever the batch.",
            ),
        ]
        if padding_idx is not None:
            candidates.append(
                (
                    shape(batch, seq, dim, (vocab - 1) * dim),
                    "`padding_idx=0` keeps row 0 at zero and out of the gradient, but the row is still a "
                    f"parameter of the table: {vocab}·{dim}.",
                )
            )
    explanation = (
        f"`nn.Embedding` replaces each integer index by its row of the {vocab}×{dim} table, so a "
        f"({batch}, {seq}) index tensor becomes ({batch}, {seq}, {dim})."
    )
    if ask_params:
        explanation += f" The table is the only parameter: {vocab}·{dim} = {thousands(params_count)}"
        explanation += (
            " (the padding row is included; it is just never updated)." if padding_idx is not None else "."
        )
    return Variant(
        params={
            "num_embeddings": vocab,
            "embedding_dim": dim,
            "batch": batch,
            "seq": seq,
            "padding_idx": padding_idx,
            "ask_params": ask_params,
        },
        fields={
            "stem": stem,
            "fields": fields,
            "misconceptions": distinct_tuple_misconceptions(key, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how an embedding layer maps integer token ids to rows of a learnable table "
                "(skill: word embeddings)."
            ),
        },
    )


# -- 8. Conv2d output size ------------------------------------------------------------------------------


def _out_size(n: int, k: int, s: int, p: int, d: int, *, ceil: bool = False, plus_one: bool = True) -> int:
    span = n + 2 * p - d * (k - 1) - 1
    steps = -(-span // s) if ceil else span // s
    return steps + 1 if plus_one else steps


def _conv_output_size(rng: random.Random) -> Variant:
    while True:
        height, width = rng.sample(range(15, 101), 2)
        kernel = [rng.choice((1, 3, 5, 7))] * 2 if rng.random() < 0.6 else rng.sample((1, 3, 5, 7), 2)
        stride = [rng.choice((1, 2, 3))] * 2 if rng.random() < 0.7 else rng.sample((1, 2, 3), 2)
        dilation = [rng.choice((1, 1, 2, 3))] * 2 if rng.random() < 0.8 else rng.sample((1, 2, 3), 2)
        padding = [rng.choice(range(0, (dilation[i] * (kernel[i] - 1)) // 2 + 1)) for i in range(2)]
        if rng.random() < 0.6:
            padding = [padding[0]] * 2
        sizes = [height, width]
        if all(sizes[i] + 2 * padding[i] >= dilation[i] * (kernel[i] - 1) + 1 for i in range(2)):
            break
    c_in, c_out, batch = rng.choice((1, 3, 16)), rng.choice((8, 16, 32, 64)), rng.choice((1, 4, 8, 16))
    args = [str(c_in), str(c_out), f"kernel_size={_pair(kernel)}"]
    if stride != [1, 1]:
        args.append(f"stride={_pair(stride)}")
    if padding != [0, 0]:
        args.append(f"padding={_pair(padding)}")
    if dilation != [1, 1]:
        args.append(f"dilation={_pair(dilation)}")
    lines = [
        f"conv = nn.Conv2d({', '.join(args)})",
        f"x = torch.randn({batch}, {c_in}, {height}, {width})",
        "y = conv(x)",
    ]
    stem = rng.choice(
        (
            "What are the height and width of `y`?",
            "`y.shape` is `(N, C, H, W)`. What are H and W?",
        )
    )
    stem += f"\n\n{code_block(lines)}"

    def sizes_with(**overrides: object) -> dict[str, int]:
        out = {}
        for i, name in enumerate(("height", "width")):
            n = sizes[1 - i] if overrides.get("swap") else sizes[i]
            k, s = kernel[i], (1 if overrides.get("no_stride") else stride[i])
            p = 0 if overrides.get("no_padding") else padding[i]
            d = 1 if overrides.get("no_dilation") else dilation[i]
            out[name] = _out_size(
                n, k, s, p, d, ceil=bool(overrides.get("ceil")), plus_one=not overrides.get("no_plus_one")
            )
        return out

    key = sizes_with()
    candidates: list[tuple[dict[str, int] | None, str]] = [
        (
            sizes_with(ceil=True),
            "The division is rounded up here, but a convolution only places a window where it fits "
            "entirely: the division by the stride is rounded down.",
        ),
        (
            sizes_with(no_dilation=True) if dilation != [1, 1] else None,
            f"Dilation spreads the kernel out: a kernel of size k with dilation d spans d·(k − 1) + 1 pixels, "
            f"so this one covers {_pair([dilation[i] * (kernel[i] - 1) + 1 for i in range(2)])}.",
        ),
        (
            sizes_with(no_padding=True) if padding != [0, 0] else None,
            "Padding adds 2·p to each spatial size before the kernel slides; it was left out.",
        ),
        (
            sizes_with(no_stride=True) if stride != [1, 1] else None,
            "The stride was ignored: with stride s the window moves s pixels at a time, so the count of "
            "positions is divided by s.",
        ),
        (
            sizes_with(no_plus_one=True),
            "The +1 for the window's first position is missing: the formula is "
            "⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1.",
        ),
        (
            sizes_with(swap=True),
            f"The input is laid out (N, C, H, W): its height is {height} and its width {width}, not the "
            "other way round.",
        ),
    ]
    steps = []
    for i, name in enumerate(("Height", "width")):
        n, k, s, p, d = sizes[i], kernel[i], stride[i], padding[i], dilation[i]
        steps.append(f"{name}: ⌊({n} + 2·{p} − {d}·({k} − 1) − 1)/{s}⌋ + 1 = {key[name.lower()]}")
    explanation = (
        "Each spatial size follows ⌊(n + 2p − d·(k − 1) − 1)/s⌋ + 1, with the kernel, stride, padding and "
        "dilation of that dimension. " + "; ".join(steps) + "."
    )
    return Variant(
        params={
            "height": height,
            "width": width,
            "kernel_size": kernel,
            "stride": stride,
            "padding": padding,
            "dilation": dilation,
        },
        fields={
            "stem": stem,
            "fields": [
                {"name": "height", "label": "H (y.shape[2])", "answer": key["height"]},
                {"name": "width", "label": "W (y.shape[3])", "answer": key["width"]},
            ],
            "misconceptions": distinct_tuple_misconceptions(key, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study the convolution output-size formula and how padding, stride and dilation enter it "
                "(skill: convolution arithmetic)."
            ),
        },
    )


# -- 9. Receptive field ---------------------------------------------------------------------------------


def _receptive(layers: Sequence[dict], *, own_stride: bool = False) -> int:
    field_, jump = 1, 1
    for layer in layers:
        if own_stride:
            jump *= layer["stride"]
            field_ += (layer["kernel"] - 1) * jump
        else:
            field_ += (layer["kernel"] - 1) * jump
            jump *= layer["stride"]
    return field_


def _receptive_field(rng: random.Random) -> Variant:
    n_layers = rng.choice((2, 3, 3, 4))
    layers: list[dict] = []
    for i in range(n_layers):
        if i > 0 and layers[-1]["type"] == "conv" and rng.random() < 0.4:
            k = rng.choice((2, 2, 3))
            layers.append({"type": "pool", "kernel": k, "stride": 2, "padding": 0})
        else:
            k = rng.choice((3, 3, 3, 5, 7))
            s = rng.choice((1, 1, 2))
            layers.append({"type": "conv", "kernel": k, "stride": s, "padding": k // 2})
    channels = [3] + [rng.choice((16, 32, 64)) * (2 ** min(i, 2)) for i in range(n_layers)]
    lines = ["net = nn.Sequential("]
    c = channels[0]
    for i, layer in enumerate(layers):
        if layer["type"] == "conv":
            args = [str(c), str(channels[i + 1]), f"kernel_size={layer['kernel']}"]
            if layer["stride"] != 1:
                args.append(f"stride={layer['stride']}")
            if layer["padding"]:
                args.append(f"padding={layer['padding']}")
            lines.append(f"    nn.Conv2d({', '.join(args)}),")
            c = channels[i + 1]
        else:
            lines.append(f"    nn.MaxPool2d(kernel_size={layer['kernel']}, stride={layer['stride']}),")
    lines.append(")")
    stem = rng.choice(
        (
            "Each pixel of `net`'s output depends on a square patch of the input image. How many input pixels "
            "wide is that patch (the receptive field)?",
            "What is the receptive field, in input pixels along one side, of a single output pixel of `net`?",
        )
    )
    stem += f"\n\n{code_block(lines)}"

    answer = _receptive(layers)
    convs = [layer for layer in layers if layer["type"] == "conv"]
    candidates: list[tuple[float | None, str]] = [
        (
            1 + sum(layer["kernel"] - 1 for layer in layers),
            "The strides were ignored. After a stride-2 layer, neighbouring pixels are 2 input pixels apart, "
            "so every later kernel reaches further: each layer adds (k − 1) × (product of earlier strides).",
        ),
        (
            sum(layer["kernel"] for layer in layers),
            "Adding the kernel sizes ignores that each new window overlaps the field so far: starting from "
            "1 pixel, a layer widens the field by k − 1 (times the product of earlier strides).",
        ),
        (
            _receptive(layers, own_stride=True),
            "A layer's own stride was applied to its kernel. The stride only spaces out the *next* layer's "
            "inputs; each layer's growth uses the product of the strides before it.",
        ),
        (
            _receptive(convs) if len(convs) < len(layers) else None,
            "The pooling layers were skipped. Max pooling also looks at a window and its stride spreads out "
            "every later layer, so it enlarges the receptive field.",
        ),
        (
            layers[-1]["kernel"],
            f"{layers[-1]['kernel']} is the last layer's window alone: how many pixels of *its* input one "
            "output pixel sees. Each of those pixels already depends on a patch of the layer before, so "
            "going back to the image every layer widens the patch by (k − 1) × (product of earlier strides).",
        ),
        (
            math.prod(layer["kernel"] for layer in layers),
            "Multiplying the kernel sizes treats every window as tiling its input without overlap, which "
            "holds only when a layer's stride equals its kernel size. Overlapping windows add less: each "
            "layer widens the field by k − 1 times the product of the strides before it.",
        ),
    ]
    steps = []
    field_, jump = 1, 1
    for i, layer in enumerate(layers):
        new = field_ + (layer["kernel"] - 1) * jump
        steps.append(f"Layer {i + 1}: {field_} + ({layer['kernel']} − 1)·{jump} = {new}")
        field_ = new
        jump *= layer["stride"]
    explanation = (
        "Start from 1 pixel and a jump of 1. Each layer adds (k − 1) × jump, then multiplies the jump by its "
        "stride; padding does not matter. "
        + "; ".join(steps)
        + f". The receptive field is {answer}×{answer}."
    )
    return Variant(
        params={"layers": layers},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "pixels",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how kernels and strides of stacked convolution and pooling layers grow the receptive "
                "field (skill: convolution arithmetic)."
            ),
        },
    )


# -- 10. Minibatches per epoch --------------------------------------------------------------------------

BATCH_SIZES = (16, 32, 50, 64, 100, 128, 256)


def _minibatches(rng: random.Random) -> Variant:
    b = rng.choice(BATCH_SIZES)
    q = rng.randint(8, 400)
    r = 0 if rng.random() < 0.15 else rng.randint(1, b - 1)
    n = q * b + r
    drop_last = rng.random() < 0.5
    epochs = rng.choice((1, 1, 2, 3, 5, 10))
    per_epoch = n // b if drop_last else math.ceil(n / b)
    answer = per_epoch * epochs
    loader_args = [f"batch_size={b}", "shuffle=True"]
    if drop_last:
        loader_args.append("drop_last=True")
    elif rng.random() < 0.4:
        loader_args.append("drop_last=False")
    body = [
        "for x, y in loader:",
        "    optimizer.zero_grad()",
        "    loss_fn(model(x), y).backward()",
        "    optimizer.step()",
    ]
    if epochs > 1:
        body = [f"for epoch in range({epochs}):"] + ["    " + line for line in body]
    lines = [f"# len(train_set) == {n}", f"loader = DataLoader(train_set, {', '.join(loader_args)})", *body]
    stem = rng.choice(
        (
            "How many times is `optimizer.step()` called in total?",
            "How many optimizer steps does this loop take?",
        )
    )
    stem += f"\n\n{code_block(lines)}"
    other = math.ceil(n / b) if drop_last else n // b
    rounding = (
        "`drop_last=True` drops the final incomplete batch, so the count is rounded down"
        if drop_last
        else "Without `drop_last=True` the final, smaller batch is kept, so the count is rounded up"
    )
    candidates: list[tuple[float | None, str]] = [
        (
            other * epochs,
            f"{rounding}: {per_epoch} batches per epoch, not {other}.",
        ),
        (
            per_epoch if epochs > 1 else None,
            f"{per_epoch} is the number of steps in one epoch; the loop runs {epochs} epochs.",
        ),
        (
            (per_epoch + 1) * epochs if r == 0 else None,
            f"{n} is an exact multiple of {b}, so there is no leftover partial batch: {per_epoch} batches per "
            "epoch, not one more.",
        ),
        (
            n * epochs,
            f"{thousands(n * epochs)} counts one step per example. The optimizer steps once per *batch* of "
            f"{b}.",
        ),
        (
            n * epochs / b if r else None,
            "A batch is a whole step: there is no fractional step. Round the number of batches per epoch "
            "to a whole number first.",
        ),
    ]
    if r:
        explanation = f"{n} examples in batches of {b}: {n}/{b} = {n / b:.4g}. {rounding}, giving "
    else:
        explanation = f"{n} = {q}·{b}, so every batch is full and `drop_last` changes nothing: "
    explanation += f"{per_epoch} batches per epoch, each one `optimizer.step()`."
    if epochs > 1:
        explanation += f" Over {epochs} epochs: {per_epoch}·{epochs} = {thousands(answer)}."
    return Variant(
        params={"n": n, "batch_size": b, "drop_last": drop_last, "epochs": epochs},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "steps",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how a DataLoader splits a dataset into minibatches and how that sets the number of "
                "optimizer steps (skill: optimisation algorithms)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-mlp-params",
        kind="numeric",
        domain="foundations",
        skills=("fnd-pytorch-basics",),
        difficulty="medium",
        build=_mlp_params,
    ),
    GeneratorFamily(
        id="gen-conv2d-params",
        kind="numeric",
        domain="cnn",
        skills=("cnn-conv-arithmetic",),
        difficulty="easy",
        build=_conv2d_params,
    ),
    GeneratorFamily(
        id="gen-depthwise-separable-params",
        kind="numeric",
        domain="cnn",
        skills=("cnn-architectures",),
        difficulty="hard",
        build=_depthwise_separable_params,
    ),
    GeneratorFamily(
        id="gen-lstm-params",
        kind="numeric",
        domain="sequence_models",
        skills=("seq-recurrent",),
        difficulty="hard",
        build=_lstm_params,
    ),
    GeneratorFamily(
        id="gen-gru-params",
        kind="numeric",
        domain="sequence_models",
        skills=("seq-recurrent",),
        difficulty="hard",
        build=_gru_params,
    ),
    GeneratorFamily(
        id="gen-mha-params",
        kind="numeric",
        domain="sequence_models",
        skills=("seq-transformers", "seq-multihead"),
        difficulty="medium",
        build=_mha_params,
    ),
    GeneratorFamily(
        id="gen-embedding-params-shape",
        kind="numeric_tuple",
        domain="sequence_models",
        skills=("seq-embeddings",),
        difficulty="easy",
        build=_embedding_shape,
    ),
    GeneratorFamily(
        id="gen-conv-output-size",
        kind="numeric_tuple",
        domain="cnn",
        skills=("cnn-conv-arithmetic",),
        difficulty="medium",
        build=_conv_output_size,
    ),
    GeneratorFamily(
        id="gen-receptive-field",
        kind="numeric",
        domain="cnn",
        skills=("cnn-conv-arithmetic",),
        difficulty="hard",
        build=_receptive_field,
    ),
    GeneratorFamily(
        id="gen-minibatches-per-epoch",
        kind="numeric",
        domain="improving_networks",
        skills=("imp-optimisation",),
        difficulty="easy",
        build=_minibatches,
    ),
]

"""Practice ladder for sequence models: the very easy (−3, −2) and very hard (+2) rungs.

The bank's sequence items and families sit at −1, 0 and +1 (LSTM, GRU and multi-head attention
parameters, embedding shapes). These families reach the learners outside that range:

- −3: the number of time steps in an RNN's input, read from its layout (`batch_first` stated).
- −2: one scaled dot-product attention score of two small integer vectors.
- +2: the parameters of a small weight-tied transformer language model (embeddings, positions,
  stacked encoder layers, final norm, tied output head).

Every answer is computed here in plain Python; tests/content/oracles_ladder_sequence_models.py
recomputes it with real PyTorch from the parameters each variant returns. Misconceptions that would
coincide with the key (or with each other) are left out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from adaptest.bank.authoring import code_block, distinct_misconceptions, plain_number, thousands
from adaptest.bank.generators import GeneratorFamily, Variant

# -- −3. Time steps of a recurrent layer's input ------------------------------------------------------

BATCHES = (2, 3, 4, 8, 16, 32, 64)
STEPS = (5, 6, 7, 9, 10, 12, 15, 20, 25, 30, 40, 50)
FEATURES = (3, 4, 6, 8, 10, 13, 24, 50, 64)
HIDDEN = (16, 20, 32, 48, 64, 100, 128)


def _rnn_time_steps(rng: random.Random) -> Variant:
    while True:
        batch, steps, features, hidden = (
            rng.choice(BATCHES),
            rng.choice(STEPS),
            rng.choice(FEATURES),
            rng.choice(HIDDEN),
        )
        if len({batch, steps, features, hidden}) == 4:
            break
    cell = rng.choice(("RNN", "LSTM", "GRU"))
    batch_first = rng.random() < 0.5
    if batch_first:
        shape = (batch, steps, features)
        layout = "(batch, time, features)"
        rnn_args = f"input_size={features}, hidden_size={hidden}, batch_first=True"
    else:
        shape = (steps, batch, features)
        layout = "(time, batch, features)"
        rnn_args = f"input_size={features}, hidden_size={hidden}"
    lines = [
        f"x = torch.randn{shape}  # layout {layout}",
        f"rnn = nn.{cell}({rnn_args})",
        "out, state = rnn(x)",
    ]
    question = rng.choice(
        (
            "For how many time steps does `rnn` apply its cell to each sequence in `x`?",
            "How long is each sequence in `x`, in time steps?",
            "`rnn` reads each sequence of `x` one time step at a time. How many time steps are there?",
        )
    )
    stem = f"{question}\n\n{code_block(lines)}"
    answer = steps
    position = "second" if batch_first else "first"
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                batch,
                f"{batch} is the batch size: the number of sequences processed side by side. The layout "
                f"{layout} puts time {position}.",
            ),
            (
                features,
                f"{features} is the number of features each time step carries (`input_size`), not the number "
                "of steps.",
            ),
            (
                hidden,
                f"{hidden} is `hidden_size`, the size of the state the cell carries from step to step; it "
                "does not depend on the input's length.",
            ),
        ],
        separation=0.5,
        limit=3,
    )
    default = (
        "`batch_first=True` puts the batch first and time second"
        if batch_first
        else "by default PyTorch's recurrent layers expect time first, then batch"
    )
    out_shape = f"({batch}, {steps}, {hidden})" if batch_first else f"({steps}, {batch}, {hidden})"
    explanation = (
        f"The layout is {layout}: {default}. So `x` holds {batch} sequences of {steps} time steps with "
        f"{features} features each, and `rnn` applies its cell {steps} times per sequence, once per step "
        f"(reusing the same weights). `out` has one output per step: shape {out_shape}."
    )
    return Variant(
        params={
            "cell": cell,
            "batch": batch,
            "steps": steps,
            "features": features,
            "hidden": hidden,
            "batch_first": batch_first,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": "time steps",
            "misconceptions": misconceptions,
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how PyTorch's recurrent layers lay out a batch of sequences — (time, batch, features) "
                "by default, (batch, time, features) with `batch_first=True` — and how the cell runs once "
                "per time step (skill: unrolling a vanilla RNN and backpropagating through time)."
            ),
        },
    )


# -- −2. One scaled dot-product attention score --------------------------------------------------------


def _vector(values: Sequence[int]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def _signed(value: int) -> str:
    """A factor in a written product: negative numbers in brackets, with a true minus sign."""
    return f"(−{-value})" if value < 0 else str(value)


def _dot_product_score(rng: random.Random) -> Variant:
    d = rng.choice((4, 4, 9))
    while True:
        q = [rng.randint(-2, 3) for _ in range(d)]
        k = [rng.randint(-2, 3) for _ in range(d)]
        dot = sum(a * b for a, b in zip(q, k, strict=True))
        if dot != 0:
            break
    root = math.isqrt(d)
    answer = dot / root
    question = rng.choice(
        (
            "What is the scaled dot-product attention score of query $q$ for key $k$ (the score before "
            "the softmax)?",
            "In scaled dot-product attention, what score does the query $q$ give the key $k$ before the "
            "softmax?",
            "A transformer's attention compares the query $q$ with the key $k$. What is their scaled "
            "dot-product score (before the softmax)?",
        )
    )
    stem = (
        f"{question}\n\n$q = {_vector(q)}$, $k = {_vector(k)}$, key dimension $d_k = {d}$.\n\n"
        "Give the answer to two decimal places."
    )
    products = " + ".join(f"{_signed(a)}·{_signed(b)}" for a, b in zip(q, k, strict=True))
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                dot,
                f"{dot} is the raw dot product $q \\cdot k$. Scaled dot-product attention divides it by "
                f"$\\sqrt{{d_k}} = {root}$ so that scores do not grow with the vector length.",
            ),
            (
                round(dot / d, 4),
                f"{plain_number(dot / d)} divides by $d_k = {d}$. The scale is its square root, "
                f"$\\sqrt{{{d}}} = {root}$.",
            ),
            (
                dot * root,
                f"{plain_number(dot * root)} multiplies by $\\sqrt{{d_k}}$. The scaling shrinks the dot "
                f"product: divide by {root}.",
            ),
        ],
        separation=0.02,
        limit=3,
    )
    explanation = (
        f"The score is $q \\cdot k / \\sqrt{{d_k}}$. The dot product is {products} = {dot}; "
        f"$\\sqrt{{{d}}} = {root}$, so the score is {dot}/{root} = {plain_number(answer)}."
    )
    return Variant(
        params={"query": q, "key": k},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.01},
            "misconceptions": misconceptions,
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how attention scores a query against a key: the dot product of the two vectors, "
                "divided by the square root of the key dimension (skill: computing scaled dot-product "
                "attention)."
            ),
        },
    )


# -- +2. Parameters of a small weight-tied transformer language model ------------------------------------

LM_VOCABS = (1000, 5000, 8000, 10000, 16000, 32000)
LM_DIMS = (64, 128, 256, 512)
LM_LENGTHS = (128, 256, 512, 1024, 2048)


def _tied_lm_params(rng: random.Random) -> Variant:
    vocab, d, length = rng.choice(LM_VOCABS), rng.choice(LM_DIMS), rng.choice(LM_LENGTHS)
    heads = rng.choice([h for h in (2, 4, 8) if d // h >= 16])
    ff = d * rng.choice((2, 4))
    n_layers = rng.choice((2, 3, 4, 6))
    learned_positions = rng.random() < 0.5
    head_bias = rng.random() < 0.4

    attention = 4 * d * d + 4 * d
    feed_forward = d * ff + ff + ff * d + d
    norms = 2 * 2 * d
    layer = attention + feed_forward + norms
    token_table = vocab * d
    position_table = length * d
    answer = token_table + (position_table if learned_positions else 0) + n_layers * layer + 2 * d
    answer += vocab if head_bias else 0

    position_line = (
        f"        self.pos = nn.Embedding({length}, {d})  # learned positions"
        if learned_positions
        else f'        self.register_buffer("pos", sinusoid_table({length}, {d}))  # fixed sin/cos, ({length}, {d})'
    )
    head_args = f"{d}, {vocab}" + ("" if head_bias else ", bias=False")
    lines = [
        "class TinyLM(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        f"        self.tok = nn.Embedding({vocab}, {d})",
        position_line,
        f"        layer = nn.TransformerEncoderLayer({d}, nhead={heads}, dim_feedforward={ff}, batch_first=True)",
        f"        self.blocks = nn.TransformerEncoder(layer, num_layers={n_layers})",
        f"        self.norm = nn.LayerNorm({d})",
        f"        self.head = nn.Linear({head_args})",
        "        self.head.weight = self.tok.weight  # weight tying",
        "",
        "model = TinyLM()",
    ]
    question = rng.choice(
        (
            "How many learnable parameters does `model` have?",
            "What does `sum(p.numel() for p in model.parameters())` return?",
            "How many trainable numbers does this language model hold?",
        )
    )
    stem = (
        f"{question} (PyTorch defaults apply: attention projections and `nn.Linear` layers have biases "
        "unless `bias=False`, and every `nn.LayerNorm` has a weight and a bias.)\n\n" + code_block(lines)
    )

    tied_twice = (
        answer + token_table,
        f"{thousands(answer + token_table)} counts the {vocab}×{d} table twice. `self.head.weight = "
        "self.tok.weight` makes the head use the embedding's tensor: it is one parameter, stored and trained "
        "once, and `parameters()` yields it once.",
    )
    one_layer = (
        answer - (n_layers - 1) * layer,
        f"{thousands(answer - (n_layers - 1) * layer)} counts one encoder layer. `nn.TransformerEncoder` "
        f"makes {n_layers} independent copies of `layer`, each with its own {thousands(layer)} parameters.",
    )
    if learned_positions:
        positions = (
            answer - position_table,
            f"{thousands(answer - position_table)} leaves out the learned position table: "
            f"`nn.Embedding({length}, {d})` holds {thousands(position_table)} trainable numbers.",
        )
    else:
        positions = (
            answer + position_table,
            f"{thousands(answer + position_table)} counts the sinusoid table. A buffer is saved with the "
            "model but is not a parameter: the sin/cos values are fixed and never trained.",
        )
    head_bias_forgotten = (
        answer - vocab,
        f"{thousands(answer - vocab)} forgets the head's bias. Only the weight is tied; `nn.Linear({d}, "
        f"{vocab})` still has its own {thousands(vocab)} biases.",
    )
    candidates = [tied_twice, *([head_bias_forgotten] if head_bias else []), one_layer, positions]

    position_text = (
        f"learned positions {length}·{d} = {thousands(position_table)}"
        if learned_positions
        else "the sinusoid table is a buffer, not a parameter: 0"
    )
    head_text = (
        f"the head's weight is the token table (tied, counted once) but its {thousands(vocab)} biases are "
        "its own"
        if head_bias
        else "the head has no bias and its weight is the token table (tied, counted once): 0"
    )
    explanation = (
        f"Token embeddings: {vocab}·{d} = {thousands(token_table)}; {position_text}. One encoder layer: "
        f"self-attention 4·{d}² + 4·{d} = {thousands(attention)} (query, key, value and output projections "
        f"with biases; the {heads} heads share them), feed-forward {d}·{ff} + {ff} + {ff}·{d} + {d} = "
        f"{thousands(feed_forward)}, two layer norms 2·2·{d} = {thousands(norms)}; in all "
        f"{thousands(layer)}. `nn.TransformerEncoder` copies it {n_layers} times: "
        f"{thousands(n_layers * layer)}. Final layer norm: 2·{d} = {thousands(2 * d)}. Output head: "
        f"{head_text}. Total: {thousands(answer)}."
    )
    return Variant(
        params={
            "vocab": vocab,
            "d_model": d,
            "max_len": length,
            "nhead": heads,
            "dim_feedforward": ff,
            "num_layers": n_layers,
            "learned_positions": learned_positions,
            "head_bias": head_bias,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.5),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study what a transformer encoder layer contains (attention projections, feed-forward "
                "network, two layer norms), that `nn.TransformerEncoder` stacks independent copies, and how "
                "weight tying and buffers change what `parameters()` counts (skills: transformer building "
                "blocks; word embeddings; positional encodings)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-seq-rnn-time-steps",
        kind="numeric",
        domain="sequence_models",
        skills=("seq-rnn-bptt",),
        difficulty=-3.0,
        use="practice",
        build=_rnn_time_steps,
    ),
    GeneratorFamily(
        id="gen-seq-dot-product-score",
        kind="numeric",
        domain="sequence_models",
        skills=("seq-attention",),
        difficulty=-2.0,
        use="practice",
        build=_dot_product_score,
    ),
    GeneratorFamily(
        id="gen-seq-tied-lm-params",
        kind="numeric",
        domain="sequence_models",
        skills=("seq-transformers", "seq-embeddings", "seq-positional"),
        difficulty=2.0,
        use="practice",
        build=_tied_lm_params,
    ),
]

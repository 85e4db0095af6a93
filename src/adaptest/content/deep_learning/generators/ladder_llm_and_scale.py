"""Practice ladder for LLMs and scale: one family at each level from −3 (nearly everyone) to +2 (experts).

The levels, from easiest to hardest: tokens left in a context window (−3), the perplexity of a uniform
model (−2), the memory of weights in a number format (−1), the size of a key–value cache (0), the tokens
in one optimiser step under data + tensor (+ pipeline) parallelism (+1), and the memory of LoRA
fine-tuning with mixed-precision Adam (+2). Every answer is computed here in plain Python;
tests/content/oracles_ladder_llm_and_scale.py recomputes it with PyTorch from the variant's parameters.
"""

from __future__ import annotations

import math
import random
from functools import partial

from adaptest.bank.authoring import distinct_misconceptions, plain_number, thousands
from adaptest.bank.generators import GeneratorFamily, Variant
from adaptest.bank.schema import Tolerance

MAX_MISCONCEPTIONS = 3

_fmt = partial(plain_number, thousands="always")
"""Numbers in this module's prose: thousands separators in every number (``1,234.5``)."""


# -- −3: tokens left in a context window ----------------------------------------------------------------

CONTEXT_WINDOWS = (2048, 4096, 8192, 16384, 32768, 128000)


def _context_tokens_left(rng: random.Random) -> Variant:
    window = rng.choice(CONTEXT_WINDOWS)
    prompt = rng.randrange(10, window * 3 // 40) * 10
    if 2 * prompt == window:
        prompt += 10
    answer = window - prompt
    what = rng.choice(
        (
            "Your few-shot prompt (instructions plus examples) is",
            "The prompt, with its instructions and worked examples, is",
            "The conversation so far, which the model reads as its prompt, is",
        )
    )
    stem = (
        f"A language model has a context window of {thousands(window)} tokens, shared by the prompt and the "
        f"tokens it generates. {what} {thousands(prompt)} tokens long. At most how many new tokens can the "
        "model generate in its reply?"
    )
    tolerance: dict[str, float] = {}
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                window,
                f"{thousands(window)} is the whole window. The prompt sits inside the same window, so its "
                f"{thousands(prompt)} tokens are no longer free for the reply.",
            ),
            (
                window // 2,
                f"{thousands(window // 2)} splits the window in half. There is no fixed split between prompt "
                "and reply: the reply can use everything the prompt leaves free.",
            ),
            (
                window + prompt,
                f"{thousands(window + prompt)} adds the prompt to the window. The prompt does not come on "
                "top of the window; it takes up part of it.",
            ),
        ],
        separation=Tolerance(**tolerance),
        limit=MAX_MISCONCEPTIONS,
    )
    return Variant(
        params={"context_window": window, "prompt_tokens": prompt},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "tokens",
            "misconceptions": misconceptions,
            "explanation": (
                f"The prompt and the reply must fit together in the {thousands(window)}-token window. The "
                f"prompt already fills {thousands(prompt)} positions, so {thousands(window)} − "
                f"{thousands(prompt)} = {thousands(answer)} tokens remain for the reply. A longer prompt "
                "(more examples) leaves less room, and every request pays for it again."
            ),
            "dont_know_feedback": (
                "Study what a context window is: the prompt and the generated tokens share one fixed number "
                "of positions (skill: deciding between prompting and fine-tuning a pretrained model)."
            ),
        },
    )


# -- −2: perplexity of a uniform model ------------------------------------------------------------------

VOCABULARIES = (100, 256, 1000, 5000, 10000, 32000, 32768, 50257, 65536, 100000, 128256, 151936)
TEXT_LENGTHS = (20, 50, 100, 200, 500, 1000)


def _uniform_perplexity(rng: random.Random) -> Variant:
    vocab = rng.choice(VOCABULARIES)
    length = rng.choice(TEXT_LENGTHS)
    answer = vocab
    nats = math.log(vocab)
    who = rng.choice(
        (
            "A freshly initialised language model",
            "A language model whose logits are all equal",
            "A baseline model that knows nothing about language",
        )
    )
    stem = (
        f"{who} gives every one of the {thousands(vocab)} tokens in its vocabulary the same probability at "
        f"every position. What is its perplexity on a held-out text of {thousands(length)} tokens? "
        "(Perplexity is the exponential of the average cross-entropy per token in nats.)"
    )
    tolerance = {"relative": 0.002}
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                round(nats, 4),
                f"{_fmt(nats)} is ln {thousands(vocab)}, the cross-entropy per token in nats. Perplexity is "
                f"its exponential: e^(ln {thousands(vocab)}) = {thousands(vocab)}.",
            ),
            (
                1 / vocab,
                f"1/{thousands(vocab)} is the probability the model gives each token. Perplexity is the "
                "inverse of that (geometric-mean) probability, so it is large when the model is unsure.",
            ),
            (
                length,
                f"{thousands(length)} is the length of the text. Perplexity is an average per token, so it "
                "does not grow with the number of tokens.",
            ),
        ],
        separation=Tolerance(**tolerance),
        limit=MAX_MISCONCEPTIONS,
    )
    return Variant(
        params={"vocab_size": vocab, "length": length},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": tolerance,
            "misconceptions": misconceptions,
            "explanation": (
                f"Every true next token gets probability 1/{thousands(vocab)}, so the cross-entropy at each "
                f"position is −ln(1/{thousands(vocab)}) = ln {thousands(vocab)} ≈ {_fmt(nats)} nats, and so "
                f"is the average over the {thousands(length)} tokens. Perplexity = e^{_fmt(nats)} = "
                f"{thousands(vocab)}: a model guessing uniformly over V tokens has perplexity V, whatever "
                "the length of the text."
            ),
            "dont_know_feedback": (
                "Study how perplexity is defined from the average cross-entropy per token, and what it is for a "
                "model that guesses uniformly (skill: measuring next-token prediction with cross-entropy and "
                "perplexity)."
            ),
        },
    )


# -- −1: memory of the weights in a number format -------------------------------------------------------

# (short name, torch dtype, bytes per number, bits per number)
NUMBER_FORMATS = (
    ("fp32", "torch.float32", 4, 32),
    ("fp16", "torch.float16", 2, 16),
    ("bf16", "torch.bfloat16", 2, 16),
)
# Model sizes in tenths of a billion parameters (so the arithmetic stays exact).
MODEL_TENTHS = (5, 10, 15, 30, 70, 80, 130, 140, 340, 700)


def _weights_memory(rng: random.Random) -> Variant:
    name, dtype, size, bits = rng.choice(NUMBER_FORMATS)
    tenths = rng.choice(MODEL_TENTHS)
    billions = tenths / 10
    answer = tenths * size / 10
    stem = rng.choice(
        (
            f"A language model has {_fmt(billions)} billion parameters stored as {name} (`{dtype}`). How "
            "much memory do its weights alone take?",
            f"You load the weights of a {_fmt(billions)}-billion-parameter model in {name} (`{dtype}`). How "
            "much memory do the weights need, before any activations or caches?",
        )
    )
    stem += " Answer in GB (1 GB = 10⁹ bytes)."
    tolerance = {"relative": 0.001}
    if size == 2:
        wrong_size = (
            tenths * 4 / 10,
            f"{_fmt(tenths * 4 / 10)} GB uses 4 bytes per number, the size of fp32. {name} has 16 bits, "
            f"which is 2 bytes{' (bf16 keeps fp32’s 8 exponent bits but only 7 mantissa bits)' if name == 'bf16' else ''}.",
        )
    else:
        wrong_size = (
            tenths * 2 / 10,
            f"{_fmt(tenths * 2 / 10)} GB uses 2 bytes per number, the size of fp16 and bf16. fp32 has 32 bits, "
            "which is 4 bytes.",
        )
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                tenths * bits / 10,
                f"{_fmt(tenths * bits / 10)} GB multiplies by the {bits} *bits* of {name}. Memory is counted in "
                f"bytes of 8 bits, so {name} takes {bits} / 8 = {size} bytes per number.",
            ),
            wrong_size,
            (
                billions,
                f"{_fmt(billions)} GB counts one byte per parameter, as an 8-bit format would. {name} takes "
                f"{size} bytes per number.",
            ),
        ],
        separation=Tolerance(**tolerance),
        limit=MAX_MISCONCEPTIONS,
    )
    return Variant(
        params={"parameters": tenths * 100_000_000, "dtype": dtype},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "GB",
            "tolerance": tolerance,
            "misconceptions": misconceptions,
            "explanation": (
                f"{name} uses {bits} bits = {size} bytes per number, so {_fmt(billions)} × 10⁹ parameters take "
                f"{_fmt(billions)} × 10⁹ × {size} = {_fmt(answer)} × 10⁹ bytes = {_fmt(answer)} GB."
            ),
            "dont_know_feedback": (
                "Study how many bits and bytes fp32, fp16 and bf16 use per number (skill: comparing fp32, fp16 "
                "and bf16 for mixed-precision training)."
            ),
        },
    )


# -- 0: size of a key–value cache -----------------------------------------------------------------------

KV_LAYERS = (12, 16, 24, 28, 32, 40)
KV_HEADS = (8, 12, 16, 20, 32, 40)
KV_HEAD_DIMS = (64, 128)
KV_TOKENS = (512, 1024, 2048, 4096, 8192)
KV_BATCHES = (1, 1, 2, 4, 8)
# (name, torch dtype, bytes per number)
KV_FORMATS = (("fp16", "torch.float16", 2), ("bf16", "torch.bfloat16", 2), ("fp32", "torch.float32", 4))
MIB, GIB = 2**20, 2**30


def _kv_cache(rng: random.Random) -> Variant:
    layers, heads, head_dim = rng.choice(KV_LAYERS), rng.choice(KV_HEADS), rng.choice(KV_HEAD_DIMS)
    tokens, batch = rng.choice(KV_TOKENS), rng.choice(KV_BATCHES)
    name, dtype, size = rng.choice(KV_FORMATS)
    per_token = 2 * layers * heads * head_dim * size
    total = per_token * tokens * batch
    unit, scale, decimal = ("GiB", GIB, 10**9) if total >= 4 * GIB else ("MiB", MIB, 10**6)
    power = "2³⁰" if unit == "GiB" else "2²⁰"
    answer = total / scale
    what = (
        f"a single sequence of {thousands(tokens)} tokens"
        if batch == 1
        else f"a batch of {batch} sequences, each with a context of {thousands(tokens)} tokens"
    )
    stem = (
        f"A decoder-only transformer has {layers} layers, each with standard multi-head attention of {heads} "
        f"heads of dimension {head_dim} (model dimension {thousands(heads * head_dim)}). Its key–value cache "
        f"is stored in {name} (`{dtype}`). How much memory does the cache take for {what}? Answer in {unit} "
        f"(1 {unit} = {power} bytes)."
    )
    tolerance = {"relative": 0.001}
    candidates: list[tuple[float | None, str]] = [
        (
            answer / 2,
            f"{_fmt(answer / 2)} {unit} stores only one of the two tensors. Every layer caches both the keys "
            "and the values of each token.",
        ),
        (
            answer / layers,
            f"{_fmt(answer / layers)} {unit} is the cache of a single layer. Each of the {layers} layers keeps "
            "its own keys and values.",
        ),
        (
            answer / batch if batch > 1 else None,
            f"{_fmt(answer / batch)} {unit} is the cache of one sequence. Each of the {batch} sequences in the "
            "batch has its own cache.",
        ),
        (
            answer * 2 if size == 2 else None,
            f"{_fmt(answer * 2)} {unit} uses 4 bytes per number. {name} takes 2 bytes.",
        ),
        (
            total / decimal,
            f"{_fmt(total / decimal)} divides by {decimal:,} (10{'⁹' if unit == 'GiB' else '⁶'}). The question "
            f"asks for {unit}, which is {power} = {scale:,} bytes.",
        ),
    ]
    return Variant(
        params={
            "layers": layers,
            "heads": heads,
            "head_dim": head_dim,
            "tokens": tokens,
            "batch": batch,
            "dtype": dtype,
            "unit": unit,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": unit,
            "tolerance": tolerance,
            "misconceptions": distinct_misconceptions(answer, candidates, separation=Tolerance(**tolerance)),
            "explanation": (
                f"Per token the cache holds 2 (keys and values) × {layers} layers × {heads} heads × "
                f"{head_dim} × {size} bytes = {thousands(per_token)} bytes. Times {thousands(tokens)} "
                f"tokens{f' × {batch} sequences' if batch > 1 else ''} gives {thousands(total)} bytes = "
                f"{_fmt(answer)} {unit} ({unit} = {scale:,} bytes)."
            ),
            "dont_know_feedback": (
                "Study what the key–value cache stores for every token in every layer, and how it grows with "
                "context length and batch size (skill: sizing the key–value cache of autoregressive inference)."
            ),
        },
    )


# -- +1: tokens per optimiser step with data, tensor and pipeline parallelism ----------------------------

DP_REPLICAS = (2, 4, 8, 16, 32)
TP_SIZES = (2, 4, 8)
PP_SIZES = (1, 1, 2, 4)
MICRO_BATCHES = (1, 2, 4, 8)
ACCUMULATION = (2, 4, 8, 16)
SEQUENCE_LENGTHS = (1024, 2048, 4096, 8192)


def _parallel_tokens(rng: random.Random) -> Variant:
    replicas, tp, pp = rng.choice(DP_REPLICAS), rng.choice(TP_SIZES), rng.choice(PP_SIZES)
    micro, accumulation, seq = (
        rng.choice(MICRO_BATCHES),
        rng.choice(ACCUMULATION),
        rng.choice(SEQUENCE_LENGTHS),
    )
    gpus = replicas * tp * pp
    answer = replicas * micro * accumulation * seq
    if pp == 1:
        layout = (
            f"Tensor parallelism splits every layer across groups of {tp} GPUs, so each group of {tp} GPUs "
            "holds one replica of the model and works on the same micro-batch."
        )
    else:
        layout = (
            f"Each replica of the model spans {tp * pp} GPUs: {pp} pipeline stages, each split across {tp} GPUs "
            "by tensor parallelism."
        )
    stem = (
        f"A language model is trained on {gpus} GPUs. {layout} The replicas are trained with data "
        f"parallelism. Every replica processes micro-batches of {micro} sequence{'s' if micro > 1 else ''} "
        f"of {thousands(seq)} tokens and accumulates gradients over {accumulation} micro-batches before each "
        "optimiser step. How many tokens contribute to one optimiser step?"
    )
    tolerance: dict[str, float] = {}
    candidates: list[tuple[float | None, str]] = [
        (
            gpus * micro * accumulation * seq,
            f"{thousands(gpus * micro * accumulation * seq)} treats all {gpus} GPUs as data-parallel "
            f"replicas. The GPUs of one replica ({tp * pp} of them) share one micro-batch, so there are only "
            f"{gpus} / {tp * pp} = {replicas} replicas.",
        ),
        (
            replicas * pp * micro * accumulation * seq if pp > 1 else None,
            f"{thousands(replicas * pp * micro * accumulation * seq)} divides the GPUs by the "
            f"tensor-parallel size only. The {pp} pipeline stages belong to the same replica too: {gpus} / "
            f"({tp} × {pp}) = {replicas} replicas.",
        ),
        (
            replicas * micro * accumulation,
            f"{thousands(replicas * micro * accumulation)} is the number of *sequences* per step. Each has "
            f"{thousands(seq)} tokens.",
        ),
        (
            replicas * micro * seq,
            f"{thousands(replicas * micro * seq)} leaves out gradient accumulation: every replica adds up "
            f"{accumulation} micro-batches before the update.",
        ),
    ]
    return Variant(
        params={
            "gpus": gpus,
            "tensor_parallel": tp,
            "pipeline_parallel": pp,
            "micro_batch": micro,
            "accumulation": accumulation,
            "sequence_length": seq,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": "tokens",
            "misconceptions": distinct_misconceptions(answer, candidates, separation=Tolerance(**tolerance)),
            "explanation": (
                f"Only data parallelism multiplies the batch: one replica takes {tp * pp} GPUs"
                f"{f' ({pp} stages × {tp})' if pp > 1 else ''}, so {gpus} GPUs hold {gpus} / {tp * pp} = "
                f"{replicas} replicas. Tokens per step = replicas × micro-batch × accumulation steps × sequence "
                f"length = {replicas} × {micro} × {accumulation} × {thousands(seq)} = {thousands(answer)}."
            ),
            "dont_know_feedback": (
                "Study how data parallelism and gradient accumulation set the global batch, and why the GPUs "
                "of one tensor- or pipeline-parallel group count as a single replica (skills: training with "
                "data parallelism; splitting a model across devices)."
            ),
        },
    )


# -- +2: memory of LoRA fine-tuning with mixed-precision Adam --------------------------------------------

# (parameters in tenths of a billion, layers, model dimension, key/value output width, MLP width)
LORA_MODELS = (
    (11, 22, 2048, 256, 5632),
    (15, 28, 1536, 256, 8960),
    (32, 28, 3072, 1024, 8192),
    (70, 32, 4096, 4096, 11008),
    (80, 32, 4096, 1024, 14336),
    (130, 40, 5120, 5120, 13824),
)
LORA_RANKS = (8, 16, 32, 64)
LORA_TARGETS = (
    ("q_proj", "v_proj"),
    ("q_proj", "k_proj", "v_proj", "o_proj"),
    ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
)
LORA_MIN_EXTRA_BYTES = 5 * 10**7
"""The adapters' optimiser state (14 bytes per trainable parameter) must be at least 0.05 GB, so that
leaving it out is a visible mistake at the answer's ±0.01 GB."""


def _matrix_shapes(d_model: int, kv: int, mlp: int) -> dict[str, tuple[int, int]]:
    return {
        "q_proj": (d_model, d_model),
        "k_proj": (d_model, kv),
        "v_proj": (d_model, kv),
        "o_proj": (d_model, d_model),
        "gate_proj": (d_model, mlp),
        "up_proj": (d_model, mlp),
        "down_proj": (mlp, d_model),
    }


def _lora_memory(rng: random.Random) -> Variant:
    while True:
        tenths, layers, d_model, kv, mlp = rng.choice(LORA_MODELS)
        rank, targets = rng.choice(LORA_RANKS), rng.choice(LORA_TARGETS)
        shapes = [_matrix_shapes(d_model, kv, mlp)[t] for t in targets]
        per_layer = sum(rank * (d_in + d_out) for d_in, d_out in shapes)
        trainable = layers * per_layer
        if 14 * trainable >= LORA_MIN_EXTRA_BYTES:
            break
    base = tenths * 100_000_000
    frozen_bytes = 2 * base
    adapter_bytes = 16 * trainable
    answer = (frozen_bytes + adapter_bytes) / 1e9
    shape_text = ", ".join(
        f"`{t}` {thousands(i)} → {thousands(o)}" for t, (i, o) in zip(targets, shapes, strict=True)
    )
    stem = (
        f"A transformer with {_fmt(tenths / 10)} billion parameters and {layers} layers is fine-tuned with LoRA "
        f"of rank {rank} on these matrices of every layer (input → output features, no biases): {shape_text}. "
        "The base weights stay frozen in bf16. The adapters are trained with mixed-precision Adam: bf16 "
        "weights and gradients, an fp32 master copy of the weights and two fp32 moments. Ignoring "
        "activations and temporary buffers, how much memory do the frozen weights plus everything the "
        "adapters need take? Answer in GB (1 GB = 10⁹ bytes), to two decimal places."
    )
    tolerance = {"absolute": 0.01}
    full_matrices = layers * sum(d_in * d_out for d_in, d_out in shapes)
    candidates: list[tuple[float | None, str]] = [
        (
            16 * (base + trainable) / 1e9,
            f"{_fmt(16 * (base + trainable) / 1e9, 2)} GB gives every parameter 16 bytes, as in full "
            "fine-tuning. Frozen weights get no gradients and no Adam states: they need only their 2-byte "
            "bf16 copy.",
        ),
        (
            adapter_bytes / 1e9,
            f"{_fmt(adapter_bytes / 1e9, 2)} GB counts only the adapters. The frozen base model must still be "
            f"in memory for the forward and backward passes: {_fmt(tenths / 10)} × 10⁹ × 2 bytes.",
        ),
        (
            2 * (base + trainable) / 1e9,
            f"{_fmt(2 * (base + trainable) / 1e9, 2)} GB stores the adapters like frozen weights, 2 bytes each. "
            "Trained parameters also need a gradient (2 bytes), an fp32 master copy (4) and two fp32 moments "
            "(8): 16 bytes each.",
        ),
        (
            (frozen_bytes + 16 * full_matrices) / 1e9,
            f"{_fmt((frozen_bytes + 16 * full_matrices) / 1e9, 2)} GB trains the full adapted matrices. LoRA "
            "trains only the low-rank factors A (r × d_in) and B (d_out × r) of each.",
        ),
    ]
    per_matrix = " + ".join(f"{rank}·({thousands(i)} + {thousands(o)})" for i, o in shapes)
    return Variant(
        params={
            "base_parameters": base,
            "layers": layers,
            "rank": rank,
            "shapes": [list(shape) for shape in shapes],
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": "GB",
            "tolerance": tolerance,
            "misconceptions": distinct_misconceptions(answer, candidates, separation=Tolerance(**tolerance)),
            "explanation": (
                f"LoRA trains r·(d_in + d_out) parameters per adapted matrix: per layer {per_matrix} = "
                f"{thousands(per_layer)}, times {layers} layers = {thousands(trainable)} trainable "
                "parameters. Each needs 2 (bf16 weight) + 2 (bf16 gradient) + 4 (fp32 master) + 8 (two fp32 "
                f"moments) = 16 bytes: {thousands(adapter_bytes)} bytes. The frozen weights need only their "
                f"bf16 copy: {thousands(base)} × 2 = {thousands(frozen_bytes)} bytes. Total "
                f"{thousands(frozen_bytes + adapter_bytes)} bytes ≈ {answer:.2f} GB — far below the "
                f"{_fmt(16 * base / 1e9, 2)} GB of full fine-tuning, and dominated by the frozen weights."
            ),
            "dont_know_feedback": (
                "Study what training with Adam stores per trained parameter, what a frozen parameter still "
                "needs, and how many parameters a LoRA adapter trains (skills: estimating the memory needed to "
                "train a large model; counting the low-rank updates of LoRA)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-llm-context-tokens-left",
        kind="numeric",
        domain="llm_and_scale",
        skills=("llm-prompting-vs-finetuning",),
        difficulty=-3.0,
        use="practice",
        build=_context_tokens_left,
    ),
    GeneratorFamily(
        id="gen-llm-uniform-perplexity",
        kind="numeric",
        domain="llm_and_scale",
        skills=("llm-perplexity",),
        difficulty=-2.0,
        use="practice",
        build=_uniform_perplexity,
    ),
    GeneratorFamily(
        id="gen-llm-weights-memory",
        kind="numeric",
        domain="llm_and_scale",
        skills=("llm-number-formats",),
        difficulty=-1.0,
        use="practice",
        build=_weights_memory,
    ),
    GeneratorFamily(
        id="gen-llm-kv-cache-size",
        kind="numeric",
        domain="llm_and_scale",
        skills=("llm-kv-cache",),
        difficulty=0.0,
        use="practice",
        build=_kv_cache,
    ),
    GeneratorFamily(
        id="gen-llm-parallel-tokens-per-step",
        kind="numeric",
        domain="llm_and_scale",
        skills=("llm-data-parallel", "llm-model-parallel"),
        difficulty=1.0,
        use="practice",
        build=_parallel_tokens,
    ),
    GeneratorFamily(
        id="gen-llm-lora-finetune-memory",
        kind="numeric",
        domain="llm_and_scale",
        skills=("llm-training-memory", "llm-lora"),
        difficulty=2.0,
        use="practice",
        build=_lora_memory,
    ),
]

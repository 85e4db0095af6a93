"""The named mistakes of generators/ladder_llm_and_scale.py, recomputed from a variant's parameters alone
(plain Python, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

import math
from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal

BYTES = {"torch.float32": 4, "torch.float16": 2, "torch.bfloat16": 2}


def context_mistakes(params: dict[str, Any]) -> list[Mistake]:
    window, prompt = params["context_window"], params["prompt_tokens"]
    return first_of_equal(
        [
            ("whole_window", window, "whole window"),
            ("half_the_window", window // 2, "splits the window in half"),
            ("prompt_on_top", window + prompt, "adds the prompt to the window"),
        ]
    )


def perplexity_mistakes(params: dict[str, Any]) -> list[Mistake]:
    vocab, length = params["vocab_size"], params["length"]
    return first_of_equal(
        [
            # The cross-entropy in nats, as a learner writes it: four decimals.
            ("cross_entropy_not_exponentiated", round(math.log(vocab), 4), "cross-entropy per token in nats"),
            ("probability_not_inverse", 1 / vocab, "probability the model gives each token"),
            ("grows_with_length", length, "length of the text"),
        ]
    )


def weights_memory_mistakes(params: dict[str, Any]) -> list[Mistake]:
    n, size = params["parameters"], BYTES[params["dtype"]]
    other_size = 2 if size == 4 else 4  # fp32 taken for a 16-bit format, or the other way round
    return first_of_equal(
        [
            ("bits_not_bytes", n * size * 8 / 1e9, "*bits*"),
            ("wrong_format_size", n * other_size / 1e9, f"uses {other_size} bytes per number"),
            ("one_byte_per_parameter", n / 1e9, "one byte per parameter"),
        ]
    )


def kv_cache_mistakes(params: dict[str, Any]) -> list[Mistake]:
    layers, heads, head_dim = params["layers"], params["heads"], params["head_dim"]
    tokens, batch, size = params["tokens"], params["batch"], BYTES[params["dtype"]]
    scale, decimal = (2**30, 1e9) if params["unit"] == "GiB" else (2**20, 1e6)

    def cache(kv: int = 2, n_layers: int = layers, sequences: int = batch, nbytes: int = size) -> float:
        return kv * n_layers * heads * head_dim * tokens * sequences * nbytes

    return first_of_equal(
        [
            ("keys_or_values_only", cache(kv=1) / scale, "only one of the two tensors"),
            ("one_layer", cache(n_layers=1) / scale, "a single layer"),
            ("one_sequence", cache(sequences=1) / scale if batch > 1 else None, "the cache of one sequence"),
            ("four_bytes", cache(nbytes=4) / scale if size == 2 else None, "uses 4 bytes per number"),
            ("decimal_unit", cache() / decimal, "divides by"),
        ]
    )


def parallel_tokens_mistakes(params: dict[str, Any]) -> list[Mistake]:
    gpus, tp, pp = params["gpus"], params["tensor_parallel"], params["pipeline_parallel"]
    micro, accumulation, seq = params["micro_batch"], params["accumulation"], params["sequence_length"]
    replicas = gpus // (tp * pp)
    return first_of_equal(
        [
            ("every_gpu_a_replica", gpus * micro * accumulation * seq, "treats all"),
            (
                "pipeline_stages_as_replicas",
                gpus // tp * micro * accumulation * seq if pp > 1 else None,
                "tensor-parallel size only",
            ),
            ("sequences_not_tokens", replicas * micro * accumulation, "number of *sequences*"),
            ("no_accumulation", replicas * micro * seq, "leaves out gradient accumulation"),
        ]
    )


def lora_memory_mistakes(params: dict[str, Any]) -> list[Mistake]:
    base, layers, rank, shapes = params["base_parameters"], params["layers"], params["rank"], params["shapes"]
    trainable = layers * sum(rank * (d_in + d_out) for d_in, d_out in shapes)
    full_matrices = layers * sum(d_in * d_out for d_in, d_out in shapes)
    # A trained parameter: bf16 weight and gradient (2 + 2), fp32 master copy (4), two fp32 moments (8).
    return first_of_equal(
        [
            ("full_finetuning", 16 * (base + trainable) / 1e9, "as in full fine-tuning"),
            ("adapters_only", 16 * trainable / 1e9, "counts only the adapters"),
            ("adapters_frozen", 2 * (base + trainable) / 1e9, "like frozen weights"),
            (
                "full_matrices_trained",
                (2 * base + 16 * full_matrices) / 1e9,
                "trains the full adapted matrices",
            ),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-llm-context-tokens-left": context_mistakes,
    "gen-llm-uniform-perplexity": perplexity_mistakes,
    "gen-llm-weights-memory": weights_memory_mistakes,
    "gen-llm-kv-cache-size": kv_cache_mistakes,
    "gen-llm-parallel-tokens-per-step": parallel_tokens_mistakes,
    "gen-llm-lora-finetune-memory": lora_memory_mistakes,
}

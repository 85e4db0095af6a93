"""PyTorch oracles for generators/ladder_llm_and_scale.py: each answer recomputed with real torch objects.

Large tensors live on the ``meta`` device: they have shapes and dtypes but no storage, so a 13-billion-
parameter model or a 100 GiB cache can be sized without allocating it.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

META = torch.device("meta")


def _dtype(name: str) -> torch.dtype:
    dtype = getattr(torch, name.removeprefix("torch."))
    assert isinstance(dtype, torch.dtype)
    return dtype


def _nbytes(tensor: torch.Tensor) -> int:
    return tensor.numel() * tensor.element_size()


def context_tokens_left(params: dict[str, Any]) -> float:
    # Fill the window's positions with the prompt and count the positions still free.
    occupied = torch.zeros(params["context_window"], dtype=torch.bool)
    occupied[: params["prompt_tokens"]] = True
    return float((~occupied).sum().item())


def uniform_perplexity(params: dict[str, Any]) -> float:
    # Equal logits for every vocabulary entry give the uniform distribution; score random true tokens.
    log_probs = F.log_softmax(torch.zeros(params["vocab_size"], dtype=torch.float64), dim=0)
    generator = torch.Generator().manual_seed(0)
    targets = torch.randint(params["vocab_size"], (params["length"],), generator=generator)
    nll = F.nll_loss(log_probs.expand(params["length"], -1), targets)
    return torch.exp(nll).item()


def weights_memory(params: dict[str, Any]) -> float:
    weights = torch.empty(params["parameters"], dtype=_dtype(params["dtype"]), device=META)
    return _nbytes(weights) / 1e9


def kv_cache_size(params: dict[str, Any]) -> float:
    # One (keys, values) pair per layer, laid out (batch, heads, tokens, head_dim) as in Hugging Face caches.
    shape = (params["batch"], params["heads"], params["tokens"], params["head_dim"])
    dtype = _dtype(params["dtype"])
    cache = [
        (torch.empty(shape, dtype=dtype, device=META), torch.empty(shape, dtype=dtype, device=META))
        for _ in range(params["layers"])
    ]
    total = sum(_nbytes(keys) + _nbytes(values) for keys, values in cache)
    return total / {"MiB": 2**20, "GiB": 2**30}[params["unit"]]


def parallel_tokens_per_step(params: dict[str, Any]) -> float:
    # Lay the GPU ranks out as (data-parallel replica, pipeline stage, tensor-parallel rank).
    ranks = torch.arange(params["gpus"]).reshape(-1, params["pipeline_parallel"], params["tensor_parallel"])
    replicas = ranks.shape[0]
    step = torch.empty(
        replicas, params["accumulation"], params["micro_batch"], params["sequence_length"], device=META
    )
    return float(step.numel())


def _adam_state_bytes_per_parameter() -> int:
    """Bytes Adam keeps per fp32 parameter (its moments), read from a real optimiser step."""
    weight = nn.Parameter(torch.zeros(3))
    weight.grad = torch.ones(3)
    optimiser = torch.optim.Adam([weight])
    optimiser.step()
    state = optimiser.state[weight]
    return sum(_nbytes(t) for name, t in state.items() if name != "step") // weight.numel()


def lora_finetune_memory(params: dict[str, Any]) -> float:
    rank = params["rank"]
    adapters = nn.ModuleList(
        nn.Sequential(
            nn.Linear(d_in, rank, bias=False, device=META),  # A: r × d_in
            nn.Linear(rank, d_out, bias=False, device=META),  # B: d_out × r
        )
        for _ in range(params["layers"])
        for d_in, d_out in params["shapes"]
    )
    trainable = sum(p.numel() for p in adapters.parameters())
    bf16 = torch.empty((), dtype=torch.bfloat16).element_size()
    fp32 = torch.empty((), dtype=torch.float32).element_size()
    # Trained: bf16 weight and gradient, fp32 master copy, Adam's moments (kept in fp32).
    per_trained = bf16 + bf16 + fp32 + _adam_state_bytes_per_parameter()
    frozen = torch.empty(params["base_parameters"], dtype=torch.bfloat16, device=META)
    return (_nbytes(frozen) + trainable * per_trained) / 1e9


ORACLES = {
    "gen-llm-context-tokens-left": context_tokens_left,
    "gen-llm-uniform-perplexity": uniform_perplexity,
    "gen-llm-weights-memory": weights_memory,
    "gen-llm-kv-cache-size": kv_cache_size,
    "gen-llm-parallel-tokens-per-step": parallel_tokens_per_step,
    "gen-llm-lora-finetune-memory": lora_finetune_memory,
}

"""PyTorch oracles for generators/ladder_sequence_models.py: each answer, computed by real modules and ops."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F


def rnn_time_steps(params: dict[str, Any]) -> float:
    """Run the real layer and find the time axis as the one whose last output is the final state."""
    cell = getattr(nn, params["cell"])
    batch_first = params["batch_first"]
    rnn = cell(input_size=params["features"], hidden_size=params["hidden"], batch_first=batch_first)
    shape = (
        (params["batch"], params["steps"], params["features"])
        if batch_first
        else (params["steps"], params["batch"], params["features"])
    )
    with torch.no_grad():
        out, state = rnn(torch.randn(*shape))
    h_n = state[0] if isinstance(state, tuple) else state
    final = h_n[-1]
    time_axes = [
        axis
        for axis in (0, 1)
        if out.select(axis, -1).shape == final.shape and torch.allclose(out.select(axis, -1), final)
    ]
    assert len(time_axes) == 1, "cannot tell the time axis apart"
    return float(out.shape[time_axes[0]])


def dot_product_score(params: dict[str, Any]) -> float:
    """Read the score off PyTorch's own attention: with keys (k, 0) and identity values, the output is the
    two softmax weights, and the log-ratio of the weights is the score of k (the zero key scores 0)."""
    q = torch.tensor(params["query"], dtype=torch.float64)
    k = torch.tensor(params["key"], dtype=torch.float64)
    keys = torch.stack([k, torch.zeros_like(k)])[None]
    values = torch.eye(2, dtype=torch.float64)[None]
    weights = F.scaled_dot_product_attention(q[None, None], keys, values)[0, 0]
    return float(torch.log(weights[0]) - torch.log(weights[1]))


class _TinyLM(nn.Module):
    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__()
        vocab, d = params["vocab"], params["d_model"]
        self.tok = nn.Embedding(vocab, d)
        if params["learned_positions"]:
            self.pos = nn.Embedding(params["max_len"], d)
        else:
            self.register_buffer("pos", torch.zeros(params["max_len"], d))
        layer = nn.TransformerEncoderLayer(
            d, nhead=params["nhead"], dim_feedforward=params["dim_feedforward"], batch_first=True
        )
        self.blocks = nn.TransformerEncoder(
            layer, num_layers=params["num_layers"], enable_nested_tensor=False
        )
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=params["head_bias"])
        self.head.weight = self.tok.weight


def tied_lm_params(params: dict[str, Any]) -> float:
    with torch.device("meta"):  # shapes only: no memory for the weights
        model = _TinyLM(params)
    assert model.head.weight is model.tok.weight
    return float(sum(p.numel() for p in model.parameters()))


ORACLES = {
    "gen-seq-rnn-time-steps": rnn_time_steps,
    "gen-seq-dot-product-score": dot_product_score,
    "gen-seq-tied-lm-params": tied_lm_params,
}

"""PyTorch oracles for generators/linear_layers.py: the answer, computed by the real framework."""

from __future__ import annotations

from typing import Any

import torch


def linear_params(params: dict[str, Any]) -> float:
    layer = torch.nn.Linear(params["in_features"], params["out_features"])
    return float(sum(p.numel() for p in layer.parameters()))


ORACLES = {"gen-linear-params": linear_params}

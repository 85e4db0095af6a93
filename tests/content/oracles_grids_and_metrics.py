"""PyTorch oracles for generators/grids_and_metrics.py: each answer recomputed by real torch operations."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F


def _image(grid: list[list[float]]) -> torch.Tensor:
    """A grid as a (batch=1, channels=1, H, W) float64 tensor, the layout pooling layers expect."""
    return torch.tensor(grid, dtype=torch.float64).reshape(1, 1, len(grid), len(grid[0]))


def maxpool_grid(params: dict[str, Any]) -> list[list[float]]:
    return F.max_pool2d(_image(params["grid"]), kernel_size=2, stride=2)[0, 0].tolist()


def avgpool_grid(params: dict[str, Any]) -> list[list[float]]:
    pooled = F.avg_pool2d(_image(params["grid"]), kernel_size=params["kernel"], stride=params["stride"])
    return pooled[0, 0].tolist()


def relu_grad_grid(params: dict[str, Any]) -> list[list[float]]:
    z = torch.tensor(params["z"], dtype=torch.float64, requires_grad=True)
    upstream = torch.tensor(params["upstream"], dtype=torch.float64)
    torch.relu(z).backward(upstream)
    assert z.grad is not None
    return z.grad.tolist()


def sigmoid_grad(params: dict[str, Any]) -> float:
    x = torch.tensor(params["x"], dtype=torch.float64, requires_grad=True)
    torch.sigmoid(x).backward(torch.tensor(params["upstream"], dtype=torch.float64))
    assert x.grad is not None
    return x.grad.item()


def softmax_xent(params: dict[str, Any]) -> float:
    logits = torch.tensor([params["logits"]], dtype=torch.float64)
    return F.cross_entropy(logits, torch.tensor([params["target"]])).item()


def he_init_std(params: dict[str, Any]) -> float:
    if params["layer"] == "linear":
        layer: torch.nn.Module = torch.nn.Linear(params["in_features"], params["out_features"])
    else:
        layer = torch.nn.Conv2d(params["in_channels"], params["out_channels"], params["kernel_size"])
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(layer.weight)
    return torch.nn.init.calculate_gain("relu") / math.sqrt(fan_in)


def iou_boxes(params: dict[str, Any]) -> float:
    a = torch.tensor(params["box_a"], dtype=torch.float64)
    b = torch.tensor(params["box_b"], dtype=torch.float64)
    top_left = torch.maximum(a[:2], b[:2])
    bottom_right = torch.minimum(a[2:], b[2:])
    intersection = (bottom_right - top_left).clamp(min=0).prod()
    area_a = (a[2:] - a[:2]).prod()
    area_b = (b[2:] - b[:2]).prod()
    return (intersection / (area_a + area_b - intersection)).item()


def confusion_metrics(params: dict[str, Any]) -> dict[str, float]:
    # Rows: actual (negative, positive); columns: predicted (negative, positive).
    matrix = torch.tensor([[params["tn"], params["fp"]], [params["fn"], params["tp"]]], dtype=torch.float64)
    tp = matrix[1, 1]
    precision = tp / matrix[:, 1].sum()
    recall = tp / matrix[1, :].sum()
    f1 = 2 * precision * recall / (precision + recall)
    return {"precision": precision.item(), "recall": recall.item(), "f1": f1.item()}


def chance_baseline(params: dict[str, Any]) -> float:
    counts = torch.tensor(params["counts"])
    labels = torch.repeat_interleave(torch.arange(len(params["counts"])), counts)
    if params["strategy"] == "majority":
        prediction = torch.full_like(labels, int(torch.mode(labels).values))
        return (prediction == labels).double().mean().item()
    shares = torch.bincount(labels).double() / labels.numel()
    return (shares**2).sum().item()


ORACLES = {
    "gen-maxpool-grid": maxpool_grid,
    "gen-avgpool-grid": avgpool_grid,
    "gen-relu-grad-grid": relu_grad_grid,
    "gen-sigmoid-grad": sigmoid_grad,
    "gen-softmax-xent": softmax_xent,
    "gen-he-init-std": he_init_std,
    "gen-iou-boxes": iou_boxes,
    "gen-confusion-metrics": confusion_metrics,
    "gen-chance-baseline": chance_baseline,
}

"""PyTorch oracles for generators/ladder_applied_practice.py: each answer recomputed with torch tensors."""

from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import Subset, TensorDataset, random_split


def split_sizes(params: dict[str, Any]) -> float:
    fractions = [p / 100 for p in params["percents"]]
    dataset = TensorDataset(torch.arange(params["n"]))
    subsets: list[Subset[tuple[torch.Tensor, ...]]] = random_split(
        dataset, fractions, generator=torch.Generator().manual_seed(0)
    )
    return float(len(subsets[params["split"]]))


def _labels_and_predictions(tp: int, fp: int, fn: int, tn: int) -> tuple[torch.Tensor, torch.Tensor]:
    """One label and one prediction per example (1 = positive), cell by cell of the confusion matrix."""
    cells = ((1, 1, tp), (0, 1, fp), (1, 0, fn), (0, 0, tn))
    labels = torch.cat([torch.full((count,), label) for label, _, count in cells])
    predictions = torch.cat([torch.full((count,), predicted) for _, predicted, count in cells])
    return labels, predictions


def accuracy_from_confusion(params: dict[str, Any]) -> float:
    labels, predictions = _labels_and_predictions(params["tp"], params["fp"], params["fn"], params["tn"])
    return (predictions == labels).double().mean().item() * 100


def epoch_time(params: dict[str, Any]) -> dict[str, float]:
    batches = torch.split(torch.arange(params["n_images"]), params["batch_size"])
    step_seconds = torch.tensor(params["step_ms"], dtype=torch.float64) / 1000
    seconds = len(batches) * step_seconds
    images = sum(batch.numel() for batch in batches)
    return {"images_per_second": (images / seconds).item(), "epoch_seconds": seconds.item()}


def roc_point(params: dict[str, Any]) -> dict[str, float]:
    scores = torch.tensor(params["scores"], dtype=torch.float64)
    positive = torch.tensor(params["labels"]).bool()
    predicted = scores >= params["threshold"]
    tpr = (predicted & positive).sum() / positive.sum()
    fpr = (predicted & ~positive).sum() / (~positive).sum()
    return {"tpr": tpr.item(), "fpr": fpr.item()}


def binary_ece(params: dict[str, Any]) -> float:
    p = torch.tensor(params["probs"], dtype=torch.float64)
    labels = torch.tensor(params["labels"])
    predicted = (p >= 0.5).long()
    confidence = torch.where(predicted == 1, p, 1 - p)
    correct = (predicted == labels).double()
    edges = torch.linspace(0.1, 0.9, 9, dtype=torch.float64)
    bins = torch.bucketize(confidence, edges, right=True)
    ece = torch.zeros((), dtype=torch.float64)
    for b in torch.unique(bins):
        in_bin = bins == b
        gap = (correct[in_bin].mean() - confidence[in_bin].mean()).abs()
        ece += in_bin.double().mean() * gap
    return ece.item()


ORACLES = {
    "gen-app-split-sizes": split_sizes,
    "gen-app-accuracy-from-confusion": accuracy_from_confusion,
    "gen-app-epoch-time": epoch_time,
    "gen-app-roc-point": roc_point,
    "gen-app-binary-ece": binary_ece,
}

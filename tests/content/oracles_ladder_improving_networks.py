"""PyTorch oracles for generators/ladder_improving_networks.py: each answer, computed by real torch.

The best checkpoint comes from ``argmin``/``argmax`` over the validation metric, the L2 penalty from
``torch.linalg.vector_norm``, the batch-norm grid from an ``nn.BatchNorm1d`` in training mode, and the
learning rate from a ``DataLoader``'s length and the real ``LinearLR`` + ``CosineAnnealingLR`` chained by
``SequentialLR``, stepped once per batch.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset


def best_checkpoint_epoch(params: dict[str, Any]) -> float:
    values = torch.tensor(params["values"], dtype=torch.float64)
    index = torch.argmin(values) if params["best"] == "lowest" else torch.argmax(values)
    return float(index.item() + 1)  # epochs are numbered from 1


def l2_penalty(params: dict[str, Any]) -> float:
    w = torch.tensor(params["weights"], dtype=torch.float64)
    return float(params["lambda"] * torch.linalg.vector_norm(w, ord=2) ** 2)


def batchnorm_grid(params: dict[str, Any]) -> list[list[float]]:
    bn = torch.nn.BatchNorm1d(2, eps=1e-12).double()  # "ignore ε"; training mode needs ε > 0
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(params["gamma"], dtype=torch.float64))
        bn.bias.copy_(torch.tensor(params["beta"], dtype=torch.float64))
    bn.train()
    with torch.no_grad():
        out = bn(torch.tensor(params["x"], dtype=torch.float64))
    rows: list[list[float]] = out.tolist()
    return rows


def warmup_cosine_epoch_lr(params: dict[str, Any]) -> float:
    dataset = TensorDataset(torch.arange(params["n"]))
    loader: DataLoader[tuple[torch.Tensor, ...]] = DataLoader(
        dataset, batch_size=params["batch_size"], shuffle=True
    )
    weight = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([weight], lr=params["lr"])
    warmup = LinearLR(opt, start_factor=params["start_factor"], total_iters=params["warmup"])
    cosine = CosineAnnealingLR(opt, T_max=params["t_max"])
    sched = SequentialLR(opt, [warmup, cosine], milestones=[params["warmup"]])
    for _epoch in range(params["epoch"]):
        for _batch in range(len(loader)):  # one opt.step() and one sched.step() per batch
            opt.step()  # no gradient: the weight stays, only the schedule advances
            sched.step()
    return float(opt.param_groups[0]["lr"])


ORACLES = {
    "gen-imp-best-checkpoint-epoch": best_checkpoint_epoch,
    "gen-imp-l2-penalty": l2_penalty,
    "gen-imp-batchnorm-batch-grid": batchnorm_grid,
    "gen-imp-warmup-cosine-epoch-lr": warmup_cosine_epoch_lr,
}

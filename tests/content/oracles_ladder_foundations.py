"""PyTorch oracles for generators/ladder_foundations.py: each answer recomputed by the real framework."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


def relu_value(params: dict[str, Any]) -> float:
    return torch.relu(torch.tensor(params["x"], dtype=torch.float64)).item()


def sgd_step(params: dict[str, Any]) -> float:
    w = torch.tensor(params["w"], dtype=torch.float64, requires_grad=True)
    w.grad = torch.tensor(params["grad"], dtype=torch.float64)
    torch.optim.SGD([w], lr=params["lr"]).step()
    return w.item()


def xent_logit_grad(params: dict[str, Any]) -> dict[str, float]:
    logits = torch.tensor([params["logits"]], dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(logits, torch.tensor([params["target"]]))
    (grad,) = torch.autograd.grad(loss, logits)
    return {f"g{j + 1}": value for j, value in enumerate(grad[0].tolist())}


def grad_accumulation(params: dict[str, Any]) -> float:
    """Runs the stem's loop as written: no zero_grad, so backward() adds into w.grad."""
    w = torch.tensor(params["w0"], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=params["lr"])
    for _ in range(params["steps"]):
        loss = (w * params["x"] - params["y"]) ** 2
        loss.backward()
        opt.step()
    return w.item()


ORACLES = {
    "gen-fnd-relu-value": relu_value,
    "gen-fnd-sgd-step": sgd_step,
    "gen-fnd-xent-logit-grad": xent_logit_grad,
    "gen-fnd-grad-accumulation": grad_accumulation,
}

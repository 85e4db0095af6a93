"""PyTorch oracles for generators/ladder_cnn.py: each answer, computed by real modules and tensors."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def out_channels(params: dict[str, Any]) -> float:
    k = params["kernel_size"]
    conv = nn.Conv2d(params["in_channels"], params["out_channels"], kernel_size=k, padding=k // 2)
    x = torch.zeros(params["batch"], params["in_channels"], params["size"], params["size"])
    with torch.no_grad():
        return float(conv(x).shape[1])


def valid_conv_size(params: dict[str, Any]) -> float:
    conv = nn.Conv2d(params["in_channels"], params["out_channels"], kernel_size=params["kernel_size"])
    x = torch.zeros(1, params["in_channels"], params["size"], params["size"])
    with torch.no_grad():
        return float(conv(x).shape[2])


def bottleneck_bn_params(params: dict[str, Any]) -> float:
    c_in, m, out, stride = params["in_channels"], params["width"], params["out_channels"], params["stride"]
    branch = nn.Sequential(
        nn.Conv2d(c_in, m, kernel_size=1, bias=False),
        nn.BatchNorm2d(m),
        nn.ReLU(),
        nn.Conv2d(m, m, kernel_size=3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(m),
        nn.ReLU(),
        nn.Conv2d(m, out, kernel_size=1, bias=False),
        nn.BatchNorm2d(out),
    )
    shortcut: nn.Module
    if c_in != out or stride != 1:
        shortcut = nn.Sequential(
            nn.Conv2d(c_in, out, kernel_size=1, stride=stride, bias=False), nn.BatchNorm2d(out)
        )
    else:
        shortcut = nn.Identity()
    # The block must really run: branch and shortcut outputs have to be addable.
    x = torch.zeros(2, c_in, 8, 8)
    branch.eval()
    with torch.no_grad():
        assert branch(x).shape == shortcut(x).shape
    return float(sum(p.numel() for module in (branch, shortcut) for p in module.parameters()))


ORACLES = {
    "gen-cnn-out-channels": out_channels,
    "gen-cnn-valid-conv-size": valid_conv_size,
    "gen-cnn-bottleneck-bn-params": bottleneck_bn_params,
}

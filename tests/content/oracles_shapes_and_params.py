"""PyTorch oracles for generators/shapes_and_params.py: each answer, computed by real modules and ops."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _count(module: nn.Module) -> float:
    return float(sum(p.numel() for p in module.parameters()))


def mlp_params(params: dict[str, Any]) -> float:
    widths = params["widths"]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(widths, widths[1:], strict=False)):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return _count(nn.Sequential(*layers))


def conv2d_params(params: dict[str, Any]) -> float:
    conv = nn.Conv2d(
        params["in_channels"], params["out_channels"], params["kernel_size"], bias=params["bias"]
    )
    return _count(conv)


def depthwise_separable_params(params: dict[str, Any]) -> float:
    c_in, c_out, k = params["in_channels"], params["out_channels"], params["kernel_size"]
    block = nn.Sequential(
        nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in),
        nn.Conv2d(c_in, c_out, 1),
    )
    if params["ask"] == "total":
        return _count(block)
    standard = nn.Conv2d(c_in, c_out, k, padding=k // 2)
    return _count(standard) - _count(block)


def lstm_params(params: dict[str, Any]) -> float:
    return _count(nn.LSTM(params["input_size"], params["hidden_size"], num_layers=params["num_layers"]))


def gru_params(params: dict[str, Any]) -> float:
    return _count(nn.GRU(params["input_size"], params["hidden_size"], num_layers=params["num_layers"]))


def mha_params(params: dict[str, Any]) -> float:
    return _count(nn.MultiheadAttention(params["embed_dim"], params["num_heads"]))


def embedding_shape(params: dict[str, Any]) -> dict[str, float]:
    emb = nn.Embedding(params["num_embeddings"], params["embedding_dim"], padding_idx=params["padding_idx"])
    tokens = torch.randint(0, params["num_embeddings"], (params["batch"], params["seq"]), dtype=torch.long)
    with torch.no_grad():
        out = emb(tokens)
    answer = {"batch": float(out.shape[0]), "seq": float(out.shape[1]), "dim": float(out.shape[2])}
    if params["ask_params"]:
        answer["params"] = _count(emb)
    return answer


def conv_output_size(params: dict[str, Any]) -> dict[str, float]:
    conv = nn.Conv2d(
        1,
        1,
        kernel_size=tuple(params["kernel_size"]),
        stride=tuple(params["stride"]),
        padding=tuple(params["padding"]),
        dilation=tuple(params["dilation"]),
    )
    with torch.no_grad():
        y = conv(torch.zeros(1, 1, params["height"], params["width"]))
    return {"height": float(y.shape[2]), "width": float(y.shape[3])}


def receptive_field(params: dict[str, Any]) -> float:
    """Backpropagate from the central output pixel of a real stack with all-ones weights.

    Convolutions with positive weights pass gradient to their whole window; max pooling passes it to
    the winner only. So the input is a ramp: increasing along rows and columns, every pooling window
    picks its bottom-right cell and the gradient reaches the field's far edge; decreasing, the near
    edge. The receptive field is the distance between the two edges.
    """
    layers: list[nn.Module] = []
    for layer in params["layers"]:
        if layer["type"] == "conv":
            conv = nn.Conv2d(
                1, 1, layer["kernel"], stride=layer["stride"], padding=layer["padding"], bias=False
            )
            with torch.no_grad():
                conv.weight.fill_(1.0)
            layers.append(conv)
        else:
            layers.append(nn.MaxPool2d(layer["kernel"], stride=layer["stride"]))
    net = nn.Sequential(*layers).double()
    size = 160
    index = torch.arange(size, dtype=torch.float64)
    ramp = index[:, None] + index[None, :]

    def gradient_rows(sign: float) -> torch.Tensor:
        x = (sign * ramp)[None, None].clone().requires_grad_(True)
        y = net(x)
        centre = y.shape[2] // 2
        assert y.shape[2] > 8, "input too small for this stack"
        y[0, 0, centre, centre].backward()
        assert x.grad is not None
        return (x.grad[0, 0].abs().sum(dim=1) > 0).nonzero().flatten()

    first = int(gradient_rows(-1.0).min())
    last = int(gradient_rows(1.0).max())
    return float(last - first + 1)


def minibatches_per_epoch(params: dict[str, Any]) -> float:
    loader = DataLoader(
        TensorDataset(torch.zeros(params["n"], 1)),
        batch_size=params["batch_size"],
        drop_last=params["drop_last"],
    )
    return float(len(loader) * params["epochs"])


ORACLES = {
    "gen-mlp-params": mlp_params,
    "gen-conv2d-params": conv2d_params,
    "gen-depthwise-separable-params": depthwise_separable_params,
    "gen-lstm-params": lstm_params,
    "gen-gru-params": gru_params,
    "gen-mha-params": mha_params,
    "gen-embedding-params-shape": embedding_shape,
    "gen-conv-output-size": conv_output_size,
    "gen-receptive-field": receptive_field,
    "gen-minibatches-per-epoch": minibatches_per_epoch,
}

"""PyTorch oracles for generators/ladder_generative_models.py: each answer recomputed with real torch.

Modules are built with the variant's layer sizes and run or counted, densities come from
``torch.distributions.Normal`` and gradients from autograd.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.distributions import Normal

F64 = torch.float64


def ae_code_size(params: dict[str, Any]) -> float:
    d_in, hidden, code = params["d_in"], params["hidden"], params["code"]
    encoder = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, code))
    decoder = nn.Sequential(nn.Linear(code, hidden), nn.ReLU(), nn.Linear(hidden, d_in))
    x = torch.zeros(params["batch"], d_in)
    with torch.no_grad():
        z = encoder(x)
        assert decoder(z).shape == x.shape
    return float(z[0].numel())


def noising_step_std(params: dict[str, Any]) -> float:
    # x_1 = sqrt(1 - beta) x_0 + sqrt(beta) eps: the spread given x_0 is |dx_1/d eps| (eps has unit variance).
    beta = torch.tensor(params["beta"], dtype=F64)
    eps = torch.zeros((), dtype=F64, requires_grad=True)
    x1 = torch.sqrt(1 - beta) * params["x0"] + torch.sqrt(beta) * eps
    (slope,) = torch.autograd.grad(x1, eps)
    return abs(float(slope))


def ae_param_count(params: dict[str, Any]) -> float:
    d_in, hidden, code = params["d_in"], params["hidden"], params["code"]
    encoder = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, code))
    decoder = nn.Sequential(nn.Linear(code, hidden), nn.ReLU(), nn.Linear(hidden, d_in))
    trainable = {id(p): p for p in [*encoder.parameters(), *decoder.parameters()]}
    if params["tied"]:
        # A tied decoder uses the encoder's weights transposed: drop its own weight matrices.
        for layer, partner in ((decoder[0], encoder[2]), (decoder[2], encoder[0])):
            assert layer.weight.shape == partner.weight.T.shape
            del trainable[id(layer.weight)]
    return float(sum(p.numel() for p in trainable.values()))


def bits_per_dim(params: dict[str, Any]) -> float:
    image = torch.empty(params["channels"], params["height"], params["width"], device="meta")
    nats = torch.tensor(float(params["nats"]), dtype=F64)
    return float(nats / image.numel() / torch.log(torch.tensor(2.0, dtype=F64)))


def optimal_discriminator(params: dict[str, Any]) -> float:
    x = torch.tensor(params["x"], dtype=F64)
    data = Normal(torch.tensor(params["mu_data"], dtype=F64), torch.tensor(params["std_data"], dtype=F64))
    gen = Normal(torch.tensor(params["mu_g"], dtype=F64), torch.tensor(params["std_g"], dtype=F64))
    log_p_data: torch.Tensor = data.log_prob(x)  # type: ignore[no-untyped-call]
    log_p_g: torch.Tensor = gen.log_prob(x)  # type: ignore[no-untyped-call]
    # D*(x) = p_data / (p_data + p_g) = sigmoid(log p_data − log p_g).
    d_star = torch.sigmoid(log_p_data - log_p_g)
    p_d, p_g = log_p_data.exp(), log_p_g.exp()
    assert math.isclose(float(d_star), float(p_d / (p_d + p_g)), rel_tol=1e-9)
    return float(d_star)


def vae_reparam_gradients(params: dict[str, Any]) -> dict[str, float]:
    mu = torch.tensor(params["mu"], dtype=F64, requires_grad=True)
    log_var = torch.tensor(params["log_var"], dtype=F64, requires_grad=True)
    eps = torch.tensor(params["eps"], dtype=F64)
    z = mu + torch.exp(0.5 * log_var) * eps
    loss = (z - params["target"]) ** 2
    loss.backward()
    assert mu.grad is not None and log_var.grad is not None
    return {"z": float(z.detach()), "grad_mu": float(mu.grad), "grad_log_var": float(log_var.grad)}


ORACLES = {
    "gen-gen-ae-code-size": ae_code_size,
    "gen-gen-noising-step-std": noising_step_std,
    "gen-gen-ae-param-count": ae_param_count,
    "gen-gen-bits-per-dim": bits_per_dim,
    "gen-gen-optimal-discriminator": optimal_discriminator,
    "gen-gen-vae-reparam-gradients": vae_reparam_gradients,
}

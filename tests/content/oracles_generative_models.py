"""PyTorch oracles for generators/generative_models.py: each answer, from real distributions and ops."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch.distributions import Independent, Normal, kl_divergence


def vae_kl(params: dict[str, Any]) -> float:
    mu = torch.tensor(params["mu"], dtype=torch.float64)
    if params["given"] == "sigma":
        scale = torch.tensor(params["sigma"], dtype=torch.float64)
    else:
        scale = torch.exp(0.5 * torch.tensor(params["log_var"], dtype=torch.float64))
    posterior = Independent(Normal(mu, scale), 1)
    prior = Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    return float(kl_divergence(posterior, prior))


def diffusion_marginal(params: dict[str, Any]) -> dict[str, float]:
    """Run the forward chain step by step on a Gaussian (mean, variance) and check it against ᾱ_t."""
    betas = torch.tensor(params["betas"], dtype=torch.float64)
    t = params["t"]
    mean = torch.tensor(params["x0"], dtype=torch.float64)
    var = torch.tensor(0.0, dtype=torch.float64)
    for beta in betas[:t]:  # x_s = sqrt(1 - beta) x_{s-1} + sqrt(beta) * eps
        mean = torch.sqrt(1 - beta) * mean
        var = (1 - beta) * var + beta
    alpha_bar = torch.cumprod(1 - betas, dim=0)[t - 1]
    assert torch.allclose(var, 1 - alpha_bar) and torch.allclose(mean, alpha_bar.sqrt() * params["x0"])
    return {"alpha_bar": float(alpha_bar), "mean": float(mean), "std": float(var.sqrt())}


def gan_bce(params: dict[str, Any]) -> float:
    d_real = torch.tensor(params["d_real"], dtype=torch.float64)
    d_fake = torch.tensor(params["d_fake"], dtype=torch.float64)
    ones, zeros = torch.ones_like(d_real), torch.zeros_like(d_fake)
    if params["loss"] == "two_terms":
        loss = F.binary_cross_entropy(d_real, ones) + F.binary_cross_entropy(d_fake, zeros)
    elif params["loss"] == "concatenated":
        loss = torch.nn.BCELoss()(torch.cat([d_real, d_fake]), torch.cat([ones, zeros]))
    else:
        loss = F.binary_cross_entropy(d_fake, torch.ones_like(d_fake))
    return float(loss)


ORACLES = {
    "gen-gen-vae-kl": vae_kl,
    "gen-gen-diffusion-marginal": diffusion_marginal,
    "gen-gen-gan-bce": gan_bce,
}

"""The named mistakes of generators/generative_models.py, recomputed from a variant's parameters alone
(NumPy, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.content.misconceptions import Mistake, Mistakes


def _kl(mu: np.ndarray, var: np.ndarray, log_sign: float = -1.0, minus_one: float = 1.0) -> float:
    return float(0.5 * np.sum(mu**2 + var - minus_one + log_sign * np.log(var)))


def vae_kl_mistakes(params: dict[str, Any]) -> list[Mistake]:
    mu = np.array(params["mu"], dtype=float)
    if params["given"] == "sigma":
        sigma = np.array(params["sigma"], dtype=float)
        var, confused, phrase = sigma**2, sigma, "Square each standard deviation"
    else:
        log_var = np.array(params["log_var"], dtype=float)
        var, confused, phrase = np.exp(log_var), np.exp(log_var) ** 2, "already the log-variance"
    kl = _kl(mu, var)
    return [
        ("no_half", float(np.sum(mu**2 + var - 1 - np.log(var))), "the ½ in front"),
        ("variance_confused", _kl(mu, confused), phrase),
        ("no_minus_one", _kl(mu, var, minus_one=0.0), "drops the −1"),
        ("log_sign", _kl(mu, var, log_sign=1.0), "adds log σ²"),
        ("mean_over_dims", kl / len(mu), "averages over the"),
    ]


def _gaussian(alpha_bar: float, x0: float) -> dict[str, float]:
    return {"alpha_bar": alpha_bar, "mean": np.sqrt(alpha_bar) * x0, "std": np.sqrt(1 - alpha_bar)}


def diffusion_mistakes(params: dict[str, Any]) -> list[Mistake]:
    betas, t, x0 = np.array(params["betas"], dtype=float), params["t"], params["x0"]
    alpha_bar = float(np.cumprod(1 - betas)[t - 1])
    one_minus_sum = 1 - float(np.sum(betas[:t]))
    return [
        ("last_step_only", _gaussian(1 - betas[t - 1], x0), "only step"),
        ("std_is_variance", {**_gaussian(alpha_bar, x0), "std": 1 - alpha_bar}, "It is the variance"),
        ("mean_without_root", {**_gaussian(alpha_bar, x0), "mean": alpha_bar * x0}, "by ᾱ"),
        ("product_of_betas", _gaussian(float(np.prod(betas[:t])), x0), "multiplied the β's"),
        ("one_minus_sum", _gaussian(one_minus_sum, x0) if one_minus_sum > 0 else None, "first-order"),
        ("whole_schedule", _gaussian(float(np.prod(1 - betas)), x0), f"over all {len(betas)} steps"),
    ]


def gan_mistakes(params: dict[str, Any]) -> list[Mistake]:
    real, fake = np.array(params["d_real"], dtype=float), np.array(params["d_fake"], dtype=float)
    if params["loss"] == "generator":
        loss = -np.mean(np.log(fake))
        return [
            ("log_base_2", -np.mean(np.log2(fake)), "base-2"),
            ("sum_not_mean", -np.sum(np.log(fake)), "adds the per-image"),
            ("target_zero", -np.mean(np.log(1 - fake)), "target 0"),
            ("saturating", np.mean(np.log(1 - fake)), "minimax"),
        ]
    per_real, per_fake = -np.log(real), -np.log(1 - fake)
    flipped_real, flipped_fake = -np.log(1 - real), -np.log(fake)
    two_means = per_real.mean() + per_fake.mean()
    one_mean = np.concatenate([per_real, per_fake]).mean()
    if params["loss"] == "two_terms":
        loss, other, flipped = two_means, one_mean, flipped_real.mean() + flipped_fake.mean()
        other_phrase = "averages all"
        log2 = -np.mean(np.log2(real)) - np.mean(np.log2(1 - fake))
    else:
        loss, other, flipped = one_mean, two_means, np.concatenate([flipped_real, flipped_fake]).mean()
        other_phrase = "adds a mean over the real images"
        log2 = -np.mean(np.log2(np.concatenate([real, 1 - fake])))
    return [
        ("log_base_2", log2, "base-2"),
        ("sum_not_mean", per_real.sum() + per_fake.sum(), "adds the per-image"),
        ("other_reduction", other, other_phrase),
        ("flipped_labels", flipped, "swaps the targets"),
        ("no_minus_sign", -loss, "minus sign"),
    ]


MISTAKES: dict[str, Mistakes] = {
    "gen-gen-vae-kl": vae_kl_mistakes,
    "gen-gen-diffusion-marginal": diffusion_mistakes,
    "gen-gen-gan-bce": gan_mistakes,
}

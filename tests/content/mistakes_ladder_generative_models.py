"""The named mistakes of generators/ladder_generative_models.py, recomputed from a variant's parameters
alone (plain Python, not the generator's code); checked by test_misconceptions.py."""

from __future__ import annotations

import math
from typing import Any

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def code_size_mistakes(params: dict[str, Any]) -> list[Mistake]:
    return first_of_equal(
        [
            ("input_size", params["d_in"], "size of the input"),
            ("hidden_width", params["hidden"], "width of the hidden layers"),
            ("whole_batch", params["batch"] * params["code"], "the whole batch"),
        ]
    )


def noising_std_mistakes(params: dict[str, Any]) -> list[Mistake]:
    beta = params["beta"]
    return first_of_equal(
        [
            ("variance_not_std", beta, "the *variance* of the step"),
            ("signal_scale", math.sqrt(1 - beta), "scales x_0 in the mean"),
            ("kept_variance", 1 - beta, "share of the signal's variance"),
        ]
    )


def param_count_mistakes(params: dict[str, Any]) -> list[Mistake]:
    d, h, k, tied = params["d_in"], params["hidden"], params["code"], params["tied"]
    encoder_weights, decoder_weights = d * h + h * k, k * h + h * d
    encoder_biases, decoder_biases = h + k, h + d
    right = encoder_weights + encoder_biases + decoder_biases + (0 if tied else decoder_weights)
    return first_of_equal(
        [
            ("weights_only", right - encoder_biases - decoder_biases, "counts only the weights"),
            ("encoder_only", encoder_weights + encoder_biases, "counts only the encoder"),
            (
                "tied_confused",
                right + decoder_weights if tied else right - decoder_weights,
                "the decoder's weight matrices as well" if tied else "counts each weight matrix once",
            ),
            ("units_not_parameters", d + h + k + h + d, "counts the units"),
        ]
    )


def bits_per_dim_mistakes(params: dict[str, Any]) -> list[Mistake]:
    nats, pixels, channels = params["nats"], params["height"] * params["width"], params["channels"]
    dims, ln2 = pixels * channels, math.log(2)
    return first_of_equal(
        [
            ("nats_not_bits", nats / dims, "nats per dimension"),
            ("pixels_not_values", nats / (pixels * ln2) if channels > 1 else None, "pixels only"),
            # Bits per image, as the generator prints it: three decimals.
            ("bits_per_image", round(nats / ln2, 6), "bits per *image*"),
            ("times_ln2", nats * ln2 / dims, "multiplies by ln 2"),
        ]
    )


def _density(x: float, mean: float, std: float, *, normalised: bool = True, variance: float = 0.0) -> float:
    spread = variance or std**2
    value = math.exp(-((x - mean) ** 2) / (2 * spread))
    return value / (std * math.sqrt(2 * math.pi)) if normalised else value


def optimal_discriminator_mistakes(params: dict[str, Any]) -> list[Mistake]:
    x, mu_d, sd_d, mu_g, sd_g = (
        params["x"],
        params["mu_data"],
        params["std_data"],
        params["mu_g"],
        params["std_g"],
    )
    p_d, p_g = _density(x, mu_d, sd_d), _density(x, mu_g, sd_g)
    e_d, e_g = _density(x, mu_d, sd_d, normalised=False), _density(x, mu_g, sd_g, normalised=False)
    v_d, v_g = _density(x, mu_d, sd_d, variance=sd_d), _density(x, mu_g, sd_g, variance=sd_g)
    return first_of_equal(
        [
            ("labels_swapped", p_g / (p_d + p_g), "labels swapped"),
            ("density_ratio", p_d / p_g, "density ratio"),
            ("equilibrium_half", 0.5, "only when the generator has matched"),
            ("no_normaliser", e_d / (e_d + e_g) if sd_d != sd_g else None, "leaves out the factors"),
            (
                "std_as_variance",
                v_d / (v_d + v_g) if (sd_d != 1 or sd_g != 1) else None,
                "instead of 2σ²",
            ),
        ]
    )


def _sample(mu: float, scale: float, eps: float, target: float) -> tuple[float, float]:
    z = mu + scale * eps
    return z, 2 * (z - target)


def reparam_mistakes(params: dict[str, Any]) -> list[Mistake]:
    mu, log_var, eps, target = params["mu"], params["log_var"], params["eps"], params["target"]
    sigma = math.sqrt(math.exp(log_var))
    z, dz = _sample(mu, sigma, eps, target)
    z_var, dz_var = _sample(mu, math.exp(log_var), eps, target)
    return first_of_equal(
        [
            (
                "variance_as_std",
                {"z": z_var, "grad_mu": dz_var, "grad_log_var": dz_var * math.exp(log_var) * eps},
                "That is the variance",
            ),
            ("no_half", {"z": z, "grad_mu": dz, "grad_log_var": dz * sigma * eps}, "misses the ½"),
            ("grad_wrt_sigma", {"z": z, "grad_mu": dz, "grad_log_var": dz * eps}, "with respect to σ"),
            ("gradients_of_z", {"z": z, "grad_mu": 1.0, "grad_log_var": sigma * eps / 2}, "those of z"),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-gen-ae-code-size": code_size_mistakes,
    "gen-gen-noising-step-std": noising_std_mistakes,
    "gen-gen-ae-param-count": param_count_mistakes,
    "gen-gen-bits-per-dim": bits_per_dim_mistakes,
    "gen-gen-optimal-discriminator": optimal_discriminator_mistakes,
    "gen-gen-vae-reparam-gradients": reparam_mistakes,
}

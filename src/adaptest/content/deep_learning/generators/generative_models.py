"""Computed items on generative models: a VAE's KL term, the forward diffusion marginal and GAN losses.

Every answer is computed here in plain Python; tests/content/oracles_generative_models.py recomputes it
with real PyTorch (``torch.distributions.kl_divergence``, the noising chain on schedule tensors,
``F.binary_cross_entropy``) from the parameters each variant returns, and
tests/content/test_generative_misconceptions.py recomputes every named mistake. Distractors come from
named misconceptions; any that the grader would accept as the key, or that repeat an earlier one for a
given seed, are left out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from adaptest.bank.authoring import (
    code_block,
    distinct_misconceptions,
    distinct_tuple_misconceptions,
    plain_number,
)
from adaptest.bank.generators import GeneratorFamily, Variant

TOLERANCE = 0.002
"""Absolute tolerance of every key here: the stems ask for three decimal places."""
SEPARATION = 2 * TOLERANCE
"""Distractors at least this far from the key and from each other, so one answer matches one of them."""


def _num(value: float) -> str:
    return plain_number(value, 3)


def _vector(values: Sequence[float]) -> str:
    return "(" + ", ".join(plain_number(v) for v in values) + ")"


# ---------------------------------------------------------------------------------------------------
# 1. The KL term of a VAE's ELBO: KL(N(μ, diag σ²) ‖ N(0, I))
# ---------------------------------------------------------------------------------------------------

_MUS = [k / 10 for k in range(-15, 16)]
_SIGMAS = [k / 10 for k in range(3, 17)]
_LOG_VARS = [k / 10 for k in range(-12, 9)]


def vae_kl_mistakes(params: dict[str, Any]) -> list[tuple[str, float]]:
    """The named mistakes of the KL family and the value each gives, in order of preference.

    Written once here for the feedback; the test recomputes every one of them on its own.
    """
    mu = params["mu"]
    d = len(mu)
    if params["given"] == "sigma":
        var = [s * s for s in params["sigma"]]
        half_var = list(params["sigma"])  # σ used where σ² belongs
    else:
        var = [math.exp(lv) for lv in params["log_var"]]
        half_var = [math.exp(2 * lv) for lv in params["log_var"]]  # log σ² read as log σ
    answer = 0.5 * sum(m * m + v - 1 - math.log(v) for m, v in zip(mu, var, strict=True))
    return [
        ("no_half", 2 * answer),
        (
            "variance_confused",
            0.5 * sum(m * m + v - 1 - math.log(v) for m, v in zip(mu, half_var, strict=True)),
        ),
        ("no_minus_one", answer + d / 2),
        ("log_sign", 0.5 * sum(m * m + v - 1 + math.log(v) for m, v in zip(mu, var, strict=True))),
        ("mean_over_dims", answer / d),
    ]


def _vae_kl(rng: random.Random) -> Variant:
    while True:
        d = rng.choice((2, 3, 4))
        mu = [rng.choice(_MUS) for _ in range(d)]
        given = rng.choice(("sigma", "sigma", "log_var"))
        sigma: list[float] | None = None
        log_var: list[float] | None = None
        if given == "sigma":
            sigma = [rng.choice(_SIGMAS) for _ in range(d)]
            var = [s * s for s in sigma]
        else:
            log_var = [rng.choice(_LOG_VARS) for _ in range(d)]
            var = [math.exp(lv) for lv in log_var]
        terms = [0.5 * (m * m + v - 1 - math.log(v)) for m, v in zip(mu, var, strict=True)]
        answer = sum(terms)
        if answer >= 0.05:
            break
    params = {"mu": mu, "sigma": sigma, "log_var": log_var, "given": given}
    if sigma is not None:
        given_text = f"$\\mu = {_vector(mu)}$ and standard deviations $\\sigma = {_vector(sigma)}$"
        variance_feedback = (
            "comes from putting σ where the formula has σ² (in both the σ² term and the log). Square each "
            "standard deviation first: σ² = " + _vector([round(v, 4) for v in var]) + "."
        )
        variance_step = (
            "Squaring the standard deviations gives σ² = " + _vector([round(v, 4) for v in var]) + ". "
        )
    else:
        assert log_var is not None
        given_text = (
            f"$\\mu = {_vector(mu)}$ and, from its `logvar` head, $\\log \\sigma^2 = {_vector(log_var)}$ "
            "(natural logarithm)"
        )
        variance_feedback = (
            "comes from reading the encoder's output as log σ and squaring exp(log σ). It is already the "
            "log-variance: σ² = exp(logvar), and log σ² is the number given."
        )
        variance_step = (
            "The variances are σ² = exp(logvar) = " + _vector([round(v, 4) for v in var]) + ", and the "
            "log σ² terms are the given numbers. "
        )
    stem = (
        f"A VAE's encoder maps one input to the diagonal Gaussian $q(z \\mid x)$ over a {d}-dimensional "
        f"latent, with means {given_text}. The prior is $p(z) = \\mathcal{{N}}(0, I)$. What is the KL "
        "term $\\mathrm{KL}(q(z \\mid x) \\,\\|\\, p(z))$ of the ELBO for this input, in nats? Give three "
        "decimal places."
    )
    values = dict(vae_kl_mistakes(params))
    feedback = {
        "no_half": (
            f"{_num(values['no_half'])} is twice the answer: you left out the ½ in front of "
            "Σ (μ² + σ² − 1 − log σ²)."
        ),
        "variance_confused": f"{_num(values['variance_confused'])} {variance_feedback}",
        "no_minus_one": (
            f"{_num(values['no_minus_one'])} drops the −1 in each dimension, adding ½ per dimension "
            f"({d}/2 = {plain_number(d / 2)} in all). Without it the KL of the prior with itself would not "
            "be zero."
        ),
        "log_sign": (
            f"{_num(values['log_sign'])} adds log σ² instead of subtracting it. The term is −log σ², so "
            "a variance below 1 makes the KL larger, not smaller."
        ),
        "mean_over_dims": (
            f"{_num(values['mean_over_dims'])} averages over the {d} latent dimensions. The KL of a "
            "diagonal Gaussian is the sum of the per-dimension KLs."
        ),
    }
    candidates = [(value, feedback[name]) for name, value in vae_kl_mistakes(params)]
    per_dim = " + ".join(_num(t) for t in terms)
    return Variant(
        params=params,
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": TOLERANCE},
            "units": "nats",
            "misconceptions": distinct_misconceptions(answer, candidates, separation=SEPARATION, places=6),
            "explanation": (
                "For $q = \\mathcal{N}(\\mu, \\mathrm{diag}\\,\\sigma^2)$ and $p = \\mathcal{N}(0, I)$, "
                "$\\mathrm{KL}(q \\,\\|\\, p) = \\tfrac12 \\sum_i (\\mu_i^2 + \\sigma_i^2 - 1 - \\log "
                f"\\sigma_i^2)$. {variance_step}Dimension by dimension the terms are {per_dim}, and their "
                f"sum is {_num(answer)} nats. Each term is zero only when μ = 0 and σ = 1."
            ),
            "dont_know_feedback": (
                "Study the closed-form KL divergence between a diagonal Gaussian and the standard normal, "
                "½ Σ (μ² + σ² − 1 − log σ²), and where it sits in the ELBO (skill: variational "
                "autoencoders: the ELBO as reconstruction plus KL)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 2. The forward diffusion marginal q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)
# ---------------------------------------------------------------------------------------------------

_BETA_STARTS = (0.01, 0.02, 0.04, 0.05, 0.1)
_BETA_STEPS = (0.01, 0.02, 0.03, 0.05, 0.1)
_X0S = [k / 10 for k in range(-10, 11) if abs(k) >= 2]


def _marginal(alpha_bar: float, x0: float) -> dict[str, float]:
    return {"alpha_bar": alpha_bar, "mean": math.sqrt(alpha_bar) * x0, "std": math.sqrt(1 - alpha_bar)}


def diffusion_mistakes(params: dict[str, Any]) -> list[tuple[str, dict[str, float] | None]]:
    """The named mistakes of the diffusion family and the (ᾱ, mean, std) each gives (None: no value)."""
    betas, t, x0 = params["betas"], params["t"], params["x0"]
    alpha_bar = math.prod(1 - b for b in betas[:t])
    right = _marginal(alpha_bar, x0)
    return [
        ("last_step_only", _marginal(1 - betas[t - 1], x0)),
        ("std_is_variance", {**right, "std": 1 - alpha_bar}),
        ("mean_without_root", {**right, "mean": alpha_bar * x0}),
        ("product_of_betas", _marginal(math.prod(betas[:t]), x0)),
        ("one_minus_sum", _marginal(1 - sum(betas[:t]), x0) if sum(betas[:t]) < 1 else None),
        ("whole_schedule", _marginal(math.prod(1 - b for b in betas), x0)),
    ]


def _diffusion_marginal(rng: random.Random) -> Variant:
    n_steps = rng.choice((4, 5, 6))
    while True:
        start, step = rng.choice(_BETA_STARTS), rng.choice(_BETA_STEPS)
        betas = [round(start + step * i, 4) for i in range(n_steps)]
        if betas[-1] <= 0.5:
            break
    t = rng.randint(2, n_steps - 1)
    x0 = rng.choice(_X0S)
    params = {"betas": betas, "t": t, "x0": x0}
    alpha_bar = math.prod(1 - b for b in betas[:t])
    key = _marginal(alpha_bar, x0)
    what = rng.choice(
        (
            f"one pixel of a training image has the value $x_0 = {plain_number(x0)}$",
            f"a 1-D data point is $x_0 = {plain_number(x0)}$",
        )
    )
    stem = (
        f"A toy diffusion model uses a {n_steps}-step noise schedule with $\\beta_1, \\dots, "
        f"\\beta_{{{n_steps}}} = {_vector(betas)}$ and the usual forward step "
        "$q(x_s \\mid x_{s-1}) = \\mathcal{N}(\\sqrt{1 - \\beta_s}\\, x_{s-1}, \\beta_s I)$. "
        f"Before noising, {what}. For $t = {t}$, give $\\bar\\alpha_t$, and the mean and the standard "
        "deviation of $q(x_t \\mid x_0)$, each to three decimal places."
    )
    sum_t = sum(betas[:t])
    feedback = {
        "last_step_only": (
            f"You used only step {t}'s factor, 1 − β_{t} = {_num(1 - betas[t - 1])}: that describes "
            f"q(x_{t} | x_{t - 1}), one step from the previous sample. From x_0 the noise of steps 1 to {t} "
            f"accumulates: ᾱ_{t} multiplies 1 − β_s for every one of them."
        ),
        "std_is_variance": (
            f"You gave 1 − ᾱ_{t} = {_num(1 - alpha_bar)} as the standard deviation. It is the variance; "
            f"the standard deviation is its square root, {_num(key['std'])}."
        ),
        "mean_without_root": (
            f"You scaled x_0 by ᾱ_{t} itself ({_num(alpha_bar * x0)}). The mean is √ᾱ_{t} · x_0: the "
            "signal is scaled by the square root so that its variance shrinks by ᾱ_t."
        ),
        "product_of_betas": (
            f"You multiplied the β's ({_num(math.prod(betas[:t]))}). ᾱ_t multiplies "
            "the α's, α_s = 1 − β_s: the fraction of signal variance each step keeps."
        ),
        "one_minus_sum": (
            f"You took ᾱ_{t} as 1 − ({' + '.join(plain_number(b) for b in betas[:t])}) = {_num(1 - sum_t)}. "
            "That is only a first-order "
            "approximation: the factors 1 − β_s multiply, they do not subtract."
        ),
        "whole_schedule": (
            f"You multiplied 1 − β_s over all {n_steps} steps ({_num(math.prod(1 - b for b in betas))}). "
            f"For x_{t} only the first {t} steps have been applied."
        ),
    }
    candidates = [(values, feedback[name]) for name, values in diffusion_mistakes(params)]
    factors = " × ".join(plain_number(1 - b) for b in betas[:t])
    tolerance = {"absolute": TOLERANCE}
    return Variant(
        params=params,
        fields={
            "stem": stem,
            "fields": [
                {"name": "alpha_bar", "label": f"ᾱ_{t}", "answer": key["alpha_bar"], "tolerance": tolerance},
                {
                    "name": "mean",
                    "label": f"Mean of q(x_{t} | x_0)",
                    "answer": key["mean"],
                    "tolerance": tolerance,
                },
                {
                    "name": "std",
                    "label": f"Standard deviation of q(x_{t} | x_0)",
                    "answer": key["std"],
                    "tolerance": tolerance,
                },
            ],
            "misconceptions": distinct_tuple_misconceptions(key, candidates, separation=SEPARATION, places=6),
            "explanation": (
                "Composing Gaussian steps gives the closed form $q(x_t \\mid x_0) = "
                "\\mathcal{N}(\\sqrt{\\bar\\alpha_t}\\, x_0, (1 - \\bar\\alpha_t) I)$ with "
                f"$\\bar\\alpha_t = \\prod_{{s \\le t}} (1 - \\beta_s)$. Here ᾱ_{t} = {factors} = "
                f"{_num(alpha_bar)}; the mean is √{_num(alpha_bar)} × {plain_number(x0)} = {_num(key['mean'])}; "
                f"the variance is 1 − ᾱ_{t} = {_num(1 - alpha_bar)}, so the standard deviation is "
                f"{_num(key['std'])}. The β's after step {t} play no part yet."
            ),
            "dont_know_feedback": (
                "Study the forward (noising) process of diffusion models: how ᾱ_t collects the per-step "
                "factors 1 − β_s and gives q(x_t | x_0) in closed form (skill: diffusion models: forward "
                "noising and the denoising objective)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 3. GAN losses: the discriminator's binary cross-entropy or the generator's non-saturating loss
# ---------------------------------------------------------------------------------------------------

_D_REAL = [k / 20 for k in range(9, 20)]  # 0.45 … 0.95
_D_FAKE = [k / 20 for k in range(1, 13)]  # 0.05 … 0.6
_LOSSES = ("two_terms", "concatenated", "generator")


def _nll(probs: Sequence[float], target: int) -> list[float]:
    """−log of the probability given to ``target`` (1: p, 0: 1 − p), per element."""
    return [-math.log(p if target == 1 else 1 - p) for p in probs]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def gan_mistakes(params: dict[str, Any]) -> list[tuple[str, float]]:
    """The named mistakes of the GAN family and the value each gives, in order of preference."""
    real, fake, loss = params["d_real"], params["d_fake"], params["loss"]
    if loss == "generator":
        answer = _mean(_nll(fake, 1))
        return [
            ("log_base_2", answer / math.log(2)),
            ("sum_not_mean", sum(_nll(fake, 1))),
            ("target_zero", _mean(_nll(fake, 0))),
            ("saturating", _mean([math.log(1 - p) for p in fake])),
        ]
    two_means = _mean(_nll(real, 1)) + _mean(_nll(fake, 0))
    one_mean = _mean(_nll(real, 1) + _nll(fake, 0))
    flipped_two = _mean(_nll(real, 0)) + _mean(_nll(fake, 1))
    flipped_one = _mean(_nll(real, 0) + _nll(fake, 1))
    sums = sum(_nll(real, 1)) + sum(_nll(fake, 0))
    if loss == "two_terms":
        answer, other, flipped = two_means, one_mean, flipped_two
    else:
        answer, other, flipped = one_mean, two_means, flipped_one
    return [
        ("log_base_2", answer / math.log(2)),
        ("sum_not_mean", sums),
        ("other_reduction", other),
        ("flipped_labels", flipped),
        ("no_minus_sign", -answer),
    ]


def _gan_loss(rng: random.Random) -> Variant:
    n = rng.choice((2, 3))
    real = [rng.choice(_D_REAL) for _ in range(n)]
    fake = [rng.choice(_D_FAKE) for _ in range(n)]
    loss = rng.choice(_LOSSES)
    params = {"d_real": real, "d_fake": fake, "loss": loss}
    criterion = rng.random() < 0.5  # nn.BCELoss() or F.binary_cross_entropy
    bce = "bce" if criterion else "F.binary_cross_entropy"
    lines = [
        "import torch",
        "import torch.nn.functional as F" if not criterion else "from torch import nn",
        "",
    ]
    if criterion:
        lines.append("bce = nn.BCELoss()")
    lines += [
        f"d_real = torch.tensor([{', '.join(plain_number(p) for p in real)}])   # D(x), real images",
        f"d_fake = torch.tensor([{', '.join(plain_number(p) for p in fake)}])   # D(G(z)), generated images",
    ]
    real_nll, fake_nll_0, fake_nll_1 = _nll(real, 1), _nll(fake, 0), _nll(fake, 1)
    if loss == "two_terms":
        lines += [
            f"loss_d = ({bce}(d_real, torch.ones_like(d_real))",
            f"          + {bce}(d_fake, torch.zeros_like(d_fake)))",
        ]
        target, who = "loss_d", "the discriminator"
        answer = _mean(real_nll) + _mean(fake_nll_0)
        working = (
            f"The real half: mean of −ln D(x) = ({' + '.join(_num(v) for v in real_nll)}) / {n} = "
            f"{_num(_mean(real_nll))}. The fake half (target 0) uses −ln(1 − D(G(z))): "
            f"({' + '.join(_num(v) for v in fake_nll_0)}) / {n} = {_num(_mean(fake_nll_0))}. "
            f"The code adds the two means: {_num(answer)}."
        )
        rule = "Each call to binary cross-entropy averages over its own batch (reduction='mean' by default)."
    elif loss == "concatenated":
        lines += [
            "preds = torch.cat([d_real, d_fake])",
            "targets = torch.cat([torch.ones_like(d_real), torch.zeros_like(d_fake)])",
            f"loss_d = {bce}(preds, targets)",
        ]
        target, who = "loss_d", "the discriminator"
        answer = _mean(real_nll + fake_nll_0)
        working = (
            f"Real images (target 1) give −ln D(x): {', '.join(_num(v) for v in real_nll)}; generated ones "
            f"(target 0) give −ln(1 − D(G(z))): {', '.join(_num(v) for v in fake_nll_0)}. One call averages "
            f"all {2 * n}: {_num(sum(real_nll + fake_nll_0))} / {2 * n} = {_num(answer)}."
        )
        rule = "Binary cross-entropy averages over every element it is given (reduction='mean' by default)."
    else:
        lines.append(f"loss_g = {bce}(d_fake, torch.ones_like(d_fake))   # generator step")
        target, who = "loss_g", "the generator (the non-saturating loss)"
        answer = _mean(fake_nll_1)
        working = (
            "Labelling the generated images as real (target 1) gives −ln D(G(z)) per image: "
            f"{', '.join(_num(v) for v in fake_nll_1)}, whose mean is {_num(answer)}. The real images play "
            "no part in the generator's loss."
        )
        rule = "Binary cross-entropy with target 1 is −ln p, averaged over the batch by default."
    stem = (
        f"In one training step of a GAN, {who} computes its loss as below. What value does `{target}` "
        f"hold? Give three decimal places.\n\n{code_block(lines)}"
    )
    feedback = {
        "log_base_2": lambda v: (
            f"{_num(v)} uses base-2 logarithms (bits). PyTorch's binary cross-entropy "
            "uses the natural logarithm."
        ),
        "sum_not_mean": lambda v: (
            f"{_num(v)} adds the per-image losses. The default reduction is 'mean', so they are averaged."
        ),
        "target_zero": lambda v: (
            f"{_num(v)} is −ln(1 − D(G(z))), the loss with target 0: that is the "
            "discriminator's term for generated images. The generator's step uses target 1."
        ),
        "saturating": lambda v: (
            f"{_num(v)} is the mean of ln(1 − D(G(z))), the generator's objective in the "
            "original minimax game (the saturating form). The code computes the non-saturating loss, "
            "−ln D(G(z)) averaged."
        ),
        "other_reduction": lambda v: (
            f"{_num(v)} "
            + (
                f"averages all {2 * n} per-image losses at once, as if the batches were concatenated. "
                "Here each call averages its own batch and the two means are added."
                if loss == "two_terms"
                else "adds a mean over the real images to a mean over the generated ones. Here the two "
                f"batches are concatenated, so one mean is taken over all {2 * n} images."
            )
        ),
        "flipped_labels": lambda v: (
            f"{_num(v)} swaps the targets: the discriminator labels real images 1 "
            "and generated ones 0, so real images contribute −ln D(x) and generated ones −ln(1 − D(G(z)))."
        ),
        "no_minus_sign": lambda v: (
            f"{_num(v)} leaves out the minus sign. Binary cross-entropy is the "
            "negative log-likelihood, so it is never below zero."
        ),
    }
    candidates = [(value, feedback[name](value)) for name, value in gan_mistakes(params)]
    return Variant(
        params=params,
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": TOLERANCE},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=SEPARATION, places=6),
            "explanation": f"{rule} {working}",
            "dont_know_feedback": (
                "Study how GAN losses are written as binary cross-entropy: which target each batch gets for "
                "the discriminator and for the generator, and how the batch is averaged (skill: GANs: the "
                "generator–discriminator game and its losses)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-gen-vae-kl",
        kind="numeric",
        domain="generative_models",
        skills=("gen-vae-elbo",),
        difficulty="medium",
        build=_vae_kl,
    ),
    GeneratorFamily(
        id="gen-gen-diffusion-marginal",
        kind="numeric_tuple",
        domain="generative_models",
        skills=("gen-diffusion",),
        difficulty="medium",
        build=_diffusion_marginal,
    ),
    GeneratorFamily(
        id="gen-gen-gan-bce",
        kind="numeric",
        domain="generative_models",
        skills=("gen-gan-objective",),
        difficulty="medium",
        build=_gan_loss,
    ),
]

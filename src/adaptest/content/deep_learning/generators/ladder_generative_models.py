"""Practice ladder for generative models: one family at each level from −3 (nearly everyone) to +2 (experts).

The levels, from easiest to hardest: the size of an autoencoder's code (−3), the noise standard deviation
of one forward diffusion step (−2), the parameter count of a fully connected autoencoder, with separate or
tied decoder weights (−1), a model's negative log-likelihood in bits per dimension (0), the optimal GAN
discriminator's output where two Gaussian densities overlap (+1), and a VAE's reparameterised sample with
the gradients of a loss with respect to μ and log σ² (+2). Every answer is computed here in plain Python;
tests/content/oracles_ladder_generative_models.py recomputes it with PyTorch from the variant's
parameters, and tests/content/mistakes_ladder_generative_models.py recomputes every named mistake.
"""

from __future__ import annotations

import math
import random
from functools import partial

from adaptest.bank.authoring import (
    code_block,
    distinct_misconceptions,
    distinct_tuple_misconceptions,
    plain_number,
    thousands,
)
from adaptest.bank.generators import GeneratorFamily, Variant
from adaptest.bank.schema import Tolerance

TOLERANCE = 0.002
"""Absolute tolerance of the keys asked to three decimal places."""
SEPARATION = 2 * TOLERANCE
"""Distractors at least this far from the key and from each other."""

_fmt = partial(plain_number, thousands="always")


def _num(value: float) -> str:
    return plain_number(value, 3)


# -- −3: the size of an autoencoder's code ----------------------------------------------------------------

# (description of one input, its number of values)
AE_INPUTS = (
    ("28×28 greyscale digit, flattened to 784 values", 784),
    ("32×32 colour image, flattened to 3,072 values", 3072),
    ("64×64 greyscale face, flattened to 4,096 values", 4096),
    ("sensor reading of 600 values", 600),
    ("word-count vector of 2,000 values", 2000),
)
AE_HIDDEN = (128, 256, 512)
AE_CODES = (2, 8, 10, 16, 20, 32, 64)
AE_BATCHES = (16, 32, 64, 128)


def _code_size(rng: random.Random) -> Variant:
    what, d_in = rng.choice(AE_INPUTS)
    hidden, code, batch = rng.choice(AE_HIDDEN), rng.choice(AE_CODES), rng.choice(AE_BATCHES)
    lines = [
        "encoder = nn.Sequential(",
        f"    nn.Linear({d_in}, {hidden}), nn.ReLU(),",
        f"    nn.Linear({hidden}, {code}),",
        ")",
        "decoder = nn.Sequential(",
        f"    nn.Linear({code}, {hidden}), nn.ReLU(),",
        f"    nn.Linear({hidden}, {d_in}),",
        ")",
        "x_hat = decoder(encoder(x))",
    ]
    ask = rng.choice(
        (
            "How many numbers make up the code (the bottleneck representation) of one input?",
            "How many numbers does the autoencoder's code hold for each single input?",
            "The code is the encoder's output. How many numbers long is the code of one input?",
        )
    )
    stem = (
        f"An autoencoder is trained to reconstruct its input; each input is a {what}. It is trained on "
        f"batches `x` of {batch} inputs with the model below.\n\n{code_block(lines)}\n\n{ask}"
    )
    answer = code
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                d_in,
                f"{thousands(d_in)} is the size of the input, and of the reconstruction the decoder outputs. "
                f"The code is the narrow layer in between: the encoder ends with {code} units.",
            ),
            (
                hidden,
                f"{hidden} is the width of the hidden layers on either side of the code. The code is the "
                f"encoder's output, the {code} units of its last layer.",
            ),
            (
                batch * code,
                f"{thousands(batch * code)} is the code of the whole batch of {batch} inputs. Each input "
                f"gets its own code of {code} numbers.",
            ),
        ],
        separation=Tolerance(),
    )
    return Variant(
        params={"d_in": d_in, "hidden": hidden, "code": code, "batch": batch},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "numbers",
            "misconceptions": misconceptions,
            "explanation": (
                f"The encoder narrows each input from {thousands(d_in)} values to {hidden} and then to "
                f"{code}: its output of shape ({batch}, {code}) holds one {code}-number code per input. "
                f"The decoder widens that code back to {thousands(d_in)} values. Forcing the data through "
                "this bottleneck is what makes the code a compressed summary rather than a copy."
            ),
            "dont_know_feedback": (
                "Study the shape of an autoencoder: an encoder that narrows the input to a small code (the "
                "bottleneck) and a decoder that maps the code back to the input's size (skill: "
                "autoencoders and their bottleneck)."
            ),
        },
    )


# -- −2: the noise standard deviation of one forward diffusion step ----------------------------------------

# β values whose square root is a round number.
NOISE_BETAS = (0.0001, 0.0004, 0.0009, 0.0025, 0.01, 0.04, 0.09, 0.16, 0.25)
NOISE_X0 = (-0.8, -0.5, -0.2, 0.3, 0.6, 0.9)


def _noising_std(rng: random.Random) -> Variant:
    beta, x0 = rng.choice(NOISE_BETAS), rng.choice(NOISE_X0)
    answer = math.sqrt(beta)
    signal = math.sqrt(1 - beta)
    where = rng.choice(
        (
            f"A pixel of a training image has the value $x_0 = {plain_number(x0)}$.",
            f"A one-dimensional data point is $x_0 = {plain_number(x0)}$.",
        )
    )
    stem = (
        "A diffusion model's first forward (noising) step is "
        "$q(x_1 \\mid x_0) = \\mathcal{N}(\\sqrt{1 - \\beta_1}\\, x_0,\\ \\beta_1 I)$, with "
        f"$\\beta_1 = {plain_number(beta)}$. {where} What is the standard deviation of $x_1$ given $x_0$, "
        "that is, of the noise this step adds?"
    )
    tolerance = {"relative": 0.01}
    misconceptions = distinct_misconceptions(
        answer,
        [
            (
                beta,
                f"{plain_number(beta)} is β₁ itself, the *variance* of the step: the second argument of "
                f"𝒩(mean, variance). The standard deviation is its square root, √{plain_number(beta)}.",
            ),
            (
                signal,
                f"{plain_number(signal, 6)} = √(1 − β₁) is the factor that scales x_0 in the mean. The noise "
                "has variance β₁, so its standard deviation is √β₁.",
            ),
            (
                1 - beta,
                f"{plain_number(1 - beta)} = 1 − β₁ is the share of the signal's variance that the step "
                "keeps. The noise's variance is β₁, and its standard deviation √β₁.",
            ),
        ],
        separation=Tolerance(**tolerance),
    )
    return Variant(
        params={"beta": beta, "x0": x0},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": tolerance,
            "misconceptions": misconceptions,
            "explanation": (
                f"Written as a sample, the step is x_1 = √(1 − β₁)·x_0 + √β₁·ε with ε ~ 𝒩(0, 1). Given x_0 "
                f"the first term is fixed ({plain_number(signal, 6)} × {plain_number(x0)}), so all the "
                "spread "
                f"comes from √β₁·ε: variance β₁ = {plain_number(beta)}, standard deviation "
                f"√{plain_number(beta)} = {plain_number(answer)}. The value of x_0 moves the mean, not the "
                "spread."
            ),
            "dont_know_feedback": (
                "Study the forward step of a diffusion model, "
                "q(x_t | x_{t−1}) = 𝒩(√(1 − β_t) x_{t−1}, β_t I), "
                "and which part is the mean and which the variance (skill: diffusion models: forward noising "
                "and the denoising objective)."
            ),
        },
    )


# -- −1: the parameters of a fully connected autoencoder ---------------------------------------------------

PARAM_INPUTS = (784, 1024, 3072)
PARAM_HIDDEN = (64, 128, 256, 512)
PARAM_CODES = (8, 16, 32, 64)


def autoencoder_parameters(d_in: int, hidden: int, code: int, tied: bool) -> dict[str, int]:
    """Weights and biases of the encoder and of the decoder (weights of a tied decoder count zero)."""
    enc_w, enc_b = d_in * hidden + hidden * code, hidden + code
    dec_w, dec_b = code * hidden + hidden * d_in, hidden + d_in
    return {"enc_w": enc_w, "enc_b": enc_b, "dec_w": 0 if tied else dec_w, "dec_b": dec_b}


def _autoencoder_params(rng: random.Random) -> Variant:
    while True:
        d_in, hidden, code = rng.choice(PARAM_INPUTS), rng.choice(PARAM_HIDDEN), rng.choice(PARAM_CODES)
        if code < hidden:
            break
    tied = rng.random() < 0.3
    parts = autoencoder_parameters(d_in, hidden, code, tied)
    answer = sum(parts.values())
    untied = autoencoder_parameters(d_in, hidden, code, False)
    layers = (
        f"{thousands(d_in)} → {hidden} → {code} in the encoder and {code} → {hidden} → {thousands(d_in)} "
        "in the decoder"
    )
    if tied:
        decoder = (
            "The decoder uses *tied weights*: each of its weight matrices is the transpose of the matching "
            "encoder matrix, so it adds no weights of its own, but each of its layers has its own bias."
        )
    else:
        decoder = "Every layer, in the encoder and in the decoder, has its own weight matrix and bias."
    stem = (
        f"A fully connected autoencoder has layers of {layers} (`nn.Linear` layers with ReLU between them). "
        f"{decoder} How many trainable parameters does the autoencoder have in all?"
    )
    weights = parts["enc_w"] + parts["dec_w"]
    candidates: list[tuple[float | None, str]] = [
        (
            weights,
            f"{thousands(weights)} counts only the weights. Each `nn.Linear` layer also has a bias per "
            "output unit, and those are trained too.",
        ),
        (
            parts["enc_w"] + parts["enc_b"],
            f"{thousands(parts['enc_w'] + parts['enc_b'])} counts only the encoder. The decoder is trained "
            "with it"
            + (
                ", and its biases are its own."
                if tied
                else " and has as many weights again, plus its biases."
            ),
        ),
        (
            sum(untied.values()) if tied else untied["enc_w"] + untied["enc_b"] + untied["dec_b"],
            (
                f"{thousands(sum(untied.values()))} counts the decoder's weight matrices as well. With tied "
                "weights the decoder reuses the transposed encoder matrices, so only its biases are new."
                if tied
                else f"{thousands(untied['enc_w'] + untied['enc_b'] + untied['dec_b'])} counts each weight "
                "matrix once, as if the decoder reused the encoder's (tied weights). Here every decoder "
                "layer has its own weight matrix."
            ),
        ),
        (
            2 * d_in + 2 * hidden + code,
            f"{thousands(2 * d_in + 2 * hidden + code)} counts the units of the layers, not the parameters. "
            "A fully connected layer has one weight per pair of input and output units, plus one bias per "
            "output unit.",
        ),
    ]
    enc = (
        f"{thousands(d_in)}·{hidden} + {hidden} + {hidden}·{code} + {code} = "
        f"{thousands(parts['enc_w'] + parts['enc_b'])}"
    )
    if tied:
        dec = f"only its biases, {hidden} + {thousands(d_in)} = {thousands(parts['dec_b'])}"
    else:
        dec = (
            f"{code}·{hidden} + {hidden} + {hidden}·{thousands(d_in)} + {thousands(d_in)} = "
            f"{thousands(parts['dec_w'] + parts['dec_b'])}"
        )
    return Variant(
        params={"d_in": d_in, "hidden": hidden, "code": code, "tied": tied},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates, separation=Tolerance()),
            "explanation": (
                "A linear layer from n to m units has n·m weights and m biases. The encoder has "
                f"{enc}; the decoder has {dec}. In all {thousands(answer)} parameters."
            ),
            "dont_know_feedback": (
                "Study how many weights and biases a fully connected layer has, and what tying an "
                "autoencoder's decoder weights to its encoder's shares (skill: autoencoders and their "
                "bottleneck)."
            ),
        },
    )


# -- 0: negative log-likelihood in bits per dimension ------------------------------------------------------

# (description, height, width, channels, bits per dimension a good model reaches, roughly)
BPD_DATA = (
    ("28×28 greyscale digits", 28, 28, 1, (0.9, 1.0, 1.1, 1.3)),
    ("32×32 colour images", 32, 32, 3, (2.9, 3.1, 3.4, 3.7)),
    ("64×64 colour images", 64, 64, 3, (3.5, 3.7, 3.9, 4.2)),
    ("32×32 greyscale images", 32, 32, 1, (1.8, 2.2, 2.6)),
)
BPD_MODELS = ("An autoregressive model", "A normalising flow", "A diffusion model's likelihood bound")


def _bits_per_dim(rng: random.Random) -> Variant:
    what, height, width, channels, levels = rng.choice(BPD_DATA)
    dims = height * width * channels
    nats = round(rng.choice(levels) * dims * math.log(2) / 10) * 10
    answer = nats / (dims * math.log(2))
    who = rng.choice(BPD_MODELS)
    shape = f"{height}×{width}" + (f"×{channels}" if channels > 1 else "")
    stem = (
        f"{who} is evaluated on a test set of {what} ({shape} values each). Its average negative "
        f"log-likelihood is {thousands(nats)} nats per image. What is that in bits per dimension? Give "
        "three decimal places."
    )
    tolerance = {"absolute": TOLERANCE}
    candidates: list[tuple[float | None, str]] = [
        (
            nats / dims,
            f"{_num(nats / dims)} is nats per dimension. Bits use base-2 logarithms: divide by ln 2 ≈ 0.693 "
            "as well.",
        ),
        (
            nats / (height * width * math.log(2)) if channels > 1 else None,
            f"{_num(nats / (height * width * math.log(2)))} divides by the {height * width} pixels only. "
            f"Every pixel has {channels} colour values, and each counts as a dimension: {thousands(dims)} "
            "in all.",
        ),
        (
            nats / math.log(2),
            f"{_fmt(round(nats / math.log(2), 3))} is bits per *image*. Bits per dimension divides by the "
            f"{thousands(dims)} values of an image as well.",
        ),
        (
            nats * math.log(2) / dims,
            f"{_num(nats * math.log(2) / dims)} multiplies by ln 2. One bit is ln 2 ≈ 0.693 nats, so a "
            "number of nats is divided by ln 2 to give bits.",
        ),
    ]
    return Variant(
        params={"nats": nats, "height": height, "width": width, "channels": channels},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": tolerance,
            "units": "bits/dim",
            "misconceptions": distinct_misconceptions(answer, candidates, separation=SEPARATION, places=6),
            "explanation": (
                f"An image has {shape} = {thousands(dims)} dimensions. Per dimension the negative "
                f"log-likelihood is {thousands(nats)} / {thousands(dims)} = {_num(nats / dims)} nats, and "
                f"one bit is ln 2 nats, so {_num(nats / dims)} / 0.6931 = {answer:.3f} bits per "
                "dimension. Dividing by the dimensions lets models of images of different sizes be compared."
            ),
            "dont_know_feedback": (
                "Study how a log-likelihood is reported in bits per dimension: per value of the image (every "
                "colour channel counts) and in base 2 (skill: evaluating generative models)."
            ),
        },
    )


# -- +1: the optimal discriminator where two Gaussian densities overlap ------------------------------------

GAN_MEANS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
GAN_STDS = (0.5, 1.0, 1.5, 2.0)
GAN_POINTS = (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5)


def gaussian_density(x: float, mean: float, std: float) -> float:
    return math.exp(-((x - mean) ** 2) / (2 * std**2)) / (std * math.sqrt(2 * math.pi))


def _optimal_discriminator(rng: random.Random) -> Variant:
    while True:
        mu_d, mu_g = rng.choice(GAN_MEANS), rng.choice(GAN_MEANS)
        sd_d, sd_g = rng.choice(GAN_STDS), rng.choice(GAN_STDS)
        x = rng.choice(GAN_POINTS)
        if (mu_d, sd_d) == (mu_g, sd_g):
            continue
        p_d, p_g = gaussian_density(x, mu_d, sd_d), gaussian_density(x, mu_g, sd_g)
        answer = p_d / (p_d + p_g)
        if 0.03 <= answer <= 0.97 and abs(answer - 0.5) >= 0.05:
            break
    stem = (
        "In a one-dimensional toy GAN the real data follow "
        f"$p_{{\\text{{data}}}} = \\mathcal{{N}}({plain_number(mu_d)}, {plain_number(sd_d)}^2)$ and the "
        f"generator currently produces $p_g = \\mathcal{{N}}({plain_number(mu_g)}, {plain_number(sd_g)}^2)$ "
        "(mean, then standard deviation squared). The discriminator, trained with the usual binary "
        "cross-entropy (real = 1, generated = 0), is trained to its optimum for this fixed generator. What "
        f"does it output at $x = {plain_number(x)}$? Give three decimal places."
    )
    e_d = math.exp(-((x - mu_d) ** 2) / (2 * sd_d**2))
    e_g = math.exp(-((x - mu_g) ** 2) / (2 * sd_g**2))
    v_d = math.exp(-((x - mu_d) ** 2) / (2 * sd_d)) / (sd_d * math.sqrt(2 * math.pi))
    v_g = math.exp(-((x - mu_g) ** 2) / (2 * sd_g)) / (sd_g * math.sqrt(2 * math.pi))
    candidates: list[tuple[float | None, str]] = [
        (
            p_g / (p_d + p_g),
            f"{_num(p_g / (p_d + p_g))} is p_g / (p_data + p_g), the optimal output with the labels "
            "swapped. The discriminator outputs the probability that x is *real*: p_data / (p_data + p_g).",
        ),
        (
            p_d / p_g,
            f"{_num(p_d / p_g)} is the density ratio p_data / p_g. The optimal discriminator is a "
            "probability: p_data / (p_data + p_g), between 0 and 1.",
        ),
        (
            0.5,
            "0.5 is the optimum only when the generator has matched the data (p_g = p_data everywhere). "
            "Here the two densities differ at x, so the best discriminator leans towards one side.",
        ),
        (
            e_d / (e_d + e_g) if sd_d != sd_g else None,
            f"{_num(e_d / (e_d + e_g))} leaves out the factors 1/(σ√(2π)) of the densities. With different "
            f"standard deviations ({plain_number(sd_d)} and {plain_number(sd_g)}) they do not cancel.",
        ),
        (
            v_d / (v_d + v_g) if (sd_d != 1 or sd_g != 1) else None,
            f"{_num(v_d / (v_d + v_g))} divides by 2σ instead of 2σ² in the exponent. The second number "
            "of 𝒩(μ, σ²) is the variance, the square of the standard deviation given.",
        ),
    ]
    return Variant(
        params={"mu_data": mu_d, "std_data": sd_d, "mu_g": mu_g, "std_g": sd_g, "x": x},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": TOLERANCE},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=SEPARATION, places=6),
            "explanation": (
                "For a fixed generator the discriminator's binary cross-entropy is minimised pointwise by "
                "D*(x) = p_data(x) / (p_data(x) + p_g(x)). The densities at x are "
                f"p_data({plain_number(x)}) = {plain_number(p_d, 5)} and p_g({plain_number(x)}) = "
                f"{plain_number(p_g, 5)} (each exp(−(x − μ)²/(2σ²)) / (σ√(2π))), so D* = "
                f"{plain_number(p_d, 5)} / ({plain_number(p_d, 5)} + {plain_number(p_g, 5)}) = {answer:.3f}. "
                "It reaches ½ everywhere only when p_g = p_data."
            ),
            "dont_know_feedback": (
                "Study the optimal discriminator of the GAN game, D*(x) = p_data(x) / (p_data(x) + p_g(x)), "
                "and how to evaluate a Gaussian density (skill: GANs: the generator–discriminator game and "
                "its losses)."
            ),
        },
    )


# -- +2: a reparameterised sample and its gradients --------------------------------------------------------

REP_MUS = [k / 10 for k in range(-10, 11)]
REP_LOG_VARS = [k / 10 for k in range(-16, 9, 2) if k != 0]
"""log σ² = 0 is left out: σ = σ² = 1 would hide the variance mistake."""
REP_EPS = [k / 10 for k in range(-16, 17) if abs(k) >= 3]
REP_TARGETS = [k / 10 for k in range(-15, 16, 5)]


def reparameterised(mu: float, sigma: float, eps: float, target: float) -> dict[str, float]:
    """z = μ + σ·ε and, for L = (z − x)², ∂L/∂μ and (through σ = exp(½ log σ²)) ∂L/∂log σ²."""
    z = mu + sigma * eps
    upstream = 2 * (z - target)
    return {"z": z, "grad_mu": upstream, "grad_log_var": upstream * 0.5 * sigma * eps}


def _reparameterisation(rng: random.Random) -> Variant:
    while True:
        mu, log_var = rng.choice(REP_MUS), rng.choice(REP_LOG_VARS)
        eps, target = rng.choice(REP_EPS), rng.choice(REP_TARGETS)
        sigma = math.exp(0.5 * log_var)
        key = reparameterised(mu, sigma, eps, target)
        # ∂L/∂z must differ from 1, or the gradients of z would equal those of L.
        if (
            abs(key["z"] - target) >= 0.2
            and abs(key["grad_mu"] - 1) >= 0.1
            and abs(key["grad_log_var"]) >= 0.05
        ):
            break
    params = {"mu": mu, "log_var": log_var, "eps": eps, "target": target}
    upstream = key["grad_mu"]
    stem = (
        "A toy VAE has a one-dimensional latent. For one input its encoder outputs "
        f"$\\mu = {plain_number(mu)}$ and $\\log \\sigma^2 = {plain_number(log_var)}$ (natural log), and the "
        "sample is drawn with the reparameterisation trick using the noise "
        f"$\\varepsilon = {plain_number(eps)}$. "
        "The decoder of this toy simply returns $z$, and the reconstruction loss is "
        f"$L = (z - x)^2$ with $x = {plain_number(target)}$. Give $z$, $\\partial L / \\partial \\mu$ and "
        "$\\partial L / \\partial \\log \\sigma^2$, each to three decimal places."
    )
    variance = math.exp(log_var)
    as_variance = reparameterised(mu, variance, eps, target)
    as_variance["grad_log_var"] = as_variance["grad_mu"] * variance * eps
    candidates: list[tuple[dict[str, float] | None, str]] = [
        (
            as_variance,
            f"These values use exp(log σ²) = {_num(variance)} as σ. That is the variance: the standard "
            f"deviation is σ = exp(½ log σ²) = {_num(sigma)}, and z = μ + σ·ε.",
        ),
        (
            {**key, "grad_log_var": upstream * sigma * eps},
            f"∂L/∂log σ² = {_num(upstream * sigma * eps)} misses the ½ of the chain rule: σ = exp(½ log σ²), "
            "so ∂σ/∂log σ² = ½σ and ∂z/∂log σ² = ½σε.",
        ),
        (
            {**key, "grad_log_var": upstream * eps},
            f"∂L/∂log σ² = {_num(upstream * eps)} is the gradient with respect to σ (∂z/∂σ = ε). The encoder "
            "outputs log σ², so the chain rule adds ∂σ/∂log σ² = ½σ.",
        ),
        (
            {"z": key["z"], "grad_mu": 1.0, "grad_log_var": 0.5 * sigma * eps},
            "These gradients are those of z, not of L: they leave out ∂L/∂z = 2(z − x) = "
            f"{_num(upstream)}, which multiplies both.",
        ),
    ]
    tolerance = {"absolute": TOLERANCE}
    return Variant(
        params=params,
        fields={
            "stem": stem,
            "fields": [
                {"name": "z", "label": "z", "answer": key["z"], "tolerance": tolerance},
                {"name": "grad_mu", "label": "∂L/∂μ", "answer": key["grad_mu"], "tolerance": tolerance},
                {
                    "name": "grad_log_var",
                    "label": "∂L/∂log σ²",
                    "answer": key["grad_log_var"],
                    "tolerance": tolerance,
                },
            ],
            "misconceptions": distinct_tuple_misconceptions(key, candidates, separation=SEPARATION, places=6),
            "explanation": (
                f"σ = exp(½ log σ²) = exp({plain_number(log_var / 2)}) = {plain_number(sigma)}, so "
                f"z = μ + σε = {plain_number(mu)} + {plain_number(sigma)} × {plain_number(eps)} = "
                f"{key['z']:.3f}. "
                f"The loss gives ∂L/∂z = 2(z − x) = {plain_number(upstream)}. Since ∂z/∂μ = 1, ∂L/∂μ = "
                f"{upstream:.3f}; since ∂z/∂log σ² = ε·∂σ/∂log σ² = ½σε = {plain_number(0.5 * sigma * eps)}, "
                f"∂L/∂log σ² = {plain_number(upstream)} × {plain_number(0.5 * sigma * eps)} = "
                f"{key['grad_log_var']:.3f}. The noise ε is a fixed input, so the gradient reaches μ and "
                "log σ² along a deterministic path."
            ),
            "dont_know_feedback": (
                "Study the reparameterisation trick, z = μ + exp(½ log σ²)·ε, and how the chain rule carries "
                "a loss's gradient back to μ and log σ² through it (skill: sampling and the "
                "reparameterisation trick in VAEs)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-gen-ae-code-size",
        kind="numeric",
        domain="generative_models",
        skills=("gen-autoencoders",),
        difficulty=-3.0,
        use="practice",
        build=_code_size,
    ),
    GeneratorFamily(
        id="gen-gen-noising-step-std",
        kind="numeric",
        domain="generative_models",
        skills=("gen-diffusion",),
        difficulty=-2.0,
        use="practice",
        build=_noising_std,
    ),
    GeneratorFamily(
        id="gen-gen-ae-param-count",
        kind="numeric",
        domain="generative_models",
        skills=("gen-autoencoders",),
        difficulty=-1.0,
        use="practice",
        build=_autoencoder_params,
    ),
    GeneratorFamily(
        id="gen-gen-bits-per-dim",
        kind="numeric",
        domain="generative_models",
        skills=("gen-evaluation",),
        difficulty=0.0,
        use="practice",
        build=_bits_per_dim,
    ),
    GeneratorFamily(
        id="gen-gen-optimal-discriminator",
        kind="numeric",
        domain="generative_models",
        skills=("gen-gan-objective",),
        difficulty=1.0,
        use="practice",
        build=_optimal_discriminator,
    ),
    GeneratorFamily(
        id="gen-gen-vae-reparam-gradients",
        kind="numeric_tuple",
        domain="generative_models",
        skills=("gen-vae-reparameterisation",),
        difficulty=2.0,
        use="practice",
        build=_reparameterisation,
    ),
]

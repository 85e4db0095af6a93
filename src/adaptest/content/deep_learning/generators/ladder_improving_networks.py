"""Practice ladder for improving deep networks: the very easy (−3, −2) and very hard (+1, +2) rungs.

The domain's families at −1 and 0 are gen-minibatches-per-epoch and gen-he-init-std. These families extend
the range for practice only (``use="practice"``): the epoch whose checkpoint early stopping restores (−3),
the value of an L2 penalty (−2), the output of a batch-norm layer for a small mini-batch (+1), and the
learning rate of a per-batch warm-up + cosine schedule at the start of a given epoch (+2).

Every answer is computed here in plain Python; tests/content/oracles_ladder_improving_networks.py
recomputes it with real PyTorch (tensors, ``nn.BatchNorm1d``, ``DataLoader`` and the LR schedulers) from
the parameters each variant returns. Distractors come from named misconceptions; any that would be
accepted as the answer (or repeat an earlier distractor) for a given seed are left out.
"""

from __future__ import annotations

import math
import random

from adaptest.bank.authoring import (
    code_block,
    distinct_grid_misconceptions,
    distinct_misconceptions,
    plain_number,
)
from adaptest.bank.generators import GeneratorFamily, Variant

Grid = list[list[float]]


# -- helpers ------------------------------------------------------------------------------------------


def _sig(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant figures, without exponent notation for learning rates."""
    if value == 0:
        return "0"
    places = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return plain_number(round(value, places), places)


def _par(value: float) -> str:
    """A number for a product in prose: negative numbers in parentheses."""
    return f"({plain_number(value)})" if value < 0 else plain_number(value)


# -- −3. Which checkpoint early stopping restores -------------------------------------------------------


def _falling(rng: random.Random, start: float, count: int, low: float, high: float) -> list[float]:
    """``count`` strictly falling values after ``start``, each step between ``low`` and ``high``."""
    values = [start]
    for _ in range(count - 1):
        values.append(round(values[-1] - rng.uniform(low, high), 2))
    return values


def _best_checkpoint(rng: random.Random) -> Variant:
    epochs = rng.randint(5, 8)
    best = rng.randint(2, epochs - 1)
    metric = "loss" if rng.random() < 0.7 else "accuracy"
    if metric == "loss":
        val = _falling(rng, round(rng.uniform(0.85, 1.2), 2), best, 0.03, 0.1)
        val += [round(val[-1] + rng.uniform(0.01, 0.12), 2) for _ in range(epochs - best)]
        train = _falling(rng, round(val[0] - rng.uniform(0.0, 0.05), 2), epochs, 0.03, 0.09)
        best_word, row_val, row_train = "lowest", "validation loss", "training loss"
        shown_val = [f"{v:.2f}" for v in val]
        shown_train = [f"{v:.2f}" for v in train]
    else:
        # accuracies (%) rise to the best epoch, then fall back without reaching it again
        val = [round(rng.uniform(55, 70), 1)]
        for _ in range(best - 1):
            val.append(round(val[-1] + rng.uniform(1.5, 6.0), 1))
        val += [round(val[best - 1] - rng.uniform(0.5, 4.0), 1) for _ in range(epochs - best)]
        train = [round(val[0] + 2 + 3 * i + rng.uniform(0, 2), 1) for i in range(epochs)]
        best_word, row_val, row_train = "highest", "validation accuracy (%)", "training accuracy (%)"
        shown_val = [f"{v:.1f}" for v in val]
        shown_train = [f"{v:.1f}" for v in train]
    answer = best
    header = "| epoch | " + " | ".join(str(e) for e in range(1, epochs + 1)) + " |"
    rule = "| --- |" + " --- |" * epochs
    table = "\n".join(
        (
            header,
            rule,
            f"| {row_train} | " + " | ".join(shown_train) + " |",
            f"| {row_val} | " + " | ".join(shown_val) + " |",
        )
    )
    saving = rng.choice(
        (
            f"saving a checkpoint whenever the validation {metric} is the {best_word} so far",
            f"keeping a checkpoint of the weights from the epoch with the {best_word} validation {metric}",
        )
    )
    stem = (
        f"You train a network for {epochs} epochs, {saving}. Training ends after epoch {epochs}; the table "
        f"shows the metrics after each epoch.\n\n{table}\n\nWhich epoch's weights should you restore "
        "as the final model?"
    )
    candidates: list[tuple[float | None, str]] = [
        (
            float(epochs),
            f"Epoch {epochs} has the latest weights and the best *training* {metric}, but the checkpoint "
            f"kept is the one with the {best_word} *validation* {metric}: the training metric keeps "
            "improving while the model starts to over-fit.",
        ),
        (
            float(best + 1),
            f"Epoch {best + 1} is the first epoch after the best one, where the validation {metric} got "
            f"worse. The weights to restore are those saved at the best epoch itself, {best}.",
        ),
        (
            float(best - 1),
            f"You counted epochs from 0. The table numbers them from 1, and the {best_word} validation "
            f"{metric} is in the column of epoch {best}.",
        ),
    ]
    return Variant(
        params={"values": val, "best": best_word},
        fields={
            "stem": stem,
            "answer": answer,
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.5, limit=3),
            "explanation": (
                f"Early stopping keeps the weights that did best on the validation set. The {best_word} "
                f"validation {metric} is {shown_val[best - 1]}, after epoch {best}, so you restore the "
                f"checkpoint from epoch {best}. The later epochs still improve the training {metric} but "
                "not the validation one: the model has begun to over-fit."
            ),
            "dont_know_feedback": (
                "Study early stopping: why the checkpoint to keep is the one with the best validation "
                "metric, not the last or the best on training data (skill: stopping training early from "
                "the validation curve)."
            ),
        },
    )


# -- −2. The value of an L2 penalty -----------------------------------------------------------------------

_L2_WEIGHTS = (-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0)
_L2_LAMBDAS = (0.5, 0.1, 0.05, 0.02, 0.01, 0.001)
_L2_TOLERANCE = 0.001  # relative


def _l2_penalty(rng: random.Random) -> Variant:
    while True:
        weights = [rng.choice(_L2_WEIGHTS) for _ in range(rng.choice((3, 4)))]
        if any(w < 0 for w in weights) and len({abs(w) for w in weights}) > 1:
            break
    lam = rng.choice(_L2_LAMBDAS)
    squares = [w * w for w in weights]
    total = sum(squares)
    answer = round(lam * total, 12)
    vector = ", ".join(plain_number(w) for w in weights)
    where = rng.choice(("A small model's weights are", "A layer's weight vector is", "The weights are"))
    stem = (
        f"{where} $w = ({vector})$. Training adds the L2 penalty $\\lambda \\lVert w \\rVert_2^2$ with "
        f"$\\lambda = {plain_number(lam)}$ to the loss. What is the value of the penalty?"
    )
    abs_sum = sum(abs(w) for w in weights)
    squared_list = " + ".join(plain_number(s) for s in squares)
    candidates: list[tuple[float | None, str]] = [
        (
            lam * abs_sum,
            f"You summed the absolute values, |w|₁ = {plain_number(abs_sum)}: that is the L1 penalty. The "
            f"squared L2 norm sums the squares: {squared_list} = {plain_number(total)}.",
        ),
        (
            lam * math.sqrt(total),
            f"You used the L2 norm ‖w‖₂ = √{plain_number(total)} itself. The penalty uses the *squared* "
            f"norm, ‖w‖₂² = {plain_number(total)}, with no square root.",
        ),
        (
            lam * sum(weights) ** 2,
            f"You squared the sum of the weights, ({plain_number(sum(weights))})². The squared norm squares "
            f"each weight first and then adds: {squared_list} = {plain_number(total)}; negative weights add "
            "to it too.",
        ),
        (
            total,
            f"{plain_number(total)} is ‖w‖₂² alone; the penalty is that times λ = {plain_number(lam)}.",
        ),
    ]
    return Variant(
        params={"weights": weights, "lambda": lam},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"relative": _L2_TOLERANCE},
            "misconceptions": distinct_misconceptions(
                answer, candidates, separation=2 * _L2_TOLERANCE * answer
            ),
            "explanation": (
                f"The squared L2 norm is the sum of the squared weights: ‖w‖₂² = {squared_list} = "
                f"{plain_number(total)}. Times λ: {plain_number(lam)} × {plain_number(total)} = "
                f"{plain_number(answer, 6)}."
            ),
            "dont_know_feedback": (
                "Study the L2 penalty λ‖w‖₂² = λ·Σ wᵢ² and how it differs from the L1 penalty λ·Σ |wᵢ| "
                "(skill: regularising with dropout, weight decay and data)."
            ),
        },
    )


# -- +1. Batch-norm output for a small mini-batch ----------------------------------------------------------

# Deviations from the mean of four examples (sum 0); their biased standard deviations are 1, 3, √5, √2,
# √3 and √2.5, so the standardised values are simple or need only a square root.
_BN_PATTERNS: tuple[tuple[int, ...], ...] = (
    (-1, -1, 1, 1),
    (-5, 1, 1, 3),
    (-3, -1, 1, 3),
    (-2, 0, 0, 2),
    (-3, 1, 1, 1),
    (-2, -1, 1, 2),
)
_BN_GAMMAS = (0.5, 1.0, 1.5, 2.0)
_BN_BETAS = (-1.0, 0.0, 0.5, 1.0, 2.0)
_BN_TOLERANCE = 0.015


def _bn_column(rng: random.Random) -> list[float]:
    """One feature's four values: a shuffled, possibly mirrored and scaled pattern around a random mean."""
    deviations = list(rng.choice(_BN_PATTERNS))
    rng.shuffle(deviations)
    if rng.random() < 0.5:
        deviations = [-d for d in deviations]
    scale = 1 if max(map(abs, deviations)) == 5 else rng.choice((1, 2))
    mean = rng.randint(-2, 8)
    return [float(mean + scale * d) for d in deviations]


def _standardise(column: list[float], divisor: int, power: float = 0.5) -> list[float]:
    mean = sum(column) / len(column)
    var = sum((v - mean) ** 2 for v in column) / divisor
    return [(v - mean) / var**power for v in column]


def _batchnorm_grid(rng: random.Random) -> Variant:
    while True:
        columns = [_bn_column(rng) for _ in range(2)]
        gammas = [rng.choice(_BN_GAMMAS) for _ in range(2)]
        betas = [rng.choice(_BN_BETAS) for _ in range(2)]
        affine_changes = any((g, b) != (1.0, 0.0) for g, b in zip(gammas, betas, strict=True))
        if columns[0] != columns[1] and affine_changes:
            break
    x = [[columns[0][r], columns[1][r]] for r in range(4)]

    def affine(cols: list[list[float]]) -> Grid:
        return [[gammas[c] * cols[c][r] + betas[c] for c in range(2)] for r in range(4)]

    standard = [_standardise(col, 4) for col in columns]
    answer = affine(standard)
    unbiased = affine([_standardise(col, 3) for col in columns])
    by_variance = affine([_standardise(col, 4, 1.0) for col in columns])
    no_affine = [[standard[c][r] for c in range(2)] for r in range(4)]
    row_standard: list[list[float]] = []
    for a, b in x:
        half = abs(a - b) / 2
        row_standard.append([0.0, 0.0] if half == 0 else [(a - b) / 2 / half, (b - a) / 2 / half])
    by_rows = [[gammas[c] * row_standard[r][c] + betas[c] for c in range(2)] for r in range(4)]

    table = "\n".join(
        [
            "| | feature 1 | feature 2 |",
            "| --- | --- | --- |",
            *(f"| example {r + 1} | {plain_number(x[r][0])} | {plain_number(x[r][1])} |" for r in range(4)),
        ]
    )
    stem = (
        "An `nn.BatchNorm1d(2)` layer in training mode receives this mini-batch of 4 examples with 2 "
        f"features. Its scale is γ = ({plain_number(gammas[0])}, {plain_number(gammas[1])}) and its shift is "
        f"β = ({plain_number(betas[0])}, {plain_number(betas[1])}), one value per feature; ignore ε. Enter "
        f"the layer's output, with two decimals where a value is not exact.\n\n{table}"
    )
    working = []
    for c, col in enumerate(columns):
        mean = sum(col) / 4
        var = sum((v - mean) ** 2 for v in col) / 4
        squares = " + ".join(plain_number((v - mean) ** 2) for v in col)
        xhat = ", ".join(plain_number(v, 3) for v in standard[c])
        ys = ", ".join(plain_number(answer[r][c], 3) for r in range(4))
        working.append(
            f"Feature {c + 1}: mean μ = {plain_number(mean)}, biased variance σ² = ({squares}) / 4 = "
            f"{plain_number(var)}, σ = {plain_number(math.sqrt(var), 3)}. Standardised: x̂ = ({xhat}); y = "
            f"{plain_number(gammas[c])}·x̂ + {_par(betas[c])} = ({ys})."
        )
    candidates: list[tuple[Grid, str]] = [
        (
            by_rows,
            "You normalised each example across its 2 features: that is layer norm. Batch norm normalises "
            "each feature (column) across the 4 examples of the mini-batch.",
        ),
        (
            unbiased,
            "You used the unbiased variance (dividing by n − 1 = 3). In training mode batch norm "
            "normalises with the biased batch variance, dividing by n = 4 (the unbiased estimate only "
            "updates `running_var`).",
        ),
        (
            no_affine,
            "These are the standardised values x̂. The layer then applies its learnable scale and shift "
            "per feature: y = γ·x̂ + β.",
        ),
        (
            by_variance,
            "You divided by the variance σ² instead of the standard deviation σ = √σ².",
        ),
    ]
    return Variant(
        params={"x": x, "gamma": gammas, "beta": betas},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": _BN_TOLERANCE},
            "row_labels": [f"example {r + 1}" for r in range(4)],
            "column_labels": ["feature 1", "feature 2"],
            "misconceptions": distinct_grid_misconceptions(answer, candidates, separation=_BN_TOLERANCE),
            "explanation": (
                "In training mode batch norm standardises each feature over the mini-batch with the batch "
                "mean and the biased variance (divide by 4), then scales by γ and shifts by β.\n\n"
                + "\n\n".join(working)
            ),
            "dont_know_feedback": (
                "Work through batch normalisation one feature at a time: batch mean, biased batch variance, "
                "standardise, then scale by γ and shift by β; compare it with layer norm, which normalises "
                "each example (skill: normalising activations with batch and layer norm)."
            ),
        },
    )


# -- +2. Learning rate of a per-batch warm-up + cosine schedule at the start of an epoch ------------------

_SCHED_BATCHES = (16, 32, 64, 128, 256)
_SCHED_LRS = (0.5, 0.2, 0.1, 0.05, 0.01, 0.003, 0.001)
_SCHED_START = (0.1, 0.01, 0.2, 0.25)
_SCHED_TOLERANCE = 0.001  # relative: the answer is asked to 4 significant figures


def _warmup_cosine_lr(rng: random.Random) -> Variant:
    batch = rng.choice(_SCHED_BATCHES)
    per_epoch = rng.randint(8, 60)
    partial = rng.random() < 0.85
    n = (per_epoch - 1) * batch + rng.randint(1, batch - 1) if partial else per_epoch * batch
    epochs = rng.choice((5, 6, 8, 10, 12, 15))
    total = epochs * per_epoch
    choices = [
        w for w in (20, 25, 30, 40, 50, 60, 75, 80, 100, 120, 150, 200) if 0.05 * total <= w <= 0.3 * total
    ]
    warmup = rng.choice(choices) if choices else max(5, round(0.1 * total))
    t_max = total - warmup
    lr0 = rng.choice(_SCHED_LRS)
    start = rng.choice(_SCHED_START)
    during_warmup = [e for e in range(1, epochs) if e * per_epoch < warmup]
    if during_warmup and rng.random() < 0.2:
        epoch = rng.choice(during_warmup)
    else:
        epoch = rng.choice([e for e in range(1, epochs) if e * per_epoch >= warmup])

    def lr_at(step: int, restart_cosine: bool = True) -> float:
        if step < warmup:
            return lr0 * (start + (1 - start) * step / warmup)
        t = step - warmup if restart_cosine else step
        return 0.5 * lr0 * (1 + math.cos(math.pi * t / t_max))

    steps = epoch * per_epoch
    answer = lr_at(steps)
    lines = [
        f"# len(train_set) == {n}",
        f"loader = DataLoader(train_set, batch_size={batch}, shuffle=True)",
        f"opt = torch.optim.SGD(model.parameters(), lr={plain_number(lr0)})",
        f"warmup = LinearLR(opt, start_factor={plain_number(start)}, total_iters={warmup})",
        f"cosine = CosineAnnealingLR(opt, T_max={t_max})",
        f"sched = SequentialLR(opt, [warmup, cosine], milestones=[{warmup}])",
        f"for epoch in range({epochs}):",
        "    for x, y in loader:",
        "        opt.zero_grad()",
        "        loss_fn(model(x), y).backward()",
        "        opt.step()",
        "        sched.step()",
    ]
    stem = (
        f"What learning rate does `opt.step()` use on the first batch of `epoch == {epoch}`? "
        f"`LinearLR` multiplies the learning rate by a factor that rises linearly from `start_factor` "
        f"to 1 over `total_iters` calls of `sched.step()`; from the milestone on, `CosineAnnealingLR` "
        f"sets it to ½·{plain_number(lr0)}·(1 + cos(π·t / T_max)), where t counts the `sched.step()` calls "
        f"since the milestone. Give 4 significant figures.\n\n{code_block(lines)}"
    )
    if partial:
        batches = (
            f"{n} examples in batches of {batch}: ⌈{n}/{batch}⌉ = {per_epoch} batches per epoch (the last "
            "one is smaller), "
        )
    else:
        batches = f"{n} = {per_epoch}·{batch} examples: {per_epoch} full batches per epoch, "
    explanation = (
        f"`sched.step()` runs once per batch, so the schedule counts optimiser steps, not epochs. {batches}"
        f"so before epoch {epoch} starts the loop has taken {epoch}·{per_epoch} = {steps} steps. "
    )
    if steps < warmup:
        factor = start + (1 - start) * steps / warmup
        explanation += (
            f"That is still inside the {warmup}-step warm-up: the factor is {plain_number(start)} + (1 − "
            f"{plain_number(start)})·{steps}/{warmup} = {plain_number(factor, 6)}, so the learning rate is "
            f"{plain_number(lr0)}·{plain_number(factor, 6)} = {_sig(answer)}."
        )
    else:
        t = steps - warmup
        cosine = math.cos(math.pi * t / t_max)
        sign = "−" if cosine < 0 else "+"
        explanation += (
            f"The warm-up ended at step {warmup}, so the cosine phase is at t = {steps} − {warmup} = {t} of "
            f"T_max = {t_max}: ½·{plain_number(lr0)}·(1 + cos(π·{t}/{t_max})) = ½·{plain_number(lr0)}·(1 "
            f"{sign} {plain_number(abs(cosine), 4)}) = {_sig(answer)}."
        )
    floor_steps = epoch * (n // batch)
    candidates: list[tuple[float | None, str]] = [
        (
            lr_at(epoch),
            f"You counted one scheduler step per epoch. `sched.step()` sits inside the batch loop, so it has "
            f"run {steps} times, not {epoch}, by the start of epoch {epoch}.",
        ),
        (
            lr_at(floor_steps) if partial else None,
            f"You rounded {n}/{batch} down to {n // batch} batches per epoch. Without `drop_last=True` the "
            f"last, smaller batch is kept and is a step too: {per_epoch} steps per epoch, so {steps} steps "
            f"before epoch {epoch}.",
        ),
        (
            lr_at(steps, restart_cosine=False) if steps >= warmup else None,
            f"You fed the cosine the total step count {steps}. `CosineAnnealingLR` starts counting at the "
            f"milestone, so t = {steps} − {warmup} = {steps - warmup}.",
        ),
        (
            0.5 * lr0 * (1 + math.cos(math.pi * epoch / epochs)),
            f"You ran the cosine over epochs ({epoch} of {epochs}). The schedule counts optimiser steps, "
            f"starts its cosine after the {warmup} warm-up steps and lasts T_max = {t_max} steps.",
        ),
    ]
    return Variant(
        params={
            "n": n,
            "batch_size": batch,
            "lr": lr0,
            "start_factor": start,
            "warmup": warmup,
            "t_max": t_max,
            "epoch": epoch,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"relative": _SCHED_TOLERANCE},
            "misconceptions": distinct_misconceptions(
                answer, candidates, separation=2 * _SCHED_TOLERANCE * answer
            ),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how LR schedulers count `sched.step()` calls: when it is called per batch, convert "
                "epochs into optimiser steps (⌈N / batch size⌉ per epoch), and note that a chained "
                "scheduler starts its own count at the milestone (skills: scheduling the learning rate, "
                "tuning mini-batches)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-imp-best-checkpoint-epoch",
        kind="numeric",
        domain="improving_networks",
        skills=("imp-early-stopping",),
        difficulty=-3.0,
        use="practice",
        build=_best_checkpoint,
    ),
    GeneratorFamily(
        id="gen-imp-l2-penalty",
        kind="numeric",
        domain="improving_networks",
        skills=("imp-regularisation",),
        difficulty=-2.0,
        use="practice",
        build=_l2_penalty,
    ),
    GeneratorFamily(
        id="gen-imp-batchnorm-batch-grid",
        kind="matrix",
        domain="improving_networks",
        skills=("imp-normalisation",),
        difficulty=1.0,
        use="practice",
        build=_batchnorm_grid,
    ),
    GeneratorFamily(
        id="gen-imp-warmup-cosine-epoch-lr",
        kind="numeric",
        domain="improving_networks",
        skills=("imp-lr-schedules", "imp-optimisation"),
        difficulty=2.0,
        use="practice",
        build=_warmup_cosine_lr,
    ),
]

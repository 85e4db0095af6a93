"""Practice-ladder families for applied practice: one family at each of the levels −3, −2, −1, +1 and +2.

Level 0 is served by gen-confusion-metrics and gen-chance-baseline (grids_and_metrics.py). These families
are for practice only (``use="practice"``): they stretch the ladder to very weak and very strong learners.
Every answer is computed here in plain Python; tests/content/oracles_ladder_applied_practice.py recomputes
it with PyTorch tensors from the parameters each variant returns. Distractors come from named mistakes;
any that would coincide with the key (or with an earlier distractor) for a given seed is left out.
"""

from __future__ import annotations

import random
from functools import partial

from adaptest.bank.authoring import (
    confusion_table,
    distinct_misconceptions,
    distinct_tuple_misconceptions,
    plain_number,
)
from adaptest.bank.generators import GeneratorFamily, Variant

# ---------------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------------

_fmt = partial(plain_number, thousands="integers")
"""Numbers in this module's prose: thousands separators in whole numbers (``10,000``), not in decimals."""

_BINARY_TASKS = (
    ("an email filter", "spam", "not spam"),
    ("a fraud detector", "fraud", "legitimate"),
    ("a defect detector on a production line", "defective", "OK"),
    ("a screening model for a disease", "ill", "healthy"),
    ("a churn predictor", "churn", "no churn"),
    ("a toxic-comment classifier", "toxic", "fine"),
)


# ---------------------------------------------------------------------------------------------------
# −3.0  Size of one split of a dataset
# ---------------------------------------------------------------------------------------------------

_SPLIT_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 1_000_000)
_SPLIT_PERCENTS = ((80, 10, 10), (70, 15, 15), (60, 20, 20), (90, 5, 5), (98, 1, 1))


def _split_sizes(rng: random.Random) -> Variant:
    percents = rng.choice(_SPLIT_PERCENTS)
    sizes = [n for n in _SPLIT_SIZES if percents != (98, 1, 1) or n >= 10_000]
    n = rng.choice(sizes)
    which = rng.randrange(3)
    share = percents[which]
    answer = n * share // 100
    sizes_of = [n * p // 100 for p in percents]
    other = 1 if which == 0 else 0
    dev_word = rng.choice(("dev", "validation"))
    names = ("training", dev_word, "test")
    asked = names[which]
    stem = (
        f"You shuffle a dataset of {_fmt(n)} labelled examples and split it {percents[0]}% / {percents[1]}% / "
        f"{percents[2]}% into training, {dev_word} and test sets. How many examples go into the **{asked}** set?"
    )
    candidates = [
        (
            float(n - answer),
            f"{_fmt(n - answer)} is the number of examples *outside* the {asked} set. The {asked} set gets "
            f"{share}% of {_fmt(n)}.",
        ),
        (
            float(sizes_of[other]),
            f"{_fmt(sizes_of[other])} is the size of the {names[other]} set ({percents[other]}%). The "
            f"{asked} set gets {share}%.",
        ),
        (
            n * share / 1000,
            f"You slipped a decimal place: {share}% is {_fmt(share / 100)}, not {_fmt(share / 1000)}, so the "
            f"{asked} set holds {_fmt(n)} × {_fmt(share / 100)} examples.",
        ),
    ]
    return Variant(
        params={"n": n, "percents": list(percents), "split": which},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "examples",
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.5, places=6),
            "explanation": (
                f"The {asked} set is {share}% of the data: {_fmt(n)} × {share} / 100 = {_fmt(answer)}. "
                f"The three sets hold {_fmt(sizes_of[0])}, {_fmt(sizes_of[1])} and {_fmt(sizes_of[2])} "
                f"examples, {_fmt(n)} in all."
            ),
            "dont_know_feedback": (
                "Review how a dataset is divided into training, dev (validation) and test sets by percentages "
                "(skill: splitting data into training, dev and test sets)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# −2.0  Accuracy from a 2×2 confusion matrix
# ---------------------------------------------------------------------------------------------------


def _accuracy_from_confusion(rng: random.Random) -> Variant:
    total = rng.choice((100, 200, 500, 1000))
    errors = rng.randint(total // 20, total // 4)
    fp = rng.randint(1, errors - 1)
    fn = errors - fp
    correct = total - errors
    tp = rng.randint(correct // 5, correct - correct // 5)
    tn = correct - tp
    answer = 100 * correct / total
    task, pos, neg = rng.choice(_BINARY_TASKS)
    rows_actual = rng.random() < 0.5
    axis = (
        "rows are the actual classes, columns the predictions"
        if rows_actual
        else "rows are the predictions, columns the actual classes"
    )
    stem = (
        f"On a test set of {total} examples, {task} has this confusion matrix ({axis}):\n\n"
        f"{confusion_table(tp, fp, fn, tn, positive=pos, negative=neg, rows_actual=rows_actual)}\n\n"
        "What is its accuracy, as a percentage?"
    )
    candidates = [
        (
            100 - answer,
            f"{_fmt(100 - answer)}% is the error rate: the {errors} examples off the diagonal. Accuracy is the "
            "share of predictions that are right.",
        ),
        (
            100 * tp / total,
            f"You counted only the {tp} correctly found {pos} examples as right. The {tn} examples correctly "
            f"predicted {neg} are right too.",
        ),
        (
            100 * tp / (tp + fn),
            f"{tp} / {tp + fn} is the recall of the {pos} class (how many actual {pos} examples were found). "
            "Accuracy divides all correct predictions by all examples.",
        ),
    ]
    return Variant(
        params={"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "%",
            "tolerance": {"absolute": 0.05},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.1, places=6),
            "explanation": (
                f"The correct predictions are on the diagonal: {tp} {pos} predicted {pos} and {tn} {neg} "
                f"predicted {neg}, {correct} in all. Accuracy = {correct} / {total} = {_fmt(answer)}%."
            ),
            "dont_know_feedback": (
                "Review how to read a confusion matrix: the diagonal holds the correct predictions, and "
                "accuracy divides them by all examples (skill: reading a confusion matrix)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# −1.0  Throughput and epoch time from batch size and step time
# ---------------------------------------------------------------------------------------------------

_BATCHES = (32, 64, 128, 256)
_STEP_MS = (40, 50, 80, 100, 125, 160, 200, 250)
_STEPS = (100, 150, 200, 250, 300, 400, 500, 625, 750, 800, 1000, 1200, 1500, 2000)
_MODELS = ("a ResNet-50", "a ViT-B/16", "an EfficientNet-B0", "a U-Net", "a small CNN")


def _epoch_time(rng: random.Random) -> Variant:
    b = rng.choice(_BATCHES)
    t = rng.choice(_STEP_MS)
    steps = rng.choice(_STEPS)
    n = b * steps
    model = rng.choice(_MODELS)
    ips = b * 1000 / t
    epoch = steps * t / 1000
    stem = (
        f"Training {model} on a GPU, one step (forward, backward and optimiser update) on a batch of {b} "
        f"images takes {t} ms, and data loading keeps up. The training set has {_fmt(n)} images and the "
        f"`DataLoader` uses `batch_size={b}`. What is the training throughput, in images per second, and how "
        "long does one epoch take, in seconds (one decimal place)?"
    )
    key = {"images_per_second": ips, "epoch_seconds": epoch}
    candidates = [
        (
            {"images_per_second": b / t, "epoch_seconds": float(steps * t)},
            f"You left the step time in milliseconds: {b} / {t} = {_fmt(b / t)} is images per *millisecond*, "
            f"and {steps} × {t} = {_fmt(steps * t)} is the epoch in milliseconds. Convert {t} ms = "
            f"{_fmt(t / 1000)} s first.",
        ),
        (
            {"images_per_second": 1000 / t, "epoch_seconds": n * t / 1000},
            f"You counted one step per image. A step processes a whole batch of {b} images, so an epoch is "
            f"{_fmt(n)} / {b} = {steps} steps, and each second handles {_fmt(1000 / t)} batches of {b} images.",
        ),
    ]
    return Variant(
        params={"batch_size": b, "step_ms": t, "n_images": n},
        fields={
            "stem": stem,
            "fields": [
                {
                    "name": "images_per_second",
                    "label": "Throughput (images/s)",
                    "answer": ips,
                    "tolerance": {"absolute": 0.5},
                },
                {
                    "name": "epoch_seconds",
                    "label": "Epoch time (s)",
                    "answer": epoch,
                    "tolerance": {"absolute": 0.05},
                },
            ],
            "misconceptions": distinct_tuple_misconceptions(key, candidates, separation=0.05, places=6),
            "explanation": (
                f"A step takes {t} ms = {_fmt(t / 1000)} s and handles {b} images, so the throughput is "
                f"{b} / {_fmt(t / 1000)} = {_fmt(ips)} images/s. An epoch is {_fmt(n)} / {b} = {steps} steps, "
                f"taking {steps} × {_fmt(t / 1000)} s = {_fmt(epoch)} s (equivalently {_fmt(n)} / {_fmt(ips)})."
            ),
            "dont_know_feedback": (
                "Study how batch size, time per step and dataset size give throughput and epoch time, "
                "minding the units (skill: finding GPU and data-loading bottlenecks)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# +1.0  One point of the ROC curve from a threshold
# ---------------------------------------------------------------------------------------------------


def _rates(scores: list[float], labels: list[int], threshold: float, strict: bool) -> tuple[int, int]:
    """(TP, FP) when predicting positive for score ≥ threshold (or > threshold when strict)."""
    predicted = [(s > threshold) if strict else (s >= threshold) for s in scores]
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y == 1)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y == 0)
    return tp, fp


def _roc_point(rng: random.Random) -> Variant:
    while True:
        n_pos, n_neg = rng.randint(4, 6), rng.randint(5, 7)
        n = n_pos + n_neg
        labels = [1] * n_pos + [0] * n_neg
        rng.shuffle(labels)
        # Positives tend to score higher: draw each score from an overlapping range by label.
        hundredths: list[int] = []
        for y in labels:
            while True:
                h = rng.randint(30, 95) if y == 1 else rng.randint(5, 70)
                if h not in hundredths:
                    hundredths.append(h)
                    break
        scores = [h / 100 for h in hundredths]
        threshold = rng.choice(sorted(scores)[2:-2])
        tp, fp = _rates(scores, labels, threshold, strict=False)
        if tp == 0 or not 0 < fp < n_neg:
            continue
        tpr, fpr = tp / n_pos, fp / n_neg
        if abs(tpr - fpr) > 0.05:
            break
    tie = scores.index(threshold)
    tie_kind = "positive" if labels[tie] == 1 else "negative"
    tp_s, fp_s = _rates(scores, labels, threshold, strict=True)
    key = {"tpr": tpr, "fpr": fpr}
    candidates = [
        (
            {"tpr": tp_s / n_pos, "fpr": fp_s / n_neg},
            f"You left out example {tie + 1}, whose score equals the threshold {_fmt(threshold)}. The rule is "
            f"score ≥ {_fmt(threshold)}, so that {tie_kind} example is predicted positive.",
        ),
        (
            {"tpr": tpr, "fpr": fp / (tp + fp)},
            f"{fp} / {tp + fp} is the share of the predicted positives that are negative (1 − precision). "
            f"The false-positive rate divides the false positives by all {n_neg} actual negatives.",
        ),
        (
            {"tpr": fpr, "fpr": tpr},
            "You swapped the two rates. The true-positive rate is the share of actual positives predicted "
            "positive; the false-positive rate is the share of actual negatives predicted positive.",
        ),
    ]
    table = "\n".join(
        [
            "| example | " + " | ".join(str(i + 1) for i in range(n)) + " |",
            "| --- |" + " ---: |" * n,
            "| score | " + " | ".join(_fmt(s) for s in scores) + " |",
            "| label | " + " | ".join(str(y) for y in labels) + " |",
        ]
    )
    stem = (
        f"A binary classifier gives these scores to {n} test examples (label 1 = positive, 0 = negative):\n\n"
        f"{table}\n\n"
        f"It predicts positive when score ≥ {_fmt(threshold)}. Which point of the ROC curve does this threshold "
        "give? Enter the true-positive rate and the false-positive rate, each as a proportion between 0 and 1 "
        "(two decimals)."
    )
    chosen = [i + 1 for i, s in enumerate(scores) if s >= threshold]
    tolerance = {"absolute": 0.005}
    return Variant(
        params={"scores": scores, "labels": labels, "threshold": threshold},
        fields={
            "stem": stem,
            "fields": [
                {"name": "tpr", "label": "True-positive rate (TPR)", "answer": tpr, "tolerance": tolerance},
                {"name": "fpr", "label": "False-positive rate (FPR)", "answer": fpr, "tolerance": tolerance},
            ],
            "misconceptions": distinct_tuple_misconceptions(key, candidates, separation=0.005, places=6),
            "explanation": (
                f"Examples {', '.join(map(str, chosen))} score ≥ {_fmt(threshold)} (example {tie + 1} ties the "
                f"threshold and counts). Of these, TP = {tp} are positive and FP = {fp} negative. There are {n_pos} "
                f"positives and {n_neg} negatives in all, so TPR = TP / P = {tp} / {n_pos} = {_fmt(tpr, 3)} and "
                f"FPR = FP / N = {fp} / {n_neg} = {_fmt(fpr, 3)}: the ROC point is "
                f"(FPR, TPR) = ({_fmt(fpr, 2)}, {_fmt(tpr, 2)})."
            ),
            "dont_know_feedback": (
                "Study how a threshold turns scores into predictions and how the true- and false-positive "
                "rates place it on the ROC curve (skill: reading ROC and precision–recall curves)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# +2.0  Expected calibration error of a binary classifier from raw probabilities
# ---------------------------------------------------------------------------------------------------


def _ece_hundredths(confidence: list[int], correct: list[int]) -> tuple[float, float]:
    """(ECE, unweighted mean gap) for confidences in hundredths, with bins of width 0.1."""
    n = len(confidence)
    bins: dict[int, list[int]] = {}
    for i, c in enumerate(confidence):
        bins.setdefault(c // 10, []).append(i)
    weighted = sum(
        abs(sum(confidence[i] for i in idx) - 100 * sum(correct[i] for i in idx)) for idx in bins.values()
    )
    unweighted = sum(
        abs(sum(confidence[i] for i in idx) - 100 * sum(correct[i] for i in idx)) / len(idx)
        for idx in bins.values()
    )
    return weighted / (100 * n), unweighted / (100 * len(bins))


def _binary_ece(rng: random.Random) -> Variant:
    n = 10
    while True:
        probs_h: list[int] = []
        while len(probs_h) < n:
            h = rng.randint(2, 98)
            if h != 50 and max(h, 100 - h) % 10 != 0 and h not in probs_h:
                probs_h.append(h)
        # Labels follow a somewhat over-confident model: the true chance of class 1 is pulled toward 0.5.
        labels = [1 if rng.random() < 0.5 + 0.7 * (h / 100 - 0.5) else 0 for h in probs_h]
        predicted = [1 if h >= 50 else 0 for h in probs_h]
        correct = [int(p == y) for p, y in zip(predicted, labels, strict=True)]
        confidence = [max(h, 100 - h) for h in probs_h]
        if sum(1 for p in predicted if p == 0) < 3 or sum(correct) == n:
            continue
        answer, unweighted = _ece_hundredths(confidence, correct)
        as_p, _ = _ece_hundredths(probs_h, correct)
        signed = abs(sum(confidence) - 100 * sum(correct)) / (100 * n)
        # The key pitfall (p as the confidence) must give a different value, plus one more named mistake.
        if answer == 0 or abs(as_p - answer) <= 0.002:
            continue
        if (
            len(
                distinct_misconceptions(
                    answer, [(as_p, ""), (unweighted, ""), (signed, "")], separation=0.002, places=6
                )
            )
            >= 2
        ):
            break
    probs = [h / 100 for h in probs_h]
    bins: dict[int, list[int]] = {}
    for i, c in enumerate(confidence):
        bins.setdefault(c // 10, []).append(i)
    lines, terms = [], []
    for b in sorted(bins):
        idx = bins[b]
        right = sum(correct[i] for i in idx)
        mean_conf = sum(confidence[i] for i in idx) / (100 * len(idx))
        gap = abs(mean_conf - right / len(idx))
        which = f"example {idx[0] + 1}" if len(idx) == 1 else f"examples {', '.join(str(i + 1) for i in idx)}"
        lines.append(
            f"[{_fmt(b / 10)}, {_fmt((b + 1) / 10)}): {which}, mean confidence {_fmt(mean_conf)}, "
            f"accuracy {right}/{len(idx)}, gap {_fmt(gap)}"
        )
        terms.append(f"{len(idx)}/{n} × {_fmt(gap)}")
    task, pos, neg = rng.choice(_BINARY_TASKS)
    table = "\n".join(
        [
            "| example | " + " | ".join(str(i + 1) for i in range(n)) + " |",
            "| --- |" + " ---: |" * n,
            f"| p({pos}) | " + " | ".join(_fmt(p) for p in probs) + " |",
            "| true class | " + " | ".join(pos if y == 1 else neg for y in labels) + " |",
        ]
    )
    stem = (
        f"On {n} validation examples, {task} outputs p, its predicted probability of **{pos}**:\n\n{table}\n\n"
        f"It predicts {pos} when p ≥ 0.5 and {neg} otherwise, and its confidence in a prediction is the "
        "probability it gives to the class it predicts. Group the predictions by confidence into ten "
        "equal-width bins [0, 0.1), [0.1, 0.2), …, [0.9, 1.0] and compute the expected calibration error, "
        r"$\mathrm{ECE} = \sum_b \frac{n_b}{n}\,\lvert \mathrm{acc}_b - \mathrm{conf}_b \rvert$, where "
        "$n_b$ is the number of predictions in bin $b$, $\\mathrm{acc}_b$ their accuracy and "
        "$\\mathrm{conf}_b$ their mean confidence (empty bins add nothing). Give three decimals."
    )
    candidates = [
        (
            as_p,
            f"You used p, the probability of {pos}, as the confidence of every prediction. When the model "
            f"predicts {neg} (p < 0.5) its confidence is 1 − p: p = 0.2 means it is 80% sure of {neg}, so "
            "that prediction belongs in the [0.8, 0.9) bin.",
        ),
        (
            unweighted,
            "You averaged the bins' gaps without weighting them. ECE weights each bin's gap by the share "
            "of the predictions that fall in it, so a bin with one example counts less than a full one.",
        ),
        (
            signed,
            "You compared the overall mean confidence with the overall accuracy, letting over-confident "
            "and under-confident bins cancel out. ECE takes each bin's absolute gap before averaging.",
        ),
    ]
    return Variant(
        params={"probs": probs, "labels": labels},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.001},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.002, places=6),
            "explanation": (
                "Predictions: "
                + ", ".join(
                    f"{i + 1}: {pos if p == 1 else neg} ({'right' if c else 'wrong'}, confidence "
                    f"{_fmt(confidence[i] / 100)})"
                    for i, (p, c) in enumerate(zip(predicted, correct, strict=True))
                )
                + ". Binned by confidence: "
                + "; ".join(lines)
                + f". ECE = {' + '.join(terms)} = {_fmt(answer, 3)}. The confidence of a prediction of {neg} is "
                "1 − p, which puts it in a high bin just like a confident prediction of the other class."
            ),
            "dont_know_feedback": (
                "Study how the expected calibration error bins predictions by the confidence in the predicted "
                "class and weights each bin's gap by its size (skill: checking calibration with reliability "
                "diagrams)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-app-split-sizes",
        kind="numeric",
        domain="applied_practice",
        skills=("app-data-splits",),
        difficulty=-3.0,
        use="practice",
        build=_split_sizes,
    ),
    GeneratorFamily(
        id="gen-app-accuracy-from-confusion",
        kind="numeric",
        domain="applied_practice",
        skills=("app-confusion-matrices", "app-confusion-arithmetic"),
        difficulty=-2.0,
        use="practice",
        build=_accuracy_from_confusion,
    ),
    GeneratorFamily(
        id="gen-app-epoch-time",
        kind="numeric_tuple",
        domain="applied_practice",
        skills=("app-gpu-throughput",),
        difficulty=-1.0,
        use="practice",
        build=_epoch_time,
    ),
    GeneratorFamily(
        id="gen-app-roc-point",
        kind="numeric_tuple",
        domain="applied_practice",
        skills=("app-roc-pr-curves",),
        difficulty=1.0,
        use="practice",
        build=_roc_point,
    ),
    GeneratorFamily(
        id="gen-app-binary-ece",
        kind="numeric",
        domain="applied_practice",
        skills=("app-calibration",),
        difficulty=2.0,
        use="practice",
        build=_binary_ece,
    ),
]

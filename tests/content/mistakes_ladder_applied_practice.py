"""The named mistakes of generators/ladder_applied_practice.py, recomputed from a variant's parameters
alone (plain Python and NumPy, not the generator's code); checked by test_misconceptions.py.

When two mistakes give the same value for a variant, the variant offers it once with the feedback of the
mistake the family lists first: `first_of_equal` keeps that one and marks the later ones as not
applying; each function lists its mistakes in the family's order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def split_sizes_mistakes(params: dict[str, Any]) -> list[Mistake]:
    n, percents, split = params["n"], params["percents"], params["split"]
    size = n * percents[split] / 100
    neighbour = 1 if split == 0 else 0  # the family names the dev set when asked for training, else training
    return first_of_equal(
        [
            ("complement", n - size, "*outside* the"),
            ("other_split", n * percents[neighbour] / 100, "is the size of the"),
            ("decimal_slip", n * percents[split] / 1000, "slipped a decimal place"),
        ]
    )


def accuracy_mistakes(params: dict[str, Any]) -> list[Mistake]:
    tp, fp, fn, tn = params["tp"], params["fp"], params["fn"], params["tn"]
    total = tp + fp + fn + tn
    accuracy = 100 * (tp + tn) / total
    return first_of_equal(
        [
            ("error_rate", 100 - accuracy, "is the error rate"),
            ("positives_only", 100 * tp / total, "counted only the"),
            ("recall", 100 * tp / (tp + fn), "is the recall"),
        ]
    )


def epoch_time_mistakes(params: dict[str, Any]) -> list[Mistake]:
    batch, step_ms, n = params["batch_size"], params["step_ms"], params["n_images"]
    steps = n / batch
    return first_of_equal(
        [
            (
                "milliseconds",
                {"images_per_second": batch / step_ms, "epoch_seconds": steps * step_ms},
                "left the step time in milliseconds",
            ),
            (
                "step_per_image",
                {"images_per_second": 1000 / step_ms, "epoch_seconds": n * step_ms / 1000},
                "counted one step per image",
            ),
        ]
    )


def roc_point_mistakes(params: dict[str, Any]) -> list[Mistake]:
    scores, labels = np.array(params["scores"]), np.array(params["labels"])
    threshold = params["threshold"]
    positives, negatives = labels == 1, labels == 0

    def point(predicted: np.ndarray) -> tuple[int, int]:
        return int(np.sum(predicted & positives)), int(np.sum(predicted & negatives))

    tp, fp = point(scores >= threshold)
    tp_strict, fp_strict = point(scores > threshold)
    tpr, fpr = tp / positives.sum(), fp / negatives.sum()
    return first_of_equal(
        [
            (
                "strict_threshold",
                {"tpr": tp_strict / positives.sum(), "fpr": fp_strict / negatives.sum()},
                "whose score equals the threshold",
            ),
            ("one_minus_precision", {"tpr": tpr, "fpr": fp / (tp + fp)}, "(1 − precision)"),
            ("swapped_rates", {"tpr": fpr, "fpr": tpr}, "swapped the two rates"),
        ]
    )


def _ece(confidence: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """(ECE, the unweighted mean of the bins' gaps), with ten bins of width 0.1."""
    bins = np.floor(np.round(confidence * 100) / 10).astype(int)
    weighted, gaps = 0.0, []
    for b in np.unique(bins):
        inside = bins == b
        gap = abs(float(confidence[inside].mean() - correct[inside].mean()))
        weighted += inside.sum() / len(confidence) * gap
        gaps.append(gap)
    return weighted, float(np.mean(gaps))


def binary_ece_mistakes(params: dict[str, Any]) -> list[Mistake]:
    p, labels = np.array(params["probs"], dtype=float), np.array(params["labels"])
    predicted = (p >= 0.5).astype(int)
    correct = (predicted == labels).astype(float)
    confidence = np.where(predicted == 1, p, 1 - p)
    _, unweighted = _ece(confidence, correct)
    as_p, _ = _ece(p, correct)
    return first_of_equal(
        [
            ("p_as_confidence", as_p, "You used p, the probability"),
            ("unweighted_bins", unweighted, "without weighting them"),
            ("overall_gap", abs(float(confidence.mean() - correct.mean())), "overall mean confidence"),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-app-split-sizes": split_sizes_mistakes,
    "gen-app-accuracy-from-confusion": accuracy_mistakes,
    "gen-app-epoch-time": epoch_time_mistakes,
    "gen-app-roc-point": roc_point_mistakes,
    "gen-app-binary-ece": binary_ece_mistakes,
}

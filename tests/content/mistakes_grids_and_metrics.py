"""The named mistakes of generators/grids_and_metrics.py, recomputed from a variant's parameters alone
(plain Python and NumPy, not the generator's code); checked by test_misconceptions.py.

Two mistakes sometimes give the same value for a variant (two boxes of equal area: the overlap over A's
area and over B's). The variant then offers that value once, with the feedback of the mistake the family
lists first, so `first_of_equal` keeps the first of such mistakes and marks the later ones as not
applying; each function lists its mistakes in the family's order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tests.content.misconceptions import Mistake, Mistakes, first_of_equal


def _pooling_windows(grid: list[list[int]], kernel: int, stride: int) -> np.ndarray:
    """The windows as an (out, out, kernel·kernel) array."""
    x = np.array(grid, dtype=float)
    out = (x.shape[0] - kernel) // stride + 1
    return np.array(
        [
            [
                x[r * stride : r * stride + kernel, c * stride : c * stride + kernel].ravel()
                for c in range(out)
            ]
            for r in range(out)
        ]
    )


def _grid(values: np.ndarray) -> list[list[float]]:
    return [[float(v) for v in row] for row in values]


# -- pooling and gradient grids ---------------------------------------------------------------------------


def maxpool_mistakes(params: dict[str, Any]) -> list[Mistake]:
    windows = _pooling_windows(params["grid"], 2, 2)
    return first_of_equal(
        [
            ("average_pooling", _grid(windows.mean(axis=2)), "that is average pooling"),
            ("min_pooling", _grid(windows.min(axis=2)), "kept the smallest value"),
        ]
    )


def avgpool_mistakes(params: dict[str, Any]) -> list[Mistake]:
    windows = _pooling_windows(params["grid"], params["kernel"], params["stride"])
    return first_of_equal(
        [
            ("max_pooling", _grid(windows.max(axis=2)), "that is max pooling"),
            ("sum_not_mean", _grid(windows.sum(axis=2)), "did not divide"),
        ]
    )


def relu_grad_mistakes(params: dict[str, Any]) -> list[Mistake]:
    z, upstream = np.array(params["z"], dtype=float), np.array(params["upstream"], dtype=float)
    activation = np.maximum(z, 0.0)
    return first_of_equal(
        [
            ("no_mask", _grid(upstream), "passed the upstream gradient through unchanged"),
            (
                "times_activation",
                _grid(upstream * activation),
                "multiplied the upstream gradient by the activation",
            ),
            ("inverted_mask", _grid(np.where(z < 0, upstream, 0.0)), "the mask is the other way round"),
        ]
    )


# -- sigmoid and softmax ----------------------------------------------------------------------------------


def sigmoid_grad_mistakes(params: dict[str, Any]) -> list[Mistake]:
    x, g = params["x"], params["upstream"]
    s = 1 / (1 + math.exp(-x))
    if g == 1.0:  # the plain derivative: no upstream gradient is given (1 is never drawn as one)
        return first_of_equal(
            [
                ("sigmoid_itself", s, "is σ(x) itself"),
                ("one_minus_sigmoid", 1 - s, "is 1 − σ(x)"),
            ]
        )
    return first_of_equal(
        [
            ("sigmoid_itself", g * s, "multiplied the upstream gradient by σ(x)"),
            ("one_minus_sigmoid", g * (1 - s), "used 1 − σ(x)"),
            ("no_upstream", s * (1 - s), "local derivative alone"),
        ]
    )


def softmax_xent_mistakes(params: dict[str, Any]) -> list[Mistake]:
    logits, target = np.array(params["logits"], dtype=float), params["target"]
    log_probs = logits - np.log(np.sum(np.exp(logits)))
    loss = -float(log_probs[target])
    best = int(np.argmax(logits))
    return first_of_equal(
        [
            ("log_base_10", -float(log_probs[target] / np.log(10)), "log base 10"),
            ("no_minus_sign", -loss, "forgot the minus sign"),
            ("predicted_class", -float(log_probs[best]) if best != target else None, "largest logit"),
        ]
    )


# -- initialisation ---------------------------------------------------------------------------------------


def he_init_mistakes(params: dict[str, Any]) -> list[Mistake]:
    if params["layer"] == "linear":
        fan_in, fan_out = params["in_features"], params["out_features"]
    else:
        area = params["kernel_size"] ** 2
        fan_in, fan_out = params["in_channels"] * area, params["out_channels"] * area
    return first_of_equal(
        [
            ("variance", 2 / fan_in, "is the variance"),
            ("fan_out", math.sqrt(2 / fan_out), "divided by fan_out"),
            ("xavier", math.sqrt(2 / (fan_in + fan_out)), "Xavier (Glorot)"),
            ("no_relu_gain", math.sqrt(1 / fan_in), "leaves out ReLU's gain"),
        ]
    )


# -- boxes and metrics ------------------------------------------------------------------------------------


def _box_area(box: np.ndarray) -> float:
    return float(np.prod(box[2:] - box[:2]))


def iou_mistakes(params: dict[str, Any]) -> list[Mistake]:
    a, b = np.array(params["box_a"], dtype=float), np.array(params["box_b"], dtype=float)
    top_left, bottom_right = np.maximum(a[:2], b[:2]), np.minimum(a[2:], b[2:])
    inter = float(np.prod(np.clip(bottom_right - top_left, 0, None)))
    area_a, area_b = _box_area(a), _box_area(b)
    enclosing = float(np.prod(np.maximum(a[2:], b[2:]) - np.minimum(a[:2], b[:2])))
    # Inclusive pixel coordinates: every width and height one larger.
    inter_plus = float(np.prod(bottom_right - top_left + 1))
    union_plus = float(np.prod(a[2:] - a[:2] + 1) + np.prod(b[2:] - b[:2] + 1)) - inter_plus
    return first_of_equal(
        [
            ("over_area_a", inter / area_a, "box A's area alone"),
            ("over_area_b", inter / area_b, "box B's area alone"),
            ("over_sum_of_areas", inter / (area_a + area_b), "counts the overlap twice"),
            ("over_enclosing_box", inter / enclosing, "smallest box enclosing both"),
            ("fencepost", inter_plus / union_plus, "adds 1 to every width and height"),
        ]
    )


def confusion_mistakes(params: dict[str, Any]) -> list[Mistake]:
    tp, fp, fn = params["tp"], params["fp"], params["fn"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)

    def with_f1(value: float) -> dict[str, float]:
        return {"precision": precision, "recall": recall, "f1": value}

    return first_of_equal(
        [
            ("swapped", {"precision": recall, "recall": precision, "f1": f1}, "swapped precision and recall"),
            ("arithmetic_mean", with_f1((precision + recall) / 2), "ordinary average"),
            ("no_factor_two", with_f1(precision * recall / (precision + recall)), "half the F1 score"),
            ("jaccard", with_f1(tp / (tp + fp + fn)), "Jaccard index"),
        ]
    )


def chance_baseline_mistakes(params: dict[str, Any]) -> list[Mistake]:
    counts = np.array(params["counts"], dtype=float)
    shares = counts / counts.sum()
    k, top, sum_sq = len(counts), float(shares.max()), float(np.sum(shares**2))
    uniform: Mistake = ("uniform_guess", 1 / k, "guessing uniformly at random")
    if params["strategy"] == "majority":
        return first_of_equal(
            [
                uniform,
                ("frequency_guess", sum_sq, "Σ p² is the expected accuracy"),
                ("error_rate", 1 - top, "error rate"),
            ]
        )
    return first_of_equal(
        [
            uniform,
            ("always_majority", top, "always predicting the majority class"),
            ("error_rate", 1 - sum_sq, "expected error rate"),
            ("mean_not_sum", sum_sq / k, "instead of adding them"),
        ]
    )


MISTAKES: dict[str, Mistakes] = {
    "gen-maxpool-grid": maxpool_mistakes,
    "gen-avgpool-grid": avgpool_mistakes,
    "gen-relu-grad-grid": relu_grad_mistakes,
    "gen-sigmoid-grad": sigmoid_grad_mistakes,
    "gen-softmax-xent": softmax_xent_mistakes,
    "gen-he-init-std": he_init_mistakes,
    "gen-iou-boxes": iou_mistakes,
    "gen-confusion-metrics": confusion_mistakes,
    "gen-chance-baseline": chance_baseline_mistakes,
}

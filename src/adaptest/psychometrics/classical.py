"""Classical (test-theory) item statistics for sparse response data.

For item :math:`j` with takers :math:`T_j` (the persons who answered it), :math:`n_j = |T_j|` and:

facility
    :math:`\\bar u_j = \\frac{1}{n_j} \\sum_{p \\in T_j} u_{pj}`, the proportion correct.
discrimination
    The corrected item–rest point-biserial correlation
    :math:`r_j = \\operatorname{corr}_{p \\in T_j}(u_{pj}, R_{pj})`. Because persons may answer different
    items, the rest score is a *proportion*: :math:`R_{pj} = (S_p - u_{pj}) / (k_p - 1)`, where
    :math:`S_p` is the person's number correct over the :math:`k_p` items they answered. Persons who
    answered only item :math:`j` have no rest score and are left out of :math:`r_j`. It is NaN when
    fewer than two such persons remain or either variable is constant.
exposure
    :math:`n_j / N`, the share of all persons in the data who saw the item.
distractor rates
    Among the wrong answers to item :math:`j` whose chosen option was recorded, the share of each
    option (only when the data carry ``choice``).

The proportion rest score makes persons comparable when their item sets are of similar difficulty
(random or balanced booklets). With adaptively chosen items the rest proportion is pulled towards the
middle for everyone, and the point-biserial then understates discrimination: use the 2PL ``a`` instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from adaptest.psychometrics.irt import FloatArray
from adaptest.psychometrics.responses import ResponseData


@dataclass(frozen=True)
class ClassicalStatistics:
    """Per-item classical statistics, each array in the order of ``item_ids``.

    ``distractor_rates`` is ``None`` when the data carry no choices; otherwise one mapping per item from
    option to its share of the item's wrong answers with a recorded choice, largest share first
    (empty for an item without such answers).
    """

    item_ids: tuple[str, ...]
    n: NDArray[np.int64]
    facility: FloatArray
    discrimination: FloatArray
    exposure: FloatArray
    distractor_rates: tuple[dict[str, float], ...] | None


def classical_statistics(data: ResponseData) -> ClassicalStatistics:
    """Facility, corrected item–rest point-biserial, exposure and distractor rates per item.

    Formulas and the treatment of sparse data are in the module docstring. Items without responses
    get ``n = 0`` and NaN for the other statistics (exposure 0).
    """
    n = np.bincount(data.item, minlength=data.n_items).astype(np.int64)
    correct = _sums(data.item, data.correct, data.n_items)
    return ClassicalStatistics(
        item_ids=data.item_ids,
        n=n,
        facility=_ratio(correct, n.astype(np.float64)),
        discrimination=_item_rest_correlation(data),
        exposure=n / max(data.n_persons, 1),
        distractor_rates=_distractor_rates(data),
    )


def _sums(index: NDArray[np.int64], values: FloatArray, size: int) -> FloatArray:
    """Sum of ``values`` per index value ``0 .. size - 1``."""
    return np.asarray(np.bincount(index, weights=values, minlength=size), dtype=np.float64)


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is zero."""
    out = np.full(numerator.shape, np.nan)
    return np.asarray(np.divide(numerator, denominator, out=out, where=denominator > 0), dtype=np.float64)


def _rest_proportions(data: ResponseData) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Each response's rest score :math:`(S_p - u_{pj}) / (k_p - 1)` and whether it exists."""
    answered = np.bincount(data.person, minlength=data.n_persons)
    total = np.bincount(data.person, weights=data.correct, minlength=data.n_persons)
    others = (answered[data.person] - 1).astype(np.float64)
    has_rest = others > 0
    rest = np.divide(total[data.person] - data.correct, others, out=np.zeros_like(others), where=has_rest)
    return rest, has_rest


def _item_rest_correlation(data: ResponseData) -> FloatArray:
    """Pearson correlation of score and rest proportion within each item's takers (two-pass)."""
    rest, has_rest = _rest_proportions(data)
    item, score, rest = data.item[has_rest], data.correct[has_rest], rest[has_rest]
    count = np.bincount(item, minlength=data.n_items).astype(np.float64)
    score_dev = score - _ratio(_sums(item, score, data.n_items), count)[item]
    rest_dev = rest - _ratio(_sums(item, rest, data.n_items), count)[item]
    covariance = _sums(item, score_dev * rest_dev, data.n_items)
    scale = np.sqrt(_sums(item, score_dev**2, data.n_items) * _sums(item, rest_dev**2, data.n_items))
    usable = (count >= 2) & (scale > 1e-12)
    return np.asarray(np.divide(covariance, scale, out=np.full(data.n_items, np.nan), where=usable))


def _distractor_rates(data: ResponseData) -> tuple[dict[str, float], ...] | None:
    if data.choice is None:
        return None
    counts: list[Counter[str]] = [Counter() for _ in range(data.n_items)]
    for item, correct, choice in zip(data.item.tolist(), data.correct.tolist(), data.choice, strict=True):
        if correct == 0.0 and choice is not None:
            counts[item][choice] += 1
    return tuple(_shares(counter) for counter in counts)


def _shares(counter: Counter[str]) -> dict[str, float]:
    total = sum(counter.values())
    return {option: count / total for option, count in counter.most_common()}


__all__ = ["ClassicalStatistics", "classical_statistics"]

"""Choosing the next item: maximum information, exposure control and content balancing.

Exposure control is *progressive-restricted* (Revuelta & Ponsoda 1998): the restricted part makes an
item ineligible while its exposure rate is at or above ``r_max``; the progressive part adds a random
component that dominates early in the test and fades as the test goes on,

.. math:: W_j = (1 - x)\\, R_j + x\\, I_j(\\hat\\theta), \\qquad x = (s / L)^{k}, \\quad
          R_j \\sim U(0, \\max_i I_i(\\hat\\theta))

with ``s`` items given so far out of ``L``. We prefer it to Sympson–Hetter because it works online from
live exposure counts: Sympson–Hetter needs its exposure parameters re-tuned by simulation whenever the
bank or the population changes, and it only *bounds* exposure, while the progressive part also spreads
use over the bank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from adaptest.psychometrics.irt import FloatArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ItemPool:
    """Item parameters as arrays, with each item's domain and family (variants of one generator).

    ``family`` is -1 for an item that is its own family; ``pretest`` marks uncalibrated items that
    may only fill unscored pretest slots.
    """

    a: FloatArray
    b: FloatArray
    c: FloatArray = field(default_factory=lambda: np.zeros(0))
    domain: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    family: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pretest: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))

    def __post_init__(self) -> None:
        n = len(self.a)
        defaults = {
            "c": np.zeros(n),
            "domain": np.zeros(n, np.int64),
            "family": np.full(n, -1, np.int64),
            "pretest": np.zeros(n, np.bool_),
        }
        for name, default in defaults.items():
            if len(getattr(self, name)) == 0:
                object.__setattr__(self, name, default)
        if not all(len(getattr(self, name)) == n for name in ("b", *defaults)):
            raise ValueError("every ItemPool array must have one entry per item")

    @property
    def size(self) -> int:
        return len(self.a)

    @property
    def domains(self) -> int:
        return int(self.domain.max()) + 1 if self.size else 0

    @cached_property
    def family_key(self) -> IntArray:
        """Family ids where every item without a family gets a family of its own."""
        own = -1 - np.arange(self.size)
        return np.where(self.family >= 0, self.family, own)


@dataclass(frozen=True)
class ExposureControl:
    """Progressive-restricted exposure control (see the module docstring)."""

    r_max: float = 0.25
    progressive: bool = True
    power: float = 0.3


@dataclass(frozen=True)
class Exposure:
    """How often each item has been given, over how many sessions (the current one included)."""

    counts: IntArray
    sessions: int

    def rates(self) -> FloatArray:
        return self.counts / max(self.sessions, 1)


def restrict(mask: BoolArray, exposure: Exposure | None, control: ExposureControl | None) -> BoolArray:
    """Drop items at or above ``r_max``; if that would leave nothing, keep the unrestricted set."""
    if exposure is None or control is None or exposure.sessions < 1:
        return mask
    restricted = mask & (exposure.rates() < control.r_max)
    return restricted if restricted.any() else mask


def choose(
    criterion: FloatArray,
    *,
    progress: float,
    control: ExposureControl | None,
    rng: np.random.Generator,
) -> int:
    """Position of the best candidate, blended with noise early on when exposure is progressive."""
    if criterion.size == 0:
        raise ValueError("no eligible item left in the pool")
    if control is not None and control.progressive:
        x = min(1.0, max(0.0, progress)) ** control.power
        top = float(np.max(criterion))
        return int(np.argmax((1.0 - x) * rng.uniform(0.0, top, size=criterion.shape) + x * criterion))
    return int(np.argmax(criterion))


@dataclass(frozen=True)
class Blueprint:
    """Content balancing: the least and the most scored items each domain may get.

    ``Blueprint.exact((5, 5, 5, 5))`` fixes the counts; ranges such as 4–6 let the engine spend the
    last items where a level is still uncertain while every domain keeps its share.
    """

    minimum: tuple[int, ...]
    maximum: tuple[int, ...]

    @classmethod
    def exact(cls, counts: tuple[int, ...]) -> Blueprint:
        return cls(counts, counts)

    @classmethod
    def around(cls, counts: tuple[int, ...], slack: int) -> Blueprint:
        return cls(tuple(max(0, n - slack) for n in counts), tuple(n + slack for n in counts))

    def open_domains(self, given_by_domain: IntArray, items_left: int) -> BoolArray:
        """Domains that may take the next item without making the minimums unreachable."""
        given = np.asarray(given_by_domain, dtype=np.int64)
        open_ = given < np.asarray(self.maximum)
        still_needed = np.maximum(np.asarray(self.minimum) - given, 0)
        if still_needed.sum() >= items_left:
            open_ &= still_needed > 0
        return open_


__all__ = [
    "BoolArray",
    "Exposure",
    "ExposureControl",
    "IntArray",
    "ItemPool",
    "Blueprint",
    "choose",
    "restrict",
]

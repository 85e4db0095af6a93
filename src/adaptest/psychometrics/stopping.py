"""When an adaptive test ends: composable rules over a summary of the session so far."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from adaptest.psychometrics.irt import FloatArray


@dataclass(frozen=True)
class Progress:
    """What stopping rules may look at: scored items so far, SEs and level confidence per domain."""

    scored_items: int
    se: FloatArray
    level_confidence: FloatArray
    elapsed_seconds: float = 0.0


class StopRule:
    """A rule is called with the session's progress and answers whether the test ends now."""

    def __call__(self, progress: Progress) -> bool:
        raise NotImplementedError

    def __or__(self, other: StopRule) -> StopRule:
        return AnyOf((self, other))

    def __and__(self, other: StopRule) -> StopRule:
        return AllOf((self, other))


@dataclass(frozen=True)
class MaxItems(StopRule):
    """Stop after ``n`` scored items (a fixed-length test, or a cap on a variable one)."""

    n: int

    def __call__(self, progress: Progress) -> bool:
        return progress.scored_items >= self.n


@dataclass(frozen=True)
class MinItems(StopRule):
    """True once at least ``n`` items were scored; combine with ``&`` to forbid very short tests."""

    n: int

    def __call__(self, progress: Progress) -> bool:
        return progress.scored_items >= self.n


@dataclass(frozen=True)
class SETarget(StopRule):
    """Stop when every domain's standard error is at most ``se``."""

    se: float

    def __call__(self, progress: Progress) -> bool:
        return bool(np.all(progress.se <= self.se))


@dataclass(frozen=True)
class Confident(StopRule):
    """Stop when, in every domain, the most probable level has probability at least ``p``."""

    p: float

    def __call__(self, progress: Progress) -> bool:
        return bool(np.all(progress.level_confidence >= self.p))


@dataclass(frozen=True)
class TimeBudget(StopRule):
    """Stop when the time spent reaches ``seconds`` (the server's clock decides)."""

    seconds: float

    def __call__(self, progress: Progress) -> bool:
        return progress.elapsed_seconds >= self.seconds


@dataclass(frozen=True)
class AnyOf(StopRule):
    rules: tuple[StopRule, ...]

    def __call__(self, progress: Progress) -> bool:
        return any(rule(progress) for rule in self.rules)


@dataclass(frozen=True)
class AllOf(StopRule):
    rules: tuple[StopRule, ...]

    def __call__(self, progress: Progress) -> bool:
        return all(rule(progress) for rule in self.rules)


__all__ = [
    "AllOf",
    "AnyOf",
    "Confident",
    "MaxItems",
    "MinItems",
    "Progress",
    "SETarget",
    "StopRule",
    "TimeBudget",
]

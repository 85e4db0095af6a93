"""Role readiness: whether a learner's domain levels meet the levels a role needs.

A *role profile* names the level each domain needs (domains it leaves out are not required). The
verdict reads each required domain's reported level and its *borderline* flag (see ``reporting.py``:
the most probable level has less than the confidence threshold) and is one of

- **ready**: every required domain is met;
- **close**: exactly one required domain falls short, by one level or by being met only borderline;
- **not yet**: anything else.

Plain Python: no numpy, no knowledge of banks or the web, so a bank's profiles and (later) an
organisation's own profiles for a campaign go through the same function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from adaptest.psychometrics.reporting import LEVELS

Verdict = Literal["ready", "close", "not yet", "not measured"]
VERDICTS: tuple[Verdict, ...] = ("ready", "close", "not yet", "not measured")


class ReportedLevel(Protocol):
    """What the verdict needs of a domain's result; ``LevelReport`` has both."""

    @property
    def level(self) -> str: ...

    @property
    def borderline(self) -> bool: ...


@dataclass(frozen=True)
class MeasuredLevel:
    """A reported level on its own, e.g. read back from a stored report."""

    level: str
    borderline: bool = False


@dataclass(frozen=True)
class Shortfall:
    """A required domain that is not met.

    ``levels_short`` counts the levels between the reported and the required one; it is 0 when the
    reported level equals the requirement but is borderline (met only borderline).
    """

    domain: str
    required: str
    reported: str
    borderline: bool
    levels_short: int

    @property
    def met_only_borderline(self) -> bool:
        return self.levels_short == 0


@dataclass(frozen=True)
class Readiness:
    verdict: Verdict
    shortfalls: tuple[Shortfall, ...] = ()
    unmeasured: tuple[str, ...] = ()
    """Required domains the result has no level for (the assessment did not measure them)."""


def role_readiness(
    required: Mapping[str, str],
    reported: Mapping[str, ReportedLevel],
    names: tuple[str, ...] = LEVELS,
) -> Readiness:
    """The verdict for one role, with the required domains that fall short.

    Parameters
    ----------
    required
        Domain id → the level the role needs. Domains left out are not required.
    reported
        Domain id → the learner's reported level and whether it is borderline.
    names
        The level names from lowest to highest.

    Rule
    ----
    For each required domain with a reported level, let ``gap = rank(required) − rank(reported)``:

    - ``gap > 0``: short by ``gap`` levels (borderline or not: a borderline level below the
      requirement might really be the next one up, but it has not been shown);
    - ``gap == 0`` and borderline: **met only borderline**, which does not count as met;
    - ``gap == 0`` and not borderline, or ``gap < 0``: met. A borderline level *above* the requirement
      counts as met: the doubt is whether it is that level or a neighbour, and the neighbour below
      still meets the requirement (the posterior is unimodal, so the mass lies next to the mode).

    Then the verdict is **ready** when no domain falls short; **close** when exactly one falls short
    and it is one level short or met only borderline; **not yet** otherwise (two or more fall short,
    or one falls short by two levels).

    Edge cases
    ----------
    - A requirement at the lowest level is always met, even borderline: no level lies below it.
    - Required domains the result does not report are listed in ``unmeasured`` and left out of the
      verdict, which then speaks only for the measured ones; when *no* required domain is measured
      the verdict is **not measured** (never a vacuous "ready").
    - A level name not in ``names`` raises ``ValueError``: a bank's profiles are validated on load, so
      this is a programming error, not a learner's state.
    """
    rank = {name: i for i, name in enumerate(names)}
    shortfalls: list[Shortfall] = []
    unmeasured: list[str] = []
    for domain, level in required.items():
        if domain not in reported:
            unmeasured.append(domain)
            continue
        shown = reported[domain]
        gap = _rank(rank, level) - _rank(rank, shown.level)
        borderline_at_requirement = gap == 0 and shown.borderline and _rank(rank, level) > 0
        if gap > 0 or borderline_at_requirement:
            shortfalls.append(Shortfall(domain, level, shown.level, shown.borderline, gap))
    if len(unmeasured) == len(required):
        return Readiness("not measured", (), tuple(unmeasured))
    return Readiness(_verdict(shortfalls), tuple(shortfalls), tuple(unmeasured))


def _verdict(shortfalls: list[Shortfall]) -> Verdict:
    if not shortfalls:
        return "ready"
    if len(shortfalls) == 1 and shortfalls[0].levels_short <= 1:
        return "close"
    return "not yet"


def _rank(rank: Mapping[str, int], level: str) -> int:
    if level not in rank:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(rank)})")
    return rank[level]


__all__ = [
    "VERDICTS",
    "MeasuredLevel",
    "Readiness",
    "ReportedLevel",
    "Shortfall",
    "Verdict",
    "role_readiness",
]

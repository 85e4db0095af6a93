"""Helpers shared by the ``mistakes_<module>.py`` files (see misconceptions.py)."""

from __future__ import annotations

from tests.content.misconceptions import Mistake, same


def first_of_equal(mistakes: list[Mistake]) -> list[Mistake]:
    """``mistakes`` with any whose value equals an earlier one's set to ``None``.

    When two mistakes give the same number for some parameters, a variant can offer that value once,
    with the feedback of one of them: list the mistakes in the order the generator prefers them, and the
    first one's phrase is the one its feedback must contain.
    """
    kept: list[Mistake] = []
    for name, wrong, phrase in mistakes:
        if wrong is not None and any(w is not None and same(w, wrong) for _, w, _ in kept):
            wrong = None
        kept.append((name, wrong, phrase))
    return kept

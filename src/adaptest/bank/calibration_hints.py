"""From a bank's items to the engine's item pool, using authors' difficulty hints until calibrated."""

from __future__ import annotations

import numpy as np

from adaptest.bank.loader import Bank
from adaptest.psychometrics.selection import ItemPool

HINTED_DIFFICULTY = {"easy": -1.0, "medium": 0.0, "hard": 1.0}
"""Where a word hint puts an item on the θ scale before any response data exists."""
DEFAULT_DISCRIMINATION = 1.0


def hinted_difficulty(hint: str | float | None) -> float:
    """An author's hint on the θ scale: a number as it is, a word by HINTED_DIFFICULTY, none as 0."""
    if hint is None:
        return 0.0
    if isinstance(hint, str):
        return HINTED_DIFFICULTY[hint]
    return float(hint)


def item_pool(bank: Bank) -> ItemPool:
    """An ItemPool over the bank's items: b from the difficulty hint, a = 1, domains in bank order."""
    domain_index = {d.id: i for i, d in enumerate(bank.meta.domains)}
    items = sorted(bank.items.values(), key=lambda item: item.id)
    b = [hinted_difficulty(item.difficulty) for item in items]
    return ItemPool(
        a=np.full(len(items), DEFAULT_DISCRIMINATION),
        b=np.asarray(b, dtype=np.float64),
        domain=np.asarray([domain_index[item.domain] for item in items], dtype=np.int64),
    )


__all__ = ["DEFAULT_DISCRIMINATION", "HINTED_DIFFICULTY", "hinted_difficulty", "item_pool"]

"""Generator families for practice: the code that draws a fresh variant of a synced family.

The database keeps a family's validated variants (seeds ``VALIDATION_SEEDS``), not its code, and does
not record which folder a bank was synced from. Practice looks a family up in the generator modules of
the banks shipped with Adaptest and uses it only if it still generates, for seed 0, exactly the variant
that was synced (same content hash): a family edited since the last sync, or one from a bank synced
from elsewhere, is not found, and practice then gives the stored variants instead.
"""

from __future__ import annotations

import functools
import threading

from adaptest.bank import GradableItem, item_content_hash
from adaptest.bank.generators import VALIDATION_SEEDS, GeneratorFamily, load_generator_module
from adaptest.content import DEEP_LEARNING_BANK

SHIPPED_BANKS = (DEEP_LEARNING_BANK,)

_LOCK = threading.Lock()
_VERIFIED: dict[tuple[str, str], GeneratorFamily | None] = {}


@functools.cache
def _shipped_families() -> dict[str, GeneratorFamily]:
    families: dict[str, GeneratorFamily] = {}
    for folder in SHIPPED_BANKS:
        for path in sorted((folder / "generators").glob("*.py")):
            if path.name.startswith("_"):
                continue
            module = load_generator_module(path)
            for family in getattr(module, "FAMILIES", ()):
                if isinstance(family, GeneratorFamily):
                    families.setdefault(family.id, family)
    return families


def family_generator(*, family_id: str, first_variant_hash: str) -> GeneratorFamily | None:
    """The family's code if it still generates the synced variants (checked once per process)."""
    key = (family_id, first_variant_hash)
    with _LOCK:
        if key not in _VERIFIED:
            family = _shipped_families().get(family_id)
            synced = family is not None and _hash(family.generate(VALIDATION_SEEDS[0])) == first_variant_hash
            _VERIFIED[key] = family if synced else None
        return _VERIFIED[key]


def _hash(item: GradableItem) -> str:
    return item_content_hash(item, None)


def variant_hash(item: GradableItem) -> str:
    """The content hash a generated variant is stored under (as the bank sync stores it)."""
    return _hash(item)


__all__ = ["SHIPPED_BANKS", "family_generator", "variant_hash"]

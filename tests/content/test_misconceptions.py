"""Every generator family names at least two misconceptions, each the value its mistake really gives.

The mistakes are recomputed independently in ``mistakes_<module>.py`` files (see misconceptions.py);
every family with numeric misconceptions must have its entry, so a new family cannot skip the check.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from adaptest.bank import load_bank
from adaptest.content import DEEP_LEARNING_BANK
from tests.content.misconceptions import Mistakes, check_variant

BANK = load_bank(DEEP_LEARNING_BANK)
SEEDS = range(200)
NUMERIC_KINDS = ("numeric", "numeric_tuple", "matrix")
FAMILIES = sorted(f.id for f in BANK.families.values() if f.kind in NUMERIC_KINDS)


def _mistakes() -> dict[str, Mistakes]:
    found: dict[str, Mistakes] = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("mistakes_"):
            found |= importlib.import_module(f"tests.content.{module.name}").MISTAKES
    return found


MISTAKES = _mistakes()


def test_every_numeric_family_has_its_mistakes_recomputed() -> None:
    assert sorted(set(FAMILIES) - set(MISTAKES)) == []
    assert sorted(set(MISTAKES) - set(FAMILIES)) == []  # no entry for a family that is gone


@pytest.mark.parametrize("family_id", [f for f in FAMILIES if f in MISTAKES])
def test_every_named_misconception_is_the_value_its_mistake_gives(family_id: str) -> None:
    family = BANK.families[family_id]
    for seed in SEEDS:
        params, item = family.variant(seed)
        check_variant(f"{family_id}~{seed}", item, MISTAKES[family_id](params))

"""Generator families: deterministic, valid, explained — and their answers verified by real PyTorch.

The PyTorch checks need `torch==2.13.0` (CPU). They skip with a reason when it is missing, unless
ADAPTEST_REQUIRE_TORCH=1 (CI), which makes a missing torch a failure.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adaptest.bank import grade, load_bank
from adaptest.bank.generators import GeneratorFamily
from adaptest.content import DEEP_LEARNING_BANK

BANK = load_bank(DEEP_LEARNING_BANK)
FAMILIES = sorted(BANK.families.values(), key=lambda family: family.id)
SEEDS = range(200)


def _oracles() -> dict[str, Any]:
    oracles: dict[str, Any] = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("oracles_"):
            oracles |= importlib.import_module(f"tests.content.{module.name}").ORACLES
    return oracles


def _torch_or_skip() -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        if os.environ.get("ADAPTEST_REQUIRE_TORCH", "").lower() in {"1", "true", "yes"}:
            raise
        pytest.skip("PyTorch is not installed (pip install torch==2.13.0); CI installs it")


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.id)
def test_a_seed_always_gives_the_same_item_and_seeds_vary(family: GeneratorFamily) -> None:
    items = [family.generate(seed) for seed in range(30)]
    assert family.generate(7) == items[7]
    assert len({item.stem for item in items}) > 5, "variants should differ"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.id)
def test_every_variant_is_valid_and_its_key_scores_full_marks(family: GeneratorFamily) -> None:
    for seed in SEEDS:
        item = family.generate(seed)
        assert grade(item, item.key_answer()).correct, f"{family.id}~{seed}"
        assert item.dont_know_feedback, f"{family.id}~{seed} has no dont_know_feedback"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.id)
def test_the_answer_matches_pytorch(family: GeneratorFamily) -> None:
    _torch_or_skip()
    oracle = _oracles().get(family.id)
    assert oracle is not None, f"no PyTorch oracle for {family.id}"
    for seed in SEEDS:
        params, item = family.variant(seed)
        expected = oracle(params)
        key = item.key_answer()
        assert np.allclose(
            np.asarray(_numbers(key), dtype=float),
            np.asarray(_numbers(expected), dtype=float),
            rtol=1e-4,
            atol=1e-4,
        ), f"{family.id}~{seed}: key {key} but PyTorch gives {expected}"


def _numbers(value: Any) -> Any:
    """Keys as plain numbers: dicts by sorted field name, lists as they are, ids as-is."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    return value


def test_the_bank_counts_its_families() -> None:
    assert len(FAMILIES) == len(BANK.families) >= 1

"""Generator families: parametric items with unlimited variants.

A family lives in a bank's ``generators/*.py`` module, which defines ``FAMILIES``: a list of
:class:`GeneratorFamily`. ``build(rng)`` draws the parameters and returns a :class:`Variant`: the
parameters (so a test can recompute the answer with the real framework) and the item's own fields —
stem, explanation, kind-specific fields with the answer computed in plain Python and distractors from
named misconceptions with their own feedback. The family adds id, kind, domain, skills and difficulty.

A family serves both pools by default: assessments give its validated variants and practice draws fresh
ones. ``use="practice"`` keeps it out of assessments (the practice ladder's very easy and very hard
levels, written for practice's range and not calibrated for measurement).

The same seed always gives the same item (``random.Random(seed)``). A variant's id is
``<family-id>~<seed>``; variants share one set of IRT parameters and count as one family in an attempt.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from adaptest.bank.kinds import ITEM_KINDS, GradableItem

VALIDATION_SEEDS = range(12)
"""Seeds every family is generated with by `adaptest bank validate`."""


FamilyUse = Literal["both", "practice"]
FAMILY_USES: tuple[FamilyUse, ...] = ("both", "practice")


@dataclass(frozen=True)
class Variant:
    params: dict[str, Any]
    fields: dict[str, Any]


@dataclass(frozen=True)
class GeneratorFamily:
    id: str
    kind: str
    domain: str
    skills: tuple[str, ...]
    build: Callable[[random.Random], Variant]
    difficulty: str | float | None = None
    tags: tuple[str, ...] = field(default=())
    use: FamilyUse = "both"

    def variant(self, seed: int) -> tuple[dict[str, Any], GradableItem]:
        """The parameters and the item for ``seed``; raises if the generated item is invalid."""
        built = self.build(random.Random(seed))
        data = {
            "id": f"{self.id}~{seed}",
            "kind": self.kind,
            "domain": self.domain,
            "skills": list(self.skills),
            "difficulty": self.difficulty,
            "tags": ["generated", *self.tags],
            **({"use": "practice"} if self.use == "practice" else {}),
            **built.fields,
        }
        item = ITEM_KINDS[self.kind].model_validate(data)
        problems = item.problems()
        if problems:
            raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {message}" for loc, message in problems))
        return built.params, item

    def generate(self, seed: int) -> GradableItem:
        return self.variant(seed)[1]


def load_generator_module(path: Path) -> ModuleType:
    """Import a bank's generator module by path (bank content is trusted: it is code in git)."""
    name = f"adaptest_bank_generators.{path.parent.parent.name.replace('-', '_')}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


__all__ = [
    "FAMILY_USES",
    "VALIDATION_SEEDS",
    "FamilyUse",
    "GeneratorFamily",
    "Variant",
    "load_generator_module",
]

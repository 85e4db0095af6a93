"""Counts that tell an author how a bank is shaped."""

from __future__ import annotations

from collections import Counter
from typing import Any

from adaptest.bank.generators import FAMILY_USES, GeneratorFamily
from adaptest.bank.loader import Bank

THIN_SKILL = 3


def bank_stats(bank: Bank) -> dict[str, Any]:
    """Items overall, by domain and by kind; skills; skills practised by fewer than three items."""
    per_skill = Counter(skill for item in bank.items.values() for skill in item.skills)
    per_skill.update(skill for family in bank.families.values() for skill in family.skills)
    by_domain = Counter(item.domain for item in bank.items.values())
    return {
        "bank": bank.meta.id,
        "items": len(bank.items),
        "items_by_domain": {d.id: by_domain.get(d.id, 0) for d in bank.meta.domains},
        "items_by_kind": dict(sorted(Counter(item.kind for item in bank.items.values()).items())),
        "skills": len(bank.meta.skills),
        "skills_under_3_items": sorted(s.id for s in bank.meta.skills if per_skill[s.id] < THIN_SKILL),
        "generator_families": len(bank.families),
        "flashcards": sum(len(deck.cards) for deck in bank.decks.values()),
        "assessments": sorted(bank.assessments),
        "pools": _pools(bank),
    }


def _pools(bank: Bank) -> dict[str, Any]:
    """Hand-written items per pool (secure: assessments only; practice: practice only), by domain and
    by skill, beside the generator families: ``families`` serve both, ``practice_families`` practice only."""
    by_domain: dict[str, list[str]] = {d.id: [] for d in bank.meta.domains}
    by_skill: dict[str, list[str]] = {s.id: [] for s in bank.meta.skills}
    for item_id, item in bank.items.items():
        by_domain.setdefault(item.domain, []).append(item_id)
        for skill in item.skills:
            by_skill.setdefault(skill, []).append(item_id)
    by_use: dict[str, list[GeneratorFamily]] = {
        u: [f for f in bank.families.values() if f.use == u] for u in FAMILY_USES
    }
    domain_families = {use: Counter(f.domain for f in fs) for use, fs in by_use.items()}
    skill_families = {use: Counter(skill for f in fs for skill in f.skills) for use, fs in by_use.items()}

    def count(groups: dict[str, list[str]], families: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
        return {
            key: {
                "secure": sum(bank.items[i].use == "secure" for i in ids),
                "practice": sum(bank.items[i].use == "practice" for i in ids),
                "families": families["both"][key],
                "practice_families": families["practice"][key],
            }
            for key, ids in groups.items()
        }

    return {"by_domain": count(by_domain, domain_families), "by_skill": count(by_skill, skill_families)}

"""Bank-wide checks beyond the schema: near-duplicate stems, over-long stems, skills nothing practises."""

from __future__ import annotations

import re
from collections.abc import Mapping

from adaptest.bank.generators import GeneratorFamily
from adaptest.bank.kinds import GradableItem
from adaptest.bank.problems import Collector, display
from adaptest.bank.schema import BankMeta
from adaptest.bank.sources import SkillSource
from adaptest.bank.yamlsrc import SourceDocument

NEAR_DUPLICATE = 0.8
"""Jaccard similarity of word-trigram sets above which two stems are reported as near duplicates."""
MAX_STEM_WORDS = 120
"""Prose words (outside code blocks, tables and math) a stem may have; stems holding code may be longer."""

_CODE = re.compile(r"```.*?```", re.S)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
_TABLE_ROW = re.compile(r"^\s*\|.*$", re.M)


def _prose(stem: str) -> str:
    return _TABLE_ROW.sub(" ", _MATH.sub(" ", _CODE.sub(" ", stem)))


def _trigrams(stem: str) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", stem.lower())
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def lint(
    meta: BankMeta,
    items: Mapping[str, GradableItem],
    docs: Mapping[str, SourceDocument],
    families: Mapping[str, GeneratorFamily],
    skills: Mapping[str, SkillSource],
    out: Collector,
) -> None:
    _near_duplicates(items, docs, out)
    _long_stems(items, docs, out)
    _uncovered_skills(meta, items, families, skills, out)


def _near_duplicates(
    items: Mapping[str, GradableItem], docs: Mapping[str, SourceDocument], out: Collector
) -> None:
    shingles = [(item_id, _trigrams(item.stem)) for item_id, item in sorted(items.items())]
    for i, (first_id, first) in enumerate(shingles):
        for second_id, second in shingles[i + 1 :]:
            if not first or not second:
                continue
            similarity = len(first & second) / len(first | second)
            if similarity >= NEAR_DUPLICATE:
                doc = docs[second_id]
                where = display(docs[first_id].path)
                message = f"stem: near-duplicate of {first_id} ({where}), similarity {similarity:.2f}"
                out.add(doc.path, doc.line_of(("stem",)), second_id, message)


def _long_stems(
    items: Mapping[str, GradableItem], docs: Mapping[str, SourceDocument], out: Collector
) -> None:
    for item_id, item in items.items():
        if "```" in item.stem:
            continue
        words = len(_prose(item.stem).split())
        if words > MAX_STEM_WORDS:
            doc = docs[item_id]
            message = f"stem: {words} words; keep stems under {MAX_STEM_WORDS} words unless they hold code"
            out.add(doc.path, doc.line_of(("stem",)), item_id, message)


def _uncovered_skills(
    meta: BankMeta,
    items: Mapping[str, GradableItem],
    families: Mapping[str, GeneratorFamily],
    skills: Mapping[str, SkillSource],
    out: Collector,
) -> None:
    practised = {s for item in items.values() for s in item.skills} | {
        s for f in families.values() for s in f.skills
    }
    for skill in meta.skills:
        if skill.id not in practised and skill.id in skills:
            source = skills[skill.id]
            out.add(
                source.doc.path,
                source.doc.line_of(source.loc),
                skill.id,
                "no item or generator practises this skill",
            )


__all__ = ["MAX_STEM_WORDS", "NEAR_DUPLICATE", "lint"]

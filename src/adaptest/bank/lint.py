"""Bank-wide checks beyond the schema: near-duplicate stems, over-long stems, skills nothing practises,
enemy sets of one item; and, as warnings, pairs of items that look like undeclared enemies."""

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
LIKELY_ENEMIES = 0.45
"""Jaccard similarity of two same-kind items' content words, numbers masked, above which they are likely
one scenario with other numbers. Measured on the 480-item bank of 2026-12-06 with its enemy sets taken
out: 14 pairs reach it, among them the document-classification and speech-recognition avoidable-bias
pair, which shares no skill — so a shared skill is reported, not required."""
MIN_CONTENT_WORDS = 12
"""Items with fewer content words (short "which statements are true" stems) are not compared: their few
words are the boilerplate every such item shares."""
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOPWORDS_TEXT = (
    "a an the of to in on and or is are be for with by as at that this it its from your you what "
    "which how many much does do when into than then each per statements true select all apply"
)
_STOPWORDS = frozenset(re.findall(r"[a-z]+", _STOPWORDS_TEXT))

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
    _lonely_enemy_sets(items, docs, out)
    _unknown_distinct(items, docs, out)
    _likely_enemies(items, docs, out)


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


def _lonely_enemy_sets(
    items: Mapping[str, GradableItem], docs: Mapping[str, SourceDocument], out: Collector
) -> None:
    members: dict[str, list[str]] = {}
    for item_id, item in sorted(items.items()):
        if item.enemy_set is not None:
            members.setdefault(item.enemy_set, []).append(item_id)
    for name, ids in members.items():
        if len(ids) == 1:
            doc = docs[ids[0]]
            # A warning, not an error: retiring one of a pair must not make the bank invalid.
            out.warn(doc.path, doc.line_of(("enemy_set",)), ids[0], f"enemy_set: {name} has no other item")


def _unknown_distinct(
    items: Mapping[str, GradableItem], docs: Mapping[str, SourceDocument], out: Collector
) -> None:
    for item_id, item in items.items():
        for i, other in enumerate(item.distinct_from):
            if other not in items:
                doc = docs[item_id]
                out.add(
                    doc.path,
                    doc.line_of(("distinct_from", i)),
                    item_id,
                    f"distinct_from: unknown item {other!r}",
                )


def _judged_apart(first: GradableItem, second: GradableItem) -> bool:
    """An author declared the pair: enemies (one set) or reviewed and distinct."""
    return bool(first.enemy_set and first.enemy_set == second.enemy_set) or (
        second.id in first.distinct_from or first.id in second.distinct_from
    )


def _answer_parts(item: GradableItem) -> list[object]:
    """What the learner answers with, beside the stem: tuple fields (labels), options and blocks (texts)."""
    return [*getattr(item, "fields", []), *getattr(item, "options", []), *getattr(item, "blocks", [])]


def _content_words(item: GradableItem) -> frozenset[str]:
    """The words of the stem (code included) and of field labels, options and blocks, numbers masked and
    stopwords out: an ordering item's stem is mostly "put the steps in order", its blocks say what of."""
    parts = [
        str(getattr(part, attribute, "")) for part in _answer_parts(item) for attribute in ("label", "text")
    ]
    text = _NUMBER.sub(" ", " ".join([item.stem, *parts])).lower()
    return frozenset(w for w in re.findall(r"[a-z_]+", text) if len(w) > 2 and w not in _STOPWORDS)


def _likely_enemies(
    items: Mapping[str, GradableItem], docs: Mapping[str, SourceDocument], out: Collector
) -> None:
    """Warn of same-kind pairs whose stems are alike once numbers are masked and that no enemy set joins."""
    words = {
        item_id: found
        for item_id, item in sorted(items.items())
        if len(found := _content_words(item)) >= MIN_CONTENT_WORDS
    }
    ids = list(words)
    for i, first_id in enumerate(ids):
        first = items[first_id]
        for second_id in ids[i + 1 :]:
            second = items[second_id]
            if second.kind != first.kind or _judged_apart(first, second):
                continue
            similarity = len(words[first_id] & words[second_id]) / len(words[first_id] | words[second_id])
            if similarity >= LIKELY_ENEMIES:
                shared = " and share a skill" if set(first.skills) & set(second.skills) else ""
                doc = docs[second_id]
                message = (
                    f"looks like {first_id} with other numbers (similarity {similarity:.2f}{shared}): "
                    f"if one gives the other away, give both the same enemy_set; if not, add {first_id} "
                    "to distinct_from"
                )
                out.warn(doc.path, doc.line_of(("stem",)), second_id, message)


__all__ = ["LIKELY_ENEMIES", "MAX_STEM_WORDS", "NEAR_DUPLICATE", "lint"]

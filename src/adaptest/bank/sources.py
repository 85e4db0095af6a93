"""The parts of a bank beyond bank.yaml and items: skills files, flashcard decks, generator families."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from adaptest.bank.generators import FAMILY_USES, VALIDATION_SEEDS, GeneratorFamily, load_generator_module
from adaptest.bank.problems import NO_ID, Collector, validated_files
from adaptest.bank.schema import BankMeta, Deck, Skill, SkillsFile
from adaptest.bank.yamlsrc import SourceDocument

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class SkillSource:
    """Where a skill is defined, for error lines."""

    doc: SourceDocument
    loc: Loc


def skill_sources(
    bank_doc: SourceDocument, meta: BankMeta, root: Path, out: Collector
) -> tuple[BankMeta, dict[str, SkillSource]]:
    """bank.yaml's skills plus every skills/*.yaml file, checked for duplicates and unknown domains."""
    sources: dict[str, SkillSource] = {}
    skills: list[Skill] = []
    domains = {d.id for d in meta.domains}

    def add(skill: Skill, source: SkillSource) -> None:
        if skill.id in sources:
            first = sources[skill.id]
            where = f"{first.doc.path.name}:{first.doc.line_of(first.loc)}"
            out.add(
                source.doc.path,
                source.doc.line_of(source.loc),
                skill.id,
                f"duplicate skill id (first defined at {where})",
            )
            return
        if skill.domain not in domains:
            out.add(
                source.doc.path,
                source.doc.line_of((*source.loc, "domain")),
                skill.id,
                f"unknown domain {skill.domain!r}",
            )
        sources[skill.id] = source
        skills.append(skill)

    for i, skill in enumerate(meta.skills):
        add(skill, SkillSource(bank_doc, ("skills", i)))
    for doc, parsed in validated_files(root / "skills", SkillsFile, out, label="skills"):
        for i, skill in enumerate(parsed.skills):
            add(skill, SkillSource(doc, ("skills", i)))
    return meta.model_copy(update={"skills": skills}), sources


def load_decks(root: Path, meta: BankMeta, out: Collector) -> dict[str, Deck]:
    """decks/*.yaml: schema, unique deck and card ids, known domains and skills."""
    decks: dict[str, Deck] = {}
    card_ids: dict[str, Path] = {}
    skills = {s.id for s in meta.skills}
    domains = {d.id for d in meta.domains}
    for doc, deck in validated_files(root / "decks", Deck, out):
        path = doc.path
        if deck.id in decks:
            out.add(path, doc.line_of(("id",)), deck.id, "duplicate deck id")
            continue
        if deck.domain not in domains:
            out.add(path, doc.line_of(("domain",)), deck.id, f"unknown domain {deck.domain!r}")
        for i, card in enumerate(deck.cards):
            if card.id in card_ids:
                out.add(
                    path,
                    doc.line_of(("cards", i, "id")),
                    card.id,
                    f"duplicate card id (also in {card_ids[card.id].name})",
                )
            card_ids[card.id] = path
            for k, skill in enumerate(card.skills):
                if skill not in skills:
                    out.add(path, doc.line_of(("cards", i, "skills", k)), card.id, f"unknown skill {skill!r}")
        decks[deck.id] = deck
    return decks


def load_families(root: Path, meta: BankMeta, out: Collector) -> dict[str, GeneratorFamily]:
    """generators/*.py: import each module, check each family's fields, and generate a dozen variants."""
    families: dict[str, GeneratorFamily] = {}
    folder = root / "generators"
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        if path.name.startswith("_"):
            continue
        try:
            module = load_generator_module(path)
        except Exception as error:  # noqa: BLE001 - any failure to import is a problem to report
            out.add(path, _error_line(error, path), NO_ID, f"cannot import generator module: {error}")
            continue
        declared = getattr(module, "FAMILIES", None)
        if not isinstance(declared, list | tuple) or not all(
            isinstance(f, GeneratorFamily) for f in declared
        ):
            out.add(path, 1, NO_ID, "a generator module must define FAMILIES, a list of GeneratorFamily")
            continue
        for family in declared:
            if family.id in families:
                out.add(path, 1, family.id, "duplicate generator family id")
                continue
            if _family_problems(path, family, meta, out):
                families[family.id] = family
    return families


def _family_problems(path: Path, family: GeneratorFamily, meta: BankMeta, out: Collector) -> bool:
    """Report what is wrong with a family; True when it is sound."""
    ok = True
    skill_domain = {s.id: s.domain for s in meta.skills}
    if family.domain not in {d.id for d in meta.domains}:
        out.add(path, 1, family.id, f"unknown domain {family.domain!r}")
        ok = False
    if family.use not in FAMILY_USES:
        out.add(path, 1, family.id, f"use must be one of {', '.join(FAMILY_USES)}, not {family.use!r}")
        ok = False
    for skill in family.skills:
        if skill_domain.get(skill) != family.domain:
            out.add(path, 1, family.id, f"skill {skill!r} is unknown or not in domain {family.domain!r}")
            ok = False
    for seed in VALIDATION_SEEDS:
        try:
            first, again = family.variant(seed), family.variant(seed)
        except Exception as error:  # noqa: BLE001 - a broken variant is a problem to report, not a crash
            out.add(path, _error_line(error, path), family.id, f"seed {seed}: {_short(error)}")
            return False
        if first[1] != again[1]:
            out.add(path, 1, family.id, f"seed {seed} gives a different item each time")
            return False
    return ok


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:3])
    return f"{type(error).__name__}: {error}"


def _error_line(error: Exception, path: Path) -> int:
    """The line of ``path`` where the error was raised, if it passed through that file."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    return frames[-1].lineno or 1 if frames else 1


__all__ = ["SkillSource", "load_decks", "load_families", "skill_sources"]

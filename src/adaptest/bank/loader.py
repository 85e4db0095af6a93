"""Load a bank folder completely or not at all, collecting every problem with its file and line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from adaptest.bank.generators import GeneratorFamily
from adaptest.bank.kinds import ITEM_KINDS, GradableItem
from adaptest.bank.kinds.base import Loc
from adaptest.bank.lint import lint
from adaptest.bank.problems import (
    NO_ID,
    BankInvalid,
    Collector,
    Problem,
    display,
    read_mapping,
    validated_files,
    yaml_files,
)
from adaptest.bank.schema import LEVELS, AssessmentDefinition, BankMeta, Deck
from adaptest.bank.sources import load_decks, load_families, skill_sources
from adaptest.bank.yamlsrc import SourceDocument


@dataclass(frozen=True)
class Bank:
    root: Path
    meta: BankMeta
    items: dict[str, GradableItem]
    assessments: dict[str, AssessmentDefinition]
    families: dict[str, GeneratorFamily] = field(default_factory=dict)
    decks: dict[str, Deck] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    """What `adaptest bank validate` prints as hints for authors; none of them makes the bank invalid."""

    def figure_path(self, item: GradableItem) -> Path | None:
        return self.root / item.figure.path if item.figure and item.figure.path else None

    def content_hash(self, item_id: str) -> str:
        return item_content_hash(self.items[item_id], self.figure_path(self.items[item_id]))


def item_content_hash(item: GradableItem, figure: Path | None) -> str:
    """A hash of everything a learner sees or is graded by: the item's data and its figure's bytes.

    Fields left at their defaults are left out, so that a field the format gains later (with a default
    that keeps the old behaviour) does not make a new version of every item.
    """
    data = item.model_dump(mode="json", exclude_defaults=True)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
    if figure is not None:
        digest.update(figure.read_bytes())
    return digest.hexdigest()[:16]


def parse_item(data: Any) -> GradableItem:
    """Build an item from already-validated data (e.g. a stored item version)."""
    return ITEM_KINDS[data["kind"]].model_validate(data)


def load_bank(root: Path | str) -> Bank:
    """Read and check a whole bank folder; raise BankInvalid listing every problem found."""
    root = Path(root)
    out = Collector(root)
    if not root.is_dir():
        out.add(root, 1, NO_ID, "bank folder not found")
        raise BankInvalid(out.problems)
    loaded = _load_meta(root / "bank.yaml", out)
    items, item_docs, readable = _load_items(root, out)
    assessments, assessment_docs = _load_assessments(root, out)
    if loaded is None:
        raise BankInvalid(out.problems)
    meta, skills = skill_sources(loaded[1], loaded[0], root, out)
    families = load_families(root, meta, out)
    for shared in sorted(families.keys() & items.keys()):  # one id, one item in the database
        out.add(root / "generators", 1, shared, "a generator family has the id of an item file")
    decks = load_decks(root, meta, out)
    _check_references(root, meta, readable, out)
    _check_assessments(meta, items, assessments, assessment_docs, out)
    lint(meta, items, item_docs, families, skills, out)
    if out.problems:
        raise BankInvalid(out.problems)
    return Bank(root, meta, items, assessments, families, decks, sorted(out.warnings))


def _load_meta(path: Path, out: Collector) -> tuple[BankMeta, SourceDocument] | None:
    if not path.is_file():
        out.add(path, 1, "bank", "bank.yaml is missing")
        return None
    doc = read_mapping(path, out)
    if doc is None:
        return None
    try:
        meta = BankMeta.model_validate(doc.data)
    except ValidationError as error:
        out.add_validation(doc, "bank", error)
        return None
    _check_unique(doc, "domains", [d.id for d in meta.domains], out)
    _check_roles(doc, meta, out)
    return meta, doc


def _check_roles(doc: SourceDocument, meta: BankMeta, out: Collector) -> None:
    """Role profiles: unique ids, known domains, and no requirement at the lowest level (which every
    learner meets, so it would only blur the difference between required and not required)."""
    domains = {d.id for d in meta.domains}
    seen: set[str] = set()
    for i, role in enumerate(meta.roles):
        if role.id in seen:
            out.add(doc.path, doc.line_of(("roles", i, "id")), role.id, "duplicate role id")
        seen.add(role.id)
        for domain, level in role.levels.items():
            line = doc.line_of(("roles", i, "levels", domain))
            if domain not in domains:
                out.add(doc.path, line, role.id, f"levels.{domain}: unknown domain {domain!r}")
            elif level == LEVELS[0]:
                out.add(
                    doc.path,
                    line,
                    role.id,
                    f"levels.{domain}: {LEVELS[0]!r} is met by everyone; "
                    "leave the domain out to say it is not required",
                )


def _check_unique(doc: SourceDocument, key: str, ids: list[str], out: Collector) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            out.add(doc.path, doc.line_of((key, i, "id")), "bank", f"duplicate {key[:-1]} id {value!r}")
        seen.add(value)


def _load_items(
    root: Path, out: Collector
) -> tuple[dict[str, GradableItem], dict[str, SourceDocument], list[SourceDocument]]:
    """Parse every item file; rules that need no valid schema run even on invalid items."""
    items: dict[str, GradableItem] = {}
    docs: dict[str, SourceDocument] = {}
    readable: list[SourceDocument] = []
    first_seen: dict[str, SourceDocument] = {}
    folder = root / "items"
    paths = list(yaml_files(folder)) if folder.is_dir() else []
    if not paths:
        out.add(folder, 1, NO_ID, "no item files found (items/**/*.yaml)")
    for path in paths:
        doc = read_mapping(path, out)
        if doc is None:
            continue
        readable.append(doc)
        raw_id = doc.data.get("id")
        item = _load_item(doc, out)
        if isinstance(raw_id, str) and raw_id in first_seen:
            where = f"{display(first_seen[raw_id].path)}:{first_seen[raw_id].line_of(('id',))}"
            out.add(path, doc.line_of(("id",)), raw_id, f"duplicate item id (first used in {where})")
            continue
        if isinstance(raw_id, str):
            first_seen[raw_id] = doc
        if item is not None:
            items[item.id] = item
            docs[item.id] = doc
    return items, docs, readable


def _load_item(doc: SourceDocument, out: Collector) -> GradableItem | None:
    path = doc.path
    data = doc.data
    item_id = str(data.get("id", NO_ID))
    kind = data.get("kind")
    if kind not in ITEM_KINDS:
        known = ", ".join(ITEM_KINDS)
        message = "kind: required field is missing" if kind is None else f"kind: unknown kind {kind!r}"
        out.add(path, doc.line_of(("kind",)), item_id, f"{message} (one of {known})")
        return None
    try:
        item = ITEM_KINDS[kind].model_validate(data)
    except ValidationError as error:
        out.add_validation(doc, item_id, error)
        _add_problems(doc, item_id, ITEM_KINDS[kind].raw_problems(data), out)
        return None
    problems = item.problems()
    if "~" in item.id:
        problems.append((("id",), "'~' is reserved for generated variants; choose another id"))
    _add_problems(doc, item_id, problems, out)
    return None if problems else item


def _add_problems(doc: SourceDocument, item_id: str, problems: list[tuple[Loc, str]], out: Collector) -> None:
    for loc, message in problems:
        where = ".".join(str(part) for part in loc)
        out.add(doc.path, doc.line_of(loc), item_id, f"{where}: {message}")


def _check_references(root: Path, meta: BankMeta, docs: list[SourceDocument], out: Collector) -> None:
    """Cross-file rules on every readable item file, valid or not: domains, skills, figures."""
    domains = {d.id for d in meta.domains}
    skill_domain = {s.id: s.domain for s in meta.skills}
    for doc in docs:
        item_id = str(doc.data.get("id", NO_ID))
        _add_problems(doc, item_id, _reference_problems(root, doc.data, domains, skill_domain), out)


def _reference_problems(
    root: Path, data: dict[str, Any], domains: set[str], skill_domain: dict[str, str]
) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    domain = data.get("domain")
    if isinstance(domain, str) and domain not in domains:
        problems.append((("domain",), f"unknown domain {domain!r}"))
    skills = data.get("skills")
    for i, skill in enumerate(skills if isinstance(skills, list) else []):
        if not isinstance(skill, str):
            continue
        if skill not in skill_domain:
            problems.append((("skills", i), f"unknown skill {skill!r}"))
        elif isinstance(domain, str) and domain in domains and skill_domain[skill] != domain:
            problems.append(
                (("skills", i), f"skill {skill!r} belongs to domain {skill_domain[skill]!r}, not {domain!r}")
            )
    figure = data.get("figure")
    if isinstance(figure, dict) and isinstance(figure.get("path"), str):
        figure_path = (root / figure["path"]).resolve()
        if not figure_path.is_relative_to((root / "figures").resolve()):
            problems.append((("figure", "path"), "figure must be inside figures/"))
        elif not figure_path.is_file():
            problems.append((("figure", "path"), f"file {figure['path']} not found"))
    return problems


def _load_assessments(
    root: Path, out: Collector
) -> tuple[dict[str, AssessmentDefinition], dict[str, SourceDocument]]:
    assessments: dict[str, AssessmentDefinition] = {}
    docs: dict[str, SourceDocument] = {}
    for doc, definition in validated_files(root / "assessments", AssessmentDefinition, out):
        if definition.id in assessments:
            out.add(doc.path, doc.line_of(("id",)), definition.id, "duplicate assessment id")
            continue
        assessments[definition.id] = definition
        docs[definition.id] = doc
    return assessments, docs


def _check_assessments(
    meta: BankMeta,
    items: dict[str, GradableItem],
    assessments: dict[str, AssessmentDefinition],
    docs: dict[str, SourceDocument],
    out: Collector,
) -> None:
    domains = {d.id for d in meta.domains}
    for assessment_id, definition in assessments.items():
        doc = docs[assessment_id]
        for problem_loc, message in _assessment_problems(definition, items, domains):
            out.add(doc.path, doc.line_of(problem_loc), assessment_id, message)


def _assessment_problems(
    definition: AssessmentDefinition, items: dict[str, GradableItem], domains: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if definition.items and definition.forms:
        problems.append((("forms",), "give either items (one form) or forms, not both"))
    forms = definition.all_forms()
    if definition.kind == "fixed" and not forms:
        problems.append((("items",), "a fixed assessment lists its items (or its parallel forms)"))
    if definition.kind == "adaptive" and not definition.blueprint:
        problems.append((("blueprint",), "an adaptive assessment needs a blueprint of items per domain"))
    lengths = {len(form) for form in forms.values()}
    if len(lengths) > 1:
        problems.append((("forms",), "parallel forms must have the same number of items"))
    for name, form in forms.items():
        base: tuple[str | int, ...] = ("forms", name) if definition.forms else ("items",)
        seen: set[str] = set()
        enemies: dict[str, str] = {}  # enemy set → the first item of the form in it
        for i, item_id in enumerate(form):
            if item_id in seen:
                problems.append(((*base, i), f"item {item_id!r} appears twice"))
            elif item_id not in items:
                problems.append(((*base, i), f"unknown or invalid item {item_id!r}"))
            elif items[item_id].use == "practice":
                problems.append(((*base, i), f"{item_id!r} is a practice item: assessments use secure items"))
            elif (enemy := items[item_id].enemy_set) in enemies:
                problems.append(
                    (
                        (*base, i),
                        f"{item_id!r} and {enemies[enemy]!r} share the enemy set {enemy}: a form gives one",
                    )
                )
            elif enemy is not None:
                enemies[enemy] = item_id
            seen.add(item_id)
    for domain in definition.blueprint:
        if domain not in domains:
            problems.append((("blueprint", domain), f"unknown domain {domain!r}"))
    return problems

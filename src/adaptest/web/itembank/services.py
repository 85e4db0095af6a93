"""Writes for the item bank: copying a validated bank folder into the database.

A hand-written item becomes one Item with a version per content hash. A generator family becomes one
Item as well (its variants share its parameters and count as one item in an attempt) whose versions
are its validated variants, the seeds ``VALIDATION_SEEDS``; ``Item.variant_versions`` lists the
current ones and an adaptive attempt gives each taker one of them at random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from adaptest.bank import Bank as BankFolder
from adaptest.bank import GradableItem, item_content_hash
from adaptest.bank.calibration_hints import hinted_difficulty
from adaptest.bank.generators import VALIDATION_SEEDS
from adaptest.web.itembank.models import (
    Assessment,
    Bank,
    Item,
    ItemParameters,
    ItemVersion,
    Use,
    new_pool_stamp,
)


@dataclass(frozen=True)
class SyncReport:
    bank_id: str
    new_items: int
    new_versions: int
    retired_items: int
    assessments: int

    def __str__(self) -> str:
        return (
            f"bank {self.bank_id}: {self.new_items} new item(s), {self.new_versions} new version(s), "
            f"{self.retired_items} retired, {self.assessments} assessment(s)"
        )


@dataclass(frozen=True)
class _Content:
    """One version as it is stored: what a learner sees and is graded by, and its content hash."""

    content_hash: str
    kind: str
    domain: str
    use: str
    data: dict[str, Any]
    figure_svg: str


@dataclass(frozen=True)
class _Source:
    """What the folder holds for one Item: a hand-written item's one version, or a family's variants."""

    difficulty: float
    contents: tuple[_Content, ...]
    family: bool


@transaction.atomic
def bank_sync(*, folder: BankFolder) -> SyncReport:
    """Make the database match a loaded bank. Idempotent: unchanged items and families create nothing.

    A few bulk queries in all, whatever the bank's size: the test suite syncs the shipped bank often.
    """
    bank, _ = Bank.objects.update_or_create(
        bank_id=folder.meta.id,
        defaults={
            "title": folder.meta.title,
            "meta": folder.meta.model_dump(mode="json"),
            "decks": [deck.model_dump(mode="json") for deck in folder.decks.values()],
        },
    )
    sources = _sources(folder)
    in_use = _adaptive_in_use(bank)
    items, created = _items(bank, sources)
    _hint_parameters(bank, items, sources, pretest=created if in_use else set())
    versions, new_versions = _versions(bank, items, sources)
    _point_to_current(items, sources, versions)
    retired = (
        Item.objects.filter(bank=bank, is_active=True).exclude(item_id__in=sources).update(is_active=False)
    )
    for definition in folder.assessments.values():
        Assessment.objects.update_or_create(
            slug=definition.id,
            defaults={
                "bank": bank,
                "title": definition.title,
                "description": definition.description or "",
                "kind": definition.kind,
                "time_limit_seconds": round(definition.time_limit_minutes * 60),
                "pass_mark": definition.pass_mark,
                "forms": definition.all_forms(),
                "blueprint": definition.blueprint,
                "is_active": True,
            },
        )
    Assessment.objects.filter(bank=bank).exclude(slug__in=folder.assessments).update(is_active=False)
    bank_pools_changed(bank_pks=[bank.pk])
    return SyncReport(bank.bank_id, len(created), new_versions, retired, len(folder.assessments))


def bank_pools_changed(*, bank_pks: list[int]) -> None:
    """Tell every server that these banks' adaptive pools must be rebuilt: their items, versions or
    parameters changed. Call it inside the change's transaction, so the stamp moves with the rows."""
    for pk in bank_pks:
        Bank.objects.filter(pk=pk).update(pool_stamp=new_pool_stamp())


def _sources(folder: BankFolder) -> dict[str, _Source]:
    """Item id → its content in the folder: hand-written items first, then generator families (the
    loader refuses a family that shares an item file's id)."""
    sources = {
        item_id: _Source(
            hinted_difficulty(parsed.difficulty),
            (_content(parsed, folder.content_hash(item_id), _figure_svg(folder, parsed), parsed.use),),
            family=False,
        )
        for item_id, parsed in folder.items.items()
    }
    for family_id, family in folder.families.items():
        variants = [family.generate(seed) for seed in VALIDATION_SEEDS]
        sources[family_id] = _Source(
            hinted_difficulty(family.difficulty),
            # A variant's data holds its id <family>~<seed>, so every seed has its own hash.
            tuple(
                _content(v, item_content_hash(v, None), _figure_svg(folder, v), Use(family.use))
                for v in variants
            ),
            family=True,
        )
    return sources


def _content(item: GradableItem, content_hash: str, figure_svg: str, use: str) -> _Content:
    return _Content(content_hash, item.kind, item.domain, use, item.model_dump(mode="json"), figure_svg)


def _figure_svg(folder: BankFolder, item: GradableItem) -> str:
    """The figure's markup: a figure file's text, or a generated item's inline svg; empty without one."""
    path = folder.figure_path(item)
    if path is not None:
        return path.read_text(encoding="utf-8")
    return item.figure.svg if item.figure and item.figure.svg else ""


def _items(bank: Bank, sources: dict[str, _Source]) -> tuple[dict[str, Item], set[str]]:
    """Item id → Item for all of the bank's items (retired ones too), creating the missing ones; and
    the ids created."""
    items = {item.item_id: item for item in Item.objects.filter(bank=bank)}
    new = Item.objects.bulk_create(
        Item(bank=bank, item_id=item_id) for item_id in sources if item_id not in items
    )
    items.update((item.item_id, item) for item in new)
    return items, {item.item_id for item in new}


def _adaptive_in_use(bank: Bank) -> bool:
    """Whether anyone has taken an adaptive assessment of this bank: from then on new items pretest."""
    return bank.assessments.filter(kind=Assessment.Kind.ADAPTIVE, attempts__isnull=False).exists()


def _hint_parameters(
    bank: Bank, items: dict[str, Item], sources: dict[str, _Source], *, pretest: set[str]
) -> None:
    """Give items the author's difficulty hint until calibrated; those in ``pretest`` pretest first."""
    existing = {p.item_id: p for p in ItemParameters.objects.filter(item__bank=bank)}
    now = timezone.now()
    new, changed = [], []
    for item_id, source in sources.items():
        item = items[item_id]
        parameters = existing.get(item.pk)
        if parameters is None:
            new.append(ItemParameters(item=item, b=source.difficulty, pretest=item_id in pretest))
        elif parameters.source == ItemParameters.Source.HINT and parameters.b != source.difficulty:
            parameters.b, parameters.updated_at = source.difficulty, now  # bulk_update skips auto_now
            changed.append(parameters)
    ItemParameters.objects.bulk_create(new)
    ItemParameters.objects.bulk_update(changed, ["b", "updated_at"])


def _versions(
    bank: Bank, items: dict[str, Item], sources: dict[str, _Source]
) -> tuple[dict[tuple[int, str], int], int]:
    """(Item pk, content hash) → ItemVersion pk for the bank's versions, creating the missing ones
    (old versions stay: responses point to them); and how many were created."""
    known = {
        (item_pk, content_hash): pk
        for item_pk, content_hash, pk in ItemVersion.objects.filter(item__bank=bank).values_list(
            "item_id", "content_hash", "pk"
        )
    }
    new = ItemVersion.objects.bulk_create(
        ItemVersion(
            item=items[item_id],
            content_hash=content.content_hash,
            kind=content.kind,
            domain=content.domain,
            use=content.use,
            data=content.data,
            figure_svg=content.figure_svg,
        )
        for item_id, source in sources.items()
        for content in source.contents
        if (items[item_id].pk, content.content_hash) not in known
    )
    known.update(((version.item_id, version.content_hash), version.pk) for version in new)
    return known, len(new)


def _point_to_current(
    items: dict[str, Item], sources: dict[str, _Source], versions: dict[tuple[int, str], int]
) -> None:
    """Make each item active and point it to its current version (a family: to its first variant) and,
    for a family, to the whole current variant set."""
    changed = []
    for item_id, source in sources.items():
        item = items[item_id]
        current = [versions[item.pk, content.content_hash] for content in source.contents]
        variants = current if source.family else []
        if (item.current_version_id, item.variant_versions, item.is_active) != (current[0], variants, True):
            item.current_version_id, item.variant_versions, item.is_active = current[0], variants, True
            changed.append(item)
    Item.objects.bulk_update(changed, ["current_version", "variant_versions", "is_active"])

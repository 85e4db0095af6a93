"""Writes for the item bank: copying a validated bank folder into the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from adaptest.bank import Bank as BankFolder
from adaptest.bank.calibration_hints import hinted_difficulty
from adaptest.web.itembank.models import Assessment, Bank, Item, ItemParameters, ItemVersion


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


@transaction.atomic
def bank_sync(*, folder: BankFolder) -> SyncReport:
    """Make the database match a loaded bank. Idempotent: unchanged items create nothing."""
    bank, _ = Bank.objects.update_or_create(
        bank_id=folder.meta.id,
        defaults={"title": folder.meta.title, "meta": folder.meta.model_dump(mode="json")},
    )
    new_items = new_versions = 0
    in_use = _adaptive_in_use(bank)
    for item_id, parsed in folder.items.items():
        item, created = Item.objects.get_or_create(bank=bank, item_id=item_id)
        new_items += created
        _hint_parameters(item, hinted_difficulty(parsed.difficulty), pretest=created and in_use)
        figure = folder.figure_path(parsed)
        version, created = ItemVersion.objects.get_or_create(
            item=item,
            content_hash=folder.content_hash(item_id),
            defaults={
                "kind": parsed.kind,
                "domain": parsed.domain,
                "data": parsed.model_dump(mode="json"),
                "figure_svg": figure.read_text(encoding="utf-8") if figure else "",  # generated: inline svg
            },
        )
        new_versions += created
        if item.current_version_id != version.pk or not item.is_active:
            item.current_version, item.is_active = version, True
            item.save(update_fields=["current_version", "is_active"])
    retired = (
        Item.objects.filter(bank=bank, is_active=True)
        .exclude(item_id__in=folder.items)
        .update(is_active=False)
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
    return SyncReport(bank.bank_id, new_items, new_versions, retired, len(folder.assessments))


def _adaptive_in_use(bank: Bank) -> bool:
    """Whether anyone has taken an adaptive assessment of this bank: from then on new items pretest."""
    return bank.assessments.filter(kind=Assessment.Kind.ADAPTIVE, attempts__isnull=False).exists()


def _hint_parameters(item: Item, difficulty: float, *, pretest: bool) -> None:
    """Give an item the author's difficulty hint until it is calibrated; new items in use pretest first."""
    parameters, created = ItemParameters.objects.get_or_create(
        item=item, defaults={"b": difficulty, "pretest": pretest}
    )
    if not created and parameters.source == ItemParameters.Source.HINT and parameters.b != difficulty:
        parameters.b = difficulty
        parameters.save(update_fields=["b", "updated_at"])

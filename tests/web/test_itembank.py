"""Syncing a bank folder into the database keeps every item version a learner has seen."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from adaptest.bank import load_bank
from adaptest.bank.generators import VALIDATION_SEEDS
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.web.assessments.services import attempt_start, response_save
from adaptest.web.itembank.models import Assessment, Item, ItemVersion
from adaptest.web.itembank.services import bank_sync

pytestmark = pytest.mark.django_db


def test_syncing_twice_creates_nothing_new(shipped_folder, empty_database) -> None:  # type: ignore[no-untyped-def]
    first = bank_sync(folder=shipped_folder)
    second = bank_sync(folder=shipped_folder)
    variants = len(shipped_folder.families) * len(VALIDATION_SEEDS)  # a version per validated variant
    assert first.new_versions == len(shipped_folder.items) + variants
    assert (second.new_items, second.new_versions, second.retired_items) == (0, 0, 0)
    assert Assessment.objects.get(slug="dl-fundamentals-cert").time_limit_seconds == 30 * 60


def test_an_edited_item_gets_a_new_version_and_old_responses_keep_theirs(tmp_path: Path, ada) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    bank_sync(folder=load_bank(root))
    attempt = attempt_start(
        user=ada, assessment=Assessment.objects.get(slug="dl-fundamentals-cert"), now=timezone.now()
    )
    first = attempt.slots.get(position=1)
    response_save(
        attempt=attempt, position=1, answer=first.item_version.parsed.key_answer(), now=timezone.now()
    )

    path = next((root / "items").rglob(f"{first.item_version.item.item_id}.yaml"))
    path.write_text(path.read_text() + "\n# a comment changes nothing a learner sees\n")
    assert bank_sync(folder=load_bank(root)).new_versions == 0
    path.write_text(re.sub(r"(?m)^difficulty: .*$", "difficulty: 2.5", path.read_text()))
    report = bank_sync(folder=load_bank(root))

    assert report.new_versions == 1
    item = Item.objects.get(item_id=first.item_version.item.item_id)
    assert item.versions.count() == 2 and item.current_version != first.item_version
    first.refresh_from_db()
    assert first.response.slot.item_version == first.item_version  # history is never rewritten


def test_an_item_removed_from_the_files_is_retired(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    bank_sync(folder=load_bank(root))
    bank = load_bank(root)
    in_forms = {i for form in bank.assessments["dl-fundamentals-cert"].all_forms().values() for i in form}
    unused = sorted(set(bank.items) - in_forms)[0]
    next((root / "items").rglob(f"{unused}.yaml")).unlink()
    assert bank_sync(folder=load_bank(root)).retired_items == 1
    assert not Item.objects.get(item_id=unused).is_active
    assert ItemVersion.objects.filter(item__item_id=unused).exists()


def test_the_sync_command_refuses_an_invalid_bank_and_changes_nothing(tmp_path: Path, empty_database) -> None:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    (root / "items" / "bad.yaml").write_text("id: bad\nkind: nope\n")
    with pytest.raises(CommandError, match="not synced"):
        call_command("sync_bank", str(root))
    assert not Item.objects.exists()

"""Generator families in the adaptive pool: one item per family, a validated variant per taker."""

from __future__ import annotations

import dataclasses
import random
import secrets
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from adaptest.bank import ITEM_KINDS, grade
from adaptest.bank.calibration_hints import hinted_difficulty
from adaptest.bank.generators import VALIDATION_SEEDS, GeneratorFamily, Variant
from adaptest.web.assessments import engine, services
from adaptest.web.core.markdown import render_markdown
from adaptest.web.itembank.models import Assessment, Item, ItemParameters, ItemVersion
from adaptest.web.itembank.services import bank_sync
from tests.web.exam import wrong_answer
from tests.web.test_adaptive import take
from tests.web.test_no_key_leak import _markup_without_public_text, _secrets, _visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def families_only(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    """The skills assessment with hand-written items retired, so every question is a generated one."""
    Item.objects.exclude(item_id__in=list(shipped_bank.families)).update(is_active=False)
    return Assessment.objects.get(slug="dl-skills-assessment")


def _variant_ids(item: Item) -> list[str]:
    versions = ItemVersion.objects.in_bulk(item.variant_versions)
    return [versions[pk].data["id"] for pk in item.variant_versions]


def _revised(family: GeneratorFamily) -> GeneratorFamily:
    """The family after an author edits its generator: every variant's stem changes."""

    def build(rng: random.Random) -> Variant:
        built = family.build(rng)
        return Variant(built.params, {**built.fields, "stem": built.fields["stem"] + "\n\n(Revised.)"})

    return dataclasses.replace(family, build=build)


def test_a_sync_creates_one_item_per_family_with_its_validated_variants_and_a_second_creates_nothing(
    shipped_folder, empty_database
) -> None:  # type: ignore[no-untyped-def]
    first = bank_sync(folder=shipped_folder)

    assert first.new_items == len(shipped_folder.items) + len(shipped_folder.families)
    for family_id, family in shipped_folder.families.items():
        item = Item.objects.select_related("current_version", "parameters").get(item_id=family_id)
        assert _variant_ids(item) == [f"{family_id}~{seed}" for seed in VALIDATION_SEEDS]
        assert item.versions.count() == len(VALIDATION_SEEDS)
        assert item.current_version is not None and item.current_version.pk == item.variant_versions[0]
        for version in item.versions.all():
            seed = int(version.data["id"].split("~")[1])
            assert version.parsed == family.generate(seed)  # the stored data reproduces the seed's item
            assert (version.kind, version.domain) == (family.kind, family.domain)
            figure = version.data.get("figure") or {}
            assert version.figure_svg == (figure.get("svg") or "")  # the figure view serves it
        assert item.parameters.b == hinted_difficulty(family.difficulty) and not item.parameters.pretest
    assert any(
        v.figure_svg for v in ItemVersion.objects.filter(item__item_id__in=list(shipped_folder.families))
    )
    assert not Item.objects.exclude(item_id__in=list(shipped_folder.families)).exclude(variant_versions=[])

    counts = (Item.objects.count(), ItemVersion.objects.count(), ItemParameters.objects.count())
    second = bank_sync(folder=shipped_folder)
    assert (second.new_items, second.new_versions, second.retired_items) == (0, 0, 0)
    assert (Item.objects.count(), ItemVersion.objects.count(), ItemParameters.objects.count()) == counts


def test_a_changed_family_adds_new_variant_versions_and_keeps_the_old_ones(shipped_folder) -> None:  # type: ignore[no-untyped-def]
    bank_sync(folder=shipped_folder)
    family_id = sorted(shipped_folder.families)[0]
    before = Item.objects.get(item_id=family_id)
    old = list(before.variant_versions)

    edited = {**shipped_folder.families, family_id: _revised(shipped_folder.families[family_id])}
    report = bank_sync(folder=dataclasses.replace(shipped_folder, families=edited))

    assert (report.new_items, report.new_versions, report.retired_items) == (0, len(VALIDATION_SEEDS), 0)
    after = Item.objects.get(item_id=family_id)
    assert len(after.variant_versions) == len(VALIDATION_SEEDS) and not set(after.variant_versions) & set(old)
    assert after.current_version_id == after.variant_versions[0]
    assert _variant_ids(after) == [f"{family_id}~{seed}" for seed in VALIDATION_SEEDS]
    assert all(
        v.parsed.stem.endswith("(Revised.)") for v in after.versions.filter(pk__in=after.variant_versions)
    )
    assert ItemVersion.objects.filter(pk__in=old).count() == len(old)  # history stays
    assert after.versions.count() == 2 * len(VALIDATION_SEEDS)


def test_a_removed_family_is_retired_and_one_added_while_the_test_is_in_use_pretests(
    shipped_folder, ada, empty_database
) -> None:  # type: ignore[no-untyped-def]
    removed, added = sorted(shipped_folder.families)[:2]
    without_added = {k: v for k, v in shipped_folder.families.items() if k != added}
    bank_sync(folder=dataclasses.replace(shipped_folder, families=without_added))
    services.attempt_start(
        user=ada, assessment=Assessment.objects.get(slug="dl-skills-assessment"), now=timezone.now()
    )

    without_removed = {k: v for k, v in shipped_folder.families.items() if k != removed}
    report = bank_sync(folder=dataclasses.replace(shipped_folder, families=without_removed))

    assert (report.new_items, report.retired_items) == (1, 1)
    assert ItemParameters.objects.get(item__item_id=added).pretest
    gone = Item.objects.get(item_id=removed)
    assert not gone.is_active and gone.versions.count() == len(VALIDATION_SEEDS)


def test_an_adaptive_family_question_is_one_of_its_variants_hidden_graded_and_reviewed_as_itself(
    client, ada, shipped_folder, families_only, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # The last variant rather than a random one, so the slot is surely not the item's current_version.
    last = SimpleNamespace(choice=lambda variants: variants[-1], randbits=secrets.randbits)
    monkeypatch.setattr(engine, "secrets", last)
    now = timezone.now()
    attempt = services.attempt_start(user=ada, assessment=families_only, now=now)
    slot = attempt.slots.select_related("item_version__item").get(position=1)
    version, family_item = slot.item_version, slot.item_version.item
    assert family_item.item_id in shipped_folder.families and version.pk in family_item.variant_versions
    assert version.pk != family_item.current_version_id
    family_id, seed = version.data["id"].split("~")
    assert family_id == family_item.item_id and int(seed) in VALIDATION_SEEDS
    item = ITEM_KINDS[version.data["kind"]].model_validate(version.data)  # the variant's own data

    client.force_login(ada)
    page = client.get(reverse("question", args=[attempt.pk, 1])).content.decode()
    text = _visible_text(page)
    assert _visible_text(render_markdown(item.stem))[:60] in text
    for secret in _secrets(item):
        assert _visible_text(render_markdown(secret))[:60] not in text
    assert "correct" not in _markup_without_public_text(page, item).lower()

    key = item.key_answer()
    assert grade(item, key).correct and not grade(item, wrong_answer(item)).correct
    saved = services.response_save(attempt=attempt, position=1, answer=key, now=now)
    assert saved.response.correct and saved.response.score == 1.0

    services.attempt_submit(attempt=attempt, now=now + timedelta(seconds=30))
    review = _visible_text(client.get(reverse("review", args=[attempt.pk, 1])).content.decode())
    assert _visible_text(render_markdown(item.explanation)) in review
    siblings = ItemVersion.objects.filter(pk__in=family_item.variant_versions).exclude(pk=version.pk)
    for other in {v.parsed.explanation for v in siblings} - {item.explanation}:
        assert _visible_text(render_markdown(other)) not in review


def test_takers_see_different_variants_of_a_family_and_no_attempt_gets_a_family_twice(
    ada, ben, cora, dan, families_only
) -> None:  # type: ignore[no-untyped-def]
    attempts = [
        take(user, families_only, answer)
        for user, answer in (
            (ada, lambda item: item.key_answer()),
            (ben, wrong_answer),
            (cora, lambda item: item.key_answer()),
            (dan, wrong_answer),
        )
    ]

    shown: dict[str, list[int]] = defaultdict(list)  # family -> the variant each taker got
    for attempt in attempts:
        slots = list(attempt.slots.select_related("item_version__item"))
        families = [slot.item_version.item.item_id for slot in slots]
        assert len(slots) >= 10 and len(families) == len(set(families))
        for slot in slots:
            assert slot.item_version_id in slot.item_version.item.variant_versions
            shown[slot.item_version.item.item_id].append(slot.item_version_id)
    # 12 variants each: two takers of a family get the same one with probability 1/12
    repeated = [variants for variants in shown.values() if len(variants) > 1]
    assert sum(len(set(variants)) > 1 for variants in repeated) >= len(repeated) // 2 > 0

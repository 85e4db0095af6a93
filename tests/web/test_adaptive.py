"""The adaptive assessment through its services and pages: selection, final answers, levels, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from adaptest.bank import DONT_KNOW
from adaptest.web.assessments import services
from adaptest.web.assessments.models import Attempt
from adaptest.web.itembank.models import Assessment
from tests.web.exam import wrong_answer


@pytest.fixture
def skills_assessment(shipped_bank):  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


def take(user, assessment, answer_for, now=None):  # type: ignore[no-untyped-def]
    """Answer every question the engine gives with ``answer_for(item)`` until the test ends."""
    now = now or timezone.now()
    attempt = services.attempt_start(user=user, assessment=assessment, now=now)
    while attempt.is_open:
        slot = attempt.slots.select_related("item_version").get(position=attempt.current_position)
        services.response_save(
            attempt=attempt, position=slot.position, answer=answer_for(slot.item_version.parsed), now=now
        )
        attempt.refresh_from_db()
    return attempt


def test_a_strong_taker_is_accomplished_and_a_weak_one_beginning_everywhere(
    ada, dan, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    strong = take(ada, skills_assessment, lambda item: item.key_answer())
    weak = take(dan, skills_assessment, wrong_answer)
    for attempt, level in ((strong, "accomplished"), (weak, "beginning")):
        assert attempt.status == Attempt.Status.SUBMITTED
        assert attempt.report["overall"]["level"] == level
        assert [d["level"] for d in attempt.report["domains"]] == [level] * 4
        assert attempt.slots.filter(scored=True).count() == 20
        counts = [d["items"] for d in attempt.report["domains"]]
        assert sum(counts) == 20 and min(counts) >= 4 and max(counts) <= 6
    last_b = [list(a.slots.order_by("-position").values_list("b", flat=True)[:5]) for a in (strong, weak)]
    assert sum(last_b[0]) / 5 > sum(last_b[1]) / 5


def test_answers_are_final_and_a_repeat_returns_the_first_result(ada, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    attempt = services.attempt_start(user=ada, assessment=skills_assessment, now=now)
    first = services.response_save(attempt=attempt, position=1, answer=DONT_KNOW, now=now)
    again = services.response_save(attempt=attempt, position=1, answer=DONT_KNOW, now=now)
    assert first.changed and not again.changed and again.response.pk == first.response.pk
    changed_mind = services.response_save(
        attempt=attempt,
        position=1,
        answer=attempt.slots.get(position=1).item_version.parsed.key_answer(),
        now=now,
    )
    assert not changed_mind.changed and changed_mind.response.dont_know
    assert (
        attempt.slots.count() == 2 and not attempt.slots.filter(position=2, response__isnull=False).exists()
    )
    services.response_save(attempt=attempt, position=2, answer=DONT_KNOW, now=now)
    replay = services.response_save(attempt=attempt, position=1, answer=DONT_KNOW, now=now)
    assert replay.response.pk == first.response.pk and attempt.slots.count() == 3


def test_a_fourth_attempt_within_ninety_days_is_refused_with_the_next_date(ada, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    start = timezone.now()
    for day in (0, 10, 20):
        attempt = services.attempt_start(
            user=ada, assessment=skills_assessment, now=start + timedelta(days=day)
        )
        services.attempt_submit(attempt=attempt, now=start + timedelta(days=day, minutes=1))
    with pytest.raises(services.RetakeLimitReached) as refused:
        services.attempt_start(user=ada, assessment=skills_assessment, now=start + timedelta(days=30))
    assert refused.value.next_allowed == start + timedelta(days=90)
    assert (start + timedelta(days=90)).strftime("%-d %B %Y") in str(refused.value)
    later = services.attempt_start(
        user=ada, assessment=skills_assessment, now=start + timedelta(days=90, seconds=1)
    )
    assert later.is_open


def test_takers_who_answer_alike_still_see_different_questions(django_user_model, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    takers = [django_user_model.objects.create_user(f"twin{i}", password="x") for i in range(4)]
    sequences = []
    for user in takers:
        attempt = take(user, skills_assessment, lambda item: item.key_answer())
        items = list(attempt.slots.order_by("position").values_list("item_version__item__item_id", flat=True))
        assert len(set(items)) == len(items)  # never the same item (or generated family) twice
        sequences.append(items)
    assert len({tuple(s) for s in sequences}) == len(takers)
    overlaps = [len(set(a) & set(b)) for i, a in enumerate(sequences) for b in sequences[i + 1 :]]
    assert max(overlaps) < len(sequences[0]) / 4  # exposure control spreads the bank across takers


def test_the_adaptive_pool_holds_secure_items_and_generated_variants_never_a_practice_item(
    skills_assessment,
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.assessments.engine import adaptive_test
    from adaptest.web.itembank.models import ItemVersion, Use

    pool = adaptive_test(skills_assessment)
    uses = {version.use for entry in pool.entries for version in entry.versions}
    assert uses == {Use.SECURE, Use.BOTH}
    practice = ItemVersion.objects.filter(
        item__bank=skills_assessment.bank, use=Use.PRACTICE, item__current_version=F("pk")
    )
    assert practice.count() >= 100  # the shipped bank's practice pool, all left out
    in_pool = {entry.item_pk for entry in pool.entries}
    assert not in_pool & set(practice.values_list("item_id", flat=True))
    practice_families = practice.exclude(item__variant_versions=[])
    assert practice_families.count() >= 6  # the practice ladder's families are left out too

"""The shipped deep-learning bank is complete enough for the certification exam."""

from __future__ import annotations

from collections import Counter

from adaptest.bank import ITEM_KINDS, load_bank
from adaptest.content import DEEP_LEARNING_BANK

BANK = load_bank(DEEP_LEARNING_BANK)
ASSESSED = {"foundations", "improving_networks", "cnn", "sequence_models"}


def test_the_bank_covers_the_four_assessed_domains_with_at_least_forty_items() -> None:
    by_domain = Counter(item.domain for item in BANK.items.values())
    assert len(BANK.items) >= 40
    assert set(by_domain) >= ASSESSED


def test_every_kind_appears_at_least_twice() -> None:
    by_kind = Counter(item.kind for item in BANK.items.values())
    assert {kind: by_kind[kind] for kind in ITEM_KINDS} == {
        kind: max(2, by_kind[kind]) for kind in ITEM_KINDS
    }


def test_every_item_says_what_to_study_when_the_learner_does_not_know() -> None:
    assert [item.id for item in BANK.items.values() if not item.dont_know_feedback] == []


def test_every_certification_form_has_twenty_questions_of_every_kind_scored_at_once() -> None:
    form = BANK.assessments["dl-fundamentals-cert"]
    assert form.title == "Deep Learning Fundamentals — Certification Exam"
    assert (form.kind, form.pass_mark, form.time_limit_minutes) == ("fixed", 0.7, 30)
    for items in form.all_forms().values():
        assert len(items) == 20
        # A free_text answer may wait for a person's review, so the exam, scored at once, leaves them out.
        assert {BANK.items[i].kind for i in items} == set(ITEM_KINDS) - {"free_text"}


OTHER = {"applied_practice", "llm_and_scale"}


def test_the_bank_is_large_enough_for_different_takers_to_see_different_questions() -> None:
    from adaptest.bank import bank_stats

    stats = bank_stats(BANK)
    assert stats["items"] >= 320
    assert all(stats["items_by_domain"][d] >= 50 for d in ASSESSED), stats["items_by_domain"]
    assert all(stats["items_by_domain"][d] >= 30 for d in OTHER), stats["items_by_domain"]
    assert stats["skills"] >= 80
    assert stats["skills_under_3_items"] == []
    assert stats["generator_families"] >= 20
    assert stats["flashcards"] >= 150


def test_a_quarter_of_the_items_are_not_single_choice() -> None:
    kinds = Counter(item.kind for item in BANK.items.values())
    assert kinds["single_choice"] <= 0.75 * len(BANK.items)


def test_every_skill_has_a_study_note_and_a_resource() -> None:
    missing = [s.id for s in BANK.meta.skills if not s.note or not s.resource]
    assert missing == []
    short = [s.id for s in BANK.meta.skills if not 2 <= s.note.count(". ") + 1 <= 6]  # type: ignore[union-attr]
    assert short == []


def test_difficulty_is_spread() -> None:
    hints = Counter(item.difficulty for item in BANK.items.values())
    assert all(hints[level] >= 0.15 * len(BANK.items) for level in ("easy", "medium", "hard")), hints


def test_certification_forms_are_parallel_slot_by_slot_share_no_item_and_cover_all_six_domains() -> None:
    forms = BANK.assessments["dl-fundamentals-cert"].all_forms()
    # The retake limit allows three attempts in a window: a third form means no retake repeats a form.
    assert len(forms) >= 3
    for items in forms.values():
        assert {BANK.items[i].domain for i in items} == ASSESSED | OTHER
    all_items = [i for items in forms.values() for i in items]
    assert len(all_items) == len(set(all_items)), "an item appears in two forms (or twice in one)"

    def slot(item_id: str) -> tuple[str, str, object]:
        item = BANK.items[item_id]
        return item.domain, item.kind, item.difficulty

    first = [slot(i) for i in forms["A"]]
    for name, items in forms.items():
        assert [slot(i) for i in items] == first, f"form {name} is not matched slot by slot with form A"


def test_the_adaptive_assessment_covers_the_four_assessed_domains() -> None:
    adaptive = [a for a in BANK.assessments.values() if a.kind == "adaptive"]
    assert len(adaptive) == 1
    assert set(adaptive[0].blueprint) == ASSESSED and sum(adaptive[0].blueprint.values()) == 20


def test_every_certification_form_includes_a_question_with_a_figure() -> None:
    for items in BANK.assessments["dl-fundamentals-cert"].all_forms().values():
        assert any(BANK.items[i].figure for i in items)


def test_each_domain_keeps_at_least_40_percent_of_its_hand_written_items_for_practice() -> None:
    for domain in BANK.meta.domains:
        mine = [item for item in BANK.items.values() if item.domain == domain.id]
        share = sum(item.use == "practice" for item in mine) / len(mine)
        assert share >= 0.40, (domain.id, round(share, 3))


def test_every_skill_has_something_to_practise() -> None:
    from adaptest.bank import bank_stats

    by_skill = bank_stats(BANK)["pools"]["by_skill"]
    practised = {"practice", "families", "practice_families"}
    assert [s for s, count in by_skill.items() if sum(count[pool] for pool in practised) == 0] == []

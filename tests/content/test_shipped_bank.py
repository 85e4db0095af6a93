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


def test_the_certification_form_has_twenty_questions_of_every_kind_across_all_domains() -> None:
    form = BANK.assessments["dl-fundamentals-cert"]
    assert form.title == "Deep Learning Fundamentals — Certification Exam"
    assert (form.kind, len(form.items), form.pass_mark, form.time_limit_minutes) == ("fixed", 20, 0.7, 30)
    items = [BANK.items[item_id] for item_id in form.items]
    assert {item.kind for item in items} == set(ITEM_KINDS)
    assert {item.domain for item in items} == ASSESSED
    assert any(item.figure for item in items)

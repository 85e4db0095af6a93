"""Skill pages teach without giving away a test: no question of a live assessment ever appears on them."""

from __future__ import annotations

import functools
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from adaptest.web.assessments import engine
from adaptest.web.core.markdown import render_markdown
from adaptest.web.itembank.models import Assessment, Bank, Item

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return " ".join(text.split())


def _page_text(page: str) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


@functools.cache
def _forms_of(stem: str) -> tuple[str, str, str]:
    """The stem as written, as rendered from Markdown, and as a reader sees it rendered (computed once).

    Whole stems only: a fragment such as "Which statements are true? Select all that apply." is shared
    by many questions and proves nothing."""
    rendered = render_markdown(stem)
    return _flat(stem), _flat(rendered), _page_text(rendered)


def _shown(page: str, stems: dict[str, str]) -> list[str]:
    """The ids of the stems that ``page`` (HTML) shows, raw or rendered from Markdown."""
    flat_page, text = _flat(page), _page_text(page)
    found = []
    for item_id, stem in stems.items():
        written, rendered, read = _forms_of(stem)
        if written in flat_page or written in text or rendered in flat_page or read in text:
            found.append(item_id)
    return found


def _live_stems() -> dict[str, str]:
    """Item id (with variant) → stem, for every item a live assessment can give: the adaptive
    assessments' whole pools (every variant of a generator family) and every item of every exam form."""
    stems: dict[str, str] = {}
    for assessment in Assessment.objects.filter(is_active=True).select_related("bank"):
        if assessment.is_adaptive:
            for entry in engine.adaptive_test(assessment).entries:
                for version in entry.versions:
                    stems[f"{version.item.item_id}@{version.content_hash}"] = version.parsed.stem
        else:
            ids = {i for form in assessment.forms.values() for i in form}
            for item in Item.objects.filter(bank=assessment.bank, item_id__in=ids).select_related(
                "current_version"
            ):
                assert item.current_version is not None
                stems[item.item_id] = item.current_version.parsed.stem
    return stems


def test_the_stem_detector_sees_a_stem_through_markdown_rendering(shipped_bank) -> None:  # type: ignore[no-untyped-def]
    # Without this the sweep below could pass because it cannot recognise a stem once rendered.
    stems = _live_stems()
    missed = [
        item_id for item_id, stem in stems.items() if not _shown(render_markdown(stem), {item_id: stem})
    ]
    assert missed == []
    # ... also inside a page, beside other text (an exam item is also in the adaptive pool: same stem).
    sample = list(stems.values())[:20]
    page = "<main><p>Before.</p>" + "".join(map(render_markdown, sample)) + "<p>After.</p></main>"
    assert {stems[item_id] for item_id in _shown(page, stems)} == set(sample)


def test_no_skill_page_shows_a_question_of_a_live_assessment_and_each_shows_its_note_practice_and_cards(
    client: Client, ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    stems = _live_stems()
    assert len(stems) > 200  # the adaptive pool and all exam forms, not an empty sweep
    bank = Bank.objects.get(bank_id=shipped_bank.meta.id)
    cards = [card for deck in shipped_bank.decks.values() for card in deck.cards]
    shown: dict[str, list[str]] = {}
    listed: dict[str, int] = {}
    for skill in shipped_bank.meta.skills:
        response = client.get(reverse("skill", args=[bank.bank_id, skill.id]))
        assert response.status_code == 200, skill.id
        page = response.content.decode()
        shown[skill.id] = _shown(page, stems)
        text = _page_text(page)
        assert _flat(render_markdown(skill.note or "")) in _flat(page), f"{skill.id}: no study note"
        assert "none of them is ever asked in the skills assessment" in text
        practice = [i for i in shipped_bank.items.values() if i.use == "practice" and skill.id in i.skills]
        for item in practice:  # every practice question of the skill, and (swept below) nothing live
            assert _flat(render_markdown(item.stem)) in _flat(page), f"{skill.id}: {item.id} missing"
        listed[skill.id] = len(practice)
        own = [card for card in cards if skill.id in card.skills]
        if own:
            assert "these are the cards for the whole area" not in text
        for card in own:
            front, back = _flat(render_markdown(card.front)), _flat(render_markdown(card.back))
            assert front in _flat(page), f"{skill.id}: card {card.id} is missing"
            # The answer is there, but folded away until the learner opens it.
            folded = re.findall(r"<details>\s*<summary>Show the answer</summary>(.*?)</details>", page, re.S)
            assert back in [_flat(answer) for answer in folded], (
                f"{skill.id}: {card.id}'s answer is not folded"
            )
    assert {skill: items for skill, items in shown.items() if items} == {}
    assert sum(listed.values()) >= 160  # the practice pool is shown, not an empty list


def test_a_skill_without_cards_of_its_own_says_it_shows_the_cards_of_its_area(
    client: Client, ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    covered = {s for deck in shipped_bank.decks.values() for card in deck.cards for s in card.skills}
    uncovered = next(skill for skill in shipped_bank.meta.skills if skill.id not in covered)
    area = next(d for d in shipped_bank.meta.domains if d.id == uncovered.domain)
    page = client.get(reverse("skill", args=[shipped_bank.meta.id, uncovered.id])).content.decode()
    assert f"No card covers this skill yet, so these are the cards for the whole area, {area.title}." in (
        _page_text(page)
    )
    deck = next(deck for deck in shipped_bank.decks.values() if deck.domain == uncovered.domain)
    assert page.count("<details>") == len(deck.cards)

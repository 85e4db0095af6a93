"""A new learner studies one deck in the four modes in Chromium, with the keyboard where the mode offers it,
and sees a card rated Good come back after FSRS's interval and not before (the server's clock frozen).
Each page is scanned with axe on the way and checked for reflow at 320 px."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from adaptest.web.flashcards import selectors
from adaptest.web.flashcards.models import CardState, Review
from adaptest.web.flashcards.study import normalise
from tests.conftest import PASSWORD
from tests.web.test_accessibility import Scanner
from tests.web.test_layout import SPILLING_ELEMENTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CNN = "deep-learning:deck-cnn"


def _reflows_at_320(page: Any) -> list[str]:
    page.set_viewport_size({"width": 320, "height": 800})
    spilling: list[str] = page.evaluate(SPILLING_ELEMENTS)
    page.set_viewport_size({"width": 1280, "height": 800})
    return spilling


def _choose(page: Any, back: str) -> None:
    """Pick the option whose text starts like ``back`` (the page holds only positions, not the answer)."""
    start = re.sub(r"\s+", " ", back)[:40]
    page.locator("label", has_text=start).first.click()


def test_a_new_learner_studies_a_deck_in_flip_learn_test_and_review_modes(tab, live_server) -> None:  # type: ignore[no-untyped-def]
    page, base = tab, live_server.url
    scanner = Scanner(page)
    spills: dict[str, list[str]] = {}
    page.goto(base + "/accounts/signup/")
    page.fill("#id_username", "eve")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    eve = get_user_model().objects.get(username="eve")
    deck = selectors.deck_get(user=eve, key=CNN)

    page.goto(base + "/cards/")
    scanner.scan("cards index")
    page.get_by_role("link", name="Convolutional networks").first.click()
    scanner.scan("deck")
    spills["deck"] = _reflows_at_320(page)

    # (a) Flip: Space shows the answer, 3 rates it Good.
    page.get_by_role("link", name="Flip").click()
    page.wait_for_url("**/flip/")
    page.wait_for_load_state()  # the keys belong to flashcards/flip.js, a deferred script
    assert page.locator(".flashcard-answer").get_attribute("open") is None
    page.keyboard.press("Space")
    assert page.locator(".flashcard-answer").get_attribute("open") == ""
    scanner.scan("flip, answer shown")
    spills["flip"] = _reflows_at_320(page)
    page.keyboard.press("3")
    page.get_by_text("Rated Good: next review in 10 minutes.").wait_for()
    assert "Card 2 of" in page.content()
    first = Review.objects.get(user=eve)
    assert (first.rating, first.card.card_key) == (3, deck.cards[0].key)

    # (d) Review due cards, clock frozen: not due a second before FSRS's interval ends, due at its end.
    due = CardState.objects.get(user=eve).due
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        page.goto(base + "/cards/review/")
        page.get_by_text("No card is due now.").wait_for()
    with time_machine.travel(due, tick=False):
        page.goto(base + "/cards/review/")
        page.get_by_text("1 card due now").wait_for()
        scanner.scan("review")
        page.get_by_text("Show the answer").click()
        page.get_by_role("button", name="Good (3)").click()
        page.get_by_text(re.compile(r"Rated Good: next review in \d+ days?")).wait_for()
    assert Review.objects.filter(user=eve, mode=Review.Mode.REVIEW).count() == 1

    # (b) Learn: choose among four definitions, then type an answer with its case and punctuation off.
    page.goto(base + f"/cards/d/{CNN}/learn/")
    assert page.locator('input[name="choice"]').count() == 4
    scanner.scan("learn, choice")
    _choose(page, deck.cards[0].back)
    page.get_by_role("button", name="Check").click()
    page.get_by_text("Right.").wait_for()
    page.get_by_role("link", name="Next card").click()
    page.get_by_label("Your answer").fill(deck.cards[1].back.lower().replace(".", ""))
    page.get_by_label("Your answer").press("Enter")  # Enter in the answer field checks it
    page.get_by_text("Right.").wait_for()
    expect(page.get_by_role("heading", name="The card's answer")).to_be_visible()
    scanner.scan("learn, typed answer checked")
    spills["learn"] = _reflows_at_320(page)

    # (c) Test: four cards in mixed forms, one answered wrong on purpose.
    page.goto(base + f"/cards/d/{CNN}/test/")
    page.get_by_label("Number of cards").fill("4")
    page.get_by_role("button", name="Start the test").click()
    scanner.scan("test questions")
    by_front = {normalise(c.front): c for c in deck.cards}
    questions = page.locator("ol.question-list > li")
    assert questions.count() == 4
    forms = set()
    for index in range(4):
        question = questions.nth(index)
        card = by_front[normalise(question.locator("div").first.inner_text())]
        if question.locator("textarea").count():
            forms.add("typed")
            question.locator("textarea").fill("wrong on purpose" if index == 0 else card.back)
        else:
            forms.add("choice")
            if index == 0:
                question.locator('input[type="radio"]').first.check()  # perhaps right, perhaps not
            else:
                question.locator("label", has_text=re.sub(r"\s+", " ", card.back)[:40]).first.click()
    assert forms == {"typed", "choice"}
    page.get_by_role("button", name="Submit the test").click()
    score = page.locator(".score").inner_text()
    assert re.fullmatch(r"You scored [34] out of 4\.", score)
    assert page.get_by_role("heading", name=re.compile("Question 1")).count() == 1
    scanner.scan("test result")
    spills["test"] = _reflows_at_320(page)

    # Add the whole deck to the reviews: the home page counts what is due today.
    page.goto(base + f"/cards/d/{CNN}/")
    page.get_by_role("button", name=re.compile(r"Add \d+ cards to my reviews")).click()
    page.goto(base + "/")
    due_today = len(deck.cards) - 1  # the card reviewed above is due in days, not today
    assert re.search(rf"{due_today}\s+cards due today", page.locator("#due-heading + p").inner_text())
    scanner.scan("home with the due count")

    assert not scanner.findings, scanner.report()
    assert not any(spills.values()), spills

"""The keyboard alone: Tab, Space, the arrow keys, Enter and typing — never a click.

A learner signs up and completes the adaptive assessment without a mouse; Enter in any answer field
submits the answer, never "I don't know yet" (in the adaptive test) nor "Previous" (in the exam).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Is the focused element the one we want, and does the learner see where the focus is?
FOCUS = """(wanted) => {
  const element = document.activeElement;
  const matches = wanted.css ? element.matches(wanted.css) : element.textContent.trim() === wanted.text;
  if (!matches) return null;
  const style = getComputedStyle(element);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return element.matches(":focus-visible") && ring;
}"""


def _tab_to(page, *, css: str = "", text: str = "", limit: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching ``css`` (or whose text is ``text``) has the focus, and check
    that the focus ring shows on it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        visible = page.evaluate(FOCUS, {"css": css, "text": text})
        if visible is not None:
            assert visible, f"the focus on {css or text} is not visible"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {css or text}")


def _press_and_load(page, key: str) -> None:  # type: ignore[no-untyped-def]
    """Press a key that follows a link or sends a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _answer_by_keyboard(page, slot: AttemptItem, answer: Any) -> None:  # type: ignore[no-untyped-def]
    """Enter ``answer`` with Tab, Space, the arrow keys and typing, ending with the focus in the answer's
    last field (the selected radio, the last checkbox, input or position selector)."""
    item = slot.item_version.parsed
    shown = item.presentation(slot.display_seed)
    kind = item.kind
    if kind == "single_choice":
        tokens = [o["id"] for o in shown["options"]]
        _tab_to(page, css="input[name=choice]")  # Tab enters the group at its first radio
        steps = tokens.index(answer)
        if steps == 0:
            page.keyboard.press("Space")
        for _ in range(steps):  # each arrow key moves to the next radio and selects it
            page.keyboard.press("ArrowDown")
    elif kind == "multiple_choice":
        for i, option in enumerate(shown["options"], start=1):
            _tab_to(page, css=f"#choice-o{i}", limit=1 if i > 1 else 40)
            if option["id"] in answer:
                page.keyboard.press("Space")
    elif kind in ("numeric", "short_text"):
        _tab_to(page, css="#answer-value")
        page.keyboard.type(str(answer))
    elif kind == "numeric_tuple":
        names = page.eval_on_selector_all(".answer input", "inputs => inputs.map(i => i.name)")
        for i, name in enumerate(names):
            _tab_to(page, css=f"input[name='{name}']", limit=1 if i else 40)
            page.keyboard.type(str(answer[name.removeprefix("field-")]))
    elif kind == "matrix":
        for r, row in enumerate(answer):
            for c, value in enumerate(row):
                _tab_to(page, css=f"input[name=cell-{r}-{c}]", limit=1 if r or c else 40)
                page.keyboard.type(str(value))
    elif kind == "ordering":
        position_of = {block_id: p for p, block_id in enumerate(answer, start=1)}
        for i, block in enumerate(shown["blocks"], start=1):
            _tab_to(page, css=f"#position-b{i}", limit=1 if i > 1 else 40)
            for _ in range(position_of.get(block["id"], 0)):  # "Not used", then Position 1, 2, ...
                page.keyboard.press("ArrowDown")
            assert page.input_value(f"#position-b{i}") == str(position_of.get(block["id"], ""))
    elif kind == "free_text":  # Enter in a text area starts a new line: Tab on to the saving button
        _tab_to(page, css="#answer-text")
        page.keyboard.type(answer)
        _tab_to(page, css="button[value=next]", limit=1)
    else:
        raise AssertionError(kind)


def _sign_up_by_keyboard(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    _tab_to(page, text="Sign up")
    _press_and_load(page, "Enter")
    _tab_to(page, css="#id_username")
    page.keyboard.type(username)
    _tab_to(page, css="#id_password1")
    page.keyboard.type(PASSWORD)
    _tab_to(page, css="#id_password2")
    page.keyboard.type(PASSWORD)
    _press_and_load(page, "Enter")  # Enter in the last field sends the form
    assert "signup" not in page.url


def test_a_learner_signs_up_and_completes_the_adaptive_assessment_with_the_keyboard_alone(
    tab, live_server
) -> None:  # type: ignore[no-untyped-def]
    _sign_up_by_keyboard(tab, live_server.url, "kay")
    _tab_to(tab, text="Deep Learning Skills Assessment")
    _press_and_load(tab, "Enter")
    _tab_to(tab, text="Start the assessment")
    _press_and_load(tab, "Space")
    assert tab.url.endswith("/questions/1/")

    attempt = Attempt.objects.get(user__username="kay")
    dont_know = 0
    while True:
        attempt.refresh_from_db()
        if not attempt.is_open:
            break
        position = attempt.current_position
        slot = attempt.slots.select_related("item_version").get(position=position)
        item = slot.item_version.parsed
        if position % 4 == 0:  # "I don't know yet", reached by Tab and pressed with Space
            _tab_to(tab, text="I don't know yet")
            _press_and_load(tab, "Space")
            dont_know += 1
        else:  # the key, entered by keyboard, then Enter in the answer's own field
            _answer_by_keyboard(tab, slot, item.key_answer())
            _press_and_load(tab, "Enter")
        assert re.search(rf"/(questions/{position + 1}|result)/$", tab.url), tab.url
        response = Response.objects.get(slot=slot)
        if position % 4 == 0:
            assert response.dont_know
        else:  # saved as the answer given: never "I don't know yet"
            assert not response.dont_know and response.correct, (item.kind, item.id)

    expect(tab.get_by_role("heading", name="Your result")).to_be_visible()
    slots = list(attempt.slots.all())
    scored = [s for s in slots if s.scored]
    right = sum(1 for s in scored if s.position % 4)
    assert f"{right} of {len(scored)} scored questions fully correct" in tab.inner_text("main")
    statuses = tab.locator(".review-list .status")
    assert statuses.count() == len(slots) == 20
    said = [statuses.nth(i).inner_text() for i in range(statuses.count())]
    assert said.count("? I don't know yet") == dont_know == 5
    assert said.count("✓ Correct") == 15


def test_enter_in_a_practice_ordering_position_submits_the_answer(
    tab, live_server, ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    """The practice page's answer button is "submit", not "next": Enter in a position selector must still
    send the answer (ordering.js), as it does on the question pages."""
    from django.utils import timezone

    from adaptest.web.itembank.models import Bank
    from adaptest.web.practice.models import PracticeQuestion
    from adaptest.web.practice.services import practice_question_next, practice_start

    bank = Bank.objects.get(bank_id=shipped_bank.meta.id)
    session = practice_start(user=ada, bank=bank, item_id="cnn-fine-tuning-steps", now=timezone.now())
    question = practice_question_next(session=session, now=timezone.now())
    tab.goto(live_server.url + "/accounts/login/")
    tab.fill("#id_username", "ada")
    tab.fill("#id_password", PASSWORD)
    _press_and_load(tab, "Enter")
    tab.goto(f"{live_server.url}/practice/questions/{question.pk}/")
    item = question.item_version.parsed
    position_of = {block_id: p for p, block_id in enumerate(item.key_answer(), start=1)}
    shown = item.presentation(question.display_seed)["blocks"]
    for i, block in enumerate(shown, start=1):
        _tab_to(tab, css=f"#position-b{i}", limit=1 if i > 1 else 40)
        for _ in range(position_of.get(block["id"], 0)):
            tab.keyboard.press("ArrowDown")
    _press_and_load(tab, "Enter")
    assert "✓ Correct" in tab.content()
    assert PracticeQuestion.objects.get(pk=question.pk).response.correct

"""A new learner signs up and takes the certification exam in Debian's Chromium, every kind by hand.

Screenshots of a question page, the result page and a review page land in test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright

from adaptest.bank import ITEM_KINDS
from adaptest.web.assessments.models import Attempt, Response
from tests.conftest import CHROMIUM, PASSWORD
from tests.web.exam import wrong_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server, settings, shipped_bank) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    cache.clear()  # fresh sign-up allowances for 127.0.0.1 (see tests/web/conftest.py's tab)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(15_000)
        yield tab
        browser.close()


def _answer(page, slot, answer: Any) -> None:  # type: ignore[no-untyped-def]
    """Enter ``answer`` in the page's controls, the way a person would."""
    item = slot.item_version.parsed
    shown = item.presentation(slot.display_seed)
    kind = item.kind
    if kind in ("single_choice", "multiple_choice"):
        chosen = [answer] if kind == "single_choice" else answer
        tokens = {o["id"]: f"o{i}" for i, o in enumerate(shown["options"], start=1)}
        for option_id in chosen:
            page.check(f"input[value={tokens[option_id]}]")
    elif kind in ("numeric", "short_text"):
        page.fill("#answer-value", str(answer))
    elif kind == "numeric_tuple":
        for name, value in answer.items():
            page.fill(f"#field-{name}", str(value))
    elif kind == "matrix":
        for r, row in enumerate(answer):
            for c, value in enumerate(row):
                page.fill(f"input[name=cell-{r}-{c}]", str(value))
    elif kind == "ordering":
        _order_by_keyboard(page, shown, answer)
    elif kind == "free_text":
        page.fill("#answer-text", answer)


def _order_by_keyboard(page, shown: dict[str, Any], order: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Tab to each block's position selector and press the arrow key until it shows the position."""
    tokens = {b["id"]: f"b{i}" for i, b in enumerate(shown["blocks"], start=1)}
    page.focus(f"#position-{tokens[order[0]]}")
    for position, block_id in enumerate(order, start=1):
        selector = f"#position-{tokens[block_id]}"
        page.focus(selector)
        for _ in range(position):
            page.keyboard.press("ArrowDown")
        assert page.input_value(selector) == str(position)


def test_a_new_learner_takes_the_exam_and_reviews_their_answers(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.fill("#id_username", "grace")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("link", name="Deep Learning Fundamentals — Certification Exam").click()
    page.get_by_role("button", name="Start the exam").click()

    attempt = Attempt.objects.get(user__username="grace")
    slots = list(attempt.slots.select_related("item_version").order_by("position"))
    wrong_at = next(s.position for s in slots if s.item_version.kind == "single_choice")
    dont_know_at = next(s.position for s in slots if s.item_version.kind == "numeric")
    kinds_answered = set()
    for slot in slots:
        expect(page.get_by_role("heading", name=f"Question {slot.position} of 20")).to_be_visible()
        item = slot.item_version.parsed
        if slot.position == dont_know_at:
            page.get_by_role("button", name="I don't know yet").click()
            continue
        _answer(page, slot, wrong_answer(item) if slot.position == wrong_at else item.key_answer())
        kinds_answered.add(item.kind)
        if item.kind == "ordering":
            page.screenshot(path=str(ARTIFACTS / "question-ordering.png"), full_page=True)
        page.get_by_role("button", name="Save and review" if slot.position == 20 else "Save and next").click()
    assert kinds_answered == set(ITEM_KINDS) - {"free_text"}  # free_text items are practice items for now

    counts = page.locator(".counts").inner_text()  # "I don't know yet" is not counted as answered
    assert "19 of 20 answered" in counts and "1 “I don't know yet”" in counts and "0 not answered" in counts
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    assert page.locator(".score-value").inner_text() == "90%"
    expect(page.get_by_text("Passed").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "result.png"), full_page=True)

    page.get_by_role("link", name=f"Question {wrong_at}", exact=True).click()
    expect(page.get_by_role("heading", name="Option by option")).to_be_visible()
    assert page.locator(".remark.bad .tag", has_text="Your answer").count() == 1  # the wrong option chosen
    expect(page.get_by_role("heading", name="Correct answer")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    if wrong_at < 20:
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_role("heading", name=f"Question {wrong_at + 1} of 20")).to_be_visible()
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/review/{dont_know_at}/")
    expect(page.get_by_role("heading", name="You answered “I don't know yet”")).to_be_visible()


def test_a_new_learner_takes_the_adaptive_assessment_and_rates_a_question(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.fill("#id_username", "hedy")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("link", name="Deep Learning Skills Assessment").click()
    expect(page.get_by_text("No going back.")).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()

    attempt = Attempt.objects.get(user__username="hedy")
    plan = ("right", "wrong", "dont_know")
    answered = 0
    while True:
        attempt.refresh_from_db()
        if not attempt.is_open:
            break
        slot = attempt.slots.select_related("item_version").get(position=attempt.current_position)
        expect(page.get_by_role("heading", name=f"Question {slot.position} of about 20")).to_be_visible()
        if slot.position == 2:
            page.screenshot(path=str(ARTIFACTS / "adaptive-question.png"), full_page=True)
        how = plan[answered % 3]
        if how == "dont_know":
            page.get_by_role("button", name="I don't know yet").click()
        else:
            item = slot.item_version.parsed
            _answer(page, slot, item.key_answer() if how == "right" else wrong_answer(item))
            page.get_by_role("button", name="Submit answer").click()
        answered += 1
    assert answered == 20

    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.get_by_text("overall level")).to_be_visible()
    levels = page.locator("table.table tbody tr")
    assert levels.count() == 4
    for row in range(4):
        assert levels.nth(row).locator("td").first.inner_text().split()[0] in (
            "Beginning",
            "Developing",
            "Accomplished",
        )
    _assert_the_chart_puts_each_dot_at_its_score(page, Attempt.objects.get(user__username="hedy").report)
    page.screenshot(path=str(ARTIFACTS / "adaptive-result.png"), full_page=True)

    page.get_by_role("link", name="Start the review").click()
    expect(page.get_by_role("heading", name="Correct answer")).to_be_visible()
    page.get_by_label("4").check()
    page.fill("#rating-comment", "Clear and fair.")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Thank you")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "adaptive-review.png"), full_page=True)
    from adaptest.web.itembank.models import ItemRating

    assert ItemRating.objects.get(user__username="hedy").stars == 4


def test_on_a_phone_a_long_code_line_scrolls_in_its_box_instead_of_widening_the_page(
    page, live_server
) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    attempt = _sign_up_and_start_the_exam(page, live_server, "hedy")
    slots = attempt.slots.select_related("item_version")
    widest = max(slots, key=lambda s: _longest_code_line(s.item_version.parsed.stem))
    assert _longest_code_line(widest.item_version.parsed.stem) >= 60  # wider than a phone in monospace
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/questions/{widest.position}/")
    blocks = page.locator(".stem pre")
    # the line is longer than the phone is wide: its block scrolls sideways on its own
    assert any(blocks.nth(i).evaluate("e => e.scrollWidth > e.clientWidth") for i in range(blocks.count()))
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= 390
    )  # yet the page does not scroll sideways
    page.screenshot(path=str(ARTIFACTS / "phone-code-question.png"), full_page=True)


def _sign_up_and_start_the_exam(page, live_server, username: str) -> Attempt:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.goto(live_server.url + "/assessments/dl-fundamentals-cert/")
    page.get_by_role("button", name="Start the exam").click()
    return Attempt.objects.get(user__username=username)


def _longest_code_line(markdown: str) -> int:
    """The length of the longest line inside the stem's fenced code blocks (0 without any)."""
    blocks = markdown.split("```")[1::2]  # the text between opening and closing fences
    return max((len(line) for block in blocks for line in block.splitlines()[1:]), default=0)


def test_enter_in_an_answer_field_saves_the_answer_never_dont_know_or_previous(page, live_server) -> None:  # type: ignore[no-untyped-def]
    attempt = _sign_up_and_start_the_exam(page, live_server, "ida")
    by_enter = set()
    for slot in attempt.slots.select_related("item_version").order_by("position"):
        item = slot.item_version.parsed
        page.goto(f"{live_server.url}/attempts/{attempt.pk}/questions/{slot.position}/")
        _answer(page, slot, item.key_answer())
        # the last field: the selected radio, a ticked checkbox, a text input or a position selector
        field = page.locator(".answer input:checked, .answer input[type=text], .answer select").last
        with page.expect_navigation():
            field.press("Enter")
        following = "submit" if slot.position == 20 else f"questions/{slot.position + 1}"
        assert page.url.endswith(f"/{following}/")  # "Save and next": not "Previous", not a reload
        response = Response.objects.get(slot=slot)
        assert not response.dont_know and response.correct, (item.kind, item.id)
        by_enter.add(item.kind)
    # free_text is practice only for now, and Enter in its text area starts a new line
    assert by_enter == set(ITEM_KINDS) - {"free_text"}, by_enter
    # the adaptive test, where "I don't know yet" would be final: test_keyboard.py answers every
    # question of a whole attempt with Enter in the answer's field


def test_the_account_page_with_a_token_fits_a_320_px_screen(page, live_server) -> None:  # type: ignore[no-untyped-def]
    _sign_up_and_start_the_exam(page, live_server, "joan")
    page.goto(live_server.url + "/accounts/profile/")
    page.fill("input[name=name]", "laptop")
    page.press("input[name=name]", "Enter")  # Enter in the name field creates the token
    expect(page.locator("#new-token")).to_have_count(1)
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    expect(page.get_by_role("row", name="laptop")).to_have_count(1)  # listed once: the reload made no second
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the table scrolls in its own box
    page.screenshot(path=str(ARTIFACTS / "account-320.png"), full_page=True)


def _assert_the_chart_puts_each_dot_at_its_score(page, report: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    """Each domain's dot sits at its score along the 0–300 track, and its title is read at a normal
    size at every width (an SVG chart shrank its labels to 6 px on a phone)."""
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        rows = page.locator(".score-row:not(.scale)")
        assert rows.count() == len(report["domains"]) == 4
        for row, domain in zip(rows.all(), report["domains"], strict=True):
            track = row.locator(".track").bounding_box()
            dot = row.locator(".point").bounding_box()
            along = (dot["x"] + dot["width"] / 2 - track["x"]) / track["width"]
            assert along == pytest.approx(domain["score"] / 300, abs=0.01), domain["title"]
            assert domain["title"] in row.inner_text()
            size = row.locator(".score-row-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 14, (width, size)
    page.set_viewport_size({"width": 1200, "height": 900})

"""The author's preview in a browser: ben (staff) opens the banks' list, previews items of the small test
bank and of the shipped one, switches the key on and off, answers with the keyboard, has an answer refused
and another graded; and answers once more with JavaScript off.

Every page on the way is scanned with axe at 1280 and 390 px, checked for sideways scrolling at 390 and
320 px, and screenshotted at 1280 and 390 px into test-artifacts/preview/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from adaptest.content import DEEP_LEARNING_BANK
from tests.conftest import PASSWORD
from tests.web.page_checks import PageChecks
from tests.web.preview_bank import preview_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "preview"


def _log_in(page: Any, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "ben")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Item preview")


def _tab_to(page: Any, test: str) -> None:
    """Press Tab from the top of the page until the focused element passes ``test`` (a JS predicate on
    the element), so that what follows is done with the keyboard alone."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => !!e && ({test}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test} on {page.url}")


def test_staff_preview_items_with_the_keyboard_at_phone_and_desktop_widths(
    tab, live_server, settings, django_user_model, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small = preview_bank(tmp_path / "small")
    settings.ADAPTEST_BANK_DIRS = [small, DEEP_LEARNING_BANK]
    django_user_model.objects.create_user(username="ben", password=PASSWORD, is_staff=True)
    base, page = live_server.url, tab
    checks = PageChecks(page, SCREENSHOTS)
    _log_in(page, base)

    page.get_by_role("link", name="Item preview").click()
    expect(page.get_by_role("heading", name="Preview test bank")).to_be_visible()
    checks.page_done("index")
    page.fill("#filter-q", "colour")
    page.press("#filter-q", "Enter")
    expect(page.locator("table.preview-items").first.locator("tbody tr")).to_have_count(1)
    checks.page_done("index-filtered")

    page.get_by_role("link", name="pv-single").click()
    expect(page.get_by_role("heading", name="The question as a learner sees it")).to_be_visible()
    checks.page_done("question-single_choice")
    _tab_to(page, "e.textContent.trim() === 'Show the key'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The key")).to_be_visible()
    expect(page.locator(".preview-key")).to_contain_text("Blue and yellow are the subtractive primaries")
    checks.page_done("key-single_choice")

    # an answer given with the keyboard alone: the first option by Space, then the Submit answer button
    _tab_to(page, "e.name === 'choice'")
    page.keyboard.press("Space")
    chosen = page.evaluate("document.activeElement.nextElementSibling.textContent.trim()")
    _tab_to(page, "e.textContent.trim() === 'Submit answer'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Grading")).to_be_visible()
    grading = page.locator(".preview-grading")
    expect(grading).to_contain_text(re.compile(rf"{chosen}\s*Your answer"))
    expect(page.locator("input[name=choice]:checked")).to_have_count(1)  # the answer is still chosen
    checks.page_done("graded-single_choice")

    page.goto(base + reverse("preview_item", args=[0, "pv-numeric"]))
    page.fill("#answer-value", "eighty")
    page.press("#answer-value", "Enter")
    expect(page.locator("#answer-error")).to_be_visible()
    expect(page.locator("#answer-value")).to_have_value("eighty")
    checks.page_done("refused-numeric")
    page.fill("#answer-value", "180")
    page.press("#answer-value", "Enter")
    expect(grading).to_contain_text("You multiplied the distance by the time")
    checks.page_done("graded-numeric")

    page.goto(base + reverse("preview_item", args=[0, "pv-matrix"]) + "?key=1")
    expect(page.locator(".preview-key")).to_contain_text("The correct grid")
    checks.page_done("key-matrix")

    page.goto(base + reverse("preview_item", args=[0, "pv-ordering"]))
    for position, text in enumerate(("Boil the water", "Steep the tea leaves", "Pour the tea into a cup"), 1):
        page.get_by_label(text).select_option(str(position))
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".preview-grading .status")).to_have_text("✓ Correct")
    checks.page_done("graded-ordering")

    page.goto(base + reverse("preview_item", args=[0, "pv-gen-product"]) + "?seed=3")
    page.get_by_role("link", name="Next variant").click()
    expect(page.locator("#seed")).to_have_value("4")
    checks.page_done("family-variant")

    page.goto(base + reverse("preview_item", args=[0, "pv-figure"]))
    figure = page.locator("figure.figure img")
    expect(figure).to_have_attribute("alt", "A triangle drawn in black outline.")
    assert page.evaluate("document.querySelector('figure.figure img').naturalWidth") > 0  # served under CSP
    checks.page_done("figure")

    shipped = page.locator("table.preview-items").nth(1)
    page.goto(base + reverse("preview_index") + "?kind=matrix")
    shipped.locator("tbody tr a").first.click()
    expect(page.get_by_role("heading", name="The question as a learner sees it")).to_be_visible()
    checks.page_done("shipped-matrix")

    assert not checks.axe.findings, checks.axe.report()
    assert not checks.problems, "\n".join(checks.problems)


def test_the_preview_grades_without_javascript(
    chromium, live_server, settings, django_user_model, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.ADAPTEST_BANK_DIRS = [preview_bank(tmp_path / "small")]
    django_user_model.objects.create_user(username="ben", password=PASSWORD, is_staff=True)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server.url)
        page.goto(live_server.url + reverse("preview_item", args=[0, "pv-short"]))
        page.get_by_role("link", name="Show the key").click()
        expect(page.locator(".preview-key")).to_contain_text("Sodium is Na, after the Latin natrium.")
        page.fill("#answer-value", "na")
        page.get_by_role("button", name="Submit answer").click()
        expect(page.locator(".preview-grading .status")).to_have_text("✓ Correct")
        expect(page.locator("#answer-value")).to_have_value("na")
    finally:
        context.close()

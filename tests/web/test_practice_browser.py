"""Issue 12's browser acceptance: a new user practises 10 CNN questions, each explained at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from adaptest.web.practice.models import PracticeQuestion, PracticeResponse
from tests.conftest import PASSWORD
from tests.web.exam import wrong_answer
from tests.web.test_accessibility import Scanner
from tests.web.test_browser import _answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_user_practises_ten_cnn_questions_and_sees_right_or_wrong_at_once_each_time(
    tab, live_server
) -> None:  # type: ignore[no-untyped-def]
    page = tab
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.fill("#id_username", "hedy")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Practice").click()
    page.select_option("#practice-domain", label="Convolutional networks")
    page.get_by_role("button", name="Practise this domain").click()

    axe = Scanner(page)
    for n in range(1, 11):
        if n == 2:
            axe.scan("practice question")
        expect(page.get_by_role("heading", name=f"Practice question {n}")).to_be_visible()
        question = PracticeQuestion.objects.select_related("item_version").get(
            session__user__username="hedy", position=n
        )
        item = question.item_version.parsed
        assert question.item_version.domain == "cnn"
        if n == 4:
            page.get_by_role("button", name="I don't know yet").click()
            expected = "? I don't know yet"
        else:
            right = n % 3 != 0
            _answer(page, question, item.key_answer() if right else wrong_answer(item))
            if item.kind in ("numeric", "short_text"):
                page.press("#answer-value", "Enter")  # Enter in the answer field submits
            else:
                page.get_by_role("button", name="Submit answer").click()
            expected = "✓ Correct" if right else ("✗ Incorrect", "◐ Partly correct")
        shown = page.locator("p.status[role=status]").inner_text()  # announced to screen readers
        assert shown.startswith(expected), (n, shown)
        expect(page.get_by_role("heading", name="Correct answer")).to_be_visible()  # the explanation, at once
        if n == 2:
            axe.scan("practice feedback")
        page.get_by_role("link", name="Next question").first.click()

    responses = PracticeResponse.objects.filter(user__username="hedy").order_by("created_at")
    assert responses.count() == 10 and {r.domain for r in responses} == {"cnn"}
    assert [r.dont_know for r in responses].count(True) == 1
    page.get_by_role("link", name="Stop practising").click()
    expect(page.get_by_text("after 10 answers")).to_be_visible()
    dots = page.locator(".score-row .point")  # the rating over time: one dot per counted answer, visible
    assert dots.count() >= 9
    colours = dots.evaluate_all("ds => ds.map(d => getComputedStyle(d).backgroundColor)")
    assert "rgba(0, 0, 0, 0)" not in colours, colours
    axe.scan("practice home with progress")
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for url in (live_server.url + "/practice/", *_last_pages(live_server.url)):
            page.goto(url)
            axe.scan(url.removeprefix(live_server.url))
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} is {overflow} px wider than a {width} px screen"
    assert not axe.findings, axe.report()


def _last_pages(site: str) -> tuple[str, str]:
    """The last answered question (its feedback) and the one waiting for an answer."""
    answered = PracticeResponse.objects.filter(user__username="hedy").latest("created_at").question_id
    waiting = PracticeQuestion.objects.filter(session__user__username="hedy", response__isnull=True).first()
    assert waiting is not None
    return f"{site}/practice/questions/{answered}/", f"{site}/practice/questions/{waiting.pk}/"

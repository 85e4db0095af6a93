"""axe-core finds no serious or critical WCAG 2.0–2.2 A/AA violation on any page a learner or author meets.

One browser for the module and one learner who walks the certification exam: every page is scanned where
the walk reaches it (question pages at 1280 and 390 px, the rest at 1280 px), and the test fails once,
listing every violation (page, width, rule, impact, targets, help). The exam's form is drawn at random, so
each run scans one of its parallel forms' questions.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from adaptest.bank import ITEM_KINDS
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.assessments.services import response_save
from adaptest.web.itembank.models import Bank, ItemVersion
from adaptest.web.practice.services import practice_answer_submit, practice_question_next, practice_start
from tests.web.exam import wrong_answer
from tests.web.test_browser import _sign_up_and_start_the_exam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(tab):  # type: ignore[no-untyped-def]
    """The shared browser's fresh tab (tests/web/conftest.py), at 1280 × 800."""
    return tab


class Scanner:
    """Runs axe-core on the page the browser shows and keeps what blocks: serious or critical findings."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.axe = Axe()
        self.scanned: list[str] = []
        self.findings: list[str] = []

    def scan(self, name: str) -> None:
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        violations = self.axe.run(self.page, options=options).response["violations"]
        width = self.page.viewport_size["width"]
        self.scanned.append(f"{name} @{width}px")
        for violation in violations:
            if violation["impact"] not in BLOCKING:
                continue
            rule = violation["id"]
            targets = [" ".join(node["target"]) for node in violation["nodes"]]
            if targets:
                shown = "; ".join(targets[:5]) + (
                    f"; and {len(targets) - 5} more" if len(targets) > 5 else ""
                )
                self.findings.append(
                    f"{name} @{width}px ({self.page.url}): {rule} [{violation['impact']}] at {shown} — "
                    f"{violation['help']} ({violation['helpUrl']})"
                )

    def visit(self, name: str, url: str) -> None:
        self.page.goto(url)
        self.scan(name)

    def report(self) -> str:
        found = f"{len(self.findings)} serious or critical violations in {len(self.scanned)} scans:\n"
        return found + "\n".join(self.findings)


def test_every_page_of_a_learners_exam_has_no_serious_or_critical_axe_violation(
    page, live_server, shipped_bank, settings
) -> None:  # type: ignore[no-untyped-def]
    site = live_server.url
    axe = Scanner(page)

    # signed out
    axe.visit("home, signed out", site + "/")
    axe.visit("login", site + "/accounts/login/")
    axe.visit("signup", site + "/accounts/signup/")
    page.fill("#id_username", "x")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "different")
    page.get_by_role("button", name="Sign up").click()
    assert page.locator(".field-error").count() >= 1  # the errors are on the page being scanned
    axe.scan("signup with errors")
    axe.visit("password reset", site + "/accounts/password_reset/")
    page.fill("#id_email", "nobody@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    axe.scan("password reset sent")
    axe.visit("password reset, link no longer valid", site + "/accounts/reset/MQ/used-token/")
    grace = get_user_model().objects.create_user("grace", "grace@example.org", "a-long-Test-passphrase-42")
    uid, token = urlsafe_base64_encode(force_bytes(grace.pk)), default_token_generator.make_token(grace)
    axe.visit("password reset, new password", f"{site}/accounts/reset/{uid}/{token}/")
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "different")
    page.get_by_role("button", name="Set the new password").click()
    assert page.locator(".field-error").count() >= 1
    axe.scan("password reset, new password with errors")
    page.fill("#id_new_password1", "another-Long-passphrase-17")
    page.fill("#id_new_password2", "another-Long-passphrase-17")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    axe.scan("password reset complete")

    # a learner takes the certification exam: a question page of every kind at 1280 px, and every question
    # page on a phone, where long code and wide grids scroll in their own boxes
    attempt = _sign_up_and_start_the_exam(page, live_server, "alan")
    slots = list(attempt.slots.select_related("item_version").order_by("position"))
    first_of_kind = {}
    for slot in slots:
        first_of_kind.setdefault(slot.item_version.kind, slot)
    assert set(first_of_kind) == set(ITEM_KINDS) - {"free_text"}  # free_text: practice only for now
    for kind, slot in first_of_kind.items():
        axe.visit(
            f"question {slot.position} ({kind})", f"{site}/attempts/{attempt.pk}/questions/{slot.position}/"
        )
    # a free_text question (a text area with its word limit), shown for the scan in the short-text slot
    short = first_of_kind["short_text"]
    AttemptItem.objects.filter(pk=short.pk).update(
        item_version=ItemVersion.objects.filter(kind="free_text")[0]
    )
    axe.visit("question (free_text)", f"{site}/attempts/{attempt.pk}/questions/{short.position}/")
    AttemptItem.objects.filter(pk=short.pk).update(item_version=short.item_version)
    page.set_viewport_size(PHONE)
    for slot in slots:
        kind = slot.item_version.kind
        axe.visit(
            f"question {slot.position} ({kind})", f"{site}/attempts/{attempt.pk}/questions/{slot.position}/"
        )
    page.set_viewport_size(DESKTOP)

    # answers (one wrong of each kind, so each review shows a wrong answer beside the key), then submit
    now = timezone.now()
    for slot in slots:
        item = slot.item_version.parsed
        wrong = slot is first_of_kind[item.kind]
        answer = wrong_answer(item) if wrong else item.key_answer()
        response_save(attempt=attempt, position=slot.position, answer=answer, now=now)
    axe.visit("submit", f"{site}/attempts/{attempt.pk}/submit/")
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    axe.scan("result")
    for kind, slot in first_of_kind.items():
        axe.visit(f"review ({kind})", f"{site}/attempts/{attempt.pk}/review/{slot.position}/")
    skill = slots[0].item_version.parsed.skills[0]
    axe.visit("skill", site + reverse("skill", args=[shipped_bank.meta.id, skill]))
    axe.visit("my results", site + "/results/")
    axe.visit("assessment detail", site + "/assessments/dl-fundamentals-cert/")
    axe.visit("home, signed in", site + "/")
    axe.visit("account", site + "/accounts/profile/")
    axe.visit("password change", site + "/accounts/password_change/")
    get_user_model().objects.filter(username="alan").update(is_staff=True)
    axe.visit("item statistics", site + "/staff/items/")
    writer = get_user_model().objects.create_user(username="writer")  # a written answer waits for a person
    session = practice_start(
        user=writer, bank=Bank.objects.get(), now=now, item_id="imp-explain-bayesopt-vs-grid"
    )
    question = practice_question_next(session=session, now=now)
    doubtful = "It predicts which settings will do well from the earlier runs."
    practice_answer_submit(user=writer, question_id=question.pk, answer=doubtful, now=now)
    axe.visit("answers to check", site + "/staff/reviews/")
    # the author's preview: the banks' list, an item of every kind, the key shown before answering (a
    # grid's too), a graded answer and a refused one
    settings.ADAPTEST_BANK_DIRS = [shipped_bank.root]
    axe.visit("item preview", site + reverse("preview_index"))
    previewed = {}
    for item in sorted(shipped_bank.items.values(), key=lambda item: item.id):
        previewed.setdefault(item.kind, item.id)
    for kind, item_id in previewed.items():
        axe.visit(f"preview ({kind})", site + reverse("preview_item", args=[0, item_id]))
    axe.visit(
        "preview with the key (matrix)",
        site + reverse("preview_item", args=[0, previewed["matrix"]]) + "?key=1",
    )
    page.goto(site + reverse("preview_item", args=[0, previewed["single_choice"]]))
    page.locator("input[name=choice]").first.check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Grading")).to_be_visible()
    axe.scan("preview, graded")
    page.goto(site + reverse("preview_item", args=[0, previewed["numeric"]]))
    page.fill("#answer-value", "not a number")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#answer-error")).to_be_visible()
    axe.scan("preview, refused answer")

    # the API's Swagger UI under the site's Content-Security-Policy: as it opens, then with an operation
    # read, one tried out and executed (the docs send no token: the error answer is drawn all the same), and
    # the Authorize dialog open
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(site + "/api/docs")
    page.locator(".opblock").first.wait_for()  # Swagger UI's scripts ran and drew the operations
    axe.scan("/api/docs")
    for operation in ("answer_save", "attempt_list"):
        block = page.locator(f"#operations-attempts-{operation}")
        block.locator(".opblock-summary-control").click()
        block.get_by_role("button", name="Try it out").click()
    page.locator("#operations-attempts-attempt_list").get_by_role("button", name="Execute").click()
    page.locator("#operations-attempts-attempt_list .live-responses-table").wait_for()
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux").wait_for()
    axe.scan("/api/docs, operations tried out, Authorize open")
    assert not refused, refused

    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.SUBMITTED
    assert not axe.findings, axe.report()

"""Data rights in a browser: download the data, then delete the account with the keyboard alone; axe and
reflow on the pages on the way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.web.test_accessibility import Scanner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "privacy"


def test_a_learner_downloads_their_data_then_deletes_the_account_by_keyboard(tab, live_server) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, axe = tab, Scanner(tab)
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("#id_username", "quillon")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.press("#id_password2", "Enter")
    page.goto(live_server.url + "/accounts/profile/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all my data").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [row["username"] for row in exported["auth.user"]] == ["quillon"]
    assert "password" not in exported["auth.user"][0]

    page.get_by_role("link", name="Delete my account").click()
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        axe.scan(f"delete page {width}")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, width
        page.screenshot(path=str(SCREENSHOTS / f"delete-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.fill("#delete-password", "not my password")
    page.press("#delete-password", "Enter")  # Enter in the field submits
    expect(page.get_by_role("alert")).to_be_visible()
    axe.scan("delete page with its error")
    assert User.objects.filter(username="quillon").exists()

    page.fill("#delete-password", PASSWORD)
    page.press("#delete-password", "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("deleted")
    axe.scan("account deleted")
    page.screenshot(path=str(SCREENSHOTS / "deleted-1280.png"), full_page=True)
    assert not User.objects.filter(username="quillon").exists()
    assert not axe.findings, "\n".join(axe.findings)


def test_the_certificate_pages_pass_axe_and_reflow(tab, live_server, ada, certification) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.credentials.models import Credential
    from tests.web.test_credentials import _finish

    _finish(ada, certification, correct=True)
    page, axe = tab, Scanner(tab)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", ada.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.goto(live_server.url + "/credentials/")
    credential = Credential.objects.get(user=ada)
    pages = {"certificates": "/credentials/", "verification": f"/credentials/verify/{credential.uuid}/"}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        for width in (1280, 390, 320):
            page.set_viewport_size({"width": width, "height": 800})
            axe.scan(f"{name} {width}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, width, overflow)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    expect(page.get_by_text("valid", exact=False).first).to_be_visible()
    assert not axe.findings, "\n".join(axe.findings)


def test_the_skills_report_page_passes_axe_and_reflow_and_issues_on_request(
    tab, live_server, ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.credentials.models import Credential
    from adaptest.web.itembank.models import Assessment
    from tests.web.test_adaptive import take

    attempt = take(ada, Assessment.objects.get(slug="dl-skills-assessment"), lambda item: item.key_answer())
    page, axe = tab, Scanner(tab)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", ada.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.goto(live_server.url + f"/attempts/{attempt.pk}/result/")
    page.get_by_role("link", name="skills report", exact=False).first.click()
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        axe.scan(f"skills report {width}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (width, overflow)
        page.screenshot(path=str(SCREENSHOTS / f"skills-report-{width}.png"), full_page=True)
    assert not Credential.objects.filter(user=ada).exists()  # looking issues nothing
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Get my skills report").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Credential.objects.filter(user=ada, kind="skills_report", attempt=attempt).count() == 1
    axe.scan("after asking")
    assert not axe.findings, "\n".join(axe.findings)

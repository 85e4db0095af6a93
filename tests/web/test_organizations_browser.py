"""Issue 14's browser acceptance for organisations: an admin and a candidate, each in their own browser.

cora signs in, creates Acme and a campaign on the adaptive Deep Learning Skills Assessment through the
pages, invites by e-mail (the message lands in the outbox) and by link (shown once). ada opens the link,
joins, declines to share (with the keyboard), starts with the keyboard, takes the whole assessment and
sees her result. Acme then sees nothing of her on the campaign page, in the CSV or in the API. ada shares:
cora sees the levels ada's stored report holds. ada stops sharing: cora sees nothing again. ada's sharing
history lists the three decisions with their times.

Every organisation page on the way is scanned with axe at 1280 and 390 px, checked for sideways scrolling
at 390 and 320 px, and screenshotted at 1280 and 390 px into test-artifacts/organizations/.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from adaptest.web.assessments.models import Attempt
from adaptest.web.organizations.models import Campaign, ConsentEvent, Invitation, Membership
from tests.conftest import PASSWORD
from tests.web.page_checks import PageChecks
from tests.web.test_api import Api
from tests.web.test_organizations_pages import item_phrases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "organizations"
NOBODY_SHARES = "No candidate shares results in this campaign yet."


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out")


def _press_by_keyboard(page: Any, button_name: str) -> None:
    """Reach the button with Tab alone, from the top of the page, and press Enter on it."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    for _ in range(80):
        focused = page.evaluate(
            "(() => { const e = document.activeElement; return e && e.tagName === 'BUTTON' ? "
            "e.textContent.trim() : null; })()"
        )
        if focused == button_name:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the button “{button_name}” on {page.url}")


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _dashboard(page: Any) -> str:
    return str(page.locator("section[aria-labelledby=dashboard]").inner_text())


def _csv(page: Any, base: str, campaign: Campaign) -> list[list[str]]:
    response = page.context.request.get(f"{base}/orgs/campaigns/{campaign.pk}/results.csv")
    assert response.status == 200
    return list(csv.reader(io.StringIO(response.text())))


def _api_candidates(cora_api: Api, campaign: Campaign) -> list[dict[str, Any]]:
    response = cora_api.get(f"/campaigns/{campaign.pk}/results")
    assert response.status_code == 200, response.content
    return list(response.json()["candidates"])


def _level_text(estimate: dict[str, Any]) -> str:
    """A level as the pages write it: ``Developing`` or ``Developing (borderline)``."""
    return str(estimate["level"]).capitalize() + (" (borderline)" if estimate["borderline"] else "")


def _table_rows(page: Any, table: str) -> list[dict[str, str]]:
    """Each body row of a table as header → the first line of its cell."""
    headers = [h.strip() for h in page.locator(f"{table} thead th").all_inner_texts()]
    rows = []
    for row in page.locator(f"{table} tbody tr").all():
        cells = [c.strip().split("\n")[0] for c in row.locator("th, td").all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def _hides_ada(page: Any, base: str, campaign: Campaign, cora_api: Api, report: dict[str, Any]) -> None:
    """Acme sees nothing of ada: not on the campaign page, not in the CSV, not in the API."""
    page.goto(f"{base}/orgs/campaigns/{campaign.pk}/")
    dashboard = _dashboard(page)
    assert NOBODY_SHARES in dashboard
    assert not re.search(r"\bada\b", dashboard)
    assert f"{report['overall']['score']} (" not in _main(page)  # her score with its band
    assert page.locator("table").count() == 0  # no table of levels or of counts per level
    rows = _csv(page, base, campaign)
    assert len(rows) == 1 and rows[0][0] == "candidate"
    assert _api_candidates(cora_api, campaign) == []
    user_id = Attempt.objects.get(user__username="ada").user_id
    hidden = page.context.request.get(f"{base}/orgs/campaigns/{campaign.pk}/candidates/{user_id}/")
    assert hidden.status == 404


def test_an_admin_sees_a_candidates_result_only_while_she_shares_it(  # type: ignore[no-untyped-def]
    tab, chromium, live_server, ada, cora
) -> None:
    base = live_server.url
    admin = tab
    ada_context = chromium.new_context(viewport={"width": 1280, "height": 800})
    candidate = ada_context.new_page()
    candidate.set_default_timeout(15_000)
    checks_cora, checks_ada = PageChecks(admin, SCREENSHOTS), PageChecks(candidate, SCREENSHOTS)
    try:
        # cora creates Acme and a campaign on the adaptive assessment
        _log_in(admin, base, "cora")
        admin.get_by_role("navigation", name="Account").get_by_role("link", name="Organisations").click()
        expect(admin.get_by_role("heading", name="Your organisations")).to_be_visible()
        assert "You belong to no organisation yet." in _main(admin)
        checks_cora.page_done("list-empty")
        admin.fill("#id_name", "Acme")
        admin.get_by_role("button", name="Create").click()
        expect(admin.get_by_text("Acme is created; you are its admin.")).to_be_visible()
        acme = Membership.objects.get(user=cora).organization
        assert admin.url == f"{base}/orgs/{acme.pk}/"
        checks_cora.page_done("organization-admin-new")

        admin.get_by_role("link", name="New campaign").click()
        checks_cora.page_done("campaign-new")
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        admin.fill("#id_title", "Spring screening")
        admin.select_option("#id_assessment", label="Deep Learning Skills Assessment")
        admin.fill("#id_opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        admin.fill("#id_closes_at", (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        admin.get_by_role("button", name="Create the campaign").click()
        expect(admin.get_by_text("The campaign must close after it opens.")).to_be_visible()
        checks_cora.page_done("campaign-new-errors")
        admin.fill("#id_closes_at", (now + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
        admin.get_by_role("button", name="Create the campaign").click()
        expect(admin.get_by_text("The campaign “Spring screening” is created.")).to_be_visible()
        campaign = Campaign.objects.get(organization=acme)
        assert campaign.assessment.slug == "dl-skills-assessment"
        assert campaign.opens_at == now - timedelta(hours=1)
        assert admin.url == f"{base}/orgs/campaigns/{campaign.pk}/"
        assert NOBODY_SHARES in _dashboard(admin)
        checks_cora.page_done("campaign-admin-nobody")

        # an e-mail invitation lands in the outbox with a working link
        admin.get_by_role("link", name="Acme").first.click()
        admin.fill("#id_email", "grace@example.org")
        admin.get_by_role("button", name="Invite").click()
        expect(admin.get_by_text("An invitation to join Acme was sent to grace@example.org.")).to_be_visible()
        assert [message.to for message in mail.outbox] == [["grace@example.org"]]
        assert mail.outbox[0].subject == "Join Acme on Adaptest"
        mailed = re.search(rf"{re.escape(base)}/orgs/join/\S+/", str(mail.outbox[0].body))
        assert mailed is not None, mail.outbox[0].body
        assert "grace@example.org" in admin.locator("main").inner_text()  # listed among open invitations

        # the link invitation is shown once
        admin.fill("#id_email", "")
        admin.get_by_role("button", name="Invite").click()
        expect(admin.get_by_role("heading", name="Invitation link")).to_be_visible()
        link = admin.input_value("#invitation-link")
        assert re.fullmatch(rf"{re.escape(base)}/orgs/join/[\w-]+/", link), link
        token = link.rstrip("/").rsplit("/", 1)[1]
        checks_cora.page_done("invitation-link")
        with admin.expect_navigation():
            admin.get_by_role("link", name="Back to Acme").click()
        assert token not in admin.content()
        checks_cora.page_done("organization-admin-invitations")

        # ada opens the e-mailed link (it works) and then joins through the link invitation
        _log_in(candidate, base, "ada")
        candidate.goto(mailed.group(0))
        expect(candidate.get_by_role("heading", name="Join Acme")).to_be_visible()
        candidate.goto(link)
        expect(candidate.get_by_role("heading", name="Join Acme")).to_be_visible()
        checks_ada.page_done("join")
        candidate.get_by_role("button", name="Join Acme").click()
        expect(candidate.get_by_text("You joined Acme.")).to_be_visible()
        assert Membership.objects.get(user=ada).organization == acme
        assert "You are a member of this organisation" in _main(candidate)
        assert "Invite people" not in _main(candidate)
        checks_ada.page_done("organization-member")
        candidate.get_by_role("link", name="Spring screening").click()
        main = _main(candidate)
        assert "Before you start, decide whether Acme may see your results in this campaign." in main
        assert "Your answers themselves are never shared." in main
        assert candidate.get_by_role("button", name="Start the assessment").count() == 0
        checks_ada.page_done("campaign-member-undecided")

        # she declines and starts with the keyboard alone
        _press_by_keyboard(candidate, "Don't share: take it for myself")
        expect(candidate.get_by_text("Acme cannot see your results in this campaign.").first).to_be_visible()
        checks_ada.page_done("campaign-member-declined")
        _press_by_keyboard(candidate, "Start the assessment")
        for position in range(1, 41):
            expect(candidate.get_by_role("heading", name=f"Question {position} of about 20")).to_be_visible()
            if position == 1:
                assert "This campaign records integrity signals" in _main(candidate)
                checks_ada.page_done("campaign-question")
            candidate.get_by_role("button", name="I don't know yet").click()
            candidate.wait_for_url(lambda url, p=position: not url.endswith(f"/questions/{p}/"))
            if "/questions/" not in candidate.url:
                break
        expect(candidate.get_by_role("heading", name="Your result")).to_be_visible()
        attempt = Attempt.objects.get(user=ada)
        assert not attempt.is_open and not attempt.self_initiated
        report = attempt.report
        assert report is not None
        assert report["overall"]["level"].capitalize() in _main(candidate)

        # Acme sees nothing of her
        cora_api = Api(cora)
        _hides_ada(admin, base, campaign, cora_api, report)

        # she shares: cora sees her overall and domain levels, as her stored report holds them
        candidate.goto(f"{base}/orgs/campaigns/{campaign.pk}/")
        _press_by_keyboard(candidate, "Share my results")
        expect(candidate.get_by_text("Acme can now see your results in this campaign.")).to_be_visible()
        assert "You share your results in this campaign with Acme." in _main(candidate)
        checks_ada.page_done("campaign-member-sharing")

        admin.goto(f"{base}/orgs/campaigns/{campaign.pk}/")
        assert "1 candidate shares their results." in _dashboard(admin)
        expected = {"Candidate": "ada", "Overall": _level_text(report["overall"])}
        expected |= {domain["title"]: _level_text(domain) for domain in report["domains"]}
        shown = _table_rows(admin, "table:has(caption:text-matches('^Candidates'))")
        assert shown == [expected]
        checks_cora.page_done("campaign-admin-shared")
        rows = _csv(admin, base, campaign)
        assert len(rows) == 2
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["candidate"] == "ada" and row["overall level"] == _level_text(report["overall"]).lower()
        assert row["overall score"] == str(report["overall"]["score"])
        for domain in report["domains"]:
            assert row[f"{domain['title']} level"] == _level_text(domain).lower()
        assert [c["name"] for c in _api_candidates(cora_api, campaign)] == ["ada"]

        admin.get_by_role("link", name="ada", exact=True).click()
        expect(admin.get_by_role("heading", name="ada", exact=True)).to_be_visible()
        levels = _table_rows(admin, "table:has(caption:text('Levels, with scores'))")
        assert {r["Domain"]: r["Level"] for r in levels} == {
            "Overall": _level_text(report["overall"]),
            **{domain["title"]: _level_text(domain) for domain in report["domains"]},
        }
        page_text = _main(admin)
        assert "signals, not verdicts" in page_text
        for slot in attempt.slots.select_related("item_version"):
            for phrase in item_phrases(slot.item_version.parsed):
                assert phrase not in page_text, phrase
        checks_cora.page_done("candidate")

        # she stops sharing: Acme sees nothing again
        candidate.goto(f"{base}/orgs/campaigns/{campaign.pk}/")
        _press_by_keyboard(candidate, "Stop sharing")
        expect(candidate.get_by_text("Acme cannot see your results in this campaign.").first).to_be_visible()
        _hides_ada(admin, base, campaign, cora_api, report)
        checks_cora.page_done("campaign-admin-revoked")

        # her sharing history: declined, given, revoked, newest first, with their times
        candidate.get_by_role("link", name="Your sharing history").click()
        events = list(ConsentEvent.objects.filter(user=ada).order_by("-at", "-pk"))
        assert [e.action for e in events] == ["revoked", "given", "declined"]
        history = _table_rows(candidate, "table")
        assert [(r["When (UTC)"], r["Decision"], r["Campaign"], r["Organisation"]) for r in history] == [
            (f"{e.at:%-d %b %Y %H:%M:%S}", label, "Spring screening", "Acme")
            for e, label in zip(events, ["Consent revoked", "Consent given", "Declined"], strict=True)
        ]
        checks_ada.page_done("consents")

        # the rest of the organisation pages: role profiles, leaving, a withdrawn link, the list
        admin.goto(f"{base}/orgs/{acme.pk}/roles/new/")
        checks_cora.page_done("role-profile-new")
        admin.fill("#id_title", "Data engineer")
        admin.get_by_role("button", name="Save the role").click()
        expect(admin.get_by_text("Require a level in at least one domain.")).to_be_visible()
        checks_cora.page_done("role-profile-new-errors")
        admin.goto(f"{base}/orgs/{acme.pk}/")
        admin.get_by_role("button", name="Withdraw the invitation link").click()
        expect(admin.get_by_text("The invitation is withdrawn; its link no longer works.")).to_be_visible()
        assert Invitation.objects.get(email="").revoked_at is not None
        candidate.goto(link)
        expect(candidate.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
        checks_ada.page_done("join-withdrawn")
        candidate.goto(f"{base}/orgs/")
        checks_ada.page_done("list-member")
        candidate.goto(f"{base}/orgs/{acme.pk}/leave/")
        checks_ada.page_done("leave")
    finally:
        ada_context.close()
    problems = checks_cora.problems + checks_ada.problems
    assert not problems, "\n".join(problems)
    findings = checks_cora.axe.findings + checks_ada.axe.findings
    assert not findings, checks_cora.axe.report() + "\n" + checks_ada.axe.report()


def test_every_organisation_form_submits_with_enter_in_its_field(
    tab, live_server, cora, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    base, page = live_server.url, tab
    _log_in(page, base, "cora")
    page.goto(f"{base}/orgs/")
    page.fill("#id_name", "Initech")
    with page.expect_navigation():
        page.press("#id_name", "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Initech")
    organization = Membership.objects.get(user=cora).organization

    page.fill("#id_email", "milton@example.org")
    with page.expect_navigation():
        page.press("#id_email", "Enter")
    assert Invitation.objects.filter(organization=organization, email="milton@example.org").exists()

    page.goto(f"{base}/orgs/{organization.pk}/roles/new/")
    page.fill("#id_title", "Vision engineer")
    page.select_option("#id_level_cnn", "developing")
    with page.expect_navigation():
        page.press("#id_title", "Enter")
    assert organization.role_profiles.get().levels == {"cnn": "developing"}

    page.goto(f"{base}/orgs/{organization.pk}/campaigns/new/")
    page.fill("#id_title", "Autumn intake")
    page.fill("#id_opens_at", "2026-01-01T09:00")
    page.fill("#id_closes_at", "2099-01-01T09:00")
    with page.expect_navigation():
        page.press("#id_title", "Enter")
    campaign = Campaign.objects.get(organization=organization)
    assert campaign.title == "Autumn intake"

    page.fill("#id_extra_time_percent", "50")
    with page.expect_navigation():
        page.press("#id_extra_time_percent", "Enter")
    expect(page.locator(".messages")).to_contain_text("50 % extra time")
    assert campaign.candidates.get(user=cora).extra_time_percent == 50
    page.screenshot(path=str(SCREENSHOTS / "campaign-after-enter-1280.png"), full_page=True)

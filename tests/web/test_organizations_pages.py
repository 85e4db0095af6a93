"""Who may open which organisation page, and what an admin sees of whom.

The world (tests/web/orgs.py): cora admins Acme; ada shares her result in Acme's campaign, nell declined;
both took it. otto admins Globex; dan belongs to neither. Every route of organizations/urls.py is asked,
GET and its POST actions, by each of them: a page a person may not see is a 404, exactly like one that
does not exist, and a POST that is refused changes no row.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from adaptest.bank import GradableItem
from adaptest.web.itembank.models import Assessment
from adaptest.web.organizations.models import (
    Campaign,
    CampaignAttempt,
    Candidate,
    ConsentEvent,
    Invitation,
    Membership,
    Organization,
    RoleProfile,
)
from adaptest.web.organizations.services import invitation_create
from tests.web import orgs
from tests.web.orgs import OrgWorld

pytestmark = pytest.mark.django_db
org_world = orgs.org_world  # the fixture

PROSE = re.compile(r"[A-Za-z][A-Za-z ,;'’()-]{28,}[A-Za-z]")


def stem_phrases(text: str) -> list[str]:
    """Runs of plain prose in an item's text (30 characters or more, at least five words, outside code,
    maths and markup) as a page would show them: a page holding the text would hold each of them."""
    return [m.group(0) for m in PROSE.finditer(text) if m.group(0).count(" ") >= 4]


def item_phrases(item: GradableItem) -> list[str]:
    """The prose of a question: its stem, explanation and, for a choice, its options and their feedback."""
    texts = [item.stem, item.explanation]
    for option in getattr(item, "options", []):
        texts += [option.text, option.feedback]
    return [phrase for text in texts for phrase in stem_phrases(text)]


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response: Any) -> str:
    """The page's <main>, without tags: what a person reads."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _words(text: str, word: str) -> bool:
    return re.search(rf"\b{word}\b", text) is not None


def _section(response: Any, heading_id: str) -> str:
    html = response.content.decode()
    start = html.index(f'<section aria-labelledby="{heading_id}">')
    return re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)])


def _csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- the routes --------------------------------------------------------------------------------------------


def _pages(world: OrgWorld, organization: Organization, campaign: Campaign, admin: User) -> dict[str, Any]:
    """Every page of one organisation as (method, url, data): the members' and the admins'."""
    invitation = Invitation.objects.filter(organization=organization).first()
    if invitation is None:
        invitation = invitation_create(
            admin=admin, organization=organization, email="x@example.org", now=world.now
        ).invitation
    other = Membership.objects.filter(organization=organization).exclude(user=admin).first()
    target = other or Membership.objects.get(organization=organization, user=admin)
    org, camp = organization.pk, campaign.pk
    some_candidate = world.ada if organization == world.acme else admin
    member = {
        "organization": ("get", reverse("organization", args=[org]), None),
        "leave (page)": ("get", reverse("organization_leave", args=[org]), None),
        "campaign": ("get", reverse("campaign", args=[camp]), None),
    }
    admin_pages = {
        "role profile (page)": ("get", reverse("role_profile_new", args=[org]), None),
        "new campaign (page)": ("get", reverse("campaign_new", args=[org]), None),
        "CSV": ("get", reverse("campaign_csv", args=[camp]), None),
        "candidate": ("get", reverse("campaign_candidate", args=[camp, some_candidate.pk]), None),
        "invite": ("post", reverse("invitation_new", args=[org]), {"email": ""}),
        "invite by e-mail": ("post", reverse("invitation_new", args=[org]), {"email": "eve@example.org"}),
        "withdraw an invitation": (
            "post",
            reverse("invitation_revoke", args=[org, invitation.pk]),
            {},
        ),
        "promote": ("post", reverse("member_manage", args=[org, target.pk]), {"action": "promote"}),
        "remove": ("post", reverse("member_manage", args=[org, target.pk]), {"action": "remove"}),
        "new role profile": (
            "post",
            reverse("role_profile_new", args=[org]),
            {"title": "Builder", "level_foundations": "developing"},
        ),
        "new campaign": (
            "post",
            reverse("campaign_new", args=[org]),
            {
                "title": "Another",
                "assessment": Assessment.objects.get(slug="dl-skills-assessment").pk,
                "opens_at": f"{world.now:%Y-%m-%dT%H:%M}",
                "closes_at": f"{world.now + timedelta(days=3):%Y-%m-%dT%H:%M}",
                "attempts_allowed": 1,
            },
        ),
        "extra time": (
            "post",
            reverse("campaign_accommodation", args=[camp]),
            {"user": target.user_id, "extra_time_percent": 50},
        ),
    }
    member_posts = {
        "consent": ("post", reverse("campaign_consent", args=[camp]), {"share": "yes"}),
        "start": ("post", reverse("campaign_start", args=[camp]), {}),
        "leave": ("post", reverse("organization_leave", args=[org]), {}),
    }
    return {"member": member, "admin": admin_pages, "member posts": member_posts}


def _ask(client: Client, method: str, url: str, data: Any) -> Any:
    return client.get(url) if method == "get" else client.post(url, data)


def _rows() -> dict[str, list[Any]]:
    """Every organisation row that a refused request must leave as it was."""
    return {
        "organizations": list(Organization.objects.values_list("pk", "name").order_by("pk")),
        "memberships": list(Membership.objects.values_list("pk", "user_id", "role").order_by("pk")),
        "invitations": list(Invitation.objects.values_list("pk", "revoked_at", "uses").order_by("pk")),
        "role profiles": list(RoleProfile.objects.values_list("pk", "title").order_by("pk")),
        "campaigns": list(Campaign.objects.values_list("pk", "title").order_by("pk")),
        "candidates": list(
            Candidate.objects.values_list("pk", "user_id", "consent", "extra_time_percent").order_by("pk")
        ),
        "consent events": list(ConsentEvent.objects.values_list("pk", flat=True).order_by("pk")),
        "campaign attempts": list(CampaignAttempt.objects.values_list("pk", flat=True).order_by("pk")),
    }


def _statuses(client: Client, pages: dict[str, Any]) -> dict[str, int]:
    return {name: _ask(client, *page).status_code for name, page in pages.items()}


# --- the matrix --------------------------------------------------------------------------------------------


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in_from_every_organisation_page(
    org_world: OrgWorld,
) -> None:
    world = org_world
    pages = _pages(world, world.acme, world.campaign, world.cora)
    every = pages["member"] | pages["admin"] | pages["member posts"]
    every |= {
        "list": ("get", reverse("organization_list"), None),
        "create": ("post", reverse("organization_list"), {"name": "Sneaky"}),
        "join": ("get", reverse("organization_join", args=["any-token"]), None),
        "sharing history": ("get", reverse("consent_log"), None),
        "signal": (
            "post",
            reverse("integrity_signal", args=[world.ada_attempt.pk]),
            {"kind": "paste", "position": 1},
        ),
    }
    before = _rows()
    anonymous = Client()
    for name, (method, url, data) in every.items():
        response = _ask(anonymous, method, url, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{reverse('login')}?next="), name
    assert _rows() == before


def test_an_admin_opens_every_page_of_her_organisation(org_world: OrgWorld) -> None:
    world = org_world
    pages = _pages(world, world.acme, world.campaign, world.cora)
    gets = {name: page for group in pages.values() for name, page in group.items() if page[0] == "get"}
    assert set(_statuses(_client(world.cora), gets).values()) == {200}


@pytest.mark.parametrize("who", ["otto", "dan"])
def test_an_admin_of_another_organisation_and_an_outsider_get_404_everywhere_in_acme(
    org_world: OrgWorld, who: str
) -> None:
    world = org_world
    pages = _pages(world, world.acme, world.campaign, world.cora)
    every = pages["member"] | pages["admin"] | pages["member posts"]
    before = _rows()
    statuses = _statuses(_client(getattr(world, who)), every)
    assert statuses == dict.fromkeys(every, 404)
    assert _rows() == before


def test_acmes_admin_gets_404_everywhere_in_globex(org_world: OrgWorld) -> None:
    world = org_world
    # a member of Globex for promote and remove to aim at
    Membership.objects.create(organization=world.globex, user=world.dan, joined_at=world.now)
    pages = _pages(world, world.globex, world.other_campaign, world.otto)
    every = pages["member"] | pages["admin"] | pages["member posts"]
    before = _rows()
    assert _statuses(_client(world.cora), every) == dict.fromkeys(every, 404)
    assert _rows() == before


@pytest.mark.parametrize("who", ["ada", "nell"])
def test_a_member_opens_the_member_pages_and_gets_404_on_every_admin_page_changing_nothing(
    org_world: OrgWorld, who: str
) -> None:
    world = org_world
    pages = _pages(world, world.acme, world.campaign, world.cora)
    client = _client(getattr(world, who))
    assert _statuses(client, pages["member"]) == dict.fromkeys(pages["member"], 200)
    before = _rows()
    assert _statuses(client, pages["admin"]) == dict.fromkeys(pages["admin"], 404)
    assert _rows() == before


def test_a_member_cannot_aim_an_admin_action_at_another_member(org_world: OrgWorld) -> None:
    """nell tries to promote herself, remove ada and give herself extra time: nothing changes."""
    world = org_world
    acme = world.acme.pk
    nell = Membership.objects.get(organization=world.acme, user=world.nell)
    ada = Membership.objects.get(organization=world.acme, user=world.ada)
    client = _client(world.nell)
    before = _rows()
    attempts = [
        (reverse("member_manage", args=[acme, nell.pk]), {"action": "promote"}),
        (reverse("member_manage", args=[acme, ada.pk]), {"action": "remove"}),
        (
            reverse("campaign_accommodation", args=[world.campaign.pk]),
            {"user": world.nell.pk, "extra_time_percent": 400},
        ),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 404
    assert _rows() == before


def test_the_member_pages_work_for_members_across_the_flow(org_world: OrgWorld) -> None:
    """The list, a join link and the sharing history answer every logged-in person (they show only
    what is theirs); joining through a link works for an outsider."""
    world = org_world
    token = invitation_create(admin=world.cora, organization=world.acme, email="", now=world.now).token
    for user in (world.cora, world.ada, world.nell, world.otto, world.dan):
        client = _client(user)
        assert client.get(reverse("organization_list")).status_code == 200
        assert client.get(reverse("consent_log")).status_code == 200
        assert client.get(reverse("organization_join", args=[token])).status_code == 200
    dan = _client(world.dan)
    assert "Acme" not in _main(dan.get(reverse("organization_list")))
    assert "Acme" not in _main(dan.get(reverse("consent_log")))
    assert dan.post(reverse("organization_join", args=[token])).status_code == 302
    assert Membership.objects.filter(organization=world.acme, user=world.dan).exists()


# --- what an admin sees ------------------------------------------------------------------------------------


def test_the_admins_campaign_page_and_csv_show_ada_who_shares_and_never_nell(org_world: OrgWorld) -> None:
    world = org_world
    cora = _client(world.cora)
    page = cora.get(reverse("campaign", args=[world.campaign.pk]))
    shared = _section(page, "dashboard")
    assert _words(shared, "ada") and not _words(shared, "nell")
    assert "1 candidate shares their results." in shared
    # nell is named on the page only as a member the extra-time form can choose
    html = page.content.decode()
    extra_time = html.index('<section aria-labelledby="extra-time">')
    assert not _words(html[:extra_time], "nell")
    assert _words(_section(page, "extra-time"), "nell")
    rows = _csv_rows(cora.get(reverse("campaign_csv", args=[world.campaign.pk])))
    assert [row[0] for row in rows[1:]] == ["ada"]
    assert not any(_words(cell, "nell") for row in rows for cell in row)


def test_the_admin_gets_404_for_nells_candidate_page_and_for_anyone_who_does_not_share(
    org_world: OrgWorld,
) -> None:
    world = org_world
    cora = _client(world.cora)
    for user in (world.nell, world.dan, world.otto, world.cora):
        url = reverse("campaign_candidate", args=[world.campaign.pk, user.pk])
        assert cora.get(url).status_code == 404, user.username
    assert cora.get(reverse("campaign_candidate", args=[world.campaign.pk, world.ada.pk])).status_code == 200


def test_the_admin_never_opens_adas_own_result_or_review_pages(org_world: OrgWorld) -> None:
    world = org_world
    cora = _client(world.cora)
    attempt = world.ada_attempt
    assert cora.get(reverse("result", args=[attempt.pk])).status_code == 404
    for slot in attempt.slots.all():
        assert cora.get(reverse("review", args=[attempt.pk, slot.position])).status_code == 404
    assert _client(world.ada).get(reverse("result", args=[attempt.pk])).status_code == 200


def test_the_candidate_page_shows_adas_levels_and_never_her_questions_or_answers(org_world: OrgWorld) -> None:
    world = org_world
    page = _client(world.cora).get(reverse("campaign_candidate", args=[world.campaign.pk, world.ada.pk]))
    text = _main(page)
    report = world.ada_attempt.report
    assert report is not None
    assert f"Overall {report['overall']['level'].capitalize()}" in text
    for domain in report["domains"]:
        assert f"{domain['title']} {domain['level'].capitalize()}" in text
    phrases = [
        phrase
        for slot in world.ada_attempt.slots.select_related("item_version")
        for phrase in item_phrases(slot.item_version.parsed)
    ]
    assert len(phrases) >= 20  # the check below has something to look for
    leaked = [phrase for phrase in phrases if phrase in text]
    assert not leaked


def test_after_ada_stops_sharing_the_admin_sees_nothing_of_her_anywhere(org_world: OrgWorld) -> None:
    world = org_world
    ada = _client(world.ada)
    assert ada.post(reverse("campaign_consent", args=[world.campaign.pk]), {"share": "no"}).status_code == 302
    assert Candidate.objects.get(campaign=world.campaign, user=world.ada).consent == "revoked"
    cora = _client(world.cora)
    page = cora.get(reverse("campaign", args=[world.campaign.pk]))
    shared = _section(page, "dashboard")
    assert "No candidate shares results in this campaign yet." in shared
    assert not _words(shared, "ada")
    report = world.ada_attempt.report
    assert report is not None
    assert f"{report['overall']['score']} (" not in _main(page)
    assert _csv_rows(cora.get(reverse("campaign_csv", args=[world.campaign.pk])))[1:] == []
    candidate = reverse("campaign_candidate", args=[world.campaign.pk, world.ada.pk])
    assert cora.get(candidate).status_code == 404

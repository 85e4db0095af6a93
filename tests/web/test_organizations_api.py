"""The organisations API: an admin sees only what consenting candidates share, and nothing of anyone else.

The world (tests/web/orgs.py): cora admins Acme; ada shares her result, nell declined; both took Acme's
campaign. otto admins Globex; dan belongs to neither.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from adaptest.web.organizations.models import ConsentEvent
from tests.web import orgs
from tests.web.orgs import OrgWorld
from tests.web.test_api import Api

pytestmark = pytest.mark.django_db
org_world = orgs.org_world  # the fixture


class Member(Api):
    def put(self, path: str, body: Any) -> Any:
        return self.client.put(f"/api{path}", body, content_type="application/json", headers=self._headers())


def _paths(world: OrgWorld) -> list[str]:
    """Every GET of the organisations API that names Acme or its campaign."""
    return [
        f"/organizations/{world.acme.pk}/campaigns",
        f"/campaigns/{world.campaign.pk}/results",
        f"/campaigns/{world.campaign.pk}/consent",
    ]


def mentions(body: Any, username: str) -> bool:
    """Whether a username appears in a JSON body as a word (``ada`` is not in ``adaptive``)."""
    return re.search(rf"\b{username}\b", json.dumps(body)) is not None


def _results(world: OrgWorld) -> Any:
    response = Member(world.cora).get(f"/campaigns/{world.campaign.pk}/results")
    assert response.status_code == 200, response.content
    return response.json()


# --- the admin's view of results ---------------------------------------------------------------------------


def test_an_admin_sees_the_consenting_candidate_and_never_the_one_who_declined(org_world: OrgWorld) -> None:
    results = _results(org_world)
    assert [c["name"] for c in results["candidates"]] == ["ada"]
    assert len(results["candidates"]) == 1
    assert "nell" not in json.dumps(results)
    assert results["organization_name"] == "Acme" and results["campaign_title"] == "Acme screening"
    # the distribution counts ada alone
    overall = next(row for row in results["levels"] if row["title"] == "Overall")
    assert sum(overall["counts"].values()) == 1


def test_the_shared_result_has_levels_with_bands_skills_and_roles_but_no_answers(org_world: OrgWorld) -> None:
    ada = _results(org_world)["candidates"][0]
    report = org_world.ada_attempt.report
    assert report is not None
    assert ada["overall"]["level"] == report["overall"]["level"]
    assert ada["overall"]["score"] == report["overall"]["score"]
    low, high = ada["overall"]["band"]
    assert low <= ada["overall"]["score"] <= high
    assert {d["id"]: d["level"] for d in ada["domains"]} == {d["id"]: d["level"] for d in report["domains"]}
    assert ada["skills"] and all(s["missed"] == 0 for s in ada["skills"])  # she gave the key every time
    assert ada["roles"] and {r["verdict"] for r in ada["roles"]} <= {
        "ready",
        "close",
        "not yet",
        "not measured",
    }
    text = json.dumps(ada)
    for slot in org_world.ada_attempt.slots.select_related("item_version"):
        item = slot.item_version.parsed
        assert item.stem not in text
    for hidden in ("review", "answer_text", "feedback", "stem", "theta", "probabilities"):
        assert hidden not in text


def test_a_revocation_through_the_api_removes_the_candidate_from_the_next_read(org_world: OrgWorld) -> None:
    ada = Member(org_world.ada)
    response = ada.put(f"/campaigns/{org_world.campaign.pk}/consent", {"share": False})
    assert response.status_code == 200
    assert response.json()["consent"] == "revoked" and response.json()["shares"] is False
    results = _results(org_world)
    assert results["candidates"] == []
    assert not mentions(results, "ada") and "nell" not in json.dumps(results)
    assert all(sum(row["counts"].values()) == 0 for row in results["levels"])
    assert results["weakest_skills"] == [] and results["verdicts"] == []


def test_the_consent_log_lists_the_gift_then_the_revocation_with_their_times(org_world: OrgWorld) -> None:
    ada = Member(org_world.ada)
    ada.put(f"/campaigns/{org_world.campaign.pk}/consent", {"share": False})
    log = ada.get("/me/consents").json()
    assert [e["action"] for e in log] == ["revoked", "given"]  # newest first
    given, revoked = (ConsentEvent.objects.get(user=org_world.ada, action=a) for a in ("given", "revoked"))
    times = [datetime.fromisoformat(e["at"]) for e in log]  # JSON keeps milliseconds
    for sent, stored in zip(times, (revoked.at, given.at), strict=True):
        assert abs(sent - stored) < timedelta(milliseconds=1)
    assert times[0] > times[1] and abs(times[1] - org_world.now) < timedelta(milliseconds=1)
    assert all(e["organization_name"] == "Acme" and e["campaign_title"] == "Acme screening" for e in log)
    assert Member(org_world.nell).get("/me/consents").json()[0]["action"] == "declined"
    assert Member(org_world.dan).get("/me/consents").json() == []


def test_deciding_the_same_again_logs_nothing(org_world: OrgWorld) -> None:
    ada = Member(org_world.ada)
    assert (
        ada.put(f"/campaigns/{org_world.campaign.pk}/consent", {"share": True}).json()["consent"] == "given"
    )
    assert len(ada.get("/me/consents").json()) == 1


def test_a_member_reads_their_own_consent_and_campaigns_without_anyone_elses(org_world: OrgWorld) -> None:
    nell = Member(org_world.nell)
    consent = nell.get(f"/campaigns/{org_world.campaign.pk}/consent").json()
    assert consent == {
        "campaign": org_world.campaign.pk,
        "campaign_title": "Acme screening",
        "organization": "Acme",
        "consent": "declined",
        "shares": False,
    }
    [campaign] = nell.get(f"/organizations/{org_world.acme.pk}/campaigns").json()
    assert campaign["consent"] == "declined" and campaign["open"] is True
    assert campaign["attempts"] == [org_world.nell_attempt.pk] and campaign["attempts_left"] == 1
    # the admin's own list says nothing of ada's or nell's
    [seen_by_cora] = Member(org_world.cora).get(f"/organizations/{org_world.acme.pk}/campaigns").json()
    assert seen_by_cora["consent"] == "undecided" and seen_by_cora["attempts"] == []
    assert not mentions(seen_by_cora, "ada") and "nell" not in json.dumps(seen_by_cora)


def test_each_person_lists_only_their_own_memberships(org_world: OrgWorld) -> None:
    acme, globex = org_world.acme.pk, org_world.globex.pk
    assert Member(org_world.cora).get("/organizations").json() == [
        {"id": acme, "name": "Acme", "role": "admin"}
    ]
    assert Member(org_world.ada).get("/organizations").json() == [
        {"id": acme, "name": "Acme", "role": "member"}
    ]
    assert Member(org_world.otto).get("/organizations").json() == [
        {"id": globex, "name": "Globex", "role": "admin"}
    ]
    assert Member(org_world.dan).get("/organizations").json() == []


# --- what others get: 404, exactly as for what does not exist ----------------------------------------------


def test_another_organisations_admin_gets_not_found_for_acme(org_world: OrgWorld) -> None:
    otto = Member(org_world.otto)
    for path in _paths(org_world):
        response = otto.get(path)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, path
    assert otto.put(f"/campaigns/{org_world.campaign.pk}/consent", {"share": True}).status_code == 404
    assert otto.get(f"/campaigns/{org_world.other_campaign.pk}/results").json()["candidates"] == []


def test_a_member_who_is_not_an_admin_gets_not_found_for_results(org_world: OrgWorld) -> None:
    response = Member(org_world.ada).get(f"/campaigns/{org_world.campaign.pk}/results")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_an_outsider_gets_not_found_everywhere_and_changes_nothing(org_world: OrgWorld) -> None:
    dan = Member(org_world.dan)
    for path in _paths(org_world):
        response = dan.get(path)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, path
    for share in (True, False):
        assert dan.put(f"/campaigns/{org_world.campaign.pk}/consent", {"share": share}).status_code == 404
    missing = dan.get("/campaigns/2147483647/results")  # one that does not exist: the same answer
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    assert not ConsentEvent.objects.filter(user=org_world.dan).exists()


def test_requests_without_a_token_are_unauthorised(org_world: OrgWorld) -> None:
    client = Client()
    for path in ("/organizations", "/me/consents", *_paths(org_world)):
        assert client.get(f"/api{path}").status_code == 401, path
    body = {"share": False}
    put = client.put(f"/api/campaigns/{org_world.campaign.pk}/consent", body, content_type="application/json")
    assert put.status_code == 401
    assert _results(org_world)["candidates"][0]["name"] == "ada"  # nothing was revoked


def test_an_unknown_query_parameter_is_refused(org_world: OrgWorld) -> None:
    response = Member(org_world.cora).get(f"/campaigns/{org_world.campaign.pk}/results", user="nell")
    assert response.status_code == 422 and "user" in response.json()["detail"]

"""Integrity signals: what a campaign attempt's question page reports (focus losses, pastes), where it
is counted, where it is not (and that the answer never tells which), and what the candidate is told.

Acme (cora) runs a campaign on the adaptive assessment; ada is a member who agreed to share and has a
campaign attempt open; dan, an outsider, has a personal attempt of his own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from adaptest.web.assessments import services as assessments
from adaptest.web.assessments.models import Attempt
from adaptest.web.itembank.models import Assessment
from adaptest.web.organizations import selectors, services, signals
from adaptest.web.organizations.models import Campaign, IntegritySignal
from adaptest.web.organizations.selectors import QuestionSignals
from tests.conftest import PASSWORD
from tests.web.orgs import join, open_campaign

NOTICE = (
    "This campaign records integrity signals: leaving this page and pasting into answers are counted "
    "(never what you paste)."
)
SCRIPT = "organizations/integrity.js"


@dataclass
class World:
    now: datetime
    campaign: Campaign
    ada: User
    dan: User
    attempt: Attempt
    """ada's open campaign attempt"""
    personal: Attempt
    """dan's own attempt at the same assessment"""


def _world(cora: User, ada: User, dan: User, slug: str) -> World:
    now = timezone.now()
    assessment = Assessment.objects.get(slug=slug)
    acme = services.organization_create(user=cora, name="Acme", now=now)
    campaign = open_campaign(cora, acme, assessment, now)
    join(ada, acme, cora, now)
    services.consent_decide(user=ada, campaign=campaign, share=True, now=now)
    attempt = services.campaign_attempt_start(user=ada, campaign=campaign, now=now).attempt
    personal = assessments.attempt_start(user=dan, assessment=assessment, now=now)
    return World(now, campaign, ada, dan, attempt, personal)


@pytest.fixture
def world(shipped_bank, cora, ada, dan) -> World:  # type: ignore[no-untyped-def]
    return _world(cora, ada, dan, "dl-skills-assessment")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _signal(client: Client, attempt: Attempt, kind: str = "focus_lost", position: int | str = 1) -> Any:
    url = reverse("integrity_signal", args=[attempt.pk])
    return client.post(url, {"kind": kind, "position": str(position)})


def _counts(attempt: Attempt) -> dict[int, tuple[int, int]]:
    """Position → (focus losses, pastes), as the organisation's page reads them."""
    return {s.position: (s.focus_losses, s.pastes) for s in selectors.attempt_signals(attempt=attempt)}


def _nothing_recorded(attempt: Attempt) -> bool:
    return not IntegritySignal.objects.filter(attempt=attempt).exists()


def _answer(attempt: Attempt, position: int, at: datetime) -> None:
    slot = attempt.slots.select_related("item_version").get(position=position)
    assessments.response_save(
        attempt=attempt, position=position, answer=slot.item_version.parsed.key_answer(), now=at
    )
    attempt.refresh_from_db()


# --- what is counted ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_focus_losses_and_pastes_at_a_reached_question_are_counted_and_read_back_with_the_time_spent(
    world: World,
) -> None:
    ada = _client(world.ada)
    replies = [_signal(ada, world.attempt, "focus_lost"), _signal(ada, world.attempt, "focus_lost")]
    replies.append(_signal(ada, world.attempt, "paste"))
    assert [(r.status_code, r.content) for r in replies] == [(204, b"")] * 3
    _answer(world.attempt, 1, world.now + timedelta(seconds=40))  # the adaptive test gives question 2
    _signal(ada, world.attempt, "paste", position=2)
    _answer(world.attempt, 2, world.now + timedelta(seconds=100))

    assert selectors.attempt_signals(attempt=world.attempt) == [
        QuestionSignals(position=1, seconds=40, focus_losses=2, pastes=1),
        QuestionSignals(position=2, seconds=60, focus_losses=0, pastes=1),
        QuestionSignals(position=3, seconds=None, focus_losses=0, pastes=0),  # not answered yet
    ]


@pytest.mark.django_db
def test_each_count_stops_at_the_cap_and_the_other_kind_still_counts(world: World) -> None:
    IntegritySignal.objects.create(attempt=world.attempt, position=1, focus_losses=services.SIGNAL_CAP - 1)
    ada = _client(world.ada)
    replies = [_signal(ada, world.attempt, "focus_lost") for _ in range(3)]
    _signal(ada, world.attempt, "paste")
    assert {r.status_code for r in replies} == {204}  # at the cap, the answer is the same
    assert _counts(world.attempt)[1] == (services.SIGNAL_CAP, 1)


# --- what is not counted, and answered the same -------------------------------------------------------------


@pytest.mark.django_db
def test_a_personal_attempt_records_nothing(world: World) -> None:
    reply = _signal(_client(world.dan), world.personal, "paste")
    assert reply.status_code == 204
    assert _nothing_recorded(world.personal)


@pytest.mark.django_db
def test_someone_elses_attempt_or_none_at_all_gets_the_same_empty_204_and_nothing_is_counted(
    world: World,
) -> None:
    own = _signal(_client(world.ada), world.attempt)
    IntegritySignal.objects.all().delete()
    dan = _client(world.dan)
    others = _signal(dan, world.attempt)
    missing = _signal(dan, Attempt(pk=world.attempt.pk + 1000))
    replies = [(r.status_code, r.content, r.get("Content-Type")) for r in (own, others, missing)]
    assert replies[1] == replies[0] and replies[2] == replies[0]
    assert _nothing_recorded(world.attempt)


@pytest.mark.django_db
def test_a_finished_attempt_records_nothing(world: World) -> None:
    assessments.attempt_submit(attempt=world.attempt, now=timezone.now())
    assert _signal(_client(world.ada), world.attempt).status_code == 204
    assert _nothing_recorded(world.attempt)


@pytest.mark.django_db
def test_nothing_is_recorded_once_the_time_is_up_even_before_the_attempt_is_closed(world: World) -> None:
    ada = _client(world.ada)
    with time_machine.travel(world.attempt.deadline + timedelta(seconds=1), tick=False):
        assert _signal(ada, world.attempt).status_code == 204
    world.attempt.refresh_from_db()
    assert world.attempt.is_open  # nobody has closed it yet: the deadline alone refuses the signal
    assert _nothing_recorded(world.attempt)


@pytest.mark.django_db
def test_a_question_not_reached_yet_records_nothing(world: World) -> None:
    ada = _client(world.ada)
    assert [_signal(ada, world.attempt, position=p).status_code for p in (2, 99)] == [204, 204]
    assert _nothing_recorded(world.attempt)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "position", "told"),
    [
        ("keystroke", "1", "kind must be focus_lost or paste"),
        ("", "1", "kind must be focus_lost or paste"),
        ("paste", "0", "position must be a whole number from 1"),
        ("paste", "-1", "position must be a whole number from 1"),
        ("paste", "²", "position must be a whole number from 1"),
        ("paste", "1.5", "position must be a whole number from 1"),
        ("paste", "9" * 40, "position must be a whole number from 1"),
    ],
)
def test_a_malformed_kind_or_position_is_a_400_that_says_what_is_wrong(
    world: World, kind: str, position: str, told: str
) -> None:
    reply = _signal(_client(world.ada), world.attempt, kind, position)
    assert (reply.status_code, reply.content.decode()) == (400, told)
    assert _nothing_recorded(world.attempt)


@pytest.mark.django_db
def test_only_a_signed_in_post_carrying_the_pages_csrf_token_is_counted(world: World) -> None:
    url = reverse("integrity_signal", args=[world.attempt.pk])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.ada)
    assert strict.get(url).status_code == 405
    assert strict.post(url, {"kind": "paste", "position": "1"}).status_code == 403  # no token
    anonymous = Client().post(url, {"kind": "paste", "position": "1"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert _nothing_recorded(world.attempt)

    page = _Page.parse(strict.get(reverse("question", args=[world.attempt.pk, 1])).content.decode())
    token = page.inputs["csrfmiddlewaretoken"]
    reply = strict.post(url, {"csrfmiddlewaretoken": token, "kind": "paste", "position": "1"})
    assert reply.status_code == 204
    assert _counts(world.attempt)[1] == (0, 1)


@pytest.mark.django_db
def test_a_flood_of_signals_is_refused_with_a_429_that_says_when_to_try_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signals, "SIGNAL_RATE", (3, 60))
    cache.clear()
    ada = _client(world.ada)
    replies = [_signal(ada, world.attempt) for _ in range(4)]
    assert [r.status_code for r in replies] == [204, 204, 204, 429]
    assert 1 <= int(replies[3]["Retry-After"]) <= 20
    assert _counts(world.attempt)[1] == (3, 0)


# --- what the candidate sees ------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The scripts, form inputs and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inputs: dict[str, str | None] = {}
        self.text: list[str] = []

    @classmethod
    def parse(cls, html: str) -> _Page:
        page = cls()
        page.feed(html)
        return page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        elif tag == "input":
            found = dict(attrs)
            self.inputs[found.get("name") or ""] = found.get("value")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())

    def integrity_scripts(self) -> list[dict[str, str | None]]:
        return [s for s in self.scripts if (s.get("src") or "").endswith(SCRIPT)]


@pytest.mark.django_db
def test_a_campaign_question_page_tells_the_candidate_and_carries_the_reporting_script(world: World) -> None:
    html = _client(world.ada).get(reverse("question", args=[world.attempt.pk, 1])).content.decode()
    page = _Page.parse(html)
    assert NOTICE in page.words
    [script] = page.integrity_scripts()
    assert script["data-integrity-url"] == reverse("integrity_signal", args=[world.attempt.pk])
    assert script["data-position"] == "1"
    assert "defer" in script  # a static file, never inline (the CSP forbids inline scripts)


@pytest.mark.django_db
def test_a_personal_attempt_page_has_neither_the_notice_nor_the_script(world: World) -> None:
    html = _client(world.dan).get(reverse("question", args=[world.personal.pk, 1])).content.decode()
    page = _Page.parse(html)
    assert "integrity" not in page.words.lower()
    assert page.integrity_scripts() == []
    assert any((s.get("src") or "").endswith("adaptest/exam.js") for s in page.scripts)  # the page is whole


# --- in a browser -------------------------------------------------------------------------------------------

HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "visible"});
  document.dispatchEvent(new Event("visibilitychange"));
  window.dispatchEvent(new Event("focus"));
  delete document.visibilityState;  // the browser's own state again (visible), which leaving the page hides
}"""


def _wait_for_answers(page: Any, answers: list[int], count: int) -> None:
    """Beacons go in the background: wait (up to five seconds) until the server has answered ``count``
    of them, before reading the database (SQLite's test database refuses a read during a write)."""
    for _ in range(50):
        if len(answers) >= count:
            break
        page.wait_for_timeout(100)
    assert answers == [204] * count


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_paste_and_one_switch_away_are_counted_once_each_and_the_pasted_text_never_leaves(
    tab: Any, live_server: Any, shipped_bank: Any, cora: User, ada: User, dan: User
) -> None:
    world = _world(cora, ada, dan, "dl-fundamentals-cert")
    slots = world.attempt.slots.select_related("item_version").order_by("position")
    slot = next(s for s in slots if s.item_version.parsed.kind in ("numeric", "short_text"))
    page = tab
    sent: list[str] = []
    answers: list[int] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if "/orgs/signals/" in r.url else None)
    page.on("response", lambda r: answers.append(r.status) if "/orgs/signals/" in r.url else None)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(live_server.url + reverse("question", args=[world.attempt.pk, slot.position]))
    expect(page.get_by_text(NOTICE)).to_be_visible()

    # something no request would carry by chance: the numeric field takes it as a (wrong) number
    secret = "31415.926535" if slot.item_version.parsed.kind == "numeric" else "pasted secret 31415"
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.evaluate("text => navigator.clipboard.writeText(text)", secret)
    page.focus("#answer-value")
    page.keyboard.press("Control+V")  # a real paste, from the clipboard
    assert page.input_value("#answer-value") == secret
    _wait_for_answers(page, answers, 1)
    assert _counts(world.attempt)[slot.position] == (0, 1)

    page.evaluate("() => window.dispatchEvent(new Event('blur'))")  # the window loses focus...
    page.evaluate(HIDE)  # ...and the tab is hidden: one switch away
    page.evaluate(SHOW)
    page.evaluate(HIDE)  # a second switch, by the tab alone
    page.evaluate(SHOW)
    _wait_for_answers(page, answers, 3)
    assert _counts(world.attempt)[slot.position] == (2, 1)

    with page.expect_navigation():  # going on to the next question is not leaving the exam
        page.get_by_role("button", name="Save and next").click()
    page.wait_for_timeout(500)
    assert len(sent) == 3, sent  # one paste, two switches away: nothing when the page was left
    assert _counts(world.attempt)[slot.position] == (2, 1)
    assert all(secret not in body for body in sent), sent
    assert IntegritySignal.objects.filter(attempt=world.personal).count() == 0

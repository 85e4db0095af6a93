"""Acceptance: hostile input is refused with a 4xx, never a 500 — on every page form and API endpoint.

Nothing here is a hand list of fields or endpoints. The pages come from the URL configuration (every
route outside the admin and the API, plus the admin's log-in page), are fetched as a visitor, a learner
and a member of staff, and every <form> they render is submitted again with each of its fields in turn
replaced by a hostile value. The API's operations, parameters and body fields come from its OpenAPI
document. The hostile values are NUL characters, unpaired surrogates, integers past any column's range,
digits that are not ASCII, and booleans where numbers or text belong.

- NUL anywhere, and an unpaired surrogate in JSON, must be a 400 (core.middleware says where).
- A form may re-render with its errors or redirect, or refuse with a 4xx; it may never answer 5xx.
- An id or position past the database's integers is a 404 on the pages and a 422 in the API; a boolean in
  place of a number, or a string in place of an integer, is a 422.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from adaptest.bank import DONT_KNOW
from adaptest.bank import Bank as BankFolder
from adaptest.web.accounts.services import api_token_create
from adaptest.web.assessments import services
from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.credentials.models import Credential
from adaptest.web.flashcards.selectors import deck_get
from adaptest.web.flashcards.services import card_identify, personal_deck_import
from adaptest.web.itembank.models import Assessment, Bank
from adaptest.web.matches import services as match_services
from adaptest.web.matches.models import Match
from adaptest.web.organizations import services as org_services
from adaptest.web.organizations.models import Campaign, Membership
from adaptest.web.practice.services import practice_question_next, practice_start
from tests.conftest import PASSWORD
from tests.web.orgs import open_campaign

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
SURROGATE_FORM_BYTES = "%ED%A0%80"  # how a lone U+D800 would be spelt in a form; Django decodes it to U+FFFD
OVERFLOWING = ["9" * 5000, str(2**31), str(2**63), str(10**30), "-1", "0"]
NOT_ASCII_DIGITS = ["²", "٣", "1e999"]
BOOLEAN_TEXT = ["true", "false"]
FORM_VALUES = [NUL, *OVERFLOWING, *NOT_ASCII_DIGITS, *BOOLEAN_TEXT]
PATH_INTS = [2**31, 2**63, 10**30]


# --- what the test works on ------------------------------------------------------------------------------


@dataclass
class World:
    """ada's attempts in every state a page can be in, a token to revoke, and a password-reset link."""

    clients: dict[str, Client]
    params: dict[str, list[str]]
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    bearer: dict[str, str] = field(default_factory=dict)
    attempts: dict[str, Attempt] = field(default_factory=dict)


@pytest.fixture
def world(ada, ben, shipped_bank, settings) -> World:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_API_THROTTLE = (100_000, 60)  # this test sends many requests on purpose
    settings.ADAPTEST_MATCH_THROTTLE = (100_000, 3600)
    settings.ADAPTEST_BANK_DIRS = [shipped_bank.root]  # the author's preview reads the shipped bank's files
    now = timezone.now()
    fixed = Assessment.objects.get(slug="dl-fundamentals-cert")
    adaptive = Assessment.objects.get(slug="dl-skills-assessment")
    finished = services.attempt_start(user=ada, assessment=fixed, now=now)
    services.response_save(attempt=finished, position=1, answer=DONT_KNOW, now=now)
    services.attempt_submit(attempt=finished, now=now)
    open_fixed = services.attempt_start(user=ada, assessment=fixed, now=now)
    open_adaptive = services.attempt_start(user=ada, assessment=adaptive, now=now)
    token, plaintext = api_token_create(user=ada, name="hostile", now=now)
    clients = {"visitor": Client(raise_request_exception=False)}
    for role, user in (("learner", ada), ("staff", ben)):
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    bank, skill = shipped_bank.meta.id, shipped_bank.meta.skills[0].id
    own_deck = personal_deck_import(owner=ada, title="Mine", data=b"term\tdefinition\n", now=now)
    practice = practice_start(user=ada, bank=Bank.objects.get(bank_id=bank), domain="cnn", now=now)
    practised = practice_question_next(session=practice, now=now)
    match = _match_in_play(ada, ben, now)
    credential = Credential.objects.create(  # unsigned: these pages only look it up
        user=ada, achievement_name="Cert", issuer="did:web:testserver", issued_at=now, valid_until=now
    )
    campaign, ben_in_it = _organization(ada, ben, adaptive, now)
    return World(
        clients=clients,
        params={
            "slug": [fixed.slug, adaptive.slug],
            "attempt_id": [str(a.pk) for a in (open_fixed, open_adaptive, finished)],
            "token_id": [str(token.pk)],
            "uidb64": [urlsafe_base64_encode(force_bytes(ada.pk))],
            "token": [default_token_generator.make_token(ada)],
            "key": ["deep-learning:deck-cnn", own_deck.key],  # a skill's part of a deck runs the same code
            "session_id": [str(practice.pk)],
            "question_id": [str(practised.pk)],
            "match_id": [str(match.pk)],
            "credential_id": [str(credential.uuid)],
            "number": ["1"],  # a certificate status list
            "organization_id": [str(campaign.organization_id)],
            "campaign_id": [str(campaign.pk)],
            "invitation_id": [str(campaign.organization.invitations.get().pk)],
            "membership_id": [str(ben_in_it.pk)],
            "user_id": [str(ada.pk)],  # a candidate who shares (no finished attempt yet)
            "source": ["exam", "practice"],  # the two kinds of answer the review queue takes
            "pk": ["1"],
        },
        pairs={
            ("attempt_id", "position"): [
                (str(a.pk), str(p)) for a in (open_fixed, open_adaptive, finished) for p in _positions(a)
            ],
            ("bank_id", "skill_id"): [(bank, skill)],
            # the author's preview: the shipped bank (ADAPTEST_BANK_DIRS' first folder) by item, one of
            # each kind (each has its own form), a generator family and an item with a figure file
            ("bank_index", "item_id"): [("0", item_id) for item_id in _preview_ids(shipped_bank)],
        },
        bearer={"Authorization": f"Bearer {plaintext}"},
        attempts={"fixed": open_fixed, "adaptive": open_adaptive, "finished": finished},
    )


def _preview_ids(folder: BankFolder) -> list[str]:
    """The first item of each kind, the first family and the first item with a figure file, by id."""
    items = sorted(folder.items.values(), key=lambda item: item.id)
    first_of_kind = {item.kind: item.id for item in reversed(items)}
    figured = next(item.id for item in items if item.figure and item.figure.path)
    return sorted({*first_of_kind.values(), min(folder.families), figured})


def _match_in_play(ada: User, ben: User, now: datetime) -> Match:
    """ben's challenge, accepted by ada and her first question shown; and, before it, ben's finished run
    of another challenge, for ada's game against a recorded run."""
    recorded = match_services.match_challenge(user=ben, scope="deck", key=DECK, listed=True, now=now)
    for _ in range(match_services.QUESTIONS):
        question = match_services.match_question_next(user=ben, match=recorded, now=now)
        assert question is not None
        match_services.match_answer(user=ben, match=recorded, position=question.position, choice=0, now=now)
    match = match_services.match_challenge(user=ben, scope="deck", key=DECK, listed=False, now=now)
    match_services.match_accept(user=ada, match=match, now=now)
    match_services.match_question_next(user=ada, match=match, now=now)
    return match


def _organization(ada: User, ben: User, assessment: Assessment, now: datetime) -> tuple[Campaign, Membership]:
    """ada admins an organisation with ben as a member, an open invitation, and an open campaign in which
    she shares her results: every organisation page and API operation reaches its handler as her."""
    organization = org_services.organization_create(user=ada, name="Hostile Co", now=now)
    invitation = org_services.invitation_create(admin=ada, organization=organization, email="", now=now)
    membership = org_services.invitation_accept(token=invitation.token, user=ben, now=now)
    campaign = open_campaign(ada, organization, assessment, now)
    org_services.consent_decide(user=ada, campaign=campaign, share=True, now=now)
    return campaign, membership


def _positions(attempt: Attempt) -> list[int]:
    return list(attempt.slots.values_list("position", flat=True))


# --- pages: routes from the URL configuration -----------------------------------------------------------

_CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    """Every page route (admin and API apart; the admin's log-in page is added by the caller)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + str(pattern.pattern)


def _fill(route: str, values: dict[str, str]) -> str:
    return _CONVERTER.sub(lambda m: values[m.group("name")], route)


def _concrete_urls(route: str, world: World) -> Iterator[str]:
    """The route with real ids, slugs and positions, in every combination the world has."""
    names = [m.group("name") for m in _CONVERTER.finditer(route)]
    if not names:
        yield route
        return
    paired = next((pair for pair in world.pairs if set(pair) <= set(names)), None)
    rest = [n for n in names if paired is None or n not in paired]
    combos: list[dict[str, str]] = [{}]
    if paired is not None:
        combos = [dict(zip(paired, values, strict=True)) for values in world.pairs[paired]]
    for name in rest:
        combos = [{**c, name: v} for c in combos for v in world.params[name]]
    for combo in combos:
        yield _fill(route, combo)


@dataclass(frozen=True)
class Form:
    role: str
    page: str
    action: str
    method: str
    fields: tuple[tuple[str, str], ...]  # the values the page would send as it is
    names: tuple[str, ...]  # every named field, buttons included


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": [], "names": []}
            )
            return
        if not self.forms or "name" not in a:
            return
        form, name = self.forms[-1], a["name"]
        if tag in ("input", "button", "textarea", "select") and name not in form["names"]:
            form["names"].append(name)
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "image", "reset"):
                form["fields"].append((name, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = name
            form["fields"].append((name, ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            form["fields"].append((self._select, a.get("value", "")))
            self._select = None  # the first option stands for the selection

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _discover_forms(world: World) -> list[Form]:
    """Every distinct form the pages render (a question form once per item kind's set of field names)."""
    found: dict[tuple[Any, ...], Form] = {}
    routes = [*_routes(), reverse("admin:login")]
    for role, client in world.clients.items():
        for route in routes:
            for url in _concrete_urls(route, world):
                response = client.get(url, follow=True)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                page = response.request["PATH_INFO"]
                parser = _Forms()
                parser.feed(response.content.decode())
                for raw in parser.forms:
                    action = raw["action"] or page
                    target = resolve(urlsplit(action).path)
                    shape = tuple(sorted(re.sub(r"\d+", "N", n) for n in raw["names"]))
                    key = (role, target.route, raw["method"].lower(), shape)
                    found.setdefault(
                        key,
                        Form(
                            role,
                            page,
                            action,
                            raw["method"].lower(),
                            tuple(raw["fields"]),
                            tuple(raw["names"]),
                        ),
                    )
    # Forms that change what the others see (finishing the exam, logging out, revoking) go last.
    last = ("submit", "logout", "revoke", "start")
    return sorted(found.values(), key=lambda f: any(word in f.action for word in last))


def _client_for(world: World, form: Form) -> Client:
    client = world.clients[form.role]
    if form.role != "visitor":  # a logout form may have logged the previous client out
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="ada" if form.role == "learner" else "ben"))
    return client


def _submit(client: Client, form: Form, data: list[tuple[str, str]]) -> Any:
    if form.method == "post":
        body = urlencode(data)
        return client.post(form.action, body, content_type="application/x-www-form-urlencoded")
    return client.get(f"{urlsplit(form.action).path}?{urlencode(data)}")


def test_every_page_form_field_refuses_hostile_values_without_a_server_error(world: World) -> None:
    forms = _discover_forms(world)
    actions = {resolve(urlsplit(f.action).path).url_name for f in forms}
    # The discovery itself must have found the forms a person uses; otherwise this test proves nothing.
    assert {
        "login",
        "signup",
        "question",
        "rate",
        "api_token_create",
        "api_token_revoke",
        "logout",
    } <= actions
    assert {"item_stats", "password_change", "password_reset", "attempt_start", "submit"} <= actions
    assert {"campaign_consent", "invitation_new", "campaign_new", "organization_leave"} <= actions
    assert {"preview_index", "preview_item"} <= actions
    failures: list[str] = []
    sent = 0
    for form in forms:
        client = _client_for(world, form)
        for name in form.names:
            base = [(n, v) for n, v in form.fields if n != name]
            for value in FORM_VALUES:
                response = _submit(client, form, [*base, (name, value)])
                sent += 1
                expected_400 = value == NUL
                if response.status_code >= 500 or (expected_400 and response.status_code != 400):
                    failures.append(
                        f"{form.method} {form.action} {name}={value[:20]!r}: {response.status_code}"
                    )
            if form.method == "post":  # a lone surrogate as a form can spell it: never a 500
                body = urlencode([*base, (name, "SURROGATE")]).replace("SURROGATE", SURROGATE_FORM_BYTES)
                response = client.post(form.action, body, content_type="application/x-www-form-urlencoded")
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"post {form.action} {name}=<lone surrogate>: {response.status_code}")
    assert not failures, f"{len(failures)} of {sent} hostile form submissions failed:\n" + "\n".join(failures)
    assert sent > 300


def test_a_nul_in_a_form_is_a_400_page_that_says_which_field(world: World) -> None:
    client = world.clients["learner"]
    response = client.post(reverse("api_token_create"), {"name": "my\x00laptop"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The form field “name” contains a NUL character (U+0000), which cannot be stored." in html
    assert "Nothing was saved" in html


def test_every_page_path_refuses_overflowing_ids_and_nul(world: World) -> None:
    client = world.clients["learner"]
    failures: list[str] = []
    for route in _routes():
        names = [m.group("name") for m in _CONVERTER.finditer(route)]
        if not names:
            response = client.get(f"{route}?next=%00")
            if response.status_code != 400:
                failures.append(f"{route}?next=%00: {response.status_code}")
            continue
        good = _values_in(route, next(iter(_concrete_urls(route, world))))
        for match in _CONVERTER.finditer(route):
            hostile = ["%00"]
            if match.group("converter") == "int":
                hostile += [str(n) for n in PATH_INTS]
            for value in hostile:
                url = _fill(route, {**good, match.group("name"): value})
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    expected = 400 if value == "%00" else 404
                    if response.status_code not in (expected, 405):
                        failures.append(f"{method} {url[:80]}: {response.status_code}, not {expected}")
    assert not failures, "\n".join(failures)


def _values_in(route: str, url: str) -> dict[str, str]:
    """The parameter values of a concrete URL of ``route``."""
    parts = _CONVERTER.split(route)[::3]  # the literal text between the parameters
    names = [m.group("name") for m in _CONVERTER.finditer(route)]
    regex = "".join(
        re.escape(part) + (f"(?P<{names[i]}>[^/]+?)" if i < len(names) else "")
        for i, part in enumerate(parts)
    )
    match = re.fullmatch(regex, url)
    assert match, (route, url)
    return match.groupdict()


def test_the_question_form_never_errs_on_a_strange_destination(world: World) -> None:
    """The cases the issue found: ``goto-`` with 5 000 digits, or with a superscript two."""
    client = world.clients["learner"]
    attempt = world.attempts["fixed"]
    url = reverse("question", args=[attempt.pk, 3])
    for action in ("goto-" + "9" * 5000, "goto-²", "goto-", "goto--1", "goto-٣"):
        response = client.post(url, {"action": action})
        assert response.status_code == 302 and response["Location"] == url  # stays on the question
    assert client.post(url, {"action": "goto-99"})["Location"] == reverse("question", args=[attempt.pk, 20])
    assert client.post(url, {"action": "goto-7"})["Location"] == reverse("question", args=[attempt.pk, 7])


def test_a_rating_with_strange_stars_is_refused_with_the_reason(world: World) -> None:
    client = world.clients["learner"]
    attempt = world.attempts["finished"]
    url = reverse("rate", args=[attempt.pk, 1])
    for stars in ("9" * 5000, "²", "٣", "true", "0", "6", ""):
        response = client.post(url, {"stars": stars, "comment": "hm"}, follow=True)
        assert response.status_code == 200 and "Choose from 1 to 5 stars." in response.content.decode()
    assert not attempt.slots.get(position=1).item_version.ratings.exists()


# --- the API: operations from its OpenAPI document ------------------------------------------------------


def _openapi(client: Client) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()  # type: ignore[no-any-return]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _examples(document: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """Minimal valid instances of a schema, one per alternative of each anyOf."""
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        return [
            e
            for option in schema["anyOf"]
            if option.get("type") != "null"
            for e in _examples(document, option)
        ]
    if "const" in schema or "enum" in schema:
        return [schema.get("const", (schema.get("enum") or [None])[0])]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", [])
        variants: list[dict[str, Any]] = [{}]
        for name in required:
            variants = [{**v, name: e} for v in variants for e in _examples(document, props[name])]
        if not props and "additionalProperties" in schema:
            variants = [{"x": e} for e in _examples(document, schema["additionalProperties"])]
        return variants
    if kind == "array":
        return [[e] for e in _examples(document, schema["items"])[:1]]
    scalars: dict[str, Any] = {"string": "o1", "integer": 1, "number": 1.5, "boolean": True}
    return [scalars[str(kind)]]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every scalar in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _key_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every key of every object in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _key_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _key_paths(item, (*path, index))


def _rename(document: Any, path: tuple[Any, ...], new_key: str) -> Any:
    copy = json.loads(json.dumps(document))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    parent[new_key] = parent.pop(path[-1])
    return copy


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def _answer_bodies(world: World) -> list[dict[str, Any]]:
    """A valid body per answer shape (docs/api.md), each aimed at a question of the open fixed exam."""
    attempt = world.attempts["fixed"]
    bodies: dict[str, dict[str, Any]] = {}
    for slot in attempt.slots.select_related("item_version"):
        item = slot.item_version.parsed
        presentation = item.presentation(slot.display_seed)
        answer: dict[str, Any]
        if item.kind in ("single_choice", "multiple_choice"):
            answer = {"choices": ["o1"]}
        elif item.kind in ("numeric", "short_text"):
            answer = {"value": "0.5"}
        elif item.kind == "numeric_tuple":
            answer = {"values": {f["name"]: "1" for f in presentation["fields"]}}
        elif item.kind == "matrix":
            answer = {"cells": [["1"] * presentation["columns"] for _ in range(presentation["rows"])]}
        else:
            answer = {"order": ["b1"]}
        bodies.setdefault(next(iter(answer)), {"position": slot.position, "answer": answer})
    bodies["dont_know"] = {"position": 1, "answer": {"dont_know": True}}
    return list(bodies.values())


def _api(world: World, method: str, url: str, body: Any = None, raw: str | None = None) -> Any:
    client = world.clients["visitor"]
    if method == "get":
        return client.get(url, headers=world.bearer)
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    send = getattr(client, method)  # post, put
    return send(url, data, content_type="application/json", headers=world.bearer)


# A practice start needs one choice, and a practice answer suits any question as "I don't know yet" (the
# question is then answered: later bodies get its stored result, and hostile ones are still refused).
PRACTICE_BODIES: dict[str, list[Any]] = {
    "/api/practice/sessions": [{"domain": "cnn"}],
    "/api/practice/questions/{question_id}/answer": [{"answer": {"dont_know": True}}],
}
# A match body names a real deck; the token is well formed (ada plays that match, so any token will do),
# and a match answer needs the shown question's position and an option's index.
DECK = "deep-learning:deck-cnn"
MATCH_BODIES: dict[str, list[Any]] = {
    "/api/matches": [{"scope": "deck", "key": DECK, "listed": False}],
    "/api/matches/ghost": [{"scope": "deck", "key": DECK}],
    "/api/matches/{match_id}/accept": [{"token": "A" * 22}],
    "/api/matches/{match_id}/answers": [{"position": 1, "choice": 0}],
    "/api/matches/player": [{"display_name": "Ada the fuzzer", "on_leaderboards": True}],
}
# ada shares her results in her organisation's campaign; sharing again changes nothing.
ORG_BODIES: dict[str, list[Any]] = {"/api/campaigns/{campaign_id}/consent": [{"share": True}]}
# DELETE /api/me with ada's password would delete her (and the token every later request sends) mid-test:
# its body here is a wrong password, refused with 403, and the hostile bodies are checked against that.
# tests/web/test_privacy.py deletes an account through the API.
REFUSED_BODIES: dict[str, list[Any]] = {"/api/me": [{"password": "not ada's password"}]}
YES_OR_NO = {"listed", "on_leaderboards", "share"}
"""Fields where JSON false is as meant as true."""
MARKER = "__HOSTILE__"
HOSTILE_JSON: list[tuple[str, str, int | None]] = [
    # (what, JSON text, the status it must get; None: any 4xx)
    ("NUL", '"a\\u0000b"', 400),
    ("lone surrogate", '"\\ud800"', 400),
    ("lone low surrogate", '"x\\udfffy"', 400),
    ("true", "true", 422),
    ("false", "false", 422),
    ("2**31", str(2**31), None),
    ("2**63", str(2**63), None),
    ("10**30", str(10**30), None),
]


def test_every_api_endpoint_refuses_hostile_paths_queries_and_bodies(world: World) -> None:
    document = _openapi(world.clients["visitor"])
    failures: list[str] = []
    sent = 0
    attempt = world.attempts["fixed"]
    deck = deck_get(user=attempt.user, key="deep-learning:deck-cnn")
    card = next(iter(card_identify(deck=deck).values()))
    real = {
        "slug": attempt.assessment.slug,
        "attempt_id": str(attempt.pk),
        "position": "1",
        "key": deck.key,
        "card_id": str(card.pk),
        "session_id": str(world.params["session_id"][0]),
        "question_id": str(world.params["question_id"][0]),
        "match_id": str(world.params["match_id"][0]),
        "scope": "deck",
        "organization_id": str(world.params["organization_id"][0]),
        "campaign_id": str(world.params["campaign_id"][0]),
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            base_url = re.sub(r"\{(\w+)\}", lambda m: real[m.group(1)], path)
            for parameter in parameters:
                integer = "integer" in json.dumps(parameter["schema"])
                hostile = [
                    "%00",
                    "%ED%A0%80",
                    "true",
                    "1.5",
                    "²",
                    "-1",
                    "0",
                    str(2**31),
                    str(2**63),
                    "9" * 5000,
                ]
                for value in hostile:
                    if parameter["in"] == "path":
                        url = path.replace("{" + parameter["name"] + "}", value)
                        url = re.sub(r"\{(\w+)\}", lambda m: real[m.group(1)], url)
                    else:
                        url = f"{base_url}?{parameter['name']}={value}"
                    response = _api(world, method, url)
                    sent += 1
                    expected = {400} if value == "%00" else ({422} if integer else {400, 404, 422})
                    if response.status_code not in expected:
                        failures.append(
                            f"{method} {url[:90]}: {response.status_code}, not {sorted(expected)}"
                        )
            if "requestBody" not in operation:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            bodies: list[Any] = (
                PRACTICE_BODIES.get(path)
                or MATCH_BODIES.get(path)
                or ORG_BODIES.get(path)
                or REFUSED_BODIES.get(path)
                or (_answer_bodies(world) if "answers" in path else _examples(document, schema))
            )
            for body in bodies:
                valid = _api(world, method, base_url, body).status_code
                assert valid < 400 or (path in REFUSED_BODIES and valid == 403), (path, body, valid)
                for leaf, original in _leaves(body):
                    for what, text, status in HOSTILE_JSON:
                        if isinstance(original, str) and what[0].isdigit():
                            continue  # a huge number is a fine text or number answer; hostile as an integer
                        if original is True and what == "true":
                            continue  # {"dont_know": true} is meant
                        if leaf[-1] in YES_OR_NO and what in ("true", "false"):
                            continue
                        raw = json.dumps(_replace(body, leaf, MARKER)).replace(f'"{MARKER}"', text)
                        response = _api(world, method, base_url, raw=raw)
                        sent += 1
                        ok = response.status_code == status if status else 400 <= response.status_code < 500
                        if not ok or "json" not in response.get("Content-Type", ""):
                            failures.append(f"{method} {path} {leaf}={what}: {response.status_code}")
                for key in _key_paths(body):  # keys are text too
                    raw = json.dumps(_rename(body, key, MARKER)).replace(f'"{MARKER}"', '"\\u0000"')
                    response = _api(world, method, base_url, raw=raw)
                    sent += 1
                    if response.status_code != 400:
                        failures.append(f"{method} {path} key {key}=NUL: {response.status_code}")
    assert not failures, f"{len(failures)} of {sent} hostile API requests failed:\n" + "\n".join(failures)
    assert sent > 150


def test_a_json_boolean_is_never_a_number_nor_a_string_a_position(world: World) -> None:
    attempt = world.attempts["fixed"]
    slot = next(
        s for s in attempt.slots.select_related("item_version") if s.item_version.parsed.kind == "numeric"
    )
    url = f"/api/attempts/{attempt.pk}/answers"
    for body in (
        {"position": slot.position, "answer": {"value": True}},
        {"position": str(slot.position), "answer": {"value": "1"}},
        {"position": True, "answer": {"value": "1"}},
        {"position": slot.position, "answer": {"dont_know": 1}},
        {"position": float(slot.position), "answer": {"value": "1"}},
    ):
        response = _api(world, "post", url, body)
        assert response.status_code == 422, body
    assert not Response.objects.filter(slot__attempt=attempt).exists()
    assert _api(world, "post", url, {"position": slot.position, "answer": {"value": 1}}).status_code == 200


def test_a_nul_in_an_api_path_is_a_400_in_json_that_says_where(world: World) -> None:
    response = _api(world, "post", "/api/assessments/%00/attempts")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The path contains a NUL character (U+0000), which cannot be stored. "
        "Remove it and send the request again."
    }
    attempt = world.attempts["fixed"]
    raw = '{"position": 1, "answer": {"value": "x\\ud800"}}'
    response = _api(world, "post", f"/api/attempts/{attempt.pk}/answers", raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "The JSON body at answer.value contains an unpaired surrogate (U+D800)"
    )


def test_a_cookie_spelling_a_nul_is_ignored_instead_of_reaching_the_session_table(world: World) -> None:
    """A quoted cookie may escape a NUL as \\000; on PostgreSQL the session lookup used to fail with a 500."""
    for name in ("sessionid", "csrftoken"):
        client = Client(raise_request_exception=False, HTTP_COOKIE=f'{name}="abcdefghijkl\\000mnop"')
        assert client.get(reverse("home")).status_code == 200
        response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_nul_in_a_header_is_a_400_before_the_lockout_could_store_it(world: World) -> None:
    """django-axes keeps the User-Agent of a failed log-in; on PostgreSQL a NUL there was a 500."""
    client = Client(raise_request_exception=False, HTTP_USER_AGENT="evil\x00agent")
    response = client.post(reverse("login"), {"username": "ada", "password": "wrong"})
    assert response.status_code == 400
    assert "The header “User-Agent” contains a NUL character" in response.content.decode()
    api = Client(raise_request_exception=False, HTTP_X_CLIENT="a\x00b")
    response = api.get("/api/assessments", headers=world.bearer)
    assert response.status_code == 400 and "X-Client" in response.json()["detail"]


def test_an_api_body_sent_as_a_form_is_refused_or_optional_never_a_server_error(world: World) -> None:
    """A script that forgets the JSON content type sends a form (a test client's default is multipart):
    the middleware parses it to look for unstorable text, and the API must still read the raw body."""
    document = _openapi(world.clients["visitor"])
    real = {name: str(values[0]) for name, values in world.params.items()} | {
        "attempt_id": str(world.attempts["fixed"].pk),
        "position": "1",
    }
    client = Client(raise_request_exception=False)
    failures = []
    for path, operations in document["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: real.get(m.group(1), "1"), path)
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            # an optional body may be left out: an empty form is then a valid request
            lowest = 400 if operation["requestBody"].get("required") else 200
            send = getattr(client, method)
            for form in ({}, {"position": "1"}):
                multipart = send(url, form, headers=world.bearer) if method == "post" else None
                urlencoded = send(
                    url, urlencode(form), "application/x-www-form-urlencoded", headers=world.bearer
                )
                for response in (multipart, urlencoded):
                    if response is not None and not lowest <= response.status_code < 500:
                        failures.append(f"{method.upper()} {url} {form}: {response.status_code}")
    assert not failures, "\n".join(failures)

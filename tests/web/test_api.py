"""The JSON API: tokens, taking both assessments through it alone, no key leaks, errors as HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from adaptest.bank import ITEM_KINDS, GradableItem
from adaptest.web.accounts.services import api_token_create, api_token_revoke
from adaptest.web.api.schemas import ItemOut
from adaptest.web.assessments import services
from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from adaptest.web.itembank.models import Assessment
from tests.web.exam import wrong_answer
from tests.web.test_no_key_leak import _secrets

pytestmark = pytest.mark.django_db

# Every operation of the API. Changing the API means changing this list, on purpose.
OPENAPI_OPERATIONS = [
    ("/api/assessments", "get", "assessment_list"),
    ("/api/assessments/{slug}/attempts", "post", "attempt_start"),
    ("/api/attempts", "get", "attempt_list"),
    ("/api/attempts/{attempt_id}", "get", "attempt_detail"),
    ("/api/attempts/{attempt_id}/answers", "post", "answer_save"),
    ("/api/attempts/{attempt_id}/figures/{position}", "get", "attempt_figure"),
    ("/api/attempts/{attempt_id}/finish", "post", "attempt_finish"),
    ("/api/attempts/{attempt_id}/item", "get", "attempt_item"),
    ("/api/attempts/{attempt_id}/result", "get", "attempt_result"),
    ("/api/campaigns/{campaign_id}/consent", "get", "campaign_consent_detail"),
    ("/api/campaigns/{campaign_id}/consent", "put", "campaign_consent_update"),
    ("/api/campaigns/{campaign_id}/results", "get", "campaign_results"),
    ("/api/cards/decks", "get", "card_deck_list"),
    ("/api/cards/decks/{key}/cards", "get", "card_deck_cards"),
    ("/api/cards/due", "get", "card_due_list"),
    ("/api/cards/{card_id}/review", "post", "card_review"),
    ("/api/credentials", "get", "credential_list"),
    ("/api/leaderboards/{scope}/{key}", "get", "match_leaderboard"),
    ("/api/matches", "get", "match_list"),
    ("/api/matches", "post", "match_challenge"),
    ("/api/matches/ghost", "post", "match_ghost"),
    ("/api/matches/open", "get", "match_open_list"),
    ("/api/matches/player", "put", "match_player_update"),
    ("/api/matches/ratings", "get", "match_ratings"),
    ("/api/matches/{match_id}", "get", "match_detail"),
    ("/api/matches/{match_id}/accept", "post", "match_accept"),
    ("/api/matches/{match_id}/answers", "post", "match_answer"),
    ("/api/matches/{match_id}/figures/{position}", "get", "match_figure"),
    ("/api/matches/{match_id}/question", "get", "match_question"),
    ("/api/matches/{match_id}/result", "get", "match_result"),
    ("/api/me", "delete", "account_delete"),
    ("/api/me/consents", "get", "consent_log"),
    ("/api/me/export", "get", "data_export"),
    ("/api/organizations", "get", "organization_list"),
    ("/api/organizations/{organization_id}/campaigns", "get", "organization_campaigns"),
    ("/api/practice/questions/{question_id}/answer", "post", "practice_answer"),
    ("/api/practice/questions/{question_id}/figure", "get", "practice_figure"),
    ("/api/practice/sessions", "post", "practice_start"),
    ("/api/practice/sessions/{session_id}/item", "get", "practice_item"),
    ("/api/practice/stats", "get", "practice_stats"),
]


class Api:
    """A client that talks to the API the way a script would: a bearer token and JSON, nothing else."""

    def __init__(self, user: Any) -> None:
        _, self.token = api_token_create(user=user, name="tests", now=timezone.now())
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params, headers=self._headers())

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api{path}", body or {}, content_type="application/json", headers=self._headers()
        )

    def start(self, slug: str) -> dict[str, Any]:
        response = self.post(f"/assessments/{slug}/attempts")
        assert response.status_code in (200, 201), response.content
        return response.json()

    def answer(self, attempt_id: int, position: int, answer: dict[str, Any]) -> Any:
        return self.post(f"/attempts/{attempt_id}/answers", {"position": position, "answer": answer})


def api_answer(slot: AttemptItem, raw: Any) -> dict[str, Any]:
    """A raw bank answer in the API's JSON shape, under the display tokens this slot shows.

    Numbers go as JSON numbers, exactly as the bank holds them.
    """
    item = slot.item_version.parsed
    presentation = item.presentation(slot.display_seed)
    if item.kind in ("single_choice", "multiple_choice"):
        token = {o["id"]: f"o{i}" for i, o in enumerate(presentation["options"], start=1)}
        return {"choices": [token[raw]] if item.kind == "single_choice" else [token[x] for x in raw]}
    if item.kind in ("numeric", "short_text"):
        return {"value": raw}
    if item.kind == "numeric_tuple":
        return {"values": raw}
    if item.kind == "matrix":
        return {"cells": raw}
    if item.kind == "free_text":
        return {"text": raw}
    token = {b["id"]: f"b{i}" for i, b in enumerate(presentation["blocks"], start=1)}
    return {"order": [token[x] for x in raw]}


def slot_at(attempt_id: int, position: int) -> AttemptItem:
    return AttemptItem.objects.select_related("item_version").get(attempt_id=attempt_id, position=position)


@pytest.fixture
def skills_assessment(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


@pytest.fixture
def ada_api(ada) -> Api:  # type: ignore[no-untyped-def]
    return Api(ada)


# --- authentication and ownership --------------------------------------------------------------------------


def test_requests_without_a_valid_token_are_unauthorised(client, ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = api_token_create(user=ada, name="laptop", now=timezone.now())
    assert client.get("/api/assessments").status_code == 401
    for header in ("Bearer not-a-token", f"Token {plaintext}", "Bearer "):
        assert client.get("/api/assessments", headers={"Authorization": header}).status_code == 401
    good = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/assessments", headers=good).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ada.is_active = False
    ada.save()
    assert client.get("/api/assessments", headers=good).status_code == 401
    ada.is_active = True
    ada.save()
    api_token_revoke(user=ada, token_id=token.pk)
    assert client.get("/api/assessments", headers=good).status_code == 401


def test_the_session_cookie_alone_does_not_authenticate(client, ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    assert client.get("/api/assessments").status_code == 401


def test_the_assessments_are_listed(ada_api, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    listed = {a["slug"]: a for a in ada_api.get("/assessments").json()}
    assert listed["dl-fundamentals-cert"]["kind"] == "fixed"
    assert listed["dl-fundamentals-cert"]["question_count"] == 20
    assert listed["dl-skills-assessment"]["kind"] == "adaptive"


def test_another_users_attempt_is_not_found(ada_api, dan, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    dan_api = Api(dan)
    for path in ("", "/item", "/result", "/figures/1"):
        response = dan_api.get(f"/attempts/{attempt['id']}{path}")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert dan_api.post(f"/attempts/{attempt['id']}/finish").status_code == 404
    assert dan_api.answer(attempt["id"], 1, {"dont_know": True}).status_code == 404
    assert dan_api.get("/attempts").json() == []
    assert not Response.objects.exists()
    assert Attempt.objects.get().is_open


def test_unknown_assessments_and_positions_are_not_found(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    assert ada_api.post("/assessments/no-such-thing/attempts").status_code == 404
    attempt = ada_api.start(certification.slug)
    assert ada_api.get(f"/attempts/{attempt['id']}/item", position=21).status_code == 404
    assert ada_api.answer(attempt["id"], 21, {"dont_know": True}).status_code == 404


# --- the adaptive assessment, through the API only ---------------------------------------------------------


def take_adaptive(api: Api, answer_for: Callable[[GradableItem], Any]) -> Attempt:
    """Answer what ``GET …/item`` shows until the attempt ends; the bank is used only as the oracle."""
    attempt = api.start("dl-skills-assessment")
    while attempt["status"] == "in_progress":
        item = api.get(f"/attempts/{attempt['id']}/item").json()
        slot = slot_at(attempt["id"], item["position"])
        response = api.answer(
            attempt["id"], item["position"], api_answer(slot, answer_for(slot.item_version.parsed))
        )
        assert response.status_code == 200, response.content
        attempt = response.json()["attempt"]
    return Attempt.objects.get(pk=attempt["id"])


def test_a_strong_and_a_weak_taker_get_their_levels_through_the_api(ada, dan, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    strong_api, weak_api = Api(ada), Api(dan)
    strong = take_adaptive(strong_api, lambda item: item.key_answer())
    weak = take_adaptive(weak_api, wrong_answer)
    for api, attempt, level in ((strong_api, strong, "accomplished"), (weak_api, weak, "beginning")):
        result = api.get(f"/attempts/{attempt.pk}/result").json()
        assert result["attempt"]["status"] == "submitted"
        assert result["report"]["overall"]["level"] == level
        assert [d["level"] for d in result["report"]["domains"]] == [level] * 4
        assert result["report"]["scored_items"] == 20
        assert len(result["review"]) == attempt.slots.count()
    missed = [e["position"] for e in result_review(strong_api, strong) if e["status"] != "correct"]
    assert not missed
    assert not any(entry["status"] == "correct" for entry in result_review(weak_api, weak))
    last_b = [list(a.slots.order_by("-position").values_list("b", flat=True)[:5]) for a in (strong, weak)]
    assert sum(last_b[0]) / 5 > sum(last_b[1]) / 5


def test_replaying_the_answer_that_finished_the_test_returns_the_first_result(
    ada_api, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = take_adaptive(ada_api, lambda item: item.key_answer())
    last = attempt.slots.order_by("-position").first()
    stored = Response.objects.filter(slot__attempt=attempt).count()
    replay = ada_api.answer(
        attempt.pk, last.position, api_answer(last, last.item_version.parsed.key_answer())
    )
    assert replay.status_code == 200 and not replay.json()["changed"]
    assert replay.json()["attempt"]["status"] == "submitted"
    different = ada_api.answer(attempt.pk, last.position, {"dont_know": True})
    assert different.status_code == 200 and not different.json()["changed"]
    assert Response.objects.filter(slot__attempt=attempt).count() == stored
    assert not Response.objects.get(slot=last).dont_know


def result_review(api: Api, attempt: Attempt) -> list[dict[str, Any]]:
    return api.get(f"/attempts/{attempt.pk}/result").json()["review"]


def test_adaptive_answers_are_final_and_a_replay_stores_one_response(ada_api, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(skills_assessment.slug)
    first = ada_api.answer(attempt["id"], 1, {"dont_know": True})
    replay = ada_api.answer(attempt["id"], 1, {"dont_know": True})
    assert first.status_code == replay.status_code == 200
    assert first.json()["changed"] and not replay.json()["changed"]
    assert replay.json()["saved_at"] == first.json()["saved_at"]
    assert replay.json()["attempt"]["current_position"] == 2
    assert Response.objects.count() == 1 and AttemptItem.objects.count() == 2
    refused = ada_api.get(f"/attempts/{attempt['id']}/item", position=1)
    assert refused.status_code == 409 and "each answer is final" in refused.json()["detail"]


# --- no key, feedback or explanation before the answer is final --------------------------------------------


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for entry in value.values():
            yield from strings(entry)
    elif isinstance(value, list):
        for entry in value:
            yield from strings(entry)


def keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        yield from value
        for entry in value.values():
            yield from keys(entry)
    elif isinstance(value, list):
        for entry in value:
            yield from keys(entry)


def public_texts(body: dict[str, Any]) -> set[str]:
    """What a learner may read: the stem and the options', blocks', fields' and grid's labels."""
    texts = {body["stem"]}
    for group in ("options", "blocks", "fields"):
        texts |= {e.get("text") or e.get("label") for e in body.get(group) or []}
    if body.get("grid"):
        texts |= set(body["grid"]["row_labels"]) | set(body["grid"]["column_labels"])
    if body.get("figure"):
        texts.add(body["figure"]["alt"])
    return texts


ITEM_FIELDS = {
    "position", "kind", "stem", "figure", "multiple", "options", "units", "max_length", "fields", "grid",
    "blocks", "max_words", "state", "saved_answer",
}  # fmt: skip
"""What an unanswered question shows, written out so that a new field is a deliberate change."""


def assert_item_hides_the_key(body: dict[str, Any], item: GradableItem) -> None:
    assert set(body) == ITEM_FIELDS == set(ItemOut.model_fields), f"{item.id}: unexpected fields"
    assert body["state"] is None and body["saved_answer"] is None, f"{item.id}: shows an answer"
    everything = "\n".join(strings(body))
    for secret in _secrets(item):
        assert secret.strip()[:60] not in everything, f"{item.id}: shows {secret[:60]!r}"
    private = "\n".join(text for text in strings(body) if text not in public_texts(body)).lower()
    for word in ("correct", "feedback", "explanation", "misconception"):
        assert word not in private and word not in " ".join(keys(body)), f"{item.id}: {word!r}"
    for group, letter in (("options", "o"), ("blocks", "b")):
        for i, entry in enumerate(body.get(group) or [], start=1):
            assert entry == {"token": f"{letter}{i}", "text": entry["text"]}, f"{item.id}: authored id"


def test_fixed_exam_items_of_every_kind_hide_keys_feedback_and_explanations(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    kinds = set()
    for _form in certification.forms:  # each new attempt gets the form taken least: every form once
        attempt = ada_api.start(certification.slug)
        for position in range(1, attempt["questions"] + 1):
            body = ada_api.get(f"/attempts/{attempt['id']}/item", position=position).json()
            item = slot_at(attempt["id"], position).item_version.parsed
            assert_item_hides_the_key(body, item)
            kinds.add(body["kind"])
        assert ada_api.post(f"/attempts/{attempt['id']}/finish").json()["status"] == "submitted"
    # free_text items are practice items until graded responses calibrate them: the practice API's
    # check is in tests/web/test_rubric_review.py
    assert kinds == set(ITEM_KINDS) - {"free_text"}


def test_adaptive_items_hide_keys_feedback_and_explanations(ada_api, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(skills_assessment.slug)
    while attempt["status"] == "in_progress":
        body = ada_api.get(f"/attempts/{attempt['id']}/item").json()
        assert_item_hides_the_key(body, slot_at(attempt["id"], body["position"]).item_version.parsed)
        answered = ada_api.answer(attempt["id"], body["position"], {"dont_know": True}).json()
        # no score, no key: only the stored state and the next question, which hides its key too
        assert set(answered) == {"position", "state", "changed", "saved_at", "attempt", "next_item"}
        attempt = answered["attempt"]
        following = answered["next_item"]
        if attempt["status"] == "in_progress":
            assert following["position"] == attempt["current_position"] == body["position"] + 1
            assert_item_hides_the_key(
                following, slot_at(attempt["id"], following["position"]).item_version.parsed
            )
        else:
            assert following is None


# --- the fixed exam: answers, errors, the deadline, results -------------------------------------------------


def test_a_fixed_exam_taken_through_the_api_passes_and_is_reviewed(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    for position in range(1, 21):
        raw = slot_at(attempt["id"], position).item_version.parsed.key_answer()
        response = ada_api.answer(attempt["id"], position, api_answer(slot_at(attempt["id"], position), raw))
        assert response.status_code == 200 and response.json()["state"] == "answered"
    shown = ada_api.get(f"/attempts/{attempt['id']}/item", position=1).json()
    assert shown["state"] == "answered" and shown["saved_answer"] is not None
    assert ada_api.get(f"/attempts/{attempt['id']}/result").status_code == 409  # not finished yet
    finished = ada_api.post(f"/attempts/{attempt['id']}/finish").json()
    assert finished["status"] == "submitted" and finished["answered"] == 20
    result = ada_api.get(f"/attempts/{attempt['id']}/result").json()
    assert result["score"] == pytest.approx(1.0) and result["passed"] is True
    assert result["correct_count"] == 20 and result["report"] is None
    entry = result["review"][0]
    assert entry["status"] == "correct" and entry["answer_text"]
    assert any(part["role"] == "correct_answer" for part in entry["feedback"])
    choice = next(e for e in result["review"] if e["kind"] in ("single_choice", "multiple_choice"))
    options = next(part for part in choice["feedback"] if part["role"] == "options")["remarks"]
    assert all(option["chosen"] == option["true"] for option in options)  # ticked exactly the key
    assert all(option["good"] is not False for option in options)
    assert ada_api.get(f"/attempts/{attempt['id']}/item").status_code == 409


def test_the_saved_answer_is_shown_back_in_the_shape_it_was_sent(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    for position in range(1, 21):
        slot = slot_at(attempt["id"], position)
        sent = api_answer(slot, wrong_answer(slot.item_version.parsed))
        ada_api.answer(attempt["id"], position, sent)
        shown = ada_api.get(f"/attempts/{attempt['id']}/item", position=position).json()["saved_answer"]
        assert {k: v for k, v in shown.items() if v is not None}.keys() == sent.keys()


def test_a_malformed_answer_is_refused_with_422_and_loses_nothing(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    position = next(
        p for p in range(1, 21) if slot_at(attempt["id"], p).item_version.parsed.kind == "numeric"
    )
    slot = slot_at(attempt["id"], position)
    good = api_answer(slot, slot.item_version.parsed.key_answer())
    assert ada_api.answer(attempt["id"], position, good).status_code == 200
    for bad in (
        {"value": "twelve"},
        {"value": ""},
        {"choices": ["o1"]},
        {"nonsense": 1},
        {"dont_know": False},
    ):
        response = ada_api.answer(attempt["id"], position, bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"]
    stored = Response.objects.get()
    assert stored.correct and stored.revisions == 1
    item = ada_api.get(f"/attempts/{attempt['id']}/item", position=position).json()
    assert float(item["saved_answer"]["value"]) == pytest.approx(good["value"], rel=1e-5)


def test_malformed_answers_of_each_shape_say_what_is_wrong(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    bad_for = {
        "single_choice": ({"choices": ["o1", "o2"]}, "exactly one"),
        "multiple_choice": ({"choices": ["o99"]}, "not one of"),
        "numeric_tuple": ({"values": {"nope": "1"}}, "Unknown field"),
        "matrix": ({"cells": [["1"]]}, "rows of"),
        "ordering": ({"order": ["b1", "b1"]}, "only once"),
        "short_text": ({"value": "   "}, "empty"),
        "free_text": ({"text": " ".join(["word"] * 500)}, "words or fewer"),
    }
    for position in range(1, 21):
        kind = slot_at(attempt["id"], position).item_version.parsed.kind
        if kind in bad_for:
            bad, message = bad_for.pop(kind)
            response = ada_api.answer(attempt["id"], position, bad)
            assert response.status_code == 422 and message in response.json()["detail"], (
                kind,
                response.json(),
            )
    assert not Response.objects.exists()


def test_a_malformed_adaptive_answer_does_not_move_the_test_on(ada_api, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(skills_assessment.slug)
    assert ada_api.answer(attempt["id"], 1, {"order": ["x"], "value": "1"}).status_code == 422
    assert ada_api.answer(attempt["id"], 1, {"choices": []}).status_code == 422
    assert not Response.objects.exists() and AttemptItem.objects.count() == 1


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_finished(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    slot = slot_at(attempt["id"], 1)
    ada_api.answer(attempt["id"], 1, api_answer(slot, slot.item_version.parsed.key_answer()))
    deadline = Attempt.objects.get().deadline
    with time_machine.travel(deadline + timedelta(seconds=1)):
        late = ada_api.answer(attempt["id"], 2, {"dont_know": True})
        assert late.status_code == 409
        assert late.json()["attempt_status"] == "expired" and "after the deadline" in late.json()["detail"]
        status = ada_api.get(f"/attempts/{attempt['id']}").json()
        result = ada_api.get(f"/attempts/{attempt['id']}/result")
    assert status["status"] == "expired" and status["remaining_seconds"] == 0
    assert result.status_code == 200 and result.json()["score"] == pytest.approx(1 / 20)
    assert Response.objects.count() == 1


def test_the_attempt_list_shows_an_attempt_past_its_deadline_as_expired(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    with time_machine.travel(Attempt.objects.get().deadline + timedelta(seconds=1)):
        listed = ada_api.get("/attempts").json()
    assert [(a["id"], a["status"]) for a in listed] == [(attempt["id"], "expired")]
    assert Attempt.objects.get().status == Attempt.Status.EXPIRED


def test_a_start_over_the_retake_limit_is_refused_with_the_next_allowed_time(
    ada, ada_api, certification
) -> None:  # type: ignore[no-untyped-def]
    first = timezone.now() - timedelta(days=30)
    for day in (0, 10, 20):
        attempt = services.attempt_start(user=ada, assessment=certification, now=first + timedelta(days=day))
        services.attempt_submit(attempt=attempt, now=first + timedelta(days=day, minutes=1))
    refused = ada_api.post(f"/assessments/{certification.slug}/attempts")
    assert refused.status_code == 403
    body = refused.json()
    assert "all 3 attempts" in body["detail"]
    assert body["next_allowed"].startswith((first + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S"))


def test_starting_twice_resumes_the_open_attempt(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    first = ada_api.post(f"/assessments/{certification.slug}/attempts")
    again = ada_api.post(f"/assessments/{certification.slug}/attempts")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Attempt.objects.count() == 1
    assert [a["id"] for a in ada_api.get("/attempts").json()] == [first.json()["id"]]


def test_a_figure_is_served_to_the_token_holder(ada, ada_api, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    attempt = services.attempt_start(
        user=ada, assessment=Assessment.objects.get(slug="dl-fundamentals-cert"), now=timezone.now()
    )
    slot = next((s for s in attempt.slots.select_related("item_version") if s.item_version.figure_svg), None)
    if slot is None:
        pytest.skip("this form has no figure")
    item = ada_api.get(f"/attempts/{attempt.pk}/item", position=slot.position).json()
    response = ada_api.client.get(item["figure"]["url"], headers=ada_api._headers())
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


# --- the OpenAPI document -----------------------------------------------------------------------------------


def test_the_openapi_document_lists_exactly_the_known_operations(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    operations = sorted(
        (path, method, operation["operationId"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    )
    assert operations == OPENAPI_OPERATIONS
    assert document["components"]["securitySchemes"]["PersonalToken"]["scheme"] == "bearer"


def test_the_api_docs_are_served_as_html(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/docs")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "/api/openapi.json" in page
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()  # works offline


SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_the_openapi_document_matches_its_snapshot(client) -> None:  # type: ignore[no-untyped-def]
    """Any change to the API's schemas shows up here; after a deliberate change, rewrite the snapshot
    with ADAPTEST_UPDATE_SNAPSHOTS=1 and review its diff like code."""
    document = client.get("/api/openapi.json").json()
    if os.environ.get("ADAPTEST_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert document == json.loads(SNAPSHOT.read_text()), "the API changed: see this test's docstring"


def test_a_fixed_exam_answer_brings_the_next_position_and_none_after_the_last(ada_api, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = ada_api.start(certification.slug)
    first = ada_api.answer(attempt["id"], 1, {"dont_know": True}).json()
    assert first["next_item"]["position"] == 2
    assert first["next_item"]["stem"] == slot_at(attempt["id"], 2).item_version.parsed.stem
    last = ada_api.answer(attempt["id"], 20, {"dont_know": True}).json()
    assert last["next_item"] is None and last["attempt"]["status"] == "in_progress"

"""Schemathesis against the running app: the API answers what its OpenAPI document says, and never 5xx.

How it runs, and why: the app is driven through its WSGI entry point (``schemathesis.openapi.from_wsgi``),
the same Django stack a server runs — every middleware, the URL configuration, django-ninja — without a
socket. Unlike pytest-django's ``live_server`` (a second thread that needs a flushed, committed database),
requests then share this test's transaction, so the fixtures a request needs (a real user, a real token,
real attempts) are simply there, and nothing is left behind. It is bounded: a fixed seed, a fixed number of
examples per operation and generation mode, no example database; a run takes well under a minute on two
cores.

Each operation is fuzzed twice per mode: with every path parameter generated (mostly ids that do not exist)
and with the path parameters fixed to ada's real attempt, so the handlers behind the 404 are reached too.
Negative mode sends data the document forbids (wrong types, out-of-range integers, missing fields); those
must be refused with a declared 4xx, and every response must match the schema declared for its status.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adaptest.web.accounts.services import api_token_create
from adaptest.web.assessments import services
from adaptest.web.flashcards import selectors as card_selectors
from adaptest.web.flashcards import services as card_services
from adaptest.web.itembank.models import Assessment
from adaptest.web.matches import services as match_services
from adaptest.web.organizations import services as org_services
from adaptest.web.practice.services import practice_question_next, practice_start
from tests.web.orgs import open_campaign

pytestmark = pytest.mark.django_db

SEED = 20_260_105
EXAMPLES = 25  # per operation, generation mode and kind of path (generated or real)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def wsgi_app() -> Any:
    """The project's WSGI application, kept on this test's database connection.

    A server closes its connection at the end of each request; here that would close the connection that
    holds the test's transaction (on PostgreSQL), so, as Django's own test client does, not now.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _fuzz(operation: Any, mode: GenerationMode, auth: dict[str, str], path: dict[str, Any] | None) -> int:
    calls = 0

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as it was found
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    def run(case: Any) -> None:
        nonlocal calls
        response = case.call(headers=auth)
        calls += 1
        case.validate_response(response, checks=CHECKS, headers=auth)

    run()
    return calls


def test_the_api_keeps_to_its_openapi_document_under_fuzzing(
    ada, dan, shipped_bank, settings, wsgi_app
) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_API_THROTTLE = (1_000_000, 60)
    settings.ADAPTEST_MATCH_THROTTLE = (1_000_000, 3600)
    now = timezone.now()
    assessment = Assessment.objects.get(slug="dl-fundamentals-cert")
    attempt = services.attempt_start(user=ada, assessment=assessment, now=now)
    _, token = api_token_create(user=ada, name="schemathesis", now=now)
    auth = {"Authorization": f"Bearer {token}"}
    deck = card_selectors.deck_get(user=ada, key="deep-learning:deck-cnn")
    card = next(iter(card_services.card_identify(deck=deck).values()))
    practice = practice_start(user=ada, bank=assessment.bank, domain="cnn", now=now)
    question = practice_question_next(session=practice, now=now)
    # dan's challenge, accepted by ada, her first question shown: the match operations reach their handlers
    match = match_services.match_challenge(user=dan, scope="deck", key=deck.key, listed=False, now=now)
    match_services.match_accept(user=ada, match=match, now=now)
    match_services.match_question_next(user=ada, match=match, now=now)
    # ada admins an organisation with an open campaign: its operations reach their handlers as hers
    organization = org_services.organization_create(user=ada, name="Fuzz Co", now=now)
    campaign = open_campaign(ada, organization, assessment, now)
    real = {
        "slug": assessment.slug,
        "attempt_id": attempt.pk,
        "position": 1,
        "key": deck.key,
        "card_id": card.pk,
        "session_id": practice.pk,
        "question_id": question.pk,
        "match_id": match.pk,
        "scope": "deck",
        "organization_id": organization.pk,
        "campaign_id": campaign.pk,
    }

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 9  # every operation of the document, found by schemathesis itself
    calls = 0
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls += _fuzz(operation, mode, auth, None)
            if names and mode is GenerationMode.POSITIVE:
                calls += _fuzz(operation, mode, auth, {name: real[name] for name in names})
    assert calls > 300


def test_every_operation_declares_the_errors_any_request_can_meet(client) -> None:  # type: ignore[no-untyped-def]
    """400 (unstorable text), 401 (no valid token) and 429 (rate limit) everywhere; 404 where the path names
    something; 422 where a parameter or body must be parsed — each with the schema of its body."""
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"]
            expected = {"400", "401", "429"}
            if "{" in path:
                expected.add("404")
            parsed = [p for p in operation.get("parameters", []) if p["schema"].get("type") != "string"]
            if parsed or "requestBody" in operation:
                expected.add("422")
            assert expected <= set(declared), (method, path, sorted(declared))
            for status in expected:
                schema = declared[status]["content"]["application/json"]["schema"]
                assert schema, (method, path, status)
    throttled = document["components"]["schemas"]["ThrottledOut"]
    assert set(throttled["required"]) == {"detail", "retry_after"}

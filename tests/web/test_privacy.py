"""Data rights (issue 14 part 5): the export holds every row a person owns; deletion erases them, keeping
assessment responses anonymised for calibration and other players' match history intact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.bank import DONT_KNOW
from adaptest.web.accounts.models import Accommodation
from adaptest.web.accounts.services import api_token_create
from adaptest.web.assessments import services as assessments
from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from adaptest.web.flashcards import services as cards
from adaptest.web.flashcards.models import Card
from adaptest.web.flashcards.selectors import deck_get
from adaptest.web.itembank.models import Assessment, Bank
from adaptest.web.matches import selectors as match_selectors
from adaptest.web.matches import services as matches
from adaptest.web.matches.models import Match, MatchAnswer, MatchRun, RatingChange
from adaptest.web.organizations import services as orgs
from adaptest.web.organizations.models import CampaignAttempt, IntegritySignal
from adaptest.web.practice import services as practice
from adaptest.web.privacy.selectors import user_data_export
from adaptest.web.privacy.services import DELETED_PLAYER_NAME, user_delete
from tests.conftest import PASSWORD
from tests.web.orgs import open_campaign

pytestmark = pytest.mark.django_db

USERNAME = "zephyrine_qx"  # distinctive, so the scan cannot confuse it with item text
EMAIL = "zephyrine.qx@example.org"
DECK = "deep-learning:deck-cnn"
CHILD_PATHS = {  # owned through a parent: the lookups this test expects, written out independently
    AttemptItem: "attempt__user",
    Response: "slot__attempt__user",
    MatchAnswer: "run__user",
    RatingChange: "rating__user",
    Card: "personal_deck__owner",
    CampaignAttempt: "attempt__user",
    IntegritySignal: "attempt__user",
}


@dataclass
class World:
    person: User
    dan: User
    cora: User
    shared: Match  # the person's finished match with dan
    ghost: Match  # cora's game against a recorded run of that match
    token: str


def _play(user: User, match: Match, now: datetime, right: bool) -> datetime:
    while (question := matches.match_question_next(user=user, match=match, now=now)) is not None:
        choice = question.answer_index if right else (question.answer_index + 1) % len(question.options)
        now += timedelta(seconds=3)
        matches.match_answer(user=user, match=match, position=question.position, choice=choice, now=now)
    return now


@pytest.fixture
def world(dan, cora, shipped_bank, settings) -> World:  # type: ignore[no-untyped-def]
    """A person with rows in every app: assessments, ratings, practice, flashcards, matches, tokens."""
    settings.ADAPTEST_MATCH_THROTTLE = (1_000, 3600)
    now = timezone.now().replace(microsecond=0)
    person = get_user_model().objects.create_user(
        username=USERNAME, email=EMAIL, password=PASSWORD, first_name="Zephyrine", last_name="Qx"
    )
    _, token = api_token_create(user=person, name="laptop", now=now)
    Accommodation.objects.create(user=person, extra_time_percent=50, note="approved")
    cert = Assessment.objects.get(slug="dl-fundamentals-cert")
    finished = assessments.attempt_start(user=person, assessment=cert, now=now)
    assessments.response_save(attempt=finished, position=1, answer=DONT_KNOW, now=now)
    assessments.response_save(attempt=finished, position=2, answer=DONT_KNOW, now=now)
    assessments.attempt_submit(attempt=finished, now=now)
    assessments.item_rate(attempt=finished, position=1, stars=2, comment=f"I am {USERNAME}", now=now)
    still_open = assessments.attempt_start(user=person, assessment=cert, now=now)
    assessments.response_save(attempt=still_open, position=1, answer=DONT_KNOW, now=now)

    session = practice.practice_start(user=person, bank=Bank.objects.get(), domain="cnn", now=now)
    question = practice.practice_question_next(session=session, now=now)
    practice.practice_answer_submit(user=person, question_id=question.pk, answer=DONT_KNOW, now=now)

    deck = deck_get(user=person, key=DECK)
    card = next(iter(cards.card_identify(deck=deck).values()))
    cards.card_review(user=person, card=card, rating=3, now=now, mode="flip")
    cards.study_settings_update(user=person, desired_retention=0.85)
    cards.personal_deck_import(owner=person, title=f"{USERNAME}'s words", data=b"term\tdefinition\n", now=now)

    matches.player_update(user=person, display_name=f"{USERNAME} plays", on_leaderboards=True)
    shared = matches.match_challenge(user=dan, scope="deck", key=DECK, listed=True, now=now)
    end = _play(dan, shared, now, right=False)
    matches.match_accept(user=person, match=shared, now=end)
    end = _play(person, shared, end, right=True)
    ghost = matches.match_ghost(user=cora, scope="deck", key=DECK, now=end)
    _play(cora, ghost, end, right=True)
    matches.match_challenge(user=person, scope="deck", key=DECK, listed=True, now=end)  # open, unanswered
    _join_a_campaign(person, cora, now)
    return World(person, dan, cora, shared, ghost, token)


def _join_a_campaign(person: User, cora: User, now: datetime) -> None:
    """The person is invited by e-mail to cora's organisation, shares, and leaves signals in a campaign
    attempt; they also run an organisation of their own."""
    acme = orgs.organization_create(user=cora, name="Acme", now=now)
    skills = Assessment.objects.get(slug="dl-skills-assessment")
    campaign = open_campaign(cora, acme, skills, now)
    invitation = orgs.invitation_create(admin=cora, organization=acme, email=EMAIL, now=now)
    orgs.invitation_accept(token=invitation.token, user=person, now=now)
    orgs.accommodation_set(admin=cora, campaign=campaign, user=person, extra_time_percent=25)
    orgs.consent_decide(user=person, campaign=campaign, share=True, now=now)
    attempt = orgs.campaign_attempt_start(user=person, campaign=campaign, now=now).attempt
    orgs.signal_record(user=person, attempt_id=attempt.pk, position=1, kind="paste", now=now)
    orgs.invitation_create(admin=cora, organization=acme, email=EMAIL.upper(), now=now)  # a second, unused
    orgs.organization_create(user=person, name=f"{USERNAME}'s lab", now=now)


def _user_keys(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if (f.many_to_one or f.one_to_one) and f.concrete and f.related_model is get_user_model()
    ]


def _owned_counts(user: User) -> Iterator[tuple[str, int]]:
    """Per model with a key to the user (found here by introspection), and per child model: the user's
    rows in the database."""
    for model in apps.get_models():
        keys = _user_keys(model)
        if keys:
            match = Q()
            for key in keys:
                match |= Q(**{key: user})
            yield model._meta.label_lower, model._default_manager.filter(match).count()
    for model, path in CHILD_PATHS.items():
        yield model._meta.label_lower, model._default_manager.filter(**{path: user}).count()


# --- the export -------------------------------------------------------------------------------------------


def test_the_export_holds_every_row_the_person_owns_counted_per_model(world: World) -> None:
    export = user_data_export(user=world.person)
    counts = dict(_owned_counts(world.person))
    assert {label: len(export.get(label, [])) for label in counts} == counts
    every_app = {
        "accounts.apitoken",
        "accounts.accommodation",
        "assessments.attempt",
        "assessments.attemptitem",
        "assessments.response",
        "itembank.itemrating",
        "practice.practicesession",
        "practice.practicequestion",
        "practice.practiceresponse",
        "practice.practicerating",
        "flashcards.cardstate",
        "flashcards.review",
        "flashcards.personaldeck",
        "flashcards.card",
        "flashcards.studysettings",
        "matches.player",
        "matches.match",
        "matches.matchrun",
        "matches.matchanswer",
        "matches.matchrating",
        "matches.ratingchange",
        "organizations.membership",
        "organizations.candidate",
        "organizations.consentevent",
        "organizations.campaignattempt",
        "organizations.integritysignal",
    }
    assert every_app <= {label for label, n in counts.items() if n}  # the world reaches every app
    json.dumps(export)  # JSON as it is


def test_the_export_shows_the_account_but_no_password_hash_or_token_digest(world: World) -> None:
    export = user_data_export(user=world.person)
    (account,) = export["auth.user"]
    assert (
        account["username"] == USERNAME and account["email"] == EMAIL and account["first_name"] == "Zephyrine"
    )
    assert "password" not in account and isinstance(account["date_joined"], str)
    (token,) = export["accounts.apitoken"]
    assert token["name"] == "laptop" and "digest" not in token and world.token.startswith(token["prefix"])
    assert world.person.password not in json.dumps(export)


def test_an_open_attempts_grading_stays_out_of_the_export_until_it_is_finished(world: World) -> None:
    export = user_data_export(user=world.person)
    open_slots = set(AttemptItem.objects.filter(attempt__status="in_progress").values_list("pk", flat=True))
    responses = {r["slot_id"]: r for r in export["assessments.response"]}
    assert any(slot in responses for slot in open_slots)
    for slot, response in responses.items():
        assert ("correct" in response) is (slot not in open_slots), response


def test_another_persons_rows_are_never_in_an_export(world: World) -> None:
    mine, dans = user_data_export(user=world.person), user_data_export(user=world.dan)
    for label, rows in mine.items():
        if label in ("format", "user_id", "matches.match"):  # a match is both its players'
            continue
        theirs = {row["id"] for row in dans.get(label, [])}
        assert not theirs & {row["id"] for row in rows}, label
    assert all(r["user_id"] == world.person.pk for r in mine["matches.matchrun"])


# --- deletion ---------------------------------------------------------------------------------------------


def _text_fields(model: type[models.Model]) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField)
    return [f.name for f in model._meta.concrete_fields if isinstance(f, kinds)]


def _mentions(needle: str) -> list[str]:
    """Every row of every model whose text, character or JSON field contains ``needle``."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for name in _text_fields(model):
            hits = (
                model._default_manager.annotate(_as_text=Cast(name, TextField()))
                .filter(_as_text__icontains=needle)
                .count()
            )
            if hits:
                found.append(f"{model._meta.label}.{name}: {hits}")
    return found


def test_after_deletion_no_field_anywhere_holds_the_username_or_the_email(world: World) -> None:
    Client().post(reverse("login"), {"username": USERNAME, "password": "wrong"})  # a log-in record too
    assert _mentions(USERNAME) and _mentions(EMAIL)  # the scan sees them before
    user_delete(user=world.person, now=timezone.now())
    assert _mentions(USERNAME) == [] and _mentions(EMAIL) == []
    assert _mentions("Zephyrine") == []


def test_responses_are_kept_for_calibration_but_belong_to_nobody_identifiable(world: World) -> None:
    attempts = set(Attempt.objects.filter(user=world.person).values_list("pk", flat=True))
    responses = Response.objects.filter(slot__attempt__user=world.person).count()
    deletion = user_delete(user=world.person, now=timezone.now())
    assert deletion.attempts_kept == len(attempts) and deletion.responses_kept == responses == 3
    kept = Attempt.objects.filter(pk__in=attempts)
    assert kept.count() == len(attempts) and not kept.filter(status="in_progress").exists()  # submitted
    assert Response.objects.filter(slot__attempt__in=kept).count() == responses
    owner = deletion.placeholder
    assert set(kept.values_list("user", flat=True)) == {owner.pk}
    assert not owner.is_active and not owner.has_usable_password()
    assert owner.email == owner.first_name == owner.last_name == ""
    assert not owner.item_ratings.exists()  # the rating's comment went with the person


def test_the_other_players_match_history_and_result_still_work(world: World) -> None:
    user_delete(user=world.person, now=timezone.now())
    for player, match in ((world.dan, world.shared), (world.cora, world.ghost)):
        match.refresh_from_db()
        (entry,) = match_selectors.match_history(user=player)
        assert entry.match == match and entry.opponent_name == DELETED_PLAYER_NAME
        assert entry.outcome in ("won", "lost", "tied")
        result = match_selectors.match_result(user=player, match=match)
        assert result is not None and result.their_name == DELETED_PLAYER_NAME
    assert world.dan.match_ratings.get().changes.count() == 1
    assert not Match.objects.filter(status="open").exists()  # the open challenge went with its maker
    assert not MatchRun.objects.filter(user__username=USERNAME).exists()


def test_a_deleted_person_cannot_log_in_and_a_second_deletion_works_too(world: World) -> None:
    user_delete(user=world.person, now=timezone.now())
    assert not Client().login(username=USERNAME, password=PASSWORD)
    user_delete(user=world.dan, now=timezone.now())  # the other player of the shared match
    assert match_selectors.match_result(user=world.cora, match=world.ghost) is not None


# --- pages ------------------------------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_links_to_the_download_and_the_deletion(world: World) -> None:
    page = _signed_in(world.person).get(reverse("account")).content.decode()
    assert reverse("data_export") in page and reverse("account_delete") in page and "Your data" in page


def test_the_download_is_a_json_attachment_of_the_export(world: World) -> None:
    response = _signed_in(world.person).get(reverse("data_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="adaptest-data-')
    assert json.loads(response.content)["auth.user"][0]["username"] == USERNAME
    assert Client().get(reverse("data_export")).status_code == 302  # log-in required


def test_a_wrong_password_refuses_the_deletion_on_the_page(world: World) -> None:
    client = _signed_in(world.person)
    page = client.get(reverse("account_delete")).content.decode()
    assert "What is kept, without your name" in page
    response = client.post(reverse("account_delete"), {"password": "not it"})
    assert response.status_code == 200 and "That is not your current password" in response.content.decode()
    assert User.objects.filter(username=USERNAME).exists()


def test_deleting_on_the_page_signs_out_and_confirms(world: World) -> None:
    client = _signed_in(world.person)
    response = client.post(reverse("account_delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_deleted")
    assert "Your account is deleted" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username=USERNAME).exists()


def test_the_delete_page_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.person)
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(username=USERNAME).exists()


# --- the API ----------------------------------------------------------------------------------------------


def _api(world: World, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {world.token}"}
    send = getattr(Client(), method)
    if body is None:
        return send(f"/api{path}", headers=headers)
    return send(f"/api{path}", json.dumps(body), content_type="application/json", headers=headers)


def test_the_api_exports_the_same_rows(world: World) -> None:
    response = _api(world, "get", "/me/export")
    assert response.status_code == 200
    exported = response.json()
    assert {k: len(v) for k, v in exported.items() if isinstance(v, list)} == {
        k: len(v) for k, v in user_data_export(user=world.person).items() if isinstance(v, list)
    }


def test_the_api_deletes_only_with_the_current_password(world: World) -> None:
    assert _api(world, "delete", "/me", {"password": "not it"}).status_code == 403
    assert _api(world, "delete", "/me", {}).status_code == 422
    assert User.objects.filter(username=USERNAME).exists()
    assert _api(world, "delete", "/me", {"password": PASSWORD}).status_code == 204
    assert not User.objects.filter(username=USERNAME).exists()
    assert _api(world, "get", "/me/export").status_code == 401  # the token went with the account

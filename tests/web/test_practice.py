"""Practice: one question at a time from the practice pool, graded at once, chosen by the Elo model."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from adaptest.bank import DONT_KNOW
from adaptest.bank.generators import VALIDATION_SEEDS
from adaptest.web.assessments.kinds import fields_from_answer
from adaptest.web.assessments.models import Attempt, ExposureCounter, Response
from adaptest.web.itembank.models import PRACTICE_USES, Bank, Item, ItemVersion, Use
from adaptest.web.itembank.selectors import item_responses
from adaptest.web.practice import services
from adaptest.web.practice.models import (
    PracticeQuestion,
    PracticeRating,
    PracticeResponse,
    PracticeSession,
)
from tests.web.exam import wrong_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(shipped_bank) -> Bank:  # type: ignore[no-untyped-def]
    return Bank.objects.get(bank_id=shipped_bank.meta.id)


def _start(user: Any, bank: Bank, **choice: Any) -> PracticeSession:
    return services.practice_start(user=user, bank=bank, now=timezone.now(), **choice)


def _next(session: PracticeSession) -> PracticeQuestion:
    return services.practice_question_next(session=session, now=timezone.now())


def test_a_domain_gives_one_practice_question_at_a_time_graded_at_once(ada, bank) -> None:  # type: ignore[no-untyped-def]
    session = _start(ada, bank, domain="cnn")
    question = _next(session)

    assert _next(session) == question  # asking again gives the same question until it is answered
    assert question.item_version.use in PRACTICE_USES and question.item_version.domain == "cnn"
    item = question.item_version.parsed
    later = question.shown_at + timedelta(seconds=42)
    answer = services.practice_answer_submit(
        user=ada, question_id=question.pk, answer=item.key_answer(), now=later
    )

    assert answer.outcome.correct and not answer.replay
    response = answer.response
    assert (response.correct, response.score, response.seconds) == (True, 1.0, 42.0)
    assert response.item_version == question.item_version and response.user == ada
    assert _next(session) != question


def test_asking_again_for_the_waiting_question_and_answering_twice_count_once(ada, bank) -> None:  # type: ignore[no-untyped-def]
    question = _next(_start(ada, bank, domain="foundations"))
    first = services.practice_answer_submit(
        user=ada, question_id=question.pk, answer=DONT_KNOW, now=timezone.now()
    )
    again = services.practice_answer_submit(
        user=ada,
        question_id=question.pk,
        answer=question.item_version.parsed.key_answer(),
        now=timezone.now(),
    )

    assert again.replay and again.response == first.response and not again.outcome.correct
    assert PracticeResponse.objects.filter(question=question).count() == 1
    rating = PracticeRating.objects.get(user=ada, domain="foundations")
    assert rating.updates == 1 and rating.rating < 0  # one "I don't know yet", counted once


def test_practice_never_draws_a_secure_item_and_no_learner_meets_an_item_twice_while_others_remain(
    ada, bank
) -> None:  # type: ignore[no-untyped-def]
    session = _start(ada, bank, domain="llm_and_scale")
    hand_written = set(
        Item.objects.filter(
            bank=bank,
            is_active=True,
            current_version__use=Use.PRACTICE,
            current_version__domain="llm_and_scale",
            variant_versions=[],  # not a generator family
        ).values_list("pk", flat=True)
    )
    given = []
    for n in range(len(hand_written) + 15):
        question = _next(session)
        right = n % 3 != 2  # two right, one wrong: the rating stays where the hand-written items are
        item = question.item_version.parsed
        services.practice_answer_submit(
            user=ada,
            question_id=question.pk,
            answer=item.key_answer() if right else DONT_KNOW,
            now=timezone.now(),
        )
        given.append(question.item_version)

    assert all(v.use in PRACTICE_USES for v in given) and not any(v.use == Use.SECURE for v in given)
    hand_written_given = [v.item_id for v in given if v.item_id in hand_written]
    assert len(hand_written_given) >= 3  # the test meets some: none of them twice
    assert len(set(hand_written_given)) == len(
        hand_written_given
    )  # the families keep the pool from running out


def test_a_family_gives_a_fresh_variant_stored_as_a_version_in_the_familys_pool(ada, bank) -> None:  # type: ignore[no-untyped-def]
    families = {
        item.pk: item
        for item in Item.objects.filter(bank=bank)
        .exclude(variant_versions=[])
        .select_related("current_version")
    }
    session = _start(ada, bank, domain="cnn")
    variants = []
    for _ in range(30):  # wrong answers lead to the easiest items: the hand-written ones run out
        question = _next(session)
        services.practice_answer_submit(
            user=ada, question_id=question.pk, answer=DONT_KNOW, now=timezone.now()
        )
        if question.item_version.item_id in families:
            variants.append(question.item_version)

    assert Use.PRACTICE in {v.use for v in variants}, "the easiest rungs of the ladder were never drawn"
    for version in variants:
        family = families[version.item_id]
        seed = int(version.data["id"].split("~")[1])
        assert seed not in VALIDATION_SEEDS and version.pk not in family.variant_versions
        assert (
            version.use == family.current_version.use
        )  # a practice-only family's variants stay out of tests
        family.refresh_from_db()
        assert version.pk not in family.variant_versions  # assessments still give the validated ones


def test_practice_answers_change_no_exposure_count_calibration_input_percentile_or_retake(
    ada, dan, bank
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.assessments.selectors import _reference_abilities, retake_status
    from adaptest.web.itembank.models import Assessment

    skills_assessment = Assessment.objects.get(slug="dl-skills-assessment")
    before = (
        list(ExposureCounter.objects.values_list("assessment_id", "item_id", "count")),
        Attempt.objects.count(),
        Response.objects.count(),
        item_responses(bank=bank).data.n_observations,
        retake_status(user=ada, assessment=skills_assessment, now=timezone.now()).used,
    )
    for domain in ("cnn", "foundations"):
        session = _start(ada, bank, domain=domain)
        for _ in range(8):
            question = _next(session)
            services.practice_answer_submit(
                user=ada,
                question_id=question.pk,
                answer=question.item_version.parsed.key_answer(),
                now=timezone.now(),
            )
    after = (
        list(ExposureCounter.objects.values_list("assessment_id", "item_id", "count")),
        Attempt.objects.count(),
        Response.objects.count(),
        item_responses(bank=bank).data.n_observations,
        retake_status(user=ada, assessment=skills_assessment, now=timezone.now()).used,
    )
    assert after == before
    assert PracticeResponse.objects.filter(user=ada).count() == 16
    dans_attempt = Attempt(user=dan, assessment=skills_assessment)
    assert _reference_abilities(dans_attempt) == []  # practice gives nobody a percentile reference


def test_the_study_plan_needs_a_finished_assessment_and_then_practises_its_skills(ada, bank) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.assessments.selectors import attempt_result
    from adaptest.web.assessments.services import attempt_start, attempt_submit, response_submit
    from adaptest.web.itembank.models import Assessment

    with pytest.raises(services.PracticeError, match="no study plan"):
        _start(ada, bank, study_plan=True)
    now = timezone.now()
    attempt = attempt_start(user=ada, assessment=Assessment.objects.get(slug="dl-skills-assessment"), now=now)
    for position in range(1, 4):
        response_submit(user=ada, attempt_id=attempt.pk, position=position, answer=DONT_KNOW, now=now)
    attempt_submit(attempt=attempt, now=now)
    plan = [s.skill_id for s in attempt_result(attempt=attempt).study_plan]

    session = _start(ada, bank, study_plan=True)

    assert session.skills == plan and session.title.startswith("My study plan")
    question = _next(session)
    assert set(question.item_version.parsed.skills) & set(plan)


def test_practise_it_starts_with_that_item_and_refuses_a_secure_one(ada, bank) -> None:  # type: ignore[no-untyped-def]
    practice = Item.objects.filter(bank=bank, current_version__use=Use.PRACTICE).first()
    secure = Item.objects.filter(bank=bank, current_version__use=Use.SECURE).first()
    assert practice is not None and secure is not None

    session = _start(ada, bank, item_id=practice.item_id)

    assert _next(session).item_version_id == practice.current_version_id
    assert session.skills == practice.current_version.data["skills"]
    with pytest.raises(services.PracticeError, match="not one kept for practice"):
        _start(ada, bank, item_id=secure.item_id)


# --- pages ------------------------------------------------------------------------------------------------


def _form(question: PracticeQuestion, answer: Any) -> dict[str, list[str]]:
    item = question.item_version.parsed
    return fields_from_answer(item, item.presentation(question.display_seed), answer)


def test_a_learner_practises_on_the_pages_and_sees_each_answer_explained_at_once(client, ada, bank) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    home = client.get(reverse("practice"))
    assert home.status_code == 200 and "Choose what to practise" in home.content.decode()

    started = client.post(
        reverse("practice_start"), {"bank": bank.bank_id, "choice": "domain", "domain": "cnn"}
    )
    session = PracticeSession.objects.get(user=ada)
    assert started["Location"] == reverse("practice_session", args=[session.pk])
    shown = client.get(started["Location"])
    question = PracticeQuestion.objects.get(session=session)
    assert shown["Location"] == reverse("practice_question", args=[question.pk])
    page = client.get(shown["Location"]).content.decode()
    assert "Practice question 1" in page and "Submit answer" in page

    item = question.item_version.parsed
    empty = client.post(shown["Location"], {"action": "submit"})
    assert empty.status_code == 422 and "Enter an answer" in empty.content.decode()
    wrong = client.post(shown["Location"], {**_form(question, wrong_answer(item)), "action": "submit"})
    text = wrong.content.decode()
    assert wrong.status_code == 200 and ("✗ Incorrect" in text or "Partly correct" in text)
    assert "Correct answer" in text and "Next question" in text
    again = client.get(shown["Location"]).content.decode()  # GET: the same feedback, nothing changed
    assert ("✗ Incorrect" in again or "Partly correct" in again) and "Submit answer" not in again

    following = client.get(reverse("practice_session", args=[session.pk]))
    second = PracticeQuestion.objects.get(session=session, position=2)
    assert following["Location"] == reverse("practice_question", args=[second.pk])
    right = client.post(following["Location"], {**_form(second, second.item_version.parsed.key_answer())})
    assert "✓ Correct" in right.content.decode()
    third = PracticeQuestion.objects.get(
        pk=client.get(reverse("practice_session", args=[session.pk]))["Location"].split("/")[-2]
    )
    dont_know = client.post(reverse("practice_question", args=[third.pk]), {"action": "dont_know"})
    assert "I don't know yet" in dont_know.content.decode()

    progress = client.get(reverse("practice")).content.decode()
    assert "after 3 answers, 1 right" in progress and "Questions practised per skill" in progress


def test_the_practice_page_shows_the_questions_figure_with_its_description(client, ada, bank) -> None:  # type: ignore[no-untyped-def]
    practice = Item.objects.filter(bank=bank, current_version__use=Use.PRACTICE).select_related(
        "current_version"
    )
    with_figure = next((i for i in practice if i.current_version.data.get("figure")), None)
    assert with_figure is not None
    question = _next(_start(ada, bank, item_id=with_figure.item_id))
    figure = question.item_version.parsed.figure
    assert figure is not None
    client.force_login(ada)
    page = client.get(reverse("practice_question", args=[question.pk])).content.decode()
    assert f'<img src="{reverse("practice_figure", args=[question.pk])}" alt="{escape(figure.alt)}">' in page


def test_practice_pages_are_for_their_owner_only(client, ada, dan, bank) -> None:  # type: ignore[no-untyped-def]
    question = _next(_start(ada, bank, domain="cnn"))
    assert client.get(reverse("practice")).status_code == 302  # signed out: to the login page
    client.force_login(dan)
    for url in (
        reverse("practice_session", args=[question.session_id]),
        reverse("practice_question", args=[question.pk]),
        reverse("practice_figure", args=[question.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("practice_question", args=[question.pk]), {"action": "dont_know"}).status_code
        == 404
    )
    assert not PracticeResponse.objects.exists()


def test_the_skill_page_offers_to_practise_each_of_its_practice_questions(client, ada, bank) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    page = client.get(reverse("skill", args=[bank.bank_id, "cnn-pooling"])).content.decode()
    assert "Practise it" in page and "coming" not in page
    practice_ids = [
        v.item.item_id
        for v in ItemVersion.objects.filter(item__bank=bank, use=Use.PRACTICE).select_related("item")
        if "cnn-pooling" in v.data["skills"]
    ]
    started = client.post(
        reverse("practice_start"), {"bank": bank.bank_id, "choice": "item", "item": practice_ids[0]}
    )
    session = PracticeSession.objects.get(user=ada)
    assert started.status_code == 302 and "cnn-pooling" in session.skills  # the item's skills
    assert session.questions.get().item_version.item.item_id == practice_ids[0]


def test_a_bad_choice_is_explained_on_the_practice_page(client, ada, bank) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    for data in ({"choice": "skills"}, {"choice": "domain", "domain": "astrology"}, {"choice": "study_plan"}):
        response = client.post(reverse("practice_start"), {"bank": bank.bank_id, **data}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("practice")
        assert 'class="message error"' in response.content.decode()
    assert not PracticeSession.objects.exists()


# --- the API ---------------------------------------------------------------------------------------------


@pytest.fixture
def ada_api(ada):  # type: ignore[no-untyped-def]
    from tests.web.test_api import Api

    return Api(ada)


def test_a_learner_practises_through_the_api_with_the_feedback_in_the_answer(ada_api, bank) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_api import api_answer
    from tests.web.test_no_key_leak import _secrets

    started = ada_api.post("/practice/sessions", {"domain": "cnn"})
    assert started.status_code == 201, started.content
    session_id = started.json()["id"]
    item = ada_api.get(f"/practice/sessions/{session_id}/item")
    assert item.status_code == 200
    body = item.json()
    question = PracticeQuestion.objects.select_related("item_version").get(pk=body["question_id"])
    parsed = question.item_version.parsed
    assert not any(secret in item.content.decode() for secret in _secrets(parsed))
    assert ada_api.get(f"/practice/sessions/{session_id}/item").json()["question_id"] == body["question_id"]

    answered = ada_api.post(
        f"/practice/questions/{question.pk}/answer", {"answer": api_answer(question, parsed.key_answer())}
    )
    assert answered.status_code == 200, answered.content
    result = answered.json()
    assert (result["status"], result["correct"], result["score"], result["replay"]) == (
        "correct",
        True,
        1.0,
        False,
    )
    assert any(part["role"] == "correct_answer" for part in result["feedback"])
    again = ada_api.post(f"/practice/questions/{question.pk}/answer", {"answer": {"dont_know": True}})
    assert again.json()["replay"] and again.json()["correct"]

    stats = ada_api.get("/practice/stats").json()
    cnn = next(d for d in stats if d["id"] == "cnn")
    assert cnn["answers"] == 1 and cnn["correct"] == 1 and len(cnn["history"]) == 1 and cnn["skills"]


def test_the_practice_api_refuses_bad_choices_and_answers_and_hides_others_questions(
    ada_api, dan, bank
) -> None:  # type: ignore[no-untyped-def]
    assert ada_api.post("/practice/sessions", {}).status_code == 422
    assert ada_api.post("/practice/sessions", {"domain": "cnn", "skills": ["cnn-pooling"]}).status_code == 422
    assert ada_api.post("/practice/sessions", {"domain": "astrology"}).status_code == 409
    assert ada_api.post("/practice/sessions", {"study_plan": True}).status_code == 409
    session_id = ada_api.post("/practice/sessions", {"domain": "cnn"}).json()["id"]
    question_id = ada_api.get(f"/practice/sessions/{session_id}/item").json()["question_id"]
    bad = ada_api.post(f"/practice/questions/{question_id}/answer", {"answer": {"cells": [["x"]]}})
    assert bad.status_code == 422 and not PracticeResponse.objects.exists()

    others = _next(_start(dan, bank, domain="cnn"))
    assert ada_api.get(f"/practice/sessions/{others.session_id}/item").status_code == 404
    assert (
        ada_api.post(f"/practice/questions/{others.pk}/answer", {"answer": {"dont_know": True}}).status_code
        == 404
    )
    assert not PracticeResponse.objects.filter(question=others).exists()


def test_the_practice_stats_refuse_a_misspelt_or_unknown_bank_instead_of_answering_for_another(
    ada_api, bank
) -> None:  # type: ignore[no-untyped-def]
    misspelt = ada_api.get("/practice/stats", bnak="deep-learning")
    assert misspelt.status_code == 422 and misspelt.json()["detail"] == "Unknown query parameter(s): bnak."
    assert ada_api.get("/practice/stats", bank="no-such-bank").status_code == 404
    assert ada_api.get("/practice/stats", bank="deep-learning").status_code == 200
    unknown = ada_api.post("/practice/sessions", {"bank": "no-such-bank", "domain": "cnn"})
    assert unknown.status_code == 404  # not a session in another bank

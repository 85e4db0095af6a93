"""free_text on the web: answers the rubric cannot place wait for a person, whose score replaces the
automatic one; such items stay out of the adaptive pool until calibrated."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.web.assessments import engine
from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.assessments.services import attempt_start, attempt_submit, response_submit
from adaptest.web.itembank.models import Assessment, Bank, Item, ItemParameters, ItemVersion
from adaptest.web.itembank.selectors import item_responses
from adaptest.web.practice.models import PracticeResponse
from adaptest.web.practice.services import practice_answer_submit, practice_question_next, practice_start
from adaptest.web.reviews.services import ReviewError, response_review
from tests.conftest import PASSWORD
from tests.web.test_api import Api

pytestmark = pytest.mark.django_db

URL = "/staff/reviews/"
BAYESOPT = "imp-explain-bayesopt-vs-grid"
DROPOUT = "imp-explain-dropout-inference"
PARAPHRASE = (  # 20 words that meet no criterion: queued
    "Bayesian optimisation builds a probabilistic picture of how hyperparameters relate to validation "
    "quality and spends effort where improvement looks likely."
)
# 1 of 6 points, queued: "no units are dropped" is half of a concept of "off at inference"
NEGATED = "Dropout randomly drops units in training. At inference no units are dropped."


def _login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _practice_answer(user: User, item_id: str, text: str, now: Any) -> PracticeResponse:
    session = practice_start(user=user, bank=Bank.objects.get(), now=now, item_id=item_id)
    question = practice_question_next(session=session, now=now)
    return practice_answer_submit(user=user, question_id=question.pk, answer=text, now=now).response


@pytest.fixture
def exam(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    """A fixed exam of the dropout free_text item and one choice item, passed at 50%."""
    return Assessment.objects.create(
        bank=Bank.objects.get(),
        slug="written-exam",
        title="Written exam",
        kind="fixed",
        time_limit_seconds=3600,
        pass_mark=0.5,
        forms={"A": [DROPOUT, "imp-bayesopt-when-worth"]},
    )


@pytest.fixture
def queued(shipped_bank, ada, exam) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Ada's queued practice answer (first) and her finished exam with a queued answer (second)."""
    now = timezone.now()
    practice = _practice_answer(ada, BAYESOPT, PARAPHRASE, now - timedelta(minutes=10))
    attempt = attempt_start(user=ada, assessment=exam, now=now - timedelta(minutes=5))
    response_submit(
        user=ada, attempt_id=attempt.pk, position=1, answer=NEGATED, now=now - timedelta(minutes=4)
    )
    wrong = next(o.id for o in _item("imp-bayesopt-when-worth").options if not o.correct)
    response_submit(user=ada, attempt_id=attempt.pk, position=2, answer=wrong, now=now - timedelta(minutes=4))
    attempt_submit(attempt=attempt, now=now - timedelta(minutes=3))
    return {"practice": practice, "exam": Response.objects.get(slot__attempt=attempt, slot__position=1)}


def _item(item_id: str) -> Any:
    current = Item.objects.select_related("current_version").get(item_id=item_id).current_version
    assert current is not None
    return current.parsed


# --- what the answer services store ----------------------------------------------------------------------


def test_a_doubtful_practice_answer_is_stored_waiting_for_review_and_says_so(
    client, ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    response = _practice_answer(ada, BAYESOPT, PARAPHRASE, timezone.now())
    assert (response.needs_review, response.score, response.auto_score, response.reviewed_at) == (
        True,
        0.0,
        None,
        None,
    )
    client.force_login(ada)
    page = client.get(reverse("practice_question", args=[response.question_id])).content.decode()
    assert "Waiting for a person to check this answer" in page
    assert "A person will check this answer" in page


def test_a_short_wrong_practice_answer_is_not_queued(ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    response = _practice_answer(ada, BAYESOPT, "It is faster.", timezone.now())
    assert not response.needs_review and response.score == 0.0


def test_an_exam_answer_is_queued_only_once_its_attempt_is_over(ben, ada, exam) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    attempt = attempt_start(user=ada, assessment=exam, now=now)
    saved = response_submit(user=ada, attempt_id=attempt.pk, position=1, answer=NEGATED, now=now)
    assert saved.response.needs_review and saved.response.score == pytest.approx(1 / 6)
    page = _login(ben).get(URL).content.decode()
    assert "No answers are waiting" in page
    with pytest.raises(ReviewError, match="still in progress"):
        response_review(response=saved.response, reviewer=ben, criteria_met=["scaling"], now=now)
    # changing the answer to a clear one clears the doubt
    clear = response_submit(
        user=ada, attempt_id=attempt.pk, position=1, answer="It makes training faster.", now=now
    )
    assert not clear.response.needs_review


# --- the queue page ---------------------------------------------------------------------------------------


def test_the_url_is_named_review_queue() -> None:
    assert reverse("review_queue") == URL


def test_staff_see_queued_practice_and_exam_answers_oldest_first_without_the_learner(ben, queued) -> None:  # type: ignore[no-untyped-def]
    response = _login(ben).get(URL)
    assert response.status_code == 200
    tasks = response.context["tasks"]
    assert [(t.source, t.pk) for t in tasks] == [
        ("practice", queued["practice"].pk),
        ("exam", queued["exam"].pk),
    ]
    assert response.context["waiting"] == 2
    html = response.content.decode()
    assert "Bayesian optimisation builds a probabilistic picture" in html and "At inference no units" in html
    assert "Fits a surrogate model that predicts the validation score" in html  # the rubric, for staff
    assert "meet no criterion" in html and "part of a concept is there" in html  # why each is queued
    # the learner's username as a word (a random CSRF token may hold the letters "ada")
    assert not re.search(r"\bada\b", html, re.IGNORECASE)
    assert html.count('name="csrfmiddlewaretoken"') >= 2
    # the automatic result is ticked in advance: the dropout answer met "random-zeroing" only
    assert 'value="random-zeroing" id="met-2-random-zeroing" checked' in html
    assert 'value="scaling" id="met-2-scaling">' in html


def test_learners_get_403_and_anonymous_visitors_the_login_page(ada, queued) -> None:  # type: ignore[no-untyped-def]
    learner = _login(ada)
    assert learner.get(URL).status_code == 403
    save = reverse("review_save", args=["exam", queued["exam"].pk])
    assert learner.post(save, {"met": ["scaling"]}).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert Client().post(save, {"met": ["scaling"]}).status_code == 302
    assert Response.objects.get(pk=queued["exam"].pk).needs_review  # nothing changed


def test_the_service_checks_staff_too(ada, queued) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        response_review(response=queued["exam"], reviewer=ada, criteria_met=[], now=timezone.now())


def test_the_review_form_needs_its_csrf_token(ben, queued) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=ben.username, password=PASSWORD)
    response = client.post(reverse("review_save", args=["exam", queued["exam"].pk]), {"met": ["scaling"]})
    assert response.status_code == 403
    assert Response.objects.get(pk=queued["exam"].pk).needs_review


# --- a person's score --------------------------------------------------------------------------------------


def test_a_reviewers_ticks_replace_an_exam_answers_score_and_the_exams_score_and_pass(
    ben, ada, queued
) -> None:  # type: ignore[no-untyped-def]
    attempt = Attempt.objects.get(user=ada)
    assert (attempt.score, attempt.passed) == (pytest.approx(1 / 12), False)  # 1/6 and 0 over 2
    client = _login(ben)
    save = reverse("review_save", args=["exam", queued["exam"].pk])
    response = client.post(save, {"met": ["random-zeroing", "off-at-inference", "regularises"]})
    assert response.status_code == 302 and response["Location"] == URL
    stored = Response.objects.get(pk=queued["exam"].pk)
    assert (stored.score, stored.correct, stored.auto_score, stored.needs_review) == (
        pytest.approx(4 / 6),
        False,
        pytest.approx(1 / 6),
        False,
    )
    assert stored.reviewed_by == ben and stored.reviewed_at is not None
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (pytest.approx(2 / 6), False)
    # every criterion: the exam's score passes the mark
    client.post(save, {"met": ["random-zeroing", "regularises", "off-at-inference", "scaling"]})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (pytest.approx(0.5), True)
    assert "No answers are waiting" not in client.get(URL).content.decode()  # the practice one still is


def test_resubmitting_the_review_form_creates_nothing_twice_and_keeps_the_first_automatic_score(
    ben, queued
) -> None:  # type: ignore[no-untyped-def]
    client = _login(ben)
    save = reverse("review_save", args=["practice", queued["practice"].pk])
    counts = (Response.objects.count(), PracticeResponse.objects.count(), Attempt.objects.count())
    for _ in range(2):
        assert client.post(save, {"met": ["surrogate", "history"]}).status_code == 302
    stored = PracticeResponse.objects.get(pk=queued["practice"].pk)
    assert (stored.score, stored.correct, stored.auto_score) == (pytest.approx(4 / 6), False, 0.0)
    client.post(save, {"met": ["surrogate", "history", "acquisition", "grid-waste"]})  # a change of mind
    stored.refresh_from_db()
    assert (stored.score, stored.correct, stored.auto_score) == (1.0, True, 0.0)
    assert (Response.objects.count(), PracticeResponse.objects.count(), Attempt.objects.count()) == counts
    assert [t.source for t in client.get(URL).context["tasks"]] == ["exam"]


def test_a_practice_review_leaves_the_elo_rating_as_it_was(ben, queued) -> None:  # type: ignore[no-untyped-def]
    before = PracticeResponse.objects.get(pk=queued["practice"].pk).rating_after
    response_review(response=queued["practice"], reviewer=ben, criteria_met=["surrogate"], now=timezone.now())
    assert PracticeResponse.objects.get(pk=queued["practice"].pk).rating_after == before


def test_unknown_criteria_are_refused_and_change_nothing(ben, queued) -> None:  # type: ignore[no-untyped-def]
    client = _login(ben)
    response = client.post(
        reverse("review_save", args=["exam", queued["exam"].pk]), {"met": ["nope"]}, follow=True
    )
    assert "no criterion &#x27;nope&#x27;" in response.content.decode()
    assert Response.objects.get(pk=queued["exam"].pk).needs_review
    assert client.post(reverse("review_save", args=["other", 1]), {}).status_code == 404


def test_the_learner_sees_waiting_then_checked_by_a_person_with_the_human_score(
    client, ben, ada, queued
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    attempt = Attempt.objects.get(user=ada)
    review = reverse("review", args=[attempt.pk, 1])
    page = client.get(review).content.decode()
    assert "Waiting for a person to check this answer" in page
    response_review(
        response=queued["exam"],
        reviewer=ben,
        criteria_met=["random-zeroing", "off-at-inference"],
        now=timezone.now(),
    )
    page = client.get(review).content.decode()
    assert "Checked by a person: 50% credit, replacing the automatic 17%" in page
    assert "Waiting for a person" not in page and "A person will check this answer" not in page
    assert "Partly correct" in page
    practice = client.get(
        reverse("practice_question", args=[queued["practice"].question_id])
    ).content.decode()
    assert "Waiting for a person to check this answer" in practice


def test_the_api_review_says_pending_then_checked(ben, ada, queued) -> None:  # type: ignore[no-untyped-def]
    api = Api(ada)
    attempt = Attempt.objects.get(user=ada)
    entry = api.get(f"/attempts/{attempt.pk}/result").json()["review"][0]
    assert (entry["human_check"], entry["score"]) == ("pending", pytest.approx(1 / 6))
    response_review(response=queued["exam"], reviewer=ben, criteria_met=["scaling"], now=timezone.now())
    entry = api.get(f"/attempts/{attempt.pk}/result").json()["review"][0]
    assert (entry["human_check"], entry["score"], entry["status"]) == (
        "checked",
        pytest.approx(2 / 6),
        "partial",
    )


def test_the_practice_api_shows_a_free_text_item_without_its_rubric(ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    api = Api(ada)
    session = api.post("/practice/sessions", {"item": DROPOUT}).json()
    body = api.get(f"/practice/sessions/{session['id']}/item").json()
    item = body["item"]
    assert (item["kind"], item["max_words"]) == ("free_text", 120)
    text = str(body)
    for secret in ("random-zeroing", "co adapt", "inverted dropout", "Keeps the expected activation", "Yes:"):
        assert secret not in text
    answered = api.post(f"/practice/questions/{body['question_id']}/answer", {"answer": {"text": NEGATED}})
    assert answered.status_code == 200 and answered.json()["human_check"] == "pending"
    too_long = api.post(f"/practice/questions/{body['question_id']}/answer", {"answer": {"text": "x"}})
    assert too_long.json()["replay"] is True  # answered once: the first result stands


# --- the adaptive pool --------------------------------------------------------------------------------------


def test_the_adaptive_pool_leaves_out_an_uncalibrated_free_text_item_and_takes_it_once_calibrated(
    shipped_bank,
) -> None:  # type: ignore[no-untyped-def]
    assessment = Assessment.objects.get(slug="dl-skills-assessment")
    assert "improving_networks" in assessment.blueprint
    item = Item.objects.get(item_id=DROPOUT)
    ItemVersion.objects.filter(pk=item.current_version_id).update(use="secure")  # as if written for exams
    parameters, _ = ItemParameters.objects.get_or_create(item=item)
    parameters.source = ItemParameters.Source.HINT
    parameters.save()
    assert engine._build(assessment).index_of(item.pk) is None
    parameters.source, parameters.a, parameters.b = ItemParameters.Source.CALIBRATION, 1.2, 0.3
    parameters.save()
    test = engine._build(assessment)
    row = test.index_of(item.pk)
    assert row is not None and test.calibrated[row]


def test_calibration_waits_for_a_persons_score(ben, queued) -> None:  # type: ignore[no-untyped-def]
    dropout = Item.objects.get(item_id=DROPOUT).pk
    assert dropout not in item_responses().item_pks
    response_review(response=queued["exam"], reviewer=ben, criteria_met=["scaling"], now=timezone.now())
    assert dropout in item_responses().item_pks


def test_a_reviewed_answer_stays_in_the_learners_data_export_not_the_reviewers(ben, ada, queued) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.privacy.selectors import user_data_export

    response_review(response=queued["exam"], reviewer=ben, criteria_met=[], now=timezone.now())
    response_review(response=queued["practice"], reviewer=ben, criteria_met=[], now=timezone.now())
    learner, reviewer = user_data_export(user=ada), user_data_export(user=ben)
    assert len(learner["assessments.response"]) == 2 and len(learner["practice.practiceresponse"]) == 1
    assert not reviewer.get("assessments.response") and not reviewer.get("practice.practiceresponse")


def test_a_learner_writes_a_practice_answer_on_the_page_within_the_word_limit(
    client, ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    now = timezone.now()
    question = practice_question_next(
        session=practice_start(user=ada, bank=Bank.objects.get(), now=now, item_id=DROPOUT), now=now
    )
    url = reverse("practice_question", args=[question.pk])
    page = client.get(url).content.decode()
    assert '<textarea name="text" id="answer-text"' in page and "at most 120 words" in page
    too_long = client.post(url, {"text": "word " * 121})
    assert too_long.status_code == 422
    assert "121 words; keep it to 120 words or fewer" in too_long.content.decode()
    assert "word word word" in too_long.content.decode()  # kept, to shorten
    assert not PracticeResponse.objects.exists()
    good = (
        "Dropout randomly zeroes units in training, which regularises the network. At test time it is "
        "switched off, and inverted dropout divides the kept activations by 1 - p in training."
    )
    feedback = client.post(url, {"text": good}).content.decode()
    assert "✓ Correct" in feedback and "Waiting for a person" not in feedback
    assert "Met: 2 points" in feedback and "A full answer covers" in feedback

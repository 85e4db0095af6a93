"""Taking the certification exam through its pages: start, answer, resume, deadline, submit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from adaptest.web.assessments.models import Attempt, Response
from tests.web.exam import item_at, post_answer, question_url, start, wrong_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_client(client, ada):  # type: ignore[no-untyped-def]
    client.force_login(ada)
    return client


def test_taking_an_exam_needs_an_account(client, certification) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("assessment", args=[certification.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_home_page_says_what_adaptest_is_and_lists_the_exam(client, certification) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").content.decode()
    assert "measures your deep-learning skills" in html
    assert "Deep Learning Fundamentals — Certification Exam" in html
    assert "20 questions" in html and "30 minutes" in html and "70% to pass" in html


def test_starting_freezes_twenty_questions_and_a_server_deadline(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    before = timezone.now()
    attempt = start(ada_client, certification)
    assert attempt.slots.count() == 20
    assert timedelta(minutes=29, seconds=59) <= attempt.deadline - before <= timedelta(minutes=30, seconds=5)
    page = ada_client.get(question_url(attempt, 1)).content.decode()
    assert "Question 1 of 20" in page and "0 of 20 answered" in page and "I don't know yet" in page


def test_coming_back_resumes_the_open_attempt_where_it_was(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    ada_client.get(question_url(attempt, 7))
    again = ada_client.post(reverse("attempt_start", args=[certification.slug]))
    assert again["Location"] == question_url(attempt, 7)
    assert Attempt.objects.count() == 1
    assert (
        "Resume the exam" in ada_client.get(reverse("assessment", args=[certification.slug])).content.decode()
    )


def test_answers_can_be_changed_until_the_exam_is_submitted(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    item = item_at(attempt, 1)
    post_answer(ada_client, attempt, 1, wrong_answer(item))
    post_answer(ada_client, attempt, 1, item.key_answer())
    response = Response.objects.get()
    assert (response.correct, response.score, response.revisions) == (True, 1.0, 2)
    assert "1 of 20 answered" in ada_client.get(question_url(attempt, 2)).content.decode()


def test_a_replayed_post_stores_one_response(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    item = item_at(attempt, 3)
    for _ in range(3):  # double click, refresh, replay
        post_answer(ada_client, attempt, 3, item.key_answer())
    response = Response.objects.get()
    assert response.revisions == 1


def test_navigation_buttons_save_and_move(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    assert post_answer(ada_client, attempt, 2, item_at(attempt, 2).key_answer(), action="previous")[
        "Location"
    ] == question_url(attempt, 1)
    assert post_answer(ada_client, attempt, 2, None, action="goto-17")["Location"] == question_url(
        attempt, 17
    )
    assert post_answer(ada_client, attempt, 20, None, action="next")["Location"] == reverse(
        "submit", args=[attempt.pk]
    )
    assert Response.objects.count() == 1


def test_dont_know_is_stored_distinguishably_and_scores_zero(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    ada_client.post(question_url(attempt, 4), {"action": "dont_know"})
    response = Response.objects.get()
    assert (response.dont_know, response.answer, response.score, response.correct) == (True, None, 0.0, False)


def test_a_malformed_answer_is_refused_with_a_message_and_the_entry_is_kept(
    ada_client, certification
) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    position = next(p for p in range(1, 21) if item_at(attempt, p).kind == "numeric")
    response = ada_client.post(question_url(attempt, position), {"value": "0,5", "action": "next"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "decimal comma" in html and 'value="0,5"' in html
    assert not Response.objects.exists()


def test_two_ordering_blocks_at_one_position_are_refused(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    position = next(p for p in range(1, 21) if item_at(attempt, p).kind == "ordering")
    data = {"position-b1": "1", "position-b2": "1", "action": "next"}
    response = ada_client.post(question_url(attempt, position), data)
    assert response.status_code == 422
    assert "both at position 1" in response.content.decode()


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_finished(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    post_answer(ada_client, attempt, 1, item_at(attempt, 1).key_answer())
    with time_machine.travel(attempt.deadline + timedelta(seconds=1)):
        response = post_answer(ada_client, attempt, 2, item_at(attempt, 2).key_answer())
        assert response["Location"] == reverse("result", args=[attempt.pk])
        page = ada_client.get(response["Location"]).content.decode()
    assert "Time is up" in page and "was not saved" in page
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert Response.objects.count() == 1
    assert attempt.score == pytest.approx(1 / 20)


def test_opening_an_expired_attempt_finishes_it_with_what_was_saved(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    with time_machine.travel(attempt.deadline + timedelta(minutes=5)):
        response = ada_client.get(question_url(attempt, 1), follow=True)
    assert response.redirect_chain[-1][0] == reverse("result", args=[attempt.pk])
    assert "Time is up" in response.content.decode()


def test_submitting_scores_the_exam_and_applies_the_pass_mark(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    for position in range(1, 15):  # 14 of 20 right = 70%: exactly the pass mark
        post_answer(ada_client, attempt, position, item_at(attempt, position).key_answer())
    ada_client.post(reverse("submit", args=[attempt.pk]))
    ada_client.post(reverse("submit", args=[attempt.pk]))  # a second submit changes nothing
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == (Attempt.Status.SUBMITTED, True)
    assert attempt.score == pytest.approx(0.7)
    html = ada_client.get(reverse("result", args=[attempt.pk])).content.decode()
    assert "70%" in html and "Passed" in html
    for title in (
        "Neural-network foundations",
        "Improving deep networks",
        "Convolutional networks",
        "Sequence models",
    ):
        assert title in html


def test_answers_cannot_change_after_submission(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    ada_client.post(reverse("submit", args=[attempt.pk]))
    response = post_answer(ada_client, attempt, 1, item_at(attempt, 1).key_answer())
    assert response["Location"] == reverse("result", args=[attempt.pk])
    assert not Response.objects.exists()


@pytest.mark.parametrize("viewer", ["cora", "dan"])
def test_nobody_else_sees_a_learners_pages(client, ada, cora, dan, certification, viewer: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    attempt = start(client, certification)
    client.force_login({"cora": cora, "dan": dan}[viewer])
    for url in (
        question_url(attempt, 1),
        reverse("submit", args=[attempt.pk]),
        reverse("result", args=[attempt.pk]),
        reverse("review", args=[attempt.pk, 1]),
        reverse("figure", args=[attempt.pk, 1]),
    ):
        assert client.get(url).status_code == 404, url
    assert post_answer(client, attempt, 1, item_at(attempt, 1).key_answer()).status_code == 404
    assert not Response.objects.exists()


def test_figures_are_served_to_the_taker_as_inert_svg(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    position = next(p for p in range(1, 21) if item_at(attempt, p).figure)
    response = ada_client.get(reverse("figure", args=[attempt.pk, position]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response.content.lstrip().startswith(b"<svg") or b"<svg" in response.content[:200]


def test_the_question_page_shows_its_figure_with_its_description(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    position = next(p for p in range(1, 21) if item_at(attempt, p).figure)
    figure = item_at(attempt, position).figure
    assert figure is not None
    page = ada_client.get(question_url(attempt, position)).content.decode()
    assert f'<img src="{reverse("figure", args=[attempt.pk, position])}" alt="{escape(figure.alt)}">' in page


def test_a_late_malformed_answer_still_gets_the_time_up_message(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    with time_machine.travel(attempt.deadline + timedelta(seconds=1)):
        response = ada_client.post(
            question_url(attempt, 1), {"position-b1": "1", "position-b2": "1"}, follow=True
        )
    assert "Time is up" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED


def test_the_question_page_says_when_the_saved_answer_is_dont_know(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    ada_client.post(question_url(attempt, 2), {"action": "dont_know"})
    page = ada_client.get(question_url(attempt, 2)).content.decode()
    assert "Your current answer: “I don't know yet”" in page


def test_the_submit_page_counts_answers_dont_knows_and_blanks_separately(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    for position in (1, 2):
        post_answer(ada_client, attempt, position, item_at(attempt, position).key_answer())
    ada_client.post(question_url(attempt, 3), {"action": "dont_know"})
    page = ada_client.get(reverse("submit", args=[attempt.pk])).content.decode()
    assert "<strong>2</strong> of 20 answered" in page
    assert "<strong>1</strong> “I don't know yet”: " in page and f'href="{question_url(attempt, 3)}"' in page
    assert "<strong>17</strong> not answered" in page


def test_my_results_lists_an_attempt_in_progress_with_a_way_back_to_it(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, certification)
    page = ada_client.get(reverse("my_results")).content.decode()
    in_progress = page.split("In progress", 1)[1].split("</section>", 1)[0]
    assert (
        certification.title in in_progress
        and f'href="{reverse("attempt", args=[attempt.pk])}"' in in_progress
    )
    ada_client.post(reverse("submit", args=[attempt.pk]))
    assert "In progress" not in ada_client.get(reverse("my_results")).content.decode()


def test_a_change_since_the_baseline_says_its_unit(ada_client, certification) -> None:  # type: ignore[no-untyped-def]
    for right in (5, 8):
        attempt = start(ada_client, certification)
        for position in range(1, right + 1):
            post_answer(ada_client, attempt, position, item_at(attempt, position).key_answer())
        ada_client.post(reverse("submit", args=[attempt.pk]))
    page = ada_client.get(reverse("my_results")).content.decode()
    assert "+15 percentage points" in page  # 5/20 = 25% → 8/20 = 40%

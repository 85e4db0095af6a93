"""The review explains each question in terms of the learner's own answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from adaptest.web.assessments.models import Attempt
from tests.web.exam import item_at, post_answer, question_url, start, wrong_answer

pytestmark = pytest.mark.django_db


def _position(attempt: Attempt, kind: str, nth: int = 0) -> int:
    return [p for p in range(1, 21) if item_at(attempt, p).kind == kind][nth]


@pytest.fixture
def finished(client, ada, certification):  # type: ignore[no-untyped-def]
    """Ada answers a mix of right, wrong, partly right, "I don't know yet" and blank, then submits."""
    client.force_login(ada)
    attempt = start(client, certification)
    single = _position(attempt, "single_choice")
    multi = _position(attempt, "multiple_choice")
    numeric = _position(attempt, "numeric")
    ordering = _position(attempt, "ordering")
    post_answer(client, attempt, single, wrong_answer(item_at(attempt, single)))
    multi_item = item_at(attempt, multi)
    one_right = [o.id for o in multi_item.options if o.correct][:1]  # type: ignore[attr-defined]
    post_answer(client, attempt, multi, one_right)
    post_answer(client, attempt, numeric, 123456789)
    client.post(question_url(attempt, ordering), {"action": "dont_know"})
    client.post(reverse("submit", args=[attempt.pk]))
    return client, attempt, {"single": single, "multi": multi, "numeric": numeric, "ordering": ordering}


def _review(client, attempt: Attempt, position: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("review", args=[attempt.pk, position]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_wrong_choice_shows_what_you_selected_and_the_correct_answer(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    item = item_at(attempt, at["single"])
    chosen = next(o for o in item.options if not o.correct)  # type: ignore[attr-defined]
    html = _review(client, attempt, at["single"])
    assert "What you selected" in html and "Correct answer" in html and "Incorrect" in html
    assert chosen.feedback.split()[0] in html
    assert item.explanation.split()[0] in html


def test_select_all_shows_what_you_got_right_and_what_you_missed(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    html = _review(client, attempt, at["multi"])
    assert "What you got right" in html and "What you missed" in html and "Partly correct" in html


def test_dont_know_has_its_own_text(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    item = item_at(attempt, at["ordering"])
    html = _review(client, attempt, at["ordering"])
    assert "You answered “I don&#x27;t know yet”" in html or "You answered “I don't know yet”" in html
    assert item.dont_know_feedback.split()[0] in html  # type: ignore[union-attr]


def test_an_answer_without_specific_feedback_gets_the_fallback(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    html = _review(client, attempt, at["numeric"])
    assert "No specific explanation for this answer" in html and "Correct answer" in html


def test_an_unanswered_question_says_so(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    blank = next(p for p in range(1, 21) if p not in at.values())
    html = _review(client, attempt, blank)
    assert "You did not answer this question." in html and "Not answered" in html


def test_review_pages_link_previous_and_next(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, _ = finished
    first, middle, last = (
        _review(client, attempt, 1),
        _review(client, attempt, 10),
        _review(client, attempt, 20),
    )
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="next"' in middle and 'rel="prev"' in middle
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get(reverse("review", args=[attempt.pk, 21])).status_code == 404


def test_the_review_stays_hidden_while_the_exam_is_open(client, ada, certification) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    attempt = start(client, certification)
    for name in ("review", "result"):
        args = [attempt.pk, 1] if name == "review" else [attempt.pk]
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/questions/" in response["Location"]


def test_a_grid_answer_is_reviewed_cell_by_cell(client, ada, certification) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    attempt = start(client, certification)
    position = _position(attempt, "matrix")
    key = item_at(attempt, position).key_answer()
    answer = [list(row) for row in key]
    answer[0][0] += 1000
    post_answer(client, attempt, position, answer)
    client.post(reverse("submit", args=[attempt.pk]))
    html = _review(client, attempt, position)
    assert html.count('<td class="bad">') == 1
    assert html.count('<td class="good">') == sum(len(row) for row in key) - 1

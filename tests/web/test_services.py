"""The assessment services on their own, as the pages and (later) the API call them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from adaptest.bank import AnswerError
from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.assessments.services import (
    AttemptClosed,
    attempt_start,
    attempt_submit,
    response_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(ada, certification):  # type: ignore[no-untyped-def]
    return attempt_start(user=ada, assessment=certification, now=timezone.now())


def _key(attempt: Attempt, position: int):  # type: ignore[no-untyped-def]
    return attempt.slots.get(position=position).item_version.parsed.key_answer()


def test_a_late_answer_is_refused_and_the_expiry_is_stored(attempt) -> None:  # type: ignore[no-untyped-def]
    late = attempt.deadline + timedelta(milliseconds=1)
    with pytest.raises(AttemptClosed, match="after the deadline"):
        response_save(attempt=attempt, position=1, answer=_key(attempt, 1), now=late)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.status, stored.finished_at, stored.score) == (
        Attempt.Status.EXPIRED,
        attempt.deadline,
        0.0,
    )
    assert not Response.objects.exists()


def test_an_answer_just_before_the_deadline_counts(attempt) -> None:  # type: ignore[no-untyped-def]
    just_in_time = attempt.deadline - timedelta(milliseconds=1)
    assert response_save(attempt=attempt, position=1, answer=_key(attempt, 1), now=just_in_time).changed
    assert attempt_submit(
        attempt=attempt, now=attempt.deadline + timedelta(seconds=5)
    ).score == pytest.approx(1 / 20)


def test_a_malformed_answer_stores_nothing(attempt) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnswerError):
        response_save(attempt=attempt, position=1, answer={"not": "an answer"}, now=timezone.now())
    assert not Response.objects.exists()


def test_the_same_answer_twice_is_one_unchanged_response(attempt) -> None:  # type: ignore[no-untyped-def]
    first = response_save(attempt=attempt, position=2, answer=_key(attempt, 2), now=timezone.now())
    second = response_save(attempt=attempt, position=2, answer=_key(attempt, 2), now=timezone.now())
    assert (first.changed, second.changed) == (True, False)
    assert Response.objects.get().revisions == 1


def test_a_submitted_attempt_refuses_answers(attempt) -> None:  # type: ignore[no-untyped-def]
    attempt_submit(attempt=attempt, now=timezone.now())
    with pytest.raises(AttemptClosed, match="already been submitted"):
        response_save(attempt=attempt, position=1, answer=_key(attempt, 1), now=timezone.now())


def test_starting_again_after_expiry_opens_a_new_attempt(ada, certification, attempt) -> None:  # type: ignore[no-untyped-def]
    later = attempt.deadline + timedelta(minutes=1)
    fresh = attempt_start(user=ada, assessment=certification, now=later)
    assert fresh.pk != attempt.pk and fresh.is_open
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.EXPIRED


def test_a_retake_gets_the_parallel_form_not_taken_yet(ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.itembank.models import Assessment, Bank

    ids = sorted(shipped_bank.items)
    assessment = Assessment.objects.create(
        bank=Bank.objects.get(bank_id=shipped_bank.meta.id),
        slug="two-forms",
        title="Two forms",
        kind="fixed",
        time_limit_seconds=600,
        forms={"A": ids[:5], "B": ids[5:10]},
    )
    first = attempt_start(user=ada, assessment=assessment, now=timezone.now())
    attempt_submit(attempt=first, now=timezone.now())
    second = attempt_start(user=ada, assessment=assessment, now=timezone.now())
    assert {first.form, second.form} == {"A", "B"}
    given = [s.item_version.item.item_id for s in second.slots.order_by("position")]
    assert given == assessment.forms[second.form]

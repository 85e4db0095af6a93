"""Simultaneous submissions for one question store exactly one response (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from adaptest.web.assessments.models import Response
from adaptest.web.assessments.services import attempt_start, response_save

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6
POSITIONS = range(1, 11)


def test_simultaneous_submissions_store_one_response_and_raise_nothing(ada, certification) -> None:  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    attempt = attempt_start(user=ada, assessment=certification, now=timezone.now())
    keys = {p: attempt.slots.get(position=p).item_version.parsed.key_answer() for p in POSITIONS}
    errors: list[BaseException] = []

    def submit(position: int, barrier: threading.Barrier) -> None:
        try:
            connection.ensure_connection()  # connect first, so the race starts at the barrier
            barrier.wait()
            response_save(attempt=attempt, position=position, answer=keys[position], now=timezone.now())
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    for position in POSITIONS:
        barrier = threading.Barrier(THREADS)
        threads = [threading.Thread(target=submit, args=(position, barrier)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    responses = Response.objects.filter(slot__attempt=attempt)
    assert responses.count() == len(POSITIONS)
    assert {(r.revisions, r.correct) for r in responses} == {(1, True)}


def test_simultaneous_adaptive_answers_store_one_response_and_choose_one_next_question(
    ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.itembank.models import Assessment

    assert connection.vendor == "postgresql"
    assessment = Assessment.objects.get(slug="dl-skills-assessment")
    attempt = attempt_start(user=ada, assessment=assessment, now=timezone.now())
    errors: list[BaseException] = []

    def submit(position: int, answer: object, barrier: threading.Barrier) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            response_save(attempt=attempt, position=position, answer=answer, now=timezone.now())
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    for position in range(1, 6):
        attempt.refresh_from_db()
        assert attempt.current_position == position
        key = attempt.slots.get(position=position).item_version.parsed.key_answer()
        barrier = threading.Barrier(THREADS)
        threads = [threading.Thread(target=submit, args=(position, key, barrier)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert Response.objects.filter(slot__attempt=attempt).count() == 5
    assert attempt.slots.count() == 6  # one next question per answer, never two

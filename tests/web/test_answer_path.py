"""The one answer path: its cost in SQL queries (flat in the number of earlier attempts), state frozen on
the attempt's own slots, exposure counters, the pool cache, concurrent starts and the overdue sweep."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adaptest.bank import DONT_KNOW
from adaptest.web.assessments import engine, services
from adaptest.web.assessments.models import Attempt, AttemptItem, ExposureCounter, Response
from adaptest.web.itembank.calibration import items_calibrate
from adaptest.web.itembank.models import Assessment, Bank, Item, ItemParameters
from adaptest.web.itembank.services import bank_pools_changed
from tests.web.test_api import Api

pytestmark = pytest.mark.django_db

MAX_QUERIES_PER_ANSWER = 8


@pytest.fixture
def skills(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment.objects.select_related("bank").get(slug="dl-skills-assessment")


@pytest.fixture(autouse=True)
def _throttle_counters_outside_sql(settings):  # type: ignore[no-untyped-def]
    """Count the answer path's own queries: the rate-limit counters go to a cache of their own, as with a
    Redis cache in production (docs/deployment.md; with the database cache they add their own queries)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def earlier_attempts(
    assessment: Assessment, how_many: int, django_user_model: Any, who: str = "earlier"
) -> None:
    """``how_many`` finished attempts by other people, each with five answered questions, stored in bulk
    with their exposure counters, as if they had been taken one by one."""
    people = django_user_model.objects.bulk_create(
        django_user_model(username=f"{who}-{i}") for i in range(max(1, how_many // 50))
    )
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            user=people[i % len(people)],
            assessment=assessment,
            status=Attempt.Status.SUBMITTED,
            started_at=now - timedelta(days=1),
            deadline=now - timedelta(days=1) + timedelta(minutes=8),
            finished_at=now - timedelta(days=1) + timedelta(minutes=5),
            self_initiated=False,
        )
        for i in range(how_many)
    )
    items = list(Item.objects.filter(bank=assessment.bank, is_active=True).select_related("current_version"))
    items = [item for item in items if item.current_version.domain in assessment.blueprint][:40]
    slots = AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=p,
            item_version=items[(n + p) % len(items)].current_version,
            display_seed=1,
            a=1.0,
            b=0.0,
        )
        for n, attempt in enumerate(attempts)
        for p in range(1, 6)
    )
    Response.objects.bulk_create(
        Response(slot=slot, dont_know=True, score=0.0, correct=False, first_saved_at=now, saved_at=now)
        for slot in slots
    )
    given = Counter(slot.item_version.item_id for slot in slots)
    for item_pk, count in [*given.items(), (None, how_many)]:
        counter, _ = ExposureCounter.objects.get_or_create(assessment=assessment, item_id=item_pk)
        counter.count += count
        counter.save()


def statements(queries: CaptureQueriesContext) -> int:
    """The SQL statements run, without transaction control: inside the test's own transaction each
    ``atomic()`` becomes a SAVEPOINT, which a server's outermost transaction does not issue."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    return sum(not q["sql"].lstrip().upper().startswith(control) for q in queries.captured_queries)


def api_answer_queries(api: Api, assessment: Assessment) -> list[int]:
    """Take a whole attempt through the API with "I don't know yet"; the SQL queries of each answer."""
    attempt = api.start(assessment.slug)
    counts = []
    position = attempt["current_position"]
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = api.answer(attempt["id"], position, {"dont_know": True})
        assert response.status_code == 200, response.content
        counts.append(statements(queries))
        following = response.json()["next_item"]
        if following is None:
            return counts
        position = following["position"]


@pytest.mark.parametrize("earlier", [10, 10_000])
def test_an_adaptive_answer_costs_at_most_8_queries_whatever_the_number_of_earlier_attempts(
    ada, skills, django_user_model, earlier
) -> None:  # type: ignore[no-untyped-def]
    earlier_attempts(skills, earlier, django_user_model)
    api = Api(ada)
    api.get("/assessments")  # the token's "last used" write happens once a minute: not in the answers
    counts = api_answer_queries(api, skills)
    assert len(counts) >= 20
    print(f"\nSQL statements per adaptive API answer with {earlier} earlier attempts: {counts}")
    assert max(counts) <= MAX_QUERIES_PER_ANSWER, counts
    # every answer that gives a next question costs the same; the last one finishes the attempt
    assert len(set(counts[:-1])) == 1, counts


def test_the_answer_count_is_the_same_with_10_and_with_10000_earlier_attempts(
    ada, dan, skills, django_user_model
) -> None:  # type: ignore[no-untyped-def]
    earlier_attempts(skills, 10, django_user_model)
    few = api_answer_queries(Api(ada), skills)
    earlier_attempts(skills, 9_990, django_user_model, who="later")
    many = api_answer_queries(Api(dan), skills)
    assert few[0] == many[0] and few[-1] == many[-1]


def test_an_adaptive_answer_on_the_page_costs_at_most_7_queries_besides_the_session_and_user(
    client, ada, skills
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    attempt = services.attempt_start(user=ada, assessment=skills, now=timezone.now())
    counts = []
    while attempt.is_open:
        url = f"/attempts/{attempt.pk}/questions/{attempt.current_position}/"
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"action": "dont_know"})
        counts.append(statements(queries))
        attempt.refresh_from_db()
        following = f"/attempts/{attempt.pk}/questions/{attempt.current_position}/"
        assert response["Location"] == (following if attempt.is_open else f"/attempts/{attempt.pk}/result/")
    print(f"\nSQL statements per adaptive page answer, session and user included: {counts}")
    assert max(counts) <= 2 + MAX_QUERIES_PER_ANSWER - 1, counts  # the API's token lookup is one query


# --- the state comes from the attempt's own slots ----------------------------------------------------------


def _answer_first_questions(ada: Any, skills: Assessment, how_many: int) -> Attempt:
    attempt = services.attempt_start(user=ada, assessment=skills, now=timezone.now())
    for position in range(1, how_many + 1):
        slot = attempt.slots.select_related("item_version").get(position=position)
        answer = slot.item_version.parsed.key_answer() if position % 2 else DONT_KNOW
        services.response_save(attempt=attempt, position=position, answer=answer, now=timezone.now())
    return attempt


def _state(attempt: Attempt) -> Any:
    attempt = Attempt.objects.select_related("assessment__bank").get(pk=attempt.pk)
    test = engine.adaptive_test(attempt.assessment)
    return engine.session_state(test, list(attempt.slots.select_related("item_version", "response")))


def test_a_calibration_mid_attempt_changes_neither_the_estimate_nor_which_answers_count(ada, skills) -> None:  # type: ignore[no-untyped-def]
    attempt = _answer_first_questions(ada, skills, 8)  # position 7 is an unscored pretest slot
    before = _state(attempt)
    flags_before = list(attempt.slots.order_by("position").values_list("scored", flat=True))
    answered = attempt.slots.filter(response__isnull=False).values_list("item_version__item_id", flat=True)
    # a calibration that moves every answered item and ends every pretest
    ItemParameters.objects.filter(item_id__in=list(answered)).update(
        a=2.5, b=2.0, pretest=False, source=ItemParameters.Source.CALIBRATION
    )
    ItemParameters.objects.update(pretest=False)
    bank_pools_changed(bank_pks=[skills.bank_id])
    after = _state(attempt)
    assert after.theta.tolist() == pytest.approx(before.theta.tolist())
    assert after.scored == before.scored
    assert list(attempt.slots.order_by("position").values_list("scored", flat=True)) == flags_before
    # the pool itself did change: new questions are chosen with the new parameters
    fresh = engine.adaptive_test(Assessment.objects.select_related("bank").get(pk=skills.pk))
    assert not fresh.design.pool.pretest.any()


def test_a_real_calibration_run_mid_attempt_leaves_the_attempt_as_it_was(ada, skills) -> None:  # type: ignore[no-untyped-def]
    attempt = _answer_first_questions(ada, skills, 6)
    before = _state(attempt)
    slots_before = list(attempt.slots.order_by("position").values_list("a", "b", "scored"))
    report = items_calibrate(min_responses=1, now=timezone.now())
    assert report.saved and report.changed  # the items it answered did get new parameters
    after = _state(attempt)
    assert after.theta.tolist() == pytest.approx(before.theta.tolist())
    assert list(attempt.slots.order_by("position").values_list("a", "b", "scored")) == slots_before


# --- exposure counters and the pool cache ------------------------------------------------------------------


def test_exposure_counters_count_each_given_question_and_each_attempt(ada, dan, skills) -> None:  # type: ignore[no-untyped-def]
    for person in (ada, dan):
        _answer_first_questions(person, skills, 5)
    counters = dict(
        ExposureCounter.objects.filter(assessment=skills, count__gt=0).values_list("item_id", "count")
    )
    given = Counter(
        AttemptItem.objects.filter(attempt__assessment=skills).values_list("item_version__item_id", flat=True)
    )
    assert counters.pop(None) == 2
    assert counters == dict(given)


def test_the_pool_is_built_once_per_stamp_and_rebuilt_when_the_bank_changes(skills) -> None:  # type: ignore[no-untyped-def]
    first = engine.adaptive_test(skills)
    assert engine.adaptive_test(Assessment.objects.select_related("bank").get(pk=skills.pk)) is first
    ItemParameters.objects.filter(item__bank=skills.bank).update(b=1.5)
    bank_pools_changed(bank_pks=[skills.bank_id])
    rebuilt = engine.adaptive_test(Assessment.objects.select_related("bank").get(pk=skills.pk))
    assert rebuilt is not first and set(rebuilt.design.pool.b.tolist()) == {1.5}
    stamps = set(Bank.objects.values_list("pool_stamp", flat=True))
    assert skills.bank.pool_stamp not in stamps


# --- the overdue sweep --------------------------------------------------------------------------------------


def test_the_sweep_finishes_an_abandoned_attempt_without_anyone_opening_it(
    ada, dan, skills, certification
) -> None:  # type: ignore[no-untyped-def]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        abandoned = _answer_first_questions(ada, skills, 3)
        exam = services.attempt_start(user=ada, assessment=certification, now=start)
        slot = exam.slots.select_related("item_version").get(position=1)
        services.response_save(
            attempt=exam, position=1, answer=slot.item_version.parsed.key_answer(), now=start
        )
        still_running = services.attempt_start(
            user=dan, assessment=certification, now=start + timedelta(minutes=20)
        )
    later = start + timedelta(minutes=9)
    assert services.attempts_expire_overdue(now=later) == 1  # only the 8-minute adaptive test is overdue
    abandoned.refresh_from_db()
    assert abandoned.status == Attempt.Status.EXPIRED and abandoned.finished_at == abandoned.deadline
    assert abandoned.report is not None and abandoned.report["scored_items"] == 3
    assert services.attempts_expire_overdue(now=start + timedelta(minutes=31)) == 1  # the exam
    exam.refresh_from_db()
    assert exam.status == Attempt.Status.EXPIRED and exam.score == pytest.approx(1 / 20)
    still_running.refresh_from_db()
    assert still_running.is_open
    assert services.attempts_expire_overdue(now=start + timedelta(minutes=31)) == 0  # idempotent


# --- concurrent starts (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_starts_answer_201_once_and_200_with_the_same_attempt_to_the_others(
    ada, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    api = Api(ada)
    barrier = threading.Barrier(10)
    results: list[tuple[int, int]] = []

    def start() -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                "/api/assessments/dl-skills-assessment/attempts",
                content_type="application/json",
                headers={"Authorization": f"Bearer {api.token}"},
            )
            results.append((response.status_code, response.json()["id"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 200: 9}
    assert len({attempt_id for _, attempt_id in results}) == 1
    assert Attempt.objects.filter(user=ada).count() == 1
    assert ExposureCounter.objects.get(assessment__slug="dl-skills-assessment", item=None).count == 1

"""Levels say they are provisional while they rest mostly on authors' difficulty hints."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from adaptest.web.assessments import engine
from adaptest.web.assessments.selectors import Calibration
from adaptest.web.itembank.models import Assessment, ItemParameters
from tests.web.test_adaptive import take

pytestmark = pytest.mark.django_db
NOTICE = "These levels are provisional."


@pytest.fixture
def skills(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


def _result(client: Client, attempt_id: int) -> str:
    return client.get(reverse("result", args=[attempt_id])).content.decode()


def test_the_notice_shows_while_items_use_hints_and_goes_once_they_are_calibrated(
    client, ada, dan, skills
) -> None:  # type: ignore[no-untyped-def]
    early = take(ada, skills, lambda item: item.key_answer())
    client.force_login(ada)
    page = _result(client, early.pk)
    assert NOTICE in page
    assert f"Only 0 of the {early.report['scored_items']} questions behind them have been calibrated" in page
    assert "once about 100 people have answered each of them" in page

    ItemParameters.objects.update(source=ItemParameters.Source.CALIBRATION)  # what `adaptest calibrate` sets
    engine.forget_cached_pools()
    later = take(dan, skills, lambda item: item.key_answer())
    client.force_login(dan)
    assert NOTICE not in _result(client, later.pk)
    client.force_login(ada)
    assert NOTICE in _result(client, early.pk)  # frozen: the early levels were computed from hints


def test_the_api_gives_the_share_of_calibrated_questions(ada, skills) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_api import Api

    attempt = take(ada, skills, lambda item: item.key_answer())
    api = Api(ada)
    calibration = api.get(f"/attempts/{attempt.pk}/result").json()["calibration"]
    scored = attempt.report["scored_items"]
    assert calibration == {
        "calibrated_items": 0,
        "scored_items": scored,
        "share": 0.0,
        "provisional": True,
        "min_responses": 100,
    }


def test_a_fixed_exam_has_no_calibration_notice(client, ada, certification) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_credentials import _finish

    attempt = _finish(ada, certification, correct=True)
    client.force_login(ada)
    assert NOTICE not in _result(client, attempt.pk)


@pytest.mark.parametrize(("calibrated", "provisional"), [(0, True), (9, True), (10, False), (20, False)])
def test_levels_are_provisional_while_fewer_than_half_the_questions_are_calibrated(
    calibrated: int, provisional: bool
) -> None:
    assert Calibration(calibrated, 20, 100).provisional is provisional

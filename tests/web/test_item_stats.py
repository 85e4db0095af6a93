"""The staff item statistics page: numbers per item, flags with their reasons, staff only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.bank import load_bank
from adaptest.web.assessments.models import AttemptItem, Response
from adaptest.web.itembank.models import Assessment, ItemParameters, ItemRating, ItemVersion
from adaptest.web.itembank.selectors import ItemStats, item_flags
from adaptest.web.itembank.services import bank_sync
from tests.conftest import PASSWORD
from tests.web.test_calibration_loop import SLUG, take_many, write_bank

URL = "/staff/items/"


@pytest.fixture
def taken(tmp_path: Path, empty_database, django_user_model):  # type: ignore[no-untyped-def]
    """The synthetic bank after 12 simulated takers."""
    truth = write_bank(tmp_path / "bank", np.random.default_rng(5))
    bank_sync(folder=load_bank(tmp_path / "bank"))
    take_many(django_user_model, Assessment.objects.get(slug=SLUG), truth, 12, np.random.default_rng(6), "t")


@pytest.fixture
def low_rated(taken, django_user_model) -> str:  # type: ignore[no-untyped-def]
    """An item three learners rated 1, 2 and 2 stars, one of them with a comment."""
    version = ItemVersion.objects.get(item__item_id="beta-03")
    now = timezone.now()
    for name, stars, comment in (("r1", 1, "The stem is ambiguous."), ("r2", 2, ""), ("r3", 2, "")):
        user = django_user_model.objects.create_user(username=name)
        ItemRating.objects.create(
            user=user, item_version=version, stars=stars, comment=comment, created_at=now, updated_at=now
        )
    return "beta-03"


def staff_client(ben) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=ben.username, password=PASSWORD)
    return client


def test_the_url_is_named_item_stats() -> None:
    assert reverse("item_stats") == URL


def test_staff_see_each_items_numbers(ben, taken) -> None:  # type: ignore[no-untyped-def]
    response = staff_client(ben).get(URL)
    assert response.status_code == 200
    rows = {row.item_id: row for row in response.context["rows"]}
    assert len(rows) == 48
    attempts = 12
    for item_id, row in rows.items():
        answers = Response.objects.filter(slot__item_version__item__item_id=item_id)
        assert row.n == answers.count()
        if row.n:
            assert row.facility == pytest.approx(answers.filter(correct=True).count() / row.n)
        seen = AttemptItem.objects.filter(item_version__item__item_id=item_id).count()
        assert (row.exposure or 0.0) == pytest.approx(seen / attempts)
        assert (row.domain, row.kind, row.source, row.pretest) == (
            item_id.split("-")[0],
            "single_choice",
            "hint",
            False,
        )
    html = response.content.decode()
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "alpha-00" in html and "single_choice" in html


def test_a_low_rated_item_is_flagged_with_its_reasons_and_comments(ben, low_rated) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(ben)
    flagged = client.get(URL, {"flagged": "1"})
    rows = flagged.context["rows"]
    assert low_rated in [row.item_id for row in rows]
    row = next(row for row in rows if row.item_id == low_rated)
    assert row.mean_rating == pytest.approx(5 / 3) and row.ratings == 3
    assert row.flags == ("mean rating 1.7 from 3 ratings", "1 comment(s)")
    assert all(r.flags for r in rows)
    html = flagged.content.decode()
    assert "mean rating 1.7 from 3 ratings" in html
    assert "<details>" in html and "The stem is ambiguous." in html
    everything = client.get(URL)
    assert len(everything.context["rows"]) > len(rows)


def test_the_table_sorts_by_a_column_in_either_direction(ben, taken) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(ben)
    by_n = [row.n for row in client.get(URL, {"sort": "-n"}).context["rows"]]
    assert by_n == sorted(by_n, reverse=True)
    by_id = [row.item_id for row in client.get(URL, {"sort": "item"}).context["rows"]]
    assert by_id == sorted(by_id)
    page = client.get(URL, {"sort": "facility"})
    facilities = [row.facility for row in page.context["rows"] if row.facility is not None]
    assert facilities == sorted(facilities)
    assert 'aria-sort="ascending"' in page.content.decode()
    assert client.get(URL, {"sort": "nonsense"}).context["sort"] == "item"


def test_learners_are_forbidden_and_anonymous_visitors_sent_to_log_in(ada) -> None:  # type: ignore[no-untyped-def]
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    learner = Client()
    assert learner.login(username="ada", password=PASSWORD)
    assert learner.get(URL).status_code == 403


def row(**changes: object) -> ItemStats:
    base = ItemStats(
        item_id="x",
        domain="d",
        kind="single_choice",
        a=1.0,
        b=0.0,
        source=ItemParameters.Source.HINT,
        pretest=False,
        n=40,
        facility=0.5,
        discrimination=0.3,
        exposure=0.2,
        mean_rating=None,
        ratings=0,
        comments=(),
    )
    return ItemStats(**{**base.__dict__, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"facility": 0.97}, "facility 0.97 outside 0.1–0.95"),
        ({"facility": 0.05}, "facility 0.05 outside 0.1–0.95"),
        ({"discrimination": 0.02}, "discrimination 0.02 below 0.1"),
        ({"a": 0.2, "source": ItemParameters.Source.CALIBRATION}, "calibrated a 0.20 below 0.3"),
        ({"mean_rating": 2.5, "ratings": 4}, "mean rating 2.5 from 4 ratings"),
    ],
)
def test_each_flag_rule_names_its_reason(changes: dict[str, object], reason: str) -> None:
    assert item_flags(row(**changes)) == (reason,)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"facility": 0.99, "discrimination": -0.2, "n": 29},  # too few responses to judge
        {"a": 0.2},  # an author's hint is not evidence
        {"mean_rating": 1.0, "ratings": 2},  # too few ratings
        {"discrimination": None, "facility": None},
    ],
)
def test_an_unremarkable_item_is_not_flagged(changes: dict[str, object]) -> None:
    assert item_flags(row(**changes)) == ()


def test_exposure_counts_only_the_adaptive_attempts_that_could_draw_the_item(ada, dan, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.assessments import services
    from adaptest.web.itembank.selectors import item_statistics

    now = timezone.now()
    certification = Assessment.objects.get(slug="dl-fundamentals-cert")
    for user in (ada, dan):
        services.attempt_start(user=user, assessment=certification, now=now)
    adaptive = services.attempt_start(
        user=ada, assessment=Assessment.objects.get(slug="dl-skills-assessment"), now=now
    )
    first = adaptive.slots.get(position=1).item_version.item.item_id
    rows = {row.item_id: row for row in item_statistics()}
    assert rows[first].exposure == 1.0  # one adaptive attempt, and it showed the item
    fixed_only = set(certification.forms["A"]) - {first}
    assert fixed_only and all(rows[item_id].exposure is None for item_id in fixed_only)
    skills = Assessment.objects.get(slug="dl-skills-assessment")
    dropped = adaptive.slots.get(position=1).item_version.domain
    skills.blueprint = {d: n for d, n in skills.blueprint.items() if d != dropped}
    skills.save()
    assert {row.item_id: row for row in item_statistics()}[first].exposure is None  # no longer drawable


def test_answers_of_a_fixed_exam_in_progress_wait_for_its_end_before_calibration(ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    from adaptest.bank import DONT_KNOW
    from adaptest.web.assessments import services
    from adaptest.web.itembank.selectors import item_responses

    now = timezone.now()
    attempt = services.attempt_start(
        user=ada, assessment=Assessment.objects.get(slug="dl-fundamentals-cert"), now=now
    )
    services.response_save(attempt=attempt, position=1, answer=DONT_KNOW, now=now)
    assert item_responses().data.n_observations == 0
    services.attempt_submit(attempt=attempt, now=now)
    assert item_responses().data.n_observations == 1


def test_an_item_with_many_comments_shows_the_newest_ten_and_links_the_rest(
    ben, taken, django_user_model
) -> None:  # type: ignore[no-untyped-def]
    version = ItemVersion.objects.get(item__item_id="beta-03")
    start = timezone.now()
    for i in range(12):
        moment = start + timedelta(minutes=i)
        ItemRating.objects.create(
            user=django_user_model.objects.create_user(username=f"c{i}"),
            item_version=version,
            stars=3,
            comment=f"remark number {i:02d}",
            created_at=moment,
            updated_at=moment,
        )
    html = staff_client(ben).get(URL).content.decode()
    assert "remark number 11" in html and "remark number 02" in html and "remark number 01" not in html
    assert reverse("admin:itembank_itemrating_changelist") + "?q=beta-03" in html

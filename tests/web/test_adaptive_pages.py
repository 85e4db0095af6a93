"""The adaptive assessment through its pages: no going back, results with levels, review, ratings."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.web.accounts.models import Accommodation
from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.core.markdown import render_markdown
from adaptest.web.itembank.models import Assessment, ItemRating
from tests.web.exam import form_fields, question_url, start, wrong_answer
from tests.web.test_no_key_leak import _secrets, _visible_text


@pytest.fixture
def skills_assessment(shipped_bank):  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


@pytest.fixture
def ada_client(client: Client, ada):  # type: ignore[no-untyped-def]
    client.force_login(ada)
    return client


def answer_current(client: Client, attempt: Attempt, how: str):  # type: ignore[no-untyped-def]
    """Answer the current question right, wrong or "I don't know yet" through the page's form."""
    attempt.refresh_from_db()
    position = attempt.current_position
    page = client.get(question_url(attempt, position)).content.decode()
    item = attempt.slots.get(position=position).item_version.parsed
    for secret in _secrets(item):
        assert _visible_text(render_markdown(secret))[:60] not in _visible_text(page), item.id
    if how == "dont_know":
        return client.post(question_url(attempt, position), {"action": "dont_know"})
    answer = item.key_answer() if how == "right" else wrong_answer(item)
    return client.post(
        question_url(attempt, position), {**form_fields(attempt, position, answer), "action": "next"}
    )


def finish(client: Client, attempt: Attempt) -> Attempt:
    pattern = ("right", "wrong", "dont_know", "right")
    n = 0
    while attempt.is_open:
        assert answer_current(client, attempt, pattern[n % 4]).status_code == 302
        n += 1
        attempt.refresh_from_db()
    return attempt


def finish_all_right(client: Client, assessment: Assessment) -> Attempt:
    """An expert's attempt: every question answered right until the test stops."""
    attempt = start(client, assessment)
    while attempt.is_open:
        answer_current(client, attempt, "right")
        attempt.refresh_from_db()
    return attempt


def test_the_page_says_about_n_and_offers_no_way_back(ada_client, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    detail = ada_client.get(reverse("assessment", args=[skills_assessment.slug])).content.decode()
    assert "No going back" in detail and "3 left now" in detail
    attempt = start(ada_client, skills_assessment)
    page = ada_client.get(question_url(attempt, 1)).content.decode()
    assert "Question 1 of about 20" in page and 'value="previous"' not in page and "Time left" in page
    answer_current(ada_client, attempt, "right")
    assert ada_client.get(question_url(attempt, 1))["Location"] == question_url(attempt, 2)
    empty = ada_client.post(question_url(attempt, 2), {"action": "next"})
    assert empty.status_code == 422 and "I don&#x27;t know yet" in empty.content.decode()
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_results_show_levels_chart_skills_and_a_study_plan_and_the_review_takes_ratings(
    ada_client, ada, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = finish(ada_client, start(ada_client, skills_assessment))
    assert attempt.status == Attempt.Status.SUBMITTED
    page = ada_client.get(reverse("result", args=[attempt.pk])).content.decode()
    for domain in attempt.report["domains"]:
        assert domain["title"] in page and domain["level"] in ("beginning", "developing", "accomplished")
    assert "overall level" in page and "90% band" in page
    for domain in attempt.report["domains"]:  # the chart says in words what each dot and bar show
        band = f"score {domain['score']}, 90% band {domain['band'][0]} to {domain['band'][1]}"
        assert band in page, domain["title"]
    assert "Your percentile appears once enough people" in page
    plan = page.split("Your study plan", 1)[1].split("</ol>", 1)[0]
    assert 3 <= plan.count("<h3>") <= 5 and "Study note and practice cards" in plan
    review = ada_client.get(reverse("review", args=[attempt.pk, 1])).content.decode()
    assert "How would you rate this question?" in review and "Correct answer" in review
    ada_client.post(reverse("rate", args=[attempt.pk, 1]), {"stars": "4", "comment": "Clear figure."})
    ada_client.post(reverse("rate", args=[attempt.pk, 1]), {"stars": "2", "comment": "On second thought"})
    rating = ItemRating.objects.get(user=ada)
    assert (rating.stars, rating.comment) == (2, "On second thought")
    assert rating.item_version == attempt.slots.get(position=1).item_version
    ada_client.post(reverse("rate", args=[attempt.pk, 1]), {"stars": "9"})
    assert ItemRating.objects.get(user=ada).stars == 2
    history = ada_client.get(reverse("my_results")).content.decode()
    assert "Baseline" in history and attempt.report["overall"]["level"].capitalize() in history


def test_the_study_plan_links_to_a_study_page_for_each_skill(ada_client, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.assessments.selectors import attempt_result

    attempt = finish(ada_client, start(ada_client, skills_assessment))
    plan = attempt_result(attempt=attempt).study_plan
    assert 3 <= len(plan) <= 5
    skill = plan[0]
    page = ada_client.get(reverse("skill", args=[attempt.assessment.bank.bank_id, skill.skill_id]))
    assert page.status_code == 200 and html.escape(skill.title) in page.content.decode()  # "CNN's"
    assert (
        ada_client.get(reverse("skill", args=[attempt.assessment.bank.bank_id, "no-such-skill"])).status_code
        == 404
    )


def test_a_late_answer_is_refused_and_the_deadline_survives_a_restart(
    ada_client, ada, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, skills_assessment)
    answer_current(ada_client, attempt, "right")
    deadline = Attempt.objects.get(pk=attempt.pk).deadline
    assert deadline - attempt.started_at == timedelta(minutes=8)
    restarted = Client()  # a new process knows only the database
    restarted.force_login(ada)
    with time_machine.travel(deadline + timedelta(seconds=1)):
        late = answer_current_late(restarted, attempt)
    assert late.status_code == 302 and late["Location"] == reverse("result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED and attempt.report is not None
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def answer_current_late(client: Client, attempt: Attempt):  # type: ignore[no-untyped-def]
    attempt.refresh_from_db()
    position = attempt.current_position
    item = attempt.slots.get(position=position).item_version.parsed
    data = {**form_fields(attempt, position, item.key_answer()), "action": "next"}
    return client.post(question_url(attempt, position), data)


def test_staff_granted_extra_time_lengthens_the_deadline(ada_client, ada, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    Accommodation.objects.create(user=ada, extra_time_percent=50)
    before = timezone.now()
    attempt = start(ada_client, skills_assessment)
    assert attempt.deadline - before >= timedelta(minutes=12) - timedelta(seconds=5)


def test_a_fourth_attempt_is_refused_on_the_page_with_the_next_date(ada_client, skills_assessment) -> None:  # type: ignore[no-untyped-def]
    first = timezone.now()
    for day in (0, 1, 2):
        with time_machine.travel(first + timedelta(days=day)):
            attempt = start(ada_client, skills_assessment)
            ada_client.post(reverse("submit", args=[attempt.pk]))
    with time_machine.travel(first + timedelta(days=3)):
        refused = ada_client.post(reverse("attempt_start", args=[skills_assessment.slug]), follow=True)
        page = refused.content.decode()
    assert "Your next attempt is possible on" in page
    assert (first + timedelta(days=90)).strftime("%-d %B %Y") in page
    assert Attempt.objects.filter(assessment=skills_assessment).count() == 3


def test_an_attempt_ended_before_any_answer_shows_no_level_and_no_percentile_weight(
    ada_client, ada, dan, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, skills_assessment)
    ada_client.post(reverse("submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.report["scored_items"] == 0
    assert {d["level"] for d in attempt.report["domains"]} == {"developing"}  # the prior's near-tie
    page = ada_client.get(reverse("result", args=[attempt.pk])).content.decode()
    assert "No level" in page and "overall level" not in page
    history = ada_client.get(reverse("my_results")).content.decode()
    assert "No level: no scored answers" in history
    dan_client = Client()
    dan_client.force_login(dan)
    dans = finish(dan_client, start(dan_client, skills_assessment))
    assert "(0 so far)" in dan_client.get(reverse("result", args=[dans.pk])).content.decode()


def test_after_closing_the_browser_the_learner_resumes_at_the_open_question(
    ada_client, ada, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = start(ada_client, skills_assessment)
    answer_current(ada_client, attempt, "right")
    answer_current(ada_client, attempt, "wrong")
    reopened = Client()  # a new browser: no session, signs in again
    reopened.force_login(ada)
    detail = reopened.get(reverse("assessment", args=[skills_assessment.slug])).content.decode()
    assert reverse("attempt", args=[attempt.pk]) in detail and "Resume the assessment" in detail
    resumed = reopened.post(reverse("attempt_start", args=[skills_assessment.slug]))
    assert resumed["Location"] == question_url(attempt, 3)
    page = reopened.get(question_url(attempt, 3)).content.decode()
    assert "Question 3 of about 20" in page
    assert Attempt.objects.filter(user=ada).count() == 1


@pytest.mark.parametrize(
    ("probability", "told"),
    [(0.9996, "> 99%"), (0.991, "> 99%"), (0.99, "99%"), (0.5, "50%"), (0.01, "1%"), (0.004, "< 1%")],
)
def test_how_sure_never_claims_certainty(probability: float, told: str) -> None:
    from adaptest.web.core.templatetags.adaptest import certainty

    assert certainty(probability) == told


def test_the_result_says_how_sure_each_level_is_without_ever_saying_100_percent(
    ada_client, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = finish_all_right(ada_client, skills_assessment)
    page = ada_client.get(reverse("result", args=[attempt.pk])).content.decode()
    table = page.split("How sure", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td>([^<]*%)</td>", table)
    assert len(cells) == len(attempt.report["domains"])
    assert "100%" not in cells
    for domain, cell in zip(attempt.report["domains"], cells, strict=True):
        sure = domain["probabilities"][domain["level"]]
        assert cell == ("&gt; 99%" if sure > 0.99 else f"{round(sure * 100)}%")


def test_a_learner_accomplished_everywhere_gets_next_steps_of_advanced_skills(
    ada_client, skills_assessment
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.assessments.selectors import _skill_difficulties, attempt_result

    attempt = finish_all_right(ada_client, skills_assessment)
    assert {d["level"] for d in attempt.report["domains"]} == {"accomplished"}
    result = attempt_result(attempt=attempt)
    difficulty = _skill_difficulties(skills_assessment.bank)
    tested = {s.skill_id for s in result.skills}
    assessed = {d["id"] for d in attempt.report["domains"]}
    untested = sorted(
        difficulty[m["id"]]
        for m in skills_assessment.bank.meta["skills"]
        if m["domain"] in assessed and m["id"] not in tested and m["id"] in difficulty
    )
    plan = [difficulty[s.skill_id] for s in result.study_plan]
    assert len(plan) == 3 and all(s.missed == 0 for s in result.study_plan)
    assert min(plan) >= untested[int(0.75 * len(untested))], (plan, untested)  # the hardest quarter
    page = ada_client.get(reverse("result", args=[attempt.pk])).content.decode()
    assert "Next steps" in page and "Your study plan" not in page
    assert "a next step for your level" in page

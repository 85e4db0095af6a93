"""Role readiness on the adaptive assessment's result page and in the API's result."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from adaptest.web.assessments import services
from adaptest.web.assessments.models import Attempt
from adaptest.web.itembank.models import Assessment
from tests.web.test_adaptive import take
from tests.web.test_api import Api

ENGINEER, RESEARCHER, SOFTWARE = (
    "deep-learning-engineer",
    "deep-learning-researcher",
    "software-engineer-deep-learning",
)


@pytest.fixture
def skills_assessment(shipped_bank):  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


@pytest.fixture
def expert_attempt(ada, skills_assessment) -> Attempt:  # type: ignore[no-untyped-def]
    """Ada answers every question right: accomplished in every domain the assessment measures."""
    attempt = take(ada, skills_assessment, lambda item: item.key_answer())
    assert {(d["level"], d["borderline"]) for d in attempt.report["domains"]} == {("accomplished", False)}
    return attempt


def _plant_levels(attempt: Attempt, levels: dict[str, tuple[str, bool]]) -> None:
    """Give the finished attempt chosen domain levels (level, borderline), as if the posterior said so."""
    report = attempt.report
    for domain in report["domains"]:
        domain["level"], domain["borderline"] = levels[domain["id"]]
    Attempt.objects.filter(pk=attempt.pk).update(report=report)


def _role_section(page: str, role_id: str) -> str:
    """The text of one role's block, tags dropped and white space collapsed."""
    section = page.split(f'id="role-{role_id}">', 1)[1].split("</details>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))).strip()


def _page(user, attempt: Attempt) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.get(reverse("result", args=[attempt.pk])).content.decode()


def _api_roles(user, attempt: Attempt) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = Api(user).get(f"/attempts/{attempt.pk}/result")
    assert result.status_code == 200
    return {role["id"]: role for role in result.json()["roles"]}


def test_an_expert_is_ready_for_every_role_and_told_which_domains_were_not_measured(
    ada, expert_attempt
) -> None:  # type: ignore[no-untyped-def]
    page = _page(ada, expert_attempt)
    assert '<h2 id="roles">Ready for which role?</h2>' in page
    engineer = _role_section(page, ENGINEER)
    assert engineer.startswith("Deep-learning engineer: Ready ")
    assert (
        "Not measured by this assessment, so not part of the verdict: Applied deep learning practice"
        in engineer
    )
    assert "Large models and scale (accomplished needed)" in engineer
    assert "What the role needs and why" in engineer and "Trains models and keeps them working" in engineer
    assert (
        "Improving deep networks: accomplished" in engineer and "Any other domain: not required" in engineer
    )
    roles = _api_roles(ada, expert_attempt)
    assert list(roles) == [ENGINEER, RESEARCHER, SOFTWARE]
    assert {role["verdict"] for role in roles.values()} == {"ready"}
    assert [d["id"] for d in roles[ENGINEER]["unmeasured"]] == ["applied_practice", "llm_and_scale"]
    assert roles[SOFTWARE]["requires"][0] == {
        "id": "foundations",
        "title": "Neural-network foundations",
        "required": "developing",
    }


def test_borderline_and_short_levels_give_close_and_not_yet_on_the_page_and_in_the_api(
    ada, expert_attempt
) -> None:  # type: ignore[no-untyped-def]
    _plant_levels(
        expert_attempt,
        {
            "foundations": ("developing", False),
            "improving_networks": ("accomplished", False),
            "cnn": ("developing", False),
            "sequence_models": ("developing", True),
        },
    )
    page = _page(ada, expert_attempt)
    engineer, researcher, software = (_role_section(page, r) for r in (ENGINEER, RESEARCHER, SOFTWARE))
    # The engineer needs developing sequence models: met, but only borderline.
    assert "Deep-learning engineer: Close" in engineer
    assert (
        "Sequence models: developing needed, your level is developing but borderline, so not yet met."
        in engineer
    )
    # The researcher needs accomplished foundations and sequence models: two domains short.
    assert "Deep-learning researcher: Not yet" in researcher
    assert (
        "Neural-network foundations: accomplished needed, your level is developing, one level short."
        in researcher
    )
    assert (
        "Sequence models: accomplished needed, your level is developing (borderline), one level short."
        in researcher
    )
    assert "Software engineer working with deep learning: Close" in software
    roles = _api_roles(ada, expert_attempt)
    assert {role_id: role["verdict"] for role_id, role in roles.items()} == {
        ENGINEER: "close",
        RESEARCHER: "not yet",
        SOFTWARE: "close",
    }
    assert roles[ENGINEER]["shortfalls"] == [
        {
            "id": "sequence_models",
            "title": "Sequence models",
            "required": "developing",
            "level": "developing",
            "borderline": True,
            "levels_short": 0,
        }
    ]
    assert [(d["id"], d["levels_short"]) for d in roles[RESEARCHER]["shortfalls"]] == [
        ("foundations", 1),
        ("sequence_models", 1),
    ]


def test_an_attempt_without_scored_answers_and_a_fixed_exam_show_no_role_verdicts(
    ada, skills_assessment, certification
) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    empty = services.attempt_start(user=ada, assessment=skills_assessment, now=now)
    services.attempt_submit(attempt=empty, now=now)
    exam = services.attempt_start(user=ada, assessment=certification, now=now)
    services.attempt_submit(attempt=exam, now=now)
    for attempt in (empty, exam):
        attempt.refresh_from_db()
        assert "Ready for which role?" not in _page(ada, attempt)
        assert _api_roles(ada, attempt) == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_roles_reflow_at_320_and_390_px_with_every_rationale_open(tab, live_server) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from tests.web.test_layout import SCREENSHOTS, _fits
    from tests.web.test_matches_browser import PASSWORD

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.goto(live_server.url + "/accounts/signup/")
    tab.fill("#id_username", "rhea")
    tab.fill("#id_password1", PASSWORD)
    tab.fill("#id_password2", PASSWORD)
    tab.get_by_role("button", name="Sign up").click()
    tab.wait_for_url(lambda url: "signup" not in url)
    assessment = Assessment.objects.get(slug="dl-skills-assessment")
    attempt = take(User.objects.get(username="rhea"), assessment, lambda item: item.key_answer())
    _plant_levels(
        attempt,
        {
            "foundations": ("developing", False),
            "improving_networks": ("developing", True),
            "cnn": ("beginning", False),
            "sequence_models": ("developing", True),
        },
    )
    tab.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(tab.get_by_role("heading", name="Deep-learning researcher: Not yet")).to_be_visible()
    tab.evaluate("document.querySelectorAll('.role details').forEach((details) => { details.open = true; })")
    expect(tab.get_by_text("Proposes and tests new methods")).to_be_visible()
    assert _fits(tab, "result-roles") == []
    for width in (320, 390):  # one role close up, to look at
        tab.set_viewport_size({"width": width, "height": 800})
        tab.locator(f"#role-{RESEARCHER}").screenshot(path=str(SCREENSHOTS / f"result-role-{width}.png"))

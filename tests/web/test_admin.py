"""Staff see items, assessments, attempts and responses in the Django admin; others do not."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from adaptest.bank import DONT_KNOW
from adaptest.web.assessments.services import attempt_start, response_save

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:itembank_item_changelist",
    "admin:itembank_itemversion_changelist",
    "admin:itembank_assessment_changelist",
    "admin:assessments_attempt_changelist",
    "admin:assessments_response_changelist",
    "admin:organizations_organization_changelist",
    "admin:organizations_campaign_changelist",
    "admin:organizations_candidate_changelist",
    "admin:organizations_consentevent_changelist",
]


@pytest.fixture
def skills_for_admin(shipped_bank):  # type: ignore[no-untyped-def]
    from adaptest.web.itembank.models import Assessment

    return Assessment.objects.get(slug="dl-skills-assessment")


@pytest.fixture
def one_response(ada, certification):  # type: ignore[no-untyped-def]
    attempt = attempt_start(user=ada, assessment=certification, now=timezone.now())
    response_save(attempt=attempt, position=1, answer=DONT_KNOW, now=timezone.now())
    return attempt


@pytest.mark.parametrize("page", PAGES)
def test_staff_see_content_and_attempts(client, ben, one_response, page: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ben)
    response = client.get(reverse(page))
    assert response.status_code == 200


def test_staff_see_an_attempt_in_detail(client, ben, one_response) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ben)
    html = client.get(reverse("admin:assessments_attempt_change", args=[one_response.pk])).content.decode()
    assert "ada" in html and "Deep Learning Fundamentals" in html


@pytest.mark.parametrize("page", PAGES)
def test_learners_are_kept_out_of_the_admin(client, dan, page: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(dan)
    response = client.get(reverse(page))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_grant_extra_time_in_the_admin_and_it_lengthens_the_next_attempt(
    client, ben, ada, certification
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.accounts.models import Accommodation

    client.force_login(ben)
    added = client.post(
        reverse("admin:accounts_accommodation_add"),
        {"user": ada.pk, "extra_time_percent": 50, "note": "assessed need"},
    )
    assert added.status_code == 302 and Accommodation.objects.get(user=ada).extra_time_percent == 50
    attempt = attempt_start(user=ada, assessment=certification, now=timezone.now())
    assert (attempt.deadline - attempt.started_at).total_seconds() == 45 * 60
    too_much = client.post(
        reverse("admin:accounts_accommodation_change", args=[Accommodation.objects.get().pk]),
        {"user": ada.pk, "extra_time_percent": 900},
    )
    assert too_much.status_code == 200 and Accommodation.objects.get().extra_time_percent == 50


def test_staff_cannot_change_a_candidates_consent_in_the_admin(
    client, ben, cora, ada, skills_for_admin
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.organizations import services as orgs
    from adaptest.web.organizations.models import Candidate
    from tests.web.orgs import join, open_campaign

    now = timezone.now()
    acme = orgs.organization_create(user=cora, name="Acme", now=now)
    campaign = open_campaign(cora, acme, skills_for_admin, now)
    join(ada, acme, cora, now)
    candidate = orgs.consent_decide(user=ada, campaign=campaign, share=False, now=now)
    client.force_login(ben)
    url = reverse("admin:organizations_candidate_change", args=[candidate.pk])
    client.post(url, {"consent": "given", "extra_time_percent": "0"})
    assert Candidate.objects.get(pk=candidate.pk).consent == "declined"
    assert client.get(reverse("admin:organizations_candidate_add")).status_code == 403

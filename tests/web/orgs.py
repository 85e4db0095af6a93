"""A small world of organisations for tests: who is in which, a campaign, and finished campaign attempts.

``org_world`` gives the four people the authorisation tests need around one campaign of Acme:
- ``cora`` admins Acme;
- ``ada`` is a member who shares her result (consent given) and has taken the campaign's assessment;
- ``nell`` is a member who declined to share and has taken it too;
- ``otto`` admins Globex, another organisation with its own campaign;
- ``dan`` (from tests/conftest.py) belongs to neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from adaptest.bank import GradableItem
from adaptest.web.assessments import services as assessments
from adaptest.web.assessments.models import Attempt
from adaptest.web.itembank.models import Assessment
from adaptest.web.organizations import services
from adaptest.web.organizations.models import Campaign, Organization
from tests.conftest import PASSWORD


def person(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")


def open_campaign(admin: User, organization: Organization, assessment: Assessment, now: datetime) -> Campaign:
    return services.campaign_create(
        admin=admin,
        organization=organization,
        title=f"{organization.name} screening",
        assessment=assessment,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        attempts_allowed=2,
        now=now,
    )


def join(user: User, organization: Organization, admin: User, now: datetime) -> None:
    invite = services.invitation_create(admin=admin, organization=organization, email="", now=now)
    services.invitation_accept(token=invite.token, user=user, now=now)


def take_campaign(
    user: User, campaign: Campaign, answer_for: Callable[[GradableItem], Any], now: datetime
) -> Attempt:
    """Start the user's campaign attempt and answer every question with ``answer_for(item)``."""
    attempt = services.campaign_attempt_start(user=user, campaign=campaign, now=now).attempt
    while attempt.is_open:
        slots = attempt.slots.select_related("item_version", "response").order_by("position")
        slot = next((s for s in slots if s.stored_response is None), None)
        if slot is None:  # a fixed exam with every question answered
            break
        assessments.response_save(
            attempt=attempt, position=slot.position, answer=answer_for(slot.item_version.parsed), now=now
        )
        attempt.refresh_from_db()
    if attempt.is_open:
        attempt = assessments.attempt_submit(attempt=attempt, now=now + timedelta(minutes=1))
    return attempt


def key_answer(item: GradableItem) -> Any:
    return item.key_answer()


@dataclass
class OrgWorld:
    now: datetime
    acme: Organization
    globex: Organization
    campaign: Campaign
    other_campaign: Campaign
    cora: User
    ada: User
    nell: User
    otto: User
    dan: User
    ada_attempt: Attempt
    nell_attempt: Attempt


@pytest.fixture
def org_world(shipped_bank, cora, ada, dan) -> OrgWorld:  # type: ignore[no-untyped-def]
    now = timezone.now()
    skills = Assessment.objects.get(slug="dl-skills-assessment")
    nell, otto = person("nell"), person("otto")
    acme = services.organization_create(user=cora, name="Acme", now=now)
    globex = services.organization_create(user=otto, name="Globex", now=now)
    campaign = open_campaign(cora, acme, skills, now)
    other_campaign = open_campaign(otto, globex, skills, now)
    for member in (ada, nell):
        join(member, acme, cora, now)
    services.consent_decide(user=ada, campaign=campaign, share=True, now=now)
    services.consent_decide(user=nell, campaign=campaign, share=False, now=now)
    return OrgWorld(
        now,
        acme,
        globex,
        campaign,
        other_campaign,
        cora,
        ada,
        nell,
        otto,
        dan,
        take_campaign(ada, campaign, key_answer, now),
        take_campaign(nell, campaign, key_answer, now),
    )

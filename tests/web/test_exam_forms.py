"""Exam retakes never repeat a form whose answers the learner has already seen in its review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.web.assessments.models import Attempt
from adaptest.web.assessments.services import attempt_start, attempt_submit
from adaptest.web.core.markdown import render_markdown
from adaptest.web.itembank.models import Assessment
from tests.web.exam import start

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return " ".join(text.split())


def _items(attempt: Attempt) -> list[str]:
    return [s.item_version.item.item_id for s in attempt.slots.select_related("item_version__item")]


def test_three_attempts_get_three_forms_and_each_review_shows_its_own_questions(
    client: Client, ada, certification: Assessment
) -> None:  # type: ignore[no-untyped-def]
    assert settings.ADAPTEST_RETAKE_LIMIT == 3 and len(certification.forms) >= 3
    client.force_login(ada)
    attempts = []
    for _ in range(3):
        attempt = start(client, certification)
        assert client.post(reverse("submit", args=[attempt.pk])).status_code == 302
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.SUBMITTED
        assert _items(attempt) == certification.forms[attempt.form]
        for slot in attempt.slots.select_related("item_version"):
            review = client.get(reverse("review", args=[attempt.pk, slot.position])).content.decode()
            stem = _flat(render_markdown(slot.item_version.parsed.stem))
            assert stem in _flat(review), f"review {slot.position} of form {attempt.form}"
        attempts.append(attempt)
    first, second, third = attempts
    assert len({first.form, second.form, third.form}) == 3
    assert not set(_items(third)) & (set(_items(first)) | set(_items(second)))
    refused = client.post(reverse("attempt_start", args=[certification.slug]), follow=True)
    assert "You have used all 3 attempts allowed" in refused.content.decode()  # no fourth one here


def test_once_every_form_was_taken_the_one_taken_least_and_longest_ago_comes_next(
    ada, certification: Assessment
) -> None:  # type: ignore[no-untyped-def]
    # Invited attempts (not self-initiated) are outside the retake limit, so one learner can take
    # every form and more; they count as taken all the same.
    day = timezone.now() - timedelta(days=400)

    def take(days: int) -> Attempt:
        attempt = attempt_start(
            user=ada, assessment=certification, now=day + timedelta(days=days), self_initiated=False
        )
        attempt_submit(attempt=attempt, now=day + timedelta(days=days, minutes=20))
        return attempt

    order = [take(days).form for days in range(len(certification.forms))]
    assert sorted(order) == sorted(certification.forms)  # every form once before any repeats
    again = take(100)
    assert again.form == order[0]  # all taken once: the one taken longest ago
    # Now make that form the one taken longest ago in every sense, yet it was taken twice: the form
    # taken fewest times wins over the form taken longest ago.
    Attempt.objects.filter(pk=again.pk).update(started_at=day - timedelta(days=1))
    assert take(200).form == order[1]

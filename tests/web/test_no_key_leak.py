"""Before an answer is final, no page shows a key, a feedback or an explanation — for every item."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from adaptest.bank import ITEM_KINDS, GradableItem
from adaptest.web.assessments.services import attempt_start
from adaptest.web.core.markdown import render_inline, render_markdown
from adaptest.web.itembank.models import Assessment, Bank

pytestmark = pytest.mark.django_db


def _visible_text(markup: str) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", markup, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _markup_without_public_text(page: str, item: GradableItem) -> str:
    """The page with the texts a learner may read (stem, options, blocks, labels) taken out, so that a
    word such as "correct" inside them is not mistaken for a marker on the key."""
    public = [render_markdown(item.stem)]
    for group in ("options", "blocks", "fields"):
        for entry in item.presentation(0).get(group, []):
            text = entry.get("text") or entry.get("label") or ""
            public += [render_inline(text), html_lib.escape(text)]
    for text in public:
        page = page.replace(text, "")
    return page


def _secrets(item: GradableItem) -> list[str]:
    """Every text a learner must not see before the answer is final."""
    data = item.model_dump()
    texts = [item.explanation, item.dont_know_feedback or ""]
    for group in ("options", "blocks", "misconceptions", "keywords", "fields"):
        texts += [entry.get("feedback") or "" for entry in data.get(group) or []]
    for criterion in data.get("rubric") or []:  # free_text: the rubric's criteria and feedback
        texts += [criterion["criterion"], criterion["met"], criterion["missed"]]
    return [t for t in texts if t.strip()]


def _rubric_markup(item: GradableItem) -> list[str]:
    """free_text: what only the rubric holds, as it would appear in markup (criterion ids, raw terms)."""
    found = []
    for criterion in item.model_dump().get("rubric") or []:
        found += [
            f'"{criterion["id"]}"',
            *(html_lib.escape(t) for c in criterion["concepts"] for t in c if "|" in t),
        ]
    return found


@pytest.fixture
def every_item_exam(shipped_bank, ada):  # type: ignore[no-untyped-def]
    """One attempt at a form holding every shipped item, so every item's page is checked."""
    bank = Bank.objects.get(bank_id=shipped_bank.meta.id)
    assessment = Assessment.objects.create(
        bank=bank,
        slug="every-item",
        title="Every item",
        kind="fixed",
        time_limit_seconds=3600,
        forms={"A": sorted(shipped_bank.items)},
    )
    return attempt_start(user=ada, assessment=assessment, now=timezone.now())


def test_question_pages_hide_keys_feedback_and_explanations(client, ada, every_item_exam) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    kinds_checked = set()
    for slot in every_item_exam.slots.select_related("item_version"):
        item = slot.item_version.parsed
        page = client.get(reverse("question", args=[every_item_exam.pk, slot.position])).content.decode()
        text = _visible_text(page)
        for secret in _secrets(item):
            snippet = _visible_text(render_markdown(secret))[:60]
            assert snippet not in text, f"{item.id}: page shows {snippet!r}"
        assert "correct" not in _markup_without_public_text(page, item).lower(), f"{item.id}: marks a key"
        assert not re.search(r'<input[^>]+type="text"[^>]+value="[^"]+"', page), (
            f"{item.id}: an input is prefilled"
        )
        assert not re.search(r"<input[^>]*\schecked", page), f"{item.id}: an option is preselected"
        assert not re.search(r'<option value="\d+"\s+selected', page), f"{item.id}: a block is pre-placed"
        assert not re.search(r"<textarea[^>]*>[^<]+</textarea>", page), f"{item.id}: a text area is prefilled"
        for secret in _rubric_markup(item):
            assert secret not in page, f"{item.id}: page shows the rubric's {secret!r}"
        kinds_checked.add(item.kind)
    assert kinds_checked == set(ITEM_KINDS)

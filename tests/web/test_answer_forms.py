"""Form fields and stored answers convert both ways without changing what the learner gave."""

from __future__ import annotations

from pathlib import Path

import pytest

from adaptest.bank import ITEM_KINDS, GradableItem, grade, load_bank
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.web.assessments.kinds import ADAPTERS, answer_from_fields, fields_from_answer, widget_context

ITEMS = sorted(load_bank(DEEP_LEARNING_BANK).items.values(), key=lambda item: item.id)


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_a_saved_key_shown_again_and_resaved_still_scores_full_marks(item: GradableItem) -> None:
    presentation = item.presentation(12345)
    fields = fields_from_answer(item, presentation, item.key_answer())
    resaved = answer_from_fields(item, presentation, fields)
    outcome = grade(item, resaved)
    assert outcome.correct and outcome.score == 1.0


def test_a_number_with_more_than_six_significant_digits_is_shown_exactly() -> None:
    item = next(i for i in ITEMS if i.kind == "numeric")
    presentation = item.presentation(1)
    assert fields_from_answer(item, presentation, 1000.693) == {"value": ["1000.693"]}
    assert fields_from_answer(item, presentation, 1.2345678e-9) == {"value": ["1.2345678e-09"]}


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_the_api_shape_of_a_saved_key_reads_back_as_the_same_answer_as_the_form(item: GradableItem) -> None:
    """One adapter per kind serves both paths: the answer a script would send back from ``saved_answer``
    reaches the bank exactly as the page's form fields do."""
    kind = ADAPTERS[item.kind]
    presentation = item.presentation(777)
    fields = fields_from_answer(item, presentation, item.key_answer())
    from_page = answer_from_fields(item, presentation, fields)
    sent = kind.Answer.model_validate(kind.saved_answer(widget_context(item, presentation, fields)))
    from_api = kind.read(item, presentation, kind.api_fields(sent, item, presentation))
    assert item.parse_answer(from_api) == item.parse_answer(from_page)
    assert grade(item, item.parse_answer(from_api)).correct


def test_every_bank_kind_has_a_web_adapter_with_its_own_template() -> None:
    assert set(ADAPTERS) == set(ITEM_KINDS)
    templates = Path(__file__).parents[2] / "src/adaptest/web/templates/assessments/kinds"
    for adapter in ADAPTERS.values():
        assert (templates / f"{adapter.template}.html").exists(), adapter

"""Form fields and stored answers convert both ways without changing what the learner gave."""

from __future__ import annotations

import pytest

from adaptest.bank import GradableItem, grade, load_bank
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.web.assessments.answer_forms import answer_from_fields, fields_from_answer

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

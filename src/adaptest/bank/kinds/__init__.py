"""Item kinds: each validates itself, shows itself without its key, and grades answers."""

from __future__ import annotations

from adaptest.bank.kinds.base import GradableItem
from adaptest.bank.kinds.choice import MultipleChoiceItem, SingleChoiceItem
from adaptest.bank.kinds.numeric import MatrixItem, NumericItem, NumericTupleItem
from adaptest.bank.kinds.ordering import OrderingItem
from adaptest.bank.kinds.rubric import RubricItem
from adaptest.bank.kinds.text import ShortTextItem

ITEM_KINDS: dict[str, type[GradableItem]] = {
    "single_choice": SingleChoiceItem,
    "multiple_choice": MultipleChoiceItem,
    "numeric": NumericItem,
    "numeric_tuple": NumericTupleItem,
    "short_text": ShortTextItem,
    "ordering": OrderingItem,
    "matrix": MatrixItem,
    "free_text": RubricItem,
}

__all__ = [
    "ITEM_KINDS",
    "GradableItem",
    "MatrixItem",
    "MultipleChoiceItem",
    "NumericItem",
    "NumericTupleItem",
    "OrderingItem",
    "RubricItem",
    "ShortTextItem",
    "SingleChoiceItem",
]

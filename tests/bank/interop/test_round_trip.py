"""Every shipped item a format can express comes back from it grading every probe answer the same.

For each format: export the whole shipped bank, import the file back, and grade the original and the
imported item alike on the key, every option, every named misconception, near misses and "I don't know
yet". Items a format cannot express must be skipped with a reason, never written wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from adaptest.bank import DONT_KNOW, grade, load_bank, parse_item
from adaptest.bank.interop import FORMATS, Converted, Export, ExportItem, reader, writer
from adaptest.bank.kinds import (
    GradableItem,
    MatrixItem,
    MultipleChoiceItem,
    NumericItem,
    NumericTupleItem,
    OrderingItem,
    ShortTextItem,
    SingleChoiceItem,
)
from adaptest.bank.loader import Bank
from adaptest.content import DEEP_LEARNING_BANK

SUFFIX = {"qti": "zip", "moodle": "xml", "gift": "gift"}


@pytest.fixture(scope="module")
def shipped() -> Bank:
    return load_bank(DEEP_LEARNING_BANK)


@pytest.fixture(scope="module", params=FORMATS)
def round_trip(
    request: pytest.FixtureRequest, shipped: Bank, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Export, dict[str, GradableItem]]:
    """(format, what the writer did, item id → the item read back)."""
    fmt: str = request.param
    items = [ExportItem(item, _figure(shipped, item)) for _, item in sorted(shipped.items.items())]
    export = writer(fmt)(items)
    path = tmp_path_factory.mktemp(fmt) / f"bank.{SUFFIX[fmt]}"
    path.write_bytes(export.content)
    back: dict[str, GradableItem] = {}
    for result in reader(fmt)(path):
        assert isinstance(result, Converted), f"{fmt}: our own export was refused: {result}"
        original = shipped.items[result.origin.name]
        back[result.origin.name] = parse_item(
            {"id": original.id, "domain": original.domain, "skills": original.skills, **result.data}
        )
    return fmt, export, back


def _figure(bank: Bank, item: GradableItem) -> bytes | None:
    path = bank.figure_path(item)
    return path.read_bytes() if path else None


def test_every_item_is_written_or_skipped_with_a_reason(round_trip: Any, shipped: Bank) -> None:
    fmt, export, back = round_trip
    skipped = {s.item_id for s in export.skipped}
    assert set(export.written) | skipped == set(shipped.items)
    assert not set(export.written) & skipped
    assert set(back) == set(export.written)
    assert all(s.reason.strip() for s in export.skipped)


def test_choice_and_numeric_items_are_always_expressible(round_trip: Any, shipped: Bank) -> None:
    fmt, export, _ = round_trip
    expressible = (SingleChoiceItem, MultipleChoiceItem, NumericItem)
    figures_block = fmt == "gift"  # GIFT cannot carry a figure file
    wrongly_skipped = [
        s
        for s in export.skipped
        if isinstance(shipped.items[s.item_id], expressible)
        and not (figures_block and shipped.items[s.item_id].figure)
    ]
    assert not wrongly_skipped


def test_the_items_read_back_grade_every_probe_exactly_as_the_originals(
    round_trip: Any, shipped: Bank
) -> None:
    fmt, _, back = round_trip
    differences = []
    for item_id, imported in back.items():
        original = shipped.items[item_id]
        for probe in [DONT_KNOW, *probes(original)]:
            want, got = grade(original, probe), grade(imported, probe)
            if (round(want.score, 9), want.correct) != (round(got.score, 9), got.correct):
                differences.append(
                    f"{item_id}: {probe!r}: {want.score}/{want.correct} became {got.score}/{got.correct}"
                )
    assert not differences, "\n".join(differences[:20])


def test_the_feedback_on_each_answer_keeps_its_words(round_trip: Any, shipped: Bank) -> None:
    """Markup may change form between Markdown and HTML; the words of every remark must stay."""
    fmt, export, back = round_trip
    lost = []
    for item_id, imported in back.items():
        original = shipped.items[item_id]
        for probe in probes(original):
            want, got = _words(grade(original, probe)), _words(grade(imported, probe))
            if want != got:
                lost.append(f"{item_id}: {probe!r}")
    assert not lost, "\n".join(lost[:20])


def test_the_round_trip_figures_are_recorded(round_trip: Any, shipped: Bank) -> None:
    """Counts by kind (printed with -s) for docs/interop.md."""
    fmt, export, back = round_trip
    written = Counter(shipped.items[i].kind for i in export.written)
    skipped = Counter(shipped.items[s.item_id].kind for s in export.skipped)
    print(f"\n{fmt}: written {dict(written)}; skipped {dict(skipped)}")
    assert sum(written.values()) == len(back)


def _words(outcome: Any) -> list[str]:
    return [re.sub(r"\W+", "", remark.text).casefold() for part in outcome.parts for remark in part.remarks]


def probes(item: GradableItem) -> list[Any]:
    """Answers that exercise every scoring branch of an item."""
    if isinstance(item, SingleChoiceItem):
        return [o.id for o in item.options]
    if isinstance(item, MultipleChoiceItem):
        ids = [o.id for o in item.options]
        key = item.key_answer()
        wrong = [i for i in ids if i not in key]
        return [[i] for i in ids] + [key, ids, [], key[:-1] + wrong[:1], key + wrong[:1]]
    if isinstance(item, NumericItem):
        return _numeric_probes(item)
    if isinstance(item, NumericTupleItem):
        key = item.key_answer()
        off = {**key, item.fields[0].name: key[item.fields[0].name] + 1000}
        return [key, off, *(m.values for m in item.misconceptions)]
    if isinstance(item, MatrixItem):
        key = item.key_answer()
        off = [[v + 1000 for v in key[0]], *key[1:]]
        return [key, off, *(m.answer for m in item.misconceptions)]
    if isinstance(item, ShortTextItem):
        keywords = [word for k in item.keywords for word in k.match]
        return [
            *item.accepted,
            *(g.text.replace("*", "") for g in item.graded),
            *keywords,
            "something else entirely",
        ]
    if isinstance(item, OrderingItem):
        key = item.key_answer()
        distractors = [b.id for b in item.blocks if b.distractor]
        return [key, key[::-1], key[:-1], key + distractors[:1], *item.alternative_orders]
    return []


def _numeric_probes(item: NumericItem) -> list[float]:
    values = [item.answer, *(k.value for k in item.alternative_keys), *(m.value for m in item.misconceptions)]
    bound = item.tolerance.bound(item.answer)
    edges = [item.answer + bound * 0.999, item.answer - bound * 0.999, item.answer + bound * 1.5 + 1e-6]
    return values + edges + [item.answer * 10 + 7]

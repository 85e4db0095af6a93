"""Every shipped item a format can express comes back from it grading every probe answer the same.

For each format: export the whole shipped bank, import the file back, and grade the original and the
imported item alike on the key, every option, every named misconception, tolerance edges and "I don't
know yet". Items a format cannot express must be skipped with a reason, never written wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest

from adaptest.bank import DONT_KNOW, grade, parse_item
from adaptest.bank.interop import FORMATS, Converted
from adaptest.bank.kinds import GradableItem, MultipleChoiceItem, NumericItem, SingleChoiceItem
from adaptest.bank.loader import Bank
from tests.bank.interop.conftest import RoundTrip, figure_of
from tests.bank.interop.probes import probes

MARKDOWN_KEPT = {"moodle", "gift"}
"""Formats that carry the bank's Markdown as it is (QTI carries HTML)."""
DONT_KNOW_KEPT = {"qti"}
"""Formats with a place for our "I don't know yet" feedback (a loss the others list)."""


@pytest.fixture(scope="module", params=FORMATS)
def round_trip(request: pytest.FixtureRequest, round_trip_for: Callable[[str], RoundTrip]) -> RoundTrip:
    return round_trip_for(request.param)


def as_item(original: GradableItem, result: Converted) -> GradableItem:
    return parse_item(
        {"id": original.id, "domain": original.domain, "skills": original.skills, **result.data}
    )


def test_every_item_is_written_or_skipped_with_a_reason(round_trip: RoundTrip, shipped: Bank) -> None:
    export = round_trip.export
    skipped = {s.item_id for s in export.skipped}
    assert set(export.written) | skipped == set(shipped.items)
    assert not set(export.written) & skipped
    assert set(round_trip.back) == set(export.written)
    assert all(s.reason.strip() for s in export.skipped)


def test_choice_and_numeric_items_are_always_expressible(round_trip: RoundTrip, shipped: Bank) -> None:
    expressible = (SingleChoiceItem, MultipleChoiceItem, NumericItem)
    carries_figures = round_trip.format != "gift"
    wrongly_skipped = [
        s
        for s in round_trip.export.skipped
        if isinstance(item := shipped.items[s.item_id], expressible) and (carries_figures or not item.figure)
    ]
    assert not wrongly_skipped


def test_the_items_read_back_grade_every_probe_exactly_as_the_originals(
    round_trip: RoundTrip, shipped: Bank
) -> None:
    differences = []
    for item_id, result in round_trip.back.items():
        original = shipped.items[item_id]
        imported = as_item(original, result)
        for probe in [DONT_KNOW, *probes(original)]:
            want, got = grade(original, probe), grade(imported, probe)
            if (round(want.score, 9), want.correct) != (round(got.score, 9), got.correct):
                differences.append(
                    f"{item_id}: {probe!r}: {want.score}/{want.correct} became {got.score}/{got.correct}"
                )
    assert not differences, "\n".join(differences[:20])


def test_the_feedback_on_each_answer_keeps_its_words(round_trip: RoundTrip, shipped: Bank) -> None:
    """Markup may change form between Markdown and HTML; the words of every remark must stay."""
    lost = []
    for item_id, result in round_trip.back.items():
        original, imported = shipped.items[item_id], as_item(shipped.items[item_id], result)
        dont_know = [DONT_KNOW] if round_trip.format in DONT_KNOW_KEPT else []
        for probe in [*dont_know, *probes(original)]:
            if _words(grade(original, probe)) != _words(grade(imported, probe)):
                lost.append(f"{item_id}: {probe!r}")
    assert not lost, "\n".join(lost[:20])


def test_stems_and_explanations_come_back_as_written(round_trip: RoundTrip, shipped: Bank) -> None:
    changed = []
    for item_id, result in round_trip.back.items():
        original, imported = shipped.items[item_id], as_item(shipped.items[item_id], result)
        texts = [(original.stem, imported.stem), (original.explanation, imported.explanation)]
        if round_trip.format not in MARKDOWN_KEPT:
            texts = [(_plain(a), _plain(b)) for a, b in texts]
        if any(a != b for a, b in texts):
            changed.append(f"{item_id}: {texts}")
    assert not changed, "\n".join(changed[:5])


def test_figures_come_back_byte_for_byte(round_trip: RoundTrip, shipped: Bank) -> None:
    with_figures = [i for i in round_trip.back if shipped.items[i].figure]
    assert bool(with_figures) == (round_trip.format != "gift")
    for item_id in with_figures:
        result, original = round_trip.back[item_id], shipped.items[item_id]
        assert list(result.files.values()) == [figure_of(shipped, original)]
        assert original.figure is not None and result.data["figure"]["alt"] == original.figure.alt


def test_what_each_format_writes_is_recorded(round_trip: RoundTrip, shipped: Bank) -> None:
    """Counts by kind (printed with -s), quoted in docs/interop.md."""
    written = Counter(shipped.items[i].kind for i in round_trip.export.written)
    skipped = Counter(shipped.items[s.item_id].kind for s in round_trip.export.skipped)
    print(f"\n{round_trip.format}: written {dict(written)}; skipped {dict(skipped)}")
    assert sum(written.values()) == len(round_trip.back)


def _words(outcome: object) -> list[str]:
    return [_plain(remark.text) for part in outcome.parts for remark in part.remarks]  # type: ignore[attr-defined]


def _plain(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()

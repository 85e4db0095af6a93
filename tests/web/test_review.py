"""The review explains each question in terms of the learner's own answer."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from adaptest.bank import ITEM_KINDS
from adaptest.bank.kinds.numbers import format_number
from adaptest.web.assessments.models import Attempt
from adaptest.web.core.markdown import render_inline, render_markdown
from tests.web.exam import item_at, post_answer, question_url, slot, start, wrong_answer

pytestmark = pytest.mark.django_db


def _position(attempt: Attempt, kind: str, nth: int = 0) -> int:
    return [p for p in range(1, 21) if item_at(attempt, p).kind == kind][nth]


@pytest.fixture
def finished(client, ada, certification):  # type: ignore[no-untyped-def]
    """Ada answers a mix of right, wrong, partly right, "I don't know yet" and blank, then submits."""
    client.force_login(ada)
    attempt = start(client, certification)
    single = _position(attempt, "single_choice")
    multi = _position(attempt, "multiple_choice")
    numeric = _position(attempt, "numeric")
    ordering = _position(attempt, "ordering")
    post_answer(client, attempt, single, wrong_answer(item_at(attempt, single)))
    multi_item = item_at(attempt, multi)
    one_right = [o.id for o in multi_item.options if o.correct][:1]  # type: ignore[attr-defined]
    post_answer(client, attempt, multi, one_right)  # partly right: some true options left, all false left
    post_answer(client, attempt, numeric, 123456789)
    client.post(question_url(attempt, ordering), {"action": "dont_know"})
    client.post(reverse("submit", args=[attempt.pk]))
    at = {"single": single, "multi": multi, "numeric": numeric, "ordering": ordering}
    return client, attempt, {**at, "multi_ticked": one_right}


def _review(client, attempt: Attempt, position: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("review", args=[attempt.pk, position]))
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """What a screen reader says for a piece of markup: tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2 id=\"part-\d+\">{re.escape(heading)}</h2>(.*?)</section>", html, re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def _lines(html: str, heading: str) -> list[str]:
    """Each remark's first line in a section, as read aloud: mark, subject and labels."""
    return [
        _text(m) for m in re.findall(r'<p class="remark-subject">(.*?)</p>', _section(html, heading), re.S)
    ]


def _shown(markdown: str) -> str:
    return _text(render_inline(markdown))


def _shown_order(attempt: Attempt, position: int) -> list[Any]:
    """The options of a choice question in the order this learner saw them."""
    item = item_at(attempt, position)
    shown = [o["id"] for o in item.presentation(slot(attempt, position).display_seed)["options"]]
    return sorted(item.options, key=lambda o: shown.index(o.id))  # type: ignore[attr-defined]


def test_single_choice_lists_every_option_as_shown_and_marks_the_one_chosen_and_the_correct_one(
    finished,
) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    chosen = wrong_answer(item_at(attempt, at["single"]))
    html = _review(client, attempt, at["single"])
    expected = []
    for option in _shown_order(attempt, at["single"]):
        if option.id == chosen:
            expected.append(f"Wrong: ✗ {_shown(option.text)} Your answer")
        elif option.correct:
            expected.append(f"{_shown(option.text)} Correct answer")
        else:
            expected.append(_shown(option.text))
    assert _lines(html, "Option by option") == expected
    assert _text(
        render_markdown(next(o for o in _shown_order(attempt, at["single"]) if o.id == chosen).feedback)
    ) in _text(html)
    assert "Incorrect" in _text(html)


def test_select_all_says_of_every_option_whether_it_was_ticked_and_whether_it_is_true(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    ticked = set(at["multi_ticked"])
    html = _review(client, attempt, at["multi"])
    expected = []
    for option in _shown_order(attempt, at["multi"]):
        right = (option.id in ticked) == option.correct
        mark = "Right: ✓" if right else "Wrong: ✗"
        did = "You ticked it" if option.id in ticked else "You left it"
        expected.append(f"{mark} {_shown(option.text)} {did} {'True' if option.correct else 'False'}")
    assert _lines(html, "Option by option") == expected
    assert {line.split(" ", 1)[0] for line in expected} == {"Right:", "Wrong:"}  # the fixture mixes both
    assert any(line.startswith("Right:") and line.endswith("You left it False") for line in expected)
    assert "Partly correct" in _text(html)


def test_dont_know_has_its_own_text(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    item = item_at(attempt, at["ordering"])
    html = _review(client, attempt, at["ordering"])
    assert "You answered “I don&#x27;t know yet”" in html or "You answered “I don't know yet”" in html
    assert item.dont_know_feedback.split()[0] in html  # type: ignore[union-attr]


def test_an_answer_without_specific_feedback_gets_the_fallback(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    html = _review(client, attempt, at["numeric"])
    assert "No specific explanation for this answer" in html and "Correct answer" in html


def test_an_unanswered_question_says_so(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = finished
    blank = next(p for p in range(1, 21) if p not in at.values())
    html = _review(client, attempt, blank)
    assert "You did not answer this question." in html and "Not answered" in html


def test_review_pages_link_previous_and_next(finished) -> None:  # type: ignore[no-untyped-def]
    client, attempt, _ = finished
    first, middle, last = (
        _review(client, attempt, 1),
        _review(client, attempt, 10),
        _review(client, attempt, 20),
    )
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="next"' in middle and 'rel="prev"' in middle
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get(reverse("review", args=[attempt.pk, 21])).status_code == 404


def test_the_review_stays_hidden_while_the_exam_is_open(client, ada, certification) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    attempt = start(client, certification)
    for name in ("review", "result"):
        args = [attempt.pk, 1] if name == "review" else [attempt.pk]
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/questions/" in response["Location"]


@pytest.fixture
def every_kind(client, ada, certification):  # type: ignore[no-untyped-def]
    """Ada gets the numbers, the text and the order right, one grid cell and one tuple field wrong,
    answers a select-all with "I don't know yet" and leaves a single choice blank, then submits."""
    client.force_login(ada)
    attempt = start(client, certification)
    # free_text items are practice items until calibrated: tests/web/test_rubric_review.py reviews them
    at = {kind: _position(attempt, kind) for kind in ITEM_KINDS if kind != "free_text"}
    for kind in ("numeric", "short_text", "ordering"):
        post_answer(client, attempt, at[kind], item_at(attempt, at[kind]).key_answer())
    grid = [list(row) for row in item_at(attempt, at["matrix"]).key_answer()]
    grid[0][0] += 1000
    post_answer(client, attempt, at["matrix"], grid)
    values = dict(item_at(attempt, at["numeric_tuple"]).key_answer())
    first = next(iter(values))
    values[first] += 1000
    post_answer(client, attempt, at["numeric_tuple"], values)
    client.post(question_url(attempt, at["multiple_choice"]), {"action": "dont_know"})
    client.post(reverse("submit", args=[attempt.pk]))
    return client, attempt, at


def test_a_right_number_or_text_is_explained_once(every_kind) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = every_kind
    for kind in ("numeric", "short_text", "ordering"):
        item = item_at(attempt, at[kind])
        page = _text(_review(client, attempt, at[kind]))
        assert page.count(_text(render_markdown(item.explanation))) == 1, kind
        assert "Correct" in page and "Incorrect" not in page, kind


def test_a_tuple_says_which_field_is_right(every_kind) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = every_kind
    item = item_at(attempt, at["numeric_tuple"])
    html = _review(client, attempt, at["numeric_tuple"])
    labels = [_shown(f.label) for f in item.fields]  # type: ignore[attr-defined]
    assert _lines(html, "About your answer") == [f"Right: ✓ {label}" for label in labels[1:]] + [
        f"Wrong: ✗ {labels[0]}"
    ]
    assert "Partly correct" in _text(html)


def test_a_grid_is_reviewed_cell_by_cell_under_its_labels_beside_the_key_grid(every_kind) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = every_kind
    item = item_at(attempt, at["matrix"])
    shown = item.presentation(slot(attempt, at["matrix"]).display_seed)
    html = _review(client, attempt, at["matrix"])
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 2, "the learner's grid and the key grid"
    mine, key = tables
    header = [_text(h) for h in re.findall(r'<th scope="col">(.*?)</th>', mine, re.S)]
    assert header == [_shown(label) for label in shown["column_labels"]]
    rows = [_text(h) for h in re.findall(r'<th scope="row">(.*?)</th>', key, re.S)]
    assert rows == [_shown(label) for label in shown["row_labels"]]
    wrong = [_text(c) for c in re.findall(r'<td class="bad">(.*?)</td>', mine, re.S)]
    expected = format_number(item.answer[0][0])  # type: ignore[attr-defined]
    assert wrong == [f"wrong: ✗ {format_number(item.answer[0][0] + 1000)} (expected {expected})"]  # type: ignore[attr-defined]
    cells = sum(len(row) for row in item.answer)  # type: ignore[attr-defined]
    assert mine.count('<td class="good">') == cells - 1
    key_body = key.split("<tbody>", 1)[1]
    key_cells = [_text(c) for c in re.findall(r"<td>(.*?)</td>", key_body, re.S)]
    assert key_cells == [format_number(v) for row in item.answer for v in row]  # type: ignore[attr-defined]


def test_after_i_dont_know_yet_a_select_all_still_states_each_option_true_or_false(every_kind) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = every_kind
    html = _review(client, attempt, at["multiple_choice"])
    options = _shown_order(attempt, at["multiple_choice"])
    assert _lines(html, "Option by option") == [
        f"{_shown(o.text)} {'True' if o.correct else 'False'}" for o in options
    ]


def test_a_blank_single_choice_shows_the_options_with_the_correct_one_marked(every_kind) -> None:  # type: ignore[no-untyped-def]
    client, attempt, at = every_kind
    html = _review(client, attempt, at["single_choice"])
    options = _shown_order(attempt, at["single_choice"])
    assert _lines(html, "Option by option") == [
        f"{_shown(o.text)} Correct answer" if o.correct else _shown(o.text) for o in options
    ]
    assert "You did not answer this question." in _text(html)

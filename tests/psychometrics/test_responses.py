"""The response-file format: reading CSV and JSON lines, duplicates, and errors that name file and line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptest.psychometrics.responses import ResponseData, ResponseFileError, read_responses


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def records(data: ResponseData) -> set[tuple[str, str, float, str | None]]:
    choices = data.choice or (None,) * data.n_observations
    return {
        (data.person_ids[p], data.item_ids[i], float(u), c)
        for p, i, u, c in zip(data.person, data.item, data.correct, choices, strict=True)
    }


def test_csv_is_read_with_ids_in_order_of_first_appearance(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "person,item,correct,choice\nann,q2,1,B\nann,q1,0,C\nbob,q1,true,A\nbob,q3,FALSE,\n",
    )
    data = read_responses(path)
    assert data.person_ids == ("ann", "bob")
    assert data.item_ids == ("q2", "q1", "q3")
    assert data.person.tolist() == [0, 0, 1, 1]
    assert data.item.tolist() == [0, 1, 1, 2]
    assert data.correct.tolist() == [1.0, 0.0, 1.0, 0.0]
    assert data.choice == ("B", "C", "A", None)
    assert (data.n_persons, data.n_items, data.n_observations) == (2, 3, 4)
    assert data.duplicate_lines == ()


def test_csv_columns_may_come_in_any_order_and_choice_is_optional(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "correct,item,person\n1,q1,ann\n0,q2,ann\n")
    data = read_responses(path)
    assert records(data) == {("ann", "q1", 1.0, None), ("ann", "q2", 0.0, None)}
    assert data.choice is None


def test_jsonl_accepts_integers_booleans_and_null_choice(tmp_path: Path) -> None:
    lines = [
        {"person": 7, "item": "q1", "correct": True, "choice": "A"},
        {"person": "7", "item": "q2", "correct": 0, "choice": None},
        {"person": "x", "item": "q1", "correct": 1},
    ]
    path = write(tmp_path / "r.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n\n")
    data = read_responses(path)
    assert data.person_ids == ("7", "x")
    assert records(data) == {("7", "q1", 1.0, "A"), ("7", "q2", 0.0, None), ("x", "q1", 1.0, None)}


def test_csv_and_jsonl_with_the_same_responses_agree(tmp_path: Path) -> None:
    rows = [("p1", "i1", 1, "A"), ("p1", "i2", 0, "D"), ("p2", "i2", 1, "B")]
    csv_path = write(
        tmp_path / "r.csv",
        "person,item,correct,choice\n" + "".join(f"{p},{i},{u},{c}\n" for p, i, u, c in rows),
    )
    jsonl_path = write(
        tmp_path / "r.jsonl",
        "".join(
            json.dumps({"person": p, "item": i, "correct": u, "choice": c}) + "\n" for p, i, u, c in rows
        ),
    )
    assert records(read_responses(csv_path)) == records(read_responses(jsonl_path))


def test_a_repeated_pair_keeps_the_first_response_and_reports_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "person,item,correct\nann,q1,0\nann,q2,1\n\nann,q1,1\n")
    data = read_responses(path)
    assert records(data) == {("ann", "q1", 0.0, None), ("ann", "q2", 1.0, None)}
    assert data.duplicate_lines == (5,)


def test_a_repeated_pair_can_be_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "r.jsonl", '{"person": "a", "item": "q", "correct": 1}\n' * 2)
    with pytest.raises(
        ResponseFileError, match=r"r\.jsonl:2: .*already answered item 'q' on line 1"
    ) as error:
        read_responses(path, on_duplicate="error")
    assert error.value.line == 2


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("person,item,correct\nann,q1,1\n".encode("utf-8-sig"))
    assert read_responses(path).person_ids == ("ann",)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("person,item,correct\nann,q1,2\n", 2, "correct must be 0, 1, true or false"),
        ("person,item,correct\nann,q1,1\nann,q2\n", 3, "expected 3 fields, found 2"),
        ("person,item,correct\n,q1,1\n", 2, "person and item must not be empty"),
        ("person,item\nann,q1\n", 1, "missing column"),
        ("person,item,correct,score\n", 1, "unknown column"),
        ("person,item,correct,correct\n", 1, "unknown column|named twice"),
        ("", 1, "the file is empty"),
    ],
)
def test_malformed_csv_names_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ResponseFileError, match=message) as error:
        read_responses(path)
    assert error.value.line == line
    assert str(error.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"person": "a", "item": "q", "correct": 1}\n{"person": "a", "item": "r"\n', 2, "not valid JSON"),
        ('["a", "q", 1]\n', 1, "expected a JSON object"),
        ('{"person": "a", "item": "q"}\n', 1, "missing key"),
        ('{"person": "a", "item": "q", "correct": 1, "time": 3}\n', 1, "unknown key"),
        ('{"person": true, "item": "q", "correct": 1}\n', 1, "person must be a string or an integer"),
        ('{"person": "a", "item": " ", "correct": 1}\n', 1, "item must not be empty"),
        ('{"person": "a", "item": "q", "correct": 0.5}\n', 1, "correct must be 0, 1, true or false"),
        ('{"person": "a", "item": "q", "correct": "yes"}\n', 1, "correct must be"),
        ('{"person": "a", "item": "q", "correct": 1, "choice": 2}\n', 1, "choice must be a string"),
    ],
)
def test_malformed_jsonl_names_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path / "bad.jsonl", text)
    with pytest.raises(ResponseFileError, match=message) as error:
        read_responses(path)
    assert error.value.line == line


def test_unknown_suffix_and_files_without_responses_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ResponseFileError, match=r"unknown suffix '\.txt'"):
        read_responses(write(tmp_path / "r.txt", "person,item,correct\n"))
    with pytest.raises(ResponseFileError, match="holds no responses"):
        read_responses(write(tmp_path / "r.csv", "person,item,correct\n\n"))
    with pytest.raises(ResponseFileError, match="holds no responses"):
        read_responses(write(tmp_path / "r.jsonl", "\n"))


def test_from_dense_keeps_the_administered_cells() -> None:
    matrix = np.array([[1.0, np.nan, 0.0], [np.nan, np.nan, 1.0]])
    data = ResponseData.from_dense(matrix, item_ids=["a", "b", "c"])
    assert data.person_ids == ("0", "1")
    assert data.item_ids == ("a", "b", "c")
    assert list(zip(data.person.tolist(), data.item.tolist(), data.correct.tolist(), strict=True)) == [
        (0, 0, 1.0),
        (0, 2, 0.0),
        (1, 2, 1.0),
    ]
    np.testing.assert_array_equal(data.to_dense(), matrix)


@pytest.mark.parametrize(
    ("matrix", "kwargs", "message"),
    [
        ([1.0, 0.0], {}, "must be 2-d"),
        ([[1.0, 2.0]], {}, "only 0, 1 and NaN"),
        ([[1.0, 0.0]], {"item_ids": ["a"]}, "has 1 entries for 2"),
        ([[1.0, 0.0]], {"item_ids": ["a", "a"]}, "must be distinct"),
    ],
)
def test_from_dense_rejects_bad_input(
    matrix: list[object], kwargs: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ResponseData.from_dense(matrix, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("person", "item", "correct", "message"),
    [
        ([0, 0], [0, 0], [1.0, 0.0], "more than once"),
        ([0, 2], [0, 0], [1.0, 0.0], r"person indices must lie in \[0, 2\)"),
        ([0, 1], [0, 0], [1.0, 0.5], "only 0 and 1"),
        ([0, 1], [0], [1.0, 0.0], "same length"),
    ],
)
def test_response_data_checks_its_arrays(
    person: list[int], item: list[int], correct: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ResponseData(
            person=np.array(person),
            item=np.array(item),
            correct=np.array(correct),
            person_ids=("a", "b"),
            item_ids=("q",),
        )


def test_response_data_arrays_are_read_only() -> None:
    data = ResponseData.from_dense([[1.0, 0.0]])
    with pytest.raises(ValueError, match="read-only"):
        data.correct[0] = 0.0


matrices = st.integers(1, 6).flatmap(
    lambda n_items: st.lists(
        st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=n_items, max_size=n_items),
        min_size=1,
        max_size=8,
    )
)


@given(matrices)
def test_dense_round_trip(matrix: list[list[float]]) -> None:
    np.testing.assert_array_equal(ResponseData.from_dense(matrix).to_dense(), np.array(matrix))


@settings(max_examples=40)
@given(matrices, st.sampled_from(["csv", "jsonl"]))
def test_writing_and_reading_a_file_preserves_every_response(
    tmp_path_factory: pytest.TempPathFactory, matrix: list[list[float]], suffix: str
) -> None:
    data = ResponseData.from_dense(matrix)
    rows = [(f"p{p}", f"i{i}", int(u)) for p, i, u in zip(data.person, data.item, data.correct, strict=True)]
    path = tmp_path_factory.mktemp("round") / f"responses.{suffix}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        if suffix == "csv":
            writer = csv.writer(handle)
            writer.writerow(["person", "item", "correct"])
            writer.writerows(rows)
        else:
            handle.writelines(json.dumps({"person": p, "item": i, "correct": u}) + "\n" for p, i, u in rows)
    if not rows:
        with pytest.raises(ResponseFileError):
            read_responses(path)
        return
    assert records(read_responses(path)) == {(p, i, float(u), None) for p, i, u in rows}


def test_response_data_ids_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="must be distinct"):
        ResponseData(
            person=np.array([0]),
            item=np.array([0]),
            correct=np.array([1.0]),
            person_ids=("a", "a"),
            item_ids=("q",),
        )

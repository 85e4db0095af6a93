"""The import itself, whatever the format: ids, the bank it goes into, and all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adaptest.bank import BankInvalid, load_bank
from adaptest.bank.interop import CannotImport, Converted, Origin, Refused, SourceSyntaxError, import_file
from adaptest.bank.problems import Problem

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


def question(name: str, line: int = 1, **data: Any) -> Converted:
    body = {
        "kind": "single_choice",
        "stem": f"{name}?",
        "explanation": "Because.",
        "options": [
            {"text": "Yes", "correct": True, "feedback": "Right."},
            {"text": "No", "correct": False, "feedback": "Wrong."},
        ],
    }
    return Converted(Origin(name, line), {**body, **data})


def reading(*results: Converted | Refused):  # type: ignore[no-untyped-def]
    return lambda path: list(results)


def test_a_new_bank_is_created_with_one_file_per_question(tmp_path: Path) -> None:
    into = tmp_path / "my-bank"
    report = import_file(reading(question("Is it?"), question("Is it?", 5)), tmp_path / "x", into)
    assert report.created_bank
    assert [q.item_id for q in report.imported] == ["is-it", "is-it-2"]
    bank = load_bank(into)
    assert sorted(bank.items) == ["is-it", "is-it-2"]
    assert bank.items["is-it"].domain == "imported" and bank.items["is-it"].skills == ["imported"]


def test_refused_questions_are_reported_with_their_line_and_the_rest_imported(tmp_path: Path) -> None:
    results = (question("Good"), Refused(Origin("Matching 1", 12), "matching is not supported"))
    report = import_file(reading(*results), tmp_path / "x", tmp_path / "bank")
    assert [q.item_id for q in report.imported] == ["good"]
    assert report.lines("quiz.xml")[-1] == "quiz.xml:12: Matching 1: refused: matching is not supported"


def test_a_question_the_kind_rejects_is_refused_not_written(tmp_path: Path) -> None:
    two_keys = question(
        "Both",
        7,
        options=[
            {"text": "A", "correct": True, "feedback": "x"},
            {"text": "B", "correct": True, "feedback": "y"},
        ],
    )
    report = import_file(reading(question("Fine"), two_keys), tmp_path / "x", tmp_path / "bank")
    assert [r.origin.line for r in report.refused] == [7]
    assert "exactly one correct option" in report.refused[0].reason
    assert not (tmp_path / "bank" / "items" / "imported" / "both.yaml").exists()


def test_losses_are_listed_per_question(tmp_path: Path) -> None:
    lossy = Converted(Origin("Lossy", 3), question("Lossy").data, losses=("per-answer feedback on answer 3",))
    report = import_file(reading(lossy), tmp_path / "x", tmp_path / "bank")
    assert "quiz.gift:3: lossy: lost per-answer feedback on answer 3" in report.lines("quiz.gift")
    assert report.lines("quiz.gift")[0].startswith("1 question(s) imported, 1 of them with a loss; 0 refused")


def test_figures_are_copied_next_to_the_items(tmp_path: Path) -> None:
    with_figure = Converted(
        Origin("Plot", 1),
        {**question("Plot").data, "figure": {"path": "figures/plot.svg", "alt": "A plot"}},
        files={"figures/plot.svg": SVG},
    )
    import_file(reading(with_figure), tmp_path / "x", tmp_path / "bank")
    bank = load_bank(tmp_path / "bank")
    figure = bank.figure_path(bank.items["plot"])
    assert figure is not None and figure.read_bytes() == SVG
    assert figure.parent == tmp_path / "bank" / "figures" / "imported"


def test_ids_never_collide_with_items_already_in_the_bank(tmp_path: Path) -> None:
    import_file(reading(question("Same")), tmp_path / "x", tmp_path / "bank")
    report = import_file(reading(question("Same")), tmp_path / "x", tmp_path / "bank")
    assert [q.item_id for q in report.imported] == ["same-2"]
    assert len(load_bank(tmp_path / "bank").items) == 2


def test_an_existing_bank_needs_a_domain_and_skill_it_has(tmp_path: Path) -> None:
    into = tmp_path / "bank"
    import_file(reading(question("First")), tmp_path / "x", into)
    with pytest.raises(CannotImport, match="unknown domain 'cnn': give --domain one of imported"):
        import_file(reading(question("Q")), tmp_path / "x", into, domain="cnn")
    with pytest.raises(
        CannotImport, match="unknown skill 'nope' in domain 'imported': give --skill one of imported"
    ):
        import_file(reading(question("Q")), tmp_path / "x", into, skill="nope")
    assert sorted(load_bank(into).items) == ["first"]


def test_a_new_bank_takes_only_the_default_domain(tmp_path: Path) -> None:
    with pytest.raises(CannotImport, match="has no bank.yaml"):
        import_file(reading(question("Q")), tmp_path / "x", tmp_path / "bank", domain="cnn")
    assert not (tmp_path / "bank").exists()


def test_a_syntax_error_writes_nothing(tmp_path: Path) -> None:
    def broken(path: Path) -> list[Converted | Refused]:
        raise SourceSyntaxError(4, 2, "unclosed {")

    with pytest.raises(SourceSyntaxError):
        import_file(broken, tmp_path / "x", tmp_path / "bank")
    assert list(tmp_path.iterdir()) == []


def test_a_question_the_bank_refuses_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    relu = "Which activation outputs zero for every negative input and passes positive inputs unchanged?"
    import_file(reading(question("First", stem=relu)), tmp_path / "x", tmp_path / "bank")
    lost = Converted(
        Origin("Lost figure", 9),
        {**question("Lost").data, "figure": {"path": "figures/gone.svg", "alt": "x"}},
    )
    report = import_file(
        reading(question("Second"), lost, question("First", 12, stem=relu)), tmp_path / "x", tmp_path / "bank"
    )
    assert [q.item_id for q in report.imported] == ["second"]
    assert [(r.origin.line, r.reason) for r in report.refused] == [
        (9, "figure.path: file figures/gone.svg not found"),
        (12, f"stem: near-duplicate of first ({tmp_path}/bank/items/imported/first.yaml), similarity 1.00"),
    ]
    assert sorted(load_bank(tmp_path / "bank").items) == ["first", "second"]


def test_problems_the_new_items_do_not_explain_take_every_file_and_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_after_moving(root: Path) -> None:
        raise BankInvalid([Problem("bank.yaml", 1, "bank", "something else broke")])

    monkeypatch.setattr("adaptest.bank.interop.importer.load_bank", broken_after_moving)
    with pytest.raises(CannotImport, match="none were kept: bank.yaml:1: bank: something else broke"):
        import_file(reading(question("Q")), tmp_path / "x", tmp_path / "new" / "bank")
    assert list(tmp_path.iterdir()) == []

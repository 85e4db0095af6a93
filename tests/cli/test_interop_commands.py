"""`adaptest bank import` and `adaptest bank export`, run as an author runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from adaptest.bank import grade, load_bank
from adaptest.cli.main import main
from adaptest.content import DEEP_LEARNING_BANK

GIFT_SAMPLE = Path(__file__).parents[1] / "bank" / "interop" / "data" / "gift" / "regularisation.gift"


def test_an_import_into_a_new_folder_prints_its_report_and_gives_a_valid_bank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["bank", "import", "gift", str(GIFT_SAMPLE), "--into", str(tmp_path / "reg")])
    out = capsys.readouterr().out
    assert code == 1  # the sample has a cloze-style question, which is refused
    first = out.splitlines()[0]
    imported = len(load_bank(tmp_path / "reg").items)
    assert first.startswith(f"{imported} question(s) imported")
    assert "refused:" in out and "(a new bank: edit its bank.yaml)" in out
    assert main(["bank", "validate", str(tmp_path / "reg")]) == 0


def test_a_syntax_error_is_printed_with_line_and_column_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.gift"
    broken.write_text("::Q1:: What is 2+2? {=4 ~5}\n\n::Q2:: Unclosed {=yes ~no\n")
    assert main(["bank", "import", "gift", str(broken), "--into", str(tmp_path / "bank")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{broken}:3:") and "nothing was imported" in err
    assert not (tmp_path / "bank").exists()


def test_an_export_says_what_it_wrote_and_what_it_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "cnn.xml"
    assert main(["bank", "export", "moodle", "--out", str(out_file), "--items", "cnn-*"]) == 0
    out = capsys.readouterr().out
    assert out_file.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    summary = out.splitlines()[-1]
    assert "item(s) written to" in summary and "skipped." in summary
    assert ": skipped: " in out  # the CNN domain has grids, which Moodle cannot express


def test_export_then_import_gives_items_that_grade_alike(tmp_path: Path) -> None:
    out_file = tmp_path / "one.gift"
    assert main(["bank", "export", "gift", "--out", str(out_file), "--items", "fnd-dead-relu-unit"]) == 0
    main(["bank", "import", "gift", str(out_file), "--into", str(tmp_path / "back")])
    back = load_bank(tmp_path / "back").items
    assert back, "the exported item came back"
    (item,) = back.values()
    original = load_bank(DEEP_LEARNING_BANK).items["fnd-dead-relu-unit"]
    for option in original.presentation(0)["options"]:
        assert grade(item, option["id"]).score == grade(original, option["id"]).score


def test_an_unmatched_glob_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "export", "qti", "--out", str(tmp_path / "x.zip"), "--items", "no-such-*"]) == 1
    assert "no item id matches no-such-*" in capsys.readouterr().err

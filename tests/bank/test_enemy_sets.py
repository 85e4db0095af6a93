"""Enemy sets: items that give each other away are declared together; exam forms and the lint respect them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adaptest.bank import BankInvalid, load_bank
from adaptest.content import DEEP_LEARNING_BANK

ITEMS = "items/improving_networks"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    return root


def _twin(root: Path, enemy_set: str | None) -> None:
    """A second avoidable-bias scenario: the speech item again, for translation, with other numbers."""
    source = (root / ITEMS / "imp-avoidable-bias-gap.yaml").read_text()
    twin = (
        source.replace("id: imp-avoidable-bias-gap", "id: imp-avoidable-bias-translation")
        .replace("speech-recognition task, expert transcribers", "translation task, expert translators")
        .replace("8% training error and 10% validation error", "7% training error and 12% validation error")
        .replace("enemy_set: avoidable-bias-from-human-error\n", "")
    )
    if enemy_set:
        twin = twin.replace("\ndifficulty:", f"\nenemy_set: {enemy_set}\ndifficulty:", 1)
    (root / ITEMS / "imp-avoidable-bias-translation.yaml").write_text(twin)


def _warnings_about(root: Path, item_id: str) -> list[str]:
    return [str(w) for w in load_bank(root).warnings if f": {item_id}: warning:" in str(w)]


def test_an_undeclared_twin_is_a_warning_that_names_its_pair(bank: Path) -> None:
    _twin(bank, enemy_set=None)
    warnings = _warnings_about(bank, "imp-avoidable-bias-translation")
    assert any("looks like imp-avoidable-bias-gap with other numbers" in w for w in warnings), warnings
    assert any("share a skill" in w for w in warnings)


def test_declaring_the_twin_in_the_same_set_silences_the_warning(bank: Path) -> None:
    _twin(bank, enemy_set="avoidable-bias-from-human-error")
    warnings = _warnings_about(bank, "imp-avoidable-bias-translation")
    assert not any("imp-avoidable-bias-gap" in w for w in warnings), warnings


def test_the_shipped_twins_are_declared_so_they_raise_no_warning() -> None:
    warned = " ".join(str(w) for w in load_bank(DEEP_LEARNING_BANK).warnings)
    for item_id in ("imp-avoidable-bias-gap", "app-baseline-human-level", "seq-lstm-param-count"):
        assert f": {item_id}: warning" not in warned


def test_a_set_with_one_item_is_a_warning_so_retiring_one_of_a_pair_keeps_the_bank_valid(bank: Path) -> None:
    _twin(bank, enemy_set="avoidable-bias-lonely")
    warnings = _warnings_about(bank, "imp-avoidable-bias-translation")
    assert any("enemy_set: avoidable-bias-lonely has no other item" in w for w in warnings), warnings


def test_an_exam_form_may_not_hold_two_items_of_one_set(bank: Path) -> None:
    shipped = load_bank(DEEP_LEARNING_BANK)
    form_name, form = next(iter(shipped.assessments["dl-fundamentals-cert"].all_forms().items()))
    first, second = form[0], form[1]
    for item_id in (first, second):
        path = next((bank / "items").rglob(f"{item_id}.yaml"))
        text = path.read_text()
        if "enemy_set:" in text:
            text = "\n".join(line for line in text.splitlines() if not line.startswith("enemy_set:")) + "\n"
        path.write_text(text.replace("\ndifficulty:", "\nenemy_set: planted-pair\ndifficulty:", 1))
    with pytest.raises(BankInvalid) as raised:
        load_bank(bank)
    assert any(
        f"{second!r} and {first!r} share the enemy set planted-pair: a form gives one" in str(p)
        for p in raised.value.problems
    ), [str(p) for p in raised.value.problems]


def test_validate_prints_warnings_and_still_says_ok(bank: Path) -> None:
    _twin(bank, enemy_set=None)
    run = subprocess.run(
        [sys.executable, "-m", "adaptest.cli.main", "bank", "validate", str(bank)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "imp-avoidable-bias-translation: warning: looks like imp-avoidable-bias-gap" in run.stdout
    assert run.stdout.strip().splitlines()[-1].startswith("OK: bank 'deep-learning'")
    assert "warning(s) for authors above" in run.stdout

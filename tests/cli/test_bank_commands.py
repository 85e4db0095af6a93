"""`adaptest bank validate` reports every planted problem with its file and line, and exits 1."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adaptest.bank import BankInvalid, load_bank
from adaptest.content import DEEP_LEARNING_BANK


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adaptest.cli.main", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def broken_bank(tmp_path: Path) -> Path:
    """A copy of the shipped bank with five planted errors in five files."""
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    items = root / "items"
    (items / "planted").mkdir()
    (items / "planted" / "duplicate.yaml").write_text(
        (items / "foundations" / "fnd-mlp-param-count.yaml").read_text()
    )
    _replace(
        items / "foundations" / "fnd-sigmoid-max-derivative.yaml",
        "skills: [fnd-backprop]",
        "skills: [fnd-backprop, no-such-skill]",
    )
    _set_all_correct(items / "cnn" / "cnn-stacked-3x3-receptive-field.yaml")
    _replace(
        items / "foundations" / "fnd-network-diagram-weight-shape.yaml",
        "figures/fnd-network-3-4-2.svg",
        "figures/missing.svg",
    )
    (items / "planted" / "broken.yaml").write_text(
        "id: broken-yaml\nkind: numeric\nstem: [unclosed\nanswer: 3\n"
    )
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def _set_all_correct(path: Path) -> None:
    text = path.read_text()
    assert "correct: false" in text
    path.write_text(text.replace("correct: false", "correct: true", 1))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_the_shipped_bank_is_clean() -> None:
    result = run_cli("bank", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(
        r"OK: bank 'deep-learning': \d+ items in \d+ domains, \d+ skills, \d+ assessments\n", result.stdout
    )


def test_every_planted_error_is_reported_with_file_and_line(broken_bank: Path) -> None:
    result = run_cli("bank", "validate", str(broken_bank))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert all(re.match(r"^\S+:\d+: \S+: .+", line) for line in lines), lines
    items = broken_bank / "items"
    expected = [
        (items / "planted" / "duplicate.yaml", 1, "fnd-mlp-param-count", "duplicate item id"),
        (
            items / "foundations" / "fnd-sigmoid-max-derivative.yaml",
            _line_of(items / "foundations" / "fnd-sigmoid-max-derivative.yaml", "skills:"),
            "fnd-sigmoid-max-derivative",
            "unknown skill 'no-such-skill'",
        ),
        (
            items / "cnn" / "cnn-stacked-3x3-receptive-field.yaml",
            _line_of(items / "cnn" / "cnn-stacked-3x3-receptive-field.yaml", "options:"),
            "cnn-stacked-3x3-receptive-field",
            "exactly one correct option, found 2",
        ),
        (
            items / "foundations" / "fnd-network-diagram-weight-shape.yaml",
            _line_of(items / "foundations" / "fnd-network-diagram-weight-shape.yaml", "missing.svg"),
            "fnd-network-diagram-weight-shape",
            "figures/missing.svg not found",
        ),
        (items / "planted" / "broken.yaml", 4, "broken-yaml", "invalid YAML"),  # line 4: where parsing fails
    ]
    for path, line, item_id, message in expected:
        prefix = f"{path}:{line}: {item_id}: "
        assert any(out.startswith(prefix) and message in out for out in lines), (
            f"missing {prefix}{message} in:\n" + result.stdout
        )


def test_a_broken_bank_is_never_half_loaded(broken_bank: Path) -> None:
    with pytest.raises(BankInvalid) as raised:
        load_bank(broken_bank)
    assert len(raised.value.problems) >= 5


def test_a_missing_alt_text_and_an_empty_feedback_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    path = root / "items" / "foundations" / "fnd-network-diagram-weight-shape.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"\n  alt: .*?(?=\n\S)", "", text, count=1, flags=re.S))
    result = run_cli("bank", "validate", str(root))
    assert result.returncode == 1
    assert "figure.alt: required field is missing" in result.stdout


def test_stats_counts_items_by_domain_and_kind() -> None:
    result = run_cli("bank", "stats", "--json")
    assert result.returncode == 0
    stats = json.loads(result.stdout)
    bank = load_bank(DEEP_LEARNING_BANK)
    assert (
        stats["items"]
        == len(bank.items)
        == sum(stats["items_by_domain"].values())
        == sum(stats["items_by_kind"].values())
    )
    assert set(stats["items_by_domain"]) == {d.id for d in bank.meta.domains}
    assert stats["skills"] == len(bank.meta.skills)
    assert isinstance(stats["skills_under_3_items"], list)


def test_stats_count_both_pools_per_domain_and_per_skill() -> None:
    stats = json.loads(run_cli("bank", "stats", "--json").stdout)
    bank = load_bank(DEEP_LEARNING_BANK)
    pools = stats["pools"]
    for domain, count in pools["by_domain"].items():
        mine = [item for item in bank.items.values() if item.domain == domain]
        assert count["practice"] == sum(item.use == "practice" for item in mine)
        assert count["secure"] + count["practice"] == stats["items_by_domain"][domain]
        families = [family for family in bank.families.values() if family.domain == domain]
        assert count["families"] == sum(family.use == "both" for family in families)
        assert count["practice_families"] == sum(family.use == "practice" for family in families)
    assert set(pools["by_skill"]) >= {s.id for s in bank.meta.skills}
    assert sum(c["practice"] for c in pools["by_domain"].values()) == sum(
        item.use == "practice" for item in bank.items.values()
    )


def test_validate_refuses_an_assessment_that_uses_a_practice_item(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    exam = load_bank(root).assessments["dl-fundamentals-cert"]
    in_form = exam.all_forms()["A"][0]
    path = next((root / "items").rglob(f"{in_form}.yaml"))
    path.write_text(path.read_text() + "use: practice\n")
    result = run_cli("bank", "validate", str(root))
    assert result.returncode == 1
    assert f"{in_form!r} is a practice item: assessments use secure items" in result.stdout
    assert "dl-fundamentals-cert.yaml:" in result.stdout


def test_a_missing_bank_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("bank", "validate", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "bank folder not found" in result.stdout


def test_the_command_without_arguments_shows_its_help() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "bank" in result.stdout and "serve" in result.stdout


def test_sync_and_manage_reach_the_database_through_django(tmp_path: Path) -> None:
    env = {**os.environ, "ADAPTEST_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}

    def adaptest(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "adaptest.cli.main", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, env=env)

    assert adaptest("manage", "migrate", "--verbosity", "0").returncode == 0
    first, second = adaptest("bank", "sync"), adaptest("bank", "sync")
    assert re.search(r"bank deep-learning: \d+ new item\(s\), \d+ new version\(s\)", first.stdout), (
        first.stderr
    )
    assert "0 new item(s), 0 new version(s), 0 retired" in second.stdout
    assert (tmp_path / "data" / "adaptest.sqlite3").exists()


def test_calibrate_reads_a_response_file_and_recovers_difficulty_order(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(5)
    b = np.linspace(-1.5, 1.5, 6)
    lines = ["person,item,correct"]
    for person, theta in enumerate(rng.normal(size=600)):
        for j in range(6):
            lines.append(f"p{person},item-{j},{int(rng.random() < 1 / (1 + np.exp(-(theta - b[j]))))}")
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("calibrate", "--responses", str(path), "--json")
    assert result.returncode == 0, result.stderr
    table = json.loads(result.stdout)["items_table"]
    estimated = [row["b"] for row in sorted(table, key=lambda row: row["item"])]
    assert estimated == sorted(estimated)
    assert "EM iteration" in result.stderr


def test_calibrate_refuses_a_malformed_response_file_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("person,item,correct\np1,i1,1\np2,i1,maybe\n")
    result = run_cli("calibrate", "--responses", str(path))
    assert result.returncode == 1
    assert f"{path}:3:" in result.stderr


def test_simulate_prints_one_json_object_with_the_design_metrics() -> None:
    result = run_cli("simulate", "--design", "uni-500-fixed20", "--takers", "20", "--seed", "4", "--json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["design"] == "uni-500-fixed20" and metrics["takers"] == 20 and metrics["mean_length"] == 20


def test_simulate_runs_a_design_at_another_length_and_refuses_an_impossible_one() -> None:
    result = run_cli("simulate", "--design", "uni-500-fixed20", "--takers", "5", "--length", "12", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mean_length"] == 12
    refused = run_cli("simulate", "--design", "uni-500-fixed20", "--length", "0")
    assert refused.returncode == 2 and "--length must be at least 1" in refused.stderr

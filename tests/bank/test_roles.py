"""Role profiles in bank.yaml: the shipped three load; bad ones are refused with their file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adaptest.bank import BankInvalid, load_bank
from adaptest.bank.schema import LEVELS
from adaptest.content import DEEP_LEARNING_BANK

ROLES_AT = "roles:\n"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    return root


def _with_roles(root: Path, roles: str) -> int:
    """Replace the shipped roles with ``roles``; return the line number of the first role's ``- id:``."""
    path = root / "bank.yaml"
    text = path.read_text()
    head = text[: text.index(ROLES_AT) + len(ROLES_AT)]
    path.write_text(head + roles)
    return head.count("\n") + 1


def _problems(root: Path) -> list[str]:
    with pytest.raises(BankInvalid) as raised:
        load_bank(root)
    return [f"{p.line}: {p.item_id}: {p.message}" for p in raised.value.problems]


def test_the_shipped_bank_declares_the_three_roles_of_the_brief() -> None:
    roles = load_bank(DEEP_LEARNING_BANK).meta.roles
    assert [r.title for r in roles] == [
        "Deep-learning engineer",
        "Deep-learning researcher",
        "Software engineer working with deep learning",
    ]
    domains = {d.id for d in load_bank(DEEP_LEARNING_BANK).meta.domains}
    for role in roles:
        assert set(role.levels) <= domains and set(role.levels.values()) <= set(LEVELS[1:])
        assert 200 < len(role.rationale) < 800, role.id  # a short paragraph


def test_unknown_domains_and_level_names_are_refused_at_their_line(bank: Path) -> None:
    first = _with_roles(
        bank,
        """\
  - id: tester
    title: Tester
    rationale: Checks things.
    levels:
      foundations: developing
      quantum: accomplished
""",
    )
    assert _problems(bank) == [f"{first + 5}: tester: levels.quantum: unknown domain 'quantum'"]
    _with_roles(
        bank,
        """\
  - id: tester
    title: Tester
    rationale: Checks things.
    levels:
      foundations: expert
""",
    )
    [problem] = _problems(bank)
    assert problem.startswith(f"{first + 4}: bank: roles.0.levels.foundations: Input should be 'beginning'")


def test_a_requirement_at_the_lowest_level_is_refused_because_leaving_the_domain_out_says_it(
    bank: Path,
) -> None:
    first = _with_roles(
        bank,
        """\
  - id: tester
    title: Tester
    rationale: Checks things.
    levels:
      foundations: developing
      cnn: beginning
""",
    )
    [problem] = _problems(bank)
    assert problem.startswith(f"{first + 5}: tester: levels.cnn: 'beginning' is met by everyone")
    assert "leave the domain out" in problem


def test_duplicate_ids_missing_rationales_and_empty_profiles_are_refused(bank: Path) -> None:
    first = _with_roles(
        bank,
        """\
  - id: tester
    title: Tester
    rationale: Checks things.
    levels: {cnn: developing}
  - id: tester
    title: Tester again
    rationale: Checks again.
    levels: {cnn: accomplished}
""",
    )
    assert _problems(bank) == [f"{first + 4}: tester: duplicate role id"]
    _with_roles(
        bank,
        """\
  - id: tester
    title: Tester
    levels: {}
""",
    )
    problems = _problems(bank)
    assert any(p.startswith(f"{first}: bank: roles.0.rationale: required field is missing") for p in problems)
    assert any(p.startswith(f"{first + 2}: bank: roles.0.levels:") for p in problems), problems


def test_a_bank_without_roles_is_still_valid(bank: Path) -> None:
    path = bank / "bank.yaml"
    text = path.read_text()
    path.write_text(text[: text.index(ROLES_AT)])
    assert load_bank(bank).meta.roles == []

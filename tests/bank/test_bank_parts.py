"""Skills files, flashcard decks, generator families and the bank lint, on small planted banks."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from adaptest.bank import BankInvalid, bank_stats, load_bank
from adaptest.content import DEEP_LEARNING_BANK


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    shutil.copytree(DEEP_LEARNING_BANK, root)
    return root


def _problems(root: Path) -> list[str]:
    with pytest.raises(BankInvalid) as raised:
        load_bank(root)
    return [str(p) for p in raised.value.problems]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


def test_a_skill_defined_twice_across_files_is_reported_at_both_places(bank: Path) -> None:
    _write(
        bank / "skills" / "zz-extra.yaml",
        """
        skills:
          - id: fnd-backprop
            title: Again
            domain: foundations
        """,
    )
    problems = _problems(bank)
    assert any(
        "zz-extra.yaml:2: fnd-backprop: duplicate skill id (first defined at foundations.yaml" in p
        for p in problems
    )


def test_an_item_file_may_not_take_a_generator_familys_id(bank: Path) -> None:
    family_id = sorted(load_bank(DEEP_LEARNING_BANK).families)[0]
    source = next((bank / "items").rglob("*.yaml"))
    item_id = source.stem
    clash = source.with_name(f"{family_id}.yaml")
    clash.write_text(source.read_text().replace(f"id: {item_id}", f"id: {family_id}", 1))
    problems = _problems(bank)
    assert any(f": {family_id}: a generator family has the id of an item file" in p for p in problems)


def test_a_family_serves_both_pools_or_practice_only_and_nothing_else(bank: Path) -> None:
    shipped = load_bank(DEEP_LEARNING_BANK).families
    practice_only = next(f for f in shipped.values() if f.use == "practice")
    assert practice_only.generate(3).use == "practice"  # its variants say so too
    module = (bank / "generators" / "linear_layers.py").read_text()
    (bank / "generators" / "linear_layers.py").write_text(
        module.replace('difficulty="easy",', 'difficulty="easy",\n        use="secure",')
    )
    problems = _problems(bank)
    assert any("gen-linear-params: use must be one of both, practice, not 'secure'" in p for p in problems)


def test_decks_are_checked_for_unknown_skills_and_duplicate_cards(bank: Path) -> None:
    _write(
        bank / "decks" / "zz-test.yaml",
        """
        id: deck-test
        title: Test
        domain: foundations
        cards:
          - id: card-one
            front: A
            back: B
            skills: [no-such-skill]
          - id: card-one
            front: C
            back: D
            skills: [fnd-backprop]
        """,
    )
    problems = _problems(bank)
    assert any(p.endswith("zz-test.yaml:8: card-one: unknown skill 'no-such-skill'") for p in problems), (
        problems
    )
    assert any("zz-test.yaml:9: card-one: duplicate card id" in p for p in problems), problems


def test_a_broken_generator_is_reported_with_its_line(bank: Path) -> None:
    _write(
        bank / "generators" / "zz_broken.py",
        """
        from adaptest.bank.generators import GeneratorFamily, Variant

        def build(rng):
            n = rng.randint(1, 3)
            return Variant(params={}, fields={"stem": "How many?", "answer": n, "explanation": ""})

        FAMILIES = [GeneratorFamily(id="gen-broken", kind="numeric", domain="foundations",
                                    skills=("fnd-backprop",), build=build)]
        """,
    )
    problems = _problems(bank)
    assert any("zz_broken.py:1: gen-broken: seed 0: explanation" in p for p in problems), problems


def test_a_generator_module_that_does_not_import_is_reported(bank: Path) -> None:
    _write(bank / "generators" / "zz_syntax.py", "def broken(:\n")
    assert any("zz_syntax.py:1: -: cannot import generator module" in p for p in _problems(bank))


def test_near_duplicate_and_overlong_stems_are_reported(bank: Path) -> None:
    original = (bank / "items" / "foundations" / "fnd-training-step-order.yaml").read_text()
    _write(
        bank / "items" / "zz" / "copy.yaml", original.replace("id: fnd-training-step-order", "id: zz-copy")
    )
    long_stem = " ".join(["word"] * 130)
    text = (bank / "items" / "foundations" / "fnd-sigmoid-max-derivative.yaml").read_text()
    _write(
        bank / "items" / "zz" / "long.yaml",
        text.replace("id: fnd-sigmoid-max-derivative", "id: zz-long").replace(
            "stem: ", f"stem: {long_stem} ", 1
        ),
    )
    problems = _problems(bank)
    assert any("zz-copy: stem: near-duplicate of fnd-training-step-order" in p for p in problems), problems
    assert any("zz-long: stem: 1" in p and "keep stems under 120 words" in p for p in problems), problems


def test_a_skill_nothing_practises_is_reported(bank: Path) -> None:
    _write(
        bank / "skills" / "zz-lonely.yaml",
        """
        skills:
          - id: fnd-lonely
            title: A skill without items
            domain: foundations
        """,
    )
    assert any(
        p.endswith("zz-lonely.yaml:2: fnd-lonely: no item or generator practises this skill")
        for p in _problems(bank)
    )


def test_stats_count_families_and_flashcards(bank: Path) -> None:
    stats = bank_stats(load_bank(bank))
    loaded = load_bank(bank)
    assert stats["generator_families"] == len(loaded.families) >= 1
    assert stats["flashcards"] == sum(len(d.cards) for d in loaded.decks.values())


def test_hand_written_ids_may_not_use_the_variant_separator(bank: Path) -> None:
    text = (bank / "items" / "foundations" / "fnd-sigmoid-max-derivative.yaml").read_text()
    _write(
        bank / "items" / "zz" / "tilde.yaml", text.replace("id: fnd-sigmoid-max-derivative", "id: zz-item~3")
    )
    assert any("zz-item~3: id: '~' is reserved" in p for p in _problems(bank))

"""Blind-solve sheets show what a learner sees and nothing more; answers are checked without the key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from adaptest.bank import load_bank
from adaptest.bank.sheets import check_answers, learner_sheet
from adaptest.content import DEEP_LEARNING_BANK

BANK = load_bank(DEEP_LEARNING_BANK)


def _secrets(item) -> list[str]:  # type: ignore[no-untyped-def]
    """Texts only the review may show: explanations, feedback, misconception feedback."""
    texts = [item.explanation, item.dont_know_feedback or ""]
    texts += [o.feedback for o in getattr(item, "options", [])]
    texts += [m.feedback for m in getattr(item, "misconceptions", [])]
    return [t.strip() for t in texts if len(t.strip()) > 30]


def test_no_sheet_holds_an_explanation_or_a_feedback() -> None:
    for item in BANK.items.values():
        sheet = learner_sheet(item)
        assert item.stem.strip() in sheet
        for secret in _secrets(item):
            assert secret not in sheet, (item.id, secret[:60])


def test_answers_are_checked_as_agree_partly_disagree_or_refused() -> None:
    numeric = next(i for i in BANK.items.values() if i.kind == "numeric")
    multi = next(i for i in BANK.items.values() if i.kind == "multiple_choice")
    right = [o.id for o in multi.options if o.correct]
    wrong = [o.id for o in multi.options if not o.correct]
    checks = check_answers(
        BANK.items,
        {
            numeric.id: numeric.key_answer(),
            multi.id: right[:1] if len(right) > 1 else right + wrong[:1],
            "no-such-item": 1,
            BANK.items["gen-ae-conv-code-shape"].id: "seven",
        },
    )
    verdicts = {c.item_id: c.verdict for c in checks}
    assert verdicts[numeric.id] == "agrees"
    assert verdicts[multi.id] == "partly"
    assert verdicts["no-such-item"] == "unknown item"
    assert verdicts["gen-ae-conv-code-shape"] == "refused"


def test_the_check_command_never_prints_a_key(tmp_path: Path) -> None:
    item = BANK.items["gen-gan-optimal-discriminator"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({item.id: 0.5}))
    run = subprocess.run(
        [sys.executable, "-m", "adaptest.cli.main", "bank", "check-answers", str(answers)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == f"{item.id}: disagrees (score 0.00)"
    assert str(item.key_answer()) not in run.stdout


def test_keys_do_not_share_one_place_on_the_sheets() -> None:
    """Authors write correct options first; one display order for every item would put keys in one place."""
    from adaptest.bank.sheets import sheet_seed

    places = []
    for item in BANK.items.values():
        if item.kind == "single_choice" and len(item.options) == 4:
            shown = [o["id"] for o in item.presentation(sheet_seed(item))["options"]]
            places.append(shown.index(next(o.id for o in item.options if o.correct)))
    assert len(places) > 40
    assert max(places.count(p) for p in range(4)) < 0.5 * len(places)

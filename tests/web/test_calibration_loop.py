"""The calibration loop: simulated takers answer through the real services; `calibrate` learns the items."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from scipy.stats import spearmanr

from adaptest.bank import load_bank
from adaptest.cli import main as cli
from adaptest.web.assessments import engine, services
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.itembank.models import Assessment, Item, ItemParameters
from adaptest.web.itembank.services import bank_sync
from tests.web.exam import wrong_answer

pytestmark = pytest.mark.usefixtures("keep_test_connection")  # `adaptest calibrate` runs in this process

DOMAINS = ("alpha", "beta", "gamma", "delta")
ITEMS_PER_DOMAIN = 12
SLUG = "synthetic-adaptive"
Truth = dict[str, tuple[float, float]]  # item id -> generating (a, b)


def write_bank(root: Path, rng: np.random.Generator) -> Truth:
    """A valid bank of 4 domains × 12 single-choice items, all hinted "medium"; returns the true (a, b).

    Within each domain b is spread evenly over −2..2 (with a little jitter) and a is uniform on 0.8..1.8.
    """
    (root / "items").mkdir(parents=True)
    (root / "assessments").mkdir()
    (root / "bank.yaml").write_text(_bank_yaml())
    truth: Truth = {}
    for domain in DOMAINS:
        for k, b in enumerate(np.linspace(-2.0, 2.0, ITEMS_PER_DOMAIN)):
            item_id = f"{domain}-{k:02d}"
            truth[item_id] = (float(rng.uniform(0.8, 1.8)), float(b + rng.normal(0.0, 0.1)))
            write_item(root, item_id, domain)
    blueprint = "".join(f"  {domain}: 3\n" for domain in DOMAINS)
    (root / "assessments" / f"{SLUG}.yaml").write_text(
        f"id: {SLUG}\ntitle: Synthetic adaptive test\nkind: adaptive\ntime_limit_minutes: 60\n"
        f"blueprint:\n{blueprint}"
    )
    return truth


def _bank_yaml() -> str:
    lines = ["id: synthetic", "title: Synthetic bank", "domains:"]
    for domain in DOMAINS:
        lines += [f"  - id: {domain}", f"    title: Domain {domain}", "    levels:"]
        lines += [
            "      beginning: Recognises it.",
            "      developing: Uses it.",
            "      accomplished: Derives it.",
        ]
    lines.append("skills:")
    for domain in DOMAINS:
        lines += [f"  - id: {domain}-skill", f"    title: The skill of {domain}", f"    domain: {domain}"]
    return "\n".join(lines) + "\n"


def write_item(root: Path, item_id: str, domain: str) -> None:
    (root / "items" / f"{item_id}.yaml").write_text(
        f"id: {item_id}\nkind: single_choice\ndomain: {domain}\nskills: [{domain}-skill]\n"
        f"difficulty: medium\nstem: Question {item_id}?\nexplanation: Because it is.\noptions:\n"
        "  - text: Right\n    correct: true\n    feedback: Right.\n"
        "  - text: Wrong\n    correct: false\n    feedback: Not this one.\n"
    )


def take(user, assessment, truth: Truth, theta: float, rng: np.random.Generator) -> Attempt:  # type: ignore[no-untyped-def]
    """One taker of ability θ answers every question, right with the generating 2PL probability."""
    now = timezone.now()
    attempt = services.attempt_start(user=user, assessment=assessment, now=now)
    while attempt.is_open:
        slot = attempt.slots.select_related("item_version__item").get(position=attempt.current_position)
        a, b = truth[slot.item_version.item.item_id]
        item = slot.item_version.parsed
        right = rng.random() < 1.0 / (1.0 + np.exp(-a * (theta - b)))
        answer = item.key_answer() if right else wrong_answer(item)
        services.response_save(attempt=attempt, position=slot.position, answer=answer, now=now)
    return attempt


def take_many(
    django_user_model, assessment, truth: Truth, count: int, rng, prefix: str, mean: float = 0.0
) -> None:  # type: ignore[no-untyped-def]
    """``count`` distinct users (the retake limit allows 3 attempts each) of abilities θ ~ N(mean, 1)."""
    users = django_user_model.objects.bulk_create(
        django_user_model(username=f"{prefix}{i}") for i in range(count)
    )
    for user in users:
        take(user, assessment, truth, float(rng.normal(mean)), rng)


@pytest.fixture
def synthetic(tmp_path: Path, empty_database) -> Iterator[tuple[Path, Truth, Assessment]]:  # type: ignore[no-untyped-def]
    root = tmp_path / "bank"
    truth = write_bank(root, np.random.default_rng(2024))
    bank_sync(folder=load_bank(root))
    yield root, truth, Assessment.objects.get(slug=SLUG)


def calibrate(*args: str) -> dict:  # type: ignore[type-arg]
    """Run `adaptest calibrate --json` (the CLI itself, in this process) and read its report."""
    out = StringIO()
    with redirect_stdout(out):
        assert cli.main(["calibrate", "--json", *args]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def parameters() -> dict[str, tuple[float, float, str, bool, int]]:
    rows = ItemParameters.objects.values_list("item__item_id", "a", "b", "source", "pretest", "responses")
    return {item_id: tuple(rest) for item_id, *rest in rows}  # type: ignore[misc]


@pytest.mark.slow
def test_calibrating_500_simulated_takers_recovers_the_difficulty_order(synthetic, django_user_model) -> None:  # type: ignore[no-untyped-def]
    _, truth, assessment = synthetic
    take_many(django_user_model, assessment, truth, 500, np.random.default_rng(7), "taker")

    report = calibrate()

    assert report["persons"] == 500 and report["responses"] == 500 * 12 and report["saved"]
    changed = {row["item_id"]: row for row in report["changed"]}
    assert len(changed) >= 0.8 * len(truth), report["skipped"]
    true_b = [truth[item_id][1] for item_id in changed]
    recovered_b = [changed[item_id]["new_b"] for item_id in changed]
    rho = spearmanr(true_b, recovered_b).statistic
    print(f"\nSpearman(recovered b, generating b) = {rho:.3f} over {len(changed)} calibrated items")
    assert rho >= 0.8
    stored = parameters()
    assert all(stored[item_id][2] == ItemParameters.Source.CALIBRATION for item_id in changed)
    assert all(stored[item_id][1] == pytest.approx(row["new_b"]) for item_id, row in changed.items())


@pytest.fixture
def history(synthetic, django_user_model):  # type: ignore[no-untyped-def]
    """20 takers, then a new item synced while the test is in use (so it pretests), then 25 more."""
    root, truth, assessment = synthetic
    rng = np.random.default_rng(11)
    take_many(django_user_model, assessment, truth, 20, rng, "early")
    write_item(root, "alpha-new", "alpha")
    truth["alpha-new"] = (1.2, 0.5)
    bank_sync(folder=load_bank(root))
    assert ItemParameters.objects.get(item__item_id="alpha-new").pretest
    take_many(django_user_model, assessment, truth, 25, rng, "late")
    return truth


def test_a_pretest_item_with_enough_responses_becomes_scored_and_the_rest_stay_unchanged(
    history, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_CALIBRATION_MIN_RESPONSES = 25
    before = parameters()
    new_item_slots = AttemptItem.objects.filter(item_version__item__item_id="alpha-new")
    # every late taker answered it once, in an unscored slot
    assert new_item_slots.filter(scored=False, response__isnull=False).count() == 25

    report = calibrate()

    after = parameters()
    changed = {row["item_id"]: row for row in report["changed"]}
    assert changed["alpha-new"]["left_pretest"] and changed["alpha-new"]["n"] == 25
    assert after["alpha-new"][2:4] == (ItemParameters.Source.CALIBRATION, False)
    skipped = {row["item_id"] for row in report["skipped"]}
    assert skipped and all(after[item_id] == before[item_id] for item_id in skipped)
    assert report["min_responses"] == 25 and after["alpha-new"][4] == 25
    # the calibration moved the bank's pool stamp, so the cached pool is rebuilt with the new parameters
    test = engine.adaptive_test(Assessment.objects.select_related("bank").get(slug=SLUG))
    new_item = Item.objects.get(item_id="alpha-new")
    assert not test.design.pool.pretest[test.index_of(new_item.pk)]  # from now on given in scored slots


def test_a_later_run_with_a_stronger_cohort_stays_on_the_first_runs_scale(
    history, synthetic, django_user_model
) -> None:  # type: ignore[no-untyped-def]
    first = calibrate("--min-responses", "1")
    assert first["link"] is None  # the first calibration sets the scale
    before = parameters()
    take_many(django_user_model, synthetic[2], history, 45, np.random.default_rng(12), "strong", mean=1.5)

    second = calibrate("--min-responses", "1")

    link = second["link"]
    assert link["anchors"] >= 10
    # Fixing the mixed cohort at N(0, 1) would lower every difficulty by about 0.75; the link adds it back.
    assert 0.3 < link["intercept"] < 1.2, link
    after = parameters()
    anchors = [item_id for item_id in before if before[item_id][2] == ItemParameters.Source.CALIBRATION]
    shift = np.mean([after[i][1] - before[i][1] for i in anchors])
    assert abs(shift) < 0.05


def test_a_dry_run_reports_the_changes_and_saves_nothing(history) -> None:  # type: ignore[no-untyped-def]
    before = parameters()
    report = calibrate("--dry-run", "--min-responses", "1")
    assert report["dry_run"] and not report["saved"] and len(report["changed"]) == len(before)
    assert parameters() == before


def test_the_human_report_lists_what_changed_and_the_counts(history) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("calibrate_items", "--min-responses", "25", stdout=out)
    text = out.getvalue()
    assert "alpha-new" in text and "left pretest" in text
    assert "1 item(s) updated (1 left pretest)" in text and "fewer than 25 responses" in text


def test_without_responses_the_command_fails_with_a_clear_error(synthetic) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="no stored responses"):
        call_command("calibrate_items")
    assert all(row[2] == ItemParameters.Source.HINT for row in parameters().values())


def test_adaptest_calibrate_without_a_file_reads_the_database_and_exits_1_when_it_is_empty(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "ADAPTEST_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}

    def adaptest(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "adaptest.cli.main", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, env=env)

    assert adaptest("manage", "migrate", "--verbosity", "0").returncode == 0
    result = adaptest("calibrate")
    assert result.returncode == 1
    assert "no stored responses to calibrate from" in result.stderr
    mixed = adaptest("calibrate", "--responses", str(tmp_path / "r.csv"), "--dry-run")
    assert mixed.returncode == 2 and "only without --responses" in mixed.stderr

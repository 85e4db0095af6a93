"""Role readiness: given domain levels, some borderline, each role gets the documented verdict."""

from __future__ import annotations

import pytest

from adaptest.psychometrics.readiness import MeasuredLevel, role_readiness
from adaptest.psychometrics.reporting import level_report

BEG, DEV, ACC = "beginning", "developing", "accomplished"

# A role needing accomplished foundations and developing CNNs; sequence models are not required.
ROLE = {"foundations": ACC, "cnn": DEV}


def levels(**spec: str) -> dict[str, MeasuredLevel]:
    """``foundations="accomplished?"``: a trailing ``?`` marks the level borderline."""
    return {domain: MeasuredLevel(level.rstrip("?"), level.endswith("?")) for domain, level in spec.items()}


@pytest.mark.parametrize(
    ("reported", "verdict", "short"),
    [
        pytest.param(levels(foundations=ACC, cnn=DEV), "ready", [], id="all met"),
        pytest.param(levels(foundations=ACC, cnn=ACC), "ready", [], id="above the requirement"),
        pytest.param(levels(foundations=ACC, cnn=ACC + "?"), "ready", [], id="borderline above still meets"),
        pytest.param(
            levels(foundations=ACC, cnn=DEV, sequence_models=BEG), "ready", [], id="a domain not required"
        ),
        pytest.param(levels(foundations=DEV, cnn=DEV), "close", ["foundations"], id="one level short"),
        pytest.param(
            levels(foundations=DEV + "?", cnn=DEV), "close", ["foundations"], id="one short, borderline"
        ),
        pytest.param(
            levels(foundations=ACC + "?", cnn=DEV), "close", ["foundations"], id="met only borderline"
        ),
        pytest.param(
            levels(foundations=ACC + "?", cnn=DEV + "?"),
            "not yet",
            ["foundations", "cnn"],
            id="two met only borderline",
        ),
        pytest.param(
            levels(foundations=DEV, cnn=BEG), "not yet", ["foundations", "cnn"], id="two one level short"
        ),
        pytest.param(
            levels(foundations=DEV, cnn=DEV + "?"),
            "not yet",
            ["foundations", "cnn"],
            id="one short, one borderline",
        ),
        pytest.param(levels(foundations=BEG, cnn=DEV), "not yet", ["foundations"], id="two levels short"),
        pytest.param(
            levels(foundations=BEG + "?", cnn=DEV), "not yet", ["foundations"], id="two short, borderline"
        ),
    ],
)
def test_each_combination_of_levels_gets_the_documented_verdict(
    reported: dict[str, MeasuredLevel], verdict: str, short: list[str]
) -> None:
    readiness = role_readiness(ROLE, reported)
    assert readiness.verdict == verdict
    assert [s.domain for s in readiness.shortfalls] == short
    assert readiness.unmeasured == ()


def test_a_shortfall_says_by_how_much_and_whether_it_is_only_borderline() -> None:
    two_short = role_readiness(ROLE, levels(foundations=BEG, cnn=DEV)).shortfalls[0]
    assert (two_short.required, two_short.reported, two_short.levels_short) == (ACC, BEG, 2)
    assert not two_short.met_only_borderline
    borderline = role_readiness(ROLE, levels(foundations=ACC + "?", cnn=DEV)).shortfalls[0]
    assert borderline.met_only_borderline and borderline.borderline and borderline.levels_short == 0


def test_a_requirement_at_the_lowest_level_is_met_even_borderline() -> None:
    assert role_readiness({"cnn": BEG}, levels(cnn=BEG + "?")).verdict == "ready"


def test_unmeasured_domains_are_listed_and_left_out_of_the_verdict() -> None:
    role = {**ROLE, "llm_and_scale": ACC}
    readiness = role_readiness(role, levels(foundations=ACC, cnn=DEV))
    assert (readiness.verdict, readiness.unmeasured) == ("ready", ("llm_and_scale",))


def test_a_role_with_no_measured_domain_is_not_measured_rather_than_ready() -> None:
    readiness = role_readiness({"llm_and_scale": ACC}, levels(foundations=ACC))
    assert (readiness.verdict, readiness.shortfalls, readiness.unmeasured) == (
        "not measured",
        (),
        ("llm_and_scale",),
    )


def test_level_reports_from_the_posterior_can_be_read_directly() -> None:
    settled = level_report(0.02, 0.10)  # accomplished with 90%
    unsettled = level_report(0.05, 0.40)  # accomplished with 60%: borderline
    assert settled.level == unsettled.level == ACC and unsettled.borderline
    assert role_readiness(ROLE, {"foundations": settled, "cnn": settled}).verdict == "ready"
    assert role_readiness(ROLE, {"foundations": unsettled, "cnn": settled}).verdict == "close"


def test_an_unknown_level_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown level 'expert'"):
        role_readiness({"cnn": "expert"}, levels(cnn=DEV))

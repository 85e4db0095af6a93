"""Classical item statistics: hand-worked values, sparse rest scores, edge cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptest.psychometrics.classical import classical_statistics
from adaptest.psychometrics.irt import probability
from adaptest.psychometrics.responses import ResponseData


def test_hand_worked_example() -> None:
    #            q1   q2   q3
    # ann         1    1    -
    # bob         0    1    0
    # cy          1    -    1
    # dee         0    0    -
    data = ResponseData.from_records(
        ["ann", "ann", "bob", "bob", "bob", "cy", "cy", "dee", "dee"],
        ["q1", "q2", "q1", "q2", "q3", "q1", "q3", "q1", "q2"],
        [1, 1, 0, 1, 0, 1, 1, 0, 0],
        ["A", "B", "C", "B", "D", "A", "A", "B", "C"],
    )
    stats = classical_statistics(data)
    assert stats.item_ids == ("q1", "q2", "q3")
    assert stats.n.tolist() == [4, 3, 2]
    np.testing.assert_allclose(stats.facility, [0.5, 2 / 3, 0.5])
    np.testing.assert_allclose(stats.exposure, [1.0, 0.75, 0.5])
    # q1: scores (1, 0, 1, 0) against rest proportions ann 1/1, bob 1/2, cy 1/1, dee 0/1.
    expected_q1 = np.corrcoef([1, 0, 1, 0], [1.0, 0.5, 1.0, 0.0])[0, 1]
    # q2: scores (1, 1, 0) against rest ann 1/1, bob 0/2, dee 0/1.
    expected_q2 = np.corrcoef([1, 1, 0], [1.0, 0.0, 0.0])[0, 1]
    np.testing.assert_allclose(stats.discrimination[:2], [expected_q1, expected_q2])
    assert stats.discrimination[2] == pytest.approx(1.0)  # q3: cy right (rest 1), bob wrong (rest 0.5)
    assert stats.distractor_rates == ({"C": 0.5, "B": 0.5}, {"C": 1.0}, {"D": 1.0})


def test_complete_data_discrimination_is_the_corrected_item_total_correlation() -> None:
    rng = np.random.default_rng(1)
    theta = rng.normal(size=300)
    matrix = (rng.random((300, 8)) < probability(theta[:, None], 1.2, np.linspace(-1, 1, 8))).astype(float)
    stats = classical_statistics(ResponseData.from_dense(matrix))
    for item in range(8):
        rest_sum = matrix.sum(axis=1) - matrix[:, item]
        assert stats.discrimination[item] == pytest.approx(np.corrcoef(matrix[:, item], rest_sum)[0, 1])


def test_more_discriminating_items_get_higher_point_biserials() -> None:
    rng = np.random.default_rng(2)
    theta = rng.normal(size=4000)
    a = np.linspace(0.3, 2.5, 10)
    matrix = (rng.random((4000, 10)) < probability(theta[:, None], a, 0.0)).astype(float)
    matrix[rng.random(matrix.shape) < 0.5] = np.nan  # random booklets: half the items each
    discrimination = classical_statistics(ResponseData.from_dense(matrix)).discrimination
    assert np.all(np.diff(discrimination) > -0.03)
    assert discrimination[-1] - discrimination[0] > 0.3


def test_unanswered_constant_and_lonely_items() -> None:
    matrix = np.array([[1.0, 1.0, np.nan], [0.0, 1.0, np.nan], [np.nan, np.nan, np.nan]])
    stats = classical_statistics(ResponseData.from_dense(matrix))
    assert stats.n.tolist() == [2, 2, 0]
    assert np.isnan(stats.facility[2]) and stats.exposure[2] == 0.0
    assert np.isnan(stats.discrimination[1])  # everyone right: no variance
    assert np.isnan(stats.discrimination[2])
    assert stats.distractor_rates is None
    lonely = classical_statistics(ResponseData.from_dense([[1.0, np.nan], [np.nan, 0.0]]))
    assert np.all(np.isnan(lonely.discrimination))  # nobody has a rest score


def test_wrong_answers_without_a_recorded_choice_are_left_out_of_distractor_rates() -> None:
    data = ResponseData.from_records(["a", "b", "c", "d"], ["q"] * 4, [0, 0, 0, 1], ["X", None, "Y", "K"])
    stats = classical_statistics(data)
    assert stats.distractor_rates == ({"X": 0.5, "Y": 0.5},)


@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=4, max_size=4),
        min_size=1,
        max_size=12,
    )
)
def test_statistics_stay_in_range(matrix: list[list[float]]) -> None:
    data = ResponseData.from_dense(matrix)
    stats = classical_statistics(data)
    answered = stats.n > 0
    assert stats.n.sum() == data.n_observations
    assert np.all((stats.facility[answered] >= 0) & (stats.facility[answered] <= 1))
    assert np.all((stats.exposure >= 0) & (stats.exposure <= 1))
    finite = np.isfinite(stats.discrimination)
    assert np.all(np.abs(stats.discrimination[finite]) <= 1 + 1e-12)


@given(st.lists(st.tuples(st.booleans(), st.sampled_from("ABCD")), min_size=1, max_size=30))
def test_distractor_shares_sum_to_one(answers: list[tuple[bool, str]]) -> None:
    n = len(answers)
    data = ResponseData.from_records(
        [f"p{i}" for i in range(n)],
        ["q"] * n,
        [float(right) for right, _ in answers],
        [c for _, c in answers],
    )
    rates = classical_statistics(data).distractor_rates
    assert rates is not None
    wrong = [choice for right, choice in answers if not right]
    assert sum(rates[0].values()) == pytest.approx(1.0 if wrong else 0.0)
    assert set(rates[0]) == set(wrong)

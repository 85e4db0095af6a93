"""free_text: a rubric of criteria graded from written answers, with doubts sent to a person."""

from __future__ import annotations

from typing import Any

import pytest

from adaptest.bank import AnswerError, Role, grade, load_bank, parse_item
from adaptest.bank.kinds.rubric import REVIEW_SUBJECT, RubricItem, fold, words
from adaptest.content import DEEP_LEARNING_BANK

COMMON = {"domain": "d", "skills": ["s"], "stem": "Explain.", "explanation": "Because."}


def rubric_item(rubric: list[dict[str, Any]], **fields: Any) -> RubricItem:
    item = parse_item({"id": "t-free-text", "kind": "free_text", **COMMON, "rubric": rubric, **fields})
    assert isinstance(item, RubricItem)
    return item


def criterion(cid: str, concepts: list[list[str]], points: int = 1) -> dict[str, Any]:
    return {
        "id": cid,
        "criterion": f"Mentions {cid}",
        "points": points,
        "concepts": concepts,
        "met": f"{cid} met.",
        "missed": f"{cid} missed.",
    }


ITEM = rubric_item(
    [
        criterion(
            "surrogate",
            [["surrogate"], ["gaussian process"], ["model|fit*|approximat*", "objective|loss"]],
            2,
        ),
        criterion("acquisition", [["acquisition"], ["explor*", "exploit*"]]),
    ],
    max_words=40,
)


# --- the normaliser ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        ("model", "models", "modelling", "modelled", "modeling"),
        ("fit", "fits", "fitting", "fitted"),
        ("query", "queries", "queried"),
        ("search", "searches", "searching", "searched"),
        ("use", "uses", "used", "using"),
        ("process", "processes", "processing"),
        ("loss", "losses"),
        ("bias", "biases"),
        ("case", "cases"),
        ("do", "does"),
        ("class", "classes"),
        ("try", "tries", "tried", "trying"),
        ("scale", "scales", "scaled", "scaling"),
        ("drop", "drops", "dropped", "dropping"),
        ("need", "needs", "needed"),
    ],
)
def test_inflected_forms_of_a_word_fold_to_one(forms: tuple[str, ...]) -> None:
    assert len({fold(form) for form in forms}) == 1, {form: fold(form) for form in forms}


@pytest.mark.parametrize(
    "distinct", [("thing", "the"), ("bias", "bia"), ("biases", "bia"), ("loss", "los"), ("dropout", "drop")]
)
def test_folding_keeps_different_words_apart(distinct: tuple[str, str]) -> None:
    assert fold(distinct[0]) != fold(distinct[1])


def test_the_normaliser_folds_case_unicode_punctuation_and_contractions() -> None:
    assert words("Ｇaussian-Processes, isn’t it?") == ["gaussian", "process", "is", "not", "it"]
    assert words("doesn't   WON'T") == ["do", "not", "wo", "not"]
    assert words("1 − p") == ["1", "p"]


# --- matching and scoring --------------------------------------------------------------------------------


def results(outcome: Any) -> list[tuple[str, bool | None]]:
    part = outcome.part(Role.YOUR_ANSWER)
    return [(r.subject, r.good) for r in part.remarks]


def test_any_concept_meets_a_criterion_and_the_score_is_the_share_of_points() -> None:
    outcome = grade(ITEM, "It fits a Gaussian process to the trials.")
    assert (outcome.score, outcome.correct, outcome.needs_review) == (2 / 3, False, False)
    assert results(outcome) == [("Mentions surrogate", True), ("Mentions acquisition", False)]
    texts = [r.text for r in outcome.part(Role.YOUR_ANSWER).remarks]
    assert texts == ["surrogate met.", "acquisition missed."]


def test_every_term_of_a_concept_must_appear_in_any_order_with_prefixes_and_plurals() -> None:
    outcome = grade(ITEM, "It exploits what it knows and explores: approximating the losses.")
    assert outcome.correct and outcome.score == 1.0 and not outcome.needs_review


def test_terms_match_whole_words_only() -> None:
    # "surrogates" is the plural (folded); "acquisitions" too; but "lossy" is not "loss"
    assert grade(ITEM, "Surrogates guide acquisitions.").correct
    assert grade(ITEM, "A lossy modem.").score == 0.0


def test_a_partly_matched_concept_of_a_missed_criterion_needs_review() -> None:
    outcome = grade(ITEM, "It explores the space using a surrogate.")
    assert results(outcome)[:2] == [("Mentions surrogate", True), ("Mentions acquisition", False)]
    assert outcome.needs_review
    assert ITEM.assess("It explores the space using a surrogate.").reasons == (
        "acquisition: part of a concept is there, not all of it",
    )
    review = outcome.part(Role.YOUR_ANSWER).remarks[-1]
    assert review.subject == REVIEW_SUBJECT and "may change" in review.text and review.good is None


def test_a_partial_concept_of_a_met_criterion_is_no_doubt() -> None:
    outcome = grade(ITEM, "A surrogate model; an acquisition function.")  # "model" without "objective"
    assert outcome.correct and not outcome.needs_review


@pytest.mark.parametrize(
    "answer",
    [
        "It does not use a surrogate. Acquisition.",
        "Without any surrogate, acquisition decides.",
        "There's no real acquisition step; a surrogate.",
        "It isn't a Gaussian process. Acquisition.",
        "It never really explores or exploits, surrogate.",
    ],
)
def test_a_matched_term_within_three_words_after_a_negation_needs_review(answer: str) -> None:
    outcome = grade(ITEM, answer)
    assert outcome.needs_review, ITEM.assess(answer)


def test_a_negated_mention_is_no_doubt_when_the_criterion_is_met_plainly_elsewhere() -> None:
    answer = "A surrogate is fitted to past trials. Without the surrogate you would need a grid. Acquisition."
    assert ITEM.assess(answer).results[0].negated == ()
    assert not grade(ITEM, answer).needs_review


@pytest.mark.parametrize("negation", ["dont", "doesnt", "isnt", "cant", "wont"])
def test_a_contraction_typed_without_its_apostrophe_is_a_negation(negation: str) -> None:
    assert grade(ITEM, f"It {negation} use a surrogate. Acquisition.").needs_review


def test_a_negation_four_words_before_a_term_is_no_doubt() -> None:
    assert not grade(ITEM, "Not at all a bad surrogate; acquisition too.").needs_review


def test_a_long_answer_that_meets_no_criterion_needs_review_and_a_short_one_does_not() -> None:
    long_answer = (
        "It builds a probabilistic picture of how settings relate to quality and spends effort wisely."
    )
    assert len(long_answer.split()) >= 12
    outcome = grade(ITEM, long_answer)
    assert (outcome.score, outcome.needs_review) == (0.0, True)
    short = grade(ITEM, "It is faster.")
    assert (short.score, short.needs_review) == (0.0, False)
    assert REVIEW_SUBJECT not in [subject for subject, _ in results(short)]


def test_the_key_answer_meets_every_criterion_and_the_review_lists_the_criteria() -> None:
    assert ITEM.key_answer() == "Surrogate. Acquisition."
    outcome = grade(ITEM, ITEM.key_answer())
    assert outcome.correct and not outcome.needs_review
    correct = outcome.part(Role.CORRECT_ANSWER).remarks[0]
    assert correct.subject.startswith("A full answer covers: Mentions surrogate (2 points)")
    assert correct.text == "Because."


def test_a_reviewer_s_ticks_give_a_score_and_a_correct_flag() -> None:
    assert ITEM.criteria_score({"surrogate"}) == (2 / 3, False)
    assert ITEM.criteria_score({"surrogate", "acquisition"}) == (1.0, True)
    assert ITEM.criteria_score(set()) == (0.0, False)


# --- the answer ------------------------------------------------------------------------------------------


def test_answers_over_the_word_limit_are_refused_with_the_count() -> None:
    with pytest.raises(AnswerError, match="41 words; keep it to 40 words or fewer"):
        grade(ITEM, " ".join(["word"] * 41))
    assert grade(ITEM, " ".join(["word"] * 40)).score == 0.0


@pytest.mark.parametrize("raw", ["", "   \n ", None, 3, ["a"]])
def test_empty_or_non_text_answers_are_refused(raw: Any) -> None:
    with pytest.raises(AnswerError):
        grade(ITEM, raw)


def test_the_canonical_answer_keeps_paragraphs_and_is_idempotent() -> None:
    parsed = ITEM.parse_answer("  First   line. \r\n\r\n\r\n Second\tline.  ")
    assert parsed == "First line.\n\nSecond line."
    assert ITEM.parse_answer(parsed) == parsed


def test_the_presentation_shows_only_the_word_limit() -> None:
    assert ITEM.presentation(1) == {"max_words": 40}


# --- validation ------------------------------------------------------------------------------------------


def test_problems_name_duplicate_ids_bad_points_empty_concepts_and_empty_terms() -> None:
    item = rubric_item(
        [
            criterion("a", [["x"]]),
            criterion("a", [["y"]], points=0),
            criterion("b", [[], ["ok", "a||b"], ["", "z"], ["mid*dle"]]),
        ]
    )
    messages = {loc: message for loc, message in item.problems()}
    assert "used twice" in messages[("rubric", 1, "id")]
    assert "positive" in messages[("rubric", 1, "points")]
    assert "at least one term" in messages[("rubric", 2, "concepts", 0)]
    assert "empty alternative" in messages[("rubric", 2, "concepts", 1, 1)]
    assert ("rubric", 2, "concepts", 2, 0) in messages
    assert ("rubric", 2, "concepts", 3, 0) in messages


def test_raw_problems_report_duplicate_ids_when_the_schema_fails_too() -> None:
    data = {"rubric": [{"id": "a"}, {"id": "a"}]}
    assert RubricItem.raw_problems(data) == [(("rubric", 1, "id"), "criterion id 'a' is used twice")]


# --- the shipped examples ---------------------------------------------------------------------------------

BANK = load_bank(DEEP_LEARNING_BANK)
BAYESOPT = BANK.items["imp-explain-bayesopt-vs-grid"]
DROPOUT = BANK.items["imp-explain-dropout-inference"]


def met(item: Any, answer: str) -> dict[str, bool]:
    return {r.criterion.id: r.met for r in item.assess(answer).results}


@pytest.mark.parametrize(
    ("answer", "criteria", "score", "queued"),
    [
        (  # a full answer
            "Bayesian optimisation fits a surrogate model, usually a Gaussian process, to the validation "
            "scores of the runs so far. It uses the results of previous trials to choose the next "
            "configuration with an acquisition function that trades off exploring uncertain regions "
            "against exploiting promising ones. A grid fixes all 36 runs in advance, so many are wasted "
            "on poor settings.",
            {"surrogate": True, "history": True, "acquisition": True, "grid-waste": True},
            1.0,
            False,
        ),
        (  # partial: the two mechanisms named, not why they save runs
            "It fits a surrogate and picks the next point with an acquisition function.",
            {"surrogate": True, "history": False, "acquisition": True, "grid-waste": False},
            0.5,
            False,
        ),
        (  # short and wrong
            "It is faster.",
            {"surrogate": False, "history": False, "acquisition": False, "grid-waste": False},
            0.0,
            False,
        ),
        (  # a long paraphrase the rubric does not know
            "Bayesian optimisation builds a probabilistic picture of how hyperparameters relate to "
            "validation quality and spends effort where improvement looks likely.",
            {"surrogate": False, "history": False, "acquisition": False, "grid-waste": False},
            0.0,
            True,
        ),
        (  # a negated term
            "Bayesian optimisation does not need a surrogate; it simply tries more promising values.",
            {"surrogate": True, "history": False, "acquisition": False, "grid-waste": False},
            2 / 6,
            True,
        ),
        (  # "predicts" without what it predicts: part of a concept
            "It predicts which settings will do well from the earlier runs.",
            {"surrogate": False, "history": True, "acquisition": False, "grid-waste": False},
            2 / 6,
            True,
        ),
    ],
)
def test_answers_to_the_bayesopt_example_score_as_a_teacher_would(
    answer: str, criteria: dict[str, bool], score: float, queued: bool
) -> None:
    assert met(BAYESOPT, answer) == criteria
    outcome = grade(BAYESOPT, answer)
    assert (outcome.score, outcome.correct, outcome.needs_review) == (
        pytest.approx(score),
        score == 1.0,
        queued,
    )
    ticks = [r.good for r in outcome.part(Role.YOUR_ANSWER).remarks if r.subject != REVIEW_SUBJECT]
    assert ticks == list(criteria.values())


@pytest.mark.parametrize(
    ("answer", "criteria", "score", "queued"),
    [
        (
            "During training dropout randomly zeroes each unit with probability 0.5, which regularises "
            "the network and reduces overfitting. When the network makes predictions, dropout is "
            "switched off and every unit is used, so the output is deterministic. Inverted dropout "
            "divides the surviving activations by 1 − p during training so the expected activation is "
            "the same at test time.",
            {"random-zeroing": True, "regularises": True, "off-at-inference": True, "scaling": True},
            1.0,
            False,
        ),
        (
            "Dropout randomly switches off neurons in training to stop overfitting; at test time it is "
            "turned off.",
            {"random-zeroing": True, "regularises": True, "off-at-inference": True, "scaling": False},
            4 / 6,
            False,
        ),
        (
            "It makes training faster.",
            {"random-zeroing": False, "regularises": False, "off-at-inference": False, "scaling": False},
            0.0,
            False,
        ),
        (  # "no units are dropped": a negated term, and inference without what happens then
            "Dropout randomly drops units in training. At inference no units are dropped.",
            {"random-zeroing": True, "regularises": False, "off-at-inference": False, "scaling": False},
            1 / 6,
            True,
        ),
        (  # wrong, but it speaks of test time: a person judges it
            "At test time dropout is still applied, and predictions are averaged.",
            {"random-zeroing": False, "regularises": False, "off-at-inference": False, "scaling": False},
            0.0,
            True,
        ),
    ],
)
def test_answers_to_the_dropout_example_score_as_a_teacher_would(
    answer: str, criteria: dict[str, bool], score: float, queued: bool
) -> None:
    assert met(DROPOUT, answer) == criteria
    outcome = grade(DROPOUT, answer)
    assert (outcome.score, outcome.correct, outcome.needs_review) == (
        pytest.approx(score),
        score == 1.0,
        queued,
    )


def test_the_examples_are_practice_items_whose_keys_need_no_review() -> None:
    for item in (BAYESOPT, DROPOUT):
        assert item.use == "practice" and item.problems() == []
        outcome = grade(item, item.key_answer())
        assert outcome.correct and not outcome.needs_review

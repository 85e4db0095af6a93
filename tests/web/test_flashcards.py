"""Flashcards: FSRS scheduling through the services, the four study modes without JavaScript, import and
export, and who may see a personal deck."""

from __future__ import annotations

import csv
import io
import random
import re
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from adaptest.web.flashcards import selectors, services
from adaptest.web.flashcards.interop import ImportRefused, tsv_parse
from adaptest.web.flashcards.models import Card, CardState, PersonalDeck, Review, StudySettings
from adaptest.web.flashcards.study import answer_verdict, choice_options, quiz_questions

pytestmark = pytest.mark.django_db

CNN = "deep-learning:deck-cnn"
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def _deck(user, key=CNN):  # type: ignore[no-untyped-def]
    return selectors.deck_get(user=user, key=key)


def _first_card(user):  # type: ignore[no-untyped-def]
    deck = _deck(user)
    return deck, services.card_identify(deck=deck)[deck.cards[0].key]


@pytest.fixture
def client_ada(client: Client, ada, shipped_bank) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    return client


# --- scheduling ------------------------------------------------------------------------------------------


def test_a_new_card_rated_good_is_due_after_fsrs_own_interval(ada, shipped_bank) -> None:
    _, card = _first_card(ada)
    result = services.card_review(user=ada, card=card, rating=3, now=T0, mode=Review.Mode.FLIP)
    expected, _ = fsrs.Scheduler(desired_retention=0.9).review_card(
        fsrs.Card(card_id=card.pk, due=T0), fsrs.Rating.Good, review_datetime=T0
    )
    assert result.state.due == expected.due == T0 + timedelta(minutes=10)  # FSRS's second learning step
    review = Review.objects.get(user=ada, card=card)
    assert (review.rating, review.reviewed_at, review.due_after) == (3, T0, expected.due)
    assert review.state_after == expected.to_dict()
    assert fsrs.Card.from_dict(result.state.fsrs).stability == pytest.approx(expected.stability)


def test_a_graduated_card_rated_good_gets_the_interval_fsrs_gives_with_the_learners_retention(
    ada, shipped_bank
) -> None:
    services.study_settings_update(user=ada, desired_retention=0.8)
    _, card = _first_card(ada)
    later = T0 + timedelta(minutes=10)
    services.card_review(user=ada, card=card, rating=3, now=T0, mode=Review.Mode.FLIP)
    random.seed(12)  # fsrs fuzzes review intervals with random.random(): the same draw on both sides
    result = services.card_review(user=ada, card=card, rating=3, now=later, mode=Review.Mode.REVIEW)

    scheduler = fsrs.Scheduler(desired_retention=0.8)
    expected, _ = scheduler.review_card(fsrs.Card(card_id=card.pk, due=T0), fsrs.Rating.Good, T0)
    random.seed(12)
    expected, _ = scheduler.review_card(expected, fsrs.Rating.Good, later)
    assert expected.state == fsrs.State.Review
    assert result.state.due == expected.due
    assert result.state.due - later >= timedelta(days=1)
    at_90, _ = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False).review_card(
        fsrs.Card.from_dict(Review.objects.filter(card=card).first().state_after),  # type: ignore[union-attr]
        fsrs.Rating.Good,
        later,
    )
    assert at_90.due > later  # a higher retention asks for reviews at least as often
    assert Review.objects.filter(user=ada, card=card).count() == 2


def test_a_card_rated_good_is_not_due_before_its_interval_and_is_due_after(client, ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    deck, card = _first_card(ada)
    with time_machine.travel(T0, tick=False):
        client.force_login(ada)  # the session must not have expired by the frozen clock's date
        services.card_review(user=ada, card=card, rating=3, now=T0, mode=Review.Mode.FLIP)
    due = CardState.objects.get(user=ada, card=card).due
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert selectors.due_cards(user=ada, now=due - timedelta(seconds=1)) == []
        page = client.get(reverse("cards_review")).content.decode()
        assert "No card is due now" in page
    with time_machine.travel(due, tick=False):
        [shown] = selectors.due_cards(user=ada, now=due)
        assert shown.card.key == deck.cards[0].key
        page = client.get(reverse("cards_review")).content.decode()
        assert "1 card due now" in page and f'name="card" value="{card.pk}"' in page


def test_a_double_submitted_rating_is_stored_once(ada, shipped_bank) -> None:
    _, card = _first_card(ada)
    shown = T0 - timedelta(seconds=8)
    first = services.card_review(user=ada, card=card, rating=3, now=T0, mode="flip", shown_at=shown)
    again = services.card_review(
        user=ada, card=card, rating=3, now=T0 + timedelta(seconds=1), mode="flip", shown_at=shown
    )
    assert again.replay and again.state.due == first.state.due
    assert Review.objects.get(user=ada, card=card).duration_ms == 8000


def test_adding_a_deck_to_reviews_makes_its_cards_due_and_counted_on_the_home_page(client_ada, ada) -> None:
    deck = _deck(ada)
    with time_machine.travel(T0, tick=False):
        client_ada.force_login(ada)
        home = client_ada.get("/").content.decode()
        assert "No card due today" in home
        response = client_ada.post(reverse("cards_schedule", args=[CNN]), follow=True)
        assert f"{len(deck.cards)} cards added to your reviews" in response.content.decode()
        home = client_ada.get("/").content.decode()
    assert re.search(rf"<strong>{len(deck.cards)}</strong> cards due today", home)
    assert services.deck_schedule(user=ada, deck=deck, now=T0) == 0  # idempotent


def test_the_home_page_shows_no_due_count_to_a_visitor(client, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    assert "due today" not in client.get("/").content.decode()


def test_desired_retention_is_validated_and_saved(client_ada, ada) -> None:
    url = reverse("cards_settings")
    assert reverse("cards_settings") in client_ada.get(reverse("account")).content.decode()
    refused = client_ada.post(url, {"desired_retention": "0.5"})
    assert refused.status_code == 400 and "greater than or equal to 0.7" in refused.content.decode()
    assert not StudySettings.objects.filter(user=ada).exists()
    client_ada.post(url, {"desired_retention": "0.85"})
    assert selectors.desired_retention(user=ada) == 0.85
    with pytest.raises(services.FlashcardError):
        services.study_settings_update(user=ada, desired_retention=0.99)


# --- study modes without JavaScript ----------------------------------------------------------------------


def test_flip_shows_a_card_and_records_a_rating_then_moves_on(client_ada, ada) -> None:
    deck = _deck(ada)
    url = reverse("cards_flip", args=[CNN])
    page = client_ada.get(url).content.decode()
    assert "Card 1 of" in page and "<summary>Show the answer" in page
    response = client_ada.post(url, {"card": deck.cards[0].key, "n": "1", "rating": "4", "shown": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?n=2")
    assert Review.objects.get(user=ada).rating == 4
    refused = client_ada.post(url, {"card": deck.cards[0].key, "n": "1", "rating": "5"}, follow=True)
    assert "Choose a rating from 1 (Again) to 4 (Easy)" in refused.content.decode()
    assert Review.objects.filter(user=ada).count() == 1


def test_learn_checks_a_typed_answer_leniently_and_shows_it_beside_the_card(client_ada, ada) -> None:
    card = _deck(ada).cards[0]
    url = reverse("cards_learn", args=[CNN])
    typed = card.back.upper().replace(",", "").replace(".", " !")
    page = client_ada.post(url, {"n": "1", "form": "typed", "answer": typed}).content.decode()
    assert "Right." in page and "Your answer" in page and "The card's answer" in page
    page = client_ada.post(url, {"n": "1", "form": "typed", "answer": "a pooling layer"}).content.decode()
    assert "Not quite." in page


def test_learn_multiple_choice_keeps_the_right_option_off_the_page_until_answered(client_ada, ada) -> None:
    deck = _deck(ada)
    url = reverse("cards_learn", args=[CNN])
    page = client_ada.get(url + "?n=1&form=choice").content.decode()
    values = re.findall(r'name="choice" value="(\d)"', page)
    assert values == ["0", "1", "2", "3"]
    assert deck.cards[0].key not in page  # option values are positions, not card ids
    options = client_ada.session["flashcards.learn"]["options"]
    right = options.index(deck.cards[0].key)
    assert (
        "Right." in client_ada.post(url, {"n": "1", "form": "choice", "choice": str(right)}).content.decode()
    )
    wrong = str((right + 1) % 4)
    assert (
        "Not quite." in client_ada.post(url, {"n": "1", "form": "choice", "choice": wrong}).content.decode()
    )


def test_a_test_of_n_cards_mixes_forms_and_scores_every_question(client_ada, ada) -> None:
    deck = _deck(ada)
    url = reverse("cards_test", args=[CNN])
    assert client_ada.get(url + "?count=0").status_code == 400
    page = client_ada.get(url + "?count=4").content.decode()
    quiz = client_ada.session["flashcards.test"]
    assert len(quiz["questions"]) == 4 and {q["form"] for q in quiz["questions"]} == {"typed", "choice"}
    token = re.search(r'name="token" value="(\w+)"', page).group(1)  # type: ignore[union-attr]
    answers = {"token": token}
    for number, question in enumerate(quiz["questions"], start=1):
        card = deck.card(question["card"])
        assert card is not None
        if question["form"] == "typed":
            answers[f"q{number}"] = card.back
        else:
            answers[f"q{number}"] = str(question["options"].index(card.key))
    answers["q1"] = ""  # one left blank
    result = client_ada.post(url, answers).content.decode()
    assert "You scored 3 out of 4." in result
    assert result.count("Your answer") == 4


# --- import, export, privacy -----------------------------------------------------------------------------


def test_an_exported_apkg_is_a_zip_holding_a_sqlite_collection_with_every_card(
    client_ada, ada, tmp_path
) -> None:
    deck = _deck(ada)
    response = client_ada.get(reverse("cards_export_apkg", args=[CNN]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None and "collection.anki2" in archive.namelist()
    database = tmp_path / "collection.anki2"
    database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM cards").fetchone() == (len(deck.cards),)
        fields = [row[0] for row in connection.execute("SELECT flds FROM notes")]
    finally:
        connection.close()
    assert any("filter" in f for f in fields)


def test_a_csv_export_has_a_row_per_card(client, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("cards_export_csv", args=[CNN]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["front", "back", "skills"]
    assert len(rows) - 1 == len(selectors.deck_get(user=response.wsgi_request.user, key=CNN).cards)


BAD_FILE = (
    "# exported from Quizlet\n"
    "epoch\tone pass over the training data\n"
    "no tab on this line\n"
    "\tan empty term\n"
    "batch\t\n"
    "\n"
    f"long\t{'x' * 4001}\n"
    "learning rate\tthe step size of gradient descent\n"
).encode()


def test_an_imported_file_with_bad_lines_reports_each_by_number_and_imports_nothing(client_ada, ada) -> None:
    response = client_ada.post(
        reverse("cards_import"),
        {"title": "My words", "file": io.BytesIO(BAD_FILE)},
        format="multipart",
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Nothing was imported: 4 lines need fixing." in page
    assert "Line 3: no tab between the term and the definition" in page
    assert "Line 4: the term (before the tab) is empty" in page
    assert "Line 5: the definition (after the tab) is empty" in page
    assert "Line 7: the definition is 4001 characters long; at most 4000" in page
    assert not PersonalDeck.objects.exists()
    with pytest.raises(ImportRefused) as refused:
        tsv_parse(b"caf\xe9\tcoffee\nok\tfine\n")
    assert [p.line for p in refused.value.problems] == [1]


def test_an_imported_deck_is_studied_by_its_owner_and_is_404_to_everyone_else(
    client_ada, ada, dan, shipped_bank
) -> None:
    good = b"epoch\tone pass over the training data\r\nlearning rate\tthe step size\r\n"
    response = client_ada.post(reverse("cards_import"), {"title": "My words", "file": io.BytesIO(good)})
    deck = PersonalDeck.objects.get(owner=ada)
    assert response.status_code == 302 and response["Location"] == reverse("cards_deck", args=[deck.key])
    assert list(deck.cards.values_list("card_key", "front", "back")) == [
        ("1", "epoch", "one pass over the training data"),
        ("2", "learning rate", "the step size"),
    ]
    for name in (
        "cards_deck",
        "cards_flip",
        "cards_learn",
        "cards_test",
        "cards_export_apkg",
        "cards_export_csv",
    ):
        assert client_ada.get(reverse(name, args=[deck.key])).status_code == 200, name
    assert "My words" in client_ada.get(reverse("cards_index")).content.decode()
    other = Client()
    other.force_login(dan)
    for name in (
        "cards_deck",
        "cards_flip",
        "cards_learn",
        "cards_test",
        "cards_export_apkg",
        "cards_export_csv",
    ):
        assert other.get(reverse(name, args=[deck.key])).status_code == 404, name
    assert other.post(reverse("cards_schedule", args=[deck.key])).status_code == 404
    assert other.post(reverse("cards_delete", args=[deck.key])).status_code == 404
    assert "My words" not in other.get(reverse("cards_index")).content.decode()
    assert Client().get(reverse("cards_deck", args=[deck.key])).status_code == 404
    client_ada.post(reverse("cards_schedule", args=[deck.key]))
    due, _ = selectors.due_cards(user=ada, now=datetime.now(UTC) + timedelta(seconds=1))
    assert other.post(reverse("cards_review"), {"card": due.state.card_id, "rating": "3"}).status_code == 404
    assert not Review.objects.exists()
    client_ada.post(reverse("cards_delete", args=[deck.key]))
    assert not Card.objects.filter(personal_deck__isnull=False).exists()


def test_decks_are_browsed_by_domain_and_by_skill(client, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("cards_index")).content.decode()
    assert "Convolutional networks" in page
    assert reverse("cards_deck", args=[CNN + ":cnn-conv-operation"]) in page
    skill_page = client.get(reverse("cards_deck", args=[CNN + ":cnn-conv-operation"])).content.decode()
    assert "Weight sharing" in skill_page
    assert client.get(reverse("cards_deck", args=[CNN + ":no-such-skill"])).status_code == 404
    assert client.get(reverse("cards_deck", args=["deep-learning:no-deck"])).status_code == 404
    assert client.get(reverse("cards_flip", args=[CNN])).status_code == 302  # to the login page


# --- pure study logic ------------------------------------------------------------------------------------


def test_lenient_matching_forgives_case_spacing_punctuation_and_a_small_typo_only() -> None:
    assert answer_verdict("  Weight   SHARING!", "weight sharing") == "exact"
    assert answer_verdict("`softmax`", "**softmax**") == "exact"
    assert answer_verdict("backpropogation", "backpropagation") == "typo"
    assert answer_verdict("ReLU", "GeLU") == "wrong"
    assert answer_verdict("", "anything") == "wrong"


def test_choices_hold_the_card_and_three_others_and_a_quiz_mixes_forms() -> None:
    rng = random.Random(1)
    keys = [f"c{i}" for i in range(10)]
    options = choice_options("c3", keys, rng)
    assert len(options) == 4 and "c3" in options and len(set(options)) == 4
    assert choice_options("only", ["only"], rng) == []
    questions = quiz_questions(keys, 6, rng)
    assert len({q.card for q in questions}) == 6
    assert sorted(q.form for q in questions) == ["choice"] * 3 + ["typed"] * 3


def test_staff_see_reviews_decks_and_settings_in_the_admin(client, ben, ada, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    _, card = _first_card(ada)
    services.card_review(user=ada, card=card, rating=2, now=T0, mode=Review.Mode.FLIP)
    services.study_settings_update(user=ada, desired_retention=0.85)
    client.force_login(ben)
    for model in ("review", "personaldeck", "studysettings"):
        assert client.get(f"/admin/flashcards/{model}/").status_code == 200, model
    review = Review.objects.get()
    assert client.get(f"/admin/flashcards/review/{review.pk}/change/").status_code == 200


# --- FSRS parameters of one's own ------------------------------------------------------------------------


def test_fitting_parameters_waits_for_512_reviews_and_says_how_many_there_are(client_ada, ada) -> None:  # type: ignore[no-untyped-def]
    _, card = _first_card(ada)
    services.card_review(user=ada, card=card, rating=3, now=datetime.now(UTC), mode="flip")
    page = client_ada.post(reverse("cards_settings"), {"action": "fit"}, follow=True).content.decode()
    assert f"fitted after {services.FIT_AFTER} reviews; you have 1 so far" in page
    assert StudySettings.objects.filter(user=ada, parameters__isnull=False).count() == 0


def _review_history(user, count: int, seed: int = 5) -> None:  # type: ignore[no-untyped-def]
    """``count`` reviews of the CNN deck's cards over months, by a learner who forgets faster than FSRS's
    defaults expect (recall with probability R², R the default retrievability), stored as real rows."""
    rng = random.Random(seed)
    deck = _deck(user)
    cards = list(services.card_identify(deck=deck).values())
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    memory = {card.pk: fsrs.Card(card_id=card.pk, due=start) for card in cards}
    rows = []
    while len(rows) < count:
        card = min(cards, key=lambda c: memory[c.pk].due)
        state = memory[card.pk]
        at = state.due
        recalled = rng.random() < scheduler.get_card_retrievability(state, at) ** 2
        rating = rng.choice((3, 3, 4, 2)) if recalled else 1
        state, _ = scheduler.review_card(state, fsrs.Rating(rating), review_datetime=at)
        memory[card.pk] = state
        rows.append(
            Review(
                user=user,
                card=card,
                rating=rating,
                reviewed_at=at,
                duration_ms=rng.randint(2000, 9000),
                mode="review",
                state_after=state.to_dict(),
                due_after=state.due,
            )
        )
    Review.objects.bulk_create(rows)


def test_after_1000_reviews_a_learner_gets_parameters_of_their_own_and_reviews_use_them(
    client_ada, ada
) -> None:  # type: ignore[no-untyped-def]
    from tests.content.test_generators import _torch_or_skip

    _torch_or_skip()  # fsrs's optimiser needs PyTorch; CI installs it (ADAPTEST_REQUIRE_TORCH)
    _review_history(ada, 1000)
    page = client_ada.post(reverse("cards_settings"), {"action": "fit"}, follow=True).content.decode()
    assert "Fitted: your next reviews are scheduled with parameters of your own." in page
    assert "parameters fitted to your own 1000 reviews" in page
    fitted = StudySettings.objects.get(user=ada).parameters
    assert len(fitted) == len(fsrs.scheduler.DEFAULT_PARAMETERS) and fitted != list(
        fsrs.scheduler.DEFAULT_PARAMETERS
    )

    _, card = _first_card(ada)
    now = datetime(2027, 1, 4, 9, tzinfo=UTC)
    assert not CardState.objects.filter(user=ada, card=card).exists()  # the history holds reviews only
    before = fsrs.Card(card_id=card.pk, due=now)
    result = services.card_review(user=ada, card=card, rating=3, now=now, mode="flip")
    expected, _ = fsrs.Scheduler(parameters=fitted).review_card(before, fsrs.Rating.Good, review_datetime=now)
    default, _ = fsrs.Scheduler().review_card(before, fsrs.Rating.Good, review_datetime=now)
    memory = (result.state.fsrs["stability"], result.state.fsrs["difficulty"])  # neither is fuzzed
    assert memory == pytest.approx((expected.stability, expected.difficulty))
    assert (expected.stability, expected.difficulty) != pytest.approx((default.stability, default.difficulty))

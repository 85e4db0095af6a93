"""Challenge matches through the pages: the hub, a match by its link, playing, the result, leaderboards."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.web.core.markdown import render_markdown
from adaptest.web.itembank.models import ItemVersion, Use
from adaptest.web.matches import selectors, services
from adaptest.web.matches.models import Match, MatchAnswer, MatchQuestion, MatchRun, Player
from tests.web.test_matches import _challenge
from tests.web.test_matches import _play as _play_through_the_services

pytestmark = pytest.mark.django_db

DECK = "deep-learning:deck-cnn"
DOMAIN = "deep-learning:cnn"


@pytest.fixture(autouse=True)
def _bank(shipped_bank) -> None:  # type: ignore[no-untyped-def]
    """Every test here plays on the shipped bank's decks and domains."""


@pytest.fixture
def t0() -> datetime:
    """A minute ago: runs played through the services from then are still within their time when the
    pages look at them."""
    return timezone.now() - timedelta(seconds=60)


def _client(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


_play = partial(_play_through_the_services, seconds=2.0, pause=0.0)


def _text(page: str) -> str:
    """A page's or a Markdown rendering's visible text, spaces tidied: for "does it say this"."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _main(page: str) -> str:
    """The page's own content, without the header (which names the signed-in user)."""
    found = re.search(r"<main.*</main>", page, re.S)
    assert found is not None
    return found.group()


# --- the hub ---------------------------------------------------------------------------------------------


def test_the_hub_lists_the_open_challenges_of_others_but_not_ones_own(ada, dan, cora, t0) -> None:  # type: ignore[no-untyped-def]
    listed = _challenge(ada, t0)
    by_link_only = _challenge(ada, t0, listed=False)
    Player.objects.filter(user=ada).update(display_name="Countess Lovelace")

    seen_by_dan = _client(dan).get(reverse("matches")).content.decode()
    assert reverse("match_accept", args=[listed.pk]) in seen_by_dan
    assert "Countess Lovelace" in seen_by_dan and "ada" not in _text(_main(seen_by_dan)).split()
    assert reverse("match_accept", args=[by_link_only.pk]) not in seen_by_dan

    seen_by_ada = _client(ada).get(reverse("matches")).content.decode()
    assert reverse("match_accept", args=[listed.pk]) not in seen_by_ada  # her own: in her matches, not open
    assert reverse("match", args=[listed.pk]) in seen_by_ada


def test_a_challenge_is_made_from_the_hub_listed_by_default_and_its_link_is_shown(ada) -> None:  # type: ignore[no-untyped-def]
    client = _client(ada)
    hub = client.get(reverse("matches")).content.decode()
    listed_box = re.search(r'<input type="checkbox" name="challenge-listed"[^>]*>', hub)
    assert listed_box is not None and " checked" in listed_box.group()

    made = client.post(
        reverse("matches_challenge"), {"challenge-subject": f"deck|{DECK}", "challenge-listed": "on"}
    )
    match = Match.objects.get(challenger=ada)
    assert made.status_code == 302 and made.url == reverse("match", args=[match.pk])
    assert match.listed and match.scope_key == DECK
    page = client.get(made.url).content.decode()
    assert f"http://testserver{reverse('match_join', args=[match.token])}" in page
    assert reverse("match_play", args=[match.pk]) in page

    client.post(reverse("matches_challenge"), {"challenge-subject": f"domain|{DOMAIN}"})  # box left unticked
    assert not Match.objects.get(challenger=ada, scope="domain").listed


def test_a_challenge_on_something_that_is_not_offered_is_refused_with_a_message(ada) -> None:  # type: ignore[no-untyped-def]
    response = _client(ada).post(
        reverse("matches_challenge"), {"challenge-subject": "deck|deep-learning:nope"}, follow=True
    )
    assert "Choose a deck or a domain" in response.content.decode()
    assert not Match.objects.exists()


def test_too_many_challenges_are_a_429_with_retry_after(ada, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_MATCH_THROTTLE = (1, 3600)
    client = _client(ada)
    choice = {"challenge-subject": f"deck|{DECK}"}
    assert client.post(reverse("matches_challenge"), choice).status_code == 302
    refused = client.post(reverse("matches_challenge"), choice)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "You have started many matches this hour" in refused.content.decode()
    assert Match.objects.count() == 1


def test_every_form_needs_its_csrf_token(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    strict = _client(dan, enforce_csrf_checks=True)
    for url, data in (
        (reverse("matches_challenge"), {"challenge-subject": f"deck|{DECK}"}),
        (reverse("matches_ghost"), {"ghost-subject": f"deck|{DECK}"}),
        (reverse("matches_settings"), {"display_name": "Someone"}),
        (reverse("match_accept", args=[match.pk]), {}),
        (reverse("match_play", args=[match.pk]), {"position": 1, "choice": 0}),
    ):
        assert strict.post(url, data).status_code == 403, url
    match.refresh_from_db()
    assert match.opponent is None and Match.objects.count() == 1


def test_display_name_and_leaderboard_choice_are_set_on_the_hub(ada) -> None:  # type: ignore[no-untyped-def]
    client = _client(ada)
    saved = client.post(reverse("matches_settings"), {"display_name": "  Grace   H  "})
    assert saved.status_code == 302
    player = Player.objects.get(user=ada)
    assert (player.display_name, player.on_leaderboards) == ("Grace H", False)
    assert "Grace H" in client.get(reverse("matches")).content.decode()

    refused = client.post(reverse("matches_settings"), {"display_name": "ADA", "on_leaderboards": "on"})
    assert refused.status_code == 422
    assert "Choose a display name other than your username" in refused.content.decode()
    assert Player.objects.get(user=ada).display_name == "Grace H"


# --- a match, by its link or as an outsider ---------------------------------------------------------------


def test_anyone_with_the_link_may_accept_a_challenge_that_is_not_listed(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0, listed=False)
    client = _client(dan)
    assert client.get(reverse("match", args=[match.pk])).status_code == 404  # not listed, no link

    joined = client.get(reverse("match_join", args=[match.token]))
    assert (
        joined.status_code == 302 and joined.url == f"{reverse('match', args=[match.pk])}?token={match.token}"
    )
    page = client.get(joined.url).content.decode()
    assert "Accept the challenge" in page and f'value="{match.token}"' in page

    accepted = client.post(reverse("match_accept", args=[match.pk]), {"token": match.token})
    assert accepted.status_code == 302 and accepted.url == reverse("match", args=[match.pk])
    match.refresh_from_db()
    assert match.opponent == dan and match.status == Match.Status.ACCEPTED
    assert reverse("match_play", args=[match.pk]) in client.get(accepted.url).content.decode()


def test_an_unknown_link_is_a_404(dan) -> None:  # type: ignore[no-untyped-def]
    assert _client(dan).get(reverse("match_join", args=["no-such-token"])).status_code == 404


def test_someone_elses_match_is_a_404_for_an_outsider_unless_open_and_listed_or_by_its_link(
    ada, ben, dan, t0
) -> None:  # type: ignore[no-untyped-def]
    in_play = _challenge(ada, t0)
    services.match_accept(user=ben, match=in_play, now=t0)
    outsider = _client(dan)
    for name in ("match", "match_play", "match_result"):
        assert outsider.get(reverse(name, args=[in_play.pk])).status_code == 404, name
    assert outsider.post(reverse("match_accept", args=[in_play.pk])).status_code == 404
    assert (
        outsider.post(reverse("match_play", args=[in_play.pk]), {"position": 1, "choice": 0}).status_code
        == 404
    )

    listed = _challenge(ada, t0)
    assert outsider.get(reverse("match", args=[listed.pk])).status_code == 200
    for name in ("match_play", "match_result"):  # nothing to play or see before accepting: the match page
        response = outsider.get(reverse(name, args=[listed.pk]))
        assert response.status_code == 302 and response.url == reverse("match", args=[listed.pk]), name
    assert not MatchRun.objects.filter(user=dan).exists()

    assert outsider.get(reverse("match", args=[99999])).status_code == 404


def test_the_result_page_before_the_match_is_finished_redirects_and_never_shows_the_other_players_answers(
    ada, ben, t0
) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    _play(ada, match, t0, [True, True, False, True, True, True, True])
    ada_run = MatchRun.objects.get(match=match, user=ada)
    services.match_accept(user=ben, match=match, now=t0 + timedelta(seconds=20))
    _play(ben, match, t0 + timedelta(seconds=20), [False, True])  # two answers, five to go

    client = _client(ben)
    response = client.get(reverse("match_result", args=[match.pk]))
    assert response.status_code == 302 and response.url == reverse("match", args=[match.pk])
    pages = [client.get(reverse("match", args=[match.pk])).content.decode()]
    pages.append(client.get(reverse("match_play", args=[match.pk])).content.decode())
    ada_choices = [
        question.options[answer.choice]
        for answer, question in zip(
            ada_run.answers.order_by("position"), match.questions.order_by("position"), strict=True
        )
    ]
    for page in pages:
        text = _text(page)
        assert f"{ada_run.score} points" not in text and f"{ada_run.right} of 7" not in text
    # question 3 is on ben's screen now: ada's answers to the others (all but the one he sees) are not
    shown_now = match.questions.get(position=3)
    for position, choice in enumerate(ada_choices, start=1):
        if position != 3 and choice not in shown_now.options:
            assert _text(render_markdown(choice)) not in _text(pages[1]), position

    ada_sees = _client(ada).get(reverse("match", args=[match.pk])).content.decode()
    assert f"{ada_run.score} points" in _text(ada_sees)  # her own score only
    ben_score = MatchRun.objects.get(match=match, user=ben).score
    assert f"{ben_score} points" not in _text(ada_sees)
    assert _client(ada).get(reverse("match_result", args=[match.pk])).status_code == 302


# --- playing ---------------------------------------------------------------------------------------------


def test_the_play_page_never_holds_the_key_or_the_explanation_before_the_answer(ada, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, timezone.now(), scope="domain", key=DOMAIN)
    client = _client(ada)
    for position in range(1, 8):
        page = client.get(reverse("match_play", args=[match.pk])).content.decode()
        question = match.questions.get(position=position)
        assert f"Question {position} of 7" in page
        explanation = _text(render_markdown(question.explanation))
        # an item's explanation is its own text; a card's is its term (the prompt) joined to its
        # definition (one of the options), and only the two together tell the key
        assert (explanation if question.card_id else explanation[:60]) not in _text(page), position
        assert "The right answer" not in page and "✓" not in page
        for index, option in enumerate(question.options):  # every option alike: no marker on the key
            assert f'value="{index}"' in page and _text(render_markdown(option)) in _text(page)
        wrong = (question.answer_index + 1) % len(question.options)
        answered = client.post(
            reverse("match_play", args=[match.pk]), {"position": position, "choice": wrong}
        )
        assert answered.status_code == 200
        text = _text(answered.content.decode())
        assert "✗ Wrong — 0 points" in text and "The right answer" in text
        assert _text(render_markdown(question.options[question.answer_index])) in text
    assert client.get(reverse("match_play", args=[match.pk])).url == reverse("match", args=[match.pk])


def test_an_answer_is_shown_right_at_once_and_sending_it_again_never_counts_twice(ada) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, timezone.now())
    client = _client(ada)
    page = client.get(reverse("match_play", args=[match.pk])).content.decode()
    assert re.search(r"Time left: <strong class=\"timer-value\">0:(20|19)</strong>", page)
    question = match.questions.get(position=1)
    right = {"position": 1, "choice": question.answer_index}
    first = _text(client.post(reverse("match_play", args=[match.pk]), right).content.decode())
    assert "✓ Right —" in first and "Next question" in first
    again = _text(
        client.post(reverse("match_play", args=[match.pk]), {"position": 1, "choice": 0}).content.decode()
    )
    assert "✓ Right —" in again
    run = MatchRun.objects.get(match=match, user=ada)
    assert run.right == 1 and run.score >= 140 and run.answers.count() == 1


def test_no_option_chosen_asks_again_and_stores_nothing(ada) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, timezone.now())
    client = _client(ada)
    client.get(reverse("match_play", args=[match.pk]))
    response = client.post(reverse("match_play", args=[match.pk]), {"position": 1})
    assert response.status_code == 422 and "Choose one of the options." in response.content.decode()
    assert "Question 1 of 7" in response.content.decode()
    assert not MatchAnswer.objects.filter(answered_at__isnull=False).exists()


def test_a_late_answer_says_it_was_too_late_and_counts_as_wrong(ada) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, timezone.now())
    client = _client(ada)
    client.get(reverse("match_play", args=[match.pk]))
    MatchAnswer.objects.filter(run__match=match, position=1).update(
        shown_at=timezone.now() - timedelta(seconds=25)
    )
    page = client.get(reverse("match_play", args=[match.pk])).content.decode()
    assert "0:00" in page and "an answer now counts as wrong" in page and "data-remaining" not in page
    question = match.questions.get(position=1)
    answered = client.post(
        reverse("match_play", args=[match.pk]), {"position": 1, "choice": question.answer_index}
    )
    assert "✗ Too late" in _text(answered.content.decode()) and "counts as wrong" in answered.content.decode()
    assert MatchRun.objects.get(match=match, user=ada).score == 0


# --- the result and the leaderboards ----------------------------------------------------------------------


def test_the_result_shows_both_players_answers_explanations_and_rating_changes(ada, ben, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [True] * 7)
    services.match_accept(user=ben, match=match, now=end)
    _play(ben, match, end, [True, False, True, False, False, False, False])
    Player.objects.filter(user=ada).update(display_name="Countess")
    Player.objects.filter(user=ben).update(display_name="Babbage")

    for user in (ada, ben):
        response = _client(user).get(reverse("match", args=[match.pk]))
        assert response.status_code == 302 and response.url == reverse("match_result", args=[match.pk])
    text = _text(_client(ben).get(reverse("match_result", args=[match.pk])).content.decode())
    assert "Countess won" in text
    assert "Babbage (you)" in text and "1500 → 1480 (−20)" in text and "1500 → 1520 (+20)" in text
    for question in match.questions.all():
        assert _text(render_markdown(question.explanation)) in text
    assert text.count("✓") == 7 + 2 and text.count("✗") == 5
    ada_page = _client(ada).get(reverse("match_result", args=[match.pk])).content.decode()
    ada_text = _text(_main(ada_page))
    assert "You won" in ada_text and "Countess (you)" in ada_text
    assert "ada" not in ada_text.split() and "ben" not in ada_text.split()  # display names, never usernames


def test_a_leaderboard_nobody_has_played_says_so(ada) -> None:  # type: ignore[no-untyped-def]
    client = _client(ada)
    for name in ("matches_leaderboard_deck", "matches_leaderboard_domain"):
        key = DECK if name.endswith("deck") else DOMAIN
        page = client.get(reverse(name, args=[key])).content.decode()
        assert selectors.EMPTY_LEADERBOARD in page
    index = client.get(reverse("matches_leaderboards")).content.decode()
    assert reverse("matches_leaderboard_deck", args=[DECK]) in index
    assert reverse("matches_leaderboard_domain", args=[DOMAIN]) in index
    for bad in ("deep-learning:nope", "personal:1", f"{DECK}:cnn-pooling"):
        assert client.get(reverse("matches_leaderboard_deck", args=[bad])).status_code == 404
    assert client.get("/matches/leaderboards/skill/deep-learning:cnn/").status_code == 404


def test_a_leaderboard_lists_players_by_display_name_and_leaves_out_those_who_opted_out(
    ada, ben, dan, t0
) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [True] * 7)
    services.match_accept(user=ben, match=match, now=end)
    _play(ben, match, end, [False] * 7)
    services.player_update(user=ada, display_name="Countess", on_leaderboards=True)
    services.player_update(user=ben, display_name="Babbage", on_leaderboards=False)

    text = _text(_client(dan).get(reverse("matches_leaderboard_deck", args=[DECK])).content.decode())
    assert "1 Countess 1520 provisional 1" in text and "Babbage" not in text
    hidden = _text(_client(ben).get(reverse("matches_leaderboard_deck", args=[DECK])).content.decode())
    assert "You are not shown on leaderboards" in hidden


def test_the_hub_shows_each_rating_with_its_history(ada, ben, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [True] * 7)
    services.match_accept(user=ben, match=match, now=end)
    _play(ben, match, end, [False] * 7)
    page = _client(ada).get(reverse("matches")).content.decode()
    text = _text(page)
    assert "Rating 1520 after 1 game provisional" in text
    assert "Start : rating 1500 After game 1 : rating 1520" in text and page.count('class="point"') == 2
    assert "You won" in text
    assert reverse("matches_leaderboard_deck", args=[DECK]) in page


def test_alone_a_learner_plays_a_recorded_run_from_the_hub_and_only_their_rating_changes(
    ada, ben, t0
) -> None:  # type: ignore[no-untyped-def]
    recorded = _challenge(ben, t0)
    _play(ben, recorded, t0, [False] * 7)
    Player.objects.filter(user=ben).update(display_name="Babbage")
    client = _client(ada)
    started = client.post(reverse("matches_ghost"), {"ghost-subject": f"deck|{DECK}"})
    match = Match.objects.get(challenger=ada)
    assert match.is_ghost and started.url == reverse("match_play", args=[match.pk])
    for position in range(1, 8):
        client.get(started.url)
        right = match.questions.get(position=position).answer_index
        client.post(started.url, {"position": position, "choice": right})

    result = _text(_main(client.get(reverse("match_result", args=[match.pk])).content.decode()))
    assert "You won" in result and "Babbage (recorded run)" in result
    assert "1500 → 1520 (+20)" in result and "unchanged (a recorded run)" in result
    assert not MatchRun.objects.get(match=recorded, user=ben).rating_after  # ben's rating never moved
    hub = _text(_main(client.get(reverse("matches")).content.decode()))
    assert "Babbage (recorded run) You won" in hub


def test_with_nobody_to_replay_the_hub_says_so(ada) -> None:  # type: ignore[no-untyped-def]
    response = _client(ada).post(reverse("matches_ghost"), {"ghost-subject": f"deck|{DECK}"}, follow=True)
    assert "challenge someone instead" in response.content.decode()


def test_a_figure_is_sent_only_to_a_player_who_has_been_shown_its_question(ada, dan) -> None:  # type: ignore[no-untyped-def]
    with_figure = ItemVersion.objects.filter(
        use=Use.PRACTICE, kind="single_choice", item__current_version=F("pk")
    ).exclude(figure_svg="")[0]
    match = _challenge(ada, timezone.now())
    for position in (1, 2):  # the first two questions become that item (a figure is only an item's)
        MatchQuestion.objects.filter(match=match, position=position).update(
            card=None, item_version=with_figure
        )
    first, second = (match.questions.get(position=p) for p in (1, 2))
    figure_url = reverse("match_figure", args=[first.pk])

    page = _client(ada).get(reverse("match_play", args=[match.pk])).content.decode()
    assert f'src="{figure_url}"' in page and f'alt="{with_figure.parsed.figure.alt}"' in page
    assert _client(ada).get(figure_url)["Content-Type"] == "image/svg+xml"
    assert _client(ada).get(reverse("match_figure", args=[second.pk])).status_code == 404  # not shown yet
    assert _client(dan).get(figure_url).status_code == 404

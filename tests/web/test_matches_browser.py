"""Issue 13's browser acceptance: two learners, each in their own browser, play a challenge match on a deck.

A challenges B through the pages (A makes the challenge, copies its link, B opens it and accepts), both
answer all 7 questions (some right, some wrong: the test reads the right option from the database to
choose), both see the result with the ratings the Elo formula gives, and the deck's leaderboard shows
both display names. Every page is scanned with axe, checked for sideways scrolling at 390 and 320 px, and
screenshotted at 1280 and 390 px into test-artifacts/matches/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from adaptest.web.matches.models import Match, MatchQuestion, MatchRating, MatchRun
from adaptest.web.matches.selectors import EMPTY_LEADERBOARD
from tests.conftest import PASSWORD
from tests.web.page_checks import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECK = "deep-learning:deck-cnn"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "matches"
A_RIGHT = [True, True, False, True, True, False, True]  # 5 right: at least 500 points
B_RIGHT = [False, True, False, True, False, False, True]  # 3 right: at most 450 points, so A wins


def _sign_up(page: Any, base: str, username: str, display_name: str) -> None:
    page.goto(base + "/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Matches").click()
    page.fill("#id_display_name", display_name)
    page.press("#id_display_name", "Enter")  # Enter in the field saves the form
    expect(page.get_by_text("Your player settings are saved.")).to_be_visible()


def _play_all(page: Any, match: Match, username: str, rights: list[bool], checks: PageChecks | None) -> None:
    """Answer the 7 questions, right or wrong as ``rights`` says; odd ones with the keyboard."""
    page.get_by_role("link", name="Play").click()
    for position, right in enumerate(rights, start=1):
        expect(page.get_by_role("heading", name=f"Question {position} of 7")).to_be_visible()
        assert page.locator(".timer-value").inner_text() in {"0:20", "0:19", "0:18"}
        question = MatchQuestion.objects.get(match=match, position=position)
        choice = question.answer_index if right else (question.answer_index + 1) % len(question.options)
        if checks is not None and position == 2:
            checks.page_done("play")
        if position % 2:  # the keyboard: Space chooses the focused option, Enter sends the form
            page.focus(f"#choice-{choice}")
            page.keyboard.press("Space")
            page.keyboard.press("Enter")
        else:
            page.locator(f"label[for=choice-{choice}]").click()
            page.get_by_role("button", name="Submit answer").click()
        status = page.locator("p.status[role=status]").inner_text()
        assert status.startswith("✓ Right" if right else "✗ Wrong"), (username, position, status)
        said = "Your answer, the right one" if right else "The right answer"
        assert said in page.locator("main").inner_text()
        if checks is not None and position == 2:
            checks.page_done("answered")
        if position < 7:
            page.get_by_role("link", name="Next question").focus()
            page.keyboard.press("Enter")
    run = MatchRun.objects.get(match=match, user__username=username)
    assert run.right == sum(rights) and run.finished_at is not None


def test_two_learners_play_a_challenge_match_and_see_the_result_ratings_and_leaderboard(
    tab, chromium, live_server
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    a = tab
    b_context = chromium.new_context(viewport={"width": 1280, "height": 800})
    b = b_context.new_page()
    b.set_default_timeout(15_000)
    checks_a, checks_b = PageChecks(a, SCREENSHOTS), PageChecks(b, SCREENSHOTS)
    try:
        _sign_up(a, base, "alice", "Ada of the Engines")
        _sign_up(b, base, "bob", "Charles B")

        # A makes the challenge on the CNN deck and copies its link
        checks_a.page_done("hub")
        a.select_option("#id_challenge-subject", label="Deck: Convolutional networks")
        assert a.is_checked("#id_challenge-listed")
        a.get_by_role("button", name="Make the challenge").click()
        expect(a.locator("#share-link")).to_be_visible()
        match = Match.objects.get(challenger__username="alice")
        assert match.scope_key == DECK
        link = a.input_value("#share-link")
        assert link == f"{base}/matches/join/{match.token}/"
        checks_a.page_done("match-share")
        _play_all(a, match, "alice", A_RIGHT, checks=None)
        a.get_by_role("link", name="See how the match stands").click()
        a.wait_for_url(f"{base}/matches/{match.pk}/")
        assert "Nobody has accepted your challenge yet" in a.locator("main").inner_text()
        checks_a.page_done("match-waiting")

        # B sees the challenge among the open ones, opens its link, accepts and plays
        b.goto(base + "/matches/")
        listed = b.locator(".match-list-entry").inner_text()
        assert "Deck: Convolutional networks" in listed and "by Ada of the Engines, made just now" in listed
        assert "alice" not in listed
        checks_b.page_done("hub-open-challenges")
        b.goto(link)
        expect(
            b.get_by_role("heading", name="Ada of the Engines’s challenge on Convolutional networks")
        ).to_be_visible()
        checks_b.page_done("match-accept")
        b.get_by_role("button", name="Accept the challenge").click()
        expect(b.get_by_text("You accepted the challenge.")).to_be_visible()
        checks_b.page_done("match-play")
        _play_all(b, match, "bob", B_RIGHT, checks=checks_b)
        b.get_by_role("link", name="See the result").click()
        b.wait_for_url(f"{base}/matches/{match.pk}/result/")

        # both see the result; the ratings are the Elo formula's: both new at 1500 with no games, so
        # K = 16 + 240 / (10 + 0) = 40 and E = 1 / (1 + 10^0) = 0.5; A won: 1500 + 40 × (1 − 0.5) = 1520
        # and B lost: 1500 + 40 × (0 − 0.5) = 1480
        winner, loser = 1500 + 40 * (1 - 0.5), 1500 + 40 * (0 - 0.5)
        assert (winner, loser) == (1520, 1480)
        runs = {r.user.username: r for r in MatchRun.objects.filter(match=match).select_related("user")}
        assert runs["alice"].score > runs["bob"].score
        stored = {
            r.user.username: r for r in MatchRating.objects.filter(scope_key=DECK).select_related("user")
        }
        assert stored["alice"].rating == pytest.approx(winner) and stored["bob"].rating == pytest.approx(
            loser
        )
        assert stored["alice"].games == stored["bob"].games == 1
        b_result = b.locator("main").inner_text()
        assert "Ada of the Engines won" in b_result
        assert "1500 → 1520 (+20)" in b_result and "1500 → 1480 (−20)" in b_result
        assert f"{runs['alice'].score}" in b_result and f"{runs['bob'].score}" in b_result
        checks_b.page_done("result")
        a.reload()  # A was on the waiting page: the match page now leads to the result
        a.wait_for_url(f"{base}/matches/{match.pk}/result/")
        a_result = a.locator("main").inner_text()
        assert "You won" in a_result and "1500 → 1520 (+20)" in a_result and "1500 → 1480 (−20)" in a_result
        assert a_result.count("Correct answer") == 7

        # the deck's leaderboard: both display names, never the usernames
        a.get_by_role("link", name="Leaderboard of Convolutional networks").click()
        a.wait_for_url(f"{base}/matches/leaderboards/deck/{DECK}/")
        board = a.locator("table.leaderboard").inner_text()
        assert "Ada of the Engines" in board and "Charles B" in board
        assert "alice" not in board and "bob" not in board
        rows = a.locator("table.leaderboard tbody tr").all_inner_texts()
        assert rows[0].split("\t")[:3] == ["1", "Ada of the Engines (you)", "1520 provisional"]
        checks_a.page_done("leaderboard")
        a.get_by_role("link", name="All leaderboards").first.click()
        a.wait_for_url(f"{base}/matches/leaderboards/")
        checks_a.page_done("leaderboards")
        a.get_by_role("link", name="Neural-network foundations").first.click()
        expect(a.get_by_text(EMPTY_LEADERBOARD, exact=True)).to_be_visible()
        checks_a.page_done("leaderboard-empty")

        a.goto(base + "/matches/")
        assert "Rating 1520 after 1 game" in a.locator("main").inner_text()
        checks_a.page_done("hub-rated")
    finally:
        b_context.close()
    problems = checks_a.problems + checks_b.problems
    assert not problems, "\n".join(problems)
    findings = checks_a.axe.findings + checks_b.axe.findings
    assert not findings, checks_a.axe.report() + "\n" + checks_b.axe.report()

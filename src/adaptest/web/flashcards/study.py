"""The study modes' own logic, no database: lenient matching of typed answers, multiple-choice options,
and the mix of question forms in a test. Pure functions; randomness comes in as a ``random.Random``."""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

#: A typed answer within this similarity of the card (difflib's ratio, after normalising) counts as
#: right "with a small typo": one wrong letter in ten.
TYPO_RATIO = 0.9
#: Below this many characters (normalised) only an exact match counts: "ReLU" is not "GeLU".
TYPO_MIN_LENGTH = 6
OPTIONS = 4

Verdict = Literal["exact", "typo", "wrong"]
Form = Literal["typed", "choice"]

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`$\\]")


def normalise(text: str) -> str:
    """What lenient matching compares: Unicode-normalised (NFKC), case-folded, Markdown emphasis, code
    ticks and maths delimiters dropped, punctuation removed, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _MARKUP.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def answer_verdict(given: str, expected: str) -> Verdict:
    """``exact`` when the two agree up to case, spacing, punctuation and markup; ``typo`` when they
    differ by a small typo (similarity ≥ ``TYPO_RATIO`` on answers of ``TYPO_MIN_LENGTH`` characters or
    more); ``wrong`` otherwise, an empty answer included."""
    mine, theirs = normalise(given), normalise(expected)
    if not mine:
        return "wrong"
    if mine == theirs:
        return "exact"
    long_enough = min(len(mine), len(theirs)) >= TYPO_MIN_LENGTH
    if long_enough and difflib.SequenceMatcher(None, mine, theirs, autojunk=False).ratio() >= TYPO_RATIO:
        return "typo"
    return "wrong"


def choice_options(card_key: str, deck_keys: list[str], rng: random.Random) -> list[str]:
    """Card keys whose backs are the options for ``card_key``: it and up to three others of the deck,
    shuffled. Fewer than four when the deck is small; empty when it has no other card (no choice)."""
    others = [key for key in deck_keys if key != card_key]
    if not others:
        return []
    options = [card_key, *rng.sample(others, min(OPTIONS - 1, len(others)))]
    rng.shuffle(options)
    return options


@dataclass(frozen=True)
class Question:
    """One question of a test: the card, the form, and for a multiple-choice question its options."""

    card: str
    form: Form
    options: tuple[str, ...] = ()


def quiz_questions(deck_keys: list[str], count: int, rng: random.Random) -> list[Question]:
    """``count`` cards of the deck drawn at random, half typed and half multiple choice (also at random);
    all typed when the deck has a single card."""
    drawn = rng.sample(deck_keys, max(1, min(count, len(deck_keys))))
    forms: list[Form] = ["typed" if i % 2 else "choice" for i in range(len(drawn))]
    rng.shuffle(forms)
    questions = []
    for key, form in zip(drawn, forms, strict=True):
        options = choice_options(key, deck_keys, rng) if form == "choice" else []
        questions.append(Question(key, "choice" if options else "typed", tuple(options)))
    return questions


__all__ = ["Question", "answer_verdict", "choice_options", "normalise", "quiz_questions"]

"""Free-text answers graded against an author's rubric: criteria, each met by any one of its concepts.

Matching is deliberately simple and explainable (docs/bank-format.md, "free_text"):

- the answer and every term are normalised alike (:func:`words`): Unicode NFKC, case-folded, "n't"
  read as "not", punctuation turned into spaces, each word folded by :func:`fold` (plural and
  inflection endings: "models" → "model", "fitting"/"fitted"/"fits" → "fit");
- a *term* is one or more words matched as a whole phrase; ``a|b`` gives alternatives, and a word ending
  in ``*`` matches any word it begins (``approximat*``: approximate, approximation, approximating);
- a *concept* is a list of terms, all of which must appear (in any order); a criterion is met when any
  one of its concepts is.

When the rubric cannot place an answer confidently the outcome says ``needs_review`` and a person checks
it (see :meth:`RubricItem.assess` for the three rules).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from adaptest.bank.kinds.base import GradableItem, Problem
from adaptest.bank.outcome import AnswerError, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.schema import Strict, Text

DEFAULT_MAX_WORDS = 200
CHARACTERS_PER_WORD = 30
"""Besides the word limit, an answer may hold at most this many characters per allowed word."""
NEGATION_WINDOW = 3
"""A matched term is in doubt when one of the three words before it is a negation."""
LONG_ANSWER_WORDS = 12
"""An answer this long that meets no criterion is probably a paraphrase the rubric missed."""
NEGATIONS = frozenset(
    {"not", "no", "never", "without", "nor", "neither", "none", "cannot", "nothing", "nobody", "nowhere"}
    # contractions typed without their apostrophe
    | {"cant", "dont", "doesnt", "isnt", "wont", "arent", "wasnt", "werent", "didnt", "couldnt"}
    | {"shouldnt", "wouldnt", "hasnt", "havent", "hadnt", "aint"}
)
REVIEW_SUBJECT = "A person will check this answer"
REVIEW_TEXT = (
    "The automatic check could not place this answer with confidence, so a member of staff will read it. "
    "The score may change once they have."
)

CriterionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]

_VOWELS = set("aeiouy")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_NOT = re.compile(r"n't\b")
_NON_WORD = re.compile(r"[\W_]+")
_TERM_WORD = re.compile(r"^[^\W_]+\*?$")


def fold(word: str) -> str:
    """A word without its plural and inflection endings, so that forms of one word compare equal.

    Applied alike to answers and terms, it need not give real words, only the same one for each form.
    In order: plurals (``-ies`` → ``-y``, ``-sses`` → ``-ss``, ``-es`` after s/x/z/ch/sh, a final
    ``-s`` but not ``-ss``/``-us``/``-is``/``-ias``; none in words of three letters); ``-ied`` → ``-y``,
    or ``-ing``/``-ed`` off when what is left holds a vowel (``-eed`` stays); a doubled final consonant
    made single ("fitt" → "fit", "modell" → "model", but "loss" stays); a final ``e`` off ("use",
    "used", "using" → "us"). Words of two letters or fewer, and words with digits, are left alone.
    """
    if len(word) <= 2 or not word.isalpha():
        return word
    word = _singular(word) if len(word) > 3 else word
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and _VOWELS.intersection(word[:-3]) and len(word) >= 5:
        word = word[:-3]
    elif (
        word.endswith("ed")
        and not word.endswith("eed")
        and _VOWELS.intersection(word[:-2])
        and len(word) >= 4
    ):
        word = word[:-2]
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in _VOWELS and word[-1] != "s":
        word = word[:-1]
    if len(word) >= 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if re.search(r"(s|x|z|ch|sh)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ias")):
        return word[:-1]
    return word


def plain_words(text: str) -> list[str]:
    """The text's words, normalised but not folded: NFKC, case-folded, "n't" as "not", no punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    text = _NOT.sub(" not", text)
    return _NON_WORD.sub(" ", text).split()


def words(text: str) -> list[str]:
    """The text's words, normalised (:func:`plain_words`) and folded (:func:`fold`)."""
    return [fold(word) for word in plain_words(text)]


@dataclass(frozen=True)
class _Word:
    """One word of a term: its folded form, or a prefix (``word*``) matched against either form."""

    text: str
    prefix: bool

    def matches(self, plain: str, folded: str) -> bool:
        if self.prefix:
            return plain.startswith(self.text) or folded.startswith(self.text)
        return folded == self.text


def _phrases(term: str) -> list[list[_Word]]:
    """A term's alternatives, each a phrase of words: folded words, or a prefix for ``word*``."""
    phrases = []
    for alternative in term.split("|"):
        phrase: list[_Word] = []
        for token in alternative.split():
            parts = plain_words(token.rstrip("*"))
            phrase += [_Word(fold(part), False) for part in parts]
            if token.endswith("*") and parts:
                phrase[-1] = _Word(parts[-1], True)
        if phrase:
            phrases.append(phrase)
    return phrases


class Criterion(Strict):
    id: CriterionId
    criterion: Text
    points: int = 1
    concepts: list[list[str]] = Field(min_length=1)
    met: Text
    missed: Text


@dataclass(frozen=True)
class CriterionResult:
    """How the answer fared on one criterion: met (and by which concept), and the doubts it raised."""

    criterion: Criterion
    met: bool
    concept: int | None  # the concept that met it
    partial: tuple[int, ...]  # concepts some but not all of whose terms appear
    negated: tuple[str, ...]  # matched terms within three words after a negation

    @property
    def points(self) -> int:
        return self.criterion.points if self.met else 0


@dataclass(frozen=True)
class RubricAssessment:
    """The automatic grading of one answer, criterion by criterion, with the reasons for a review."""

    results: tuple[CriterionResult, ...]
    word_count: int

    @property
    def points(self) -> int:
        return sum(result.points for result in self.results)

    @property
    def total(self) -> int:
        return sum(result.criterion.points for result in self.results)

    @property
    def score(self) -> float:
        return self.points / self.total if self.total else 0.0

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the rubric cannot place this answer confidently (empty: it can)."""
        reasons = []
        for result in self.results:
            if result.partial and not result.met:
                reasons.append(f"{result.criterion.id}: part of a concept is there, not all of it")
            if result.negated:
                reasons.append(f"{result.criterion.id}: {', '.join(result.negated)} follows a negation")
        if self.word_count >= LONG_ANSWER_WORDS and not any(result.met for result in self.results):
            reasons.append(f"{self.word_count} words meet no criterion: perhaps a paraphrase")
        return tuple(reasons)

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons)


def _find(phrase: list[_Word], plain: list[str], folded: list[str]) -> list[int]:
    """Where the phrase starts in the answer, every time it appears."""
    size = len(phrase)
    return [
        start
        for start in range(len(plain) - size + 1)
        if all(word.matches(plain[start + j], folded[start + j]) for j, word in enumerate(phrase))
    ]


class RubricItem(GradableItem):
    """``free_text``: a written answer, scored by the points of the rubric's criteria it meets."""

    kind: Literal["free_text"]
    max_words: Annotated[int, Field(ge=1, le=2000)] = DEFAULT_MAX_WORDS
    rubric: Annotated[list[Criterion], Field(min_length=1)]

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        seen: set[str] = set()
        for i, criterion in enumerate(self.rubric):
            if criterion.id in seen:
                problems.append((("rubric", i, "id"), f"criterion id {criterion.id!r} is used twice"))
            seen.add(criterion.id)
            if criterion.points < 1:
                problems.append((("rubric", i, "points"), "points must be a positive whole number"))
            for j, concept in enumerate(criterion.concepts):
                if not concept:
                    problems.append((("rubric", i, "concepts", j), "a concept needs at least one term"))
                for k, term in enumerate(concept):
                    if not _valid_term(term):
                        problems.append(
                            (
                                ("rubric", i, "concepts", j, k),
                                f"term {term!r} has an empty alternative or a misplaced '*' "
                                "(write words, '|' between alternatives, '*' only at a word's end)",
                            )
                        )
        if not problems:
            if len(self.key_answer().split()) > self.max_words:
                problems.append(
                    (("max_words",), "the key answer built from the rubric is longer than max_words")
                )
            elif not self.grade_answer(self.key_answer()).correct:
                problems.append(
                    (("rubric",), "the key answer built from the rubric does not meet every criterion")
                )
        return problems

    @classmethod
    def raw_problems(cls, data: dict[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        rubric = data.get("rubric")
        if isinstance(rubric, list):
            ids = [c.get("id") for c in rubric if isinstance(c, dict)]
            for i, criterion_id in enumerate(ids):
                if criterion_id is not None and criterion_id in ids[:i]:
                    problems.append((("rubric", i, "id"), f"criterion id {criterion_id!r} is used twice"))
        return problems

    def presentation(self, seed: int) -> dict[str, Any]:
        return {"max_words": self.max_words}

    def parse_answer(self, raw: object) -> str:
        """The answer with each line's spacing collapsed and runs of blank lines made one."""
        if not isinstance(raw, str):
            raise AnswerError("Type your answer as text.")
        lines = [" ".join(line.split()) for line in raw.splitlines()]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if not text:
            raise AnswerError("Your answer is empty: type it, or answer “I don't know yet”.")
        count = len(text.split())
        if count > self.max_words:
            raise AnswerError(f"Your answer has {count} words; keep it to {self.max_words} words or fewer.")
        if len(text) > self.max_words * CHARACTERS_PER_WORD:
            raise AnswerError("Your answer is too long: write it in words of ordinary length.")
        return text

    def assess(self, answer: str) -> RubricAssessment:
        """Grade ``answer`` criterion by criterion, noting what makes the grading doubtful.

        The answer needs review when any of: a criterion is missed while one of its concepts is partly
        there (some of its terms, not all); a criterion is met only through terms with a negation (not,
        no, never, without, n't, dont, ...) among the three words before them; the answer has at least
        12 words yet meets no criterion.
        """
        plain = plain_words(answer)
        folded = [fold(word) for word in plain]
        negated_at = {
            i
            for i, word in enumerate(plain)
            if any(w in NEGATIONS for w in plain[max(0, i - NEGATION_WINDOW) : i])
        }
        results = []
        for criterion in self.rubric:
            met: int | None = None
            cleanly_met = False  # some concept's terms all appear at least once with no negation before
            partial: list[int] = []
            negated: list[str] = []
            for c, concept in enumerate(criterion.concepts):
                found, clean, concept_negated = 0, 0, []
                for term in concept:
                    starts = {s for phrase in _phrases(term) for s in _find(phrase, plain, folded)}
                    if starts:
                        found += 1
                        clean += bool(starts - negated_at)
                        if starts & negated_at:
                            concept_negated.append(term)
                if found == len(concept):
                    met = c if met is None else met
                    cleanly_met = cleanly_met or clean == len(concept)
                    negated += [t for t in concept_negated if t not in negated]
                elif 0 < found < len(concept):
                    partial.append(c)
            # A negation casts doubt only on a criterion it alone could have met: "without a cache, keys
            # are recomputed" must not queue an answer that says elsewhere "the cache stores the keys".
            doubtful = () if cleanly_met else tuple(negated)
            results.append(CriterionResult(criterion, met is not None, met, tuple(partial), doubtful))
        return RubricAssessment(tuple(results), len(plain))

    def grade_answer(self, answer: str) -> Outcome:
        assessment = self.assess(answer)
        remarks = [
            Remark(r.criterion.criterion, r.criterion.met if r.met else r.criterion.missed, r.met)
            for r in assessment.results
        ]
        if assessment.needs_review:
            remarks.append(Remark(REVIEW_SUBJECT, REVIEW_TEXT))
        met_all = all(r.met for r in assessment.results)
        outcome = self.outcome(assessment.score, met_all, FeedbackPart(Role.YOUR_ANSWER, tuple(remarks)))
        return replace(outcome, needs_review=assessment.needs_review)

    def criteria_score(self, met: set[str] | frozenset[str]) -> tuple[float, bool]:
        """The score and the correct flag for the criteria (ids) a person ticked as met."""
        total = sum(c.points for c in self.rubric)
        points = sum(c.points for c in self.rubric if c.id in met)
        return points / total, points == total

    def key_answer(self) -> str:
        """A canonical answer that meets every criterion: for each criterion a sentence of the terms of
        its first concept whose terms' first alternatives have no ``*`` (else its first concept), each term
        as its first alternative without ``*``. It is for simulated takers
        and tests; the review shows :meth:`key_text` instead."""
        sentences = []
        for criterion in self.rubric:
            plain = [c for c in criterion.concepts if not any("*" in t.split("|")[0] for t in c)]
            concept = (plain or criterion.concepts)[0]
            terms = [term.split("|")[0].replace("*", "").strip() for term in concept]
            sentences.append(" ".join(terms).capitalize() + ".")
        return " ".join(sentences)

    def key_text(self) -> str:
        """What a full answer covers: the criteria with their points."""
        return "A full answer covers: " + "; ".join(
            f"{c.criterion.rstrip('.')} ({c.points} point{'s' if c.points != 1 else ''})" for c in self.rubric
        )

    def describe_answer(self, answer: str) -> str:
        return answer


def _valid_term(term: str) -> bool:
    """A term is one or more alternatives, each of words, ``*`` only at a word's end."""
    if not term.strip():
        return False
    for alternative in term.split("|"):
        tokens = alternative.split()
        if not tokens:
            return False
        for token in tokens:
            if "*" in token.rstrip("*") or token.count("*") > 1:
                return False
            if not plain_words(token.rstrip("*")):
                return False
    return True

"""Writes for practice: start a practice session, give the next question, take an answer.

Why practice has its own answer service instead of going through ``assessments.services.response_submit``:
that service is built around an attempt — it locks the attempt row, checks its deadline, stores a
``Response`` in an ``AttemptItem`` slot, counts exposure and, in the adaptive test, moves the attempt's
ability estimate. Practice has none of those and must never create any of them (no attempt, no exposure
count, no calibration input). :func:`practice_answer_submit` follows the same straight line with the same
parts: the same kind adapters read the form or API answer (an ``AnswerReader``), ``bank.grade`` grades it
once, one row per question makes a replay harmless, and the Elo step comes from ``psychometrics``.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, F

from adaptest.bank import DONT_KNOW, GradableItem, Outcome, grade
from adaptest.bank.generators import VALIDATION_SEEDS
from adaptest.psychometrics.practice import Candidate, ItemRating, LearnerRating, practice_pick, practice_step
from adaptest.web.assessments.models import Attempt
from adaptest.web.assessments.selectors import attempt_result
from adaptest.web.assessments.services import AnswerReader, answer_grade
from adaptest.web.itembank.models import PRACTICE_USES, Bank, ItemParameters, ItemVersion
from adaptest.web.practice.families import family_generator, variant_hash
from adaptest.web.practice.models import (
    PracticeItemRating,
    PracticeQuestion,
    PracticeRating,
    PracticeResponse,
    PracticeSession,
)

NO_STUDY_PLAN = (
    "You have no study plan yet: it comes with the result of an assessment. Choose skills instead."
)
NO_PRACTICE_ITEMS = "There are no practice questions for this choice yet."

#: Tie-breaks among equally good items. Module-level so a simulation can seed it.
RNG = random.Random()


class PracticeError(Exception):
    """A request practice refuses; the message is shown to the learner as it is."""


@dataclass(frozen=True)
class PracticeAnswer:
    """What an answer did: the stored response, its grading, and whether it was a replay."""

    question: PracticeQuestion
    response: PracticeResponse
    outcome: Outcome
    replay: bool


# --- start ---------------------------------------------------------------------------------------------


def practice_start(
    *,
    user: User,
    bank: Bank,
    now: datetime,
    domain: str = "",
    skills: list[str] | tuple[str, ...] = (),
    study_plan: bool = False,
    item_id: str = "",
) -> PracticeSession:
    """Start practising a domain, some skills, the skills of the learner's study plan, or one practice
    item (``item_id``: that item first, then its skills). Raises PracticeError for a choice that is
    unknown or has no practice question."""
    meta_skills = {s["id"]: s for s in bank.meta.get("skills", [])}
    titles = bank.domain_titles()
    first: ItemVersion | None = None
    if item_id:
        first = _practice_version(bank, item_id)
        skills = tuple(first.parsed.skills)
    if study_plan:
        choice, chosen = PracticeSession.Choice.STUDY_PLAN, _study_plan_skills(user, bank)
        title = "My study plan: " + ", ".join(meta_skills[s]["title"] for s in chosen)
    elif domain:
        if domain not in titles:
            raise PracticeError("There is no such domain.")
        choice, chosen, title = PracticeSession.Choice.DOMAIN, [], titles[domain]
    else:
        chosen = list(dict.fromkeys(skills))
        if not chosen:
            raise PracticeError("Choose a domain, at least one skill, or your study plan.")
        unknown = [s for s in chosen if s not in meta_skills]
        if unknown:
            raise PracticeError(f"There is no skill {unknown[0]!r}.")
        choice, title = PracticeSession.Choice.SKILLS, ", ".join(meta_skills[s]["title"] for s in chosen)
    session = PracticeSession(
        user=user, bank=bank, choice=choice, domain=domain, skills=chosen, title=title[:200], created_at=now
    )
    if not _pool(session):
        raise PracticeError(NO_PRACTICE_ITEMS)
    session.save()
    if first is not None:
        _give(session, first.pk, predicted=_prediction(session, first.pk), position=1, now=now)
    return session


def _practice_version(bank: Bank, item_id: str) -> ItemVersion:
    version = (
        ItemVersion.objects.filter(
            item__bank=bank,
            item__item_id=item_id,
            item__is_active=True,
            item__current_version=F("pk"),
            use__in=PRACTICE_USES,
        )
        .select_related("item")
        .first()
    )
    if version is None:
        raise PracticeError("That question is not one kept for practice.")
    return version


def _study_plan_skills(user: User, bank: Bank) -> list[str]:
    """The skills of the study plan of the learner's latest finished attempt at one of the bank's
    assessments (read only: practice changes nothing of it)."""
    latest = (
        Attempt.objects.filter(user=user, assessment__bank=bank)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .select_related("assessment", "assessment__bank")
        .order_by("-finished_at", "-pk")
        .first()
    )
    plan = [] if latest is None else [s.skill_id for s in attempt_result(attempt=latest).study_plan]
    known = {s["id"] for s in bank.meta.get("skills", [])}
    plan = [s for s in plan if s in known]
    if not plan:
        raise PracticeError(NO_STUDY_PLAN)
    return plan


# --- the pool and the next question --------------------------------------------------------------------


@dataclass(frozen=True)
class PoolEntry:
    """A practice item of a bank: a hand-written practice item or a generator family."""

    item_pk: int
    item_id: str
    version_pk: int
    domain: str
    skills: tuple[str, ...]
    variants: tuple[int, ...]  # a family's stored variants; empty for a hand-written item
    first_variant_hash: str  # a family's seed-0 variant, to check its code is the synced one
    use: str  # the current version's pool: a family's fresh variants are stored in the same one
    a: float
    b: float

    @property
    def family(self) -> bool:
        return bool(self.variants)


_POOLS: dict[tuple[int, str], tuple[PoolEntry, ...]] = {}


def forget_practice_pools() -> None:
    """Drop the cached pools (tests that change items without renewing the bank's pool stamp)."""
    _POOLS.clear()


def _bank_pool(bank: Bank) -> tuple[PoolEntry, ...]:
    """The bank's practice pool: current practice versions of active items (hand-written practice
    items and generator families, never a secure item). Cached per process under the bank's pool stamp,
    which a sync or a calibration renews."""
    key = (bank.pk, bank.pool_stamp)
    pool = _POOLS.get(key)
    if pool is None:
        rows = list(
            ItemVersion.objects.filter(
                item__bank=bank, item__is_active=True, item__current_version=F("pk"), use__in=PRACTICE_USES
            )
            .order_by("item__item_id")
            .values_list(
                "item_id",
                "item__item_id",
                "pk",
                "use",
                "domain",
                "data__skills",
                "item__variant_versions",
                "item__parameters__a",
                "item__parameters__b",
            )
        )
        firsts = [int(variants[0]) for *_, variants, _, _ in rows if variants]
        hashes = dict(ItemVersion.objects.filter(pk__in=firsts).values_list("pk", "content_hash"))
        pool = tuple(
            PoolEntry(
                item_pk,
                item_id,
                pk,
                domain,
                tuple(skills or ()),
                tuple(int(v) for v in variants or ()),
                hashes.get(int(variants[0]), "") if variants else "",
                use,
                1.0 if a is None else a,
                0.0 if b is None else b,
            )
            for item_pk, item_id, pk, use, domain, skills, variants, a, b in rows
        )
        _POOLS.clear()  # one stamp per bank is current; older ones are never asked for again
        _POOLS[key] = pool
    return pool


def _pool(session: PracticeSession) -> list[PoolEntry]:
    """The session's practice pool: the bank's, in the chosen domain or on a chosen skill (each entry's
    skills narrowed to the chosen ones)."""
    pool = _bank_pool(session.bank)
    if session.choice == PracticeSession.Choice.DOMAIN:
        return [entry for entry in pool if entry.domain == session.domain]
    chosen = set(session.skills)
    return [
        replace(entry, skills=tuple(s for s in entry.skills if s in chosen))
        for entry in pool
        if chosen.intersection(entry.skills)
    ]


def practice_question_next(*, session: PracticeSession, now: datetime) -> PracticeQuestion:
    """The question to answer now: the session's unanswered one, or a new one chosen by the Elo model.

    The new one is the item whose predicted chance of success is nearest the target
    (``ADAPTEST_PRACTICE_TARGET``), spread over the chosen skills, never one this learner has had while
    the pool still holds others (``psychometrics.practice.practice_pick``); a generator family gives a
    fresh variant. Raises PracticeError when the choice has no practice question at all.
    """
    last = _last_question(session)
    if last is not None and last.stored_response is None:
        return last
    pool = _pool(session)
    if not pool:
        raise PracticeError(NO_PRACTICE_ITEMS)
    user = session.user
    ratings = _learner_ratings(user, session.bank, {entry.domain for entry in pool})
    items = _item_ratings([entry.item_pk for entry in pool])
    seen = dict(
        PracticeQuestion.objects.filter(user=user, item_version__item_id__in=[e.item_pk for e in pool])
        .values_list("item_version__item_id")
        .annotate(n=Count("id"))
        .values_list("item_version__item_id", "n")
    )
    skill_counts: Counter[str] = Counter()
    for entry in pool:
        for skill in entry.skills:
            skill_counts[skill] += seen.get(entry.item_pk, 0)
    candidates = [
        Candidate(
            learner=ratings[entry.domain].rating,
            difficulty=items[entry.item_pk].difficulty if entry.item_pk in items else entry.b,
            discrimination=items[entry.item_pk].discrimination if entry.item_pk in items else entry.a,
            skills=entry.skills,
            seen=seen.get(entry.item_pk, 0),
            renewable=entry.family,
        )
        for entry in pool
    ]
    index = practice_pick(
        candidates, skill_counts=skill_counts, target=settings.ADAPTEST_PRACTICE_TARGET, rng=RNG
    )
    assert index is not None  # the pool is not empty
    entry = pool[index]
    version_pk = _variant(entry, user) if entry.family else entry.version_pk
    position = 1 if last is None else last.position + 1
    return _give(session, version_pk, predicted=candidates[index].predicted, position=position, now=now)


def _last_question(session: PracticeSession) -> PracticeQuestion | None:
    """The session's latest question with its response, if any: one query (the version, with its large
    data, is read only when the question is the one to show again)."""
    return session.questions.select_related("response").order_by("-position").first()


def _give(
    session: PracticeSession, version_pk: int, *, predicted: float, position: int, now: datetime
) -> PracticeQuestion:
    """Store the question given; a concurrent request that gave one first wins, and its is returned."""
    try:
        with transaction.atomic():
            return PracticeQuestion.objects.create(
                session=session,
                user_id=session.user_id,
                position=position,
                item_version_id=version_pk,
                display_seed=secrets.randbelow(2**31),
                predicted=predicted,
                shown_at=now,
            )
    except IntegrityError:
        last = _last_question(session)
        if last is None or last.stored_response is not None:
            raise
        return last


def _prediction(session: PracticeSession, version_pk: int) -> float:
    entry = next((e for e in _pool(session) if e.version_pk == version_pk), None)
    if entry is None:
        return settings.ADAPTEST_PRACTICE_TARGET
    learner = _learner_ratings(session.user, session.bank, {entry.domain})[entry.domain]
    item = _item_ratings([entry.item_pk]).get(entry.item_pk) or ItemRating(entry.b, entry.a)
    return Candidate(learner.rating, item.difficulty, item.discrimination).predicted


def _variant(entry: PoolEntry, user: User) -> int:
    """A fresh variant of a family (a new seed, stored as a version of the family, in its pool); or,
    when the family's code is not at hand, the stored variant the learner has had least."""
    family = family_generator(family_id=entry.item_id, first_variant_hash=entry.first_variant_hash)
    if family is not None:
        for _ in range(5):
            seed = len(VALIDATION_SEEDS) + secrets.randbelow(2**31 - len(VALIDATION_SEEDS))
            try:
                item = family.generate(seed)
            except ValueError:  # this seed gives an invalid variant: draw another
                continue
            return _store_variant(entry.item_pk, item, entry.use)
    seen = Counter(
        PracticeQuestion.objects.filter(user=user, item_version_id__in=entry.variants).values_list(
            "item_version_id", flat=True
        )
    )
    return min(entry.variants, key=lambda pk: (seen[pk], RNG.random()))


def _store_variant(item_pk: int, item: GradableItem, use: str) -> int:
    content_hash = variant_hash(item)
    try:
        with transaction.atomic():
            return ItemVersion.objects.create(
                item_id=item_pk,
                content_hash=content_hash,
                kind=item.kind,
                domain=item.domain,
                use=use,
                data=item.model_dump(mode="json"),
                figure_svg=item.figure.svg if item.figure and item.figure.svg else "",
            ).pk
    except IntegrityError:  # the same seed was drawn before: that version it is
        return ItemVersion.objects.values_list("pk", flat=True).get(
            item_id=item_pk, content_hash=content_hash
        )


def _learner_ratings(user: User, bank: Bank, domains: set[str]) -> dict[str, LearnerRating]:
    """The learner's rating in each domain; a domain not practised yet starts from the learner's latest
    assessment estimate of it, else from 0 (the average learner)."""
    stored = {
        r.domain: LearnerRating(r.rating, r.evidence, r.updates)
        for r in PracticeRating.objects.filter(user=user, bank=bank, domain__in=domains)
    }
    missing = domains - set(stored)
    if missing:
        start = _assessment_thetas(user, bank)
        stored.update((d, LearnerRating(start.get(d, 0.0))) for d in missing)
    return stored


def _assessment_thetas(user: User | int, bank: Bank | int) -> dict[str, float]:
    """Domain θ of the learner's latest finished adaptive attempt at the bank (empty without one)."""
    report = (
        Attempt.objects.filter(user=user, assessment__bank=bank, report__isnull=False)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .order_by("-finished_at", "-pk")
        .values_list("report", flat=True)
        .first()
    )
    if not report or not report.get("scored_items"):
        return {}
    return {d["id"]: float(d["theta"]) for d in report.get("domains", []) if d.get("items")}


def _item_ratings(item_pks: list[int]) -> dict[int, ItemRating]:
    return {
        r.item_id: ItemRating(r.difficulty, r.discrimination, r.evidence, r.updates)
        for r in PracticeItemRating.objects.filter(item_id__in=item_pks)
    }


# --- the answer ------------------------------------------------------------------------------------------


def practice_answer_submit(
    *, user: User | int, question_id: int, answer: AnswerReader | object, now: datetime
) -> PracticeAnswer:
    """Take the answer to one practice question (page, API or script) and grade it at once.

    ``answer`` is the raw answer, DONT_KNOW, or an AnswerReader (the kind adapters' form or API reading).
    In one transaction: lock the question (only the user's own: PracticeQuestion.DoesNotExist otherwise),
    return the stored result if it was already answered (a replay changes nothing), grade once with
    ``bank.grade``, move the learner's domain rating and the item's difficulty one Elo step, and store
    the response with the time taken since the question was shown. Raises AnswerError (NothingEntered
    when empty) for an answer the question cannot take, storing nothing.
    """
    read: AnswerReader = answer if callable(answer) else (lambda item, presentation: answer)
    with transaction.atomic():
        question = (
            PracticeQuestion.objects.select_for_update(of=("self",))
            .select_related("item_version", "session", "response")
            .get(pk=question_id, user=user)
        )
        existing = question.stored_response
        if existing is not None:
            return PracticeAnswer(question, existing, _regrade(question, existing), replay=True)
        item = question.item_version.parsed
        stored, dont_know, outcome = answer_grade(item=item, seed=question.display_seed, read=read)
        rating = _rate(question, outcome.correct, now)
        response = PracticeResponse.objects.create(
            question=question,
            user_id=question.user_id,
            item_version_id=question.item_version_id,
            domain=question.item_version.domain,
            answer=stored,
            dont_know=dont_know,
            score=outcome.score,
            correct=outcome.correct,
            needs_review=outcome.needs_review,
            seconds=max(0.0, (now - question.shown_at).total_seconds()),
            rating_after=rating,
            created_at=now,
        )
    return PracticeAnswer(question, response, outcome, replay=False)


def _regrade(question: PracticeQuestion, response: PracticeResponse) -> Outcome:
    item = question.item_version.parsed
    return grade(item, DONT_KNOW if response.dont_know else response.answer)


def _rate(question: PracticeQuestion, correct: bool, now: datetime) -> float:
    """One Elo step for the learner's domain rating and the item's rating, both locked (learner first,
    then item, always in that order); returns the learner's new rating."""
    version, session = question.item_version, question.session
    learner_row = _locked_learner_rating(question.user_id, session.bank_id, version.domain, now)
    item_row = _locked_item_rating(version.item_id)
    step = practice_step(
        LearnerRating(learner_row.rating, learner_row.evidence, learner_row.updates),
        ItemRating(item_row.difficulty, item_row.discrimination, item_row.evidence, item_row.updates),
        correct,
    )
    learner_row.rating, learner_row.evidence = step.learner.rating, step.learner.evidence
    learner_row.updates, learner_row.updated_at = step.learner.updates, now
    learner_row.save(update_fields=["rating", "evidence", "updates", "updated_at"])
    item_row.difficulty, item_row.discrimination = step.item.difficulty, step.item.discrimination
    item_row.evidence, item_row.updates = step.item.evidence, step.item.updates
    item_row.save(update_fields=["difficulty", "discrimination", "evidence", "updates"])
    return step.learner.rating


def _locked_learner_rating(user_id: int, bank_id: int, domain: str, now: datetime) -> PracticeRating:
    rows = PracticeRating.objects.select_for_update()
    found = rows.filter(user_id=user_id, bank_id=bank_id, domain=domain).first()
    if found is not None:
        return found
    start = _assessment_thetas(user_id, bank_id).get(domain, 0.0)
    try:
        with transaction.atomic():
            return PracticeRating.objects.create(
                user_id=user_id, bank_id=bank_id, domain=domain, rating=start, updated_at=now
            )
    except IntegrityError:  # a concurrent first answer created it
        return rows.get(user_id=user_id, bank_id=bank_id, domain=domain)


def _locked_item_rating(item_pk: int) -> PracticeItemRating:
    rows = PracticeItemRating.objects.select_for_update()
    found = rows.filter(item_id=item_pk).first()
    if found is not None:
        return found
    parameters = ItemParameters.objects.filter(item_id=item_pk).values_list("a", "b").first()
    a, b = parameters if parameters is not None else (1.0, 0.0)
    try:
        with transaction.atomic():
            return PracticeItemRating.objects.create(item_id=item_pk, difficulty=b, discrimination=a)
    except IntegrityError:
        return rows.get(item_id=item_pk)


__all__ = [
    "NO_PRACTICE_ITEMS",
    "NO_STUDY_PLAN",
    "PracticeAnswer",
    "PracticeError",
    "PoolEntry",
    "forget_practice_pools",
    "practice_answer_submit",
    "practice_question_next",
    "practice_start",
]

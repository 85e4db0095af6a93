"""FSRS-6 (the `fsrs` package) against SM-2: scheduling decisions per second and log loss, in one run.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_fsrs

Everything is drawn from seed 0 with Python's ``random`` (the package's interval fuzz uses the module
``random`` too, so it is seeded as well). The run has four parts:

1. **Synthetic review logs** from a ground-truth memory model that is *not* FSRS (``Truth``: exponential
   forgetting, per-card difficulty and per-learner ability, stability that grows after a recall, more
   so when the recall was hard, and shrinks after a lapse). ``LEARNERS`` learners each study their own
   copy of a ``CARDS``-card deck (one *history* per learner and card). Three logs:

   * ``random``: every history is introduced at a random time in the first 30 days and then reviewed
     ``RANDOM_REVIEWS - 1`` times at gaps drawn log-uniformly between 1 and 60 days, whatever either
     scheduler would have said. This is the main log for the log-loss comparison: neither scheduler
     chose the review times, so neither is judged only where its own intervals put it, and the whole
     forgetting curve (recall from about 0.1 to 1) is covered.
   * ``fsrs-scheduled`` and ``sm2-scheduled``: each history is reviewed when the scheduler says it is
     due (plus a short random delay) over one year, as an app would do. The first one is also the
     event stream of the throughput part (learning steps, reviews and relearning in realistic mix).

2. **Log loss** of each scheduler's predicted recall probability at review time, on every review that
   comes at least a whole day after the card's previous review (the convention of fsrs's own optimiser;
   the first exposure has no prediction). FSRS: ``Scheduler.get_card_retrievability`` before
   ``review_card``, default parameters, desired retention 0.9. SM-2 has no probability; by convention
   its current interval I is taken as the 90 % point of an exponential curve, p = 0.9 ** (t / I) with t
   the whole days elapsed (t counted as FSRS counts it). Also reported: SM-2 with the 0.9 replaced by
   the best-fitting value on the same log (in sample, flattering SM-2), the ground truth's own
   probabilities (the floor), and the base rate.

3. **FSRS's optimiser** (``fsrs.Optimizer``, needs torch, pandas and tqdm; torch==2.13.0 is the
   locally available CPU wheel) fitted on the histories of ``TRAIN_LEARNERS`` learners of a log, and
   default against optimised parameters scored on the held-out learners (the second half). Skipped, and
   recorded as skipped, when torch is not installed.

4. **Throughput**: the fsrs-scheduled event stream (chronological, all cards interleaved) replayed
   through ``Scheduler.review_card`` one decision at a time in one process, best and median of
   ``PASSES`` passes, with fuzzing (the package default) and without; the same stream through a bare
   SM-2 step (``sm2_step``: numbers in, numbers out) and through an SM-2 step with the same object and
   datetime plumbing as fsrs (``sm2_review``). Then what limits fsrs: a cProfile of one pass,
   micro-timings of the parts of ``review_card``, the share of decisions a memo cache could answer,
   the package's private tensor path for the stability/difficulty formulas, and the product-like
   cost of a decision that also restores and stores the card as a dict.

Results go to benchmarks/results/fsrs-<date>.json.
"""

from __future__ import annotations

import copy
import cProfile
import json
import math
import os
import platform
import pstats
import random
import statistics
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fsrs import Card, Rating, ReviewLog, Scheduler, State
from scipy.optimize import minimize_scalar

SEED = 0
COMMAND = ".venv/bin/python -m benchmarks.bench_fsrs"
RESULTS_DIR = Path(__file__).parent / "results"
TARGET_DECISIONS_PER_SECOND = 100_000
LEARNERS = 200
CARDS = 100
RANDOM_REVIEWS = 8
GAP_DAYS = (1.0, 60.0)
INTRO_SPREAD_DAYS = 30.0
HORIZON_DAYS = 365.0
LEECH_LAPSES = 8
TRAIN_LEARNERS = 10
PASSES = 3
PROFILE_EVENTS = 50_000
START = datetime(2026, 1, 5, tzinfo=UTC)
DAY = 86_400.0
#: SM-2 quality (0-5) for each FSRS rating: Again is a failed recall (< 3).
QUALITY = {Rating.Again: 1, Rating.Hard: 3, Rating.Good: 4, Rating.Easy: 5}


# --- ground truth -----------------------------------------------------------------------------------


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class Truth:
    """The ground-truth memory model that generates the logs (deliberately not FSRS).

    The scale (new_stability, known_stability, growth) was set so that learners who follow FSRS's default
    intervals recall about as often as FSRS aims for (0.88 against 0.9 on the fsrs-scheduled log): a
    population that remembers about as well as the Anki users FSRS's defaults were fitted to. The other
    constants were set once by judgement and not tuned against either scheduler.

    A learner with ability ``a`` ~ N(0, ability_sd²) meets a card of difficulty ``d`` ~
    N(0, difficulty_sd²); ``ease = exp((a - d) / 2)``. At the first exposure the learner already knows
    the card with probability σ(a − d + prior_offset). Memory then decays exponentially,
    R(t) = exp(−t / S) with t in days (FSRS assumes a power law). After the first exposure
    S = known_stability·ease if the card was known, else new_stability·ease. After a successful recall
    that had probability R, S ← S·(1 + growth·ease·(1 − R)^growth_exponent): easy cards and able
    learners gain more, and a recall that was hard (low R) strengthens memory more (the spacing
    effect); reviewing a card that is still fresh (R ≈ 1) adds almost nothing. After a lapse the
    learner sees the answer again: S ← max(new_stability·ease, lapse_factor·S), never below a first
    encounter's.
    """

    ability_sd: float = 0.5
    difficulty_sd: float = 0.6
    prior_offset: float = -1.5
    new_stability: float = 6.0
    known_stability: float = 25.0
    growth: float = 5.0
    growth_exponent: float = 0.6
    lapse_factor: float = 0.3

    #: "exponential" (the main model), or "hyperbolic": R = 1 / (1 + t / S), a heavy-tailed curve
    #: closer in shape to FSRS's power law (used for one sensitivity check of the random log).
    forgetting: str = "exponential"

    def recall_probability(self, stability: float, elapsed_days: float) -> float:
        if self.forgetting == "hyperbolic":
            return 1.0 / (1.0 + elapsed_days / stability)
        return math.exp(-elapsed_days / stability)

    def knows_at_intro(self, ability: float, difficulty: float) -> float:
        return sigmoid(ability - difficulty + self.prior_offset)

    def after_intro(self, known: bool, ease: float) -> float:
        return (self.known_stability if known else self.new_stability) * ease

    def after_review(self, stability: float, recalled: bool, probability: float, ease: float) -> float:
        if recalled:
            return stability * (1.0 + self.growth * ease * float((1.0 - probability) ** self.growth_exponent))
        return max(self.new_stability * ease, self.lapse_factor * stability)


def draw_rating(rng: random.Random, recalled: bool, probability: float) -> Rating:
    """The button pressed: Again on a lapse; on a recall Hard, Good or Easy, Hard more often when the
    recall was unlikely (P = 0.3·(1 − R)), Easy more often when it was sure (P = 0.15·R⁴)."""
    if not recalled:
        return Rating.Again
    u = rng.random()
    if u < 0.3 * (1.0 - probability):
        return Rating.Hard
    if u > 1.0 - 0.15 * probability**4:
        return Rating.Easy
    return Rating.Good


def intro_rating(rng: random.Random, known: bool) -> Rating:
    """First exposure: Good (Easy one time in three) if the learner already knew the card, else Again."""
    if not known:
        return Rating.Again
    return Rating.Easy if rng.random() < 1 / 3 else Rating.Good


@dataclass(frozen=True)
class Population:
    """Per-history (learner × card) parameters: history h is learner h // CARDS, card h % CARDS."""

    ability: list[float]
    difficulty: list[float]

    @property
    def histories(self) -> int:
        return len(self.ability) * len(self.difficulty)

    def ease(self, history: int) -> float:
        learner, card = divmod(history, len(self.difficulty))
        return math.exp((self.ability[learner] - self.difficulty[card]) / 2.0)

    def prior(self, truth: Truth, history: int) -> float:
        learner, card = divmod(history, len(self.difficulty))
        return truth.knows_at_intro(self.ability[learner], self.difficulty[card])


def draw_population(rng: random.Random, truth: Truth) -> Population:
    return Population(
        ability=[rng.gauss(0.0, truth.ability_sd) for _ in range(LEARNERS)],
        difficulty=[rng.gauss(0.0, truth.difficulty_sd) for _ in range(CARDS)],
    )


# --- logs ------------------------------------------------------------------------------------------


@dataclass
class Log:
    """Review events in chronological order; ``truth`` is the generating recall probability (NaN at a
    first exposure, which has no prediction)."""

    name: str
    history: list[int] = field(default_factory=list)
    when: list[datetime] = field(default_factory=list)
    rating: list[Rating] = field(default_factory=list)
    truth: list[float] = field(default_factory=list)

    def add(self, history: int, when: datetime, rating: Rating, truth: float) -> None:
        self.history.append(history)
        self.when.append(when)
        self.rating.append(rating)
        self.truth.append(truth)

    def sorted(self) -> Log:
        order = sorted(range(len(self.when)), key=lambda i: (self.when[i], self.history[i]))
        return Log(
            self.name,
            [self.history[i] for i in order],
            [self.when[i] for i in order],
            [self.rating[i] for i in order],
            [self.truth[i] for i in order],
        )

    def subset(self, keep: Callable[[int], bool]) -> Log:
        rows = [i for i, history in enumerate(self.history) if keep(history)]
        return Log(
            self.name,
            [self.history[i] for i in rows],
            [self.when[i] for i in rows],
            [self.rating[i] for i in rows],
            [self.truth[i] for i in rows],
        )

    def __len__(self) -> int:
        return len(self.history)


def first_exposure(
    rng: random.Random, truth: Truth, population: Population, history: int
) -> tuple[datetime, Rating, float]:
    """Introduce a card at a random time in the first INTRO_SPREAD_DAYS; returns (time, rating, S)."""
    when = START + timedelta(days=rng.uniform(0.0, INTRO_SPREAD_DAYS))
    known = rng.random() < population.prior(truth, history)
    return when, intro_rating(rng, known), truth.after_intro(known, population.ease(history))


def review(
    rng: random.Random, truth: Truth, ease: float, stability: float, elapsed_days: float
) -> tuple[Rating, float, float]:
    """One review under the ground truth; returns (rating, recall probability, new stability)."""
    probability = truth.recall_probability(stability, elapsed_days)
    recalled = rng.random() < probability
    rating = draw_rating(rng, recalled, probability)
    return rating, probability, truth.after_review(stability, recalled, probability, ease)


def random_schedule_log(
    rng: random.Random, truth: Truth, population: Population, name: str = "random"
) -> Log:
    """Review times independent of any scheduler: log-uniform gaps in GAP_DAYS after the intro."""
    log = Log(name)
    low, high = math.log(GAP_DAYS[0]), math.log(GAP_DAYS[1])
    for history in range(population.histories):
        ease = population.ease(history)
        when, rating, stability = first_exposure(rng, truth, population, history)
        log.add(history, when, rating, math.nan)
        for _ in range(RANDOM_REVIEWS - 1):
            gap = math.exp(rng.uniform(low, high))
            when += timedelta(days=gap)
            rating, probability, stability = review(rng, truth, ease, stability, gap)
            log.add(history, when, rating, probability)
    return log.sorted()


def delay(rng: random.Random, interval: timedelta) -> timedelta:
    """Learners come back a little after the due time: up to a quarter of the interval, at most 12 h."""
    return min(interval * 0.25, timedelta(hours=12)) * rng.random()


def followed_log(
    name: str,
    rng: random.Random,
    truth: Truth,
    population: Population,
    start: Callable[[int, datetime], Any],
    step: Callable[[Any, Rating, datetime], tuple[Any, datetime]],
) -> Log:
    """Each history reviewed when its scheduler says it is due (``step`` returns the new state and the
    due time), until HORIZON_DAYS after START or, as Anki suspends leeches, its LEECH_LAPSES-th lapse
    (Again at least a day after the previous review)."""
    log = Log(name)
    horizon = START + timedelta(days=HORIZON_DAYS)
    for history in range(population.histories):
        ease = population.ease(history)
        when, rating, stability = first_exposure(rng, truth, population, history)
        log.add(history, when, rating, math.nan)
        state, due = step(start(history, when), rating, when)
        lapses = 0
        while lapses < LEECH_LAPSES:
            interval = due - when
            next_when = due + delay(rng, interval)
            if next_when > horizon:
                break
            elapsed = (next_when - when).total_seconds() / DAY
            when = next_when
            rating, probability, stability = review(rng, truth, ease, stability, elapsed)
            log.add(history, when, rating, probability)
            lapses += rating == Rating.Again and elapsed >= 1.0
            state, due = step(state, rating, when)
    return log.sorted()


def fsrs_scheduled_log(rng: random.Random, truth: Truth, population: Population, scheduler: Scheduler) -> Log:
    def start(history: int, when: datetime) -> Card:
        return Card(card_id=history, due=when)

    def step(card: Card, rating: Rating, when: datetime) -> tuple[Card, datetime]:
        card, _ = scheduler.review_card(card, rating, when)
        return card, card.due

    return followed_log("fsrs-scheduled", rng, truth, population, start, step)


def sm2_scheduled_log(rng: random.Random, truth: Truth, population: Population) -> Log:
    def start(history: int, when: datetime) -> Sm2Card:
        return Sm2Card(history, due=when)

    def step(card: Sm2Card, rating: Rating, when: datetime) -> tuple[Sm2Card, datetime]:
        card = sm2_review(card, QUALITY[rating], when)
        return card, card.due

    return followed_log("sm2-scheduled", rng, truth, population, start, step)


# --- SM-2 ------------------------------------------------------------------------------------------


Sm2State = tuple[int, int, float]
"""(repetitions, interval in days, easiness factor): the whole SM-2 state of one card."""

SM2_NEW: Sm2State = (0, 0, 2.5)
SM2_MAX_INTERVAL = 36_500


def sm2_step(state: Sm2State, quality: int) -> Sm2State:
    """One SM-2 repetition as published (Wozniak, 1990), quality 0-5.

    On a failed recall (q < 3) repetitions restart (interval 1 day) and the E-Factor is left unchanged.
    Otherwise EF' = max(1.3, EF + 0.1 − (5 − q)(0.08 + (5 − q)·0.02)), and the interval is 1 day after
    the first successful repetition in a row, 6 after the second, then the previous interval × EF',
    rounded up, capped at fsrs's maximum interval (100 years; SM-2 itself has no cap). Every rating
    counts as a repetition, the first exposure included; SM-2's "repeat items graded below 4 again the
    same day" drill is left out (it schedules nothing).
    """
    repetitions, interval, easiness = state
    if quality < 3:
        return 0, 1, easiness
    easiness = max(1.3, easiness + 0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02))
    repetitions += 1
    if repetitions == 1:
        return repetitions, 1, easiness
    if repetitions == 2:
        return repetitions, 6, easiness
    return repetitions, min(math.ceil(interval * easiness), SM2_MAX_INTERVAL), easiness


@dataclass
class Sm2Card:
    """An SM-2 card with the same plumbing as an fsrs Card (an object copied per review, datetimes)."""

    card_id: int
    repetitions: int = 0
    interval: int = 0
    easiness: float = 2.5
    due: datetime = START
    last_review: datetime | None = None


def sm2_review(card: Sm2Card, quality: int, when: datetime) -> Sm2Card:
    """``sm2_step`` wrapped as fsrs wraps its formulas: a UTC check, a copy of the card, a due datetime."""
    if when.tzinfo is None or when.tzinfo != UTC:
        raise ValueError("datetime must be timezone-aware and set to UTC")
    card = copy.copy(card)
    card.repetitions, card.interval, card.easiness = sm2_step(
        (card.repetitions, card.interval, card.easiness), quality
    )
    card.due = when + timedelta(days=card.interval)
    card.last_review = when
    return card


def sm2_probability(interval_days: int, elapsed_days: int, retention_at_interval: float = 0.9) -> float:
    """A convention, not part of SM-2: the interval is where recall has fallen to 90 %, exponentially."""
    return float(retention_at_interval ** (elapsed_days / interval_days))


# --- scoring ---------------------------------------------------------------------------------------


def log_loss(predictions: list[float], outcomes: list[int]) -> float:
    total = 0.0
    for p, y in zip(predictions, outcomes, strict=True):
        p = min(max(p, 1e-9), 1.0 - 1e-9)
        total -= math.log(p) if y else math.log1p(-p)
    return total / len(outcomes)


@dataclass
class Scored:
    """Predictions of every scored review of a log (elapsed ≥ 1 whole day) and what happened."""

    fsrs: list[float] = field(default_factory=list)
    sm2_interval: list[int] = field(default_factory=list)
    elapsed_days: list[int] = field(default_factory=list)
    truth: list[float] = field(default_factory=list)
    recalled: list[int] = field(default_factory=list)


def score(log: Log, scheduler: Scheduler) -> Scored:
    """Replay the log through both schedulers; before each scored review, record their predictions."""
    cards: dict[int, Card] = {}
    sm2: dict[int, Sm2State] = {}
    last: dict[int, datetime] = {}
    scored = Scored()
    for history, when, rating, truth in zip(log.history, log.when, log.rating, log.truth, strict=True):
        card = cards.get(history)
        if card is None:
            card = Card(card_id=history, due=when)
        elif (elapsed := (when - last[history]).days) >= 1:
            scored.fsrs.append(scheduler.get_card_retrievability(card, when))
            scored.sm2_interval.append(sm2[history][1])
            scored.elapsed_days.append(elapsed)
            scored.truth.append(truth)
            scored.recalled.append(int(rating != Rating.Again))
        cards[history], _ = scheduler.review_card(card, rating, when)
        sm2[history] = sm2_step(sm2.get(history, SM2_NEW), QUALITY[rating])
        last[history] = when
    return scored


def best_sm2_retention(scored: Scored) -> float:
    """The retention-at-interval that minimises SM-2's log loss on this very log (in sample)."""

    def loss(retention: float) -> float:
        return log_loss(
            [
                sm2_probability(i, t, retention)
                for i, t in zip(scored.sm2_interval, scored.elapsed_days, strict=True)
            ],
            scored.recalled,
        )

    return float(minimize_scalar(loss, bounds=(0.3, 0.999), method="bounded", options={"xatol": 1e-4}).x)


def compare_log_loss(log: Log, scheduler: Scheduler) -> dict[str, Any]:
    scored = score(log, scheduler)
    y = scored.recalled
    sm2 = [sm2_probability(i, t) for i, t in zip(scored.sm2_interval, scored.elapsed_days, strict=True)]
    retention = best_sm2_retention(scored)
    sm2_best = [
        sm2_probability(i, t, retention)
        for i, t in zip(scored.sm2_interval, scored.elapsed_days, strict=True)
    ]
    base_rate = sum(y) / len(y)
    fsrs_loss, sm2_loss = log_loss(scored.fsrs, y), log_loss(sm2, y)
    return {
        "log": log.name,
        "events": len(log),
        "scored_reviews": len(y),
        "recall_rate": base_rate,
        "median_elapsed_days": statistics.median(scored.elapsed_days),
        "fsrs_log_loss": fsrs_loss,
        "sm2_log_loss": sm2_loss,
        "sm2_minus_fsrs": sm2_loss - fsrs_loss,
        "sm2_best_retention_in_sample": retention,
        "sm2_best_log_loss_in_sample": log_loss(sm2_best, y),
        "truth_log_loss": log_loss(scored.truth, y),
        "base_rate_log_loss": log_loss([base_rate] * len(y), y),
        "mean_prediction": {
            "fsrs": statistics.fmean(scored.fsrs),
            "sm2": statistics.fmean(sm2),
            "truth": statistics.fmean(scored.truth),
        },
    }


def optimise(log: Log, scheduler: Scheduler) -> dict[str, Any]:
    """Fit FSRS parameters on TRAIN_LEARNERS learners' histories; score default vs fitted on the held-out
    second half of the learners."""
    try:
        from fsrs import Optimizer
    except ImportError as error:  # torch, pandas or tqdm missing
        return {"skipped": f"fsrs.Optimizer unavailable: {error}"}
    train = log.subset(lambda h: h // CARDS < TRAIN_LEARNERS)
    test = log.subset(lambda h: h // CARDS >= LEARNERS // 2)
    review_logs = [
        ReviewLog(card_id=h, rating=r, review_datetime=w, review_duration=None)
        for h, r, w in zip(train.history, train.rating, train.when, strict=True)
    ]
    began = time.perf_counter()
    parameters = Optimizer(review_logs).compute_optimal_parameters()
    seconds = time.perf_counter() - began
    default = compare_log_loss(test, scheduler)
    fitted = compare_log_loss(test, Scheduler(parameters=parameters))
    return {
        "train_learners": TRAIN_LEARNERS,
        "train_events": len(train),
        "test_learners": LEARNERS - LEARNERS // 2,
        "test_scored_reviews": default["scored_reviews"],
        "optimiser_seconds": seconds,
        "parameters": parameters,
        "default_log_loss": default["fsrs_log_loss"],
        "optimised_log_loss": fitted["fsrs_log_loss"],
        "default_minus_optimised": default["fsrs_log_loss"] - fitted["fsrs_log_loss"],
        "sm2_log_loss": default["sm2_log_loss"],
        "truth_log_loss": default["truth_log_loss"],
    }


# --- throughput ------------------------------------------------------------------------------------


def timed_passes(run: Callable[[], float], passes: int = PASSES) -> list[float]:
    return [run() for _ in range(passes)]


def fsrs_pass(log: Log, scheduler: Scheduler) -> Callable[[], float]:
    events = list(zip(log.history, log.rating, log.when, strict=True))
    histories = max(log.history) + 1

    def run() -> float:
        cards = [Card(card_id=h, due=START) for h in range(histories)]
        review_card = scheduler.review_card
        random.seed(SEED)
        began = time.perf_counter()
        for history, rating, when in events:
            cards[history], _ = review_card(cards[history], rating, when)
        return time.perf_counter() - began

    return run


def sm2_bare_pass(log: Log) -> Callable[[], float]:
    events = [(h, QUALITY[r]) for h, r in zip(log.history, log.rating, strict=True)]
    histories = max(log.history) + 1

    def run() -> float:
        states = [SM2_NEW] * histories
        began = time.perf_counter()
        for history, quality in events:
            states[history] = sm2_step(states[history], quality)
        return time.perf_counter() - began

    return run


def sm2_object_pass(log: Log) -> Callable[[], float]:
    events = [(h, QUALITY[r], w) for h, r, w in zip(log.history, log.rating, log.when, strict=True)]
    histories = max(log.history) + 1

    def run() -> float:
        cards = [Sm2Card(h) for h in range(histories)]
        began = time.perf_counter()
        for history, quality, when in events:
            cards[history] = sm2_review(cards[history], quality, when)
        return time.perf_counter() - began

    return run


def loop_overhead_pass(log: Log) -> Callable[[], float]:
    """The replay loop with a call that does nothing: what every pass pays besides the scheduler."""
    events = list(zip(log.history, log.rating, log.when, strict=True))
    histories = max(log.history) + 1

    def nothing(card: int, rating: Rating, when: datetime) -> tuple[int, None]:
        return card, None

    def run() -> float:
        cards = list(range(histories))
        began = time.perf_counter()
        for history, rating, when in events:
            cards[history], _ = nothing(cards[history], rating, when)
        return time.perf_counter() - began

    return run


def rate(events: int, seconds: list[float]) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "decisions_per_second_best": events / min(seconds),
        "decisions_per_second_median": events / statistics.median(seconds),
        "microseconds_per_decision_best": 1e6 * min(seconds) / events,
    }


def profile(log: Log, scheduler: Scheduler) -> list[dict[str, Any]]:
    """cProfile of the first PROFILE_EVENTS decisions: the twelve functions with the most own time (and
    the share of the time spent inside each, callees included). cProfile inflates small calls."""
    n = PROFILE_EVENTS
    head = Log(log.name, log.history[:n], log.when[:n], log.rating[:n], log.truth[:n])
    run = fsrs_pass(head, scheduler)
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in raw.values())
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:12]
    return [
        {
            "function": f"{Path(filename).name}:{line}({name})",
            "calls": calls,
            "own_seconds": own,
            "share_of_own_time": own / total,
            "share_of_time_inside": cumulative / total,
        }
        for (filename, line, name), (_, calls, own, cumulative, _) in rows
    ]


def micro_timings(scheduler: Scheduler) -> dict[str, float]:
    """Microseconds per call of the parts of one Review-state ``review_card`` (Good, 10 days late)."""
    when = START + timedelta(days=30, hours=3)
    card = Card(card_id=1, state=State.Review, stability=12.0, difficulty=5.0, due=when, last_review=START)
    probability = scheduler.get_card_retrievability(card, when)
    stored = card.to_dict()
    parameters = list(scheduler.parameters)
    cases: dict[str, Callable[[], object]] = {
        "review_card (Review state, Good, fuzz on)": lambda: scheduler.review_card(card, Rating.Good, when),
        "copy.copy(card)": lambda: copy.copy(card),
        "UTC check of review_datetime": lambda: when.tzinfo is None or when.tzinfo != UTC,
        "(review_datetime - last_review).days": lambda: (when - START).days,
        "get_card_retrievability": lambda: scheduler.get_card_retrievability(card, when),
        "_next_stability": lambda: scheduler._next_stability(
            difficulty=5.0, stability=12.0, retrievability=probability, rating=Rating.Good
        ),
        "_next_difficulty": lambda: scheduler._next_difficulty(difficulty=5.0, rating=Rating.Good),
        "_next_interval": lambda: scheduler._next_interval(stability=30.0),
        "timedelta(days=n)": lambda: timedelta(days=30),
        "_get_fuzzed_interval": lambda: scheduler._get_fuzzed_interval(interval=timedelta(days=30)),
        "review_datetime + interval": lambda: when + timedelta(days=30),
        "ReviewLog(...)": lambda: ReviewLog(
            card_id=1, rating=Rating.Good, review_datetime=when, review_duration=None
        ),
        "Scheduler(parameters=...) (validation)": lambda: Scheduler(parameters=parameters),
        "Card.from_dict + to_dict (a stored card)": lambda: Card.from_dict(stored).to_dict(),
        "sm2_step": lambda: sm2_step((3, 15, 2.5), 4),
    }
    timings: dict[str, float] = {}
    for name, call in cases.items():
        number = 20_000
        best = min(timeit.repeat(call, number=number, repeat=5))
        timings[name] = 1e6 * best / number
    return timings


def memo_review(scheduler: Scheduler) -> Callable[[Card, Rating, datetime], tuple[Card, None]]:
    """``review_card`` behind a memo cache keyed by everything the decision depends on (exact only without
    fuzzing, which draws a random interval): a hit rebuilds the card from the cached state and interval."""
    assert not scheduler.enable_fuzzing
    cache: dict[tuple[Any, ...], tuple[State, int | None, float | None, float | None, timedelta]] = {}
    review_card = scheduler.review_card

    def review(card: Card, rating: Rating, when: datetime) -> tuple[Card, None]:
        days = (when - card.last_review).days if card.last_review else None
        key = (card.state, card.step, card.stability, card.difficulty, days, rating)
        hit = cache.get(key)
        if hit is None:
            card, _ = review_card(card, rating, when)
            cache[key] = (card.state, card.step, card.stability, card.difficulty, card.due - when)
            return card, None
        state, step, stability, difficulty, interval = hit
        return Card(card.card_id, state, step, stability, difficulty, when + interval, when), None

    return review


def memo_pass(log: Log, scheduler: Scheduler) -> Callable[[], float]:
    events = list(zip(log.history, log.rating, log.when, strict=True))
    histories = max(log.history) + 1

    def run() -> float:
        cards = [Card(card_id=h, due=START) for h in range(histories)]
        review = memo_review(scheduler)  # a fresh (cold) cache every pass
        began = time.perf_counter()
        for history, rating, when in events:
            cards[history], _ = review(cards[history], rating, when)
        return time.perf_counter() - began

    return run


def cache_hit_share(log: Log, scheduler: Scheduler) -> dict[str, Any]:
    """Share of decisions whose full input (state, step, stability, difficulty, whole days since the last
    review, rating) already occurred earlier in the stream: what a memo cache of ``review_card`` could
    answer without computing (the output's datetimes still differ per card)."""
    cards: dict[int, Card] = {}
    seen: set[tuple[Any, ...]] = set()
    hits = 0
    random.seed(SEED)
    for history, when, rating in zip(log.history, log.when, log.rating, strict=True):
        card = cards.get(history) or Card(card_id=history, due=when)
        days = (when - card.last_review).days if card.last_review else None
        key = (card.state, card.step, card.stability, card.difficulty, days, rating)
        hits += key in seen
        seen.add(key)
        cards[history], _ = scheduler.review_card(card, rating, when)
    return {"decisions": len(log), "repeated_inputs": hits, "share": hits / len(log)}


def tensor_formulas(log: Log, scheduler: Scheduler) -> dict[str, Any]:
    """The package's private stability and difficulty formulas, which accept torch tensors (its optimiser
    uses them), applied to every Review-state card at once with the rating Good. Not a scheduling
    decision: no interval (``_next_interval`` takes one value), no fuzz, no state machine, no dates."""
    try:
        import torch
    except ImportError as error:
        return {"skipped": f"torch unavailable: {error}"}
    cards: dict[int, Card] = {}
    for history, when, rating in zip(log.history, log.when, log.rating, strict=True):
        card = cards.get(history) or Card(card_id=history, due=when)
        cards[history], _ = scheduler.review_card(card, rating, when)
    review = [card for card in cards.values() if card.state == State.Review]
    when = max(log.when)
    stability = torch.tensor([card.stability for card in review], dtype=torch.float64)
    difficulty = torch.tensor([card.difficulty for card in review], dtype=torch.float64)
    retrievability = torch.tensor(
        [scheduler.get_card_retrievability(card, when) for card in review], dtype=torch.float64
    )

    def run() -> None:  # the formulas are typed for floats; the optimiser passes tensors the same way
        scheduler._next_stability(
            difficulty=difficulty,  # type: ignore[arg-type]
            stability=stability,  # type: ignore[arg-type]
            retrievability=retrievability,  # type: ignore[arg-type]
            rating=Rating.Good,
        )
        scheduler._next_difficulty(difficulty=difficulty, rating=Rating.Good)  # type: ignore[arg-type]

    seconds = min(timeit.repeat(run, number=20, repeat=5)) / 20
    return {
        "cards": len(review),
        "seconds_per_batch": seconds,
        "cards_per_second": len(review) / seconds,
        "torch_threads": torch.get_num_threads(),
    }


def throughput(log: Log, scheduler: Scheduler) -> dict[str, Any]:
    events = len(log)
    states = {state.name: 0 for state in State}
    cards: dict[int, Card] = {}
    random.seed(SEED)
    for history, when, rating in zip(log.history, log.when, log.rating, strict=True):
        card = cards.get(history) or Card(card_id=history, due=when)
        states[card.state.name] += 1
        cards[history], _ = scheduler.review_card(card, rating, when)
    no_fuzz = Scheduler(parameters=scheduler.parameters, enable_fuzzing=False)
    fsrs = rate(events, timed_passes(fsrs_pass(log, scheduler)))
    fsrs_no_fuzz = rate(events, timed_passes(fsrs_pass(log, no_fuzz)))
    fsrs_memo = rate(events, timed_passes(memo_pass(log, no_fuzz)))
    sm2_bare = rate(events, timed_passes(sm2_bare_pass(log)))
    sm2_object = rate(events, timed_passes(sm2_object_pass(log)))
    overhead = rate(events, timed_passes(loop_overhead_pass(log)))
    best = fsrs["decisions_per_second_best"]
    return {
        "events": events,
        "cards": len(cards),
        "decisions_by_state_before_review": states,
        "ratings": {r.name: log.rating.count(r) for r in Rating},
        "target_decisions_per_second": TARGET_DECISIONS_PER_SECOND,
        "fsrs_review_card": fsrs,
        "meets_target": best >= TARGET_DECISIONS_PER_SECOND,
        "fsrs_review_card_no_fuzz": fsrs_no_fuzz,
        "fsrs_review_card_no_fuzz_memo_cache": fsrs_memo,
        "sm2_bare_step": sm2_bare,
        "sm2_with_fsrs_like_plumbing": sm2_object,
        "replay_loop_only": overhead,
        "sm2_bare_over_fsrs": sm2_bare["decisions_per_second_best"] / best,
        "sm2_plumbed_over_fsrs": sm2_object["decisions_per_second_best"] / best,
    }


# --- run -------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "fsrs": version("fsrs"),
        "load_average_at_start": list(os.getloadavg()),
    }


def main() -> None:
    began = time.perf_counter()
    truth = Truth()
    scheduler = Scheduler()  # FSRS-6 defaults: desired retention 0.9, steps 1 and 10 min, fuzzing on
    report: dict[str, Any] = {
        "command": COMMAND,
        "seed": SEED,
        "machine": machine(),
        "design": {
            "learners": LEARNERS,
            "cards_per_learner": CARDS,
            "random_reviews_per_card": RANDOM_REVIEWS,
            "random_gap_days": list(GAP_DAYS),
            "horizon_days": HORIZON_DAYS,
            "truth": truth.__dict__,
            "sm2_quality_for_rating": {rating.name: quality for rating, quality in QUALITY.items()},
            "fsrs_scheduler": scheduler.to_dict(),
        },
    }
    rng = random.Random(SEED)
    random.seed(SEED)
    population = draw_population(rng, truth)
    logs = [
        random_schedule_log(rng, truth, population),
        fsrs_scheduled_log(rng, truth, population, scheduler),
        sm2_scheduled_log(rng, truth, population),
    ]
    print(f"logs: {[len(log) for log in logs]} events ({time.perf_counter() - began:.0f} s)", flush=True)

    hyperbolic = random_schedule_log(rng, Truth(forgetting="hyperbolic"), population, "random-hyperbolic")
    report["log_loss"] = [compare_log_loss(log, scheduler) for log in [*logs, hyperbolic]]
    print(json.dumps({"log_loss": report["log_loss"]}, indent=2), flush=True)

    report["throughput"] = throughput(logs[1], scheduler)
    summary = {k: v for k, v in report["throughput"].items() if not isinstance(v, dict) or "seconds" not in v}
    for key, value in report["throughput"].items():
        if isinstance(value, dict) and "seconds" in value:
            summary[key] = round(value["decisions_per_second_best"])
    print(json.dumps({"throughput": summary}, indent=2), flush=True)
    report["limits"] = {
        "profile": profile(logs[1], scheduler),
        "micro_timings_us": micro_timings(scheduler),
        "memo_cache": cache_hit_share(logs[1], scheduler),
        "tensor_formulas": tensor_formulas(logs[1], scheduler),
    }
    print(json.dumps({"limits": report["limits"]}, indent=2), flush=True)

    report["optimiser"] = {log.name: optimise(log, scheduler) for log in logs[:2]}
    print(json.dumps({"optimiser": report["optimiser"]}, indent=2), flush=True)

    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report["seconds"] = time.perf_counter() - began
    results = RESULTS_DIR / f"fsrs-{date.today().isoformat()}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {results} in {report['seconds']:.0f} s")


if __name__ == "__main__":
    main()

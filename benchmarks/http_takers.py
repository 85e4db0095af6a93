"""Simulated takers for `make bench-http`: one thread each, driving the JSON API with httpx (docs/api.md).

A taker starts an attempt at the adaptive assessment, then reads its question (or takes ``next_item`` from
the answer's response when the server sends it), answers it in the shape its kind asks for, and starts a
new attempt when one finishes, until the phase's deadline. A request that fails at the transport level
(the server was killed) is sent again unchanged after a short pause, so a lost answer is retried with the
same position and body, as a real client would.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

#: (completed at, seconds, HTTP status), perf_counter clock.
Sample = tuple[float, float, int]

RETRY_PAUSE = 0.05
DONT_KNOW_SHARE = 0.15


@dataclass
class TakerLog:
    answers: list[Sample] = field(default_factory=list)
    items: list[Sample] = field(default_factory=list)
    starts: list[Sample] = field(default_factory=list)
    gets: list[Sample] = field(default_factory=list)
    #: (attempt, position) -> dont_know, for every answer the server acknowledged with a 2xx
    acked: dict[tuple[int, int], bool] = field(default_factory=dict)
    #: (attempt, position) of answers sent but never acknowledged (in flight when the server died, or
    #: still unanswered when the phase ended)
    unacked: set[tuple[int, int]] = field(default_factory=set)
    transport_errors: int = 0
    #: answers sent again after a transport error, and how many of those the server already had stored
    #: (it answered the resend as a replay, "changed": false)
    resent_answers: int = 0
    resent_already_stored: int = 0
    next_item_used: int = 0
    attempts_finished: int = 0
    busy_seconds: float = 0.0
    active_seconds: float = 0.0
    unexpected: list[str] = field(default_factory=list)


def answer_for(item: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A well-formed answer for the item's kind (right or wrong at random), sometimes "don't know"."""
    kind = item.get("kind")
    if rng.random() < DONT_KNOW_SHARE:
        return {"dont_know": True}
    if kind in ("single_choice", "multiple_choice"):
        tokens = [option["token"] for option in item["options"]]
        if kind == "single_choice":
            return {"choices": [rng.choice(tokens)]}
        return {"choices": rng.sample(tokens, rng.randint(1, len(tokens)))}
    if kind == "numeric":
        return {"value": round(rng.uniform(-3, 3), 3)}
    if kind == "short_text":
        return {"value": rng.choice(["warmup", "dropout", "adam", "relu"])[: item.get("max_length") or 6]}
    if kind == "numeric_tuple":
        return {"values": {f["name"]: rng.randint(0, 4) for f in item["fields"]}}
    if kind == "matrix":
        grid = item["grid"]
        return {"cells": [[rng.randint(0, 2) for _ in range(grid["columns"])] for _ in range(grid["rows"])]}
    if kind == "ordering":
        tokens = [block["token"] for block in item["blocks"]]
        rng.shuffle(tokens)
        return {"order": tokens}
    return {"dont_know": True}


class Taker(threading.Thread):
    """One simulated person: takes the assessment again and again until ``deadline`` (perf_counter)."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        slug: str,
        deadline: float,
        seed: int,
        think: tuple[float, float] | None = None,
        stagger: float = 0.0,
        trivial_get: bool = False,
    ) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0
        )
        self.slug = slug
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.think = think
        self.stagger = stagger
        self.trivial_get = trivial_get
        self.log = TakerLog()
        self.sends = 0

    def run(self) -> None:
        began = time.perf_counter()
        try:
            if self.stagger and not self._sleep(self.rng.uniform(0, self.stagger)):
                return
            active_from = time.perf_counter()
            if self.trivial_get:
                while self._request("GET", "/api/assessments", self.log.gets) is not None:
                    pass
            else:
                while self._take_once():
                    pass
            self.log.active_seconds = min(time.perf_counter(), self.deadline) - active_from
        except Exception as error:  # a bug in the load generator must show, not hang the run
            self.log.unexpected.append(f"load generator: {error!r}")
            self.log.active_seconds = time.perf_counter() - began
        finally:
            self.client.close()

    # --- one attempt ---------------------------------------------------------------------------------

    def _take_once(self) -> bool:
        """One attempt from start to finish (or the deadline); False once the deadline has passed."""
        started = self._request("POST", f"/api/assessments/{self.slug}/attempts", self.log.starts)
        if started is None:
            return False
        if started.status_code not in (200, 201):
            self._note(started)
            return self._sleep(1.0)
        attempt = started.json()
        item: dict[str, Any] | None = None
        while attempt["status"] == "in_progress":
            if item is None:
                got = self._request("GET", f"/api/attempts/{attempt['id']}/item", self.log.items)
                if got is None:
                    return False
                if got.status_code == 409:  # the attempt ended (deadline): start another
                    return True
                if got.status_code != 200:
                    self._note(got)
                    if not self._sleep(RETRY_PAUSE):
                        return False
                    continue
                item = got.json()
            key = (attempt["id"], item["position"])
            body = {"position": item["position"], "answer": answer_for(item, self.rng)}
            if self.think is not None and not self._sleep(self.rng.uniform(*self.think)):
                return False
            sends = self.sends
            answered = self._request("POST", f"/api/attempts/{attempt['id']}/answers", self.log.answers, body)
            if self.sends > sends and key not in self.log.acked:
                self.log.unacked.add(key)
            if answered is None:
                return False
            resent = self.sends > sends + 1
            if resent:
                self.log.resent_answers += 1
            if answered.status_code == 409:
                return True
            if answered.status_code != 200:
                self._note(answered)
                item = None
                continue
            data = answered.json()
            if resent and not data["changed"]:
                self.log.resent_already_stored += 1
            self.log.unacked.discard(key)
            self.log.acked[key] = data["state"] == "dont_know"
            attempt = data["attempt"]
            item = data.get("next_item")
            if item is not None:
                self.log.next_item_used += 1
        self.log.attempts_finished += 1
        return True

    # --- plumbing ------------------------------------------------------------------------------------

    def _request(
        self, method: str, url: str, samples: list[Sample], body: dict[str, Any] | None = None
    ) -> httpx.Response | None:
        """Send until the server answers (transport errors are retried unchanged); None after the deadline."""
        while time.perf_counter() < self.deadline:
            sent = time.perf_counter()
            self.sends += 1
            try:
                response = self.client.request(method, url, json=body)
            except httpx.TransportError:
                self.log.transport_errors += 1
                time.sleep(RETRY_PAUSE)
                continue
            done = time.perf_counter()
            self.log.busy_seconds += min(done, self.deadline) - sent
            if done <= self.deadline:
                samples.append((done, done - sent, response.status_code))
            return response
        return None

    def _sleep(self, seconds: float) -> bool:
        """Sleep, but not past the deadline; False when the deadline has come."""
        left = self.deadline - time.perf_counter()
        time.sleep(max(0.0, min(seconds, left)))
        return time.perf_counter() < self.deadline

    def _note(self, response: httpx.Response) -> None:
        if len(self.log.unexpected) < 5:
            request = response.request
            self.log.unexpected.append(
                f"{request.method} {request.url.path} -> {response.status_code}: {response.text[:300]}"
            )


def run_takers(takers: list[Taker]) -> list[TakerLog]:
    for taker in takers:
        taker.start()
    for taker in takers:
        taker.join()
    return [taker.log for taker in takers]

"""Put blocks in order (e.g. the lines of a training step), with optional distractor blocks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from adaptest.bank.kinds.base import GradableItem, Problem, shuffled
from adaptest.bank.outcome import AnswerError, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.schema import Strict, Text

BlockId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


class Block(Strict):
    id: BlockId
    text: Text
    distractor: bool = False
    feedback: Text | None = None


def longest_common_subsequence(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, by the classic O(len(a)·len(b)) table."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


OrderScoring = Literal["subsequence", "position", "all_or_nothing"]
"""``subsequence``: L / max(n, len(s)), L the longest common subsequence with a correct order (ours);
``position``: the share of the n places holding the right block (Moodle's absolute position);
``all_or_nothing``: 1 for a correct order, else 0 (QTI's match_correct)."""


class OrderingItem(GradableItem):
    """Score by ``scoring`` (:data:`OrderScoring`), the best over the correct orders."""

    kind: Literal["ordering"]
    blocks: Annotated[list[Block], Field(min_length=2)]
    alternative_orders: list[list[str]] = Field(default_factory=list)
    scoring: OrderScoring = "subsequence"

    @property
    def order(self) -> list[str]:
        return [b.id for b in self.blocks if not b.distractor]

    @property
    def block_by_id(self) -> dict[str, Block]:
        return {b.id: b for b in self.blocks}

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        ids = [b.id for b in self.blocks]
        for i, block in enumerate(self.blocks):
            if ids.count(block.id) > 1:
                problems.append((("blocks", i, "id"), f"duplicate block id {block.id!r}"))
            if block.distractor and not block.feedback:
                problems.append((("blocks", i, "feedback"), "a distractor block needs feedback"))
        if len(self.order) < 2:
            problems.append((("blocks",), "at least two blocks must belong to the answer"))
        for i, alternative in enumerate(self.alternative_orders):
            if sorted(alternative) != sorted(self.order):
                problems.append((("alternative_orders", i), "must use exactly the non-distractor blocks"))
        return problems

    def presentation(self, seed: int) -> dict[str, Any]:
        blocks = shuffled(self.blocks, seed, avoid_identity=True)
        return {"blocks": [{"id": b.id, "text": b.text} for b in blocks], "positions": len(self.blocks)}

    def parse_answer(self, raw: object) -> list[str]:
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise AnswerError("Send the blocks as a list, in your order.")
        unknown = [x for x in raw if x not in self.block_by_id]
        if unknown:
            raise AnswerError(f"Unknown block(s): {', '.join(unknown)}.")
        if len(set(raw)) != len(raw):
            raise AnswerError("Each block can be used only once.")
        if not raw:
            raise AnswerError("Place at least one block, or answer “I don't know yet”.")
        return list(raw)

    def grade_answer(self, answer: list[str]) -> Outcome:
        orders = [self.order, *self.alternative_orders]
        best = max(longest_common_subsequence(answer, order) for order in orders)
        correct = any(answer == order for order in orders)
        score = self._score(answer, orders, best, correct)
        remarks: list[Remark] = [
            Remark(self.block_by_id[x].text, self.block_by_id[x].feedback or "", False)
            for x in answer
            if self.block_by_id[x].distractor
        ]
        left_out = [x for x in self.order if x not in answer]
        remarks += [
            Remark(self.block_by_id[x].text, "This step is needed but you left it out.", False)
            for x in left_out
        ]
        summary = Remark(
            self.describe_answer(answer),
            f"{best} of {len(self.order)} steps are in a correct relative order.",
            correct,
        )
        return self.outcome(score, correct, FeedbackPart(Role.YOUR_ANSWER, (summary, *remarks)))

    def _score(self, answer: list[str], orders: list[list[str]], best: int, correct: bool) -> float:
        if self.scoring == "all_or_nothing":
            return float(correct)
        if self.scoring == "position":
            placed = max(sum(a == b for a, b in zip(answer, order, strict=False)) for order in orders)
            return placed / max(len(self.order), len(answer))
        return best / max(len(self.order), len(answer))

    def key_answer(self) -> list[str]:
        return self.order

    def describe_answer(self, answer: list[str]) -> str:
        return " → ".join(f"`{self.block_by_id[x].text}`" for x in answer)

"""Practice ladder for the foundations domain: families below "easy" and above "hard".

Levels −3 and −2 give weak learners one fact or one step (ReLU of a number, a gradient-descent update);
levels +1 and +2 give strong learners the softmax cross-entropy gradient and a training loop whose
gradients accumulate because nobody clears them. Every answer is computed here in plain Python;
tests/content/oracles_ladder_foundations.py recomputes it with real PyTorch from the parameters.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Any

from adaptest.bank.authoring import code_block, distinct_misconceptions, plain_number
from adaptest.bank.generators import GeneratorFamily, Variant

# ---------------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------------


def _par(value: float, places: int = 4) -> str:
    """A number inside a formula: negative values in parentheses."""
    text = plain_number(value, places)
    return f"({text})" if value < 0 else text


def _literal(value: float) -> str:
    """A Python float literal (``2.0``, not ``2``): ``torch.tensor(2)`` would be an integer tensor."""
    text = plain_number(value)
    return text if "." in text else f"{text}.0"


def _rounded(candidates: Iterable[tuple[float, str]]) -> list[tuple[float, str]]:
    """Misconception candidates with their values rounded to 6 decimals, before they are compared."""
    return [(round(value, 6), feedback) for value, feedback in candidates]


# ---------------------------------------------------------------------------------------------------
# Level −3: ReLU of one number
# ---------------------------------------------------------------------------------------------------

_RELU_INPUTS = tuple(k / 10 for k in range(-90, 91) if abs(k) >= 5 and k != 10)


def _relu_value(rng: random.Random) -> Variant:
    x = rng.choice(_RELU_INPUTS)
    answer = max(0.0, x)
    question = rng.choice(
        (
            f"What is $\\mathrm{{ReLU}}({plain_number(x)})$, where $\\mathrm{{ReLU}}(x) = \\max(0, x)$?",
            f"What number does `torch.relu(torch.tensor({_literal(x)}))` hold?",
            f"A hidden unit's pre-activation is $z = {plain_number(x)}$. What does the unit output after a "
            "ReLU activation?",
        )
    )
    if x < 0:
        candidates = [
            (
                x,
                f"You passed {plain_number(x)} through unchanged. ReLU is max(0, x): every negative input "
                "becomes 0.",
            ),
            (
                -x,
                f"You took the absolute value. ReLU does not flip negative inputs to {plain_number(-x)}; it "
                "replaces them with 0.",
            ),
            (
                0.01 * x,
                f"{plain_number(0.01 * x)} is what a *leaky* ReLU with slope 0.01 gives. The plain ReLU "
                "outputs exactly 0 for negative inputs.",
            ),
        ]
        working = (
            f"The input {plain_number(x)} is negative, so max(0, {plain_number(x)}) = 0: ReLU cuts negative "
            "values to zero."
        )
    else:
        candidates = [
            (
                0.0,
                f"ReLU keeps positive inputs unchanged; only negative inputs become 0, and {plain_number(x)} "
                "is positive.",
            ),
            (
                1.0,
                "1 is ReLU's slope for a positive input, not its value. The question asks for the output, "
                f"max(0, {plain_number(x)}).",
            ),
        ]
        working = (
            f"The input {plain_number(x)} is positive, so max(0, {plain_number(x)}) = {plain_number(x)}: "
            "ReLU lets positive values through."
        )
    return Variant(
        params={"x": x},
        fields={
            "stem": question,
            "answer": answer,
            "misconceptions": distinct_misconceptions(answer, _rounded(candidates), separation=1e-6),
            "explanation": working,
            "dont_know_feedback": (
                "Study the ReLU activation, ReLU(x) = max(0, x): zero for negative inputs, the input itself "
                "for positive ones (skill: comparing activation functions)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# Level −2: one gradient-descent update
# ---------------------------------------------------------------------------------------------------

_WEIGHTS = tuple(k / 10 for k in range(-20, 31) if k != 0)
_GRADIENTS = tuple(k / 2 for k in range(-8, 9) if k != 0)
_LEARNING_RATES = (0.5, 0.2, 0.1, 0.05, 0.01)


def _sgd_step(rng: random.Random) -> Variant:
    w, g, lr = rng.choice(_WEIGHTS), rng.choice(_GRADIENTS), rng.choice(_LEARNING_RATES)
    step = lr * g
    answer = round(w - step, 6)
    if rng.random() < 0.5:
        stem = (
            f"A weight has the value $w = {plain_number(w)}$, and the gradient of the loss with respect to "
            f"it is $\\partial L / \\partial w = {plain_number(g)}$. What is $w$ after one step of plain "
            f"gradient descent with learning rate $\\eta = {plain_number(lr)}$?"
        )
    else:
        lines = [
            f"w = torch.tensor({_literal(w)}, requires_grad=True)",
            f"opt = torch.optim.SGD([w], lr={plain_number(lr)})",
            f"# ... forward pass, then loss.backward() leaves w.grad equal to {plain_number(g)}",
            "opt.step()",
        ]
        stem = (
            "What value does `w` hold after `opt.step()`? (Plain SGD: no momentum, no weight decay.)\n\n"
            f"{code_block(lines)}"
        )
    candidates = [
        (
            w + step,
            f"You added η·∂L/∂w = {plain_number(step)}. Gradient descent moves *against* the gradient, "
            "w − η·∂L/∂w, to make the loss smaller; adding it climbs the loss.",
        ),
        (
            w - g,
            f"You subtracted the whole gradient {plain_number(g)}. The step is the gradient scaled by the "
            f"learning rate: η·∂L/∂w = {plain_number(lr)} × {_par(g)} = {plain_number(step)}.",
        ),
        (
            -step,
            f"{plain_number(-step)} is the change −η·∂L/∂w, not the new weight: add it to the old value "
            f"{plain_number(w)}.",
        ),
    ]
    return Variant(
        params={"w": w, "grad": g, "lr": lr},
        fields={
            "stem": stem,
            "answer": answer,
            "misconceptions": distinct_misconceptions(answer, _rounded(candidates), separation=1e-6),
            "explanation": (
                "Gradient descent moves the weight against its gradient: $w \\leftarrow w - "
                f"\\eta\\,\\partial L/\\partial w$ = {plain_number(w)} − {plain_number(lr)} × {_par(g)} = "
                f"{plain_number(w)} − {_par(step)} = {plain_number(answer)}."
            ),
            "dont_know_feedback": (
                "Study the gradient-descent update w ← w − η·∂L/∂w: a step of size η against the gradient "
                "(skill: updating weights with gradient descent)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# Level +1: gradient of softmax cross-entropy with respect to the logits
# ---------------------------------------------------------------------------------------------------

_SUBSCRIPTS = "₁₂₃₄"
_ORDINALS = ("first", "second", "third", "fourth")
_XENT_TOLERANCE = 0.002


def _xent_logit_grad(rng: random.Random) -> Variant:
    k = rng.choice((3, 4))
    logits = rng.sample([v / 2 for v in range(-4, 7)], k)
    target = rng.randrange(k)
    exps = [math.exp(v) for v in logits]
    total = sum(exps)
    probs = [e / total for e in exps]
    onehot = [1.0 if j == target else 0.0 for j in range(k)]
    names = [f"g{j + 1}" for j in range(k)]
    key = [p - y for p, y in zip(probs, onehot, strict=True)]
    stem = (
        f"A classifier with {k} classes outputs the logits $z = "
        f"({', '.join(plain_number(v) for v in logits)})$ for one example whose true class is class "
        f"{target + 1} (the {_ORDINALS[target]} logit). Its loss is `F.cross_entropy`: softmax, then the "
        "negative natural log of the true class's probability. What is $\\partial L / \\partial z_j$ for "
        "each logit? Give three decimal places."
    )

    def values(vector: list[float]) -> dict[str, float]:
        return {name: round(v, 6) for name, v in zip(names, vector, strict=True)}

    candidates = [
        (
            [y - p for p, y in zip(probs, onehot, strict=True)],
            "The signs are reversed: you computed y − p. The gradient of the loss is p − y, negative for the "
            "true class (raising its logit lowers the loss) and positive for the others.",
        ),
        (
            probs,
            "These are the softmax probabilities themselves. The gradient subtracts the one-hot target, so "
            f"the true class's entry is p − 1 = {plain_number(key[target], 3)}, not "
            f"{plain_number(probs[target], 3)}.",
        ),
        (
            [-1 / probs[target] if j == target else 0.0 for j in range(k)],
            "You differentiated −ln p with respect to the probability p, giving −1/p for the true class and 0 "
            "elsewhere. The question asks about the logits: through the softmax every logit gets p_j − y_j.",
        ),
    ]
    misconceptions: list[dict[str, Any]] = []
    for vector, feedback in candidates:
        if all(abs(a - b) <= 2 * _XENT_TOLERANCE for a, b in zip(vector, key, strict=True)):
            continue
        misconceptions.append({"values": values(vector), "feedback": feedback})

    prob_list = ", ".join(plain_number(p, 3) for p in probs)
    grad_list = ", ".join(plain_number(v, 3) for v in key)
    return Variant(
        params={"logits": logits, "target": target},
        fields={
            "stem": stem,
            "fields": [
                {
                    "name": name,
                    "label": f"∂L/∂z{_SUBSCRIPTS[j]}",
                    "answer": key[j],
                    "tolerance": {"absolute": _XENT_TOLERANCE},
                }
                for j, name in enumerate(names)
            ],
            "misconceptions": misconceptions,
            "explanation": (
                "For softmax followed by cross-entropy the gradient with respect to the logits is $p - y$: "
                "the softmax probabilities minus the one-hot target. Here $\\sum_j e^{z_j} = "
                f"{plain_number(total, 3)}$, so $p = ({prob_list})$; subtracting 1 at class {target + 1} "
                f"gives $\\partial L/\\partial z = ({grad_list})$. The entries sum to 0."
            ),
            "dont_know_feedback": (
                "Study why the gradient of softmax cross-entropy with respect to the logits is the softmax "
                "output minus the one-hot target, p − y (skill: computing MSE, cross-entropy and BCE losses)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# Level +2: a training loop without zero_grad (autograd accumulation + SGD)
# ---------------------------------------------------------------------------------------------------

_START_WEIGHTS = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
_LOOP_RATES = {1: (0.2, 0.1, 0.05), 2: (0.1, 0.05, 0.02), 3: (0.05, 0.02, 0.01)}
_LOOP_TOLERANCE = 0.0001


def _two_steps(w0: float, x: int, y: int, lr: float, *, accumulate: bool, factor: float = 2.0) -> list[float]:
    """w0, the two gradients and the weights after each step, for loss = (w·x − y)²."""
    g1 = factor * x * (w0 * x - y)
    w1 = w0 - lr * g1
    g2 = factor * x * (w1 * x - y)
    w2 = w1 - lr * ((g1 + g2) if accumulate else g2)
    return [g1, w1, g2, w2]


def _grad_accumulation(rng: random.Random) -> Variant:
    while True:
        w0, x, y = rng.choice(_START_WEIGHTS), rng.choice((1, 2, 3)), rng.randint(-3, 6)
        lr = rng.choice(_LOOP_RATES[x])
        g1, w1, g2, answer = _two_steps(w0, x, y, lr, accumulate=True)
        if g1 != 0 and abs(answer) < 20:
            break
    answer = round(answer, 6)
    inner = "w" if x == 1 else f"w * {x}"
    sign = "-" if y >= 0 else "+"
    loss = f"({inner} {sign} {abs(y)}) ** 2"
    lines = [
        f"w = torch.tensor({_literal(w0)}, requires_grad=True)",
        f"opt = torch.optim.SGD([w], lr={plain_number(lr)})",
        "for _ in range(2):",
        f"    loss = {loss}",
        "    loss.backward()",
        "    opt.step()",
    ]
    stem = (
        "What value does `w` hold after this loop? (Plain SGD: no momentum, no weight decay.) "
        f"Give four decimal places.\n\n{code_block(lines)}"
    )
    expr = f"({plain_number(x)}w − {plain_number(y)})²" if x != 1 else f"(w − {plain_number(y)})²"
    expr = expr.replace("− -", "+ ")
    deriv = f"2·{x}·({x}w − {y})" if x != 1 else f"2(w − {y})"
    deriv = deriv.replace("− -", "+ ")
    no_accumulation = _two_steps(w0, x, y, lr, accumulate=False)[3]
    half = _two_steps(w0, x, y, lr, accumulate=True, factor=1.0)
    candidates = [
        (
            no_accumulation,
            f"{plain_number(no_accumulation)} is what the loop gives with `opt.zero_grad()` in it. Without "
            f"that call the second `loss.backward()` adds its gradient {plain_number(g2)} to the "
            f"{plain_number(g1)} still in `w.grad`, so the second step uses {plain_number(g1 + g2)}.",
        ),
        (
            w1 - lr * 2 * g1,
            "You doubled the first gradient. Gradients do accumulate, but the second `backward()` is "
            f"evaluated at the updated weight {plain_number(w1)}, where the gradient is {plain_number(g2)}, "
            f"not {plain_number(g1)}.",
        ),
        (
            half[3],
            f"You dropped the factor 2 of the power rule: the derivative of {expr} is {deriv}.",
        ),
    ]
    explanation = (
        f"The loss is {expr}, so ∂L/∂w = {deriv}. The loop never calls `opt.zero_grad()`, and `backward()` "
        f"adds to `w.grad` instead of replacing it.\n\n1. First pass at w = {plain_number(w0)}: `w.grad` = "
        f"{plain_number(g1)}; the step gives w = {plain_number(w0)} − {plain_number(lr)} × {_par(g1)} = "
        f"{plain_number(w1)}.\n2. Second pass at w = {plain_number(w1)}: the new gradient {plain_number(g2)} "
        f"is added, so `w.grad` = {plain_number(g1)} + {_par(g2)} = {plain_number(g1 + g2)}; the step gives "
        f"w = {plain_number(w1)} − {plain_number(lr)} × {_par(g1 + g2)} = {plain_number(answer)}.\n\nWith "
        "`opt.zero_grad()` at the top of the loop the answer would have been "
        f"{plain_number(no_accumulation)}."
    )
    return Variant(
        params={"w0": w0, "x": x, "y": y, "lr": lr, "steps": 2},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": _LOOP_TOLERANCE},
            "misconceptions": distinct_misconceptions(
                answer, _rounded(candidates), separation=2 * _LOOP_TOLERANCE
            ),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how `backward()` accumulates into `.grad` across calls and why a training step starts "
                "with `opt.zero_grad()`; then practise the SGD update w ← w − η·w.grad by hand "
                "(skills: autograd, building and training models in PyTorch)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-fnd-relu-value",
        kind="numeric",
        domain="foundations",
        skills=("fnd-activation-functions",),
        difficulty=-3.0,
        use="practice",
        build=_relu_value,
    ),
    GeneratorFamily(
        id="gen-fnd-sgd-step",
        kind="numeric",
        domain="foundations",
        skills=("fnd-gradient-descent",),
        difficulty=-2.0,
        use="practice",
        build=_sgd_step,
    ),
    GeneratorFamily(
        id="gen-fnd-xent-logit-grad",
        kind="numeric_tuple",
        domain="foundations",
        skills=("fnd-loss-functions",),
        difficulty=1.0,
        use="practice",
        build=_xent_logit_grad,
    ),
    GeneratorFamily(
        id="gen-fnd-grad-accumulation",
        kind="numeric",
        domain="foundations",
        skills=("fnd-autograd", "fnd-pytorch-basics"),
        difficulty=2.0,
        use="practice",
        build=_grad_accumulation,
    ),
]

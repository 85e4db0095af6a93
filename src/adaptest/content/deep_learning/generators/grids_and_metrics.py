"""Small computed items: pooling and gradient grids, losses, initialisation, IoU and evaluation metrics.

Every answer is computed here in plain Python; tests/content/oracles_grids_and_metrics.py recomputes it
with real PyTorch operations from the parameters each variant returns.
"""

from __future__ import annotations

import math
import random
from typing import Any

from adaptest.bank.authoring import (
    confusion_table,
    distinct_grid_misconceptions,
    distinct_misconceptions,
    distinct_tuple_misconceptions,
    plain_number,
)
from adaptest.bank.generators import GeneratorFamily, Variant

Grid = list[list[float]]


# ---------------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------------


def _text_grid(grid: list[list[int]]) -> str:
    return "```text\n" + "\n".join("  ".join(f"{v:>2}" for v in row) for row in grid) + "\n```"


def _bmatrix(grid: Grid) -> str:
    return (
        r"\begin{bmatrix} "
        + r" \\ ".join(" & ".join(plain_number(v) for v in row) for row in grid)
        + r" \end{bmatrix}"
    )


def _windows(grid: list[list[int]], kernel: int, stride: int) -> list[list[list[int]]]:
    """The values under each pooling window, output position by output position."""
    size = (len(grid) - kernel) // stride + 1
    return [
        [
            [grid[r * stride + i][c * stride + j] for i in range(kernel) for j in range(kernel)]
            for c in range(size)
        ]
        for r in range(size)
    ]


def _random_grid(rng: random.Random, kernel: int, stride: int) -> list[list[int]]:
    """A 4×4 grid of digits in which no pooling window is constant (so max and mean always differ)."""
    while True:
        grid = [[rng.randint(0, 9) for _ in range(4)] for _ in range(4)]
        if all(len(set(w)) > 1 for row in _windows(grid, kernel, stride) for w in row):
            return grid


_POSITIONS_2X2 = ("top-left", "top-right", "bottom-left", "bottom-right")


# ---------------------------------------------------------------------------------------------------
# 1. Max pooling
# ---------------------------------------------------------------------------------------------------


def _maxpool_grid(rng: random.Random) -> Variant:
    grid = _random_grid(rng, 2, 2)
    windows = _windows(grid, 2, 2)
    answer = [[float(max(w)) for w in row] for row in windows]
    averages = [[sum(w) / 4 for w in row] for row in windows]
    minima = [[float(min(w)) for w in row] for row in windows]
    what = rng.choice(("feature map", "activation map", "channel of a convolution output"))
    stem = (
        f"A 4×4 {what} is shown below. Apply `nn.MaxPool2d(kernel_size=2, stride=2)` (no padding) "
        f"and enter the 2×2 output.\n\n{_text_grid(grid)}"
    )
    flat = [w for row in windows for w in row]
    steps = "; ".join(
        f"{pos} {{{', '.join(map(str, w))}}} → {max(w)}" for pos, w in zip(_POSITIONS_2X2, flat, strict=True)
    )
    misconceptions = distinct_grid_misconceptions(
        answer,
        [
            (
                averages,
                "You averaged each window: that is average pooling. Max pooling keeps only the largest "
                "of the four values in each 2×2 window.",
            ),
            (
                minima,
                "You kept the smallest value of each window. Max pooling keeps the largest one.",
            ),
        ],
        separation=0.0,
    )
    return Variant(
        params={"grid": grid},
        fields={
            "stem": stem,
            "answer": answer,
            "row_labels": ["top", "bottom"],
            "column_labels": ["left", "right"],
            "misconceptions": misconceptions,
            "explanation": (
                "With a 2×2 kernel and stride 2 the windows tile the map without overlapping, and each "
                f"output cell is the maximum of its window: {steps}."
            ),
            "dont_know_feedback": (
                "Review how a max-pooling layer slides its window over a feature map and keeps the largest "
                "value in each window (skill: pooling feature maps)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 2. Average pooling
# ---------------------------------------------------------------------------------------------------


def _avgpool_grid(rng: random.Random) -> Variant:
    kernel, stride = rng.choice(((2, 2), (3, 1)))
    grid = _random_grid(rng, kernel, stride)
    windows = _windows(grid, kernel, stride)
    area = kernel * kernel
    answer = [[round(sum(w) / area, 4) for w in row] for row in windows]
    maxima = [[float(max(w)) for w in row] for row in windows]
    sums = [[float(sum(w)) for w in row] for row in windows]
    stem = (
        f"Apply `nn.AvgPool2d(kernel_size={kernel}, stride={stride})` (no padding) to the 4×4 feature map "
        f"below and enter the 2×2 output, to two decimal places.\n\n{_text_grid(grid)}"
    )
    flat = [w for row in windows for w in row]
    steps = "; ".join(
        f"{pos}: {sum(w)} / {area} = {plain_number(sum(w) / area, 2)}"
        for pos, w in zip(_POSITIONS_2X2, flat, strict=True)
    )
    if stride == 1:
        layout = (
            "With a 3×3 kernel and stride 1 the windows start at rows 1–2 and columns 1–2 of the map, so "
            "they overlap and all four contain the centre 2×2 cells."
        )
    else:
        layout = "With a 2×2 kernel and stride 2 the four windows tile the map without overlapping."
    misconceptions = distinct_grid_misconceptions(
        answer,
        [
            (
                maxima,
                "You kept the largest value of each window: that is max pooling. Average pooling replaces "
                "each window by the mean of its values.",
            ),
            (
                sums,
                f"You added up each window but did not divide. The average of a {kernel}×{kernel} window "
                f"is its sum divided by the {area} values in it.",
            ),
        ],
        separation=0.01,
    )
    return Variant(
        params={"grid": grid, "kernel": kernel, "stride": stride},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.01},
            "row_labels": ["top", "bottom"],
            "column_labels": ["left", "right"],
            "misconceptions": misconceptions,
            "explanation": f"{layout} Each output is the window's sum divided by {area}: {steps}.",
            "dont_know_feedback": (
                "Review how average pooling summarises each window of a feature map, and how kernel size "
                "and stride decide where the windows fall (skill: pooling feature maps)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 3. Gradient through a ReLU
# ---------------------------------------------------------------------------------------------------

_Z_VALUES = (-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0)
_UPSTREAM_VALUES = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0)


def _relu_grad_grid(rng: random.Random) -> Variant:
    while True:
        z = [[rng.choice(_Z_VALUES) for _ in range(3)] for _ in range(2)]
        flat = [v for row in z for v in row]
        if any(v < 0 for v in flat) and any(v > 0 and v != 1 for v in flat):
            break
    g = [[rng.choice(_UPSTREAM_VALUES) for _ in range(3)] for _ in range(2)]
    answer = [
        [gv if zv > 0 else 0.0 for zv, gv in zip(zr, gr, strict=True)] for zr, gr in zip(z, g, strict=True)
    ]
    passed_through = [list(row) for row in g]
    times_a = [
        [gv * zv if zv > 0 else 0.0 for zv, gv in zip(zr, gr, strict=True)]
        for zr, gr in zip(z, g, strict=True)
    ]
    inverted = [
        [0.0 if zv > 0 else gv for zv, gv in zip(zr, gr, strict=True)] for zr, gr in zip(z, g, strict=True)
    ]
    stem = (
        "In a network's forward pass, $A = \\mathrm{ReLU}(Z)$ is applied elementwise to the pre-activations\n\n"
        f"$$Z = {_bmatrix(z)}$$\n\n"
        "and backpropagation delivers the upstream gradient\n\n"
        f"$$\\frac{{\\partial L}}{{\\partial A}} = {_bmatrix(g)}$$\n\n"
        "Enter $\\partial L / \\partial Z$, cell by cell."
    )
    misconceptions = distinct_grid_misconceptions(
        answer,
        [
            (
                passed_through,
                "You passed the upstream gradient through unchanged. A ReLU's derivative is 0 wherever its "
                "input was negative, so those cells of ∂L/∂Z are 0.",
            ),
            (
                times_a,
                "You multiplied the upstream gradient by the activation A. The local derivative of ReLU is "
                "the mask 1[Z > 0] (1 or 0), not the activation's value.",
            ),
            (
                inverted,
                "You kept the gradient where Z was negative and zeroed it where Z was positive; the mask is "
                "the other way round: the gradient flows only where Z > 0.",
            ),
        ],
        separation=0.01,
    )
    return Variant(
        params={"z": z, "upstream": g},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.01},
            "row_labels": ["row 1", "row 2"],
            "column_labels": ["col 1", "col 2", "col 3"],
            "misconceptions": misconceptions,
            "explanation": (
                "ReLU's local derivative is 1 where $Z > 0$ and 0 where $Z < 0$, so by the chain rule "
                "$\\partial L/\\partial Z = \\partial L/\\partial A \\odot \\mathbf{1}[Z > 0]$: the upstream "
                f"gradient is kept where Z is positive and zeroed elsewhere, giving ${_bmatrix(answer)}$."
            ),
            "dont_know_feedback": (
                "Study how the chain rule carries a gradient back through an elementwise activation, and what "
                "ReLU's derivative looks like (skill: backpropagating through a network)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 4. Gradient through a sigmoid
# ---------------------------------------------------------------------------------------------------

_SIGMOID_UPSTREAM = (-2.0, -1.5, -0.5, 0.5, 1.5, 2.0, 3.0)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _sigmoid_grad(rng: random.Random) -> Variant:
    x = rng.choice([k / 10 for k in range(-30, 31) if k != 0])
    with_upstream = rng.random() < 0.5
    g = rng.choice(_SIGMOID_UPSTREAM) if with_upstream else 1.0
    s = _sigmoid(x)
    local = s * (1 - s)
    answer = g * local
    if with_upstream:
        stem = (
            f"A unit computes $a = \\sigma(x)$ with the logistic sigmoid, at $x = {plain_number(x)}$. "
            f"Backpropagation brings the upstream gradient $\\partial L / \\partial a = {plain_number(g)}$. "
            "What is $\\partial L / \\partial x$? Give three decimal places."
        )
        candidates = [
            (
                g * s,
                f"You multiplied the upstream gradient by σ(x) = {plain_number(s)} itself. The sigmoid's "
                "derivative is σ(x)(1 − σ(x)), not σ(x).",
            ),
            (
                g * (1 - s),
                f"You used 1 − σ(x) = {plain_number(1 - s)} as the local derivative; it must be multiplied "
                "by σ(x) as well: σ'(x) = σ(x)(1 − σ(x)).",
            ),
            (
                local,
                f"{plain_number(local)} is the sigmoid's local derivative alone. The chain rule multiplies "
                f"it by the upstream gradient {plain_number(g)}.",
            ),
        ]
        chain = (
            f" Multiplying by the upstream gradient: {plain_number(g)} × {plain_number(local)} = "
            f"{plain_number(answer)}."
        )
    else:
        stem = (
            "What is the derivative $\\frac{d\\sigma}{dx}$ of the logistic sigmoid "
            f"$\\sigma(x) = 1 / (1 + e^{{-x}})$ at $x = {plain_number(x)}$? Give three decimal places."
        )
        candidates = [
            (s, f"{plain_number(s)} is σ(x) itself, the sigmoid's output. Its derivative is σ(x)(1 − σ(x))."),
            (
                1 - s,
                f"{plain_number(1 - s)} is 1 − σ(x); the derivative multiplies this by σ(x) = "
                f"{plain_number(s)}.",
            ),
        ]
        chain = ""
    return Variant(
        params={"x": x, "upstream": g},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.001},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.002, places=6),
            "explanation": (
                f"$\\sigma({plain_number(x)}) = 1 / (1 + e^{{{plain_number(-x)}}}) = {plain_number(s)}$, and "
                f"the sigmoid's derivative is σ(x)(1 − σ(x)) = {plain_number(s)} × {plain_number(1 - s)} = "
                f"{plain_number(local)}.{chain}"
            ),
            "dont_know_feedback": (
                "Study the derivative of the sigmoid, σ'(x) = σ(x)(1 − σ(x)), and how the chain rule combines "
                "it with the upstream gradient (skill: backpropagating through a network)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 5. Softmax cross-entropy
# ---------------------------------------------------------------------------------------------------

_CLASS_SETS = (
    ("cat", "dog", "bird", "fish"),
    ("car", "bus", "bicycle", "truck"),
    ("rock", "pop", "jazz", "classical"),
    ("apple", "banana", "cherry", "grape"),
)


def _softmax_xent(rng: random.Random) -> Variant:
    k = rng.choice((3, 4))
    classes = rng.choice(_CLASS_SETS)[:k]
    logits = rng.sample([v / 2 for v in range(-4, 7)], k)
    target = rng.randrange(k)
    top = max(logits)
    exps = [math.exp(v) for v in logits]
    total = sum(exps)
    probs = [e / total for e in exps]
    answer = -math.log(probs[target])
    best = logits.index(top)
    logit_list = ", ".join(plain_number(v) for v in logits)
    class_list = ", ".join(classes)
    stem = (
        f"A classifier for the classes ({class_list}) outputs the logits $z = ({logit_list})$ for one "
        f"example whose true class is **{classes[target]}**. What cross-entropy loss does "
        "`F.cross_entropy` report for it? Give three decimal places."
    )
    candidates = [
        (
            answer / math.log(10),
            "You used log base 10. Cross-entropy in PyTorch uses the natural logarithm: "
            f"−ln p = {plain_number(answer)}, not −log₁₀ p.",
        ),
        (
            -answer,
            f"You forgot the minus sign: ln p({classes[target]}) is negative, and the loss is its "
            "negation, −ln p, which is never below 0.",
        ),
    ]
    if best != target:
        wrong = -math.log(probs[best])
        candidates.append(
            (
                wrong,
                f"You scored the class with the largest logit ({classes[best]}). The loss uses the "
                f"probability of the true class, {classes[target]}, whatever the model predicts.",
            )
        )
    prob_list = ", ".join(plain_number(p) for p in probs)
    return Variant(
        params={"logits": logits, "target": target},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.001},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.002, places=6),
            "explanation": (
                f"The softmax turns the logits into probabilities ({prob_list}), since Σ e^z = "
                f"{plain_number(total)}. The loss is the negative natural log of the true class's "
                f"probability: −ln {plain_number(probs[target])} = {plain_number(answer)}. Equivalently, ln "
                f"Σ e^z − z_true = {plain_number(math.log(total))} − {plain_number(logits[target])}."
            ),
            "dont_know_feedback": (
                "Study how softmax cross-entropy turns logits into a loss: softmax, then the negative log "
                "of the true class's probability (skill: choosing activations and loss functions)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 6. He / Kaiming initialisation
# ---------------------------------------------------------------------------------------------------

_LINEAR_WIDTHS = (64, 100, 128, 200, 256, 300, 512, 784, 1024)
_CHANNELS = (3, 8, 16, 32, 64, 128)


def _he_init_std(rng: random.Random) -> Variant:
    if rng.random() < 0.5:
        fan_in, fan_out = rng.sample(_LINEAR_WIDTHS, 2)
        params: dict[str, Any] = {"layer": "linear", "in_features": fan_in, "out_features": fan_out}
        layer = f"`nn.Linear({fan_in}, {fan_out})`"
        fans = f"For a linear layer the weight has shape ({fan_out}, {fan_in}), so fan_in = {fan_in}."
    else:
        c_in = rng.choice(_CHANNELS)
        c_out = rng.choice([c for c in _CHANNELS if c not in (3, c_in)])
        kernel = rng.choice((1, 3, 5)) if c_in > 3 else rng.choice((3, 5, 7))
        fan_in, fan_out = c_in * kernel * kernel, c_out * kernel * kernel
        params = {"layer": "conv2d", "in_channels": c_in, "out_channels": c_out, "kernel_size": kernel}
        layer = f"`nn.Conv2d({c_in}, {c_out}, kernel_size={kernel})`"
        fans = (
            f"For a convolution each output sees in_channels × k × k inputs: fan_in = {c_in} × {kernel} × "
            f"{kernel} = {fan_in}."
        )
    answer = math.sqrt(2 / fan_in)
    stem = (
        f"The weight of {layer} is initialised with "
        '`nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")`. '
        "What is the standard deviation of the distribution its entries are drawn from? "
        "Give four decimal places."
    )
    candidates = [
        (
            2 / fan_in,
            f"{plain_number(2 / fan_in, 6)} is the variance 2 / fan_in. The standard deviation is its square "
            "root.",
        ),
        (
            math.sqrt(2 / fan_out),
            f'You divided by fan_out = {fan_out}. With mode="fan_in" He initialisation '
            "preserves the variance of the forward pass and divides by the number of inputs per unit.",
        ),
        (
            math.sqrt(2 / (fan_in + fan_out)),
            "That is the Xavier (Glorot) normal standard deviation, "
            "√(2 / (fan_in + fan_out)). He initialisation for ReLU uses √(2 / fan_in).",
        ),
        (
            math.sqrt(1 / fan_in),
            "√(1 / fan_in) leaves out ReLU's gain of √2: a ReLU zeroes half its inputs, "
            "so He initialisation doubles the variance to 2 / fan_in.",
        ),
    ]
    return Variant(
        params=params,
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.0005},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.001, places=6),
            "explanation": (
                f"{fans} He (Kaiming) normal initialisation for ReLU uses gain √2 and standard deviation "
                f"gain / √fan_in = √(2 / {fan_in}) = {plain_number(answer)}."
            ),
            "dont_know_feedback": (
                "Study how He (Kaiming) initialisation scales weights by the number of inputs to keep "
                "activations' variance steady through ReLU layers (skill: initialising weights and keeping gradients stable)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 7. IoU of two boxes, with a figure
# ---------------------------------------------------------------------------------------------------

_GRID_W, _GRID_H = 10, 8
_CELL, _LEFT, _TOP = 32, 50, 40


def _random_box(rng: random.Random) -> list[int]:
    w, h = rng.randint(2, 6), rng.randint(2, 5)
    x1, y1 = rng.randint(0, _GRID_W - w), rng.randint(0, _GRID_H - h)
    return [x1, y1, x1 + w, y1 + h]


def _area(box: list[int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def _intersection(a: list[int], b: list[int]) -> int:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def _iou_svg(a: list[int], b: list[int], alt: str) -> str:
    width = _LEFT + _GRID_W * _CELL + 44
    height = _TOP + _GRID_H * _CELL + 50
    right, bottom = _LEFT + _GRID_W * _CELL, _TOP + _GRID_H * _CELL

    def px(x: float) -> float:
        return _LEFT + x * _CELL

    def py(y: float) -> float:
        return _TOP + y * _CELL

    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" font-family="sans-serif">',
        f"<title>{alt}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<g stroke="#d0d0d0" stroke-width="1">',
    ]
    lines += [f'<line x1="{px(x)}" y1="{_TOP}" x2="{px(x)}" y2="{bottom}"/>' for x in range(_GRID_W + 1)]
    lines += [f'<line x1="{_LEFT}" y1="{py(y)}" x2="{right}" y2="{py(y)}"/>' for y in range(_GRID_H + 1)]
    lines.append("</g>")
    lines.append('<g font-size="13" fill="#333333">')
    lines += [f'<text x="{px(x)}" y="{_TOP - 8}" text-anchor="middle">{x}</text>' for x in range(_GRID_W + 1)]
    lines += [
        f'<text x="{_LEFT - 10}" y="{py(y) + 4}" text-anchor="end">{y}</text>' for y in range(_GRID_H + 1)
    ]
    lines.append("</g>")
    lines.append(
        f'<text x="{right + 24}" y="{_TOP - 8}" font-size="14" font-style="italic" fill="#333333">x</text>'
    )
    lines.append(
        f'<text x="{_LEFT - 10}" y="{bottom + 24}" font-size="14" font-style="italic" fill="#333333" '
        'text-anchor="end">y ↓</text>'
    )
    for box, fill, stroke in ((a, "#1f5fbf", "#1f5fbf"), (b, "#e07b39", "#c0561a")):
        x1, y1, x2, y2 = box
        lines.append(
            f'<rect x="{px(x1)}" y="{py(y1)}" width="{(x2 - x1) * _CELL}" height="{(y2 - y1) * _CELL}" '
            f'fill="{fill}" fill-opacity="0.25" stroke="{stroke}" stroke-width="3"/>'
        )
    lines.append(
        f'<text x="{px(a[0]) + 6}" y="{py(a[1]) + 20}" font-size="18" font-weight="bold" fill="#1f5fbf">A</text>'
    )
    lines.append(
        f'<text x="{px(b[2]) - 20}" y="{py(b[3]) - 8}" font-size="18" font-weight="bold" fill="#c0561a">B</text>'
    )
    lines.append(
        f'<text x="{_LEFT}" y="{bottom + 24}" font-size="13" fill="#1f5fbf">'
        f"A: ({a[0]}, {a[1]}) to ({a[2]}, {a[3]})</text>"
    )
    lines.append(
        f'<text x="{_LEFT + 170}" y="{bottom + 24}" font-size="13" fill="#c0561a">'
        f"B: ({b[0]}, {b[1]}) to ({b[2]}, {b[3]})</text>"
    )
    lines.append("</svg>")
    return "\n".join(lines)


def _iou_boxes(rng: random.Random) -> Variant:
    """Two boxes for which at least two named mistakes give values a learner can tell apart; a thin
    overlap of two similar boxes can bring every mistake within the tolerance of the key (rare)."""
    while True:
        variant = _iou_boxes_drawn(rng)
        if len(variant.fields["misconceptions"]) >= 2:
            return variant


def _iou_boxes_drawn(rng: random.Random) -> Variant:
    while True:
        a, b = _random_box(rng), _random_box(rng)
        inter = _intersection(a, b)
        # Overlap of at least two cells keeps the two labels (A's top-left, B's bottom-right) apart.
        if a != b and inter >= 2:
            break
    area_a, area_b = _area(a), _area(b)
    union = area_a + area_b - inter
    answer = inter / union
    ix1, iy1, ix2, iy2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    ex1, ey1, ex2, ey2 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
    enclosing = (ex2 - ex1) * (ey2 - ey1)
    # The fencepost slip: every width and height one too large (inclusive pixel coordinates).
    inter_plus_one = (ix2 - ix1 + 1) * (iy2 - iy1 + 1)
    union_plus_one = (
        (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter_plus_one
    )

    def corners(box: list[int]) -> str:
        return f"({box[0]}, {box[1]}) to ({box[2]}, {box[3]})"

    alt = (
        f"Two boxes on a grid from x = 0 to {_GRID_W} and y = 0 to {_GRID_H}, y growing downward. "
        f"Box A spans x {a[0]} to {a[2]} and y {a[1]} to {a[3]}; box B spans x {b[0]} to {b[2]} and "
        f"y {b[1]} to {b[3]}."
    )
    stem = (
        "The figure shows a predicted box A and a ground-truth box B in image coordinates (y grows "
        f"downward), each given by its top-left and bottom-right corners: A from {corners(a)}, B from "
        f"{corners(b)}. A box's area is width × height. What is their intersection over union (IoU)? "
        "Give a proportion between 0 and 1, to two decimal places."
    )
    candidates = [
        (
            inter / area_a,
            f"{inter} / {area_a} divides the overlap by box A's area alone. IoU divides by the "
            f"area of the union of both boxes, {union}.",
        ),
        (
            inter / area_b,
            f"{inter} / {area_b} divides the overlap by box B's area alone. IoU divides by the "
            f"area of the union of both boxes, {union}.",
        ),
        (
            inter / (area_a + area_b),
            f"{inter} / {area_a + area_b} divides by the sum of the areas, which "
            f"counts the overlap twice. The union is {area_a} + {area_b} − {inter} = {union}.",
        ),
        (
            inter / enclosing,
            f"{inter} / {enclosing} divides by the area of the smallest box enclosing both, "
            f"{ex2 - ex1} × {ey2 - ey1} = {enclosing}. That box also covers empty corners that neither box "
            f"reaches; the union is only the area inside A or B: {area_a} + {area_b} − {inter} = {union}.",
        ),
        (
            inter_plus_one / union_plus_one,
            f"{inter_plus_one} / {union_plus_one} adds 1 to every width and height, counting the grid lines "
            "a box touches instead of the cells it covers. The corners lie on grid lines, so a width is "
            f"x₂ − x₁: box A, from x = {a[0]} to x = {a[2]}, is {a[2] - a[0]} wide, not {a[2] - a[0] + 1}.",
        ),
    ]
    return Variant(
        params={"box_a": a, "box_b": b},
        fields={
            "stem": stem,
            "figure": {"svg": _iou_svg(a, b, alt), "alt": alt},
            "answer": answer,
            "tolerance": {"absolute": 0.005},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.01, places=6),
            "explanation": (
                f"Area A = {a[2] - a[0]} × {a[3] - a[1]} = {area_a}; area B = {b[2] - b[0]} × {b[3] - b[1]} = "
                f"{area_b}. The overlap runs from ({ix1}, {iy1}) to ({ix2}, {iy2}): {ix2 - ix1} × "
                f"{iy2 - iy1} = {inter}. The union is {area_a} + {area_b} − {inter} = {union}, so "
                f"IoU = {inter} / {union} = {plain_number(answer)}."
            ),
            "dont_know_feedback": (
                "Study intersection over union: the overlap of two boxes divided by the area they cover "
                "together (skill: detecting objects and measuring box overlap)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 8. Precision, recall and F1 from a confusion matrix
# ---------------------------------------------------------------------------------------------------

_BINARY_TASKS = (
    ("an email filter", "spam", "not spam"),
    ("a fraud detector", "fraud", "legitimate"),
    ("a defect detector on a production line", "defective", "OK"),
    ("a screening model for a disease", "ill", "healthy"),
    ("a churn predictor", "churn", "no churn"),
)


def _confusion_metrics(rng: random.Random) -> Variant:
    while True:
        tp, fp, fn = rng.randint(20, 90), rng.randint(3, 40), rng.randint(3, 40)
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        if abs(precision - recall) > 0.02:
            break
    tn = rng.randint(50, 300)
    f1 = 2 * tp / (2 * tp + fp + fn)
    arithmetic, jaccard = (precision + recall) / 2, tp / (tp + fp + fn)
    task, pos, neg = rng.choice(_BINARY_TASKS)
    rows_actual = rng.random() < 0.5
    axis = (
        "rows are the actual classes, columns the predictions"
        if rows_actual
        else ("rows are the predictions, columns the actual classes")
    )
    stem = (
        f"The confusion matrix of {task} on a test set is below ({axis}); the positive class is "
        f"**{pos}**.\n\n"
        f"{confusion_table(tp, fp, fn, tn, positive=pos, negative=neg, rows_actual=rows_actual)}\n\nCompute "
        "the precision, recall and F1 score for the positive class, each as a proportion between 0 and 1."
    )
    tolerance = {"absolute": 0.005}
    return Variant(
        params={"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        fields={
            "stem": stem,
            "fields": [
                {"name": "precision", "label": "Precision", "answer": precision, "tolerance": tolerance},
                {"name": "recall", "label": "Recall", "answer": recall, "tolerance": tolerance},
                {"name": "f1", "label": "F1 score", "answer": f1, "tolerance": tolerance},
            ],
            "misconceptions": distinct_tuple_misconceptions(
                {"precision": precision, "recall": recall, "f1": f1},
                [
                    (
                        {"precision": recall, "recall": precision, "f1": f1},
                        "You swapped precision and recall. Precision divides the true positives by all "
                        f"examples predicted {pos} (TP + FP); recall divides them by all examples that are "
                        f"actually {pos} (TP + FN).",
                    ),
                    (
                        {"precision": precision, "recall": recall, "f1": arithmetic},
                        f"Your precision and recall are right, but {plain_number(arithmetic, 3)} is their "
                        "ordinary average, (P + R) / 2. F1 is their harmonic mean, 2PR / (P + R), which "
                        "stays closer to the smaller of the two.",
                    ),
                    (
                        {"precision": precision, "recall": recall, "f1": f1 / 2},
                        f"Your precision and recall are right, but {plain_number(f1 / 2, 3)} = PR / (P + R) "
                        "is half the F1 score: the harmonic mean has a factor 2, F1 = 2PR / (P + R).",
                    ),
                    (
                        {"precision": precision, "recall": recall, "f1": jaccard},
                        f"Your precision and recall are right, but TP / (TP + FP + FN) = {tp} / "
                        f"{tp + fp + fn} = {plain_number(jaccard, 3)} leaves out the 2s of F1 = 2TP / (2TP + "
                        "FP + FN). Without them it is the Jaccard index (the IoU of the predicted and the "
                        "actual positives), which is always below F1.",
                    ),
                ],
                separation=0.01,
                places=6,
            ),
            "explanation": (
                f"Reading the table: TP = {tp}, FP = {fp} (predicted {pos}, actually {neg}), FN = {fn} "
                f"(predicted {neg}, actually {pos}), TN = {tn}. Precision = TP / (TP + FP) = {tp} / "
                f"{tp + fp} = {plain_number(precision, 3)}; recall = TP / (TP + FN) = {tp} / {tp + fn} = "
                f"{plain_number(recall, 3)}; F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN) = {2 * tp} / "
                f"{2 * tp + fp + fn} = {plain_number(f1, 3)}. The true negatives do not enter any of the "
                "three."
            ),
            "dont_know_feedback": (
                "Practise reading true and false positives off a confusion matrix and computing precision, "
                "recall and F1 from them (skill: computing precision, recall and F1 from a confusion matrix)."
            ),
        },
    )


# ---------------------------------------------------------------------------------------------------
# 9. Chance and majority baselines
# ---------------------------------------------------------------------------------------------------

_DATASETS = (
    ("a land-cover dataset", ("forest", "farmland", "water", "urban", "desert")),
    ("a support-ticket dataset", ("billing", "login", "shipping", "refund", "other")),
    ("a sentiment dataset", ("positive", "neutral", "negative", "mixed", "off-topic")),
    ("a bird-song dataset", ("sparrow", "robin", "blackbird", "wren", "finch")),
)


def _chance_baseline(rng: random.Random) -> Variant:
    """Class counts for which at least two named mistakes give values a learner can tell apart; two
    nearly balanced classes put every mistake within the tolerance of 0.5 (rare)."""
    while True:
        variant = _chance_baseline_drawn(rng)
        if len(variant.fields["misconceptions"]) >= 2:
            return variant


def _chance_baseline_drawn(rng: random.Random) -> Variant:
    k = rng.randint(2, 5)
    name, all_classes = rng.choice(_DATASETS)
    classes = all_classes[:k]
    majority = rng.randrange(300, 901, 10)
    counts = [rng.randrange(20, 291, 10) for _ in range(k - 1)]
    counts.insert(rng.randrange(k), majority)
    n = sum(counts)
    shares = [c / n for c in counts]
    sum_sq = sum(p * p for p in shares)
    top = max(shares)
    strategy = rng.choice(("majority", "stratified"))
    listing = ", ".join(f"{c} {cls}" for c, cls in zip(counts, classes, strict=True))
    uniform = (
        1 / k,
        f"1/{k} is the accuracy of guessing uniformly at random, which ignores how "
        "unbalanced the classes are.",
    )
    shares_text = ", ".join(f"{c}/{n}" for c in counts)
    if strategy == "majority":
        answer = top
        question = (
            "A baseline that ignores its input and always predicts the most frequent class — what "
            "accuracy does it reach?"
        )
        candidates = [
            uniform,
            (
                sum_sq,
                f"{plain_number(sum_sq)} = Σ p² is the expected accuracy of guessing at random with the "
                "class frequencies. Always predicting the majority class is right on every majority example.",
            ),
            (
                1 - top,
                f"{plain_number(1 - top)} is the share of examples outside the majority class: the baseline's "
                f"error rate. Its accuracy is the share it gets right, {majority} / {n}.",
            ),
        ]
        working = (
            f"Always predicting {classes[counts.index(majority)]} is right exactly on those {majority} "
            f"examples: {majority} / {n} = {plain_number(answer)}."
        )
    else:
        answer = sum_sq
        question = (
            "A baseline ignores its input and predicts each class at random with probability equal to "
            "that class's share of the data. What is its expected accuracy?"
        )
        candidates = [
            uniform,
            (
                top,
                f"{plain_number(top)} is the accuracy of always predicting the majority class. Random "
                "guesses with the class frequencies are right with probability Σ p_k², which is lower.",
            ),
            (
                1 - sum_sq,
                f"{plain_number(1 - sum_sq)} = 1 − Σ p_k² is the chance that such a guess is wrong: the "
                "baseline's expected error rate. Its expected accuracy is Σ p_k².",
            ),
            (
                sum_sq / k,
                f"{plain_number(sum_sq / k)} averages the {k} terms p_k², one per class, instead of adding "
                "them. Each term is the chance that the true class and the guess are both that class; these "
                "are separate ways of being right, so the expected accuracy is their sum, Σ p_k².",
            ),
        ]
        squares = " + ".join(f"{plain_number(p, 3)}²" for p in shares)
        working = (
            f"The class shares are {shares_text}. A guess is right when it matches the true class: for "
            f"class k that happens with probability p_k × p_k, so the expected accuracy is Σ p_k² = "
            f"{squares} = {plain_number(answer)}."
        )
    stem = (
        f"{name.capitalize()} has {k} classes with these counts: {listing}. {question} "
        "Give a proportion between 0 and 1."
    )
    return Variant(
        params={"counts": counts, "strategy": strategy},
        fields={
            "stem": stem,
            "answer": answer,
            "tolerance": {"absolute": 0.005},
            "misconceptions": distinct_misconceptions(answer, candidates, separation=0.01, places=6),
            "explanation": f"There are {n} examples in all. {working}",
            "dont_know_feedback": (
                "Study the accuracy that input-blind baselines reach on imbalanced classes, such as always "
                "predicting the majority class (skill: working out chance and majority baselines on imbalanced classes)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-maxpool-grid",
        kind="matrix",
        domain="cnn",
        skills=("cnn-pooling",),
        difficulty="easy",
        build=_maxpool_grid,
    ),
    GeneratorFamily(
        id="gen-avgpool-grid",
        kind="matrix",
        domain="cnn",
        skills=("cnn-pooling",),
        difficulty="easy",
        build=_avgpool_grid,
    ),
    GeneratorFamily(
        id="gen-relu-grad-grid",
        kind="matrix",
        domain="foundations",
        skills=("fnd-backprop",),
        difficulty="medium",
        build=_relu_grad_grid,
    ),
    GeneratorFamily(
        id="gen-sigmoid-grad",
        kind="numeric",
        domain="foundations",
        skills=("fnd-backprop",),
        difficulty="medium",
        build=_sigmoid_grad,
    ),
    GeneratorFamily(
        id="gen-softmax-xent",
        kind="numeric",
        domain="foundations",
        skills=("fnd-activations-losses",),
        difficulty="medium",
        build=_softmax_xent,
    ),
    GeneratorFamily(
        id="gen-he-init-std",
        kind="numeric",
        domain="improving_networks",
        skills=("imp-initialisation",),
        difficulty="medium",
        build=_he_init_std,
    ),
    GeneratorFamily(
        id="gen-iou-boxes",
        kind="numeric",
        domain="cnn",
        skills=("cnn-detection",),
        difficulty="medium",
        build=_iou_boxes,
    ),
    GeneratorFamily(
        id="gen-confusion-metrics",
        kind="numeric_tuple",
        domain="applied_practice",
        skills=("app-confusion-arithmetic",),
        difficulty="medium",
        build=_confusion_metrics,
    ),
    GeneratorFamily(
        id="gen-chance-baseline",
        kind="numeric",
        domain="applied_practice",
        skills=("app-chance-baselines",),
        difficulty="medium",
        build=_chance_baseline,
    ),
]

"""Practice ladder for convolutional networks: the very easy (−3, −2) and very hard (+2) rungs.

The bank's CNN items and families sit at −1, 0 and +1. These families extend the range for practice only
(``use="practice"``): the output channels of a convolution (−3), the output size of a convolution with
stride 1 and no padding (−2), and the parameters of a ResNet bottleneck block with batch norm and a
possible projection shortcut (+2).

Every answer is computed here in plain Python; tests/content/oracles_ladder_cnn.py recomputes it with real
PyTorch modules from the parameters each variant returns. Distractors come from named misconceptions; any
that happen to equal the answer (or an earlier distractor) for a given seed are left out.
"""

from __future__ import annotations

import random

from adaptest.bank.authoring import code_block, distinct_misconceptions, thousands
from adaptest.bank.generators import GeneratorFamily, Variant

# -- −3. Output channels of a convolution ---------------------------------------------------------------


def _out_channels(rng: random.Random) -> Variant:
    c_in = rng.choice((1, 3, 3, 16, 32))
    c_out = rng.choice([c for c in (6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128) if c != c_in])
    k = rng.choice((3, 3, 5, 7))
    size = rng.choice((28, 32, 64, 96, 224))
    batch = rng.choice((2, 4, 5))
    form = rng.choice(("code", "prose"))
    image = "an RGB image" if c_in == 3 else f"a {c_in}-channel input"
    if form == "code":
        lines = [
            f"conv = nn.Conv2d({c_in}, {c_out}, kernel_size={k}, padding={k // 2})",
            f"x = torch.randn({batch}, {c_in}, {size}, {size})  # (N, C, H, W)",
            "y = conv(x)",
        ]
        stem = (
            rng.choice(
                (
                    "How many channels does `y` have, i.e. what is `y.shape[1]`?",
                    "`y.shape` is `(N, C, H, W)`. What is C, the number of output channels?",
                )
            )
            + f"\n\n{code_block(lines)}"
        )
    else:
        stem = (
            f"A convolutional layer applies {c_out} filters, each of size {k}×{k}×{c_in}, to {image} of "
            f"{size}×{size} pixels. How many channels (feature maps) does its output have?"
        )
    answer = c_out
    candidates: list[tuple[float | None, str]] = [
        (
            c_in,
            f"{c_in} is the number of *input* channels. Each filter spans all of them and produces one "
            f"output channel, so the output has as many channels as there are filters: {c_out}.",
        ),
        (
            c_in * c_out,
            f"{c_in * c_out} gives each filter one output map per input channel. A filter sums over all "
            f"{c_in} input channels into a single map, so {c_out} filters give {c_out} channels.",
        ),
    ]
    if form == "code":
        candidates.append(
            (
                batch,
                f"{batch} is `y.shape[0]`, the batch size N. The channels are the second dimension, and a "
                "convolution sets them to its `out_channels`.",
            )
        )
    else:
        candidates.append(
            (
                k * k,
                f"{k * k} is the number of positions in a {k}×{k} filter window, which says nothing about "
                "how many maps the layer outputs: one per filter.",
            )
        )
    explanation = (
        f"Each filter slides over the input and, at every position, takes one dot product over its "
        f"{k}×{k}×{c_in} window, giving one feature map. {c_out} filters give {c_out} output channels"
        + (f" (`out_channels={c_out}`, the second argument of `nn.Conv2d`)." if form == "code" else ".")
    )
    return Variant(
        params={
            "in_channels": c_in,
            "out_channels": c_out,
            "kernel_size": k,
            "size": size,
            "batch": batch,
            "form": form,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": "channels",
            "misconceptions": distinct_misconceptions(answer, candidates, limit=3),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how each filter of a convolutional layer turns the whole input into one feature map "
                "(skill: convolution as a sliding dot product with shared weights)."
            ),
        },
    )


# -- −2. Output size of a convolution with stride 1 and no padding ---------------------------------------


def _valid_conv_size(rng: random.Random) -> Variant:
    k = rng.choice((2, 3, 3, 5, 5, 7))
    n = rng.randint(max(k + 2, 6), 64)
    c_in, c_out = rng.choice((1, 3, 8, 16)), rng.choice((4, 8, 16, 32))
    form = rng.choice(("code", "prose"))
    if form == "code":
        lines = [
            f"conv = nn.Conv2d({c_in}, {c_out}, kernel_size={k})  # stride 1, no padding (the defaults)",
            f"x = torch.randn(1, {c_in}, {n}, {n})",
            "y = conv(x)",
        ]
        stem = f"What is the height of `y` (`y.shape[2]`)?\n\n{code_block(lines)}"
    else:
        what = rng.choice(("image", "feature map"))
        stem = (
            f"A {k}×{k} convolution with stride 1 and no padding slides over a {n}×{n} {what}. How many "
            "pixels high is its output?"
        )
    answer = n - k + 1
    candidates: list[tuple[float | None, str]] = [
        (
            n - k,
            f"{n - k} forgets the +1: the window can start at positions 0 to {n - k}, which is "
            f"{n - k + 1} positions.",
        ),
        (
            n,
            f"{n} keeps the input size, but only padding does that. With no padding the {k}×{k} window "
            f"must stay inside the input, so it fits only {n - k + 1} times along a side.",
        ),
        (
            n + k - 1,
            f"{n + k - 1} adds the kernel instead of subtracting it: that is the size of a 'full' "
            "convolution padded with k − 1 zeros on each side. Without padding the output shrinks.",
        ),
    ]
    explanation = (
        f"With stride 1 and no padding the {k}×{k} window must fit entirely inside the {n}×{n} input, so "
        f"it can start at {n} − {k} + 1 = {answer} positions along each side: the output is "
        f"{answer}×{answer}."
    )
    return Variant(
        params={"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "size": n},
        fields={
            "stem": stem,
            "answer": answer,
            "units": "pixels",
            "misconceptions": distinct_misconceptions(answer, candidates, limit=3),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study how many positions a kernel can take when it slides over an image without padding: "
                "n − k + 1 (skill: computing convolution output shapes)."
            ),
        },
    )


# -- +2. Bottleneck block with batch norm ---------------------------------------------------------------


def _bottleneck_params(rng: random.Random) -> Variant:
    m = rng.choice((16, 24, 32, 48, 64, 96, 128, 256))
    out = 4 * m
    c_in, stride = rng.choice(((out, 1), (out, 1), (2 * m, 2), (m, 1)))
    projection = c_in != out or stride != 1

    branch_lines = [
        "branch = nn.Sequential(",
        f"    nn.Conv2d({c_in}, {m}, kernel_size=1, bias=False),",
        f"    nn.BatchNorm2d({m}),",
        "    nn.ReLU(),",
        f"    nn.Conv2d({m}, {m}, kernel_size=3, stride={stride}, padding=1, bias=False),",
        f"    nn.BatchNorm2d({m}),",
        "    nn.ReLU(),",
        f"    nn.Conv2d({m}, {out}, kernel_size=1, bias=False),",
        f"    nn.BatchNorm2d({out}),",
        ")",
    ]
    if projection:
        shortcut_lines = [
            "shortcut = nn.Sequential(",
            f"    nn.Conv2d({c_in}, {out}, kernel_size=1, stride={stride}, bias=False),",
            f"    nn.BatchNorm2d({out}),",
            ")",
        ]
    else:
        shortcut_lines = ["shortcut = nn.Identity()"]
    lines = [*branch_lines, *shortcut_lines, "# forward: y = relu(branch(x) + shortcut(x))"]
    question = rng.choice(
        (
            "How many learnable parameters do `branch` and `shortcut` hold together?",
            "This residual bottleneck block is made of `branch` and `shortcut`. What is "
            "`sum(p.numel() for m in (branch, shortcut) for p in m.parameters())`?",
        )
    )
    stem = f"{question}\n\n{code_block(lines)}"

    conv1, conv2, conv3 = c_in * m, 9 * m * m, m * out
    bn_channels = [m, m, out]
    shortcut_conv = c_in * out if projection else 0
    if projection:
        bn_channels.append(out)
    convs = conv1 + conv2 + conv3 + shortcut_conv
    bn = 2 * sum(bn_channels)
    answer = convs + bn
    shortcut_total = shortcut_conv + (2 * out if projection else 0)
    biases = sum(bn_channels)  # one per conv output channel; each conv is followed by one BatchNorm2d

    candidates: list[tuple[float | None, str]] = [
        (
            answer + bn,
            f"{thousands(answer + bn)} gives each BatchNorm2d 4 numbers per channel. Its running mean and "
            "running variance are buffers, updated by averaging rather than by the optimiser; only the scale "
            "γ and shift β are parameters: 2 per channel.",
        ),
        (
            answer - shortcut_total if projection else None,
            f"{thousands(answer - shortcut_total)} leaves out the projection shortcut. The block changes "
            + (f"the channels from {c_in} to {out}" if c_in != out else "")
            + (" and " if c_in != out and stride != 1 else "")
            + (f"the resolution (stride {stride})" if stride != 1 else "")
            + f", so the shortcut is a 1×1 convolution ({thousands(shortcut_conv)} weights) with its own "
            f"batch norm ({thousands(2 * out)}).",
        ),
        (
            answer + biases,
            f"{thousands(answer + biases)} adds a bias per output channel to every convolution, but each has "
            "`bias=False`: the batch norm after it subtracts the mean and adds its own shift β, so a bias "
            "would be redundant.",
        ),
        (
            convs,
            f"{thousands(convs)} counts only the convolutions. Each BatchNorm2d learns a scale γ and a shift "
            f"β per channel: {thousands(bn)} more.",
        ),
        (
            answer - conv1 - conv3 + 9 * (c_in * m + m * out),
            f"{thousands(answer - conv1 - conv3 + 9 * (c_in * m + m * out))} treats the 1×1 convolutions as "
            "3×3. Only the middle convolution of a bottleneck is 3×3; the 1×1 ones have C_in·C_out weights.",
        ),
    ]
    steps = [
        f"1×1 conv {c_in}→{m}: {c_in}·{m} = {thousands(conv1)}",
        f"3×3 conv {m}→{m}: 9·{m}·{m} = {thousands(conv2)}",
        f"1×1 conv {m}→{out}: {m}·{out} = {thousands(conv3)}",
    ]
    if projection:
        steps.append(f"shortcut 1×1 conv {c_in}→{out}: {c_in}·{out} = {thousands(shortcut_conv)}")
    bn_text = " + ".join(f"2·{c}" for c in bn_channels)
    explanation = (
        "The convolutions have no biases (`bias=False`) and the stride does not change any count. "
        + "; ".join(steps)
        + f"; convolutions together {thousands(convs)}. Each BatchNorm2d learns γ and β per channel (its "
        f"running mean and variance are buffers): {bn_text} = {thousands(bn)}. "
        + ("The shortcut is an identity and has no parameters. " if not projection else "")
        + f"Total: {thousands(convs)} + {thousands(bn)} = {thousands(answer)}."
    )
    return Variant(
        params={
            "in_channels": c_in,
            "width": m,
            "out_channels": out,
            "stride": stride,
            "projection": projection,
        },
        fields={
            "stem": stem,
            "answer": answer,
            "units": "parameters",
            "misconceptions": distinct_misconceptions(answer, candidates),
            "explanation": explanation,
            "dont_know_feedback": (
                "Study the ResNet bottleneck block (1×1 reduce, 3×3, 1×1 expand, and a projection shortcut "
                "when the shape changes) and which numbers in BatchNorm2d are learnable (skills: 1×1 "
                "convolutions and bottleneck blocks; batch normalisation in CNNs)."
            ),
        },
    )


FAMILIES = [
    GeneratorFamily(
        id="gen-cnn-out-channels",
        kind="numeric",
        domain="cnn",
        skills=("cnn-conv-operation",),
        difficulty=-3.0,
        use="practice",
        build=_out_channels,
    ),
    GeneratorFamily(
        id="gen-cnn-valid-conv-size",
        kind="numeric",
        domain="cnn",
        skills=("cnn-conv-arithmetic",),
        difficulty=-2.0,
        use="practice",
        build=_valid_conv_size,
    ),
    GeneratorFamily(
        id="gen-cnn-bottleneck-bn-params",
        kind="numeric",
        domain="cnn",
        skills=("cnn-bottleneck", "cnn-batchnorm"),
        difficulty=2.0,
        use="practice",
        build=_bottleneck_params,
    ),
]

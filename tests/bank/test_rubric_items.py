"""The ten rubric-graded free-text items of issue 15, graded like a teacher would grade them.

Each item is tried with a full expert answer (score 1), a partial answer, a short wrong answer (score 0,
not queued), answers in a student's or a non-native speaker's words, and a paraphrase in words the
rubric did not anticipate, which must be queued for a person rather than silently scored 0. Paraphrases
the rubric was widened for after a first try are kept as cases too. "Over-cautious" marks a right answer
that the negation rule queues anyway (docs/bank-format.md, "When a person checks the answer").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from adaptest.bank import grade, load_bank
from adaptest.bank.kinds.rubric import RubricItem
from adaptest.content import DEEP_LEARNING_BANK

BANK = load_bank(DEEP_LEARNING_BANK)

ITEMS = {
    "fnd-explain-relu-removal": "foundations",
    "fnd-explain-softmax-overflow": "foundations",
    "imp-explain-val-loss-rises": "improving_networks",
    "cnn-explain-residual-shortcuts": "cnn",
    "cnn-explain-batchnorm-eval-mode": "cnn",
    "seq-explain-attention-sqrt-dk": "sequence_models",
    "app-explain-stratify-rare-class": "applied_practice",
    "llm-explain-kv-cache-tradeoff": "llm_and_scale",
    "gen-explain-vae-reparameterisation": "generative_models",
    "gen-explain-gan-mode-collapse": "generative_models",
}


@dataclass(frozen=True)
class Case:
    item: str
    who: str
    answer: str
    criteria: dict[str, bool]  # criterion id -> met, in rubric order
    queued: bool


CASES = [
    Case(
        "fnd-explain-relu-removal",
        "a full expert answer",
        (
            "Don't do it. Without the ReLUs the six layers compose into a single affine map, because a "
            "product of weight matrices is just one matrix, so the network collapses to a linear model. "
            "It could then only draw linear decision boundaries, so the extra depth is wasted. And a ReLU"
            " is an element-wise max, negligible next to the matmuls; to go faster use fewer or narrower "
            "layers."
        ),
        {"collapses": True, "capacity": True, "speed": True},
        queued=False,
    ),
    Case(
        "fnd-explain-relu-removal",
        "a partial answer",
        (
            "Removing the activations makes the whole network linear, so it would be equivalent to one "
            "layer and lose accuracy."
        ),
        {"collapses": True, "capacity": False, "speed": False},
        queued=False,
    ),
    Case(
        "fnd-explain-relu-removal",
        "a short wrong answer",
        "Good idea, it will train faster.",
        {"collapses": False, "capacity": False, "speed": False},
        queued=False,
    ),
    Case(
        "fnd-explain-relu-removal",
        "a paraphrase half recognised (flat planes) and queued for the rest",
        (
            "Stacking matrix multiplications without anything bent in between gives you a matrix "
            "multiplication again, so six of them behave like a lone layer and the model can only "
            "separate classes with flat planes."
        ),
        {"collapses": False, "capacity": True, "speed": False},
        queued=True,
    ),
    Case(
        "fnd-explain-relu-removal",
        "a student's terse answer",
        (
            "the network will become linear, it cant learn nonlinear functions like XOR. also relu is "
            "very cheap so you dont gain much speed"
        ),
        {"collapses": True, "capacity": True, "speed": True},
        # queued: "cant learn nonlinear" meets its criterion only after a negation, which the rubric
        # cannot tell from a wrong claim ("it can't learn nonlinear" is right; "not nonlinear" is not)
        queued=True,
    ),
    Case(
        "fnd-explain-relu-removal",
        "a paraphrase in words the rubric did not anticipate",
        (
            "Piling up weight layers with nothing bent between them just multiplies out into one big "
            "weight layer, so all that depth buys nothing over plain logistic-style classification with "
            "flat cuts through the input space."
        ),
        {"collapses": False, "capacity": True, "speed": False},
        queued=True,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a full expert answer",
        (
            "exp(1000) overflows float32, whose largest value is about 3.4e38, so the numerator and "
            "denominator become inf and inf/inf is nan. Subtracting c = max(z) multiplies numerator and "
            "denominator by the same factor exp(-c), which cancels, so the probabilities are unchanged. "
            "After the shift the largest exponent is 0, so every exp is at most 1 and the sum is at least"
            " 1."
        ),
        {"overflow": True, "invariance": True, "bounded": True},
        queued=False,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a partial answer",
        (
            "The exponentials overflow to infinity and inf divided by inf gives nan. Subtracting the max "
            "makes the numbers smaller."
        ),
        {"overflow": True, "invariance": False, "bounded": True},
        queued=False,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a short wrong answer",
        "Because the logits are too close together.",
        {"overflow": False, "invariance": False, "bounded": False},
        queued=False,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a paraphrase the rubric was widened for",
        (
            "e to the power 1000 is bigger than the biggest number a 32-bit float can hold, so everything"
            " turns into not-a-number. Shifting every logit by the same amount multiplies top and bottom "
            "by one constant, which divides out; the biggest term becomes e to the power 0."
        ),
        {"overflow": True, "invariance": True, "bounded": True},
        queued=False,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a non-native speaker's answer",
        (
            "Because exp of 1000 is too big for float32 and give infinity, then infinity over infinity is"
            " nan. If we subtract the max, softmax is invariant to shift, and all exponent become "
            "negative or zero so the values are small."
        ),
        {"overflow": True, "invariance": True, "bounded": True},
        queued=False,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a paraphrase the rubric was widened for",
        (
            "Raising e to a thousand blows past what single precision can store, and dividing those "
            "blown-up results gives garbage. Shifting all logits down by the top one rescales top and "
            "bottom identically, so the ratios stay put."
        ),
        {"overflow": True, "invariance": True, "bounded": False},
        queued=False,
    ),
    Case(
        "fnd-explain-softmax-overflow",
        "a paraphrase in words the rubric did not anticipate",
        (
            "Thirty-two-bit floats top out near ten to the thirty-eight, so e to the thousand saturates "
            "and the ratio is undefined. Moving all inputs by one common offset leaves the ratios alone, "
            "since it pulls the same multiplier out of every term."
        ),
        {"overflow": False, "invariance": False, "bounded": False},
        queued=True,
    ),
    Case(
        "imp-explain-val-loss-rises",
        "a full expert answer",
        (
            "The model is overfitting: after epoch 9 it memorises noise in the 4,000 training reviews, so"
            " it generalises worse even though the training loss falls. I would use early stopping and "
            "keep the checkpoint from epoch 9, and then add regularisation such as dropout or weight "
            "decay, or collect more data."
        ),
        {"overfitting": True, "early-stopping": True, "regularise": True},
        queued=False,
    ),
    Case(
        "imp-explain-val-loss-rises",
        "a partial answer",
        "It is overfitting the training data. I would stop training at epoch 9.",
        {"overfitting": True, "early-stopping": True, "regularise": False},
        queued=False,
    ),
    Case(
        "imp-explain-val-loss-rises",
        "a short wrong answer",
        "The learning rate is too small.",
        {"overfitting": False, "early-stopping": False, "regularise": False},
        queued=False,
    ),
    Case(
        "imp-explain-val-loss-rises",
        "a paraphrase the rubric was widened for",
        (
            "The network has started to learn the training reviews by heart, picking up patterns that do "
            "not transfer to new text. I would go back to the weights from the ninth epoch and shrink the"
            " model."
        ),
        {"overfitting": True, "early-stopping": True, "regularise": True},
        queued=False,
    ),
    Case(
        "imp-explain-val-loss-rises",
        "a student's terse answer",
        (
            "its overfitting, the gap between train and val is getting bigger. use early stopping and "
            "more dropout"
        ),
        {"overfitting": True, "early-stopping": True, "regularise": True},
        queued=False,
    ),
    Case(
        "imp-explain-val-loss-rises",
        "a paraphrase in words the rubric did not anticipate",
        (
            "After the ninth pass over the data the network starts fitting the particular reviews it sees"
            " instead of the general signal, so unseen reviews get worse. Keep the ninth-pass weights and"
            " make the network simpler."
        ),
        {"overfitting": False, "early-stopping": False, "regularise": True},
        queued=True,
    ),
    Case(
        "cnn-explain-residual-shortcuts",
        "a full expert answer",
        (
            "Higher training error means this is not overfitting but an optimisation problem "
            "(degradation). With y = F(x) + x the gradient flows back directly through the identity "
            "shortcut, so it does not vanish through 56 layers. And a block can become the identity by "
            "pushing F(x) to zero, so the deep net is at least as good as the shallow one and each block "
            "only learns a small correction."
        ),
        {"gradient-path": True, "identity-default": True, "degradation": True},
        queued=False,
    ),
    Case(
        "cnn-explain-residual-shortcuts",
        "a partial answer",
        (
            "The skip connections let the gradient flow directly to the early layers, avoiding vanishing "
            "gradients."
        ),
        {"gradient-path": True, "identity-default": False, "degradation": False},
        queued=False,
    ),
    Case(
        "cnn-explain-residual-shortcuts",
        "a short wrong answer",
        "Because the shortcuts add more parameters.",
        {"gradient-path": False, "identity-default": False, "degradation": False},
        queued=False,
    ),
    Case(
        "cnn-explain-residual-shortcuts",
        "a paraphrase the rubric was widened for",
        (
            "In backprop the addition sends the error signal straight to earlier layers untouched, and a "
            "block whose weights are all zero already outputs its input, so extra blocks start as "
            "do-nothing layers instead of scrambling the signal."
        ),
        {"gradient-path": True, "identity-default": True, "degradation": False},
        queued=False,
    ),
    Case(
        "cnn-explain-residual-shortcuts",
        "a non-native speaker's answer",
        (
            "Deep plain network is hard to optimize, it is the degradation problem. With shortcut, "
            "gradient can go direct to first layers so no vanishing gradient, and the block only need "
            "learn the residual, if F is zero it is identity."
        ),
        {"gradient-path": True, "identity-default": True, "degradation": True},
        queued=False,
    ),
    Case(
        "cnn-explain-residual-shortcuts",
        "a paraphrase in words the rubric did not anticipate",
        (
            "The addition gives the backward signal an express lane to the first layers, and each pair of"
            " layers only has to nudge its input rather than rebuild it, so stacking more of them can "
            "never wreck what the shallower version already managed."
        ),
        {"gradient-path": False, "identity-default": False, "degradation": False},
        queued=True,
    ),
    Case(
        "cnn-explain-batchnorm-eval-mode",
        "a full expert answer",
        (
            "In training mode each batch-norm layer normalises with the mean and variance of the current "
            "batch, while in eval mode it uses the running mean and variance stored during training. "
            "Without model.eval() a photo's output depends on the other photos in its batch. A photo sent"
            " alone is normalised with its own statistics, which are unrepresentative and erase its "
            "overall brightness, so the predictions are poor."
        ),
        {"train-batch-stats": True, "eval-running-stats": True, "batchmates": True, "single-image": True},
        queued=False,
    ),
    Case(
        "cnn-explain-batchnorm-eval-mode",
        "a partial answer",
        "In training mode batch norm uses batch statistics, in eval mode it uses running statistics.",
        {"train-batch-stats": True, "eval-running-stats": True, "batchmates": False, "single-image": False},
        queued=False,
    ),
    Case(
        "cnn-explain-batchnorm-eval-mode",
        "a short wrong answer",
        "Dropout is still active.",
        {"train-batch-stats": False, "eval-running-stats": False, "batchmates": False, "single-image": False},
        queued=False,
    ),
    Case(
        "cnn-explain-batchnorm-eval-mode",
        "a paraphrase the rubric was widened for",
        (
            "While training, the layer standardises each channel using numbers computed from whatever "
            "images are fed together; for inference it should switch to long-run averages collected over "
            "training. Leaving it in training mode makes one photo's result hinge on its neighbours in "
            "the request."
        ),
        {"train-batch-stats": True, "eval-running-stats": True, "batchmates": True, "single-image": False},
        queued=False,
    ),
    Case(
        "cnn-explain-batchnorm-eval-mode",
        "a student's terse answer",
        (
            "train mode uses the mean/var of the batch, eval uses the running averages. so the output "
            "changes with the other images. with only one image the mean and variance come from that "
            "image alone so it normalises away the information"
        ),
        {"train-batch-stats": True, "eval-running-stats": True, "batchmates": True, "single-image": True},
        queued=False,
    ),
    Case(
        "cnn-explain-batchnorm-eval-mode",
        "a paraphrase in words the rubric did not anticipate",
        (
            "While training, the layer rescales each channel using figures worked out from the images "
            "sent together; after training it should switch to long-run figures gathered over training. "
            "Left in training behaviour, a photo's output hinges on its neighbours, and a lone photo is "
            "rescaled by its own figures."
        ),
        {"train-batch-stats": False, "eval-running-stats": False, "batchmates": True, "single-image": False},
        queued=True,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a full expert answer",
        (
            "Each score is a dot product summing 256 products, so with unit-variance entries its variance"
            " is d_k and the scores are large (std 16). The softmax of such large scores saturates, "
            "becoming nearly one-hot, where its gradient is close to zero, so Q and K barely learn. "
            "Dividing by √d_k brings the scores back to unit variance regardless of d_k."
        ),
        {"scores-grow": True, "saturation": True, "fix": True},
        queued=False,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a partial answer",
        "The dot products get large because each one sums 256 terms.",
        {"scores-grow": True, "saturation": False, "fix": False},
        queued=False,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a short wrong answer",
        "Because the values are not normalised.",
        {"scores-grow": False, "saturation": False, "fix": False},
        queued=False,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a paraphrase the rubric was widened for",
        (
            "A query-key product adds up 256 random contributions, so the numbers fed to the softmax are "
            "spread over tens of units; the exponential then gives one key essentially all of the mass "
            "and the derivative through it almost disappears. Dividing by 16 shrinks that spread back to "
            "roughly one."
        ),
        {"scores-grow": True, "saturation": True, "fix": True},
        queued=False,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a non-native speaker's answer",
        (
            "When dimension is big, the dot product have big variance, proportional to d_k. Then softmax "
            "is saturated and gradient vanish. Dividing by sqrt(d_k) make the variance 1 again."
        ),
        {"scores-grow": True, "saturation": True, "fix": True},
        queued=False,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a paraphrase in words the rubric did not anticipate",
        (
            "Adding up 256 random products makes the raw attention numbers spread over tens of units, so "
            "the exponential hands one key essentially everything and the slope through it almost "
            "disappears. Dividing by sixteen shrinks that spread back down."
        ),
        {"scores-grow": True, "saturation": False, "fix": False},
        queued=True,
    ),
    Case(
        "seq-explain-attention-sqrt-dk",
        "a vague answer (peaky, no gradients)",
        "The dot products get large when d_k is big, so the softmax becomes very peaky.",
        {"scores-grow": True, "saturation": False, "fix": False},
        queued=True,
    ),
    Case(
        "app-explain-stratify-rare-class",
        "a full expert answer",
        (
            "Stratifying splits each class separately, so every split keeps the same 1.5 % proportion of "
            "the rare condition. With only 36 positives, validation and test expect just 3.6 each, and a "
            "random shuffle could leave them with one or none by chance. Then recall and precision on the"
            " rare class would be noisy or undefined, and model selection misleading."
        ),
        {"preserves-ratio": True, "few-positives": True, "unreliable-metric": True},
        queued=False,
    ),
    Case(
        "app-explain-stratify-rare-class",
        "a partial answer",
        "Stratifying keeps the class ratio the same in train, validation and test.",
        {"preserves-ratio": True, "few-positives": False, "unreliable-metric": False},
        queued=False,
    ),
    Case(
        "app-explain-stratify-rare-class",
        "a short wrong answer",
        "It makes training faster.",
        {"preserves-ratio": False, "few-positives": False, "unreliable-metric": False},
        queued=False,
    ),
    Case(
        "app-explain-stratify-rare-class",
        "a paraphrase the rubric was widened for",
        (
            "It divides the sick and the healthy X-rays separately 80/10/10, so each part gets its fair "
            "share of sick ones. A pure shuffle might put almost all 36 sick images into training and "
            "leave the test part with one or two, so the measured sensitivity would swing hugely between "
            "runs."
        ),
        {"preserves-ratio": True, "few-positives": True, "unreliable-metric": True},
        queued=False,
    ),
    Case(
        "app-explain-stratify-rare-class",
        "a student's terse answer",
        (
            "stratify keeps the percentage of positives equal in each split. with random split the test "
            "set might have zero positive cases so you cannot measure recall"
        ),
        {"preserves-ratio": True, "few-positives": True, "unreliable-metric": True},
        queued=False,
    ),
    Case(
        "app-explain-stratify-rare-class",
        "a paraphrase in words the rubric did not anticipate",
        (
            "It guarantees each portion mirrors the overall mix of diagnoses. Left to a blind shuffle, "
            "the held-out portions would expect under four abnormal films each and could easily get one, "
            "which makes any sensitivity figure computed on them close to a coin toss."
        ),
        {"preserves-ratio": False, "few-positives": False, "unreliable-metric": False},
        queued=True,
    ),
    Case(
        "llm-explain-kv-cache-tradeoff",
        "a full expert answer",
        (
            "Without a cache every step recomputes the keys and values of the whole prefix. The KV cache "
            "stores the keys and values of past tokens and reuses them, so each step only computes them "
            "for the new token, which is much faster. But every layer keeps a key and a value for every "
            "token, so the cache grows with the length of each conversation; it trades compute for "
            "memory, and GPU memory now limits how many conversations fit."
        ),
        {"no-recompute": True, "memory-grows": True, "tradeoff": True},
        queued=False,
    ),
    Case(
        "llm-explain-kv-cache-tradeoff",
        "a partial answer",
        "The cache stores the keys and values so they are not recomputed, which makes it faster.",
        {"no-recompute": True, "memory-grows": False, "tradeoff": False},
        queued=False,
    ),
    Case(
        "llm-explain-kv-cache-tradeoff",
        "a short wrong answer",
        "The cache stores previous answers so the model can copy them.",
        {"no-recompute": False, "memory-grows": False, "tradeoff": False},
        queued=False,
    ),
    Case(
        "llm-explain-kv-cache-tradeoff",
        "a paraphrase the rubric was widened for",
        (
            "Attention needs the projections of all earlier positions; keeping them around means each new"
            " step only projects the latest position rather than redoing the whole history. Those kept "
            "projections sit in GPU RAM for every layer and every position of every chat, so big chats "
            "eat the room that more chats would have used."
        ),
        {"no-recompute": True, "memory-grows": True, "tradeoff": True},
        queued=False,
    ),
    Case(
        "llm-explain-kv-cache-tradeoff",
        "a non-native speaker's answer",
        (
            "Without cache, model compute again K and V for all previous tokens every step, it is "
            "quadratic. With cache we save the keys and values and only compute for the new token. But "
            "the cache size is proportional to sequence length and number of layers, so it uses a lot of "
            "GPU memory and fewer conversation fit."
        ),
        {"no-recompute": True, "memory-grows": True, "tradeoff": True},
        queued=False,
    ),
    Case(
        "llm-explain-kv-cache-tradeoff",
        "a paraphrase in words the rubric did not anticipate",
        (
            "Attention at each new position needs the projected versions of everything before it; holding"
            " on to those means each step projects just the newest position rather than redoing the whole"
            " history. The held projections sit in GPU RAM for every layer and every position of every "
            "chat, so long chats crowd out other chats."
        ),
        {"no-recompute": False, "memory-grows": True, "tradeoff": False},
        queued=True,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a full expert answer",
        (
            "Sampling is a random operation that is not differentiable with respect to μ and σ, so "
            "backpropagation stops at z and the encoder gets no gradient from the reconstruction loss. "
            "The trick draws ε from N(0, I) and computes z = μ + σ·ε. The randomness is now an input, and"
            " z is a deterministic, differentiable function of μ and σ, so the gradient flows back to the"
            " encoder."
        ),
        {"sampling-blocks": True, "rewrite": True, "gradient-flows": True},
        queued=False,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a partial answer",
        "You can't backpropagate through a random sample. The trick fixes this.",
        {"sampling-blocks": True, "rewrite": False, "gradient-flows": False},
        queued=False,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a short wrong answer",
        "Because the KL term is too large.",
        {"sampling-blocks": False, "rewrite": False, "gradient-flows": False},
        queued=False,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a paraphrase the rubric was widened for",
        (
            "Drawing z directly from the distribution is a dead end for the chain rule, since the draw "
            "has no slope with respect to the mean and spread. Instead you draw a standard Gaussian value"
            " and shift it by the mean and stretch it by the spread, so the mean and spread enter through"
            " plain arithmetic."
        ),
        {"sampling-blocks": True, "rewrite": True, "gradient-flows": True},
        queued=False,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a student's terse answer",
        (
            "sampling isnt differentiable so the gradient is blocked. instead z = mu + sigma * eps with "
            "eps from a standard normal, now z is deterministic given eps so backprop works"
        ),
        {"sampling-blocks": True, "rewrite": True, "gradient-flows": True},
        queued=False,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a paraphrase in words the rubric did not anticipate",
        (
            "The sampler is a black box to autograd: its output carries no link back to the numbers that "
            "set it. The trick redraws z as the centre the encoder predicts plus its spread times fixed "
            "unit-variance jitter, which keeps that link."
        ),
        {"sampling-blocks": False, "rewrite": False, "gradient-flows": False},
        queued=True,
    ),
    Case(
        "gen-explain-vae-reparameterisation",
        "a paraphrase the rubric was widened for",
        (
            "A dice roll has no slope, so autograd has nothing to follow from the decoder back into the "
            "encoder. Roll the dice on a fixed unit Gaussian first, then slide and stretch that draw with"
            " the encoder outputs; the dice now sit off to the side of the computation."
        ),
        {"sampling-blocks": True, "rewrite": True, "gradient-flows": True},
        queued=False,
    ),
    Case(
        "gen-explain-gan-mode-collapse",
        "a full expert answer",
        (
            "This is mode collapse. The generator is only rewarded for fooling the current discriminator "
            "one sample at a time, so once red tulips fool it, mapping every noise vector to them pays "
            "off, and nothing in its loss rewards diversity. One remedy is minibatch discrimination: the "
            "discriminator sees statistics of the whole batch, so it can detect that the samples are all "
            "alike and penalise the generator."
        ),
        {"names-it": True, "why": True, "remedy": True, "how-it-helps": True},
        queued=False,
    ),
    Case(
        "gen-explain-gan-mode-collapse",
        "a partial answer",
        "It is mode collapse. Use a Wasserstein GAN.",
        {"names-it": True, "why": False, "remedy": True, "how-it-helps": False},
        queued=False,
    ),
    Case(
        "gen-explain-gan-mode-collapse",
        "a short wrong answer",
        "The learning rate is too high.",
        {"names-it": False, "why": False, "remedy": False, "how-it-helps": False},
        queued=False,
    ),
    Case(
        "gen-explain-gan-mode-collapse",
        "a paraphrase the rubric was widened for",
        (
            "The generator found one kind of picture the discriminator currently accepts and sends every "
            "input there, since its loss looks at pictures one by one and never asks for variety. Letting"
            " the discriminator compare pictures within a batch lets it notice when they are all alike, "
            "which pushes the generator to spread out."
        ),
        {"names-it": False, "why": True, "remedy": True, "how-it-helps": True},
        queued=False,
    ),
    Case(
        "gen-explain-gan-mode-collapse",
        "a non-native speaker's answer",
        (
            "The generator learn to produce only one mode because it is enough to fool the discriminator,"
            " the loss do not care about diversity. To fix, we can use WGAN-GP, which give smoother "
            "gradient so the generator is pushed to cover all modes."
        ),
        {"names-it": True, "why": True, "remedy": True, "how-it-helps": True},
        queued=False,
    ),
    Case(
        "gen-explain-gan-mode-collapse",
        "a paraphrase in words the rubric did not anticipate",
        (
            "The generator learnt that one picture type slips past the judge every time, and since each "
            "fake is scored alone, churning out only that type is the easiest win. Giving the judge a "
            "view of several fakes at once lets it catch the sameness, so the generator has to spread "
            "out."
        ),
        {"names-it": False, "why": False, "remedy": False, "how-it-helps": True},
        queued=True,
    ),
]


def item(item_id: str) -> RubricItem:
    found = BANK.items[item_id]
    assert isinstance(found, RubricItem)
    return found


def expected_score(case: Case) -> float:
    rubric = item(case.item).rubric
    return sum(c.points for c in rubric if case.criteria[c.id]) / sum(c.points for c in rubric)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.item}: {c.who}" for c in CASES])
def test_an_answer_meets_the_criteria_a_teacher_would_tick_and_is_queued_only_when_in_doubt(
    case: Case,
) -> None:
    rubric_item = item(case.item)
    met = {r.criterion.id: r.met for r in rubric_item.assess(case.answer).results}
    assert met == case.criteria
    outcome = grade(rubric_item, case.answer)
    score = expected_score(case)
    assert (outcome.score, outcome.correct, outcome.needs_review) == (
        pytest.approx(score),
        score == 1.0,
        case.queued,
    )


@pytest.mark.parametrize("item_id", ITEMS)
def test_every_item_is_tried_with_an_expert_a_partial_a_wrong_and_an_unanticipated_answer(
    item_id: str,
) -> None:
    cases = {c.who: c for c in CASES if c.item == item_id}
    assert expected_score(cases["a full expert answer"]) == 1.0
    assert 0.0 < expected_score(cases["a partial answer"]) < 1.0
    wrong = cases["a short wrong answer"]
    assert expected_score(wrong) == 0.0 and not wrong.queued
    unanticipated = cases["a paraphrase in words the rubric did not anticipate"]
    assert unanticipated.queued or expected_score(unanticipated) > 0.0


@pytest.mark.parametrize("item_id", ITEMS)
def test_each_item_is_a_practice_free_text_item_whose_key_answer_needs_no_review(item_id: str) -> None:
    rubric_item = item(item_id)
    assert rubric_item.use == "practice" and rubric_item.domain == ITEMS[item_id]
    assert 3 <= len(rubric_item.rubric) <= 4 and rubric_item.problems() == []
    assert all(2 <= len(c.concepts) <= 5 for c in rubric_item.rubric)
    assert max(c.points for c in rubric_item.rubric) > min(c.points for c in rubric_item.rubric)
    outcome = grade(rubric_item, rubric_item.key_answer())
    assert outcome.correct and not outcome.needs_review


def test_the_items_cover_all_seven_domains_one_or_two_each() -> None:
    counts = {domain: list(ITEMS.values()).count(domain) for domain in set(ITEMS.values())}
    assert len(counts) == 7 and set(counts.values()) <= {1, 2}

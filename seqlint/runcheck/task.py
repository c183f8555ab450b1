"""The file's own task, as ``seqlint run --train`` rebuilds it: data shapes, value ranges, label
kinds and training settings read from the IR, and synthetic data of that task.

The targets are made by a *generator of the task*, never by the model's architecture: each
sample mixes a few latent factors, each factor has its own input prototype (a pattern for real
inputs, a slice of the vocabulary for token ids), and the target is the dominant factor
(classifiers) or a smooth function of the factors (regression). Any sensible model of the task
can learn that; a model that cannot learn it has a problem the user can act on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy

from seqlint.ir import ArrayInfo, InputDecl, LayerCall, ModelIR

# The experiment's size never depends on speed: the same file and seed give the same data.
N_TRAIN = 256
N_VAL = 128
MAX_EPOCHS = 80
FILE_EPOCH_CAP = 200  # a file's fit(epochs=...) can raise the limit up to this
LARGE_INPUT = 8192  # inputs with more values than this get half the samples
FACTORS = 4  # latent factors of a regression task


@dataclass
class Task:
    """What the run trains on; ``sources`` says where each part came from."""

    input_shape: tuple[int, ...]
    loss_kind: str  # binary | categorical | sparse | regression | other
    n_classes: int | None = None
    tokens: bool = False  # integer ids into an Embedding
    x_low: float | None = None
    x_high: float | None = None
    y_low: float | None = None
    y_high: float | None = None
    per_step: bool = False  # one target per position of the output
    autoencoder: bool = False  # fit(x, x)
    labels_per_sample: bool | None = None  # what the file's labels are, when known
    labels_shuffled: bool = False  # the file shuffles x or y alone: pairs are broken
    batch_size: int = 32
    file_epochs: int | None = None
    n_train: int = N_TRAIN
    n_val: int = N_VAL
    sources: list[str] = field(default_factory=list)
    text: TextInput | None = None  # the model's first layer takes strings


def epoch_limit(file_epochs: int | None) -> int:
    """Epochs the experiment may train: ``MAX_EPOCHS``, or more when the file's ``fit()`` asks
    for more (a model its author knows to learn slowly), capped at ``FILE_EPOCH_CAP``. Fewer
    never: the synthetic set is smaller than the file's data, so its epochs are shorter."""
    return min(max(MAX_EPOCHS, file_epochs or 0), FILE_EPOCH_CAP)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def first_embedding(model: ModelIR) -> LayerCall | None:
    """The Embedding the input goes into first (ids), if the model starts with one."""
    for entry in model.entries:
        item = entry.item
        if isinstance(item, InputDecl) or (
            isinstance(item, LayerCall) and item.class_name == "InputLayer"
        ):
            continue
        if isinstance(item, ModelIR):
            return first_embedding(item)
        if isinstance(item, LayerCall) and item.class_name == "Embedding":
            return item
        return None
    return None


def embedding_vocab(model: ModelIR, assume: bool = True) -> int | None:
    """The first Embedding's ``input_dim``; when the file reads it from data, the size the run
    assumes (``runcheck.build``), unless ``assume`` is False (then None: no claim about
    token ids past the vocabulary can be made)."""
    call = first_embedding(model)
    if call is None or call.bound is None:
        return None
    found = _int(call.bound.values.get("input_dim"))
    if found is None and assume:
        from seqlint.runcheck.build import ASSUMED_SIZES

        return ASSUMED_SIZES["input_dim"]
    return found


def read_task(
    model: ModelIR,
    input_shape: tuple[int, ...],
    output_shape: tuple[int | None, ...],
    loss_kind: str,
    batch_size: int | None,
) -> Task:
    """The task the file trains ``model`` on, as far as the IR says."""
    task = Task(input_shape=input_shape, loss_kind=loss_kind)
    fit = model.fit_call
    x = y = None
    if fit is not None and fit.method == "fit" and not fit.opaque:
        x, y = fit.arg(0, "x"), fit.arg(1, "y")
        bs = _int(fit.arg(2, "batch_size"))
        epochs = _int(fit.arg(3, "epochs"))
        if bs is not None and bs > 0:
            task.batch_size = bs
            task.sources.append(f"batch_size={bs} from fit() at line {fit.loc.line}")
        if epochs is not None and epochs > 0:
            task.file_epochs = epochs
            if epochs > MAX_EPOCHS:
                task.sources.append(
                    f"up to {min(epochs, FILE_EPOCH_CAP)} epochs from fit(epochs={epochs}) at "
                    f"line {fit.loc.line}"
                )
    if batch_size is not None:
        task.batch_size = batch_size
    if math.prod(input_shape) > LARGE_INPUT:
        task.n_train, task.n_val = N_TRAIN // 2, N_VAL // 2
    task.batch_size = max(1, min(task.batch_size, task.n_train // 4))
    vocab = embedding_vocab(model)
    task.tokens = vocab is not None
    # a single value (np.zeros) is what arrays filled in later start as: no range at all
    if isinstance(x, ArrayInfo) and x.low != x.high:
        task.x_low, task.x_high = x.low, x.high
        if x.low is not None and x.high is not None and fit is not None:
            where = x.loc.line or fit.loc.line
            task.sources.append(f"inputs in [{_num(x.low)}, {_num(x.high)}] (line {where})")
    if task.tokens:
        if task.x_high is None or task.x_low is None or embedding_vocab(model, False) is None:
            # (an assumed vocabulary: the file's ids belong to the one it did not show)
            task.x_low, task.x_high = 1.0, float(vocab - 1)  # type: ignore[operator]
        task.x_low = max(task.x_low, 1.0)  # 0 is the padding id
        task.x_high = max(task.x_high, task.x_low)
    out_rank = len(output_shape) - 1
    if isinstance(y, ArrayInfo) and x is not None and y is x:
        task.autoencoder = True
    if isinstance(x, ArrayInfo) and isinstance(y, ArrayInfo) and x.permuted != y.permuted:
        task.labels_shuffled = True
    if isinstance(y, ArrayInfo):
        if y.low != y.high:
            task.y_low, task.y_high = y.low, y.high
        if y.n_classes is not None and loss_kind in ("sparse", "categorical"):
            task.n_classes = y.n_classes
        if y.shape is not None:
            label_rank = len(y.shape) - 1
            if loss_kind == "categorical" or (y.encoding == "onehot"):
                label_rank -= 1  # the class axis
            elif label_rank >= 1 and y.shape[-1] == 1:
                label_rank -= 1  # (n, 1): one label per sample
            if out_rank == 1:
                label_rank = 0  # (n, k) targets of a k-unit head are per sample
            task.labels_per_sample = label_rank == 0
    if loss_kind in ("sparse", "categorical") and task.n_classes is None:
        task.n_classes = max(int(output_shape[-1] or 2), 2)
    if loss_kind == "binary":
        task.n_classes = 2
    if task.autoencoder:
        task.per_step = True
    elif task.labels_per_sample is None:
        task.per_step = out_rank >= 2  # the targets follow the model when the file hides them
    else:
        task.per_step = not task.labels_per_sample
    return task


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else format(v, ".4g")


# ---- synthesis ----------------------------------------------------------------------------


def synthesize(
    task: Task,
    output_shape: tuple[int | None, ...],
    rng: numpy.random.Generator,
    dtype: Any,
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(x, y, x_val, y_val) of the task: train and validation come from one generator."""
    n = task.n_train + task.n_val
    out = tuple(int(d) for d in output_shape[1:])  # type: ignore[arg-type]
    classifier = task.loss_kind in ("sparse", "categorical", "binary")
    # a regression's latent factors must be recoverable from its inputs: no more factors than
    # input values (a one-feature regression has one)
    k = (task.n_classes or 2) if classifier else min(FACTORS, math.prod(task.input_shape))
    if classifier:
        # balanced in training and in held-out samples alike
        parts = [numpy.arange(m) % k for m in (task.n_train, task.n_val)]
        for part in parts:
            rng.shuffle(part)
        labels = numpy.concatenate(parts)
        weights = numpy.eye(k)[labels]
    else:
        labels = None
        # mostly one factor per sample: targets vary across samples as much as inputs do (one
        # factor varies in strength instead)
        weights = (
            rng.dirichlet(numpy.ones(k) * 0.2, size=n) if k > 1 else rng.uniform(-1, 1, (n, 1))
        )
    x = _inputs(task, weights, rng, dtype)
    if task.autoencoder:
        y = x.astype(dtype)
    elif task.per_step:
        y = _per_step_targets(task, x, out, rng, dtype)
    elif classifier:
        assert labels is not None
        y = _labels(task, labels, out, dtype)
    else:
        mix = rng.normal(size=(k, out[-1] if out else 1))
        if k == 1:  # the one factor must show in the targets
            mix = numpy.sign(mix) + mix
        raw = weights @ mix + 0.3 * numpy.sin(3.0 * weights @ rng.normal(size=(k, mix.shape[1])))
        y = _scaled(raw, task).reshape(n, *out).astype(dtype)
    t = task.n_train
    if task.labels_shuffled:  # as the file does: the targets no longer belong to the inputs
        y = numpy.concatenate([rng.permutation(y[:t]), rng.permutation(y[t:])])
    return x[:t], y[:t], x[t:], y[t:]


def _inputs(
    task: Task, weights: numpy.ndarray, rng: numpy.random.Generator, dtype: Any
) -> numpy.ndarray:
    n, k = weights.shape
    shape = task.input_shape
    if task.text is not None:
        return string_inputs(task.text, shape, weights, rng)[0]
    # each name holds a token-branch value or a float-branch value
    low: float | None
    high: float | None
    noise: numpy.ndarray | float
    if task.tokens:
        low, high = int(task.x_low or 1), int(task.x_high or 1)
        width = max(1, (high - low + 1) // k)
        # each position picks a factor by its weight, then a token from that factor's slice
        cum = weights.cumsum(axis=1)
        pick = (rng.random((n, *shape, 1)) > cum.reshape(n, *([1] * len(shape)), k)).sum(-1)
        pick = numpy.minimum(pick, k - 1)
        tokens = low + pick * width + rng.integers(0, width, size=(n, *shape))
        noise = rng.integers(low, high + 1, size=(n, *shape))
        keep = rng.random((n, *shape)) < 0.7
        return numpy.where(keep, numpy.minimum(tokens, high), noise)
    prototypes = _smooth(rng.normal(size=(k, *shape)), rng)
    # an offset per class and channel survives global pooling
    offsets = rng.normal(size=(k,) + (1,) * (len(shape) - 1) + (shape[-1],))
    prototypes += 1.5 * offsets
    if k == 1:  # the one factor must show in the inputs, above the noise
        prototypes *= 4.0 / max(float(numpy.sqrt(numpy.mean(prototypes**2))), 1e-6)
    elif math.prod(shape) < FACTORS and task.loss_kind in ("sparse", "categorical", "binary"):
        # one to three input values: random prototypes can fall on top of each other, so the
        # classes are spread evenly along them (any sensible model separates them)
        spread = numpy.linspace(-3.0, 3.0, k)[rng.permutation(k)]
        prototypes = numpy.broadcast_to(spread.reshape(k, *([1] * len(shape))), (k, *shape))
    noise = 0.1 if task.autoencoder else 0.5
    z = numpy.tensordot(weights, prototypes, axes=1) + noise * rng.normal(size=(n, *shape))
    low, high = task.x_low, task.x_high
    if low is not None and high is not None and high > low:
        z = low + (high - low) / (1.0 + numpy.exp(-z))  # inside the file's value range
    return z.astype(dtype)


def _smooth(patterns: numpy.ndarray, rng: numpy.random.Generator) -> numpy.ndarray:
    """Patterns that vary slowly along the spatial/time axes (all but the first and the last),
    like images and signals do: drawn on a grid 4 times coarser and repeated."""
    spatial = patterns.shape[1:-1]
    if not spatial or min(spatial) < 8:
        return patterns
    coarse = rng.normal(
        size=(patterns.shape[0], *(-(-d // 4) for d in spatial), patterns.shape[-1])
    )
    for axis, size in enumerate(spatial, start=1):
        coarse = numpy.repeat(coarse, 4, axis=axis).take(range(size), axis=axis)
    return 0.7 * coarse + 0.3 * patterns


def _labels(task: Task, labels: numpy.ndarray, out: tuple[int, ...], dtype: Any) -> numpy.ndarray:
    n = len(labels)
    if task.loss_kind == "sparse":
        return labels.reshape(n, *([1] * (len(out) - 1))) if len(out) > 1 else labels
    if task.loss_kind == "categorical":
        return numpy.eye(out[-1], dtype=dtype)[labels % out[-1]]
    y = labels.astype(dtype).reshape(n, 1)
    return numpy.repeat(y, out[-1], axis=1) if out and out[-1] > 1 else y


def _per_step_targets(
    task: Task,
    x: numpy.ndarray,
    out: tuple[int, ...],
    rng: numpy.random.Generator,
    dtype: Any,
) -> numpy.ndarray:
    """A target per position: a fixed function of the input at that position."""
    n = len(x)
    positions = out[:-1]
    if task.text is not None:  # text: one position per word, featured by the word's group
        index = {w: i for i, w in enumerate(task.text.words)}
        ids = numpy.array(
            [[index.get(w, 0) for v in row for w in str(v).split(" ")] for row in x.reshape(n, -1)]
        )
        feats = numpy.eye(8)[ids * 8 // max(1, len(index))]
    else:
        feats = x.astype(numpy.float64)
    if task.tokens:
        width = max(1.0, ((task.x_high or 1) - (task.x_low or 0) + 1) / 8)
        feats = numpy.eye(8)[((feats - (task.x_low or 0)) // width).astype(int) % 8]
    elif feats.ndim == 2:
        feats = feats[..., None]
    if tuple(feats.shape[1:-1]) != positions:
        # positions differ from the input's: every position carries the sample's summary
        summary = feats.reshape(n, -1, feats.shape[-1]).mean(axis=1)
        feats = numpy.broadcast_to(
            summary.reshape(n, *([1] * len(positions)), -1), (n, *positions, summary.shape[-1])
        )
    feats = (feats - feats.mean()) / (feats.std() or 1.0)
    units = out[-1]
    if task.loss_kind in ("sparse", "categorical"):
        classes = task.n_classes or units
        scores = feats @ rng.normal(size=(feats.shape[-1], classes))
        labels = scores.argmax(axis=-1)
        if task.loss_kind == "sparse":
            return labels
        return numpy.eye(units, dtype=dtype)[labels % units]
    scores = numpy.tanh(feats @ rng.normal(size=(feats.shape[-1], units)))
    if task.loss_kind == "binary":
        return (scores > numpy.median(scores)).astype(dtype)
    return _scaled(scores, task).astype(dtype)


def _scaled(raw: numpy.ndarray, task: Task) -> numpy.ndarray:
    """Targets standardised, or spread over the file's target range when it is known."""
    centred = (raw - raw.mean()) / (raw.std() or 1.0)
    low, high = task.y_low, task.y_high
    if low is not None and high is not None and high > low:
        span = (centred - centred.min()) / ((centred.max() - centred.min()) or 1.0)
        return low + (high - low) * span
    return centred


# ---- string inputs ------------------------------------------------------------------------

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
TEXT_WORDS = 200  # words of the synthetic language when the file gives no vocabulary


@dataclass
class TextInput:
    """A model whose first layer takes strings: the words its synthetic text is made of, and
    how many words each input value holds (1 for a term lookup)."""

    words: list[str]
    per_value: int
    source: str


def _layers(model: ModelIR) -> list[Any]:
    """The model's layer calls in order, past the declared input (nested models flattened)."""
    out: list[Any] = []
    for entry in model.entries:
        item = entry.item
        if isinstance(item, InputDecl) or (
            isinstance(item, LayerCall) and item.class_name == "InputLayer"
        ):
            continue
        out += _layers(item) if isinstance(item, ModelIR) else [item]
    return out


def _first_layer(model: ModelIR) -> LayerCall | None:
    items = _layers(model)
    return items[0] if items and isinstance(items[0], LayerCall) else None


def _strings(value: Any) -> list[str] | None:
    """A literal list of strings written in the file (``["one two", ...]``), else None."""
    items = getattr(value, "items", value)
    if isinstance(items, (list, tuple)) and items and all(isinstance(w, str) for w in items):
        return list(items)
    return None


def _words_of(texts: list[str], split: bool) -> list[str]:
    """The distinct words of ``texts`` as TextVectorization's default standardize and split
    see them (terms as they are for a lookup)."""
    if not split:
        return list(dict.fromkeys(t for t in texts if t))
    punctuation = str.maketrans("", "", "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'")
    words = [w for t in texts for w in t.lower().translate(punctuation).split()]
    return list(dict.fromkeys(words))


def _pseudo_words(count: int) -> list[str]:
    """Distinct lower-case two-syllable words (``ba``+``de``...), unchanged by any
    ``standardize`` mode."""
    m = len(_SYLLABLES)
    return [_SYLLABLES[i % m] + _SYLLABLES[(i // m + 7 * i) % m] for i in range(count)]


def text_input(model: ModelIR) -> TextInput | None:
    """What a text model's inputs are made of: the first layer's ``vocabulary=`` words, else
    the words of the literal strings the file adapts it on, else a synthetic language; never
    more words than ``max_tokens`` leaves room for."""
    from seqlint.layers import get_layer

    items = _layers(model)
    call = items[0] if items and isinstance(items[0], LayerCall) else None
    definition = None if call is None else get_layer(call.class_name)
    if call is None or definition is None or not definition.has("text_input"):
        return None
    values = call.bound.values if call.bound is not None else {}
    split = definition.name == "TextVectorization" and values.get("split", "whitespace") is not None
    per_value = 1
    if split:
        length = _int(values.get("output_sequence_length"))
        per_value = min(max(length or 8, 1), 64)
    limit = TEXT_WORDS
    max_tokens = _int(values.get("max_tokens"))
    if max_tokens is not None:
        limit = min(limit, max_tokens - 2)  # the padding/mask and OOV ids come first
    # an Embedding after it does not cap the words: a vocabulary larger than its input_dim
    # overflows in Keras too, which the run then reports
    limit = max(limit, 2)
    given = _strings(values.get("vocabulary"))
    if given is not None:
        words = [w for w in dict.fromkeys(given) if w.strip()]
        if len(words) >= 2:
            return TextInput(words, per_value, f"{len(words)} words of its vocabulary= list")
    adapted = [_strings(data) for data, _, _ in call.adapt_calls]
    texts = [t for group in adapted if group is not None for t in group]
    words = _words_of(texts, split)[:limit]
    if len(words) >= 2:
        return TextInput(words, per_value, f"the {len(words)} words the file adapts it on")
    return TextInput(_pseudo_words(limit), per_value, f"{limit} synthetic words")


def string_inputs(
    text: TextInput,
    shape: tuple[int, ...],
    weights: numpy.ndarray,
    rng: numpy.random.Generator,
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Strings of ``shape`` per sample and the word ids they are made of: as for token ids,
    each latent factor owns a slice of the words, and most words of a sample come from its
    dominant factor's slice (the rest are noise), so the text carries the task's signal."""
    n, k = weights.shape
    words = numpy.array(text.words, dtype=object)
    width = max(1, len(words) // k)
    grid = (n, *shape, text.per_value)
    cum = weights.cumsum(axis=1)
    pick = (rng.random((*grid, 1)) > cum.reshape(n, *([1] * (len(grid) - 1)), k)).sum(-1)
    pick = numpy.minimum(pick, k - 1)
    ids = numpy.minimum(pick * width + rng.integers(0, width, size=grid), len(words) - 1)
    noise = rng.integers(0, len(words), size=grid)
    # a value of one term is all a sample says: less noise, or the labels themselves are noise
    keep = 0.7 if text.per_value > 1 else 0.9
    ids = numpy.where(rng.random(grid) < keep, ids, noise)
    # every word at least once: an adapt() on any of these inputs learns the same vocabulary
    # (the same width of encoded outputs), whatever the number of samples
    missing = numpy.setdiff1d(numpy.arange(len(words)), ids)
    if len(missing):
        spots = rng.choice(ids.size, size=min(len(missing), ids.size), replace=False)
        ids.reshape(-1)[spots] = missing[: len(spots)]
    flat = ids.reshape(-1, text.per_value)
    strings = numpy.array([" ".join(words[row]) for row in flat], dtype=object)
    return strings.reshape(n, *shape), ids


def adapt_corpus(
    model: ModelIR, text: TextInput | None, shape: tuple[int, ...], seed: int
) -> numpy.ndarray | None:
    """Inputs for a first ``adapt()`` and the forward probe before the training inputs exist,
    when the model's first layer is adapted by the file (a Discretization cannot run before
    it, a vocabulary can size the next layer) or takes text; ``None`` otherwise. Drawn from
    their own generator: the run's data stream is not disturbed."""
    rng = numpy.random.default_rng([seed, 7])
    if text is not None:  # about 4,096 strings at most, whatever the input shape
        count = max(2, min(64, 4096 // max(1, math.prod(shape))))
        weights = rng.dirichlet(numpy.ones(FACTORS), size=count)
        return string_inputs(text, shape, weights, rng)[0]
    if not first_layer_adapted(model):
        return None
    return rng.normal(size=(64, *shape))


def first_layer_adapted(model: ModelIR) -> bool:
    """Whether the file calls ``adapt()`` on the model's first layer."""
    first = _first_layer(model)
    return first is not None and bool(first.adapt_calls)

"""Names Keras 3 accepts for string identifiers (activation, padding, initializers, losses, ...).

The name sets below were enumerated from Keras 3.15.1 (``keras.activations.get``,
``keras.initializers.get``, ``keras.regularizers.get``, ``keras.constraints.get``,
``keras.optimizers.get``, ``keras.losses.get``, ``keras.metrics.get`` and the shortcuts that
``compile()`` resolves itself). How each kind is matched:

* activations, regularizers, constraints, losses, metrics: an exact, case-sensitive dictionary
  look-up (``"relu"``, ``"MSE"`` and ``"mse"`` are known, ``"Relu"`` and ``"Mse"`` are not);
* initializers: the same, through Keras's deserialiser (which also consults registered custom
  objects);
* optimizers: case-insensitive (``"Adam"``, ``"ADAM"``, ``"adam"``);
* ``compile(loss=...)`` also takes ``"crossentropy"`` / ``"ce"``, and ``compile(metrics=...)``
  ``"accuracy"`` / ``"acc"``, both in any case;
* ``padding`` / ``data_format``: lower-cased first (pooling layers: lower case only);
  ``"causal"`` padding only for ``Conv1D``.
"""

from __future__ import annotations

from typing import NamedTuple

# keras.activations.get(name) succeeds for exactly these (Keras 3.15, case-sensitive).
ACTIVATIONS = frozenset(
    {
        "celu",
        "elu",
        "exponential",
        "gelu",
        "glu",
        "hard_shrink",
        "hard_sigmoid",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "linear",
        "log_sigmoid",
        "log_softmax",
        "mish",
        "relu",
        "relu6",
        "selu",
        "sigmoid",
        "silu",
        "soft_shrink",
        "softmax",
        "softplus",
        "softsign",
        "sparse_plus",
        "sparse_sigmoid",
        "sparsemax",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
        "threshold",
    }
)

# keras.initializers.get(name) (case-sensitive; class names, their snake_case and old aliases).
INITIALIZERS = frozenset(
    {
        "Constant",
        "GlorotNormal",
        "GlorotUniform",
        "HeNormal",
        "HeUniform",
        "Identity",
        "IdentityInitializer",
        "Initializer",
        "LecunNormal",
        "LecunUniform",
        "Ones",
        "Orthogonal",
        "OrthogonalInitializer",
        "RandomNormal",
        "RandomUniform",
        "STFT",
        "STFTInitializer",
        "TruncatedNormal",
        "VarianceScaling",
        "Zeros",
        "constant",
        "glorot_normal",
        "glorot_uniform",
        "he_normal",
        "he_uniform",
        "identity",
        "initializer",
        "lecun_normal",
        "lecun_uniform",
        "normal",
        "one",
        "ones",
        "orthogonal",
        "random_normal",
        "random_uniform",
        "stft",
        "truncated_normal",
        "uniform",
        "variance_scaling",
        "zero",
        "zeros",
    }
)

# keras.regularizers.get(name) (case-sensitive).
REGULARIZERS = frozenset(
    {
        "L1",
        "L1L2",
        "L2",
        "OrthogonalRegularizer",
        "Regularizer",
        "l1",
        "l1l2",
        "l2",
        "orthogonal_regularizer",
        "regularizer",
    }
)

# keras.constraints.get(name) (case-sensitive).
CONSTRAINTS = frozenset(
    {
        "Constraint",
        "MaxNorm",
        "MinMaxNorm",
        "NonNeg",
        "UnitNorm",
        "constraint",
        "max_norm",
        "min_max_norm",
        "non_neg",
        "unit_norm",
    }
)

# keras.optimizers.get(name): these class names, compared case-insensitively.
OPTIMIZERS = frozenset(
    {
        "Adadelta",
        "Adafactor",
        "Adagrad",
        "Adam",
        "AdamW",
        "Adamax",
        "Ftrl",
        "Lion",
        "LossScaleOptimizer",
        "Muon",
        "MultiOptimizer",
        "Nadam",
        "Optimizer",
        "OptimizerMap",
        "RMSprop",
        "SGD",
        "ScheduleFreeAdamW",
    }
)
_OPTIMIZERS_LOWER = frozenset(n.lower() for n in OPTIMIZERS)

# keras.losses.get(name) (case-sensitive).
LOSSES = frozenset(
    {
        "BCE",
        "BinaryCrossentropy",
        "BinaryFocalCrossentropy",
        "CTC",
        "CategoricalCrossentropy",
        "CategoricalFocalCrossentropy",
        "CategoricalHinge",
        "Circle",
        "CosineSimilarity",
        "Dice",
        "Hinge",
        "Huber",
        "KLD",
        "KLDivergence",
        "LogCosh",
        "Loss",
        "LossFunctionWrapper",
        "MAE",
        "MAPE",
        "MSE",
        "MSLE",
        "MeanAbsoluteError",
        "MeanAbsolutePercentageError",
        "MeanSquaredError",
        "MeanSquaredLogarithmicError",
        "Poisson",
        "SparseCategoricalCrossentropy",
        "SquaredHinge",
        "Tversky",
        "bce",
        "binary_crossentropy",
        "binary_focal_crossentropy",
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "categorical_hinge",
        "circle",
        "cosine_similarity",
        "ctc",
        "dice",
        "hinge",
        "huber",
        "kl_divergence",
        "kld",
        "log_cosh",
        "mae",
        "mape",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_error",
        "mean_squared_logarithmic_error",
        "mse",
        "msle",
        "poisson",
        "sparse_categorical_crossentropy",
        "squared_hinge",
        "tversky",
    }
)
# compile(loss=...) picks binary / categorical / sparse cross-entropy itself for these (any case).
LOSS_SHORTCUTS = frozenset({"crossentropy", "ce"})

# keras.metrics.get(name) (case-sensitive).
METRICS = frozenset(
    {
        "AUC",
        "Accuracy",
        "BCE",
        "BinaryAccuracy",
        "BinaryCrossentropy",
        "BinaryIoU",
        "CategoricalAccuracy",
        "CategoricalCrossentropy",
        "CategoricalHinge",
        "ConcordanceCorrelation",
        "CosineSimilarity",
        "F1Score",
        "FBetaScore",
        "FalseNegatives",
        "FalsePositives",
        "Hinge",
        "IoU",
        "KLDivergence",
        "LogCoshError",
        "MAE",
        "MAPE",
        "MSE",
        "MSLE",
        "Mean",
        "MeanAbsoluteError",
        "MeanAbsolutePercentageError",
        "MeanIoU",
        "MeanMetricWrapper",
        "MeanSquaredError",
        "MeanSquaredLogarithmicError",
        "Metric",
        "OneHotIoU",
        "OneHotMeanIoU",
        "PearsonCorrelation",
        "Poisson",
        "Precision",
        "PrecisionAtRecall",
        "R2Score",
        "Recall",
        "RecallAtPrecision",
        "RootMeanSquaredError",
        "SensitivityAtSpecificity",
        "SparseCategoricalAccuracy",
        "SparseCategoricalCrossentropy",
        "SparseTopKCategoricalAccuracy",
        "SpecificityAtSensitivity",
        "SquaredHinge",
        "Sum",
        "TopKCategoricalAccuracy",
        "TrueNegatives",
        "TruePositives",
        "accuracy",
        "auc",
        "bce",
        "binary_accuracy",
        "binary_crossentropy",
        "binary_io_u",
        "categorical_accuracy",
        "categorical_crossentropy",
        "categorical_hinge",
        "concordance_correlation",
        "cosine_similarity",
        "f1_score",
        "f_beta_score",
        "false_negatives",
        "false_positives",
        "hinge",
        "io_u",
        "kl_divergence",
        "log_cosh_error",
        "mae",
        "mape",
        "mean",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_io_u",
        "mean_metric_wrapper",
        "mean_squared_error",
        "mean_squared_logarithmic_error",
        "metric",
        "mse",
        "msle",
        "one_hot_io_u",
        "one_hot_mean_io_u",
        "pearson_correlation",
        "poisson",
        "precision",
        "precision_at_recall",
        "r2_score",
        "recall",
        "recall_at_precision",
        "root_mean_squared_error",
        "sensitivity_at_specificity",
        "sparse_categorical_accuracy",
        "sparse_categorical_crossentropy",
        "sparse_top_k_categorical_accuracy",
        "specificity_at_sensitivity",
        "squared_hinge",
        "sum",
        "top_k_categorical_accuracy",
        "true_negatives",
        "true_positives",
    }
)
# compile(metrics=[...]) picks binary / categorical / sparse accuracy itself for these (any case).
METRIC_SHORTCUTS = frozenset({"accuracy", "acc"})

PADDINGS = frozenset({"valid", "same", "causal"})
DATA_FORMATS = frozenset({"channels_last", "channels_first"})

# Accepted, but not worth proposing as a replacement (base classes, objects that need
# constructor arguments, compatibility spellings).
_NOT_SUGGESTED = frozenset(
    {
        "Initializer",
        "initializer",
        "IdentityInitializer",
        "OrthogonalInitializer",
        "STFT",
        "STFTInitializer",
        "stft",
        "Constant",
        "constant",
        "Regularizer",
        "regularizer",
        "OrthogonalRegularizer",
        "orthogonal_regularizer",
        "Constraint",
        "constraint",
        "Optimizer",
        "LossScaleOptimizer",
        "MultiOptimizer",
        "OptimizerMap",
        "Loss",
        "LossFunctionWrapper",
        "Metric",
        "metric",
        "MeanMetricWrapper",
        "mean_metric_wrapper",
        "IoU",
        "io_u",
        "MeanIoU",
        "mean_io_u",
        "OneHotIoU",
        "one_hot_io_u",
        "OneHotMeanIoU",
        "one_hot_mean_io_u",
        "PrecisionAtRecall",
        "precision_at_recall",
        "RecallAtPrecision",
        "recall_at_precision",
        "SensitivityAtSpecificity",
        "sensitivity_at_specificity",
        "SpecificityAtSensitivity",
        "specificity_at_sensitivity",
    }
)

# Well-known names that Keras 3 no longer (or never) accepted, and what to write instead.
# Spelling distance alone would propose something unrelated for several of them
# ("rmse" is closest to "mse").
_RENAMED: dict[str, dict[str, str]] = {
    "activation": {
        "lrelu": "leaky_relu",
        "leakyrelu": "leaky_relu",
        "none": "linear",
        "identity": "linear",
    },
    "initializer": {},
    "regularizer": {"l1_l2": "l1l2"},
    "constraint": {
        "maxnorm": "max_norm",
        "nonneg": "non_neg",
        "unitnorm": "unit_norm",
        "minmaxnorm": "min_max_norm",
        "min_max_norm": "min_max_norm",
    },
    "optimizer": {},
    "loss": {
        "logcosh": "log_cosh",
        "huber_loss": "huber",
        "kullback_leibler_divergence": "kl_divergence",
        "kl_div": "kl_divergence",
        "cosine_proximity": "cosine_similarity",
        "cosine": "cosine_similarity",
        "sparse_categorical_cross_entropy": "sparse_categorical_crossentropy",
        "categorical_cross_entropy": "categorical_crossentropy",
        "binary_cross_entropy": "binary_crossentropy",
    },
    "metric": {
        "rmse": "root_mean_squared_error",
        "f1": "f1_score",
        "logcosh": "log_cosh_error",
        "log_cosh": "log_cosh_error",
        "kld": "kl_divergence",
        "kullback_leibler_divergence": "kl_divergence",
        "cosine_proximity": "cosine_similarity",
        "cosine": "cosine_similarity",
        "top_k_accuracy": "top_k_categorical_accuracy",
        "r2": "r2_score",
    },
    "padding": {},
    "data_format": {},
}

# Names Keras 2 (``tf_keras``, TF <= 2.15) still resolved and Keras 3 does not: a file that
# explicitly runs on Keras 2 may use them.
KERAS2_ONLY: dict[str, frozenset[str]] = {
    "loss": frozenset({"logcosh", "huber_loss", "kullback_leibler_divergence"}),
    "metric": frozenset({"logcosh", "log_cosh", "kld", "KLD", "kullback_leibler_divergence"}),
    "constraint": frozenset({"maxnorm", "nonneg", "unitnorm", "minmaxnorm"}),
    "regularizer": frozenset({"l1_l2"}),
    # Keras 2 lower-cases every padding (its conv_utils.normalize_padding); Keras 3 only a
    # convolution's, so MaxPooling2D(padding="SAME") fails there (TensorFlow Probability's
    # examples, on tf_keras)
    "padding": frozenset({"SAME", "VALID", "Same", "Valid"}),
}

# What each kind is called in messages, and what Keras raises for an unknown name.
KIND_TITLES = {
    "activation": "activation",
    "initializer": "initializer",
    "regularizer": "regularizer",
    "constraint": "constraint",
    "optimizer": "optimizer",
    "loss": "loss",
    "metric": "metric",
    "padding": "padding",
    "data_format": "data format",
}


def param_kind(param: str) -> str | None:
    """Which identifier kind a layer argument takes (``"kernel_initializer"`` -> initializer)."""
    if param in ("activation", "recurrent_activation"):
        return "activation"
    if param.endswith("_initializer"):
        return "initializer"
    if param.endswith("_regularizer"):
        return "regularizer"
    if param.endswith("_constraint"):
        return "constraint"
    if param in ("padding", "data_format"):
        return param
    return None


def _paddings(layer: str | None) -> frozenset[str]:
    if layer is None or layer == "Conv1D":
        return PADDINGS
    return frozenset({"valid", "same"})


def accepted(kind: str, value: str, layer: str | None = None) -> bool:
    """True when Keras 3 resolves ``value`` for an identifier of this kind.

    ``layer`` (the canonical class name) narrows ``padding``: ``"causal"`` is Conv1D's alone.
    Without it every layer's padding modes count. Unknown kinds accept everything.
    """
    if kind == "activation":
        return value in ACTIVATIONS
    if kind == "initializer":
        return value in INITIALIZERS
    if kind == "regularizer":
        return value in REGULARIZERS
    if kind == "constraint":
        return value in CONSTRAINTS
    if kind == "optimizer":
        return value.lower() in _OPTIMIZERS_LOWER
    if kind == "loss":
        return value in LOSSES or value.lower() in LOSS_SHORTCUTS
    if kind == "metric":
        return value in METRICS or value.lower() in METRIC_SHORTCUTS
    if kind == "padding":
        if layer in _CASE_SENSITIVE_PADDING:
            return value in _paddings(layer)
        return value.lower() in _paddings(layer)
    if kind == "data_format":
        return value.lower() in DATA_FORMATS
    return True


# Pooling layers hand ``padding`` to the backend as written, which takes only lower case
# (Keras 3.15.1 / TF: ``MaxPooling2D(2, padding="Same")`` fails when the layer is called;
# convolutions lower-case it first).
_CASE_SENSITIVE_PADDING = frozenset(
    f"{kind}Pooling{rank}D" for kind in ("Max", "Average") for rank in (1, 2, 3)
)


def bad_identifier(param: str, value: object, layer: str | None = None) -> bool:
    """True when Keras would reject this string for this layer argument at construction."""
    if not isinstance(value, str):
        return False
    kind = param_kind(param)
    return kind is not None and not accepted(kind, value, layer)


def _names(kind: str, layer: str | None) -> frozenset[str]:
    if kind == "activation":
        return ACTIVATIONS
    if kind == "initializer":
        return INITIALIZERS
    if kind == "regularizer":
        return REGULARIZERS
    if kind == "constraint":
        return CONSTRAINTS
    if kind == "optimizer":
        return OPTIMIZERS | _OPTIMIZERS_LOWER
    if kind == "loss":
        return LOSSES
    if kind == "metric":
        return METRICS | METRIC_SHORTCUTS
    if kind == "padding":
        return _paddings(layer)
    if kind == "data_format":
        return DATA_FORMATS
    return frozenset()


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent transposition as one edit (optimal string alignment)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


class Suggestions(NamedTuple):
    """Replacements for an unknown name: ``best`` when one of them is a confident pick."""

    names: tuple[str, ...]
    best: str | None


def suggest(kind: str, value: str, layer: str | None = None) -> Suggestions:
    """Known names close to ``value`` (typo, case, missing underscore, renamed Keras 2 name)."""
    import difflib  # here: only a suggestion needs it

    names = _names(kind, layer) - _NOT_SUGGESTED
    if kind == "optimizer":
        # suggest the spelling style the user wrote: "adam" for "adma", "Adam" for "Adma"
        names = frozenset(n for n in names if (n == n.lower()) == (value == value.lower()))
    elif kind in ("padding", "data_format"):
        value = value.lower()
    if not names or len(value) > 100:
        return Suggestions((), None)
    renamed = _RENAMED.get(kind, {}).get(value) or _RENAMED.get(kind, {}).get(value.lower())
    if renamed is not None and renamed in names:
        return Suggestions((renamed,), renamed)
    lower_value = value == value.lower()
    # same letters, other case / underscores: "Relu", "glorotuniform", "MeanSquareError"
    squashed = _squash(value)
    same = [n for n in names if _squash(n) == squashed]
    if same:
        same.sort(key=lambda n: (-difflib.SequenceMatcher(None, value, n).ratio(), n))
        return Suggestions((same[0],), same[0])
    # spelling: prefer candidates written in the user's style (snake_case vs ClassName)
    styled = [n for n in names if (n == n.lower()) == lower_value] or sorted(names)
    low = value.lower()
    scored = sorted((_distance(low, n.lower()), n) for n in styled)
    limit = 1 if len(value) <= 4 else 2 if len(value) <= 10 else 3
    close = [n for d, n in scored if d <= limit]
    best: str | None = None
    if close:
        top = scored[0][0]
        at_top = [n for d, n in scored if d == top]
        if len(at_top) == 1:
            best = at_top[0]
    ratio_matches = difflib.get_close_matches(value, styled, n=3, cutoff=0.6)
    out: list[str] = []
    for n in [*close[:3], *ratio_matches]:
        if n not in out:
            out.append(n)
    return Suggestions(tuple(out[:3]), best)

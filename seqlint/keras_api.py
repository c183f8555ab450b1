"""Keras 3 call signatures and the Keras 1/2 API that Keras 3 removed, as data.

Two rules read this module and must agree on where the line between them runs:

* ``unknown-argument`` (SEQ302): a keyword Keras 3 does not know, a required argument left out,
  too many positional arguments;
* ``removed-api`` (SEQ401): a Keras 1/2 name Keras 3 dropped (``lr=``, ``nb_epoch=``,
  ``init=``, ``fit_generator``, ``keras.utils.np_utils``, ...).

A keyword that is a removed Keras 1/2 name (:func:`removed_layer_keyword`,
:func:`removed_call_keyword`, :func:`removed_object_keyword`) belongs to ``removed-api`` only;
every other unknown keyword (typos such as ``epoch=`` or ``activaton=``) to
``unknown-argument``. Each :class:`Removed` entry names the Keras 3 replacement, and ``new``
is set when the replacement is a plain rename a fix can apply (``lr`` -> ``learning_rate``,
``fit_generator`` -> ``fit``, ``nb_epoch`` -> ``epochs``).

The signatures were read with ``inspect.signature`` from Keras 3.15.1 (``Sequential`` methods,
optimizer, loss, metric and callback constructors); layer signatures live in
:mod:`seqlint.layers`. Which modules and names are gone was checked by importing them there,
both as ``keras.X`` and through the ``tf.keras`` namespace (``keras._tf_keras.keras.X``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from seqlint.extract.names import LEGACY_LAYER_MODULES
from seqlint.ir import ImportInfo
from seqlint.layers.base import BASE_LAYER_KWARGS, UNKNOWN, LayerDef

# --------------------------------------------------------------------------------------------
# Signatures


class Signature(NamedTuple):
    """A Python signature reduced to what binding needs."""

    params: tuple[str, ...]  # positional-or-keyword parameters, in order
    required: int = 0  # how many leading ``params`` have no default
    keywords: tuple[str, ...] = ()  # further keywords accepted (keyword-only / via **kwargs)
    any_keyword: bool = False  # **kwargs accepted without checking

    def accepts(self, keyword: str) -> bool:
        return self.any_keyword or keyword in self.params or keyword in self.keywords

    @property
    def names(self) -> tuple[str, ...]:
        return self.params + self.keywords

    def bind(self, n_args: int, keywords: Iterable[str]) -> Binding:
        """How ``f(*n_args positionals, **keywords)`` binds, the way Python would."""
        out = Binding()
        given = set(self.params[:n_args])
        if n_args > len(self.params):
            out.too_many_positional = n_args - len(self.params)
        for key in keywords:
            if key in given:
                out.duplicate.append(key)
            elif self.accepts(key):
                given.add(key)
            else:
                out.unknown_keywords.append(key)
        out.missing = [p for p in self.params[: self.required] if p not in given]
        return out


@dataclass
class Binding:
    unknown_keywords: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    too_many_positional: int = 0
    duplicate: list[str] = field(default_factory=list)  # given positionally and by keyword


def _sig(
    params: str, required: int = 0, keywords: str = "", any_keyword: bool = False
) -> Signature:
    return Signature(tuple(params.split()), required, tuple(keywords.split()), any_keyword)


# ``Sequential`` methods (Keras 3.15.1; the same for every backend's trainer).
MODEL_METHODS: dict[str, Signature] = {
    "compile": _sig(
        "optimizer loss loss_weights metrics weighted_metrics run_eagerly steps_per_execution "
        "jit_compile auto_scale_loss"
    ),
    "fit": _sig(
        "x y batch_size epochs verbose callbacks validation_split validation_data shuffle "
        "class_weight sample_weight initial_epoch steps_per_epoch validation_steps "
        "validation_batch_size validation_freq"
    ),
    # evaluate() takes **kwargs but raises "Arguments not recognized" for all but this one
    "evaluate": _sig(
        "x y batch_size verbose sample_weight steps callbacks return_dict",
        keywords="_use_cached_eval_dataset",
    ),
    "predict": _sig("x batch_size verbose steps callbacks", required=1),
    "train_on_batch": _sig("x y sample_weight class_weight return_dict", required=1),
    "test_on_batch": _sig("x y sample_weight return_dict", required=1),
    "predict_on_batch": _sig("x", required=1),
}

_OPT_TAIL = (
    "clipnorm clipvalue global_clipnorm use_ema ema_momentum ema_overwrite_frequency "
    "loss_scale_factor gradient_accumulation_steps name"
)
_WD_TAIL = "weight_decay " + _OPT_TAIL
# the base optimizer pops ``decay`` from **kwargs (with a warning that it is ignored) and
# rejects every other extra keyword ("Argument(s) not recognized")
_OPT_EXTRA = "decay"

# Constructors, by canonical qualified name.
OBJECT_SIGNATURES: dict[str, Signature] = {
    f"keras.optimizers.{name}": _sig(params, keywords=_OPT_EXTRA)
    for name, params in {
        "Adadelta": "learning_rate rho epsilon " + _WD_TAIL,
        "Adafactor": "learning_rate beta_2_decay epsilon_1 epsilon_2 clip_threshold "
        "relative_step " + _WD_TAIL,
        "Adagrad": "learning_rate initial_accumulator_value epsilon " + _WD_TAIL,
        "Adam": "learning_rate beta_1 beta_2 epsilon amsgrad " + _WD_TAIL,
        "AdamW": "learning_rate weight_decay beta_1 beta_2 epsilon amsgrad " + _OPT_TAIL,
        "Adamax": "learning_rate beta_1 beta_2 epsilon " + _WD_TAIL,
        "Ftrl": "learning_rate learning_rate_power initial_accumulator_value "
        "l1_regularization_strength l2_regularization_strength "
        "l2_shrinkage_regularization_strength beta " + _WD_TAIL,
        "Lamb": "learning_rate beta_1 beta_2 epsilon " + _WD_TAIL,
        "Lion": "learning_rate beta_1 beta_2 " + _WD_TAIL,
        "Nadam": "learning_rate beta_1 beta_2 epsilon " + _WD_TAIL,
        "RMSprop": "learning_rate rho momentum epsilon centered " + _WD_TAIL,
        "SGD": "learning_rate momentum nesterov " + _WD_TAIL,
    }.items()
}

_LOSS = "reduction name dtype"
OBJECT_SIGNATURES.update(
    {
        f"keras.losses.{name}": _sig(params)
        for name, params in {
            "BinaryCrossentropy": "from_logits label_smoothing axis " + _LOSS,
            "BinaryFocalCrossentropy": "apply_class_balancing alpha gamma from_logits "
            "label_smoothing axis " + _LOSS,
            "CTC": _LOSS,
            "CategoricalCrossentropy": "from_logits label_smoothing axis " + _LOSS,
            "CategoricalFocalCrossentropy": "alpha gamma from_logits label_smoothing axis " + _LOSS,
            "CategoricalGeneralizedCrossEntropy": "q " + _LOSS,
            "CategoricalHinge": _LOSS,
            "Circle": "gamma margin remove_diagonal " + _LOSS,
            "CosineSimilarity": "axis " + _LOSS,
            "Dice": "reduction name axis dtype",
            "Hinge": _LOSS,
            "Huber": "delta " + _LOSS,
            "KLDivergence": _LOSS,
            "LogCosh": _LOSS,
            "MeanAbsoluteError": _LOSS,
            "MeanAbsolutePercentageError": _LOSS,
            "MeanSquaredError": _LOSS,
            "MeanSquaredLogarithmicError": _LOSS,
            "Poisson": _LOSS,
            "SparseCategoricalCrossentropy": "from_logits ignore_class reduction axis name dtype",
            "SquaredHinge": _LOSS,
            "Tversky": "alpha beta reduction name axis dtype",
        }.items()
    }
)

# Short loss/metric function aliases: tf.keras (TensorFlow 2.21) still has them, Keras 3.15.1
# itself does not (``from keras.losses import mse`` fails, as in Keras 2's VAE example).
_SHORT_LOSSES = {
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "KLD": "kl_divergence",
    "logcosh": "log_cosh",
}

# Loss functions (not classes): ``loss=keras.losses.mean_squared_error()`` calls one with no
# tensors, a TypeError. Signatures as Keras 3.15.1 has them; the short aliases are
# tf.keras's.
_LOSS_FUNCTIONS = {
    "binary_crossentropy": "from_logits label_smoothing axis",
    "binary_focal_crossentropy": "apply_class_balancing alpha gamma from_logits "
    "label_smoothing axis",
    "categorical_crossentropy": "from_logits label_smoothing axis",
    "categorical_focal_crossentropy": "alpha gamma from_logits label_smoothing axis",
    "categorical_hinge": "",
    "circle": "ref_labels ref_embeddings remove_diagonal gamma margin",
    "cosine_similarity": "axis",
    "ctc": "",
    "dice": "axis",
    "hinge": "",
    "huber": "delta",
    "kl_divergence": "",
    "log_cosh": "",
    "mean_absolute_error": "",
    "mean_absolute_percentage_error": "",
    "mean_squared_error": "",
    "mean_squared_logarithmic_error": "",
    "poisson": "",
    "sparse_categorical_crossentropy": "from_logits ignore_class axis",
    "squared_hinge": "",
    "tversky": "alpha beta axis",
}
for _alias, _name in _SHORT_LOSSES.items():
    _LOSS_FUNCTIONS[_alias] = _LOSS_FUNCTIONS[_name]
OBJECT_SIGNATURES.update(
    {
        f"keras.losses.{name}": _sig(f"y_true y_pred {extra}", 2)
        for name, extra in _LOSS_FUNCTIONS.items()
    }
)

_M = "name dtype"
OBJECT_SIGNATURES.update(
    {
        f"keras.metrics.{name}": _sig(params, required)
        for name, (params, required) in {
            "AUC": (
                "num_thresholds curve summation_method name dtype thresholds multi_label "
                "num_labels label_weights from_logits",
                0,
            ),
            "Accuracy": (_M, 0),
            "BinaryAccuracy": (_M + " threshold", 0),
            "BinaryCrossentropy": (_M + " from_logits label_smoothing", 0),
            "BinaryIoU": ("target_class_ids threshold " + _M, 0),
            "CategoricalAccuracy": (_M, 0),
            "CategoricalCrossentropy": (_M + " from_logits label_smoothing axis", 0),
            "CategoricalHinge": (_M, 0),
            "ConcordanceCorrelation": (_M + " axis", 0),
            "CosineSimilarity": (_M + " axis", 0),
            "F1Score": ("average threshold " + _M, 0),
            "FBetaScore": ("average beta threshold " + _M, 0),
            "FalseNegatives": ("thresholds " + _M, 0),
            "FalsePositives": ("thresholds " + _M, 0),
            "Hinge": (_M, 0),
            "IoU": (
                "num_classes target_class_ids name dtype ignore_class sparse_y_true "
                "sparse_y_pred axis",
                2,
            ),
            "KLDivergence": (_M, 0),
            "LogCoshError": (_M, 0),
            "MeanAbsoluteError": (_M, 0),
            "MeanAbsolutePercentageError": (_M, 0),
            "MeanIoU": (
                "num_classes name dtype ignore_class sparse_y_true sparse_y_pred axis",
                1,
            ),
            "MeanSquaredError": (_M, 0),
            "MeanSquaredLogarithmicError": (_M, 0),
            "OneHotIoU": (
                "num_classes target_class_ids name dtype ignore_class sparse_y_pred axis",
                2,
            ),
            "OneHotMeanIoU": ("num_classes name dtype ignore_class sparse_y_pred axis", 1),
            "PearsonCorrelation": (_M + " axis", 0),
            "Poisson": (_M, 0),
            "Precision": ("thresholds top_k class_id " + _M, 0),
            "PrecisionAtRecall": ("recall num_thresholds class_id " + _M, 1),
            "R2Score": ("class_aggregation num_regressors " + _M, 0),
            "Recall": ("thresholds top_k class_id " + _M, 0),
            "RecallAtPrecision": ("precision num_thresholds class_id " + _M, 1),
            "RootMeanSquaredError": (_M, 0),
            "SensitivityAtSpecificity": ("specificity num_thresholds class_id " + _M, 1),
            "SparseCategoricalAccuracy": (_M, 0),
            "SparseCategoricalCrossentropy": (_M + " from_logits ignore_class axis", 0),
            "SparseTopKCategoricalAccuracy": ("k " + _M + " from_sorted_ids", 0),
            "SpecificityAtSensitivity": ("sensitivity num_thresholds class_id " + _M, 1),
            "SquaredHinge": (_M, 0),
            "TopKCategoricalAccuracy": ("k " + _M, 0),
            "TrueNegatives": ("thresholds " + _M, 0),
            "TruePositives": ("thresholds " + _M, 0),
        }.items()
    }
)

# (ReduceLROnPlateau and LambdaCallback take **kwargs without checking them: not listed.)
OBJECT_SIGNATURES.update(
    {
        f"keras.callbacks.{name}": _sig(params, required)
        for name, (params, required) in {
            "BackupAndRestore": ("backup_dir save_freq double_checkpoint delete_checkpoint", 1),
            "CSVLogger": ("filename separator append", 1),
            "EarlyStopping": (
                "monitor min_delta patience verbose mode baseline restore_best_weights "
                "start_from_epoch",
                0,
            ),
            "LearningRateScheduler": ("schedule verbose", 1),
            "ModelCheckpoint": (
                "filepath monitor verbose save_best_only save_weights_only mode save_freq "
                "initial_value_threshold",
                1,
            ),
            "RemoteMonitor": ("root path field headers send_as_json", 0),
            "TensorBoard": (
                "log_dir histogram_freq write_graph write_images write_steps_per_second "
                "update_freq profile_batch embeddings_freq embeddings_metadata",
                0,
            ),
            "TerminateOnNaN": ("raise_error", 0),
        }.items()
    }
)


def layer_keywords(definition: LayerDef) -> tuple[str, ...]:
    """Every keyword a layer constructor accepts (its own and the base layer's)."""
    own = tuple(p.name for p in definition.params)
    return own + (BASE_LAYER_KWARGS if definition.base_kwargs else ())


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest valid name to a misspelt keyword (``activaton`` -> ``activation``)."""
    import difflib  # here: only a suggestion needs it

    pool = [c for c in candidates if not c.startswith("_")]
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.75)
    return match[0] if match else None


# --------------------------------------------------------------------------------------------
# The removed Keras 1/2 API


class Removed(NamedTuple):
    """A Keras 1/2 name Keras 3 no longer has, and what to write instead."""

    old: str
    new: str | None  # a plain rename a fix can apply; None when the change is not a rename
    hint: str  # the Keras 3 replacement, for messages
    # the Keras 3 parameter it stands for: a "missing required argument" on it is a
    # consequence of the removed name, not a separate finding (``Dense(output_dim=8)``)
    target: str | None = None


def advice(hint: str) -> str:
    """``use <hint>``, or the hint itself when it says to remove something."""
    return hint if hint.startswith(("remove", "it has no")) else f"use {hint}"


class _KeywordRule(NamedTuple):
    classes: frozenset[str] | None  # canonical layer class names it applies to (None: any)
    new: tuple[str, ...] = ()  # rename candidates, first one the layer accepts wins
    hint: str | None = None  # used when no candidate applies (None: then it does not match)
    target: str | None = None


def _kw(
    *new: str, classes: str | None = None, hint: str | None = None, target: str | None = None
) -> _KeywordRule:
    return _KeywordRule(frozenset(classes.split()) if classes else None, new, hint, target)


_DROPOUTS = (
    "Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianDropout AlphaDropout"
)
_RNNS = "SimpleRNN GRU LSTM ConvLSTM1D ConvLSTM2D ConvLSTM3D"

# Keras 1 keyword names (renamed in Keras 2, the old names dropped in Keras 3) and Keras 2
# keywords Keras 3 dropped. Matched only against keywords the layer's Keras 3 signature
# rejects, so a name some layer still accepts (Embedding's ``input_length``/``output_dim``,
# ``LeakyReLU(alpha=)``) is never reported on that layer.
LAYER_KEYWORDS: dict[str, tuple[_KeywordRule, ...]] = {
    "output_dim": (_kw("units", hint="`units=`", target="units"),),
    "nb_filter": (_kw("filters", hint="`filters=`", target="filters"),),
    "nb_row": (_kw(hint="`kernel_size=(nb_row, nb_col)`", target="kernel_size"),),
    "nb_col": (_kw(hint="`kernel_size=(nb_row, nb_col)`", target="kernel_size"),),
    "kernel_dim1": (_kw(hint="`kernel_size=(d1, d2, d3)`", target="kernel_size"),),
    "kernel_dim2": (_kw(hint="`kernel_size=(d1, d2, d3)`", target="kernel_size"),),
    "kernel_dim3": (_kw(hint="`kernel_size=(d1, d2, d3)`", target="kernel_size"),),
    "filter_length": (_kw("kernel_size", hint="`kernel_size=`", target="kernel_size"),),
    "subsample": (_kw("strides", hint="`strides=`"),),
    "subsample_length": (_kw("strides", hint="`strides=`"),),
    "border_mode": (_kw("padding", hint="`padding=`"),),
    "dim_ordering": (
        _kw(hint="`data_format=` (`'tf'` is `'channels_last'`, `'th'` is `'channels_first'`)"),
    ),
    "atrous_rate": (_kw("dilation_rate", hint="`dilation_rate=`"),),
    "pool_length": (_kw("pool_size", hint="`pool_size=`", target="pool_size"),),
    "stride": (_kw("strides", classes="MaxPooling1D AveragePooling1D", hint="`strides=`"),),
    "length": (_kw("size", classes="UpSampling1D", target="size"),),
    "init": (
        _kw(
            "kernel_initializer",
            "embeddings_initializer",
            "alpha_initializer",
            hint="the layer's `*_initializer=` arguments "
            "(`depthwise_initializer=` / `pointwise_initializer=`, ...)",
        ),
    ),
    "inner_init": (_kw("recurrent_initializer", hint="`recurrent_initializer=`"),),
    "forget_bias_init": (_kw(hint="`unit_forget_bias=True`"),),
    "inner_activation": (_kw("recurrent_activation", hint="`recurrent_activation=`"),),
    "W_regularizer": (
        _kw(
            "kernel_regularizer",
            "embeddings_regularizer",
            "depthwise_regularizer",
            hint="the layer's `*_regularizer=` arguments",
        ),
    ),
    "U_regularizer": (_kw("recurrent_regularizer", hint="`recurrent_regularizer=`"),),
    "b_regularizer": (_kw("bias_regularizer", hint="`bias_regularizer=`"),),
    "W_constraint": (
        _kw(
            "kernel_constraint",
            "embeddings_constraint",
            "depthwise_constraint",
            hint="the layer's `*_constraint=` arguments",
        ),
    ),
    "U_constraint": (_kw("recurrent_constraint", hint="`recurrent_constraint=`"),),
    "b_constraint": (_kw("bias_constraint", hint="`bias_constraint=`"),),
    "bias": (_kw("use_bias"),),
    "dropout_W": (_kw("dropout", hint="`dropout=`"),),
    "dropout_U": (_kw("recurrent_dropout", hint="`recurrent_dropout=`"),),
    "consume_less": (_kw(hint="`implementation=` (1 or 2), or remove it"),),
    "p": (_kw("rate", classes=_DROPOUTS, target="rate"),),
    "sigma": (_kw("stddev", classes="GaussianNoise", target="stddev"),),
    "mode": (
        _kw(
            classes="BatchNormalization",
            hint="remove it (Keras 3 normalises per feature, Keras 1's `mode=0`)",
        ),
    ),
    "beta_init": (_kw("beta_initializer", classes="BatchNormalization"),),
    "gamma_init": (_kw("gamma_initializer", classes="BatchNormalization"),),
    "fused": (_kw(classes="BatchNormalization", hint="remove it"),),
    "virtual_batch_size": (_kw(classes="BatchNormalization", hint="remove it"),),
    "adjustment": (_kw(classes="BatchNormalization", hint="remove it"),),
    "time_major": (
        _kw(
            classes=_RNNS + " Bidirectional",
            hint="remove it (Keras 3 RNNs take batch-major inputs)",
        ),
    ),
    "dropout": (
        _kw(
            classes="Embedding",
            hint="a `SpatialDropout1D` (or `Dropout`) layer after the Embedding",
        ),
    ),
    "input_length": (
        _kw(hint="`input_shape=(timesteps, features)`, or a `keras.Input(shape=...)` first"),
    ),
    "batch_input_shape": (
        _kw(hint="a `keras.Input(batch_shape=...)` first (or `input_shape=` without the batch)"),
    ),
    "batch_size": (_kw(hint="a `keras.Input(shape=..., batch_size=...)` first"),),
    "weights": (
        _kw(hint="`layer.set_weights(...)` once the model is built (or a Constant initializer)"),
    ),
    "input_dtype": (_kw("dtype", hint="`dtype=`"),),
}


def removed_layer_keyword(definition: LayerDef, keyword: str) -> Removed | None:
    """The Keras 1/2 keyword a layer call used, when Keras 3 rejects it; else None.

    Only keywords the layer's Keras 3 signature does not accept can match.
    """
    accepted = layer_keywords(definition)
    if keyword in accepted:
        return None
    for rule in LAYER_KEYWORDS.get(keyword, ()):
        if rule.classes is not None and definition.name not in rule.classes:
            continue
        for new in rule.new:
            if new in accepted:
                target = rule.target if rule.target in accepted else None
                return Removed(keyword, new, f"`{new}=`", target or new)
        if rule.hint is not None:
            target = rule.target if rule.target in accepted else None
            return Removed(keyword, None, rule.hint, target)
    return None


_SHOW_ACCURACY = '`metrics=["accuracy"]` in `compile()` (remove it here)'
_NO_WORKERS = "remove it (Keras 3 sets workers / multiprocessing on a `keras.utils.PyDataset`)"

# Keywords of model methods that Keras 1/2 had and Keras 3 rejects.
CALL_KEYWORDS: dict[str, dict[str, Removed]] = {
    "fit": {
        "nb_epoch": Removed("nb_epoch", "epochs", "`epochs=`"),
        "show_accuracy": Removed("show_accuracy", None, _SHOW_ACCURACY),
        "max_queue_size": Removed("max_queue_size", None, _NO_WORKERS),
        "workers": Removed("workers", None, _NO_WORKERS),
        "use_multiprocessing": Removed("use_multiprocessing", None, _NO_WORKERS),
    },
    "evaluate": {
        "show_accuracy": Removed("show_accuracy", None, _SHOW_ACCURACY),
        "max_queue_size": Removed("max_queue_size", None, _NO_WORKERS),
        "workers": Removed("workers", None, _NO_WORKERS),
        "use_multiprocessing": Removed("use_multiprocessing", None, _NO_WORKERS),
    },
    "predict": {
        "max_queue_size": Removed("max_queue_size", None, _NO_WORKERS),
        "workers": Removed("workers", None, _NO_WORKERS),
        "use_multiprocessing": Removed("use_multiprocessing", None, _NO_WORKERS),
    },
    "compile": {
        "sample_weight_mode": Removed(
            "sample_weight_mode", None, "remove it (pass `sample_weight=` to `fit`)"
        ),
        "target_tensors": Removed("target_tensors", None, "remove it (pass the targets to `fit`)"),
        "distribute": Removed(
            "distribute", None, "building the model inside a `tf.distribute` strategy scope"
        ),
        "experimental_run_tf_function": Removed("experimental_run_tf_function", None, "remove it"),
        # Keras 1: binary vs categorical accuracy now follows from the loss
        "class_mode": Removed("class_mode", None, "remove it (the loss decides the task)"),
        "pss_evaluation_shards": Removed("pss_evaluation_shards", None, "remove it"),
    },
    "train_on_batch": {
        "reset_metrics": Removed(
            "reset_metrics", None, "remove it (call `model.reset_metrics()` yourself)"
        ),
    },
    "test_on_batch": {
        "reset_metrics": Removed(
            "reset_metrics", None, "remove it (call `model.reset_metrics()` yourself)"
        ),
    },
}


def removed_call_keyword(method: str, keyword: str) -> Removed | None:
    sig = MODEL_METHODS.get(method)
    if sig is not None and sig.accepts(keyword):
        return None
    return CALL_KEYWORDS.get(method, {}).get(keyword)


# Model methods Keras 3 removed (AttributeError).
METHODS: dict[str, Removed] = {
    "fit_generator": Removed(
        "fit_generator", "fit", "`model.fit(...)`, which takes generators and datasets"
    ),
    "evaluate_generator": Removed(
        "evaluate_generator", "evaluate", "`model.evaluate(...)`, which takes generators"
    ),
    "predict_generator": Removed(
        "predict_generator", "predict", "`model.predict(...)`, which takes generators"
    ),
    "predict_classes": Removed(
        "predict_classes",
        None,
        "`np.argmax(model.predict(x), axis=-1)` (softmax output) or "
        '`(model.predict(x) > 0.5).astype("int32")` (sigmoid output)',
    ),
    "predict_proba": Removed("predict_proba", "predict", "`model.predict(x)`"),
}

# Keywords Keras 1/2 used for these methods and ``fit`` does not accept: with them, renaming
# ``fit_generator`` to ``fit`` is not enough.
GENERATOR_ONLY_KEYWORDS = frozenset(
    {
        "samples_per_epoch",
        "nb_epoch",
        "nb_val_samples",
        "nb_worker",
        "pickle_safe",
        "max_q_size",
        "max_queue_size",
        "workers",
        "use_multiprocessing",
        "val_samples",
        "generator",
    }
)

_OPT_KEYWORDS: dict[str, Removed] = {
    "lr": Removed("lr", "learning_rate", "`learning_rate=`", "learning_rate"),
    "decay": Removed(
        "decay",
        None,
        "a learning-rate schedule, e.g. `learning_rate=keras.optimizers.schedules."
        "InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)` (what Keras 2's `decay` did)",
    ),
    "schedule_decay": Removed("schedule_decay", None, "remove it"),
    "jit_compile": Removed(
        "jit_compile", None, "`model.compile(jit_compile=...)` (remove it here)"
    ),
}

_CALLBACK_KEYWORDS: dict[str, dict[str, Removed]] = {
    "keras.callbacks.ModelCheckpoint": {
        "period": Removed(
            "period", None, "`save_freq=` (counted in batches: epochs * steps_per_epoch)"
        ),
        "options": Removed("options", None, "remove it"),
        "load_weights_on_restart": Removed(
            "load_weights_on_restart", None, "`keras.callbacks.BackupAndRestore`"
        ),
    },
    "keras.callbacks.TensorBoard": {
        key: Removed(key, None, "remove it")
        for key in ("write_grads", "batch_size", "embeddings_layer_names", "embeddings_data")
    },
}


def removed_object_keyword(qualname: str, keyword: str, value: Any = None) -> Removed | None:
    """A Keras 1/2 keyword of an optimizer / callback constructor Keras 3 dropped or ignores.

    ``decay`` is accepted by Keras 3 optimizers but ignored (with a warning) unless it is
    ``None``: pass its value to decide.
    """
    sig = OBJECT_SIGNATURES.get(qualname)
    if sig is None:
        return None
    if qualname.startswith("keras.optimizers."):
        if keyword == "decay":
            # ``decay=None`` is what Keras 3 expects and an unresolved value may be None too;
            # ``decay=0`` is ignored as well, but decaying by 0 changed nothing anyway
            if value is None or value is UNKNOWN or (isinstance(value, (int, float)) and not value):
                return None
            return _OPT_KEYWORDS["decay"]
        return None if sig.accepts(keyword) else _OPT_KEYWORDS.get(keyword)
    if sig.accepts(keyword):
        return None
    return _CALLBACK_KEYWORDS.get(qualname, {}).get(keyword)


# Layer classes Keras 3 dropped (absent from ``keras.layers`` and ``tf.keras.layers``). ``Merge``
# is only reported at its import: in a Sequential, branching-in-sequential says what is wrong.
LAYER_CLASSES: dict[str, Removed] = {
    "CuDNNLSTM": Removed(
        "CuDNNLSTM", "LSTM", "`LSTM` (it uses cuDNN by itself on a GPU with default arguments)"
    ),
    "CuDNNGRU": Removed(
        "CuDNNGRU", "GRU", "`GRU` (it uses cuDNN by itself on a GPU with default arguments)"
    ),
    "LocallyConnected1D": Removed(
        "LocallyConnected1D", None, "`Conv1D` (shared weights) or a custom layer"
    ),
    "LocallyConnected2D": Removed(
        "LocallyConnected2D", None, "`Conv2D` (shared weights) or a custom layer"
    ),
    "Deconvolution2D": Removed("Deconvolution2D", None, "`Conv2DTranspose`"),
    "AtrousConvolution1D": Removed("AtrousConvolution1D", None, "`Conv1D(dilation_rate=...)`"),
    "AtrousConvolution2D": Removed("AtrousConvolution2D", None, "`Conv2D(dilation_rate=...)`"),
    "MaxoutDense": Removed("MaxoutDense", None, "a `Dense` layer and a max over units"),
    "Highway": Removed("Highway", None, "a custom layer (`Dense` + gating)"),
    "TimeDistributedDense": Removed(
        "TimeDistributedDense", None, "`TimeDistributed(Dense(...))` (or `Dense` on 3-D input)"
    ),
    "DenseFeatures": Removed("DenseFeatures", None, "`keras.utils.FeatureSpace`"),
}

# Keras 1 names whose Keras 1 positional signature ``(nb_filter, nb_row, nb_col, ...)`` now
# binds differently: the third positional int is ``strides`` in Keras 3.
KERAS1_CONV_NAMES: dict[str, tuple[int, str]] = {
    "Convolution2D": (2, "Conv2D"),
    "SeparableConvolution2D": (2, "SeparableConv2D"),
    "Convolution3D": (3, "Conv3D"),
}

# Kernel rank of the convolutions whose Keras 1 signature removed-api rewrites (the Keras 3
# names too: ``Conv2D(32, 3, 3, border_mode="same")``, ``Conv1D(64, 5, 5)``).
CONV_RANKS: dict[str, int] = {
    **{old: rank for old, (rank, _) in KERAS1_CONV_NAMES.items()},
    **{new: rank for rank, new in KERAS1_CONV_NAMES.values()},
    "Conv1D": 1,
}

_LAYERS = "`keras.layers` (e.g. `from keras.layers import Dense`)"

# Modules Keras 3 dropped (the module and everything under it), with their replacement.
MODULES: dict[str, str] = {
    **{f"keras.layers.{m}": _LAYERS for m in LEGACY_LAYER_MODULES},  # fmt: skip
    "keras.engine": "`keras.layers.Layer`, `keras.Model`, `keras.Input` (from `keras` directly)",
    "keras.wrappers.scikit_learn": "the `scikeras` package "
    "(`from scikeras.wrappers import KerasClassifier`) or `keras.wrappers.SKLearnClassifier`",
    "keras.legacy.layers": _LAYERS,
    "keras.legacy.interfaces": "the Keras 3 API",
    "keras.legacy.models": "`keras.models`",
    "keras.legacy_tf_layers": _LAYERS,
    "keras.utils.np_utils": "`keras.utils` (`from keras.utils import to_categorical`)",
    "keras.utils.generic_utils": "`keras.utils` / `keras.saving` (`get_custom_objects`, "
    "`CustomObjectScope`, `Progbar`)",
    "keras.utils.vis_utils": "`keras.utils` (`from keras.utils import plot_model`)",
    "keras.utils.data_utils": "`keras.utils` (`get_file`; `PyDataset` for `Sequence`)",
    "keras.utils.io_utils": "`h5py` or `tf.data` (`HDF5Matrix` is gone)",
    "keras.utils.layer_utils": "`model.summary()` / `model.count_params()`",
    "keras.utils.conv_utils": "`keras.ops` or your own helper",
    "keras.utils.multi_gpu_utils": "a `tf.distribute.MirroredStrategy` scope",
    "keras.utils.all_utils": "`keras.utils`",
    "keras.utils.visualize_util": "`keras.utils.plot_model`",
    "keras.optimizers.optimizer_v2": "`keras.optimizers`",
    "keras.optimizers.optimizer_experimental": "`keras.optimizers`",
    "keras.optimizers.experimental": "`keras.optimizers`",
    "keras.optimizer_v2": "`keras.optimizers`",
    "keras.optimizer_v1": "`keras.optimizers`",
    "keras.objectives": "`keras.losses`",
    "keras.initializations": "`keras.initializers`",
    "keras.callbacks.callbacks": "`keras.callbacks`",
    "keras.backend.tensorflow_backend": "`keras.backend` / `tf.config` (no sessions in Keras 3)",
    "keras.backend.theano_backend": "`keras.backend` (Theano is gone)",
    "keras.backend.cntk_backend": "`keras.backend` (CNTK is gone)",
    "keras.backend.common": "`keras.backend`",
    "keras.backend.load_backend": "`keras.backend`",
    "keras.mixed_precision.experimental": "`keras.mixed_precision` (`set_global_policy`)",
    "keras.experimental": "`keras.optimizers.schedules` (learning-rate schedules)",
    "keras.premade": "a model built from `keras.layers`",
    "keras.estimator": "`model.fit` (Keras 3 has no estimators)",
}

# Modules gone from standalone ``keras`` only (``tf.keras`` keeps them).
STANDALONE_ONLY_MODULES: dict[str, str] = {
    "keras.preprocessing.text": "the `keras.layers.TextVectorization` layer",
}

# Names gone from modules that still exist: ``from keras.utils import np_utils``.
NAMES: dict[str, dict[str, str]] = {
    "keras.utils": {
        "multi_gpu_model": "a `tf.distribute.MirroredStrategy` scope",
        "HDF5Matrix": "`h5py` or `tf.data`",
        "print_summary": "`model.summary()`",
    },
    "keras.layers": {
        **{name: r.hint for name, r in LAYER_CLASSES.items()},
        "merge": "`keras.layers.add` / `concatenate` / `multiply` / ... (or the `Add`, "
        "`Concatenate` ... layers)",
        "Merge": "the functional API with an `Add` / `Concatenate` / ... layer (a merge "
        "cannot sit in a Sequential)",
    },
    "keras.optimizers": {
        name.lower(): f"`keras.optimizers.{name}`"
        for name in ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam")
    },
    "keras.models": {
        "model_from_yaml": "`keras.models.model_from_json` (YAML is gone)",
        "Graph": "the functional API (`keras.Model(inputs, outputs)`)",
    },
    "keras.constraints": {
        "maxnorm": "`keras.constraints.MaxNorm` (or `max_norm`)",
        "nonneg": "`keras.constraints.NonNeg` (or `non_neg`)",
        "unitnorm": "`keras.constraints.UnitNorm` (or `unit_norm`)",
    },
    "keras.backend": {
        "set_session": "remove it: Keras 3 has no sessions (configure devices with `tf.config`)",
        "get_session": "remove it: Keras 3 has no sessions",
        "image_dim_ordering": "`keras.backend.image_data_format()`",
        "set_image_dim_ordering": "`keras.backend.set_image_data_format(...)` "
        '(`"channels_last"` for `"tf"`, `"channels_first"` for `"th"`)',
    },
}

# Names gone from standalone ``keras`` only.
STANDALONE_ONLY_NAMES: dict[str, dict[str, str]] = {
    **{
        f"keras.{module}": {
            short: f"`keras.{module}.{name}` (the short alias is gone)"
            for short, name in _SHORT_LOSSES.items()
        }
        for module in ("losses", "metrics")
    },
    "keras.layers": {
        "ThresholdedReLU": "`keras.layers.ReLU(threshold=theta)`",
        # still in TensorFlow 2.21's tf.keras, not in Keras 3.15.1 itself
        "RandomHeight": "`keras.layers.RandomZoom(height_factor=..., width_factor=0.0)` "
        "(keeps the image size) or `tf.keras.layers.RandomHeight`",
        "RandomWidth": "`keras.layers.RandomZoom(height_factor=0.0, width_factor=...)` "
        "(keeps the image size) or `tf.keras.layers.RandomWidth`",
    },
}

# Modules that still import (do not report them).
KEPT_MODULES = frozenset(
    {
        "keras.legacy",
        "keras.legacy.saving",
        "keras.preprocessing.image",
        "keras.preprocessing.sequence",
        "keras.optimizers.legacy",
        "keras.wrappers",
    }
)


def removed_module(module: str, standalone: bool) -> str | None:
    """The replacement of a module Keras 3 dropped (``module`` or one it lives under);
    ``standalone``: imported as ``keras.X`` rather than ``tf.keras`` / ``tensorflow.keras``."""
    if module in KEPT_MODULES:
        return None
    tables: Sequence[Mapping[str, str]] = (
        (MODULES, STANDALONE_ONLY_MODULES) if standalone else (MODULES,)
    )
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        prefix = ".".join(parts[:n])
        for table in tables:
            if prefix in table:
                return table[prefix]
    return _derived_module(module) if standalone else None


def removed_name(module: str, name: str, standalone: bool) -> str | None:
    """The replacement of ``from module import name`` when Keras 3 dropped ``name``."""
    found = NAMES.get(module, {}).get(name)
    if found is None and standalone:
        found = STANDALONE_ONLY_NAMES.get(module, {}).get(name)
    if found is None:
        found = removed_module(f"{module}.{name}", standalone)
    if found is None and standalone:
        found = _derived_name(module, name)
    return found


# Hints for the most used derived removals that have no same-named Keras 3 counterpart.
_NO_TWIN = "it has no drop-in Keras 3 equivalent (so no automatic fix); rewrite with "
_DERIVED_HINTS = {
    "ImageDataGenerator": _NO_TWIN + "`keras.utils.image_dataset_from_directory` and "
    "augmentation layers (`keras.layers.RandomFlip`, `RandomRotation`, ...)",
    "TimeseriesGenerator": _NO_TWIN + "`keras.utils.timeseries_dataset_from_array`",
    "model_from_config": _NO_TWIN
    + "`keras.models.model_from_json` / `keras.saving.deserialize_keras_object`",
}


@functools.cache
def _derived() -> dict[str, Any]:
    """``seqlint/data/removed_api.json``, made by ``scripts/derive_removed_api.py`` by comparing
    the Keras 2 (tf_keras) and Keras 3 public namespaces and importing each name under Keras 3."""
    path = Path(__file__).with_name("data") / "removed_api.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _derived_name(module: str, name: str) -> str | None:
    """A name Keras 2 had in ``module`` and standalone Keras 3 does not import from there."""
    gone = _derived()["names"].get(module, {})
    if name not in gone:
        return None
    replacement = gone[name]
    if replacement is not None:
        return f"`{replacement}`"
    return _DERIVED_HINTS.get(name, f"remove it (Keras 3 has no `{name}` anywhere)")


def _derived_module(module: str) -> str | None:
    for gone in _derived()["modules"]:
        if module == gone or module.startswith(gone + "."):
            return "remove it (the whole module is gone from Keras 3)"
    return None


# Keras 2 reached on purpose: ``tf_keras`` (the Keras 2 package), TensorFlow's internal Keras 2
# namespace, or ``TF_USE_LEGACY_KERAS`` (makes ``tf.keras`` Keras 2). Such files run Keras 2:
# neither Keras 3 signatures nor the removed-API table apply to them.
_KERAS2_PREFIXES = ("tf_keras", "keras.api._v2")


def uses_keras2(imports: Iterable[ImportInfo], text: str) -> bool:
    if "TF_USE_LEGACY_KERAS" in text:
        return True
    return any(
        imp.raw == p or imp.raw.startswith(p + ".") for imp in imports for p in _KERAS2_PREFIXES
    )


# Keras 2's default pool size of the average-pooling layers (Keras 3 requires the argument).
_KERAS2_POOL_DEFAULTS = {
    "AveragePooling1D": 2,
    "AveragePooling2D": (2, 2),
    "AveragePooling3D": (2, 2, 2),
}
_DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}


def keras2_arguments(
    definition: LayerDef, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """The arguments of a Keras 1/2 layer call as Keras 3 spells them, or None when nothing
    was translated.

    Keras 3 refuses ``Convolution2D(32, 3, 3, border_mode="same")``, ``Dense(output_dim=8)``
    or ``AveragePooling2D()`` in the constructor; removed-api / unknown-argument report that,
    while shape inference reads the call as Keras 2 did, so a missing Flatten further down the
    stack is still found."""
    changed = False
    out = dict(kwargs)
    accepted = layer_keywords(definition)
    for key, value in kwargs.items():
        if key in accepted:
            continue
        if key in ("nb_row", "nb_col") and "nb_row" in kwargs and "nb_col" in kwargs:
            out.pop(key)
            out["kernel_size"] = (kwargs["nb_row"], kwargs["nb_col"])
            changed = True
        elif key == "dim_ordering" and value in _DIM_ORDERING and "data_format" in accepted:
            out.pop(key)
            out["data_format"] = _DIM_ORDERING[value]
            changed = True
        else:
            removed = removed_layer_keyword(definition, key)
            if removed is not None and removed.new is not None:
                out[removed.new] = out.pop(key)
            elif removed is not None:
                out.pop(key)  # (a keyword with no Keras 3 counterpart: no effect on shapes)
            else:
                continue
            changed = True
    positional = tuple(args)
    spec = next((v for v in KERAS1_CONV_NAMES.values() if v[1] == definition.name), None)
    if spec is not None and len(args) >= spec[0] + 1 and "kernel_size" not in out:
        sizes = args[1 : spec[0] + 1]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in sizes):
            # (nb_filter, nb_row, nb_col): the sizes are one kernel_size
            positional = (args[0], tuple(sizes), *args[spec[0] + 1 :])
            changed = True
    default = _KERAS2_POOL_DEFAULTS.get(definition.name)
    if default is not None and not args and "pool_size" not in out:
        out["pool_size"] = default
        changed = True
    return (positional, out) if changed else None


# --------------------------------------------------------------------------------------------
# Where removed modules' names live in Keras 3 (for removed-api's import fixes)

# A removed module (or one under it) -> the Keras 3 modules its names may have moved to, in
# order of preference. The fix is offered only when every imported name is in one of them.
MOVED_MODULES: dict[str, tuple[str, ...]] = {
    "keras.layers": ("keras.layers",),  # keras.layers.core, .convolutional, .experimental, ...
    "keras.legacy.layers": ("keras.layers",),
    "keras.utils": ("keras.utils",),  # keras.utils.np_utils, .generic_utils, .vis_utils, ...
    "keras.optimizers": ("keras.optimizers",),  # keras.optimizers.optimizer_v2.adam, ...
    "keras.optimizer_v2": ("keras.optimizers",),
    "keras.optimizer_v1": ("keras.optimizers",),
    "keras.objectives": ("keras.losses",),
    "keras.initializations": ("keras.initializers",),
    "keras.callbacks": ("keras.callbacks",),
    "keras.engine": ("keras.layers", "keras", "keras.models"),
    "keras.legacy.models": ("keras.models",),
}

# Names renamed within a module that stays: (module, old) -> new, the same object in Keras 2.
RENAMED_NAMES: dict[tuple[str, str], str] = {
    **{
        ("keras.optimizers", name.lower()): name
        for name in ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam")
    },
    # Keras 2's cuDNN-only layers compute what the plain layers compute with their defaults
    # (Keras 3's LSTM/GRU pick the cuDNN kernel by themselves on a GPU)
    ("keras.layers", "CuDNNLSTM"): "LSTM",
    ("keras.layers", "CuDNNGRU"): "GRU",
    ("keras.constraints", "maxnorm"): "MaxNorm",
    ("keras.constraints", "nonneg"): "NonNeg",
    ("keras.constraints", "unitnorm"): "UnitNorm",
    **{
        (f"keras.{module}", short): name
        for module in ("losses", "metrics")
        for short, name in _SHORT_LOSSES.items()
    },
}


@functools.cache
def keras3_names(module: str) -> frozenset[str]:
    """The public names of a Keras 3 module (``seqlint/data/keras3_names.json``, made by
    ``scripts/derive_removed_api.py targets``); empty for modules it does not list."""
    path = Path(__file__).with_name("data") / "keras3_names.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(data["modules"].get(module, ()))


def moved_to(module: str, names: Iterable[str]) -> str | None:
    """The Keras 3 module that has every one of ``names`` of the removed ``module``
    (``keras.layers.core`` with ``Dense, Dropout`` -> ``keras.layers``), else None."""
    wanted = set(names)
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        candidates = MOVED_MODULES.get(".".join(parts[:n]))
        if candidates is None:
            continue
        for target in candidates:
            if target != module and wanted <= keras3_names(target):
                return target
        return None
    return None

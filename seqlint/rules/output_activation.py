from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Fix
from seqlint.fixes import argument_position, guarded, replace_string
from seqlint.identifiers import ACTIVATIONS
from seqlint.ir import ArrayInfo, LayerCall, ModelIR
from seqlint.rules.accuracy_on_regression import accuracy_metric
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import (
    LossInfo,
    binary_targets,
    compiled_loss,
    fit_labels,
    label,
    last_dim,
    output_activation,
)

_CROSSENTROPY = ("binary", "categorical", "sparse")
# Activations whose every output lies in [0, 1] (softmax and sparsemax: a distribution).
_PROBABILITY = frozenset({"sigmoid", "softmax", "hard_sigmoid", "sparse_sigmoid", "sparsemax"})
# Known activations whose outputs can leave [0, 1]: not probabilities.
_NOT_PROBABILITY = ACTIVATIONS - _PROBABILITY


def _always_binary_output(analysis: Analysis, item: LayerCall) -> bool:
    """Every model built by the code of ``item`` (a function called twice builds two) ends
    with it, on one unit, trained with binary cross-entropy on probabilities."""
    for model, shapes in analysis.models():
        if not any(isinstance(e.item, LayerCall) and e.item.loc == item.loc for e in model.entries):
            continue
        found = output_activation(shapes)
        loss = compiled_loss(model)
        if (
            model.uncertain
            or found is None
            or not isinstance(found[1].entry.item, LayerCall)
            or found[1].entry.item.loc != item.loc
            or last_dim(shapes) != 1
            or loss is None
            or loss.kind != "binary"
            or loss.from_logits is not False
        ):
            return False
    return True


@guarded
def _sigmoid_fix(analysis: Analysis, item: object, loss: LossInfo | None) -> Fix | None:
    """``activation="softmax"`` -> ``"sigmoid"`` on a one-unit output trained with binary
    cross-entropy (on probabilities: with ``from_logits=True`` the activation should go)."""
    if loss is None or loss.kind != "binary" or loss.from_logits is not False:
        return None
    if not isinstance(item, LayerCall) or item.opaque or item.definition is None:
        return None
    if not _always_binary_output(analysis, item):
        return None
    bound = item.bound
    raw = bound.values.get("activation") if bound is not None else None
    if not isinstance(raw, str) or raw.strip().lower() != "softmax":
        return None
    position = argument_position(item.definition, "activation")
    edit = replace_string(
        analysis.text, item.loc, raw, "sigmoid", keyword="activation", position=position
    )
    if edit is None:
        return None
    return Fix('Use `activation="sigmoid"`', (edit,), safe=True)


def _only_predicted(model: ModelIR) -> bool:
    """The model is used for predictions and never trained or evaluated itself."""
    methods = {c.method for c in model.calls}
    return any(m.startswith("predict") for m in methods) and not any(
        m.startswith(("fit", "train", "evaluate", "test")) for m in methods
    )


def _classification_loss(act: str, y: ArrayInfo) -> str:
    """The cross-entropy that fits class-label targets ``y``."""
    if y.encoding == "onehot":
        return '"categorical_crossentropy"'
    if act == "sigmoid" and y.n_classes is not None and y.n_classes <= 2:
        return '"binary_crossentropy"'
    return '"sparse_categorical_crossentropy"'


def _regression_on_labels(
    where: str, act: str, loss: LossInfo, y: ArrayInfo | None, scored_as_classes: bool
) -> str | None:
    """What is wrong with an output trained with a regression loss on targets ``y``, if known.

    Squashed outputs (sigmoid, softmax) cannot reach targets outside [0, 1]; on class labels
    the loss is the mistake (softmax/sigmoid, or a linear output on one-hot labels). Binary
    0/1 targets under sigmoid with mse (any width: one unit, or one per cell) and continuous
    targets in [0, 1] are legitimate and left alone; integer targets on a linear output may
    be an ordinal regression. A linear output on one-hot labels is reported only when the
    model is scored as a classifier (an accuracy metric): Keras's own tests train one on
    purpose to make the loss diverge."""
    if y is None:
        return None
    squashed = act in ("softmax", "sigmoid")
    if squashed and y.low is not None and y.high is not None and (y.low < 0.0 or y.high > 1.0):
        return (
            f"{where} squashes the output into [0, 1] with {act}, but the regression targets "
            f"range over [{y.low:g}, {y.high:g}]: use a linear output"
        )
    if y.encoding == "onehot" and (squashed or (act in _NOT_PROBABILITY and scored_as_classes)):
        what = f"outputs class probabilities with {act}" if squashed else f"ends with {act}"
        fix = (
            _classification_loss(act, y) if squashed else 'softmax with "categorical_crossentropy"'
        )
        return (
            f"{where} {what}, but the targets are one-hot class labels and the loss "
            f"{loss.name} is a regression loss: use {fix}"
        )
    if squashed and y.encoding == "int" and y.n_classes is not None and y.n_classes > 2:
        fix = _classification_loss(act, y)
        return (
            f"{where} outputs class probabilities with {act}, but the targets are integer class "
            f"labels and the loss {loss.name} is a regression loss: use {fix}"
        )
    width = y.shape[-1] if y.shape is not None and len(y.shape) >= 2 else None
    if act == "softmax" and binary_targets(y) and isinstance(width, int) and width > 1:
        # 0/1 label vectors (multi-label indicators): a softmax sums to 1 and cannot fit them
        return (
            f"{where} outputs a softmax distribution, but the targets are 0/1 label vectors and "
            f"the loss {loss.name} is a regression loss: use sigmoid with "
            '"binary_crossentropy" (several labels per sample) or "categorical_crossentropy" '
            "(one label per sample)"
        )
    return None


@register
class OutputActivationMismatch(Rule):
    code = "SEQ201"
    name = "output-activation-mismatch"
    summary = (
        "The output activation does not fit the loss: softmax on one unit; sigmoid with "
        "categorical cross-entropy; an output that cannot be a probability (linear, relu, tanh, "
        "elu, softplus, selu, ...) under a cross-entropy without `from_logits=True`; "
        "`from_logits=True` after softmax/sigmoid; softmax/sigmoid with a regression loss when "
        "the targets lie outside [0, 1] or are class labels (one-hot, or integers of more than "
        "two classes); any other output with a regression loss on one-hot labels and an "
        "accuracy metric; softmax with "
        "a regression loss on 0/1 label vectors. Binary 0/1 targets under sigmoid with mse, "
        "integer targets on a linear output (ordinal regression), and continuous targets in "
        "[0, 1] (images, autoencoder outputs) are left alone, as is a model compiled only to "
        "predict (its loss is never used)."
    )
    why = (
        "Keras trains these models without an error, but they cannot learn what is asked: a "
        "softmax over one unit is always 1, a sigmoid per class does not give a distribution for "
        "categorical cross-entropy, raw logits fed to a loss that expects probabilities are "
        "clipped, and probabilities fed to a loss that expects logits are squashed twice."
    )
    fix_doc = (
        "Pair them: `sigmoid` + `binary_crossentropy` (one unit), `softmax` + "
        "(sparse_)categorical_crossentropy (one unit per class), or no activation + "
        "`from_logits=True`; a linear output for regression.\n\n"
        "`--fix` repairs one case, a safe fix: softmax on a one-unit output trained with binary "
        'cross-entropy becomes `"sigmoid"` (the `activation` string literal is replaced, quotes '
        "kept). The other cases need a decision about the model and are left to you."
    )
    fixable = True
    examples = (
        Example(
            "from keras.layers import Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            'model.add(Dense(16, activation="relu", input_dim=8))\n'
            'model.add(Dense(1, activation="softmax"))\n'
            'model.compile(loss="binary_crossentropy", optimizer="adam")\n',
            bad=True,
        ),
        Example(
            "from keras.layers import Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            'model.add(Dense(16, activation="relu", input_dim=8))\n'
            'model.add(Dense(1, activation="sigmoid"))\n'
            'model.compile(loss="binary_crossentropy", optimizer="adam")\n',
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if model.uncertain:
                continue
            found = output_activation(shapes)
            if found is None:
                continue
            act, ls = found
            units = last_dim(shapes)
            loss = compiled_loss(model)
            where = label(ls.entry.item)
            message = None
            fix = None
            if act == "softmax" and units == 1:
                message = (
                    f"{where} applies softmax over a single unit, so it always outputs 1.0: use "
                    "sigmoid for a binary output, or one unit per class"
                )
                fix = _sigmoid_fix(analysis, ls.entry.item, loss)
            elif loss is None:
                continue
            elif loss.from_logits is True and act in ("softmax", "sigmoid"):
                message = (
                    f"{where} already applies {act}, but the loss {loss.name} is told "
                    "`from_logits=True`: drop the activation or set `from_logits=False`"
                )
            elif act == "sigmoid" and loss.kind == "categorical":
                message = (
                    f"{where} uses sigmoid with {loss.name}, which expects a probability "
                    "distribution over classes: use softmax"
                )
            elif _only_predicted(model):
                continue  # compiled only to predict (a truncated feature extractor, a GAN
                # generator trained through another model): its loss is never used
            elif act == "linear" and loss.kind in _CROSSENTROPY and loss.from_logits is False:
                message = (
                    f"{where} has no activation (linear logits) but {loss.name} expects "
                    "probabilities: add "
                    f"{'sigmoid' if loss.kind == 'binary' else 'softmax'} or use the loss with "
                    "`from_logits=True`"
                )
            elif (
                act in _NOT_PROBABILITY and loss.kind in _CROSSENTROPY and loss.from_logits is False
            ):
                message = (
                    f"{where} ends with {act}, whose outputs are not probabilities, but "
                    f"{loss.name} expects probabilities: use "
                    f"{'sigmoid' if loss.kind == 'binary' else 'softmax'}, or no activation "
                    "and the loss with `from_logits=True`"
                )
            elif loss.kind == "regression":
                scored = model.compile_call is not None and any(
                    accuracy_metric(model.compile_call.arg(i, key, None))
                    for i, key in ((3, "metrics"), (4, "weighted_metrics"))
                )
                message = _regression_on_labels(where, act, loss, fit_labels(model), scored)
            if message:
                yield self.diagnostic(ls.entry.loc, message, fix=fix)

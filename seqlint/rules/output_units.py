from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.infer import format_shape
from seqlint.ir import ArrayInfo
from seqlint.layers.base import Shape
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import compiled_loss, fit_targets, label, last_dim, units_layer


@register
class OutputUnitsMismatch(Rule):
    code = "SEQ202"
    name = "output-units-mismatch"
    summary = (
        "The number of output units does not fit the loss or the labels: (sparse) categorical "
        "cross-entropy on one unit, a different number of units than the one-hot labels "
        "have classes, integer labels beyond the last unit, or (binary cross-entropy and "
        "regression losses, rank-2 output) targets of another width than the output: `(n,)` "
        "against `Dense(4)`, `(n, k)` against other units, two-column one-hot labels on one "
        "sigmoid unit; and categorical cross-entropy targets of shape `(n, 1, k)` against a "
        "rank-2 output (Keras refuses targets of another rank)."
    )
    why = (
        "Categorical cross-entropy over a single unit is always 0, so nothing is learnt; with "
        "one-hot labels of 10 classes and 5 units Keras fails inside `fit` (`Arguments target "
        "and output must have the same shape`); sparse labels beyond the last unit fail in "
        "TensorFlow with `Received a label value of 9 which is outside the valid range`."
    )
    fix_doc = "Give the output layer one unit per class (`to_categorical(y, n)` → `Dense(n)`)."
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(1)])\n"
            "model.compile(\n"
            '    optimizer="adam",\n'
            "    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),\n"
            ")\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10)])\n"
            "model.compile(\n"
            '    optimizer="adam",\n'
            "    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),\n"
            ")\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if model.uncertain:
                continue
            loss = compiled_loss(model)
            units = last_dim(shapes)
            ls = units_layer(shapes)
            if loss is None or units is None or ls is None:
                continue
            where = label(ls.entry.item)
            y = fit_targets(model)
            message = None
            if loss.kind in ("categorical", "sparse") and units == 1:
                message = (
                    f"{where} has 1 unit but {loss.name} needs one unit per class: with a single "
                    "unit the loss is constant; use Dense(n_classes), or sigmoid + "
                    "binary_crossentropy for two classes"
                )
            elif (
                loss.kind == "categorical"
                and y is not None
                and y.encoding == "onehot"
                and y.n_classes is not None
                and y.n_classes != units
            ):
                message = (
                    f"{where} has {units} units but the one-hot labels have {y.n_classes} "
                    f"classes: use {y.n_classes} units"
                )
            elif (
                loss.kind == "sparse"
                and y is not None
                and y.encoding == "int"
                and y.n_classes is not None
                and y.n_classes > units
            ):
                message = (
                    f"{where} has {units} units but the integer labels go up to "
                    f"{y.n_classes - 1}: use {y.n_classes} units"
                )
            elif loss.kind in ("binary", "regression") and y is not None:
                message = _width_mismatch(where, units, y, shapes.output_shape, loss.kind)
            if message is None and loss.kind == "categorical" and y is not None:
                message = _rank_mismatch(where, y, shapes.output_shape)
            if message:
                yield self.diagnostic(ls.entry.loc, message)


def _rank_mismatch(where: str, y: ArrayInfo, out: Shape | None) -> str | None:
    """Categorical targets with an extra axis, ``(n, 1, k)`` against a ``(None, k)`` output
    (each label reshaped to a row): Keras's categorical cross-entropy refuses targets of
    another rank. (An extra trailing axis of 1 is squeezed by Keras, so it is not this.)"""
    if out is None or len(out) != 2 or y.shape is None or len(y.shape) != 3:
        return None
    if y.shape[1] != 1 or y.shape[2] == 1:
        return None
    return (
        f"{where} outputs {format_shape(out)} but the targets are "
        f"{format_shape((None, *y.shape[1:]))}, with an extra axis: Keras stops with "
        '"Arguments `target` and `output` must have the same rank"; remove the axis '
        "(`y.reshape(len(y), -1)` or `np.squeeze(y, axis=1)`)"
    )


def _width_mismatch(
    where: str, units: int, y: ArrayInfo, out: Shape | None, kind: str
) -> str | None:
    """Targets with another width than the output, for binary cross-entropy and regression
    losses (Keras broadcasts ``(n,)`` or ``(n, 2)`` against ``(n, 1)`` silently, or fails
    inside ``fit`` on other widths)."""
    if out is None or len(out) != 2 or y.shape is None or len(y.shape) not in (1, 2):
        return None
    width = 1 if len(y.shape) == 1 else y.shape[1]
    if not isinstance(width, int) or width == units:
        return None
    if kind == "binary" and units == 1 and y.encoding == "onehot":
        return (
            f"{where} has 1 unit but the labels are one-hot with {width} columns: use "
            f'Dense({width}, activation="softmax") with categorical_crossentropy, or give the '
            "labels as one 0/1 column"
        )
    targets = "one value per sample" if width == 1 else f"{width} values per sample"
    return (
        f"{where} outputs {units} values per sample but the targets hold {targets}: "
        f"use Dense({width}) (Keras fails inside `fit`, or silently broadcasts one column)"
    )

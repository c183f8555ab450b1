"""SEQ203 label-encoding-mismatch: one-hot labels with a sparse loss, or the other way round."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import compiled_loss, fit_targets


@register
class LabelEncodingMismatch(Rule):
    code = "SEQ203"
    name = "label-encoding-mismatch"
    summary = (
        "The labels passed to `fit` are encoded the other way from what the loss expects: "
        "one-hot labels with sparse_categorical_crossentropy, or integer class labels with "
        "categorical_crossentropy."
    )
    why = (
        "sparse_categorical_crossentropy wants one integer class index per sample, "
        "categorical_crossentropy one one-hot row per sample. Keras fails inside `fit` "
        "(`Argument output must have rank (ndim) target.ndim - 1`, or `Arguments target and "
        "output must have the same rank`)."
    )
    fix_doc = (
        "Match them: keep integer labels and use `sparse_categorical_crossentropy`, or one-hot "
        "encode them (`keras.utils.to_categorical(y, n)`) for `categorical_crossentropy`."
    )
    examples = (
        Example(
            "import keras\nimport numpy as np\nfrom keras import layers\n\n"
            "x = np.random.rand(100, 4)\n"
            "y = keras.utils.to_categorical(np.random.randint(0, 3, 100), 3)\n"
            "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, "
            'activation="softmax")])\n'
            'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n'
            "model.fit(x, y, epochs=1)\n",
            bad=True,
        ),
        Example(
            "import keras\nimport numpy as np\nfrom keras import layers\n\n"
            "x = np.random.rand(100, 4)\n"
            "y = np.random.randint(0, 3, 100)\n"
            "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, "
            'activation="softmax")])\n'
            'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n'
            "model.fit(x, y, epochs=1)\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, _shapes in analysis.models():
            loss = compiled_loss(model)
            y = fit_targets(model)
            fit = model.fit_call
            if loss is None or y is None or fit is None or y.shape is None:
                continue
            compiled = model.compile_call
            if compiled is not None and model.calls.index(compiled) > model.calls.index(fit):
                continue  # recompiled after that fit: the fit never met this loss
            message = None
            if loss.kind == "sparse" and y.encoding == "onehot":
                message = (
                    f"the labels are one-hot {y.shape} but {loss.name} expects integer class "
                    "indices: use categorical_crossentropy, or pass the integer labels"
                )
            elif (
                loss.kind == "categorical"
                and y.encoding == "int"
                and (len(y.shape) == 1 or (len(y.shape) == 2 and y.shape[1] == 1))
            ):
                message = (
                    f"the labels are integer class indices {y.shape} but {loss.name} expects "
                    "one-hot rows: use sparse_categorical_crossentropy, or "
                    "keras.utils.to_categorical(y, n_classes)"
                )
            if message:
                yield self.diagnostic(fit.loc, message)

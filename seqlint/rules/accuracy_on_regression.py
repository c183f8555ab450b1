"""SEQ204 accuracy-on-regression: an accuracy metric next to a regression loss."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.extract.values import DictVal, ListVal, Ref
from seqlint.ir import ObjectCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import binary_targets, compiled_loss, fit_labels, output_activation

_ACCURACY_STRINGS = frozenset(
    {
        "accuracy",
        "acc",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy",
    }
)
# outputs in [0, 1]: trained with mse on unknown targets, these are usually labels
_SQUASHED = frozenset({"sigmoid", "softmax", "hard_sigmoid"})
_ACCURACY_CLASSES = frozenset(
    {
        "Accuracy",
        "BinaryAccuracy",
        "CategoricalAccuracy",
        "SparseCategoricalAccuracy",
        "TopKCategoricalAccuracy",
        "SparseTopKCategoricalAccuracy",
    }
)


def accuracy_metric(value: Any) -> str | None:
    """The first accuracy metric named in a ``metrics=`` value (nested lists/dicts too)."""
    if isinstance(value, str):
        return value if value.lower() in _ACCURACY_STRINGS else None
    if isinstance(value, (list, tuple)):
        for item in value:
            found = accuracy_metric(item)
            if found:
                return found
        return None
    if isinstance(value, ListVal):
        return accuracy_metric(list(value.items))
    if isinstance(value, DictVal):
        return accuracy_metric(list(value.items.values()))
    if isinstance(value, ObjectCall) and value.qualname.startswith("keras.metrics."):
        name = value.short_name
        return f"{name}()" if name in _ACCURACY_CLASSES else None
    if isinstance(value, Ref) and value.qualname.startswith("keras.metrics."):
        name = value.qualname.rsplit(".", 1)[-1]
        return name if name.lower() in _ACCURACY_STRINGS else None
    return None


@register
class AccuracyOnRegression(Rule):
    code = "SEQ204"
    name = "accuracy-on-regression"
    summary = (
        "An `accuracy` metric on a model trained with a regression loss (mse, mae, huber, ...). "
        "Not reported when the targets are class labels (the loss is then the odd one), nor "
        "for 0/1 targets of any width, where accuracy (thresholding at 0.5) is meaningful, "
        "nor for targets of unknown values under a sigmoid/softmax output (most likely labels)."
    )
    why = (
        "Accuracy counts exact matches of class predictions. On continuous targets Keras "
        "computes it anyway (as binary accuracy, thresholding predictions at 0.5) and reports a "
        "number near 0 that says nothing about the regression."
    )
    fix_doc = 'Report a regression metric instead: `metrics=["mae"]` or `["mse"]`.'
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])\n"
            'model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])\n',
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])\n"
            'model.compile(optimizer="adam", loss="mse", metrics=["mae"])\n',
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            call = model.compile_call
            loss = compiled_loss(model)
            if call is None or loss is None or loss.kind != "regression":
                continue
            y = fit_labels(model)
            if y is not None and y.encoding in ("onehot", "int"):
                continue  # class labels: the metric is meaningful, the loss is the odd one
            if binary_targets(y):
                continue  # 0/1 targets: accuracy thresholds at 0.5 (or argmax), meaningfully
            found_act = output_activation(shapes)
            unknown = y is None or y.low is None or y.high is None
            if unknown and found_act is not None and found_act[0] in _SQUASHED:
                # targets of unknown values under a probability output: most likely labels
                # (0/1 cells under a sigmoid, classes under a softmax): accuracy means something
                continue
            for key in ("metrics", "weighted_metrics"):
                index = 3 if key == "metrics" else 4
                found = accuracy_metric(call.arg(index, key, None))
                if found:
                    yield self.diagnostic(
                        call.loc,
                        f"`{found}` is reported for a regression loss ({loss.name}): accuracy "
                        "only means something for class labels",
                        suggestion='use a regression metric such as "mae"',
                    )
                    break

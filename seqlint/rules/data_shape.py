"""SEQ205 data-shape-mismatch: the arrays given to ``fit`` do not fit the model."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator

from seqlint import fixes
from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.infer import ModelShapes, format_shape, infer_nested
from seqlint.ir import ArrayInfo, Call, InputDecl, LayerCall, ModelIR
from seqlint.layers.base import Shape
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label

# Keras 2's generator methods (removed-api reports the names) take the same data
_DATA_METHODS = frozenset(
    {"fit", "evaluate", "train_on_batch", "test_on_batch", "predict", "predict_on_batch"}
    | {"fit_generator", "evaluate_generator", "predict_generator"}
)


def _known(shape: tuple[object, ...] | None) -> bool:
    return shape is not None and all(isinstance(d, int) and not isinstance(d, bool) for d in shape)


def _adjusted(x: tuple[int, ...], declared: Shape) -> tuple[int, ...]:
    """The sample shape Keras feeds after its rank adjustment: a missing or extra trailing
    axis of size 1 is added or squeezed (Functional._adjust_input_rank)."""
    want = len(declared) - 1
    if len(x) == want - 1 and declared[-1] == 1:
        return (*x, 1)
    if len(x) == want + 1 and x[-1] == 1:
        return x[:-1]
    return x


@register
class DataShapeMismatch(Rule):
    code = "SEQ205"
    name = "data-shape-mismatch"
    summary = (
        "The arrays passed to `fit` / `evaluate` / `predict` do not fit the model: the samples "
        "have another shape than the declared input, `x` and `y` hold different numbers of "
        "samples, `predict` gets one sample without its batch axis (`predict(x[0])`), or the "
        "input is declared from the array passed as `x` itself (`input_shape=x.shape`, sample "
        "axis included, or `(x.shape[0],)`, the number of samples)."
    )
    why = (
        "The model's weights were built for the declared input shape; data of another shape "
        "fails inside `fit` (`Input 0 of layer dense is incompatible with the layer: expected "
        "axis -1 of input shape to have value 10`), and arrays of different lengths fail with "
        "`Data cardinality is ambiguous`."
    )
    fix_doc = (
        "Declare the input the data really has (`keras.Input(shape=x_train.shape[1:])`), or "
        "reshape the data; give `x` and `y` the same number of samples."
    )
    examples = (
        Example(
            "import keras\nimport numpy as np\nfrom keras import layers\n\n"
            "x = np.random.rand(100, 12)\n"
            "y = np.random.rand(100)\n"
            "model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(1)])\n"
            'model.compile(optimizer="adam", loss="mse")\n'
            "model.fit(x, y, epochs=1)\n",
            bad=True,
        ),
        Example(
            "import keras\nimport numpy as np\nfrom keras import layers\n\n"
            "x = np.random.rand(100, 12)\n"
            "y = np.random.rand(100)\n"
            "model = keras.Sequential([keras.Input(shape=x.shape[1:]), layers.Dense(1)])\n"
            'model.compile(optimizer="adam", loss="mse")\n'
            "model.fit(x, y, epochs=1)\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if model.uncertain or model.nested:
                continue
            for call in model.calls:
                if call.method not in _DATA_METHODS or call.uncertain or call.opaque:
                    continue
                message = self._mismatch(model, shapes, call) or _sample_axis_declared(
                    analysis.text, model, shapes, call
                )
                if message:
                    yield self.diagnostic(call.loc, message)
                    break

    def _mismatch(self, model: ModelIR, shapes: ModelShapes, call: Call) -> str | None:
        x, y = call.arg(0, "x"), call.arg(1, "y")
        # the number of samples may be unknown (a generator's batches); the sample shape not
        if not isinstance(x, ArrayInfo) or x.shape is None or not _known(x.shape[1:]):
            return None
        if (
            _known(x.shape[:1])
            and isinstance(y, ArrayInfo)
            and y.shape
            and isinstance(y.shape[0], int)
            and x.shape[0] != y.shape[0]
            and "steps_per_epoch" not in call.kwargs
        ):
            return (
                f"x has {x.shape[0]} samples but y has {y.shape[0]}: Keras stops with "
                "`Data cardinality is ambiguous`"
            )
        declared = shapes.input_shape
        if shapes.input_source in (None, "data") or not shapes.built or declared is None:
            return None
        if (
            call.method.startswith("predict")
            and _known(x.shape)
            and _one_sample(tuple(x.shape), declared)
        ):
            return (
                f"`{call.method}` gets one sample of shape {format_shape(tuple(x.shape))} "
                f"without the batch axis, but the model expects {format_shape(declared)}: Keras "
                f"reads its first axis as {x.shape[0]} samples; pass `x[i:i + 1]` or "
                "`np.expand_dims(sample, 0)`"
            )
        sample = _adjusted(tuple(x.shape[1:]), declared)
        if len(sample) == len(declared) - 1 and all(
            d is None or d == s for d, s in zip(declared[1:], sample, strict=True)
        ):
            return None
        if any(ls.entry.uncertain for ls in shapes.layers):
            return None
        data_shape: Shape = (None, *sample)
        # What would Keras build for this data? If every layer accepts it with the same
        # weights, the model runs on it (a fully convolutional stack on bigger images).
        actual = infer_nested(_stack(model, shapes), data_shape, Counter())
        failing = actual.error
        weights_differ = any(
            a.trainable != d.trainable or a.non_trainable != d.non_trainable
            for a, d in zip(actual.layers, shapes.layers, strict=False)
        )
        unknown = any(a.output_shape is None for a in actual.layers)
        if failing is None and (unknown or not weights_differ):
            return None
        where = ""
        if failing is not None:
            where = f" ({label(failing.entry.item)} cannot take it)"
        else:
            bad = next(
                a
                for a, d in zip(actual.layers, shapes.layers, strict=False)
                if a.trainable != d.trainable or a.non_trainable != d.non_trainable
            )
            where = f" ({label(bad.entry.item)} was built for another input)"
        if call.method.startswith(("predict", "evaluate", "test")):
            return (
                f"`{call.method}` gets x of shape {format_shape(tuple(x.shape))} but the model "
                f"takes samples of shape {format_shape(declared)}{where}: give it data shaped "
                "like the training data"
            )
        return (
            f"the model expects samples of shape {format_shape(declared)} but x has shape "
            f"{format_shape(tuple(x.shape))}{where}: declare keras.Input(shape="
            f"{format_shape(tuple(x.shape[1:]))}) or reshape the data"
        )


def _one_sample(x: tuple[int, ...], declared: Shape) -> bool:
    """``x`` is exactly one sample (the declared shape without its batch axis), which Keras
    would read as a batch of its first axis: ``model.predict(x_test[0])``."""
    sample = declared[1:]
    return (
        len(x) == len(sample)
        and len(x) >= 1
        and all(d is None or d == s for d, s in zip(sample, x, strict=True))
        and _adjusted(x[1:], declared) != tuple(d for d in sample)
    )


def _stack(model: ModelIR, shapes: ModelShapes) -> ModelIR:
    """The model's layers without its leading Input or input_shape= (the data replaces it)."""
    return ModelIR(loc=model.loc, entries=list(model.entries[shapes.start :]))


# --------------------------------------------------------------------------------------------
# ``input_shape=x.shape`` with that same ``x`` passed to fit: the sample axis was declared


def _declared_from(call: ast.Call, item: LayerCall | InputDecl) -> tuple[ast.expr, bool] | None:
    """``(x, whole)`` when the input is declared as ``x.shape`` (whole) or ``(x.shape[0],)``
    / ``input_dim=x.shape[0]`` (its first axis only)."""
    names = ("shape",) if isinstance(item, InputDecl) else ("input_shape", "input_dim")
    for kw in call.keywords:
        if kw.arg not in names:
            continue
        value = kw.value
        if kw.arg != "input_dim" and _is_shape_of(value):
            assert isinstance(value, ast.Attribute)
            return value.value, True
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == 1:
            value = value.elts[0]
        elif kw.arg != "input_dim":
            return None
        if (
            isinstance(value, ast.Subscript)
            and _is_shape_of(value.value)
            and isinstance(value.slice, ast.Constant)
            and value.slice.value == 0
        ):
            assert isinstance(value.value, ast.Attribute)
            return value.value.value, False
    return None


def _is_shape_of(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == "shape" and _root(node.value) is not None
    )


def _root(node: ast.expr) -> str | None:
    """The variable at the root of ``x`` / ``df.values`` / ``self.x`` (None for calls etc.)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _scope(above: tuple[ast.AST, ...]) -> ast.AST | None:
    """The innermost function (or class body) of a node's ancestors; None at module level."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    return next((a for a in reversed(above) if isinstance(a, scopes)), None)


def _rebound(tree: ast.AST, name: str, after: int, upto: int) -> bool:
    """``name`` is assigned (or deleted, or a loop/with target) on a line in (after, upto]."""
    return any(
        isinstance(node, ast.Name)
        and node.id == name
        and not isinstance(node.ctx, ast.Load)
        and after < node.lineno <= upto
        for node in ast.walk(tree)
    )


def _sample_axis_declared(text: str, model: ModelIR, shapes: ModelShapes, call: Call) -> str | None:
    """``Dense(7, input_shape=x.shape)`` ... ``model.fit(x, y)``: the declared sample shape is
    the shape of the whole array, sample axis included, so ``fit`` always gets samples of
    another rank (``x.shape[1:]``). Also ``input_shape=(x.shape[0],)``, the number of samples.
    Found on the source because the sizes of ``x`` are often unknown (read from a file)."""
    if shapes.input_source not in ("kwarg", "input") or not model.entries:
        return None
    item = model.entries[0].item
    if not isinstance(item, (LayerCall, InputDecl)) or model.entries[0].uncertain:
        return None
    loc = item.loc
    if ".shape" not in "\n".join(text.split("\n", loc.end_line)[loc.line - 1 : loc.end_line]):
        return None  # (most files: no need to parse the text again)
    found_layer, found_data = fixes.call_at(text, item.loc), fixes.call_at(text, call.loc)
    if found_layer is None or found_data is None:
        return None
    (layer, layer_above), (data, data_above) = found_layer, found_data
    declared = _declared_from(layer, item)
    x = data.args[0] if data.args else next((k.value for k in data.keywords if k.arg == "x"), None)
    if declared is None or x is None:
        return None
    source, whole = declared
    name = _root(source)
    if (
        name is None
        or ast.dump(source) != ast.dump(x)
        or _scope(layer_above) is not _scope(data_above)
        or data.lineno < layer.lineno
        or _rebound(layer_above[0], name, layer.lineno, data.lineno)
    ):
        return None
    shown = ast.unparse(source)
    if whole:
        return (
            f"input_shape={shown}.shape declares the whole array, sample axis included, but "
            f"`{call.method}` feeds {shown} one sample at a time, of shape {shown}.shape[1:]: "
            f"declare input_shape={shown}.shape[1:]"
        )
    return (
        f"the declared input {shown}.shape[0] is the number of samples in {shown}, not the size "
        f"of one sample: declare input_shape={shown}.shape[1:]"
    )

"""SEQ501-SEQ507: the design tier, structural smells in the spirit of NeuraLint's catalogue.

None of them is on by default (``--select SEQ5``, ``--extend-select SEQ5`` or ``--select ALL``
turns them on). They only look at models whose layers are all known: an uncertain model or
entry, a custom or unreadable layer, or an argument that is not known statically keeps them
silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.extract.values import Ref
from seqlint.infer import ModelShapes
from seqlint.ir import InputDecl, LayerCall, LayerShape, ModelIR, ObjectCall
from seqlint.layers.base import BoundArgs, LayerDef, Shape, as_int
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label

# The tables of layers these rules need are role and trait queries on the layer definitions
# (``seqlint.layers.base.ROLES`` / ``TRAITS``), so a newly defined layer is seen at once.
_CONSTANT_INITIALIZERS = frozenset({"zeros", "ones", "constant"})
_KERNEL_INITIALIZERS = ("kernel_initializer", "depthwise_initializer", "pointwise_initializer")

# SEQ506: how deep a conv stack must be, and how small its last pooled map, to be reported.
MIN_POOLED_CONVS = 4
MAX_FINAL_SIZE = 2


@dataclass
class _Layer:
    """One usable layer of a model: a known Keras layer whose arguments all bind."""

    index: int  # position in ``ModelShapes.layers``
    ls: LayerShape
    call: LayerCall
    definition: LayerDef
    bound: BoundArgs

    @property
    def name(self) -> str:
        return self.call.class_name

    def activation(self) -> str | None:
        return self.definition.activation(self.bound)

    @property
    def role(self) -> str:
        return self.definition.role

    def has(self, trait: str) -> bool:
        return self.definition.has(trait)

    @property
    def weighted(self) -> bool:
        """Computes ``activation(W x + b)`` with the activation as its last step."""
        return self.role == "linear_map"

    @property
    def linear_map(self) -> bool:
        """A linear map that folds into another when nothing non-linear separates them (a
        depthwise convolution followed by a 1x1 convolution is a separable convolution on
        purpose: left out)."""
        return self.role == "linear_map" and not self.has("depthwise")

    @property
    def keeps(self) -> bool:
        """Keeps the shape and layout of a feature map (may sit between a convolution and its
        pooling, or between hidden Dense layers)."""
        return self.has("elementwise")


def _usable(index: int, ls: LayerShape) -> _Layer | None:
    item = ls.entry.item
    if ls.entry.uncertain or not isinstance(item, LayerCall) or item.custom or item.opaque:
        return None
    definition, bound = item.definition, item.bound
    if definition is None or bound is None or bound.opaque or not bound.ok:
        return None
    return _Layer(index, ls, item, definition, bound)


def _stack(model: ModelIR, shapes: ModelShapes) -> list[_Layer | None] | None:
    """The model's layers (``None`` for one that cannot be read), or ``None`` for a model the
    design rules leave alone: uncertain, broken, or sharing a layer between positions."""
    if model.uncertain or any(ls.error or ls.construct_error for ls in shapes.layers):
        return None
    seen: set[int] = set()
    out: list[_Layer | None] = []
    for i, ls in enumerate(shapes.layers):
        item = ls.entry.item
        if isinstance(item, LayerCall):
            if item.uid in seen:
                return None
            seen.add(item.uid)
        if isinstance(item, InputDecl) and not ls.entry.uncertain:
            continue
        out.append(_usable(i, ls))
    return out


def _complete(stack: list[_Layer | None] | None) -> list[_Layer] | None:
    """Every layer of the stack, or ``None`` when one of them cannot be read."""
    if stack is None or any(layer is None for layer in stack):
        return None
    return [layer for layer in stack if layer is not None]


def _standalone(model: ModelIR) -> bool:
    """The model's last layer is the network's output (it is not a block of a bigger model)."""
    return not model.nested and not model.called_functionally


def _int(value: Any) -> int | None:
    return as_int(value)


def _channel_axis(layer: _Layer) -> int:
    return 1 if layer.bound.get("data_format") == "channels_first" else -1


def _channels(layer: _Layer, shape: Shape | None) -> int | None:
    if shape is None or len(shape) < 2:
        return None
    return shape[_channel_axis(layer)]


def _width(layer: _Layer) -> int | None:
    """Output units / filters of a linear map."""
    if "units" in layer.bound.values:
        return _int(layer.bound.get("units"))
    if "filters" in layer.bound.values:
        return _int(layer.bound.get("filters"))
    return _channels(layer, layer.ls.output_shape)


# --------------------------------------------------------------------------------------------


@register
class RedundantActivation(Rule):
    code = "SEQ501"
    name = "redundant-activation"
    severity = "warning"
    default = False
    summary = (
        "Two activations in a row: a layer that already applies a non-linear activation "
        '(`Dense(64, activation="relu")`) directly followed by an activation layer '
        '(`Activation("relu")`, `ReLU()`, `Softmax()`, ...), or two activation layers in a row.'
    )
    why = (
        "The second activation either changes nothing (ReLU after ReLU) or works on values the "
        "first one already squashed (softmax over ReLU outputs can never see a negative logit, "
        "sigmoid over tanh outputs only spans 0.27..0.73). Either way it was rarely meant: the "
        "usual pattern is a linear layer followed by one activation layer."
    )
    fix_doc = (
        "Keep one activation: drop the `activation=` argument of the layer (so it stays linear) "
        "and keep the activation layer, or drop the activation layer."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            "    layers.ReLU(),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            "    layers.Dense(64),\n"
            "    layers.ReLU(),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            stack = _stack(model, shapes)
            if stack is None:
                continue
            for first, second in pairwise(stack):
                if first is None or second is None or second.role != "activation":
                    continue
                if first.role != "activation" and not first.weighted:
                    continue
                a, b = first.activation(), second.activation()
                if a in (None, "linear") or b in (None, "linear"):
                    continue
                ta, tb = _activation_text(first, a), _activation_text(second, b)
                what = f"applies {ta} twice" if ta == tb else f"applies {tb} on top of {ta}"
                message = (
                    f"{label(second.call)} follows {label(first.call)}, which already applies "
                    f"{ta}: the model {what}. Keep one activation"
                )
                yield self.diagnostic(second.ls.entry.loc, message)


def _activation_text(layer: _Layer, activation: str) -> str:
    """``relu``, or ``relu capped at 6.0`` for ``ReLU(max_value=6.0)``."""
    if "max_value" in layer.bound.values:
        cap = layer.bound.get("max_value")
        if isinstance(cap, (int, float)) and not isinstance(cap, bool):
            return f"{activation} capped at {cap}"
    return activation


@register
class MissingNonlinearity(Rule):
    code = "SEQ502"
    name = "missing-nonlinearity"
    severity = "warning"
    default = False
    summary = (
        "A Dense or convolution layer without an activation feeds another Dense or convolution "
        "layer with nothing non-linear in between (only Dropout, Flatten, Reshape, average "
        "pooling, BatchNormalization, ...), so the two compute one linear map."
    )
    why = (
        "A linear map followed by a linear map is a linear map: the first layer adds weights "
        "but no expressive power, and the stack is as shallow as if it were not there. It is "
        "usually a forgotten `activation=`. Not reported: a layer narrower than what comes in "
        "and what goes out (a linear bottleneck, a deliberate low-rank design), a Dense seed "
        'reshaped into a feature map for the convolutions after it ("project and reshape"), '
        "and a linear output layer."
    )
    fix_doc = (
        'Give the first layer an activation (`activation="relu"`), or put an activation layer '
        'after it (`Dense(64)`, `BatchNormalization()`, `Activation("relu")`).'
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            "    layers.Dense(64),\n"
            "    layers.Dropout(0.2),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            "    layers.Dense(64),\n"
            "    layers.BatchNormalization(),\n"
            '    layers.Activation("relu"),\n'
            "    layers.Dropout(0.2),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            stack = _stack(model, shapes)
            if stack is None:
                continue
            for i, first in enumerate(stack):
                if first is None or not first.linear_map:
                    continue
                if first.activation() != "linear" or _int(first.bound.get("groups", 1)) != 1:
                    continue
                second = _next_linear_map(stack, i + 1)
                if second is None:
                    continue
                width = _width(first)
                after = _width(second)
                before = _channels(first, first.ls.input_shape)
                if width is None:
                    continue
                # a linear bottleneck (narrower than both sides) is a low-rank map on purpose
                if not (
                    (after is not None and width >= after)
                    or (before is not None and width >= before)
                ):
                    continue
                # no line number in the text: in a notebook it would be the joined text's
                message = (
                    f"{label(first.call)} has no activation and feeds {label(second.call)} "
                    "with nothing non-linear in between: the two fold into one "
                    "linear map. Add an activation"
                )
                yield self.diagnostic(first.ls.entry.loc, message)


def _next_linear_map(stack: list[_Layer | None], start: int) -> _Layer | None:
    """The linear map reached from ``start`` through linear pass-through layers only."""
    for layer in stack[start:]:
        if layer is None:
            return None
        if layer.linear_map:
            return layer
        if not layer.has("linear"):
            return None
        if layer.role == "reshape":
            # "project and reshape" (a generator's Dense seed reshaped into a feature map for
            # Conv2DTranspose) is a common deliberate pattern: only a Reshape known to keep
            # the rank is looked through
            before, after = layer.ls.input_shape, layer.ls.output_shape
            if before is None or after is None or len(after) > len(before):
                return None
    return None


@register
class BiasBeforeBatchNorm(Rule):
    code = "SEQ503"
    name = "bias-before-batchnorm"
    severity = "warning"
    default = False
    summary = (
        "A Dense or convolution layer with a bias (`use_bias=True`, the default) and no "
        "activation is directly followed by BatchNormalization."
    )
    why = (
        "BatchNormalization subtracts the per-channel mean, and with it any constant the layer "
        "before added: the bias is cancelled out, so its weights are trained for nothing (its "
        "own `beta` plays the role of the bias)."
    )
    fix_doc = "Pass `use_bias=False` to the layer before BatchNormalization."
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(32, 32, 3)),\n"
            "    layers.Conv2D(32, 3),\n"
            "    layers.BatchNormalization(),\n"
            '    layers.Activation("relu"),\n'
            "    layers.GlobalAveragePooling2D(),\n"
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(32, 32, 3)),\n"
            "    layers.Conv2D(32, 3, use_bias=False),\n"
            "    layers.BatchNormalization(),\n"
            '    layers.Activation("relu"),\n'
            "    layers.GlobalAveragePooling2D(),\n"
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            stack = _stack(model, shapes)
            if stack is None:
                continue
            for first, second in pairwise(stack):
                if first is None or second is None or second.name != "BatchNormalization":
                    continue
                if not first.weighted:
                    continue
                if first.bound.get("use_bias") is not True or first.activation() != "linear":
                    continue
                if not _same_axis(second.bound.get("axis"), _channel_axis(first), first):
                    continue
                message = (
                    f"{label(first.call)} adds a bias that the BatchNormalization after it "
                    "cancels out: pass use_bias=False"
                )
                yield self.diagnostic(first.ls.entry.loc, message)


def _same_axis(axis: Any, channel: int, layer: _Layer) -> bool:
    """BatchNormalization's ``axis`` is the axis the bias of ``layer`` is added along."""
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    axis = _int(axis)
    if axis is None:
        return False
    if axis == channel:
        return True
    shape = layer.ls.output_shape
    if shape is None:
        return False
    rank = len(shape)
    return axis % rank == channel % rank if -rank <= axis < rank else False


@register
class DropoutBeforeBatchNorm(Rule):
    code = "SEQ504"
    name = "dropout-before-batchnorm"
    severity = "warning"
    default = False
    summary = (
        "A Dropout layer (or SpatialDropout, GaussianDropout, AlphaDropout) is directly "
        "followed by BatchNormalization."
    )
    why = (
        "Dropout changes the variance of what passes through it between training and "
        "inference, while BatchNormalization keeps the statistics it gathered in training: at "
        "inference it normalises with the wrong variance (the 'variance shift' of Li et al., "
        "2019), which costs accuracy."
    )
    fix_doc = (
        "Put Dropout after BatchNormalization (and its activation), e.g. "
        "`Dense` -> `BatchNormalization` -> `Activation` -> `Dropout`, or after the last "
        "BatchNormalization only."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            "    layers.Dropout(0.5),\n"
            "    layers.BatchNormalization(),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            "    layers.BatchNormalization(),\n"
            "    layers.Dropout(0.5),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            stack = _stack(model, shapes)
            if stack is None:
                continue
            for first, second in pairwise(stack):
                if first is None or second is None or second.name != "BatchNormalization":
                    continue
                if not first.has("dropout"):
                    continue
                rate = first.bound.get("rate")
                if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0:
                    continue
                message = (
                    f"{label(first.call)} comes right before BatchNormalization, which then "
                    "normalises with training-time statistics that dropout skewed: move the "
                    "dropout after it"
                )
                yield self.diagnostic(first.ls.entry.loc, message)


@register
class ConstantInitializer(Rule):
    code = "SEQ505"
    name = "constant-initializer"
    severity = "warning"
    default = False
    summary = (
        'A hidden Dense or convolution layer starts from constant weights: `kernel_initializer="'
        'zeros"` / `"ones"` / `Constant(...)` / `Zeros()` / `Ones()`.'
    )
    why = (
        "With every weight equal, every unit of the layer computes the same output and gets "
        "the same share of the gradient through it, so the units only drift apart through the "
        "weights of the layers after them, slowly if at all; with zeros and ReLU the units "
        "output 0 and get no gradient at all. Random initialisers (Keras's default "
        "`glorot_uniform`, `he_normal` for ReLU) start the units apart. Constant bias "
        "initialisers are fine, and so is a constant output layer."
    )
    fix_doc = (
        "Drop the `kernel_initializer=` argument (Keras's default is random) or use a random "
        'one such as `"he_normal"`.'
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu", kernel_initializer="zeros"),\n'
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu", kernel_initializer="he_normal",\n'
            '                 bias_initializer="zeros"),\n'
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if not _standalone(model):
                continue
            layers = _complete(_stack(model, shapes))
            if layers is None:
                continue
            weighted = [layer for layer in layers if layer.weighted]
            for layer in weighted[:-1]:  # the output layer may start from zeros
                width = _width(layer)
                if width is None or width < 2:
                    continue
                for key in _KERNEL_INITIALIZERS:
                    if key not in layer.bound.values:
                        continue
                    init = _constant_initializer(layer.bound.values[key])
                    if init is None:
                        continue
                    message = (
                        f"{label(layer.call)} starts from constant weights ({key}={init}): all "
                        "its units begin identical. Use a random initializer (the default "
                        "glorot_uniform, or he_normal)"
                    )
                    yield self.diagnostic(layer.ls.entry.loc, message)
                    break


def _constant_initializer(value: Any) -> str | None:
    """How a constant initializer was written, or ``None`` for anything else (or unknown)."""
    if isinstance(value, str):
        return repr(value) if value.lower() in _CONSTANT_INITIALIZERS else None
    if isinstance(value, Ref):
        module, _, name = value.qualname.rpartition(".")
        if module == "keras.initializers" and name.lower() in _CONSTANT_INITIALIZERS:
            return name
        return None
    if isinstance(value, ObjectCall) and not value.opaque:
        module, _, name = value.qualname.rpartition(".")
        if module == "keras.initializers" and name.lower() in _CONSTANT_INITIALIZERS:
            shown = [repr(a) if isinstance(a, (int, float)) else "..." for a in value.args]
            shown += [
                f"{k}={v!r}" if isinstance(v, (int, float)) else f"{k}=..."
                for k, v in value.kwargs.items()
            ]
            return f"{name}({', '.join(shown)})"
    return None


@register
class PoolingAfterEveryConv(Rule):
    code = "SEQ506"
    name = "pooling-after-every-conv"
    severity = "warning"
    default = False
    summary = (
        f"A deep convolution stack (at least {MIN_POOLED_CONVS} convolutions) pools after "
        f"every convolution and ends with a feature map at most {MAX_FINAL_SIZE} wide on every "
        "spatial axis."
    )
    why = (
        "Each pooling halves the feature map (or more), so pooling after every convolution "
        "throws the spatial resolution away before the network is deep enough to use it: the "
        "last convolutions see a map of one or two positions, where a 3x3 kernel is mostly "
        "padding. Deep stacks usually put two or three convolutions between poolings. Only "
        "stacks whose inferred shapes are known are checked."
    )
    fix_doc = (
        "Stack two or three convolutions per pooling (VGG-style blocks), use fewer pooling "
        "layers, or end with `GlobalAveragePooling2D()` while the map is still larger."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(28, 28, 1)),\n"
            '    layers.Conv2D(16, 3, padding="same", activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            '    layers.Conv2D(32, 3, padding="same", activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            '    layers.Conv2D(64, 3, padding="same", activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            '    layers.Conv2D(64, 3, padding="same", activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            "    layers.Flatten(),\n"
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(28, 28, 1)),\n"
            '    layers.Conv2D(16, 3, padding="same", activation="relu"),\n'
            '    layers.Conv2D(16, 3, padding="same", activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            '    layers.Conv2D(32, 3, padding="same", activation="relu"),\n'
            '    layers.Conv2D(32, 3, padding="same", activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            "    layers.Flatten(),\n"
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            layers = _complete(_stack(model, shapes))
            if layers is None:
                continue
            convs = [i for i, layer in enumerate(layers) if layer.has("conv")]
            if len(convs) < MIN_POOLED_CONVS:
                continue
            pools: list[_Layer] = []
            for i in convs:
                pool = _pool_after(layers, i + 1)
                if pool is None:
                    break
                pools.append(pool)
            else:
                first_in = _spatial(layers[convs[0]], layers[convs[0]].ls.input_shape)
                last_out = _spatial(layers[convs[-1]], pools[-1].ls.output_shape)
                if first_in is None or last_out is None:
                    continue
                if any(d is None for d in last_out) or max(d or 0 for d in last_out) > (
                    MAX_FINAL_SIZE
                ):
                    continue
                message = (
                    f"each of the {len(convs)} convolutions is followed by pooling: the "
                    f"feature map shrinks from {_size(first_in)} to {_size(last_out)} by the "
                    "last block. Stack several "
                    "convolutions per pooling"
                )
                yield self.diagnostic(pools[0].ls.entry.loc, message)


def _pool_after(layers: list[_Layer], start: int) -> _Layer | None:
    """The pooling layer that directly follows a convolution (activations, BatchNormalization
    and dropout may sit between them), or ``None``."""
    for layer in layers[start:]:
        if layer.role == "pooling":
            return layer
        if not layer.keeps:
            return None
    return None


def _spatial(conv: _Layer, shape: Shape | None) -> tuple[int | None, ...] | None:
    if shape is None or len(shape) < 3:
        return None
    if conv.bound.get("data_format") == "channels_first":
        return tuple(shape[2:])
    return tuple(shape[1:-1])


def _size(dims: tuple[int | None, ...]) -> str:
    return "x".join("?" if d is None else str(d) for d in dims)


@register
class GrowingWidth(Rule):
    code = "SEQ507"
    name = "growing-width"
    severity = "warning"
    default = False
    summary = (
        "Three or more hidden Dense layers whose widths grow towards a narrower output "
        "(e.g. 32 -> 64 -> 128 -> 10)."
    )
    why = (
        "The first, narrowest hidden layer bounds how much of the input every later layer can "
        "see; the wider layers after it add parameters but no information. Fully connected "
        "stacks usually narrow towards the output (a funnel). Decoders that widen on purpose "
        "are not reported: widths that first shrink then grow (a bottleneck), or an output at "
        "least as wide as the widest hidden layer."
    )
    fix_doc = (
        "Make the hidden layers narrow towards the output (128 -> 64 -> 32 -> 10), or give "
        "them all the same width."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(100,)),\n"
            '    layers.Dense(32, activation="relu"),\n'
            '    layers.Dense(64, activation="relu"),\n'
            '    layers.Dense(128, activation="relu"),\n'
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(100,)),\n"
            '    layers.Dense(128, activation="relu"),\n'
            '    layers.Dense(64, activation="relu"),\n'
            '    layers.Dense(32, activation="relu"),\n'
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if not _standalone(model):
                continue
            layers = _complete(_stack(model, shapes))
            if layers is None:
                continue
            dense = _dense_tail(layers)
            if dense is None or len(dense) < 4:
                continue
            units = [_int(layer.bound.get("units")) for layer in dense]
            widths = [w for w in units if w is not None]
            if len(widths) != len(units):
                continue
            hidden, output = widths[:-1], widths[-1]
            if not all(a < b for a, b in pairwise(hidden)):
                continue
            if output >= hidden[-1]:
                continue
            path = " -> ".join(str(w) for w in widths)
            message = (
                f"hidden Dense widths grow towards a narrower output ({path}): the first "
                f"hidden layer, {label(dense[0].call)}, is the narrowest and limits all after it"
            )
            yield self.diagnostic(dense[0].ls.entry.loc, message)


def _dense_tail(layers: list[_Layer]) -> list[_Layer] | None:
    """The trailing run of Dense layers that ends the model (only activations, normalisation
    and dropout between them and after the last); ``None`` when the model ends otherwise."""
    run: list[_Layer] = []
    for layer in reversed(layers):
        if layer.has("dense"):
            run.append(layer)
        elif layer.keeps:
            continue
        elif run:
            break
        else:
            return None
    if not run:
        return None
    run.reverse()
    return run

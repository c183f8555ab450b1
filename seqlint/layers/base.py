"""The vocabulary every layer definition is written in.

A layer definition states a Keras layer's constructor signature, its argument validation, its
output-shape rule and its weight specs once. The checker runs it on symbolic shapes, the runtime on
real arrays; parameter counts are only ever the sizes of the weight specs.

Shapes are tuples whose items are ``int`` or ``None`` (the batch axis, or a size not known
statically). An unknown *rank* is ``None`` instead of a tuple. Argument values the extractor could
not resolve are the singleton :data:`UNKNOWN`; a definition must accept it anywhere and answer with
``None`` dims or a ``None`` parameter count rather than guess.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

Dim = int | None
Shape = tuple[Dim, ...]


class _Unknown:
    """A value the extractor could not resolve statically."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "?"

    def __bool__(self) -> bool:  # an unknown is never silently truthy
        raise TypeError("truth value of UNKNOWN is undefined; test `is UNKNOWN` first")

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class _Required:
    def __repr__(self) -> str:
        return "<required>"


REQUIRED: Any = _Required()


class ShapeError(Exception):
    """Keras would refuse this input when building the layer.

    ``kind`` is ``"rank"`` (wrong number of axes, Keras's InputSpec errors) or ``"dimension"``
    (a size becomes <= 0, or does not divide / match, e.g. Reshape element counts).
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class TypeRefusal(str):
    """A :meth:`LayerDef.validate` message that Keras raises as ``TypeError`` (a value of the
    wrong type, ``RepeatVector(2.0)``) rather than ``ValueError``; the runtime raises it so."""


class WeightSpec(NamedTuple):
    """One weight a layer creates when it is built: Keras's name, its shape (``None`` for a size
    not known statically), the initializer argument, and whether training updates it. The
    checker counts parameters from these and the runtime creates its variables from them."""

    name: str
    shape: Shape
    initializer: Any
    trainable: bool = True


def count_weights(specs: Sequence[WeightSpec]) -> tuple[int | None, int | None]:
    """``(trainable, non_trainable)`` parameter counts of ``specs`` (``None`` when a size is
    unknown)."""
    counts: list[int | None] = [0, 0]
    for spec in specs:
        size = prod(spec.shape)
        i = 0 if spec.trainable else 1
        current = counts[i]
        counts[i] = None if size is None or current is None else current + size
    return counts[0], counts[1]


class Param(NamedTuple):
    """One constructor argument: its name and default (``REQUIRED`` when it has none)."""

    name: str
    default: Any = REQUIRED
    keyword_only: bool = False


# Keyword arguments every Keras 3 layer accepts through ``Layer.__init__(**kwargs)``.
# (Keras 3 dropped ``batch_size=``, ``weights=`` and ``batch_input_shape=`` from the base layer:
# ``Dense(8, weights=w)`` is "Unrecognized keyword arguments passed to Dense". Layers that still
# take ``weights`` (Embedding, Bidirectional) list it among their own params.)
BASE_LAYER_KWARGS: tuple[str, ...] = (
    "activity_regularizer",
    "trainable",
    "dtype",
    "autocast",
    "name",
    "input_shape",
    "input_dim",
)


@dataclass
class BoundArgs:
    """Arguments bound to a signature, defaults filled in, plus what could not be bound."""

    values: dict[str, Any] = field(default_factory=dict)
    unknown_keywords: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    too_many_positional: int = 0
    # True when *args/**kwargs of unknown content were passed: nothing can be said about binding
    opaque: bool = False

    @property
    def ok(self) -> bool:
        return not (self.unknown_keywords or self.missing or self.too_many_positional)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


# What a layer is for. Rules ask a definition's role (and traits, below) instead of keeping
# tables of class names, so a newly defined layer is seen by every rule at once.
ROLES: frozenset[str] = frozenset(
    {
        "linear_map",  # W x (+ b), maybe followed by an activation: Dense, EinsumDense, Conv*
        "activation",  # only applies an activation function: Activation, ReLU, Softmax, ...
        "pooling",  # windowed pooling over positions: MaxPooling2D, AdaptiveAveragePooling1D
        "global_pooling",  # pools every position away: GlobalAveragePooling2D
        "reshape",  # rearranges the same values: Flatten, Reshape, Permute, RepeatVector
        "resample",  # pads, crops or repeats positions: ZeroPadding2D, Cropping1D, UpSampling2D
        "normalization",  # BatchNormalization, LayerNormalization, ...
        "recurrent",  # SimpleRNN, LSTM, GRU, ConvLSTM*
        "merge",  # combines several inputs: Add, Concatenate, Dot
        "attention",  # query/value attention: Attention, AdditiveAttention
        "embedding",  # integer ids to vectors: Embedding
        "preprocessing",  # fixed input transforms: Rescaling, Normalization, lookups, Resizing
        "augmentation",  # random input transforms in training: RandomFlip, MixUp
        "regularization",  # dropout, noise, activity regularization
        "wrapper",  # applies another layer: Bidirectional, TimeDistributed
        "identity",  # Identity
        "masking",  # Masking
        "function",  # Lambda: an arbitrary function
    }
)

# Facts about a layer that cut across roles.
TRAITS: frozenset[str] = frozenset(
    {
        "dense",  # acts on the last axis with ``units`` outputs (Dense)
        "conv",  # a full convolution (Conv1D-3D, SeparableConv1D-2D)
        "transpose",  # a transposed convolution
        "depthwise",  # a depthwise (per-channel) convolution
        "dropout",  # zeroes or scales values at random in training, the identity at inference
        "linear",  # (affine-)linear in its input at inference: a linear map before and after
        # it folds into one (dropout, Flatten, average pooling, BatchNormalization, ...)
        "elementwise",  # keeps the shape and the layout (activations, dropout, normalization)
        "spatial_output",  # a rank > 2 output is a feature map (one vector per pixel)
        "sequence_output",  # a rank > 2 output is a sequence (one vector per step / token)
        "text_input",  # takes strings (TextVectorization, StringLookup): a run feeds it text
    }
)


class LayerDef:
    """Base class of a layer definition; subclasses are registered with :func:`register`.

    Subclasses set ``name`` (the canonical Keras class name), ``role`` (one of :data:`ROLES`),
    ``traits`` (a subset of :data:`TRAITS`), ``params`` (constructor arguments in Keras's order,
    without the base-layer ``**kwargs``), and override :meth:`output_shape`, :meth:`validate` and,
    for a layer with weights, :meth:`weights` (the parameter count comes from it).
    """

    name: ClassVar[str] = ""
    role: ClassVar[str] = ""
    traits: ClassVar[frozenset[str]] = frozenset()
    params: ClassVar[tuple[Param, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    # Whether the constructor forwards ``**kwargs`` to ``Layer.__init__`` (name, dtype,
    # input_shape, ...). A few layers (e.g. SpatialDropout2D) take no **kwargs in Keras 3.
    base_kwargs: ClassVar[bool] = True
    # Layers whose first positional/keyword argument is another layer (Bidirectional, ...):
    # that argument's value is then a :class:`LayerSpec`, or UNKNOWN.
    wraps_layer: ClassVar[bool] = False
    # Merge layers (Add, Concatenate, ...) need several inputs: never valid inside a Sequential.
    merge: ClassVar[bool] = False
    # Layers that learn nothing and do not change what values mean (dropout / noise, the
    # reshape family, pooling, padding / cropping / up-sampling, augmentation): rules may look
    # through them, e.g. to find the layer that really sets a model's output.
    passthrough: ClassVar[bool] = False
    # Layers that own trainable weights (Dense, Conv*, RNNs, Embedding, BatchNormalization, ...).
    learns: ClassVar[bool] = False

    def has(self, trait: str) -> bool:
        """Whether the layer has ``trait`` (one of :data:`TRAITS`)."""
        return trait in self.traits

    def bind(
        self, args: Sequence[Any], kwargs: Mapping[str, Any], opaque: bool = False
    ) -> BoundArgs:
        """Bind call arguments to the signature the way Python would, defaults filled in."""
        bound = BoundArgs(opaque=opaque)
        positional = [p for p in self.params if not p.keyword_only]
        for i, value in enumerate(args):
            if i < len(positional):
                bound.values[positional[i].name] = value
            else:
                bound.too_many_positional += 1
        known = {p.name for p in self.params}
        for key, value in kwargs.items():
            if key in known or (self.base_kwargs and key in BASE_LAYER_KWARGS):
                bound.values[key] = value
            else:
                bound.unknown_keywords.append(key)
        for p in self.params:
            if p.name not in bound.values:
                if p.default is REQUIRED:
                    if not opaque:
                        bound.missing.append(p.name)
                    bound.values[p.name] = UNKNOWN
                else:
                    bound.values[p.name] = p.default
        if opaque:
            bound.unknown_keywords.clear()
            bound.too_many_positional = 0
        return bound

    def validate(self, args: BoundArgs) -> str | None:
        """Keras's error message when its constructor refuses these arguments (``Dense(0)``,
        ``Dropout(1.5)``), else ``None``. ``check`` reports it and the runtime raises it, so the
        two cannot disagree; an unknown value always passes."""
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        """Output shape for ``input_shape`` (batch first); raise :class:`ShapeError` when Keras
        would. Return ``None`` when the rank itself is unknown."""
        return input_shape

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """The weights the layer creates when built on ``input_shape``, in Keras's order (``[]``
        for a layer without weights), or ``None`` where an argument they depend on is unknown."""
        return []

    def count_params(self, args: BoundArgs, input_shape: Shape) -> tuple[int | None, int | None]:
        """``(trainable, non_trainable)`` parameter counts once built on ``input_shape``: the
        sizes of :meth:`weights` (both ``None`` when any is not statically known). Not meant to
        be overridden, so the checker's counts and the runtime's variables cannot drift."""
        specs = self.weights(args, input_shape)
        if specs is None:
            return None, None
        trainable, frozen = count_weights(specs)
        return (None, None) if trainable is None or frozen is None else (trainable, frozen)

    def activation(self, args: BoundArgs) -> str | None:
        """Name of the activation this layer applies last, used by rules about output activations.

        * ``"relu"``, ``"softmax"``, ... : the layer applies that activation last (the
          ``activation`` argument, or the function an activation layer such as ``Softmax`` or
          ``ReLU`` stands for);
        * ``"linear"``: the layer computes values but applies no activation (``Dense(10)``);
        * ``None``: the layer does not set an activation (pass-through layers such as Dropout,
          Flatten, pooling, BatchNormalization, Rescaling: look at the layer before it), or the
          activation cannot be known statically (an unresolved argument)."""
        value = args.get("activation", None)
        return normalize_activation(value) if "activation" in args.values else "linear"


@dataclass
class LayerSpec:
    """A layer passed as an argument to another (``Bidirectional(LSTM(8))``): its definition
    (``None`` for a layer seqlint does not know) and its bound arguments."""

    definition: LayerDef | None
    args: BoundArgs
    class_name: str = ""


_REGISTRY: dict[str, LayerDef] = {}


def register(cls: type[LayerDef]) -> type[LayerDef]:
    """Class decorator: make a definition findable under its name and aliases."""
    if cls.role not in ROLES:
        raise ValueError(f"layer {cls.name!r} has no valid role: {cls.role!r}")
    if not cls.traits <= TRAITS:
        raise ValueError(f"layer {cls.name!r} has unknown traits: {set(cls.traits - TRAITS)}")
    instance = cls()
    for key in (cls.name, *cls.aliases):
        if key in _REGISTRY:
            raise ValueError(f"layer {key!r} registered twice")
        _REGISTRY[key] = instance
    return cls


def get_layer(name: str) -> LayerDef | None:
    """The definition for a Keras layer class name or alias, or ``None`` when unknown.

    A family of definitions (``seqlint/layers/conv.py``, ...) is imported the first time one
    of its names is asked for (:data:`seqlint.layers.index.FAMILIES` says which): a file that
    uses Dense alone does not pay for the 120 others."""
    found = _REGISTRY.get(name)
    if found is None:
        from seqlint.layers.index import FAMILIES

        family = FAMILIES.get(name)
        if family is not None:
            importlib.import_module(f"seqlint.layers.{family}")
            found = _REGISTRY.get(name)
    return found


def all_layers() -> dict[str, LayerDef]:
    """Every definition, by name and alias (imports every family)."""
    from seqlint.layers.index import FAMILIES

    for family in sorted(set(FAMILIES.values())):
        importlib.import_module(f"seqlint.layers.{family}")
    return dict(_REGISTRY)


# ---- helpers for writing definitions -------------------------------------------------------


def is_known(value: Any) -> bool:
    return value is not UNKNOWN


def as_int(value: Any) -> int | None:
    """An int argument, or ``None`` when unknown / not an int."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def as_tuple(value: Any, n: int) -> tuple[int | None, ...] | None:
    """Normalise ``kernel_size=3`` / ``(3, 3)`` style arguments to an ``n``-tuple.

    Unknown items become ``None``; an entirely unknown value gives ``None``.
    """
    if value is UNKNOWN or value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, (tuple, list)):
        if len(value) == 1 and n != 1:
            return (as_int(value[0]),) * n
        if len(value) != n:
            return None
        return tuple(as_int(v) for v in value)
    return None


def dim_mul(*dims: Dim) -> Dim:
    out = 1
    for d in dims:
        if d is None:
            return None
        out *= d
    return out


def prod(dims: Iterable[Dim]) -> Dim:
    return dim_mul(*dims)


def normalize_activation(value: Any) -> str | None:
    """``"relu"``, ``None`` (Keras: linear) or a resolved function reference to a name.

    Returns ``None`` when the activation cannot be known statically.
    """
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value.lower()
    name = getattr(value, "activation_name", None)
    if isinstance(name, str):
        return name
    return None

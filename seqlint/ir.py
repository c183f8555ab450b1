"""ModelIR: what the extractor learned about each Sequential model, shared by checker and runtime.

Everything here is static: values are Python constants, :data:`UNKNOWN`, or the small value
types below. Spans are in the coordinates of the analysed text (see :class:`SourceFile`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import NoneType
from typing import Any, NamedTuple

from seqlint.layers.base import UNKNOWN, BoundArgs, LayerDef, LayerSpec, Shape, get_layer

_uids = itertools.count(1)


class Loc(NamedTuple):
    """Start and end of a node in the analysed text (1-based lines and columns)."""

    line: int
    column: int
    end_line: int
    end_column: int


NOWHERE = Loc(0, 0, 0, 0)


@dataclass(eq=False)
class LayerCall:
    """A layer constructor call: ``Dense(64, activation="relu")``."""

    class_name: str  # canonical Keras class name ("MaxPooling2D" for MaxPool2D), or the user's name
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    loc: Loc
    qualname: str = ""  # how it was reached, e.g. "keras.layers.core.Dense"
    opaque: bool = False  # *args / **kwargs of unknown content were passed
    custom: bool = False  # a user-defined or unknown layer class
    # in a ``try`` body or version-dependent branch: failing there may be intended
    guarded: bool = False
    uid: int = field(default_factory=lambda: next(_uids))
    _bound: BoundArgs | None = None
    # ``layer.trainable = value`` statements after construction: (value, loc, uncertain)
    trainable_sets: list[tuple[Any, Loc, bool]] = field(default_factory=list)
    # ``layer.adapt(data)`` calls (Normalization and friends): (data, loc, uncertain)
    adapt_calls: list[tuple[Any, Loc, bool]] = field(default_factory=list)

    @property
    def definition(self) -> LayerDef | None:
        return None if self.custom else get_layer(self.class_name)

    @property
    def bound(self) -> BoundArgs | None:
        """Arguments bound to the Keras signature (``None`` for layers seqlint does not know)."""
        definition = self.definition
        if self._bound is None and definition is not None:
            self._bound = definition.bind(self.args, self.kwargs, self.opaque)
            if definition.wraps_layer:
                for key in ("layer", "backward_layer"):
                    inner = self._bound.values.get(key)
                    if isinstance(inner, LayerCall):
                        self._bound.values[key] = inner.spec()
                    elif key == "layer" and not isinstance(inner, (str, int, float, NoneType)):
                        self._bound.values[key] = UNKNOWN  # (a literal: Keras refuses it)
        return self._bound

    def spec(self) -> LayerSpec:
        """This call as the argument of a wrapper layer (``Bidirectional(LSTM(8))``)."""
        bound = self.bound
        return LayerSpec(
            self.definition, bound if bound is not None else BoundArgs(opaque=True), self.class_name
        )

    def kwarg(self, name: str, default: Any = None) -> Any:
        return self.kwargs.get(name, default)


class InputDecl:
    """``keras.Input(shape=...)`` / ``InputLayer(...)``: the model input (batch excluded)."""

    __slots__ = ("shape", "loc", "class_name", "batch_size")

    def __init__(
        self,
        shape: Any,
        loc: Loc,
        class_name: str = "InputLayer",
        batch_size: int | None = None,
    ) -> None:
        self.shape = shape  # tuple of ints/None/UNKNOWN items, or UNKNOWN
        self.loc = loc
        self.class_name = class_name
        # the static batch size (``batch_size=`` / ``batch_shape[0]``; stateful RNNs need one)
        self.batch_size = batch_size


class TensorCall:
    """A layer or model *called* on a tensor (``Dense(8)(x)``): functional API, not a layer.
    (Plain classes here and below: a dataclass costs ~0.3 ms at every start-up.)"""

    __slots__ = ("callee", "loc")

    def __init__(self, callee: Any, loc: Loc) -> None:
        self.callee = callee
        self.loc = loc


@dataclass(eq=False)
class ArrayInfo:
    """What is statically known about a NumPy-like array built in the file."""

    shape: tuple[Any, ...] | None  # items: int or None (unknown); None = unknown rank
    kind: str | None = None  # "float" | "int" | None
    encoding: str | None = None  # "onehot" | "int" (class indices) | None
    n_classes: int | None = None
    low: float | None = None  # value range, when known
    high: float | None = None
    loc: Loc = NOWHERE
    # reordered on its own (np.random.shuffle / permutation): no longer paired with its partner
    permuted: bool = False

    @property
    def ndim(self) -> int | None:
        return None if self.shape is None else len(self.shape)


@dataclass(eq=False)
class ObjectCall:
    """A call to a known Keras/TensorFlow object constructor (an optimizer, a loss, a metric)."""

    qualname: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    loc: Loc
    opaque: bool = False
    # made under an unknown condition, or in a ``try`` body whose handlers may catch its error
    # (a failure there is expected: ``try: Adam(lr=...) except TypeError: ...``)
    guarded: bool = False

    @property
    def short_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


class Entry:
    """One position of a Sequential stack: what was put there, and where."""

    __slots__ = ("item", "loc", "uncertain")

    def __init__(self, item: Any, loc: Loc, uncertain: bool = False) -> None:
        self.item = item  # LayerCall | InputDecl | TensorCall | ModelIR | UNKNOWN
        self.loc = loc  # the list element or the argument of add()
        self.uncertain = uncertain  # added under a condition / loop not followed


@dataclass(eq=False)
class Call:
    """A ``compile``/``fit``/``evaluate``/``build``/... call on a model."""

    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    loc: Loc
    opaque: bool = False
    uncertain: bool = False
    guarded: bool = False  # in a ``try`` body whose handlers may catch its failure

    def arg(self, index: int, name: str, default: Any = None) -> Any:
        if name in self.kwargs:
            return self.kwargs[name]
        if index < len(self.args):
            return self.args[index]
        return default


@dataclass(eq=False)
class ModelIR:
    """A ``Sequential`` model as far as it is statically known."""

    loc: Loc
    name: str | None = None  # name= argument
    variable: str | None = None  # first Python name bound to it
    entries: list[Entry] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    uncertain: bool = False  # something we could not follow may have changed it
    module_binding: int | None = None  # order of first binding to a module-level name
    order: int = field(default_factory=lambda: next(_uids))
    called_functionally: bool = False  # model(x) builds it
    nested: bool = False  # used as a layer of another model
    # how deep in unresolved branches/loops the model was created: only changes made at a
    # deeper level are uncertain (a model built wholly inside an ``except`` is itself certain)
    taint_level: int = 0
    # built from names that were never imported (a pasted snippet): guessed to be Keras's
    resolved_by_name: bool = False
    # made in a branch that may not run: its conditions, innermost last, as
    # ``(text, line)`` (``summary`` shows them: the model may never exist)
    conditions: tuple[tuple[str, int], ...] = ()
    uid: int = field(default_factory=lambda: next(_uids))

    def calls_named(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    @property
    def compile_call(self) -> Call | None:
        """The compile() that is in force, or None (none, or one under an unknown condition)."""
        found = self.calls_named("compile")
        if not found or any(c.uncertain for c in found):
            return None
        return found[-1]

    @property
    def fit_call(self) -> Call | None:
        found = self.calls_named("fit", "fit_generator", "train_on_batch")
        if not found or found[0].uncertain:
            return None
        return found[0]


class ImportInfo:
    """An import statement, kept for rules about removed modules."""

    __slots__ = ("module", "names", "loc", "raw", "guarded")

    def __init__(
        self,
        module: str,
        names: tuple[str, ...],
        loc: Loc,
        raw: str = "",
        guarded: bool = False,
    ) -> None:
        self.module = module  # canonical dotted name imported from (or imported)
        self.names = names
        self.loc = loc
        self.raw = raw  # the module as written (``tensorflow.keras.utils``)
        # under an unknown condition, in a ``try`` body with handlers, or in a handler: a
        # failing import there is expected (version fallbacks)
        self.guarded = guarded


class Incomplete(NamedTuple):
    """A place where the analysis stopped following the code (a budget ran out, the code
    nests too deeply): what it may have bound or changed became unknown or uncertain, and
    the code after it was analysed from there."""

    loc: Loc
    reason: str


@dataclass(eq=False)
class FileIR:
    """Everything extracted from one source."""

    models: list[ModelIR] = field(default_factory=list)
    imports: list[ImportInfo] = field(default_factory=list)
    # other Keras calls worth checking that are not tied to a model (optimizer objects, ...)
    objects: list[ObjectCall] = field(default_factory=list)
    # every other call of a ``keras.*`` function (utilities such as to_categorical)
    keras_calls: list[ObjectCall] = field(default_factory=list)
    # every Keras layer constructed, in a model or not (removed-api checks their arguments)
    layers: list[LayerCall] = field(default_factory=list)
    # where the analysis was cut short (reported as SEQ002 analysis-incomplete)
    incomplete: list[Incomplete] = field(default_factory=list)
    # unbound names taken for Keras's own (``Sequential``, ``Dense`` in a pasted snippet)
    guessed_names: set[str] = field(default_factory=set)

    def ordered_models(self) -> list[ModelIR]:
        """Models in Keras-summary order: first bound to module-level names, then the rest."""
        return sorted(
            self.models,
            key=lambda m: (
                m.module_binding is None,
                m.module_binding if m.module_binding is not None else m.order,
            ),
        )


@dataclass
class LayerShape:
    """Result of shape inference for one entry of a model."""

    entry: Entry
    input_shape: Shape | None
    output_shape: Shape | None
    trainable: int | None
    non_trainable: int | None
    error: tuple[str, str] | None = None  # (kind, message) when Keras would refuse it
    name: str = ""
    class_name: str = ""
    counted: bool = True  # False for a second use of a shared layer (params counted once)
    # Keras raises while *constructing* this layer (unknown keyword, missing argument), so the
    # script stops before it is added: the Keras model ends just before it
    construct_error: bool = False


__all__ = ["UNKNOWN", "ArrayInfo", "Entry", "FileIR", "LayerCall", "ModelIR"]

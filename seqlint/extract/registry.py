"""Call handlers, registered by the qualified name of what they stand for.

The interpreter knows nothing about NumPy, Keras or ``list.append``: a call of a name from
outside the file (``np.random.randint``), or of a method of a value it tracks
(``model.add``, ``x.reshape``), is one lookup here. Two kinds of handler:

- :func:`handles` (the usual one): a Python function written with the callee's **real
  signature** (``def randint(low, high=None, size=None, dtype=int)``). The call's arguments are
  bound to it as :meth:`inspect.Signature.bind` does; arguments that do not bind (too many, an
  unknown keyword) or whose content is unknown (``f(*xs)``) make the result unknown. With
  ``site=True`` the handler also gets the :class:`Site` first (the interpreter, the call's
  node), and for a method the receiver next.
- ``handles(..., raw=True)``: Keras constructors and methods that must see every call, even
  one with unknown arguments (a ``Sequential(*layers)`` is still a model, a ``fit(**opts)`` is
  still recorded): the handler gets the :class:`Site` (and the receiver) and reads the
  arguments itself.

Handlers return a value, or :data:`NOT_HANDLED` when the call is beyond what they model (the
interpreter then treats it as any unknown call).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from seqlint.extract.data import NOT_HANDLED
from seqlint.extract.names import classify
from seqlint.layers.base import UNKNOWN

if TYPE_CHECKING:
    from seqlint.extract.interp import Interpreter, Scope
    from seqlint.ir import Loc

__all__ = ["NOT_HANDLED", "Handler", "Site", "handles", "lookup", "method"]


class Site:
    """One call being interpreted: the arguments as evaluated, whether some of them are of
    unknown content (``*args``/``**kwargs`` that could not be spread), and where it is."""

    __slots__ = ("interp", "qualname", "args", "kwargs", "opaque", "node", "scope")

    def __init__(
        self,
        interp: Interpreter,
        qualname: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: ast.Call,
        scope: Scope,
    ) -> None:
        self.interp = interp
        self.qualname = qualname
        self.args = args
        self.kwargs = kwargs
        self.opaque = opaque
        self.node = node
        self.scope = scope

    @property
    def loc(self) -> Loc:
        return self.interp.loc(self.node)


class Handler:
    """A registered handler: the call's arguments bound to its signature, or (``raw``) the
    :class:`Site` alone, for handlers that must see every call."""

    __slots__ = ("name", "func", "_signature", "site", "raw")

    def __init__(self, name: str, func: Callable[..., Any], site: bool, raw: bool) -> None:
        self.name = name
        self.func = func
        self.site = site
        self.raw = raw
        # (computed on the first call: most handlers of a run are never called, and
        # inspect.signature for all of them would be paid by every ``check`` at import)
        self._signature: inspect.Signature | None = None

    @property
    def signature(self) -> inspect.Signature | None:
        """The handler's signature, which calls are bound to (None for ``raw`` handlers)."""
        if self._signature is None and not self.raw:
            self._signature = inspect.signature(self.func)
        return self._signature

    def __call__(self, site: Site, *receiver: Any) -> Any:
        """The handler's value for this call: UNKNOWN when its arguments do not bind."""
        if self.raw:
            return self.func(site, *receiver)
        if site.opaque:
            return UNKNOWN  # arguments of unknown content say nothing about the result
        lead = (site, *receiver) if self.site else receiver
        try:
            # (Python binds the arguments as inspect.Signature.bind would, much faster)
            return self.func(*lead, *site.args, **site.kwargs)
        except TypeError:
            signature = self.signature
            assert signature is not None
            try:
                signature.bind(*lead, *site.args, **site.kwargs)
            except TypeError:
                return UNKNOWN  # a call Python itself would refuse
            raise  # (from the handler's own code)


#: qualified name (``numpy.random.randint``, ``keras.Sequential.add``) -> its handler
REGISTRY: dict[str, Handler] = {}


def handles(*names: str, site: bool = False, raw: bool = False) -> Callable[[Any], Any]:
    """Register the decorated function for the callables ``names`` (see the module doc:
    ``site`` passes the :class:`Site` first; ``raw`` passes it alone, unbound)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            if name in REGISTRY:
                raise ValueError(f"two handlers for {name}")
            REGISTRY[name] = Handler(name, func, site, raw)
        return func

    return decorate


# What calling a Keras name of each kind makes (see :func:`seqlint.extract.names.classify`):
# the handler registered under the kind's public base name builds it.
_KIND_KEYS = {
    "sequential": "keras.Sequential",
    "input": "keras.Input",
    "input_layer": "keras.layers.InputLayer",
    "layer": "keras.layers.Layer",
    "optimizer": "keras.optimizers.Optimizer",
    "loss": "keras.losses.Loss",
    "metric": "keras.metrics.Metric",
    "callback": "keras.callbacks.Callback",
}


# Keras functions reached under several module paths over the versions
_LEGACY_KERAS = {
    "pad_sequences": "keras.utils.pad_sequences",
    "set_image_data_format": "keras.backend.set_image_data_format",
    "set_image_dim_ordering": "keras.backend.set_image_dim_ordering",
    "image_data_format": "keras.backend.image_data_format",
}


def key(qualname: str) -> str:
    """The registry key of a canonical qualified name: Keras classes by what they build,
    legacy spellings (``keras.preprocessing.sequence.pad_sequences``, the private
    ``sklearn.datasets._samples_generator.make_blobs``) by their public name."""
    q = qualname
    if q.startswith("keras."):
        found = _KIND_KEYS.get(classify(q).kind)
        if found is not None:
            return found
        if q.startswith("keras.initializers."):
            return "keras.initializers.Initializer"
        if q.startswith("keras.regularizers."):
            return "keras.regularizers.Regularizer"
        if q.startswith("keras.constraints."):
            return "keras.constraints.Constraint"
        last = q.rsplit(".", 1)[-1]
        if last in _LEGACY_KERAS:
            return _LEGACY_KERAS[last]
    if q.endswith("to_categorical") and (q.startswith("keras.") or q == "to_categorical"):
        return "keras.utils.to_categorical"
    if q.startswith("sklearn.datasets."):
        return "sklearn.datasets." + q.rsplit(".", 1)[-1]
    if q.endswith("train_test_split"):
        return "sklearn.model_selection.train_test_split"
    return q


_KEYS: dict[str, str] = {}  # qualified name -> its key (classify is the costly part)


def lookup(qualname: str) -> Handler | None:
    """The handler for calling ``qualname`` (canonical), if any."""
    found = _KEYS.get(qualname)
    if found is None:
        if len(_KEYS) > 50_000:
            _KEYS.clear()
        found = _KEYS[qualname] = key(qualname)
    return REGISTRY.get(found)


#: receiver type name -> what is tried for a method not registered for it
FALLBACKS: dict[str, Callable[[Site, Any, str], Any]] = {}
#: receiver type name -> what runs before any of its methods (may return a value)
GUARDS: dict[str, Callable[[Site, Any, str], Any]] = {}


def guard(receiver: str) -> Callable[[Any], Any]:
    """Register what runs before every method call on a ``receiver`` (e.g. a list whose
    contents an opaque call may have changed); it returns NOT_HANDLED to go on."""

    def decorate(func: Callable[[Site, Any, str], Any]) -> Callable[[Site, Any, str], Any]:
        GUARDS[receiver] = func
        return func

    return decorate


def fallback(receiver: str) -> Callable[[Any], Any]:
    """Register what a method of ``receiver`` without a handler of its own does."""

    def decorate(func: Callable[[Site, Any, str], Any]) -> Callable[[Site, Any, str], Any]:
        FALLBACKS[receiver] = func
        return func

    return decorate


def method(receiver: str, obj: Any, name: str, site: Site) -> Any:
    """Call the method ``name`` of ``obj``, a value of the type ``receiver`` names
    (``keras.Sequential``, ``numpy.ndarray``, ``builtins.list``...)."""
    site.qualname = f"{receiver}.{name}"
    before = GUARDS.get(receiver)
    if before is not None:
        value = before(site, obj, name)
        if value is not NOT_HANDLED:
            return value
    handler = REGISTRY.get(f"{receiver}.{name}")
    if handler is not None:
        value = handler(site, obj)
    else:
        otherwise = FALLBACKS.get(receiver)
        value = UNKNOWN if otherwise is None else otherwise(site, obj, name)
    return UNKNOWN if value is NOT_HANDLED else value

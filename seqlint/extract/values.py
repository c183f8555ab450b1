"""Abstract values of the extractor's small interpreter.

Python constants (int, float, str, bool, None, tuple) stand for themselves. Lists are
:class:`ListVal` so ``append`` can mutate them. Anything the interpreter cannot know is
:data:`UNKNOWN`. The IR types (:class:`LayerCall`, :class:`ModelIR`, :class:`ArrayInfo`, ...) are
values too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from seqlint.extract.names import activation_name, canonical


@dataclass(frozen=True)
class Ref:
    """A name from outside the file (a module, class or function), canonicalised."""

    qualname: str

    def attr(self, name: str) -> Ref:
        return Ref(canonical(f"{self.qualname}.{name}"))

    @property
    def activation_name(self) -> str | None:
        return activation_name(self.qualname)


@dataclass(eq=False)
class ListVal:
    items: list[Any]
    level: int = 0  # taint level where it was created: deeper appends are uncertain


@dataclass(eq=False)
class DictVal:
    items: dict[Any, Any]


@dataclass(eq=False)
class BoundMethod:
    """``obj.method`` before it is called (``model.add``, ``layers.append``, ``x.reshape``)."""

    obj: Any
    name: str


@dataclass(eq=False)
class FuncVal:
    """A function defined in the file; calling it interprets its body."""

    node: cst.FunctionDef | cst.Lambda
    scope: Any  # the Scope it was defined in
    defaults: dict[str, Any] = field(default_factory=dict)
    called: bool = False
    is_method: bool = False
    qualname: str = ""


@dataclass(eq=False)
class ClassVal:
    """A class defined in the file. ``kind``: "layer" (subclasses a Keras layer), "model"
    (subclasses keras.Model/Sequential) or "plain"."""

    name: str
    kind: str
    methods: dict[str, FuncVal] = field(default_factory=dict)


@dataclass(frozen=True)
class Builtin:
    name: str


@dataclass(eq=False)
class Instance:
    """An object of a class defined in the file (attributes are not tracked)."""

    cls: ClassVal

"""The interpreter's scopes, call frames and control-flow signals."""

from __future__ import annotations

from typing import Any

from seqlint.extract.ops import MISSING


class Return(Exception):
    """A ``return`` being executed, carrying its value to the call."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Break(Exception):
    """A ``break`` being executed."""


class Continue(Exception):
    """A ``continue`` being executed."""


class Scope:
    """The names bound in a module, function or comprehension (``global`` names go to the
    module)."""

    def __init__(self, parent: Scope | None = None, module: Scope | None = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.module = module or self
        self.globals: set[str] = set()

    @property
    def is_module(self) -> bool:
        return self.module is self

    def lookup(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return MISSING

    def assign(self, name: str, value: Any) -> None:
        target = self.module if name in self.globals else self
        target.vars[name] = value


class Frame:
    """Per-call state: whether a return happened under an unknown condition."""

    def __init__(self, taint: int = 0) -> None:
        self.uncertain_return = False
        self.taint = taint  # the caller's: a call made in an unsure loop still returns surely


class Budget(Exception):
    """The step budget ran out: stop interpreting, keep what was found."""


class _KerasSelf:
    """``self`` in the methods of a Keras Layer/Model subclass: a Sequential stored on it is a
    sub-model its ``call`` applies to tensors (``self.encoder = Sequential([...])``)."""


KERAS_SELF = _KerasSelf()

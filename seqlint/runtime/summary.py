"""``Sequential.summary()``: Keras's table of layers, shapes and parameter counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy

from seqlint.runtime.core import Layer, Variable

if TYPE_CHECKING:
    from seqlint.runtime.model import InputLayer
    from seqlint.runtime.optimizers import Optimizer


class Summary:
    """``summary()``; mixed into ``Sequential``."""

    # What this mixin uses of the ``Sequential`` it is mixed into, declared for the type
    # checker only.
    name: str
    built: bool
    optimizer: Optimizer | None
    _layers: list[Layer]
    _input: InputLayer | None

    if TYPE_CHECKING:

        @property
        def weights(self) -> list[Variable]: ...
        @property
        def trainable_weights(self) -> list[Variable]: ...
        @property
        def non_trainable_weights(self) -> list[Variable]: ...
        def _try_build(self) -> None: ...

    def summary(
        self,
        line_length: int | None = None,
        positions: Sequence[float] | None = None,
        print_fn: Callable[..., Any] | None = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print Keras 3's table: layer (type), output shape, parameter count, totals."""
        from seqlint.vocab import format_shape, readable_size

        if self._input is not None and not self.built and self._layers:
            self._try_build()
        headers = ["Layer (type)", "Output Shape", "Param #"]
        if show_trainable:
            headers.append("Trainable")
        rows: list[list[str]] = []
        for layer in self._layers:
            shape = format_shape(layer.output_shape) if layer.built else "?"
            params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
            row = [f"{layer.name} ({layer.class_name})", shape, params]
            if show_trainable:
                row.append("Y" if layer.trainable else "N")
            rows.append(row)
        widths = [
            max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
            for i, h in enumerate(headers)
        ]
        widths = [max(w, m) for w, m in zip(widths, (31, 22, 13, 9), strict=False)]
        if line_length is not None:
            extra = line_length - (sum(widths) + 3 * len(widths) + 1)
            if extra > 0:
                widths[0] += extra

        def border(left: str, mid: str, right: str, fill: str) -> str:
            return left + mid.join(fill * (w + 2) for w in widths) + right

        def line(cells: Sequence[str], sep: str) -> str:
            parts = []
            for i, (c, w) in enumerate(zip(cells, widths, strict=True)):
                parts.append(" " + (c.rjust(w) if i == 2 else c.ljust(w)) + " ")
            return sep + sep.join(parts) + sep

        out = [f'Model: "{self.name}"']
        out.append(border("┏", "┳", "┓", "━"))
        out.append(line(headers, "┃"))
        out.append(border("┡", "╇", "┩", "━"))
        for i, row in enumerate(rows):
            out.append(line(row, "│"))
            if i < len(rows) - 1:
                out.append(border("├", "┼", "┤", "─"))
        out.append(border("└", "┴", "┘", "─"))

        def size(variables: Sequence[Variable]) -> tuple[int, float]:
            count = sum(int(numpy.prod(v.shape)) for v in variables)
            nbytes = sum(int(numpy.prod(v.shape)) * v.value.dtype.itemsize for v in variables)
            return count, float(nbytes)

        built = all(layer.built for layer in self._layers)
        total = size(self.weights) if built else (0, 0.0)
        trainable = size(self.trainable_weights) if built else (0, 0.0)
        non_trainable = size(self.non_trainable_weights) if built else (0, 0.0)
        out.append(f" Total params: {total[0]:,} ({readable_size(total[1])})")
        out.append(f" Trainable params: {trainable[0]:,} ({readable_size(trainable[1])})")
        out.append(
            f" Non-trainable params: {non_trainable[0]:,} ({readable_size(non_trainable[1])})"
        )
        if self.optimizer is not None and self.optimizer.built:
            opt = size(self.optimizer.variables)
            out.append(f" Optimizer params: {opt[0]:,} ({readable_size(opt[1])})")
        emit = print_fn or print
        emit("\n".join(out))

"""Where each layer of each model sits in the source and what it outputs.

The editor (hover, inlay hints), the IPython extension and the model picture all show the same
thing: a layer call, its inferred output shape and parameter count, and the shape trace that
leads to it. This module computes that once from the engine's public analysis, in the
coordinates of the analysed text (``SourceFile.text``: notebook cells joined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seqlint import check as engine
from seqlint.report.summary import format_shape
from seqlint.sources import SourceFile


@dataclass
class LayerSite:
    """One layer call of a model: where it is (``text`` lines, 1-based) and what it outputs."""

    class_name: str
    name: str  # the Keras layer name ("dense_1")
    output_shape: list[int | None] | None
    params: int | None
    line: int
    end_line: int
    column: int
    end_column: int
    activation: str | None = None
    error: str | None = None  # the message when Keras would refuse the layer

    @property
    def shape_text(self) -> str:
        return format_shape(self.output_shape)


@dataclass
class ModelSites:
    """A Sequential model with its input and its layers, in order."""

    name: str
    variable: str | None
    line: int
    input_shape: list[int | None] | None  # batch dimension included
    layers: list[LayerSite] = field(default_factory=list)

    def trace_to(self, site: LayerSite) -> list[tuple[str, str]]:
        """(label, output shape) from the input to ``site`` included: the shape trace."""
        out: list[tuple[str, str]] = []
        if self.input_shape is not None:
            out.append(("Input", format_shape(self.input_shape)))
        for layer in self.layers:
            out.append((layer.class_name, layer.shape_text))
            if layer is site:
                break
        return out


def model_sites(src: SourceFile) -> list[ModelSites]:
    """Every model of ``src`` with its layer calls located; [] when the text does not parse
    or mentions no Keras."""
    if not engine.relevant(src.text):
        return []
    try:
        analysis = engine.analyse(src)
    except Exception:  # a syntax error: nothing to show (check reports it)
        return []
    out: list[ModelSites] = []
    for model, shapes in analysis.models():
        sites = ModelSites(
            name=shapes.name,
            variable=model.variable,
            line=model.loc.line,
            input_shape=None if shapes.input_shape is None else list(shapes.input_shape),
        )
        for ls in shapes.layers:
            if ls.construct_error:
                break
            loc = getattr(ls.entry, "loc", None)
            if loc is None or not loc.line:
                continue
            params = (
                None
                if ls.trainable is None or ls.non_trainable is None
                else ls.trainable + ls.non_trainable
            )
            sites.layers.append(
                LayerSite(
                    class_name=ls.class_name,
                    name=ls.name,
                    output_shape=None if ls.output_shape is None else list(ls.output_shape),
                    params=params,
                    line=loc.line,
                    end_line=loc.end_line,
                    column=loc.column,
                    end_column=loc.end_column,
                    activation=_activation(ls.entry),
                    error=ls.error[1] if ls.error else None,
                )
            )
        out.append(sites)
    return out


def _activation(entry: Any) -> str | None:
    """The ``activation=`` of a layer call when it is a literal name (``"relu"``)."""
    call = getattr(entry, "item", None)
    bound = getattr(call, "bound", None)
    value = getattr(bound, "values", {}).get("activation") if bound is not None else None
    if isinstance(value, str):
        return value
    return None


def site_at(models: list[ModelSites], line: int) -> tuple[ModelSites, LayerSite] | None:
    """The innermost layer call whose lines hold ``line`` (a ``text`` line)."""
    best: tuple[ModelSites, LayerSite] | None = None
    for model in models:
        for layer in model.layers:
            if layer.line <= line <= layer.end_line and (
                best is None or layer.end_line - layer.line <= best[1].end_line - best[1].line
            ):
                best = (model, layer)
    return best

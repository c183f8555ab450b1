"""``seqlint summary``: a static ``model.summary()`` of each Sequential model in a source,
from the same analysis as ``check`` (which never needs these records)."""

from __future__ import annotations

from dataclasses import dataclass, field

from seqlint.analysis import Analysis
from seqlint.check import analyse, analyse_cells, relevant
from seqlint.diagnostics import Diagnostic
from seqlint.identifiers import bad_identifier
from seqlint.ir import LayerShape
from seqlint.sources import SourceFile


@dataclass
class LayerSummary:
    class_name: str
    name: str
    output_shape: list[int | None] | None  # None when unknown; items None for batch/unknown dims
    params: int | None
    line: int
    cell: int | None = None  # the notebook cell of ``line``
    rejected: str | None = None  # why Keras 3 refuses to construct this layer


@dataclass
class ModelSummary:
    name: str  # the Keras model name ("sequential", or name=...)
    variable: str | None  # the Python name it is bound to, when known
    line: int
    layers: list[LayerSummary] = field(default_factory=list)
    input_shape: list[int | None] | None = None
    total_params: int | None = None
    trainable_params: int | None = None
    non_trainable_params: int | None = None
    built: bool = False
    # the stack depends on a condition or loop seqlint could not resolve
    uncertain: bool = False
    cell: int | None = None  # the notebook cell of ``line``
    # names used without an import that were taken to be Keras's (a pasted snippet)
    guessed_names: tuple[str, ...] = ()
    # made in a branch that may not run: what must hold, and where ("line 3", "cell 2, line
    # 3"), outermost first
    conditions: tuple[tuple[str, str], ...] = ()


def summarize(
    src: SourceFile, notes: list[str] | None = None
) -> tuple[list[ModelSummary], list[Diagnostic]]:
    """(models, SEQ001s) of a source: :func:`summarize_source` that does not raise. A notebook
    cell that does not compile is reported and left out, as when the notebook runs; the models
    of the files its ``%%writefile`` cells write come first. ``notes`` gets what the analysis
    guessed or could not follow (see :func:`analysis_notes`)."""
    models: list[ModelSummary] = []
    errors: list[Diagnostic] = []
    for sub in src.written:
        got, failed = summarize(sub, notes)
        models.extend(got)
        errors.extend(failed)
    if not relevant(src.text):
        return models, errors
    analysis, failures, src = analyse_cells(src)
    if analysis is not None:
        models.extend(_summaries(src, analysis))
        if notes is not None:
            notes.extend(analysis_notes(src, analysis))
    return models, [*errors, *failures]


def analysis_notes(src: SourceFile, analysis: Analysis) -> list[str]:
    """What a user should know the analysis of ``src`` guessed or could not follow: names a
    snippet never imported, code cut short by a budget, models whose layers depend on code
    seqlint cannot follow (the rules that need exact layers are silent there)."""
    notes: list[str] = []
    if analysis.file.guessed_names:
        names = ", ".join(sorted(analysis.file.guessed_names))
        notes.append(f"{names}: never imported, taken to be Keras's (a pasted snippet?)")
    for cut in analysis.file.incomplete:
        notes.append(f"{_place(src, cut.loc.line)}: not followed to the end ({cut.reason})")
    for model in analysis.file.models:
        if model.uncertain:
            notes.append(
                f"{_place(src, model.loc.line)}: the model's layers depend on code seqlint "
                "cannot follow, so the rules that need its exact layers stay silent"
            )
    return notes


def summarize_source(src: SourceFile) -> list[ModelSummary]:
    """Static ``model.summary()`` for each Sequential model in the source, in Keras order
    (those of the files a notebook's ``%%writefile`` cells write first); raises when the
    source does not parse (see :func:`summarize`)."""
    out = [m for sub in src.written for m in summarize_source(sub)]
    if not relevant(src.text):
        return out
    return [*out, *_summaries(src, analyse(src))]


def _summaries(src: SourceFile, analysis: Analysis) -> list[ModelSummary]:
    out: list[ModelSummary] = []
    for model, shapes in analysis.models():
        cell, line = src.locate(model.loc.line)
        summary = ModelSummary(
            name=shapes.name,
            variable=model.variable,
            line=line,
            input_shape=_listed(shapes.input_shape),
            built=shapes.built and not model.uncertain,
            uncertain=model.uncertain,
            cell=cell,
            guessed_names=tuple(sorted(analysis.file.guessed_names))
            if model.resolved_by_name
            else (),
            conditions=tuple((text, _place(src, line)) for text, line in model.conditions),
        )
        for ls in shapes.layers:
            cell, line = src.locate(ls.entry.loc.line)
            summary.layers.append(
                LayerSummary(
                    class_name=ls.class_name,
                    name=ls.name,
                    output_shape=_listed(ls.output_shape),
                    params=_total(ls.trainable, ls.non_trainable),
                    line=line,
                    cell=cell,
                    rejected=_rejection(ls) if ls.construct_error else None,
                )
            )
        if shapes.built:
            trainable, non_trainable = shapes.totals()
            summary.trainable_params = trainable
            summary.non_trainable_params = non_trainable
            summary.total_params = _total(trainable, non_trainable)
        out.append(summary)
    return out


def _place(src: SourceFile, line: int) -> str:
    cell, local = src.locate(line)
    return f"cell {cell}, line {local}" if cell is not None else f"line {local}"


def _rejection(ls: LayerShape) -> str:
    """Why Keras stops in this layer's constructor (the layers after it never get added)."""
    item = ls.entry.item
    bound = getattr(item, "bound", None)
    if bound is not None and bound.unknown_keywords:
        names = ", ".join(f"`{k}=`" for k in bound.unknown_keywords)
        return f"Keras 3 rejects {names}"
    if bound is not None and bound.missing:
        return "missing " + ", ".join(f"`{k}`" for k in bound.missing)
    if bound is not None and bound.too_many_positional:
        return "too many positional arguments"
    kwargs = getattr(item, "kwargs", {})
    values = {**(bound.values if bound is not None else {}), **kwargs}
    for key, value in values.items():
        if bad_identifier(key, value):
            return f"Keras 3 rejects {key}={value!r}"
    return "Keras 3 rejects its arguments"


def _listed(shape: tuple[int | None, ...] | None) -> list[int | None] | None:
    return None if shape is None else list(shape)


def _total(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b

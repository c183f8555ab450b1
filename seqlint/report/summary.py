"""``seqlint summary``: a static ``model.summary()``, as text (Keras's table) or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from seqlint.report.escape import visible
from seqlint.summary import LayerSummary, ModelSummary

BYTES_PER_PARAM = 4  # float32, Keras's default dtype
HEADERS = ("Layer (type)", "Output Shape", "Param #")
MIN_WIDTHS = (28, 25, 10)


def format_shape(shape: Sequence[int | None] | None) -> str:
    """``(None, 64)`` as Keras prints it; ``?`` when the shape is unknown."""
    if shape is None:
        return "?"
    dims = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def format_count(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def readable_size(n_bytes: float) -> str:
    """Keras's memory size: ``2.50 KB``."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _params_line(title: str, n: int | None) -> str:
    if n is None:
        return f"{title}: ?"
    return f"{title}: {n:,} ({readable_size(n * BYTES_PER_PARAM)})"


def _where(item: ModelSummary | LayerSummary) -> str:
    cell = getattr(item, "cell", None)
    return f"cell {cell}, line {item.line}" if cell is not None else f"line {item.line}"


def render_model_text(model: ModelSummary, path: str | None = None) -> str:
    """One model as Keras's ``model.summary()`` table (``path`` named when given)."""
    rows = [
        (
            visible(f"{layer.name} ({layer.class_name})")  # names may come from the file
            + (" (!)" if layer.rejected else ""),
            format_shape(layer.output_shape),
            format_count(layer.params),
        )
        for layer in model.layers
    ]
    rejected = [layer for layer in model.layers if layer.rejected]
    widths = [max([MIN_WIDTHS[i], len(HEADERS[i]), *(len(r[i]) for r in rows)]) for i in range(3)]
    total_width = sum(widths) + 2 * 2 + 1

    def row(cells: Sequence[str]) -> str:
        return (" " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))).rstrip()

    var = f"{model.variable}, " if model.variable else ""
    where = f"{path}, {_where(model)}" if path else _where(model)
    lines = [visible(f'Model: "{model.name}"  ({var}{where})')]
    guessed = getattr(model, "guessed_names", ())
    if guessed:
        lines.append(
            f"(resolved by name: {', '.join(guessed)} never imported, taken to be Keras's)"
        )
    for test, where in getattr(model, "conditions", ()):
        lines.append(visible(f"(made only if {test}: the branch at {where})"))
    if getattr(model, "uncertain", False):
        lines.append(
            "(uncertain: layers are added under a condition or loop seqlint cannot resolve, "
            "or the model is passed to code it cannot see)"
        )
    elif not model.built:
        lines.append("(not built: shapes and parameter counts it cannot infer show as ?)")
    lines.append("_" * total_width)
    lines.append(row(HEADERS))
    lines.append("=" * total_width)
    lines.extend(row(r) for r in rows)
    for layer in rejected:
        lines.append(visible(f"(!) {layer.name} ({_where(layer)}): {layer.rejected}"))
    if rejected:
        lines.append("(!) Keras raises at the first such layer: from it on, no layer is added")
    if not rows:
        lines.append(" (no layers)")
    lines.append("=" * total_width)
    lines.append(_params_line("Total params", model.total_params))
    lines.append(_params_line("Trainable params", model.trainable_params))
    lines.append(_params_line("Non-trainable params", model.non_trainable_params))
    lines.append("_" * total_width)
    return "\n".join(lines) + "\n"


def render_summary_text(path: str, models: Sequence[ModelSummary]) -> str:
    if not models:
        return f"No Sequential models found in {visible(path)}.\n"
    return "\n".join(render_model_text(m) for m in models)


def render_summaries_text(results: Sequence[tuple[str, Sequence[ModelSummary]]], files: int) -> str:
    """The models of several files, each titled with its path, and a count at the end."""
    parts = [render_model_text(m, path) for path, models in results for m in models]
    n = sum(len(models) for _, models in results)
    with_models = sum(1 for _, models in results if models)
    plural = "" if n == 1 else "s"
    parts.append(f"{n} Sequential model{plural} in {with_models} of {files} files.\n")
    return "\n".join(parts)


def _located(item: ModelSummary | LayerSummary, out: dict[str, Any]) -> dict[str, Any]:
    # The engine reports the user's lines (cell-relative in notebooks); a ``cell`` attribute,
    # when the engine provides one, is passed on.
    out["line"] = item.line
    cell = getattr(item, "cell", None)
    if cell is not None:
        out["cell"] = cell
    return out


def layer_json(layer: LayerSummary) -> dict[str, Any]:
    return _located(
        layer,
        {
            "class": layer.class_name,
            "name": layer.name,
            "output_shape": list(layer.output_shape) if layer.output_shape is not None else None,
            "params": layer.params,
            **({"rejected": layer.rejected} if layer.rejected else {}),
        },
    )


def model_json(model: ModelSummary) -> dict[str, Any]:
    first_refused = next((i for i, la in enumerate(model.layers) if la.rejected), None)
    added = model.layers if first_refused is None else model.layers[:first_refused]
    out = _located(
        model,
        {"name": model.name, "variable": model.variable},
    )
    out.update(
        {
            "built": model.built,
            "uncertain": getattr(model, "uncertain", False),
            "resolved_by_name": list(getattr(model, "guessed_names", ())),
            "conditions": [
                {"test": test, "where": where} for test, where in getattr(model, "conditions", ())
            ],
            "input_shape": list(model.input_shape) if model.input_shape is not None else None,
            "total_params": model.total_params,
            "trainable_params": model.trainable_params,
            "non_trainable_params": model.non_trainable_params,
            # what Keras adds before a constructor refuses a layer (as model.summary() shows
            # it); the refused layer and those after it are listed apart, marked with why
            "layers": [layer_json(layer) for layer in added],
            "not_added": [layer_json(layer) for layer in model.layers[len(added) :]],
        }
    )
    return out


def summary_json(path: str, models: Sequence[ModelSummary]) -> dict[str, Any]:
    """``{"path": ..., "models": [...]}``; lines are the user's (cell-relative in notebooks)."""
    return {"path": path, "models": [model_json(m) for m in models]}

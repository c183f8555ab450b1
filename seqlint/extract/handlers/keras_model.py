"""What a Sequential model's methods do: ``add``/``pop`` change its layers; ``compile``,
``fit``, ``evaluate``, ``predict``, ``summary``, ``save``... are recorded with their arguments
for the rules; ``layer.adapt(data)`` is recorded on the layer."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from seqlint.extract.ops import iterate
from seqlint.extract.registry import Site, fallback, handles
from seqlint.ir import Call, Entry, LayerCall, Loc, ModelIR
from seqlint.layers.base import UNKNOWN

if TYPE_CHECKING:
    from seqlint.extract.interp import Interpreter

#: model methods recorded as calls (any ``fit*``/``evaluate*``/``predict*`` too)
RECORDED = (
    "compile",
    "fit",
    "fit_generator",
    "evaluate",
    "evaluate_generator",
    "predict",
    "predict_generator",
    "predict_classes",
    "predict_proba",
    "predict_on_batch",
    "train_on_batch",
    "test_on_batch",
    "build",
    "summary",
    "save",
    "save_weights",
    "load_weights",
)


@handles(*(f"keras.Sequential.{name}" for name in RECORDED), raw=True)
def record(site: Site, model: ModelIR) -> Any:
    """The call, with its arguments as evaluated, in the model's call list (uncertain when
    made under a condition not followed; guarded in a ``try`` body)."""
    interp = site.interp
    name = site.qualname.rsplit(".", 1)[-1]
    model.calls.append(
        Call(
            name,
            site.args,
            site.kwargs,
            site.loc,
            opaque=site.opaque,
            uncertain=interp.taint > model.taint_level,
            guarded=interp.guard > 0,
        )
    )
    return UNKNOWN


@fallback("keras.Sequential")
def other_method(site: Site, model: ModelIR, name: str) -> Any:
    """``fit_*``/``evaluate_*``/``predict_*`` variants are recorded too; other methods (getters,
    ``get_layer``...) change nothing the rules read."""
    if name.startswith(("fit", "evaluate", "predict")):
        return record(site, model)
    return UNKNOWN


@handles("keras.Sequential.add", raw=True)
def add(site: Site, model: ModelIR) -> None:
    """``model.add(layer)``: one more entry, reported where the layer was made when a helper
    of the file made it; with unknown arguments the model is uncertain."""
    if not site.args or site.opaque:
        model.uncertain = True
        return None
    item = site.args[0]
    arg_node = next((a for a in site.node.args if not isinstance(a, ast.Starred)), None)
    loc = site.loc
    if arg_node is not None:
        loc = made_at(arg_node, item, (e.item for e in model.entries), site.interp)
    add_entry(site.interp, model, item, loc)
    return None


@handles("keras.Sequential.pop", raw=True)
def pop(site: Site, model: ModelIR) -> Any:
    """``model.pop()``: the last layer goes (the model is uncertain when popped under a
    condition not followed)."""
    if model.entries and site.interp.taint <= model.taint_level:
        model.entries.pop()
    else:
        model.uncertain = True
    return UNKNOWN


@handles("keras.layers.Layer.adapt", raw=True)
def adapt(site: Site, layer: LayerCall) -> None:
    """``norm.adapt(data)``: the data a preprocessing layer learns its statistics from."""
    source = site.args[0] if site.args else site.kwargs.get("data", UNKNOWN)
    layer.adapt_calls.append((source, site.loc, site.opaque or site.interp.taint > 0))
    return None


def make_sequential(site: Site) -> ModelIR:
    """``Sequential([...])``: a new model with the listed layers, each located where it is
    written (a layer listed again: where it is listed again)."""
    interp, node, args, kwargs = site.interp, site.node, site.args, site.kwargs
    model = interp.new_model(site.loc)
    name = kwargs.get("name")
    model.name = name if isinstance(name, str) else None
    positional = [a for a in node.args if not isinstance(a, ast.Starred)]
    layers_node: ast.expr | None
    if positional:
        layers_node = positional[0]
    else:
        layers_node = next((k.value for k in node.keywords if k.arg == "layers"), None)
    layers_value = args[0] if args else kwargs.get("layers")
    if site.opaque and layers_value is None:
        model.uncertain = True
    if layers_value is None:
        return model
    if isinstance(layers_node, (ast.List, ast.Tuple)):
        # re-evaluating a literal would create new layer objects: use its element nodes
        # only for their locations
        listed = iterate(layers_value) or []
        locs = _element_locs(layers_node, listed, interp)
        for item, item_loc in zip(listed, locs, strict=False):
            add_entry(interp, model, item, item_loc)
        if len(locs) != len(listed):
            model.uncertain = True
        return model
    items = iterate(layers_value)
    if items is None:
        model.uncertain = True
        return model
    written = interp.written.locs(layers_value)
    for i, item in enumerate(items):
        own = getattr(item, "loc", None)
        loc = own if isinstance(own, Loc) else site.loc
        if written is not None and any(prev is item for prev in items[:i]):
            loc = written[i]  # a layer listed again: reported where it is listed again
        add_entry(interp, model, item, loc)
    return model


def add_entry(interp: Interpreter, model: ModelIR, item: Any, loc: Loc) -> None:
    """Append ``item`` to the model (uncertain when added under a condition not followed)."""
    if isinstance(item, ModelIR):
        item.nested = True
    deeper = interp.taint > model.taint_level
    model.entries.append(Entry(item=item, loc=loc, uncertain=deeper))
    if deeper:
        model.uncertain = True


def _element_locs(node: ast.List | ast.Tuple, items: list[Any], interp: Interpreter) -> list[Loc]:
    locs: list[Loc] = []
    elements = node.elts
    for position, el in enumerate(elements):
        if isinstance(el, ast.Starred):
            # items spread from *helper(): each keeps its own location when it has one
            start = len(locs)
            remaining, written = interp.written.spreads.get(id(el), (None, None))
            if remaining is None:
                remaining = (
                    len(items)
                    - start
                    - sum(1 for e in elements[position + 1 :] if not isinstance(e, ast.Starred))
                )
            for index in range(start, start + max(remaining, 0)):
                locs.append(_spread_loc(items, index, start, remaining, written, el, interp))
        else:
            n = len(locs)
            locs.append(made_at(el, items[n], itertools.islice(items, n), interp))
    return locs


def _spread_loc(
    items: list[Any],
    index: int,
    start: int,
    remaining: int,
    written: list[Loc] | None,
    el: ast.Starred,
    interp: Interpreter,
) -> Loc:
    """Where the item ``index`` spread by ``*el`` is reported: a layer already placed
    (``*[block] * 3``) is used again here, at the spread, or where the spread list itself
    lists it again (``[proj, drop, proj]``)."""
    item = items[index]
    item_loc = getattr(item, "loc", None)
    again = any(prev is item for prev in items[:index])
    if isinstance(item_loc, Loc) and not again:
        return item_loc
    if (
        written is not None
        and len(written) == remaining
        and any(prev is item for prev in items[start:index])
    ):
        return written[index - start]
    return interp.loc(el)


def made_at(node: ast.expr, item: Any, earlier: Iterable[Any], interp: Interpreter) -> Loc:
    """Where the layer ``item``, placed by the expression ``node`` after the layers
    ``earlier``, is reported: at its constructor when a helper of the file made it
    (``output_layer(n)`` -> the ``layers.Dense(1)`` inside), else at ``node``. A layer placed
    before is reported at its new place (a reuse)."""
    here = interp.loc(node)
    if isinstance(node, ast.Call):
        own = getattr(item, "loc", None)
        if isinstance(item, LayerCall) and isinstance(own, Loc):
            if _within(own, here):  # made by this very expression: no need to look back
                return own
            if not any(prev is item for prev in earlier):
                return own
    return here


def _within(inner: Loc, outer: Loc) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def settled(model: ModelIR) -> bool:
    """The model's layers are what they will be: it was compiled or trained (certainly)
    before this point. Code that receives it now looks at it rather than changes it."""
    return trained(model) or any(c.method == "compile" and not c.uncertain for c in model.calls)


def trained(model: ModelIR) -> bool:
    """The model has been trained (a certain ``fit``-like call) before this point."""
    return any(
        c.method in ("fit", "fit_generator", "train_on_batch") and not c.uncertain
        for c in model.calls
    )

"""SEQ301 unknown-identifier: a string Keras cannot resolve (activation, padding, loss, ...)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Fix
from seqlint.extract.values import DictVal, ListVal
from seqlint.fixes import guarded, replace_string
from seqlint.identifiers import (
    KERAS2_ONLY,
    KIND_TITLES,
    LOSS_SHORTCUTS,
    LOSSES,
    METRIC_SHORTCUTS,
    METRICS,
    accepted,
    param_kind,
    suggest,
)
from seqlint.ir import Call, LayerCall, Loc, ModelIR, TensorCall
from seqlint.layers.base import BASE_LAYER_KWARGS
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label

# Text that shows the file registers its own objects under string names: then a name Keras
# does not ship may still resolve, so only padding / data_format strings are checked.
_CUSTOM_OBJECT_MARKERS = (
    "get_custom_objects",
    "register_keras_serializable",
    "custom_objects",
    "custom_object_scope",
    "CustomObjectScope",
)
_ALWAYS_CHECKED = frozenset({"padding", "data_format"})

# keras.<module>.get("name") calls the extractor records as objects.
_GETTERS = {
    "keras.losses.get": "loss",
    "keras.metrics.get": "metric",
    "keras.optimizers.get": "optimizer",
}


class UnknownIdentifier(NamedTuple):
    """One unknown string: where it is passed, what it is, and what to write instead.

    ``new`` is set only when one replacement is a confident pick (a typo, a case or underscore
    slip, a renamed Keras 2 name); a fix may then replace the string literal ``old`` by ``new``
    inside the call at ``loc``.
    """

    loc: Loc  # the call the string is passed to (the layer, compile(), ...get())
    kind: str  # "activation" | "initializer" | ... | "loss" | "metric" | "optimizer"
    param: str  # the argument: "activation", "kernel_initializer", "loss", "metrics", ...
    old: str
    new: str | None
    candidates: tuple[str, ...]
    where: str  # how messages name the call: "Dense(64, ...)", "compile()"
    when: str  # when Keras raises: "when the layer is created", ...
    note: str  # 'activation "rleu" (did you mean "relu"?)'
    help: str | None

    @property
    def message(self) -> str:
        return _message([self])


def _message(group: list[UnknownIdentifier]) -> str:
    """One message for the unknown strings passed to one call."""
    first = group[0]
    if len(group) == 1 and first.kind == "padding" and first.old.lower() == "causal":
        return f"{first.where}: {first.note}, and Keras raises ValueError {first.when}"
    notes = ", ".join(f.note for f in group)
    whens: list[str] = []
    for f in group:
        if f.when not in whens:
            whens.append(f.when)
    pronoun = "it" if len(group) == 1 else "them"
    return (
        f"unknown {notes} in {first.where}: Keras cannot interpret {pronoun} and raises "
        + " or ".join(whens)
    )


def _q(text: str) -> str:
    return json.dumps(text)


def _layers(analysis: Analysis) -> Iterator[LayerCall]:
    """Every layer call constructed for certain, wrapped layers included, once each."""
    seen: set[int] = set()

    def visit_layer(item: Any) -> Iterator[LayerCall]:
        if not isinstance(item, LayerCall) or item.uid in seen or item.guarded:
            return
        seen.add(item.uid)
        yield item
        for value in (*item.args, *item.kwargs.values()):
            if isinstance(value, LayerCall):  # Bidirectional(LSTM(...)), TimeDistributed(...)
                yield from visit_layer(value)

    def visit_model(model: ModelIR) -> Iterator[LayerCall]:
        if model.uid in seen:
            return
        seen.add(model.uid)
        # a misspelt string fails whenever its call runs, under a condition or not; only
        # try bodies and version-dependent branches are left alone
        for entry in model.entries:
            item = entry.item
            if isinstance(item, TensorCall):
                item = item.callee
            if isinstance(item, ModelIR):
                yield from visit_model(item)
            else:
                yield from visit_layer(item)

    for model in analysis.file.models:
        yield from visit_model(model)


def _explicit_args(call: LayerCall) -> Iterator[tuple[str, Any]]:
    """(parameter, value) for the arguments written in the call, positional ones named."""
    definition = call.definition
    if definition is None:
        return
    if not call.opaque:  # with *args of unknown length, positions cannot be trusted
        positional = [p.name for p in definition.params if not p.keyword_only]
        yield from zip(positional, call.args, strict=False)
    own = {p.name for p in definition.params}
    for key, value in call.kwargs.items():
        # an argument the layer does not take is unknown-argument's business
        if key in own or (definition.base_kwargs and key in BASE_LAYER_KWARGS):
            yield key, value


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """The plain strings in a loss / metrics value (lists, tuples, dict values, nested)."""
    if isinstance(value, str):
        yield value
    elif depth < 4 and isinstance(value, (ListVal, tuple, list)):
        for item in value.items if isinstance(value, ListVal) else value:
            yield from _strings(item, depth + 1)
    elif depth < 4 and isinstance(value, DictVal):
        for item in value.items.values():
            yield from _strings(item, depth + 1)


def _finding(
    loc: Loc, kind: str, param: str, value: str, where: str, when: str, layer: str | None = None
) -> UnknownIdentifier:
    title = KIND_TITLES.get(kind, kind)
    if kind == "padding" and value.lower() == "causal" and layer is not None:
        note = (
            f'padding {_q(value)}: only Conv1D supports causal padding, {layer} takes "valid" '
            'or "same"'
        )
        return UnknownIdentifier(loc, kind, param, value, None, (), where, when, note, None)
    found = suggest(kind, value, layer)
    note = f"{title} {_q(value)}"
    help_text: str | None = None
    if found.best is not None:
        note += f" (did you mean {_q(found.best)}?)"
        help_text = f"replace {_q(value)} with {_q(found.best)}"
    elif found.names:
        shown = " or ".join(_q(n) for n in found.names)
        note += f" (did you mean {shown}?)"
        help_text = f"did you mean {shown}?"
    return UnknownIdentifier(
        loc, kind, param, value, found.best, found.names, where, when, note, help_text
    )


def find_unknown_identifiers(analysis: Analysis) -> list[UnknownIdentifier]:
    """Every string identifier in the file that Keras 3 would reject, in source order."""
    text = analysis.text
    custom = any(marker in text for marker in _CUSTOM_OBJECT_MARKERS)
    # a file that deliberately runs on Keras 2 may use the names Keras 3 dropped
    legacy = "tf_keras" in text or "TF_USE_LEGACY_KERAS" in text
    out: list[UnknownIdentifier] = []

    def wanted(kind: str) -> bool:
        return not custom or kind in _ALWAYS_CHECKED

    def known(kind: str, value: str, layer: str | None = None) -> bool:
        if legacy and value in KERAS2_ONLY.get(kind, ()):
            return True
        return accepted(kind, value, layer)

    for call in _layers(analysis):
        for param, value in _explicit_args(call):
            kind = param_kind(param)
            if kind is None or not isinstance(value, str) or not wanted(kind):
                continue
            if kind == "padding":
                definition = call.definition
                default = (
                    next((p.default for p in definition.params if p.name == "padding"), None)
                    if definition is not None
                    else None
                )
                if default not in ("valid", "same"):
                    continue  # ZeroPadding2D(padding=...) is a size, not a mode
            if known(kind, value, call.class_name):
                continue
            when = (
                "when the model is built"
                if kind == "padding" and "Pooling" in call.class_name
                else "when the layer is created"
            )
            out.append(_finding(call.loc, kind, param, value, label(call), when, call.class_name))

    for model in analysis.file.models:
        for compile_call in model.calls_named("compile"):
            out.extend(_compile_findings(compile_call, wanted, known))

    for obj in analysis.file.objects:
        kind = _GETTERS.get(obj.qualname)
        if kind is None or not wanted(kind) or obj.opaque or not obj.args:
            continue
        value = obj.args[0]
        if isinstance(value, str) and not _accepted_by_getter(kind, value, known):
            out.append(
                _finding(
                    obj.loc, kind, "identifier", value, f"{obj.qualname}()", "when it is called"
                )
            )

    out.sort(key=lambda f: (f.loc.line, f.loc.column))
    return out


def _accepted_by_getter(kind: str, value: str, known: Any) -> bool:
    """``keras.losses.get`` / ``keras.metrics.get`` know no ``compile()`` shortcuts."""
    if kind == "loss" and value not in LOSSES and value.lower() in LOSS_SHORTCUTS:
        return False
    if kind == "metric" and value not in METRICS and value.lower() in METRIC_SHORTCUTS:
        return False
    return bool(known(kind, value))


def _compile_findings(call: Call, wanted: Any, known: Any) -> Iterator[UnknownIdentifier]:
    if call.guarded:
        return

    def arg(index: int, name: str) -> Any:
        # with *args / **kwargs of unknown content only the keywords written out are certain
        return call.kwargs.get(name) if call.opaque else call.arg(index, name)

    where = "compile()"
    optimizer = arg(0, "optimizer")
    if isinstance(optimizer, str) and wanted("optimizer") and not known("optimizer", optimizer):
        yield _finding(call.loc, "optimizer", "optimizer", optimizer, where, "in compile()")
    if wanted("loss"):
        for value in _strings(arg(1, "loss")):
            if not known("loss", value):
                yield _finding(
                    call.loc, "loss", "loss", value, where, "when fit() or evaluate() starts"
                )
    if wanted("metric"):
        for index, name in ((3, "metrics"), (4, "weighted_metrics")):
            metrics = arg(index, name)
            if isinstance(metrics, str):
                continue  # a bare string is refused whatever it says (not a list)
            for value in _strings(metrics):
                if not known("metric", value):
                    yield _finding(
                        call.loc,
                        "metric",
                        name,
                        value,
                        where,
                        "when fit() or evaluate() starts",
                    )


@register
class UnknownIdentifierRule(Rule):
    code = "SEQ301"
    name = "unknown-identifier"
    summary = (
        "A string Keras 3 cannot resolve: an activation, padding, data format, initializer, "
        "regularizer or constraint name in a layer, or an optimizer, loss or metric name in "
        '`compile()` (typically a typo such as `"rleu"` or `"categorical_crossentrophy"`).'
    )
    why = (
        "Keras looks these names up in fixed tables (case-sensitively, except optimizer "
        'names and the `"accuracy"`/`"acc"` and `"crossentropy"`/`"ce"` shortcuts of '
        "`compile()`). An unknown activation, padding or initializer raises ValueError when the "
        "layer is created, an unknown optimizer in `compile()`, and an unknown loss or metric "
        "only when `fit()` or `evaluate()` first uses it, so a script that builds and compiles "
        "the model runs clean until training starts. Keras 2 names that Keras 3 dropped "
        '(`"logcosh"`, `"maxnorm"`, metric `"rmse"`) fail the same way.'
    )
    fix_doc = (
        'Use the name Keras knows; the message proposes the closest one (`"rleu"` -> '
        '`"relu"`, `"adma"` -> `"adam"`). Names registered as custom objects are not '
        "checked: files that register custom objects are left alone.\n\n"
        "`--fix --unsafe-fixes` replaces the string by the suggestion when there is exactly one "
        "confident candidate (unsafe: the suggestion is a guess at what was meant)."
    )
    fixable = True
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(8,)),\n"
            '    layers.Dense(64, activation="rleu"),\n'
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n"
            'model.compile(optimizer="adma", loss="binary_crossentrophy", metrics=["accuarcy"])\n',
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(8,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n"
            'model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])\n',
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        # one finding per call (not per line: two layers on one line each name their own)
        by_call: dict[tuple[int, int, int, int], list[UnknownIdentifier]] = {}
        for found in find_unknown_identifiers(analysis):
            loc = found.loc
            key = (loc.line, loc.column, loc.end_line, loc.end_column)
            by_call.setdefault(key, []).append(found)
        for group in by_call.values():
            help_text = group[0].help if len(group) == 1 else None
            if len(group) > 1:
                fixes = [f"{_q(f.old)} -> {_q(f.new)}" for f in group if f.new is not None]
                help_text = "replace " + ", ".join(fixes) if fixes else None
            yield self.diagnostic(
                group[0].loc,
                _message(group),
                suggestion=help_text,
                fix=_typo_fix(analysis.text, group),
            )


@guarded
def _typo_fix(text: str, group: list[UnknownIdentifier]) -> Fix | None:
    """Replace each misspelt literal by its suggestion; unsafe: the suggestion is a guess.

    Only when every string of the line has one confident replacement and each literal is
    found exactly once in its call (a value that came from a variable is left alone)."""
    edits = []
    for found in group:
        if found.new is None:
            return None
        edit = replace_string(text, found.loc, found.old, found.new)
        if edit is None:
            return None
        edits.append(edit)
    if len({e.span for e in edits}) != len(edits):
        return None
    pairs = ", ".join(f"{_q(f.old)} -> {_q(f.new or '')}" for f in group)
    return Fix(f"Replace {pairs}", tuple(edits), safe=False)


__all__ = ["UnknownIdentifier", "UnknownIdentifierRule", "find_unknown_identifiers"]

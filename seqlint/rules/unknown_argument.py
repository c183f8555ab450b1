"""SEQ302 unknown-argument: an argument Keras 3 rejects in a layer, model-method or
optimizer / loss / metric / callback call (Keras 1/2 names are left to removed-api)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from seqlint import keras_api as api
from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.ir import Call, LayerCall, Loc, ObjectCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.removed_api import layer_calls


class ArgumentProblem(NamedTuple):
    """One argument Keras 3 rejects. ``kind``: ``"unknown"`` (keyword), ``"missing"``
    (required argument), ``"too_many"`` (positionals), ``"duplicate"`` (given twice).
    ``suggestion`` is the valid keyword a typo most likely meant (``activaton`` ->
    ``activation``), when there is one: a fix can rename ``name`` to it."""

    loc: Loc
    kind: str
    callee: str  # ``Dense``, ``fit()``, ``Adam``
    name: str  # the keyword / parameter ("" for too_many)
    message: str
    suggestion: str | None = None


def argument_problems(analysis: Analysis) -> list[ArgumentProblem]:
    file = analysis.file
    if api.uses_keras2(file.imports, analysis.text):
        return []
    found: list[ArgumentProblem] = []
    seen_layers: set[int] = set()  # identity: reading a location computes positions
    for model in file.models:
        # a call's arguments are wrong whenever it runs: calls under conditions or loops
        # seqlint cannot resolve count too (not those in try bodies / version branches)
        for entry in model.entries:
            for layer in layer_calls(entry.item):
                if layer.uid not in seen_layers and not layer.guarded:
                    seen_layers.add(layer.uid)
                    found.extend(_layer_problems(layer))
        for call in model.calls:
            if not (call.guarded or call.opaque):
                found.extend(_call_problems(call))
    for obj in file.objects:
        if not (obj.guarded or obj.opaque):
            found.extend(_object_problems(obj))
    if found:  # one call run several times (a loop, a function) is reported once
        found = sorted(dict.fromkeys(found), key=lambda p: (p.loc.line, p.loc.column))
    return found


def _layer_problems(layer: LayerCall) -> Iterator[ArgumentProblem]:
    if layer.custom or layer.opaque:
        return
    definition = layer.definition
    bound = layer.bound
    if definition is None or bound is None or bound.opaque:
        return
    name = layer.qualname.rsplit(".", 1)[-1] if layer.qualname else layer.class_name
    accepted = api.layer_keywords(definition)
    stands_for: set[str] = set()  # parameters a removed Keras 1/2 keyword stands for
    unknown = []
    for key in bound.unknown_keywords:
        removed = api.removed_layer_keyword(definition, key)
        if removed is None:
            unknown.append(key)
        elif removed.target:
            stands_for.add(removed.target)
    missing = [m for m in bound.missing if m not in stands_for]
    positional = [p.name for p in definition.params if not p.keyword_only]
    yield from _problems(
        layer.loc,
        f"`{name}`",
        unknown,
        missing,
        bound.too_many_positional,
        [],
        accepted,
        positional,
        len(layer.args),
    )


def _call_problems(call: Call) -> Iterator[ArgumentProblem]:
    sig = api.MODEL_METHODS.get(call.method)
    if sig is None:
        return
    binding = sig.bind(len(call.args), call.kwargs)
    unknown = [
        k for k in binding.unknown_keywords if api.removed_call_keyword(call.method, k) is None
    ]
    yield from _problems(
        call.loc,
        f"`{call.method}()`",
        unknown,
        binding.missing,
        binding.too_many_positional,
        binding.duplicate,
        sig.names,
        sig.params,
        len(call.args),
    )


def _object_problems(obj: ObjectCall) -> Iterator[ArgumentProblem]:
    sig = api.OBJECT_SIGNATURES.get(obj.qualname)
    if sig is None:
        return
    binding = sig.bind(len(obj.args), obj.kwargs)
    unknown = []
    stands_for: set[str] = set()
    for key in binding.unknown_keywords:
        removed = api.removed_object_keyword(obj.qualname, key, obj.kwargs.get(key))
        if removed is None:
            unknown.append(key)
        elif removed.target:
            stands_for.add(removed.target)
    missing = [m for m in binding.missing if m not in stands_for]
    yield from _problems(
        obj.loc,
        f"`{obj.short_name}`",
        unknown,
        missing,
        binding.too_many_positional,
        binding.duplicate,
        sig.names,
        sig.params,
        len(obj.args),
    )


def _problems(
    loc: Loc,
    callee: str,
    unknown: Sequence[str],
    missing: Sequence[str],
    too_many: int,
    duplicate: Sequence[str],
    accepted: Sequence[str],
    positional: Sequence[str],
    n_args: int,
) -> Iterator[ArgumentProblem]:
    for key in unknown:
        guess = api.did_you_mean(key, accepted)
        if guess is not None:
            message = f"{callee} has no argument `{key}` in Keras 3: did you mean `{guess}`?"
        else:
            message = f"{callee} has no argument `{key}` in Keras 3 (it takes {_listing(accepted)})"
        yield ArgumentProblem(loc, "unknown", callee, key, message, guess)
    for key in missing:
        yield ArgumentProblem(
            loc,
            "missing",
            callee,
            key,
            f"{callee} is missing its required argument `{key}` (Keras raises a TypeError)",
        )
    if too_many:
        shown = ", ".join(positional) if positional else "none"
        yield ArgumentProblem(
            loc,
            "too_many",
            callee,
            "",
            f"{callee} takes at most {len(positional)} positional arguments ({shown}), "
            f"got {n_args}",
        )
    for key in duplicate:
        yield ArgumentProblem(
            loc,
            "duplicate",
            callee,
            key,
            f"{callee} gets `{key}` twice, by position and by keyword (a TypeError)",
        )


def _listing(names: Sequence[str], limit: int = 8) -> str:
    shown = [n for n in names if not n.startswith("_")]
    text = ", ".join(f"`{n}`" for n in shown[:limit])
    return text + (", ..." if len(shown) > limit else "") if shown else "no keyword arguments"


@register
class UnknownArgument(Rule):
    code = "SEQ302"
    name = "unknown-argument"
    severity = "error"
    summary = (
        "An argument Keras 3 rejects: an unknown (misspelt) keyword, a missing required "
        "argument or too many positional arguments, in a layer, in `compile` / `fit` / "
        "`evaluate` / `predict`, or in an optimizer, loss, metric or callback constructor."
    )
    why = (
        "Keras checks arguments only when the line runs: `Dense(64, activaton='relu')` stops "
        'the script with "Unrecognized keyword arguments passed to Dense", '
        "`AveragePooling2D()` with \"missing 1 required positional argument: 'pool_size'\", "
        "`model.fit(x, y, epoch=10)` with \"got an unexpected keyword argument 'epoch'\", often "
        "after data loading or a long training run has already happened. Keras 1/2 names "
        "(`lr=`, `nb_epoch=`, `init=`, ...) are reported by removed-api instead."
    )
    fix_doc = (
        "Spell the argument as Keras 3 does (the message suggests the closest valid name), or "
        "pass the required argument (`Dense(units, ...)`, `AveragePooling2D(pool_size=2)`)."
    )
    examples = (
        Example(
            "from keras.layers import Dense, Input\n"
            "from keras.models import Sequential\n\n"
            "model = Sequential([\n"
            "    Input(shape=(10,)),\n"
            "    Dense(64, activaton='relu'),\n"
            "    Dense(1, activation='sigmoid'),\n"
            "])\n",
            bad=True,
        ),
        Example(
            "from keras.layers import Dense, Input\n"
            "from keras.models import Sequential\n\n"
            "model = Sequential([\n"
            "    Input(shape=(10,)),\n"
            "    Dense(64, activation='relu'),\n"
            "    Dense(1, activation='sigmoid'),\n"
            "])\n",
            bad=False,
        ),
        Example(
            "import numpy as np\n"
            "from keras.layers import Dense, Input\n"
            "from keras.models import Sequential\n\n"
            "x, y = np.random.rand(32, 3), np.random.rand(32)\n"
            "model = Sequential([Input(shape=(3,)), Dense(1)])\n"
            "model.compile(optimizer='adam', loss='mse')\n"
            "model.fit(x, y, epoch=5)\n",
            bad=True,
        ),
        Example(
            "import numpy as np\n"
            "from keras.layers import Dense, Input\n"
            "from keras.models import Sequential\n\n"
            "x, y = np.random.rand(32, 3), np.random.rand(32)\n"
            "model = Sequential([Input(shape=(3,)), Dense(1)])\n"
            "model.compile(optimizer='adam', loss='mse')\n"
            "model.fit(x, y, epochs=5)\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        by_loc: dict[Loc, list[ArgumentProblem]] = {}
        for problem in argument_problems(analysis):
            by_loc.setdefault(problem.loc, []).append(problem)
        for loc, problems in by_loc.items():
            message = problems[0].message
            if len(problems) > 1:
                message += "; also " + "; ".join(p.message for p in problems[1:])
            renames = [p for p in problems if p.suggestion is not None]
            suggestion = (
                "rename " + ", ".join(f"`{p.name}=` -> `{p.suggestion}=`" for p in renames)
                if renames
                else None
            )
            yield self.diagnostic(loc, message, suggestion=suggestion)

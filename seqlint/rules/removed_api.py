"""SEQ401 removed-api: Keras 1/2 API that Keras 3 removed (or, for ``decay=``, ignores)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from seqlint import fixes
from seqlint import keras_api as api
from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.extract.names import canonical
from seqlint.fixes import guarded, import_keras_name, keras_name, rename_keyword, rename_method
from seqlint.fixes_removed import (
    ATROUS,
    atrous_edits,
    batch_input_shape_edits,
    batch_size_edits,
    import_names_edits,
)
from seqlint.ir import Call, ImportInfo, LayerCall, Loc, ObjectCall
from seqlint.rules.base import Example, Rule, register


@dataclass(frozen=True)
class RemovedUse:
    """One use of a removed API: where, what, and the Keras 3 replacement.

    ``kind``: ``"method"`` (``model.fit_generator``), ``"call_keyword"`` (``fit(nb_epoch=)``),
    ``"object_keyword"`` (``Adam(lr=)``), ``"layer_keyword"`` (``Dense(init=)``),
    ``"layer_class"`` (``CuDNNLSTM``), ``"signature"`` (``Convolution2D(32, 3, 3)``),
    ``"import"`` (``from keras.utils import np_utils``), ``"module"`` (a call reached through a
    removed module, ``tf.keras.layers.experimental.preprocessing.Rescaling``).
    ``new`` is a plain rename a fix can apply (a keyword or a method name), else None;
    ``rename_safe`` says whether applying it alone gives working Keras 3 code.
    """

    loc: Loc  # the call or the import statement
    kind: str
    old: str
    new: str | None
    message: str
    rename_safe: bool = False
    # the Keras 3 keyword, when a positional argument of the Keras 1 signature already takes
    # it (``Convolution2D(24, 5, 5, subsample=(2, 2))``: renamed once the sizes are a tuple)
    blocked_new: str | None = None
    # the entry of the layer when it is the first of a Sequential (where an ``Input`` can go);
    # not part of the identity: one call run twice is one use
    first: Loc | None = field(default=None, compare=False)


def removed_uses(analysis: Analysis) -> list[RemovedUse]:
    """Every use of a removed Keras 1/2 API in the file, in source order."""
    file = analysis.file
    if api.uses_keras2(file.imports, analysis.text):
        return []
    uses: list[RemovedUse] = []
    imported: list[str] = []  # dotted names of removed things imported (reported or guarded)
    for imp in file.imports:
        for use, dotted in _import_uses(imp):
            imported.append(dotted)
            if not imp.guarded:
                uses.append(use)
    # calls reached by attribute (``tf.keras.layers.CuDNNGRU(...)``) are reported at the call,
    # unless the file reaches Keras through a spelling whose version is unsure
    attr_ok = not any(
        imp.raw.startswith(_UNSURE) or (_is_keras(imp) and _namespace(imp.raw) is None)
        for imp in file.imports
    )

    def covered(qualname: str) -> bool:
        return any(qualname == d or qualname.startswith(d + ".") for d in imported)

    # (identity, not location: reading a location computes the file's positions, which only
    # files that report something pay for; repeats of one line are merged by the checker)
    seen_layers: set[int] = set()
    # A removed API fails whenever its line runs, so code under a condition or in a loop seqlint
    # cannot resolve is checked too; only ``try`` bodies and version-dependent branches, where
    # failing may be the point, are left alone.
    for model in file.models:
        for position, entry in enumerate(model.entries):
            for layer in layer_calls(entry.item):
                if layer.uid in seen_layers or layer.guarded:
                    continue
                seen_layers.add(layer.uid)
                first = entry.loc if position == 0 and layer is entry.item else None
                uses.extend(_layer_uses(layer, attr_ok, covered, first))
        for call in model.calls:
            if not call.guarded:
                uses.extend(_call_uses(call))
    # Keras 3 rejects a removed keyword wherever the layer is built: assigned to a variable,
    # called on a tensor (the functional API), returned by a helper. (A call run several times
    # gives several layers with one location: those in a model were reported above.)
    in_models = len(uses)
    for layer in file.layers:
        if layer.uid in seen_layers or layer.guarded:
            continue
        seen_layers.add(layer.uid)
        outside = list(_layer_uses(layer, attr_ok, covered))
        if outside:
            reported = {u.loc for u in uses[:in_models]}
            uses.extend(u for u in outside if u.loc not in reported)
    for obj in file.objects:
        if not obj.guarded:
            uses.extend(_object_uses(obj, attr_ok, covered))
    for util in file.keras_calls:  # keras.utils.np_utils.to_categorical(...) by attribute
        if not util.guarded and attr_ok and not covered(util.qualname):
            found = _module_use(util.qualname, util.loc)
            if found is not None:
                uses.append(found)
    if uses:  # one call run several times (a loop, a function) is reported once
        uses = sorted(dict.fromkeys(uses), key=lambda u: (u.loc.line, u.loc.column))
    return uses


_UNSURE = ("tensorflow.python", "tensorflow.compat")


def _is_keras(imp: ImportInfo) -> bool:
    return imp.module == "keras" or imp.module.startswith("keras.")


def _namespace(raw: str) -> str | None:
    """``"keras"`` (standalone Keras), ``"tf"`` (``tensorflow.keras``, Keras 3 too), or None
    for spellings whose Keras we cannot be sure of (``tensorflow.python.keras``, ...)."""
    if raw.startswith(("keras._tf_keras.keras", "tensorflow.keras")) or raw in (
        "tensorflow.keras",
        "keras._tf_keras.keras",
    ):
        return "tf"
    if raw == "keras" or raw.startswith("keras."):
        return None if raw.startswith(("keras.api", "keras._")) else "keras"
    return None


def _import_uses(imp: ImportInfo) -> Iterator[tuple[RemovedUse, str]]:
    """Removed modules / names an import statement asks for, with their dotted names."""
    if not _is_keras(imp):
        return
    space = _namespace(imp.raw)
    if space is None:
        return
    standalone = space == "keras"
    hint = api.removed_module(imp.module, standalone)
    if hint is not None:
        shown = imp.raw or imp.module
        yield (
            RemovedUse(
                imp.loc,
                "import",
                imp.module,
                None,
                f"`{shown}` no longer exists in Keras 3: {api.advice(hint)}",
            ),
            imp.module,
        )
        return
    for name in imp.names:
        if name == "*":
            continue
        hint = api.removed_name(imp.module, name, standalone)
        if hint is None:
            continue
        dotted = f"{imp.module}.{name}"
        if api.removed_module(dotted, standalone) is not None:
            message = f"`{imp.raw or imp.module}.{name}` no longer exists in Keras 3: "
        else:
            message = f"`{name}` is gone from `{imp.raw or imp.module}` in Keras 3: "
        yield RemovedUse(imp.loc, "import", dotted, None, message + api.advice(hint)), dotted


def layer_calls(item: Any) -> Iterator[LayerCall]:
    """A layer call and the layer calls passed to it (``Bidirectional(LSTM(8))``)."""
    if isinstance(item, LayerCall):
        yield item
        for value in (*item.args, *item.kwargs.values()):
            if isinstance(value, LayerCall):
                yield from layer_calls(value)


def _user_name(layer: LayerCall) -> str:
    """The class name as the user wrote it (``Convolution2D``, not ``Conv2D``)."""
    return layer.qualname.rsplit(".", 1)[-1] if layer.qualname else layer.class_name


def _removed_module_of(qualname: str) -> str | None:
    module = qualname.rsplit(".", 1)[0]
    return api.removed_module(module, standalone=False) if "." in qualname else None


def _module_use(qualname: str, loc: Loc) -> RemovedUse | None:
    """A call reached through a module Keras 3 removed (``keras.layers.core.Dense(...)``), or
    to a name gone from a module that stays (``keras.optimizers.rmsprop(...)``,
    ``K.set_image_dim_ordering(...)``)."""
    hint = _removed_module_of(qualname)
    module, _, name = qualname.rpartition(".")
    if hint is None:
        gone = api.removed_name(module, name, standalone=False)
        if gone is None:
            return None
        return RemovedUse(
            loc,
            "module",
            qualname,
            None,
            f"`{name}` is gone from `{module}` in Keras 3: " + api.advice(gone),
        )
    return RemovedUse(
        loc, "module", module, None, f"`{module}` no longer exists in Keras 3: {api.advice(hint)}"
    )


def _layer_uses(
    layer: LayerCall, attr_ok: bool, covered: Callable[[str], bool], first: Loc | None = None
) -> Iterator[RemovedUse]:
    if layer.custom:
        return
    name = _user_name(layer)
    if layer.qualname and attr_ok and not covered(layer.qualname):
        use = _module_use(layer.qualname, layer.loc)
        if use is not None:
            yield use
            return
        gone = api.LAYER_CLASSES.get(name)
        if gone is not None and layer.qualname.startswith("keras.layers."):
            yield RemovedUse(
                layer.loc,
                "layer_class",
                name,
                gone.new,
                f"`{name}` was removed in Keras 3: {api.advice(gone.hint)}",
                rename_safe=False,
            )
            return
    definition = layer.definition
    if definition is None:
        return
    keras1_keywords = [k for k in layer.kwargs if api.removed_layer_keyword(definition, k)]
    signature = _keras1_signature(layer, name, bool(keras1_keywords))
    if signature is not None:
        yield signature
    positional = [p.name for p in definition.params if not p.keyword_only][: len(layer.args)]
    for key in keras1_keywords:
        removed = api.removed_layer_keyword(definition, key)
        assert removed is not None
        # ``Conv2D(24, 5, 5, subsample=(2, 2))``: the Keras 3 name is already taken by a
        # positional argument, so a rename would pass it twice
        new = removed.new if removed.new not in positional else None
        yield RemovedUse(
            layer.loc,
            "layer_keyword",
            key,
            new,
            _rejected(key, f"`{name}`", removed),
            rename_safe=new is not None and new not in layer.kwargs,
            blocked_new=removed.new if new is None else None,
            first=first,
        )


def _rejected(key: str, callee: str, removed: api.Removed) -> str:
    return f"`{key}=` on {callee} is a Keras 1/2 argument Keras 3 rejects: " + api.advice(
        removed.hint
    )


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _repeated_size(layer: LayerCall) -> bool:
    """Exactly three positional ints, the last two equal, and no keyword that names the
    kernel size or the strides."""
    args = layer.args
    return (
        not layer.opaque
        and len(args) == 3
        and all(_int(v) for v in args)
        and args[1] == args[2]
        and not {"kernel_size", "strides", "padding"} & set(layer.kwargs)
    )


def _keras1_signature(layer: LayerCall, name: str, keras1_call: bool) -> RemovedUse | None:
    """``Convolution2D(32, 3, 3)``: Keras 1's ``(nb_filter, nb_row, nb_col)``; also through the
    Keras 3 name when the call uses other Keras 1 keywords (``Conv2D(32, 3, 3,
    border_mode="same")``), which shows what the numbers mean."""
    spec = api.KERAS1_CONV_NAMES.get(name)
    if spec is None and keras1_call:
        spec = next(
            ((rank, new) for rank, new in api.KERAS1_CONV_NAMES.values() if new == name), None
        )
    if spec is None and name in ("Conv1D", "Conv2D") and _repeated_size(layer):
        # ``Conv2D(32, 3, 3)`` / ``Conv1D(64, 5, 5)``: the Keras 1 habit of repeating the
        # kernel size; in Keras 2/3 the third number is ``strides`` (a reviewer's decision)
        return RemovedUse(
            layer.loc,
            "signature",
            f"{name}({layer.args[0]!r}, {layer.args[1]}, {layer.args[2]})",
            None,
            f"`{name}({layer.args[0]!r}, {layer.args[1]}, {layer.args[2]})` looks like the "
            f"Keras 1 signature `(nb_filter, nb_row, nb_col)`: in Keras 2/3 this means "
            f"strides={layer.args[2]}; write `{name}({layer.args[0]!r}, {layer.args[1]})` for "
            f"a {layer.args[1]}-wide kernel with stride 1, or `strides={layer.args[2]}` if the "
            "stride is meant",
        )
    if spec is None or layer.opaque:
        return None
    rank, keras3 = spec
    sizes = layer.args[1 : rank + 1]
    if len(sizes) != rank or not all(_int(v) for v in sizes):
        return None
    first = layer.args[0]
    filters = repr(first) if _int(first) else "filters"
    kernel = ", ".join(str(v) for v in sizes)
    old = f"{name}({filters}, {kernel})"
    names = "nb_row, nb_col" if rank == 2 else "kernel_dim1, kernel_dim2, kernel_dim3"
    after = "`strides`" if rank == 2 else "`strides` and `padding`"
    return RemovedUse(
        layer.loc,
        "signature",
        old,
        None,
        f"`{old}` is the Keras 1 signature `(nb_filter, {names})`: Keras 3 reads the "
        f"arguments after the first kernel size as {after}; write "
        f"`{keras3}({filters}, ({kernel}))`",
    )


def _call_uses(call: Call) -> Iterator[RemovedUse]:
    gone = api.METHODS.get(call.method)
    if gone is not None:
        safe = (
            gone.new is not None
            and not call.opaque
            and len(call.args) <= (1 if call.method != "predict_proba" else 2)
            and not (set(call.kwargs) & api.GENERATOR_ONLY_KEYWORDS)
        )
        yield RemovedUse(
            call.loc,
            "method",
            call.method,
            gone.new,
            f"`model.{call.method}()` was removed in Keras 3: {api.advice(gone.hint)}",
            rename_safe=safe,
        )
        return
    for key in call.kwargs:
        removed = api.removed_call_keyword(call.method, key)
        if removed is not None:
            yield RemovedUse(
                call.loc,
                "call_keyword",
                key,
                removed.new,
                f"`{key}=` in `{call.method}()` is a Keras 1/2 argument Keras 3 rejects: "
                f"{api.advice(removed.hint)}",
                rename_safe=removed.new is not None and removed.new not in call.kwargs,
            )


def _object_uses(
    obj: ObjectCall, attr_ok: bool, covered: Callable[[str], bool]
) -> Iterator[RemovedUse]:
    if attr_ok and not covered(obj.qualname):
        use = _module_use(obj.qualname, obj.loc)
        if use is not None:
            yield use
            return
    name = obj.short_name
    if obj.qualname.startswith("keras.optimizers.legacy."):
        # the module still imports, but constructing one of its optimizers raises ImportError
        yield RemovedUse(
            obj.loc,
            "legacy_optimizer",
            obj.qualname,
            None,
            f"`keras.optimizers.legacy.{name}` cannot be created in Keras 3 (ImportError: "
            f"it needs the tf_keras package): use `keras.optimizers.{name}`",
        )
        return
    for key, value in obj.kwargs.items():
        removed = api.removed_object_keyword(obj.qualname, key, value)
        if removed is None:
            continue
        if key == "decay":
            message = (
                f"`decay=` on `{name}` is ignored by Keras 3 optimizers (only a warning): "
                f"{api.advice(removed.hint)}"
            )
        else:
            message = _rejected(key, f"`{name}`", removed)
        yield RemovedUse(
            obj.loc,
            "object_keyword",
            key,
            removed.new,
            message,
            rename_safe=removed.new is not None and removed.new not in obj.kwargs,
        )


@register
class RemovedApi(Rule):
    code = "SEQ401"
    name = "removed-api"
    severity = "error"
    summary = (
        "Keras 1/2 API that Keras 3 removed: `fit_generator` & co., `lr=` / `decay=` on "
        "optimizers, `nb_epoch=`, Keras 1 layer arguments (`init=`, `border_mode=`, ...), "
        "Keras 1 call signatures such as `Convolution2D(32, 3, 3)`, removed modules "
        "(`keras.utils.np_utils`, `keras.layers.core`, ...) and layers (`CuDNNLSTM`)."
    )
    why = (
        "Tutorials written for Keras 1 or 2 are still everywhere, and Keras 3 (also what "
        "`tf.keras` is since TensorFlow 2.16) dropped their old names: such a script stops with "
        "an ImportError, an AttributeError (`'Sequential' object has no attribute "
        "'fit_generator'`), a TypeError or \"Argument(s) not recognized: {'lr': 0.001}\". Two "
        "are quieter: `decay=` on an optimizer is accepted and ignored, so the learning rate "
        "never decays, and `Convolution2D(32, 3, 3)` still runs but the third number, Keras 1's "
        "kernel width, is now the stride. Aliases Keras 3 still ships "
        "(`Convolution2D(32, (3, 3))`, `MaxPool2D`, `keras.preprocessing.image.load_img`, "
        "`keras.optimizers.legacy` imports) are not reported. Layer arguments are checked wherever "
        "the layer is built (in a Sequential, assigned, called on a tensor, in a helper), "
        "except in `try` bodies and version branches (`if keras_2:` with `keras_2` set from "
        "`keras.__version__`), where failing may be the point."
    )
    fix_doc = (
        "Use the Keras 3 name the message gives: `learning_rate=` for `lr=`, `epochs=` for "
        "`nb_epoch=`, `model.fit` for `fit_generator`, `kernel_initializer=` for `init=`, "
        "`padding=` for `border_mode=`, `Conv2D(32, (3, 3))` for `Convolution2D(32, 3, 3)` "
        "(and for `Conv2D(32, 3, 3)`, where Keras 2/3 read the last 3 as the stride), "
        "`from keras.utils import to_categorical` for `keras.utils.np_utils`, a "
        "learning-rate schedule for `decay=`. Removed names and modules come from a table "
        "derived by `scripts/derive_removed_api.py` (tf_keras 2.21 against Keras 3.15.1, each "
        "verified by importing it; e.g. `from keras.preprocessing.image import "
        "ImageDataGenerator`), plus hand-written tables for Keras 1 and internal paths.\n\n"
        "`--fix` renames what is a plain rename: `lr=` -> `learning_rate=`, `nb_epoch=` -> "
        "`epochs=`, `fit_generator`/`evaluate_generator`/`predict_generator` -> "
        "`fit`/`evaluate`/`predict`, and the Keras 1 layer keywords with a Keras 3 twin. A "
        "rename that alone would not give working Keras 3 code (e.g. `fit_generator` with "
        "`workers=`) is offered under `--unsafe-fixes` only. `decay=` becomes, under "
        "`--unsafe-fixes`, `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, "
        "decay_steps=1, decay_rate=decay)` (Keras 2's decay; unsafe, as the learning rate now "
        "really decays), spelled `schedules.InverseTimeDecay` with `schedules` added to the "
        "optimizer's import when the file has no `keras` name. Next to `decay=`, plain "
        "`--fix` still renames `lr=` (the call then runs in Keras 3, and the schedule is "
        "offered on the next pass).\n\n"
        "`batch_input_shape=(None, 5, 3)` becomes `input_shape=(5, 3)`; a fixed batch size "
        "(`(32, 5, 3)`, a variable) becomes `keras.Input(batch_shape=(32, 5, 3))` before the "
        "first layer of the Sequential (what stateful RNNs need; `InputLayer` still accepts "
        "`batch_input_shape=`), and `batch_size=` next to `input_shape=` / `input_dim=` "
        "becomes `keras.Input(shape=..., batch_size=...)` there. "
        "`AtrousConvolution2D(16, 3, 3, atrous_rate=(2, 2), "
        "border_mode='same')` becomes `Conv2D(16, (3, 3), dilation_rate=(2, 2), "
        "padding='same')`, its import too, when every use of the name is a call.\n\n"
        "Imports of removed modules point at the Keras 3 module the names moved to "
        "(`from keras.layers.core import Dense` -> `from keras.layers import Dense`, "
        "`from keras.utils import np_utils` -> `from keras import utils as np_utils`, "
        "`from keras.optimizers import adam` -> `... import Adam as adam`, "
        "`keras.layers.core.Dense(...)` -> `keras.layers.Dense(...)`), safe and offered only "
        "when every name used is in that Keras 3 module; otherwise only the names Keras 3 has "
        "are rewritten (the import is split) and the others stay, still reported. Keras 1 "
        "arguments become Keras 3's: "
        '`Convolution2D(32, 3, 3, border_mode="same")` -> `Convolution2D(32, (3, 3), '
        'padding="same")` (safe: the original fails in Keras 3; unsafe for a bare '
        "`Convolution2D(32, 3, 3)` or `Conv2D(32, 3, 3)`, which run there with strides 3), "
        '`nb_row=`/`nb_col=` -> `kernel_size=`, `dim_ordering="th"` -> '
        '`data_format="channels_first"`, and keywords that only tuned speed or logging '
        "(`show_accuracy=`, `workers=`, `consume_less=`, `class_mode=` in `compile`) are "
        'dropped. `K.image_dim_ordering() == "th"` -> `K.image_data_format() == '
        '"channels_first"`, `keras.optimizers.legacy.Adam` -> `keras.optimizers.Adam`. Names '
        "with no Keras 3 equivalent (`ImageDataGenerator`, `Merge`) get no fix; the message "
        "says what to rewrite them with."
    )
    fixable = True
    examples = (
        Example(
            "from keras.layers import Dense\n"
            "from keras.models import Sequential\n"
            "from keras.optimizers import Adam\n\n"
            "model = Sequential()\n"
            "model.add(Dense(32, input_dim=4, init='uniform', activation='relu'))\n"
            "model.add(Dense(1, activation='sigmoid'))\n"
            "model.compile(loss='binary_crossentropy', optimizer=Adam(lr=0.001))\n",
            bad=True,
        ),
        Example(
            "from keras.layers import Dense, Input\n"
            "from keras.models import Sequential\n"
            "from keras.optimizers import Adam\n\n"
            "model = Sequential()\n"
            "model.add(Input(shape=(4,)))\n"
            "model.add(Dense(32, kernel_initializer='uniform', activation='relu'))\n"
            "model.add(Dense(1, activation='sigmoid'))\n"
            "model.compile(loss='binary_crossentropy', optimizer=Adam(learning_rate=0.001))\n",
            bad=False,
        ),
        Example(
            "import numpy as np\n"
            "from keras.layers import Dense\n"
            "from keras.models import Sequential\n"
            "from keras.utils import np_utils\n\n"
            "x = np.random.rand(64, 8)\n"
            "y = np_utils.to_categorical(np.random.randint(0, 3, 64), 3)\n"
            "model = Sequential([Dense(3, activation='softmax', input_shape=(8,))])\n"
            "model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
            "model.fit(x, y, nb_epoch=2)\n",
            bad=True,
        ),
        Example(
            "import numpy as np\n"
            "from keras.layers import Dense, Input\n"
            "from keras.models import Sequential\n"
            "from keras.utils import to_categorical\n\n"
            "x = np.random.rand(64, 8)\n"
            "y = to_categorical(np.random.randint(0, 3, 64), 3)\n"
            "model = Sequential([Input(shape=(8,)), Dense(3, activation='softmax')])\n"
            "model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
            "model.fit(x, y, epochs=2)\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        by_loc: dict[Loc, list[RemovedUse]] = {}
        for use in removed_uses(analysis):
            by_loc.setdefault(use.loc, []).append(use)
        for loc, uses in by_loc.items():
            message = uses[0].message
            if len(uses) > 1:
                message += "; also " + "; ".join(u.message for u in uses[1:])
            fix = _rename_fix(analysis.text, uses)
            decay = any(u.kind == "object_keyword" and u.old == "decay" for u in uses)
            if fix is None and decay and any(u.new is not None for u in uses):
                # ``SGD(lr=0.01, decay=1e-6)``: the safe ``lr=`` rename first, so that plain
                # --fix makes the call run; the next pass offers the (unsafe) schedule
                fix = _rename_fix(
                    analysis.text, [u for u in uses if u.new is not None], partial=True
                )
            if fix is None and decay:
                fix = _decay_fix(analysis.text, uses)
            if fix is None and all(u.kind in _ARGUMENTS for u in uses):
                fix = _arguments_fix(analysis.text, uses)
            if fix is None and all(u.kind == "import" for u in uses):
                fix = _import_fix(analysis.text, uses)
            if fix is None and len(uses) == 1 and uses[0].kind == "legacy_optimizer":
                fix = _legacy_fix(analysis.text, uses[0])
            if fix is None and len(uses) == 1 and uses[0].kind == "module":
                fix = _attribute_fix(analysis.text, uses[0])
            if fix is None and not any(u.kind == "signature" for u in uses):
                # what cannot be fixed (decay=, ...) must not block the plain renames; but
                # renaming the keywords of a Keras 1 signature alone would make it run in
                # Keras 3 with the kernel width as its stride
                fix = _rename_fix(
                    analysis.text, [u for u in uses if u.new is not None], partial=True
                )
            yield self.diagnostic(loc, message, suggestion=_suggestion(uses), fix=fix)


def _respell(raw: str, module: str, target: str) -> str | None:
    """``target`` (canonical) spelled with the prefix the file wrote ``module`` with:
    ``tensorflow.keras.layers.core`` -> ``tensorflow.keras.layers``."""
    suffix = module[len("keras") :]
    if not module.startswith("keras") or not raw.endswith(suffix):
        return None
    return raw[: len(raw) - len(suffix)] + target[len("keras") :]


@guarded
def _import_fix(text: str, uses: list[RemovedUse]) -> Fix | None:
    """Point an import at the Keras 3 module its names moved to: ``from keras.layers.core
    import Dense`` -> ``from keras.layers import Dense``, ``from keras.utils import np_utils``
    -> ``from keras import utils as np_utils`` (when every ``np_utils.X`` the file reads is
    in ``keras.utils``), ``from keras.optimizers import adam`` -> ``... import Adam as adam``.
    Safe: each name is the same object in Keras 3. None when a name has no Keras 3 home."""
    stmt = fixes.statement_at(text, uses[0].loc)
    if stmt is None:
        return None
    if isinstance(stmt, ast.Import):
        if len(stmt.names) != 1 or not stmt.names[0].asname:
            return None
        alias = stmt.names[0]
        new = _module_as(text, alias.name, canonical(alias.name), alias.asname or "")
        return None if new is None else _import_edit(text, stmt, new)
    if stmt.level or not stmt.module:
        return None
    raw, module = stmt.module, canonical(stmt.module)
    if len(uses) == 1 and uses[0].old == module:  # the module itself is gone
        names = [a.name for a in stmt.names if a.name != "*"]
        if not names and len(api.MOVED_MODULES.get(module, ("", ""))) > 1:
            return None  # (``import *`` of a module whose names went to several places)
        target = api.moved_to(module, names)
        if target is None and names:
            return _split_import_fix(text, stmt, raw, module)
        spelled = None if target is None else _respell(raw, module, target)
        edit = None if spelled is None else fixes.replace_from_module(text, stmt, spelled)
        if edit is None:
            return None
        return Fix(f"import from `{spelled}`", (edit,), safe=True)
    # Each removed name is fixed on its own; the names that stay, and removed ones with no
    # Keras 3 home (left to the user, still reported), keep their place.
    gone = {u.old for u in uses}
    texts: dict[int, str | None] = {}  # alias index -> its new text (None: moved out)
    moved_out: list[str] = []  # statements for the names moved out
    edits: list[Edit] = []
    for index, alias in enumerate(stmt.names):
        if f"{module}.{alias.name}" not in gone:
            continue
        bound = alias.asname or alias.name
        renamed = api.RENAMED_NAMES.get((module, alias.name))
        if renamed is not None:
            texts[index] = f"{renamed} as {bound}"
            continue
        if module == "keras.layers" and alias.name in ATROUS:
            atrous = atrous_edits(text, alias)
            if atrous is not None:
                texts[index] = atrous[0]
                edits.extend(atrous[1])
            continue
        # (a module imported as a name: ``from keras.utils import np_utils``)
        dotted = f"{module}.{alias.name}"
        is_module = api.removed_module(dotted, _namespace(raw) == "keras") is not None
        new = _module_as(text, f"{raw}.{alias.name}", dotted, bound) if is_module else None
        if new is None:
            continue
        if len(stmt.names) == 1:
            return _import_edit(text, stmt, new)
        texts[index] = None
        moved_out.append(new)
    if not texts:
        return None
    found = import_names_edits(text, stmt, texts, moved_out)
    if found is None:
        return None
    message = "import the Keras 3 names" + (" it has" if len(texts) < len(gone) else "")
    return Fix(message, (*found, *edits), safe=True)


def _split_import_fix(text: str, stmt: ast.ImportFrom, raw: str, module: str) -> Fix | None:
    """``from keras.layers.core import Dense, Highway`` -> ``from keras.layers.core import
    Highway`` and ``from keras.layers import Dense``: the names Keras 3 has move to their
    module, the others stay where they are (still reported: they have no Keras 3 home)."""
    moved = {
        i: api.moved_to(module, [alias.name])
        for i, alias in enumerate(stmt.names)
        if alias.name != "*"
    }
    movable = [i for i, target in moved.items() if target is not None]
    targets = {moved[i] for i in movable}
    if not movable or len(targets) != 1:
        return None
    target = targets.pop()
    spelled = None if target is None else _respell(raw, module, target)
    if spelled is None:
        return None
    sources = [fixes.node_offsets(text, stmt.names[i]) for i in movable]
    if any(span is None for span in sources):
        return None
    names = ", ".join(text[span[0] : span[1]] for span in sources if span is not None)
    found = import_names_edits(
        text, stmt, dict.fromkeys(movable), [f"from {spelled} import {names}"]
    )
    if found is None:
        return None
    return Fix(f"import the names Keras 3 has from `{spelled}`", tuple(found), safe=True)


def _module_as(text: str, raw: str, module: str, bound: str) -> str | None:
    """``from keras import utils as np_utils`` for a removed module bound to ``bound``, when
    every attribute the file reads on ``bound`` is in the Keras 3 module."""
    attrs = fixes.attributes_read(text, bound)
    target = None if attrs is None else api.moved_to(module, attrs)
    spelled = None if target is None else _respell(raw, module, target)
    if spelled is None or "." not in spelled:
        return None
    parent, _, last = spelled.rpartition(".")
    return f"from {parent} import {last} as {bound}"


def _import_edit(text: str, stmt: ast.stmt, new: str) -> Fix | None:
    edit = fixes.replace_node(text, stmt, new)
    return None if edit is None else Fix(f"replace by `{new}`", (edit,), safe=True)


@guarded
def _attribute_fix(text: str, use: RemovedUse) -> Fix | None:
    """A call reached through a removed module or name: ``keras.layers.core.Dense(...)`` ->
    ``keras.layers.Dense(...)``, ``keras.optimizers.adam(...)`` -> ``keras.optimizers.Adam``."""
    snip = fixes._call(text, use.loc)
    if snip is None or not isinstance(snip.node.func, ast.Attribute):
        return None
    func = snip.node.func
    name = func.attr
    if name in ("image_dim_ordering", "set_image_dim_ordering"):
        return _dim_ordering_fix(text, use, snip)
    if use.old.endswith("." + name):  # a name gone from a module that stays
        renamed = api.RENAMED_NAMES.get((use.old.rpartition(".")[0], name))
        edit = None if renamed is None else rename_method(text, use.loc, name, renamed)
        return None if edit is None else Fix(f"use `{renamed}`", (edit,), safe=True)
    target = api.moved_to(use.old, [name])
    source = fixes._dotted(func)
    if target is None or source is None or not use.old.startswith(target + "."):
        return None
    drop = use.old[len(target) + 1 :].split(".")
    parts = source.split(".")
    if parts[-len(drop) - 1 : -1] != drop or len(parts) <= len(drop) + 1:
        return None
    new = ".".join(parts[: -len(drop) - 1] + [name])
    edit = fixes._edit(text, snip.start(func), snip.end(func), new)
    return Fix(f"use `{new}`", (edit,), safe=True)


@guarded
def _legacy_fix(text: str, use: RemovedUse) -> Fix | None:
    """``keras.optimizers.legacy.Adam(...)`` -> ``keras.optimizers.Adam(...)``: the same
    algorithm and defaults; Keras 2 keywords it still has (``lr=``, ``decay=``) are reported,
    and fixed, on the next pass."""
    snip = fixes._call(text, use.loc)
    func = None if snip is None else snip.node.func
    if snip is None or not isinstance(func, ast.Attribute):
        return None
    source = fixes._dotted(func)
    parts = [] if source is None else source.split(".")
    if len(parts) < 3 or parts[-2] != "legacy" or parts[-3] != "optimizers":
        return None
    new = ".".join(parts[:-2] + parts[-1:])
    edit = fixes._edit(text, snip.start(func), snip.end(func), new)
    return Fix(f"use `{new}`", (edit,), safe=True)


def _dim_ordering_fix(text: str, use: RemovedUse, snip: fixes._Snippet) -> Fix | None:
    """``K.set_image_dim_ordering("th")`` -> ``K.set_image_data_format("channels_first")``;
    ``K.image_dim_ordering() == "th"`` -> ``K.image_data_format() == "channels_first"``.
    A bare ``K.image_dim_ordering()`` is renamed under ``--unsafe-fixes`` only: it returned
    ``"th"`` / ``"tf"``, its Keras 3 twin returns ``"channels_first"`` / ``"channels_last"``."""
    call = snip.node
    setter = use.old.endswith(".set_image_dim_ordering")
    new_name = "set_image_data_format" if setter else "image_data_format"
    old_name = "set_image_dim_ordering" if setter else "image_dim_ordering"
    rename = rename_method(text, use.loc, old_name, new_name)
    if rename is None:
        return None
    literal: ast.expr | None = None
    if setter:
        if len(call.args) != 1 or call.keywords:
            return None
        literal = call.args[0]
    else:
        compare = fixes.comparison_with(text, use.loc)
        literal = compare
    if not (isinstance(literal, ast.Constant) and literal.value in _ORDERINGS):
        if setter:
            return None
        return Fix(
            f"use `{new_name}` (it returns `channels_first`/`channels_last`)", (rename,), safe=False
        )
    new_literal = fixes.literal_with(
        text, literal, _ORDERINGS[literal.value], snip if setter else None
    )
    if new_literal is None:
        return None
    return Fix(
        f"use `{new_name}` with `{_ORDERINGS[literal.value]}`", (rename, new_literal), safe=True
    )


_ARGUMENTS = frozenset({"signature", "layer_keyword", "call_keyword", "object_keyword"})


# Removed keywords that can simply be dropped: None, for any value (they only tuned speed or
# logging), else the literal values for which Keras 3 behaves the same without them.
_DROP: dict[str, tuple[Any, ...] | None] = {
    "consume_less": None,
    "fused": None,
    "forget_bias_init": ("one",),
    "mode": (0,),
    "time_major": (False,),
    "show_accuracy": None,
    "max_queue_size": None,
    "workers": None,
    "use_multiprocessing": None,
    "experimental_run_tf_function": None,
    "class_mode": None,
    "pss_evaluation_shards": None,
    "sample_weight_mode": (None,),
    "jit_compile": None,
    "write_grads": None,
    "embeddings_layer_names": None,
    "embeddings_data": None,
}
_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}


@guarded
def _arguments_fix(text: str, uses: list[RemovedUse]) -> Fix | None:
    """Rewrite a Keras 1/2 call's arguments into Keras 3's: the Keras 1 signature
    ``Convolution2D(32, 3, 3, border_mode="same")`` -> ``Convolution2D(32, (3, 3),
    padding="same")`` (Keras 3 keeps the alias), ``nb_row=3, nb_col=3`` -> ``kernel_size=(3,
    3)``, ``dim_ordering="th"`` -> ``data_format="channels_first"``, keywords that only tuned
    speed or logging dropped. Every removed use of the call must be handled. Unsafe when the
    call runs in Keras 3 as written (``Convolution2D(32, 3, 3)`` strides by 3 there: the fix
    changes what it does) or when the meaning of ``Conv2D(32, 3, 3)`` is a guess."""
    found = fixes.call_arguments(text, uses[0].loc)
    if found is None:
        return None
    snip, args = found
    call = snip.node
    keyed = {k.arg: i for i, k in enumerate(args) if isinstance(k, ast.keyword)}
    edits: list[Edit] = []
    safe = True
    positional_taken = True
    handled: set[str] = set()
    for use in uses:
        if use.kind != "signature":
            continue
        func = call.func
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        rank = api.CONV_RANKS.get(callee)
        # (``Conv1D(64, 5, 5)``: the size repeated, as Keras 1 wrote a 2-D kernel)
        count = 2 if rank == 1 else (rank or 0)
        sizes = call.args[1 : count + 1]
        if (
            rank is None
            or len(call.args) != count + 1
            or any(isinstance(v, ast.Starred) for v in sizes)
        ):
            # (the sizes may be names: the signature was recognised from their int values)
            return None
        parts = [snip.source(v) for v in sizes]
        new: str | None  # here a size; below a use's new name, or None
        new = parts[0] if rank == 1 else "(" + ", ".join(parts) + ")"
        edits.append(fixes.replace_in_call(text, snip, call.args[1], call.args[-1], new))
        keras1_keywords = any(u.kind == "layer_keyword" for u in uses)
        safe = safe and keras1_keywords  # (else it runs in Keras 3, striding by the size)
        positional_taken = False
        handled.add(use.old)
    for use in uses:
        if use.kind == "signature" or use.old in handled:
            continue
        new = use.new if use.new is not None else (None if positional_taken else use.blocked_new)
        if use.old in ("nb_row", "nb_col"):
            if "nb_row" not in keyed or "nb_col" not in keyed or "kernel_size" in keyed:
                return None
            row, col = (args[keyed[k]] for k in ("nb_row", "nb_col"))
            sizes_src = f"({snip.source(row.value)}, {snip.source(col.value)})"  # type: ignore[attr-defined]
            edits.append(fixes.replace_in_call(text, snip, row, row, f"kernel_size={sizes_src}"))
            edits.append(fixes.delete_argument(text, snip, args, keyed["nb_col"]))
            handled.update(("nb_row", "nb_col"))
            continue
        if use.old not in keyed:
            return None
        node = args[keyed[use.old]]
        value = node.value  # type: ignore[attr-defined]
        if new is not None:
            if new in keyed:
                return None
            edit = rename_keyword(text, use.loc, use.old, new)
            if edit is None:
                return None
            edits.append(edit)
            safe = safe and (use.rename_safe or use.blocked_new is not None)
        elif use.old == "dim_ordering":
            literal = isinstance(value, ast.Constant) and value.value in _ORDERINGS
            if not literal or "data_format" in keyed:
                return None
            source = snip.source(value)
            quoted = source.replace(value.value, _ORDERINGS[value.value])
            edits.append(fixes.replace_in_call(text, snip, node, node, f"data_format={quoted}"))
        elif use.old == "batch_size" and use.kind == "layer_keyword":
            found_edits = batch_size_edits(text, snip, args, use.loc, use.first)
            if found_edits is None:
                return None
            edits.extend(found_edits)
        elif use.old == "batch_input_shape" and use.kind == "layer_keyword":
            found_edits = batch_input_shape_edits(text, snip, args, use.loc, use.first)
            if found_edits is None:
                return None
            edits.extend(found_edits)
        elif use.old in _DROP:
            values = _DROP[use.old]
            if values is not None and not (
                isinstance(value, ast.Constant)
                and any(value.value == v and type(value.value) is type(v) for v in values)
            ):
                return None
            edits.append(fixes.delete_argument(text, snip, args, keyed[use.old]))
        else:
            return None
        handled.add(use.old)
    spans = sorted((e.span.line, e.span.column, e.span.end_line, e.span.end_column) for e in edits)
    if not edits or any(a[2:] > b[:2] for a, b in zip(spans, spans[1:], strict=False)):
        return None
    return Fix("rewrite the Keras 1/2 arguments as Keras 3 spells them", tuple(edits), safe=safe)


_RENAMES = frozenset({"method", "call_keyword", "object_keyword", "layer_keyword"})


# Keras 3's default learning rates, for a ``decay=`` without ``lr=``.
_DEFAULT_LR = {"SGD": "0.01"}
_SCHEDULE = "keras.optimizers.schedules.InverseTimeDecay"


@guarded
def _decay_fix(text: str, uses: list[RemovedUse]) -> Fix | None:
    """``SGD(lr=0.01, decay=1e-6)`` -> ``SGD(learning_rate=InverseTimeDecay(0.01,
    decay_steps=1, decay_rate=1e-6))``: Keras 2's ``decay`` as the schedule that does the same
    per step. Unsafe: the schedule is what Keras 2 did, but the script's behaviour in Keras 3
    terms changes (its learning rate now decays), and its other uses must all be renames."""
    if any(u.new is None and not (u.kind == "object_keyword" and u.old == "decay") for u in uses):
        return None
    loc = uses[0].loc
    snip = fixes._call(text, loc)
    schedule = keras_name(text, _SCHEDULE, like=loc)
    imported: Edit | None = None
    if schedule is None:
        # ``from keras.optimizers import Adam`` -> ``... import Adam, schedules``
        found = import_keras_name(text, _SCHEDULE.rpartition(".")[0], like=loc)
        if found is not None:
            schedule = f"{found[0]}.{_SCHEDULE.rpartition('.')[2]}"
            imported = found[1]
    if (
        snip is None
        or schedule is None
        or not isinstance(snip.node.func, (ast.Name, ast.Attribute))
    ):
        return None
    call = snip.node
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    # (keyword or None, the whole argument, its value) in source order
    args: list[tuple[str | None, ast.AST, ast.AST]] = [(None, a, a) for a in call.args]
    args += [(k.arg, k, k.value) for k in call.keywords]
    args.sort(key=lambda a: (a[1].lineno, a[1].col_offset))  # type: ignore[attr-defined]
    keyed = {name: i for i, (name, _, _) in enumerate(args) if name is not None}
    if "decay" not in keyed:
        return None
    d = keyed["decay"]
    decay_src = text[snip.start(args[d][2]) : snip.end(args[d][2])]
    lr = keyed.get("lr", keyed.get("learning_rate"))
    func = call.func
    callee = func.attr if isinstance(func, ast.Attribute) else cast(ast.Name, func).id
    positional = lr is None and len(call.args) == 1  # ``Adam(1e-3, decay=1e-4)``
    if lr is None and call.args and not positional:
        return None
    if positional:
        lr = 0
        lr_src = text[snip.start(args[0][2]) : snip.end(args[0][2])]
        new_arg = f"{schedule}({lr_src}, decay_steps=1, decay_rate={decay_src})"
    elif lr is not None:
        lr_src = text[snip.start(args[lr][2]) : snip.end(args[lr][2])]
    elif callee in _DEFAULT_LR:
        lr_src = _DEFAULT_LR[callee]
    else:
        return None
    if not positional:
        new_arg = f"learning_rate={schedule}({lr_src}, decay_steps=1, decay_rate={decay_src})"
    edits: list[Edit] = [] if imported is None else [imported]
    if lr is None:
        edits.append(fixes._edit(text, snip.start(args[d][1]), snip.end(args[d][1]), new_arg))
    elif abs(lr - d) == 1:
        first, last = sorted((lr, d))
        edits.append(
            fixes._edit(text, snip.start(args[first][1]), snip.end(args[last][1]), new_arg)
        )
    else:
        edits.append(fixes._edit(text, snip.start(args[lr][1]), snip.end(args[lr][1]), new_arg))
        start = snip.end(args[d - 1][1]) if d > 0 else snip.start(args[d][1])
        end = snip.end(args[d][1]) if d > 0 else snip.start(args[d + 1][1])
        edits.append(fixes._edit(text, start, end, ""))
    for use in uses:  # other renames of the same call (``nb_epoch``-style keywords)
        if use.kind == "object_keyword" and use.old in ("decay", "lr"):
            continue
        if use.new is None or use.kind not in _RENAMES:
            return None
        edit = rename_keyword(text, use.loc, use.old, use.new)
        if edit is None:
            return None
        edits.append(edit)
    return Fix(
        "Replace `decay=` by an `InverseTimeDecay` learning-rate schedule (what Keras 2's "
        "decay did)",
        tuple(edits),
        safe=False,
    )


@guarded
def _rename_fix(text: str, uses: list[RemovedUse], partial: bool = False) -> Fix | None:
    """Apply the plain renames (`lr=` -> `learning_rate=`, `fit_generator` -> `fit`, ...) of
    one call; offered only when they resolve every removed use of that call (``partial``: the
    renames among them, the rest left to the user). Safe when each rename alone gives working
    Keras 3 code."""
    if not uses:
        return None
    edits = []
    for use in uses:
        if use.new is None or use.kind not in _RENAMES:
            return None
        if use.kind == "method":
            edit = rename_method(text, use.loc, use.old, use.new)
        else:
            edit = rename_keyword(text, use.loc, use.old, use.new)
        if edit is None:
            return None
        edits.append(edit)
    if len({e.span for e in edits}) != len(edits):
        return None
    safe = all(u.rename_safe for u in uses)
    return Fix(_suggestion(uses) or "Rename", tuple(edits), safe=safe)


def _suggestion(uses: list[RemovedUse]) -> str | None:
    renames = [u for u in uses if u.new is not None]
    if not renames:
        return None
    parts = []
    for u in renames:
        if u.kind == "method":
            parts.append(f"`{u.old}` -> `{u.new}`")
        else:
            parts.append(f"`{u.old}=` -> `{u.new}=`")
    return "rename " + ", ".join(parts)

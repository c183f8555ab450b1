"""SEQ303 fit-before-compile: training or evaluating a model that was never compiled."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.rules.base import Example, Rule, register

# Methods that need a compiled model (predict does not).
_NEEDS_COMPILE = frozenset(
    {
        "fit",
        "evaluate",
        "train_on_batch",
        "test_on_batch",
        "fit_generator",
        "evaluate_generator",
    }
)


@register
class FitBeforeCompile(Rule):
    code = "SEQ303"
    name = "fit-before-compile"
    summary = "`fit` / `evaluate` is called on a model that has not been compiled yet."
    why = (
        "Keras needs the optimizer and the loss from `compile()` before it can train or "
        "evaluate: it stops with `You must call compile() before using the model.` (a "
        "notebook whose cells ran in the wrong order, or a forgotten compile)."
    )
    fix_doc = "Call `model.compile(optimizer=..., loss=...)` before `fit` / `evaluate`."
    examples = (
        Example(
            "import keras\nimport numpy as np\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])\n"
            "model.fit(np.random.rand(32, 4), np.random.rand(32), epochs=1)\n"
            'model.compile(optimizer="adam", loss="mse")\n',
            bad=True,
        ),
        Example(
            "import keras\nimport numpy as np\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])\n"
            'model.compile(optimizer="adam", loss="mse")\n'
            "model.fit(np.random.rand(32, 4), np.random.rand(32), epochs=1)\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, _shapes in analysis.models():
            # something we could not follow may have compiled it (a helper, another module)
            if model.uncertain or model.nested or model.called_functionally:
                continue
            for call in model.calls:
                if call.method == "compile":
                    break
                if call.method in _NEEDS_COMPILE:
                    if not call.uncertain:
                        later = any(c.method == "compile" for c in model.calls)
                        yield self.diagnostic(
                            call.loc,
                            f"`{call.method}` is called before the model is compiled"
                            + (" (compile comes later)" if later else " (it never is)")
                            + ": call model.compile(optimizer=..., loss=...) first",
                        )
                    break

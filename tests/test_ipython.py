"""``%load_ext seqlint`` in a real IPython ``InteractiveShell``: findings appear before the
cell's own output, with the shape trace, and the cell still runs (unless ``%seqlint strict``).

Keras itself is not needed: a stand-in ``keras`` module lets the cells run, and the checks
never import what they check.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

pytest.importorskip("IPython", reason="IPython is not installed")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

BUGGY = """\
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3),
    layers.Dense(10, activation="softmax"),
])
print("the cell " + "ran")  # the output is not in the code frame
"""


class _Layer:
    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args = args

    def compile(self, **kwargs: object) -> None:
        self.compiled = kwargs


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> Iterator[InteractiveShell]:
    keras = types.ModuleType("keras")
    layers = types.ModuleType("keras.layers")
    keras.Sequential = keras.Input = _Layer  # type: ignore[attr-defined]
    layers.Conv2D = layers.Dense = layers.Flatten = _Layer  # type: ignore[attr-defined]
    keras.layers = layers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.setitem(sys.modules, "keras.layers", layers)
    monkeypatch.chdir(str(tmp_path))
    sh = InteractiveShell()
    sh.run_cell("%load_ext seqlint")
    sh.run_cell("import keras\nfrom keras import layers")
    yield sh
    sh.run_cell("%unload_ext seqlint")
    InteractiveShell.clear_instance()


def test_findings_print_before_the_cell_runs_and_it_runs(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    result = shell.run_cell(BUGGY)
    out = capsys.readouterr().out
    assert result.success
    assert "model" in shell.user_ns  # execution went on
    assert "SEQ102" in out and "the cell ran" in out
    assert out.index("SEQ102") < out.index("the cell ran")
    # the finding is located in the cell, with the shape trace that proves it
    assert ":4:5: SEQ102" in out
    assert "= trace:" in out and "(None, 26, 26, 32)" in out


def test_a_cell_is_checked_with_the_cells_that_ran(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])")
    assert "SEQ" not in capsys.readouterr().out
    # accuracy on a regression: the metric is in this cell, the linear head in another one
    shell.run_cell('model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])')
    out = capsys.readouterr().out
    assert "SEQ204" in out and ":1:1: SEQ204" in out  # located in the new cell, line 1
    shell.run_cell("x = 1")
    assert capsys.readouterr().out == ""  # earlier findings are not repeated


def test_strict_mode_stops_a_cell_with_an_error(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("%seqlint strict")
    result = shell.run_cell(BUGGY)
    captured = capsys.readouterr()
    assert "SEQ102" in captured.out
    assert "model" not in shell.user_ns and "the cell ran" not in captured.out
    assert not result.success
    shell.run_cell("%seqlint lenient")
    shell.run_cell(BUGGY)
    assert "model" in shell.user_ns


def test_summary_of_a_model_defined_so_far(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(BUGGY.replace("layers.Dense", "layers.Flatten(),\n    layers.Dense"))
    capsys.readouterr()
    shell.run_cell("%seqlint summary model")
    out = capsys.readouterr().out
    assert "conv2d (Conv2D)" in out and "(None, 21632)" in out and "(None, 10)" in out
    assert "Total params: 216,650" in out
    shell.run_cell("%seqlint summary nothing_here")
    assert "no Sequential model named 'nothing_here'" in capsys.readouterr().out

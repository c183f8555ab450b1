"""Fixes: the edit-building toolkit, the fix engine, writing files back, and the CLI's
``--fix`` / ``--unsafe-fixes`` / ``--diff``."""

from __future__ import annotations

import ast
import json
import os
import stat
import textwrap
from pathlib import Path

import libcst
import pytest
from click.testing import CliRunner, Result

import seqlint.check
import seqlint.rules  # noqa: F401  (registers the rules)
from seqlint import fix as fixer
from seqlint import fixes
from seqlint.analysis import Analysis
from seqlint.check import analyse
from seqlint.cli import cli
from seqlint.diagnostics import Diagnostic, Edit, Fix, Span
from seqlint.ir import LayerCall, Loc
from seqlint.sources import SourceFile


def run(*args: str, input: str | bytes | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), input=input)


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEQLINT_NO_CACHE", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def write(name: str, code: str) -> Path:
    path = Path(name)
    path.write_text(textwrap.dedent(code))
    return path


def parses(text: str) -> bool:
    try:
        libcst.parse_module(text)
    except libcst.ParserSyntaxError:
        return False
    return True


# --- before / after, one pair per fixable rule -------------------------------------------

SOFTMAX_BEFORE = """\
from keras.layers import Dense
from keras.models import Sequential

model = Sequential()
model.add(Dense(16, activation="relu", input_dim=8))
model.add(Dense(1, activation='softmax'))  # the output
model.compile(loss="binary_crossentropy", optimizer="adam")
"""
SOFTMAX_AFTER = SOFTMAX_BEFORE.replace("'softmax'", "'sigmoid'")

FLATTEN_LIST_BEFORE = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),  # halve it
    layers.Dense(10, activation="softmax"),
])
"""
FLATTEN_LIST_AFTER = FLATTEN_LIST_BEFORE.replace(
    "    layers.Dense(10", "    layers.Flatten(),\n    layers.Dense(10"
)

FLATTEN_ADD_BEFORE = """\
import tensorflow as tf

def build():
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Conv2D(8, 3, input_shape=(16, 16, 3)))
    model.add(tf.keras.layers.Dense(4, activation="softmax"))
    return model

model = build()
"""
FLATTEN_ADD_AFTER = FLATTEN_ADD_BEFORE.replace(
    "    model.add(tf.keras.layers.Dense",
    "    model.add(tf.keras.layers.Flatten())\n    model.add(tf.keras.layers.Dense",
)

FLATTEN_IMPORT_BEFORE = """\
from tensorflow.keras.layers import Conv2D, Dense
from tensorflow.keras.models import Sequential

model = Sequential([Conv2D(8, 3, input_shape=(16, 16, 1)), Dense(3)])
"""
FLATTEN_IMPORT_AFTER = """\
from tensorflow.keras.layers import Conv2D, Dense, Flatten
from tensorflow.keras.models import Sequential

model = Sequential([Conv2D(8, 3, input_shape=(16, 16, 1)), Flatten(), Dense(3)])
"""

INPUT_BEFORE = """\
import numpy as np
import keras

x = np.random.rand(64, 12)
y = np.random.rand(64)
model = keras.Sequential([
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1)
"""
INPUT_AFTER = INPUT_BEFORE.replace(
    "    keras.layers.Dense(8", "    keras.Input(shape=(12,)),\n    keras.layers.Dense(8"
)

INPUT_ADD_BEFORE = """\
import numpy as np
import tensorflow as tf

x = np.zeros((32, 4, 5))
y = np.zeros((32, 1))
model = tf.keras.models.Sequential()
model.add(tf.keras.layers.LSTM(8))
model.add(tf.keras.layers.Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1)
"""
INPUT_ADD_AFTER = INPUT_ADD_BEFORE.replace(
    "model.add(tf.keras.layers.LSTM",
    "model.add(tf.keras.Input(shape=(4, 5)))\nmodel.add(tf.keras.layers.LSTM",
)


RENAMES_BEFORE = """\
import numpy as np
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import Adam

x, y = np.random.rand(32, 4), np.random.rand(32)
model = Sequential([Dense(1, input_dim=4)])
model.compile(optimizer=Adam(lr=0.01), loss="mse")  # keep this comment
model.fit(x, y, nb_epoch=2)
"""
LR_AFTER = RENAMES_BEFORE.replace("Adam(lr=", "Adam(learning_rate=")
RENAMES_AFTER = LR_AFTER.replace("nb_epoch=", "epochs=")

GENERATOR_BEFORE = """\
import numpy as np
import keras

def batches():
    while True:
        yield np.random.rand(8, 4), np.random.rand(8)

model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit_generator(batches(), steps_per_epoch=2, epochs=1)
"""
GENERATOR_AFTER = GENERATOR_BEFORE.replace("fit_generator(", "fit(")

TYPO_BEFORE = """\
import keras

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(16, activation='rleu'),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adma", loss="binary_crossentropy", metrics=["accuarcy"])
"""
TYPO_AFTER = (
    TYPO_BEFORE.replace("'rleu'", "'relu'")
    .replace('"adma"', '"adam"')
    .replace('"accuarcy"', '"accuracy"')
)


@pytest.mark.parametrize(
    ("before", "after", "unsafe"),
    [
        (SOFTMAX_BEFORE, SOFTMAX_AFTER, False),
        (FLATTEN_LIST_BEFORE, FLATTEN_LIST_AFTER, True),
        (FLATTEN_ADD_BEFORE, FLATTEN_ADD_AFTER, True),
        (FLATTEN_IMPORT_BEFORE, FLATTEN_IMPORT_AFTER, True),
        (INPUT_BEFORE, INPUT_AFTER, True),
        (INPUT_ADD_BEFORE, INPUT_ADD_AFTER, True),
        (GENERATOR_BEFORE, GENERATOR_AFTER, False),
    ],
    ids=[
        "softmax",
        "flatten-list",
        "flatten-add",
        "flatten-import",
        "input",
        "input-add",
        "fit-generator",
    ],
)
def test_fix_before_after(before: str, after: str, unsafe: bool) -> None:
    path = write("model.py", before)
    args = ["check", "--fix", "model.py", *(["--unsafe-fixes"] if unsafe else [])]
    result = run(*args)
    assert path.read_text() == after, result.output
    assert parses(after)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Fixed 1 error (0 remaining).\n"
    # idempotent: a second run changes nothing
    again = run(*args)
    assert path.read_text() == after
    assert again.exit_code == 0 and again.stdout == "All checks passed!\n"


def test_removed_api_renames_two_calls_safely() -> None:
    path = write("model.py", RENAMES_BEFORE)
    result = run("check", "--fix", "model.py")
    assert path.read_text() == RENAMES_AFTER, result.output
    assert result.stdout == "Fixed 2 errors (0 remaining).\n"
    assert run("check", "--fix", "model.py").stdout == "All checks passed!\n"


def test_identifier_typos_are_unsafe_fixes() -> None:
    path = write("model.py", TYPO_BEFORE)
    run("check", "--fix", "model.py")
    assert path.read_text() == TYPO_BEFORE  # a guess is never applied without the flag
    result = run("check", "--fix", "--unsafe-fixes", "model.py")
    assert path.read_text() == TYPO_AFTER, result.output
    assert result.stdout == "Fixed 2 errors (0 remaining).\n"
    assert run("check", "--fix", "--unsafe-fixes", "model.py").stdout == "All checks passed!\n"


def test_identifier_from_a_variable_gets_no_fix() -> None:
    code = TYPO_BEFORE.replace("activation='rleu'", "activation=act").replace(
        "import keras\n", "import keras\n\nact = 'rleu'\n"
    )
    path = write("model.py", code)
    run("check", "--fix", "--unsafe-fixes", "model.py")
    assert "act = 'rleu'" in path.read_text()  # the literal is not in the layer call


def test_unsafe_fixes_need_the_flag() -> None:
    path = write("model.py", FLATTEN_LIST_BEFORE)
    shown = run("check", "model.py")
    assert shown.exit_code == 1
    assert " SEQ102 [~] Dense" in shown.stdout  # [~]: the fix is unsafe
    assert shown.stdout.endswith(
        "[~] 1 fixable with `--fix --unsafe-fixes` (unsafe: review the change).\n"
    )
    result = run("check", "--fix", "model.py")
    assert path.read_text() == FLATTEN_LIST_BEFORE
    assert result.exit_code == 1
    offered = run("check", "--unsafe-fixes", "model.py", "--output-format", "concise")
    assert " SEQ102 [~] Dense" in offered.stdout
    assert offered.stdout.endswith(
        "[~] 1 fixable with the `--fix` option (unsafe: review the change).\n"
    )


def test_safe_fix_is_offered_with_a_marker_and_count() -> None:
    write("model.py", SOFTMAX_BEFORE)
    result = run("check", "model.py")
    assert result.exit_code == 1
    assert "model.py:6:11: SEQ201 [*] Dense(1, ...)" in result.stdout
    assert result.stdout.endswith("Found 1 error.\n[*] 1 fixable with the `--fix` option.\n")


def test_remaining_findings_are_reported_and_set_the_exit_code() -> None:
    code = SOFTMAX_BEFORE.replace(
        "model.add(Dense(1,", "model.add(Dense(4, input_dim=16))\nmodel.add(Dense(1,"
    )
    path = write("model.py", code)
    assert "SEQ201" in run("check", "model.py", "--output-format", "concise").stdout
    result = run("check", "--fix", "model.py", "--output-format", "concise")
    assert "'sigmoid'" in path.read_text()
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == ["SEQ106"]
    assert lines[-1] == "Fixed 1 error (1 remaining)."
    assert result.exit_code == 0  # what remains (SEQ106) is a warning
    assert run("check", "model.py", "--fail-on", "warning").exit_code == 1


def test_several_fixes_in_one_file_and_passes() -> None:
    code = FLATTEN_LIST_BEFORE.replace(
        'layers.Dense(10, activation="softmax")', 'layers.Dense(1, activation="softmax")'
    )
    code += 'model.compile(loss="binary_crossentropy", optimizer="adam")\n'
    path = write("model.py", code)
    result = run("check", "--fix", "--unsafe-fixes", "model.py")
    text = path.read_text()
    assert "layers.Flatten(),\n" in text and 'activation="sigmoid"' in text
    assert result.stdout == "Fixed 2 errors (0 remaining).\n"
    assert parses(text)


# --- --diff --------------------------------------------------------------------------------


def test_diff_prints_and_writes_nothing() -> None:
    path = write("model.py", SOFTMAX_BEFORE)
    result = run("check", "--diff", "model.py")
    assert path.read_text() == SOFTMAX_BEFORE
    assert result.exit_code == 1
    assert result.stdout.startswith("--- model.py\n+++ model.py\n@@ ")
    assert "-model.add(Dense(1, activation='softmax'))  # the output\n" in result.stdout
    assert "+model.add(Dense(1, activation='sigmoid'))  # the output\n" in result.stdout
    assert "Would fix 1 error." in result.stderr


def test_diff_with_nothing_to_fix_exits_0() -> None:
    path = write("model.py", FLATTEN_LIST_BEFORE)  # only an unsafe fix
    result = run("check", "--diff", "model.py")
    assert result.exit_code == 0 and result.stdout == ""
    assert path.read_text() == FLATTEN_LIST_BEFORE
    assert run("check", "--diff", "--unsafe-fixes", "model.py").exit_code == 1
    assert path.read_text() == FLATTEN_LIST_BEFORE


# --- files on disk: encodings, line endings, modes, atomic writes ----------------------------


def test_crlf_and_encoding_are_kept() -> None:
    code = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + SOFTMAX_BEFORE
    path = Path("model.py")
    path.write_bytes(code.replace("\n", "\r\n").encode("latin-1"))
    result = run("check", "--fix", "model.py")
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data == code.replace("'softmax'", "'sigmoid'").replace("\n", "\r\n").encode("latin-1")


def test_inserted_lines_take_the_files_line_ending() -> None:
    path = Path("model.py")
    path.write_bytes(FLATTEN_LIST_BEFORE.replace("\n", "\r\n").encode())
    run("check", "--fix", "--unsafe-fixes", "model.py")
    assert path.read_bytes() == FLATTEN_LIST_AFTER.replace("\n", "\r\n").encode()


def test_file_mode_is_kept() -> None:
    path = write("model.py", SOFTMAX_BEFORE)
    os.chmod(path, 0o751)
    run("check", "--fix", "model.py")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert "'sigmoid'" in path.read_text()


def test_a_failed_write_leaves_the_original_and_no_temp_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write("model.py", SOFTMAX_BEFORE)

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    result = run("check", "--fix", "model.py")
    assert path.read_text() == SOFTMAX_BEFORE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]
    assert result.exit_code == 2
    assert result.stderr == "seqlint: error: cannot write model.py: No space left on device\n"
    assert "SEQ201" in result.stdout  # the finding is still there


def test_write_bytes_atomic_cleans_up_when_writing_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")

    def broken(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        fixer.write_bytes_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_a_fix_that_breaks_the_code_leaves_the_file_alone() -> None:
    bad = Fix("break it", (Edit(Span(1, 1, 1, 1), "def ("),))

    def lint(src: SourceFile) -> list[Diagnostic]:
        return [Diagnostic("SEQ201", "x", "m", "error", Span(1, 1, 1, 2), fix=bad)]

    result = fixer.fix_bytes("m.py", b"import keras\n", lint)
    assert result.error is not None and "does not parse" in result.error
    assert "\n" not in result.error
    assert not result.changed and result.data is None
    assert len(result.remaining) == 1


def test_fixes_that_never_settle_stop() -> None:
    grow = Fix("grow", (Edit(Span(1, 1, 1, 1), "x = 1\n"),))

    def lint(src: SourceFile) -> list[Diagnostic]:
        return [Diagnostic("SEQ201", "x", "m", "error", Span(1, 1, 1, 2), fix=grow)]

    result = fixer.fix_bytes("m.py", b"import keras\n", lint)
    assert result.error is None and not result.converged
    assert result.fixed == fixer.MAX_PASSES
    assert result.data == b"x = 1\n" * fixer.MAX_PASSES + b"import keras\n"


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    def d(span: Span, content: str, safe: bool = True) -> Diagnostic:
        return Diagnostic(
            "SEQ201", "x", "m", "error", span, fix=Fix("f", (Edit(span, content),), safe)
        )

    a = d(Span(1, 1, 1, 5), "a")
    b = d(Span(1, 3, 1, 8), "b")  # overlaps a
    c = d(Span(1, 8, 1, 9), "c")  # touches b's end only
    ins1 = d(Span(2, 1, 2, 1), "i")
    ins2 = d(Span(2, 1, 2, 1), "j")  # the same insertion point
    unsafe = d(Span(3, 1, 3, 2), "u", safe=False)
    assert fixer.select_fixes([b, a, c, ins1, ins2, unsafe]) == [a, c, ins1]
    assert unsafe in fixer.select_fixes([unsafe], unsafe=True)


# --- notebooks ---------------------------------------------------------------------------


def _notebook() -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "id": "md", "metadata": {}, "source": ["# Ünïcode title\n"]},
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "imports",
                "metadata": {"tags": ["setup"]},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
                "source": [
                    "%matplotlib inline\n",
                    "from keras.layers import Dense\n",
                    "from keras.models import Sequential",
                ],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "id": "model",
                "metadata": {"scrolled": True},
                "outputs": [
                    {
                        "data": {"text/plain": ["<Sequential>"]},
                        "execution_count": 2,
                        "metadata": {},
                        "output_type": "execute_result",
                    }
                ],
                "source": [
                    "model = Sequential()\n",
                    "model.add(Dense(8, activation='relu', input_dim=4))\n",
                    "model.add(Dense(1, activation='softmax'))\n",
                    "model.compile(loss='binary_crossentropy', optimizer='adam')",
                ],
            },
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "zeta": 1,
            "alpha": 2,
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.mark.parametrize("indent", [1, 2, None])
def test_notebook_keeps_outputs_metadata_and_layout(indent: int | None) -> None:
    nb = _notebook()
    raw = json.dumps(nb, indent=indent, ensure_ascii=False) + "\n"
    path = Path("nb.ipynb")
    path.write_text(raw, encoding="utf-8")
    result = run("check", "--fix", "nb.ipynb")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Fixed 1 error (0 remaining).\n"
    nb["cells"][2]["source"][2] = "model.add(Dense(1, activation='sigmoid'))\n"
    expected = json.dumps(nb, indent=indent, ensure_ascii=False) + "\n"
    assert path.read_text(encoding="utf-8") == expected


def test_notebook_fix_in_two_cells_and_diff_per_cell() -> None:
    nb = _notebook()
    nb["cells"][2]["source"] = [
        "model = Sequential()\n",
        "model.add(Conv2D(8, 3, input_shape=(16, 16, 1)))\n",
        "model.add(Dense(2))",
    ]
    nb["cells"][1]["source"][1] = "from keras.layers import Conv2D, Dense\n"
    raw = json.dumps(nb, indent=1)
    path = Path("nb.ipynb")
    path.write_text(raw)  # no trailing newline
    diff = run("check", "--diff", "--unsafe-fixes", "nb.ipynb")
    assert diff.exit_code == 1
    assert "--- nb.ipynb:cell 2\n+++ nb.ipynb:cell 2\n" in diff.stdout
    assert "+from keras.layers import Conv2D, Dense, Flatten\n" in diff.stdout
    assert "--- nb.ipynb:cell 3\n" in diff.stdout and "+model.add(Flatten())\n" in diff.stdout
    assert path.read_text() == raw
    run("check", "--fix", "--unsafe-fixes", "nb.ipynb")
    got = json.loads(path.read_text())
    assert got["cells"][1]["source"][1] == "from keras.layers import Conv2D, Dense, Flatten\n"
    assert got["cells"][2]["source"][2] == "model.add(Flatten())\n"
    assert got["cells"][1]["outputs"] == nb["cells"][1]["outputs"]
    assert not path.read_text().endswith("\n")
    assert list(got["metadata"]) == ["kernelspec", "zeta", "alpha"]


# --- output formats, stdin, rule docs, parallel and cache -----------------------------------


def test_json_output_carries_the_fix_with_its_applicability() -> None:
    write("a.py", SOFTMAX_BEFORE)
    write("b.py", FLATTEN_LIST_BEFORE)
    result = run("check", "--output-format", "json")
    data = {d["path"]: d for d in json.loads(result.stdout)}
    safe, unsafe = data["a.py"]["fix"], data["b.py"]["fix"]
    assert safe["applicability"] == "safe" and unsafe["applicability"] == "unsafe"
    assert safe["edits"] == [
        {
            "content": "'sigmoid'",
            "location": {"row": 6, "column": 31},
            "end_location": {"row": 6, "column": 40},
        }
    ]
    assert unsafe["edits"][0]["content"] == "layers.Flatten(),\n    "
    assert "Flatten" in unsafe["message"]


def test_notebook_fix_edits_are_cell_relative_in_json() -> None:
    Path("nb.ipynb").write_text(json.dumps(_notebook(), indent=1))
    (found,) = json.loads(run("check", "nb.ipynb", "--output-format", "json").stdout)
    assert found["cell"] == 3 and found["line"] == 3
    assert found["fix"]["edits"][0]["location"] == {"row": 3, "column": 31}


def test_stdin_fix_writes_the_fixed_code_to_stdout() -> None:
    result = run("check", "--fix", "--stdin-filename", "m.py", "-", input=SOFTMAX_BEFORE)
    assert result.stdout == SOFTMAX_AFTER
    assert result.exit_code == 0
    assert "Fixed 1 error (0 remaining)." in result.stderr
    clean = "import keras\n"
    result = run("check", "--fix", "-", input=clean)
    assert result.stdout == clean and result.exit_code == 0


def test_rule_docs_say_what_fix_does() -> None:
    for code in ("SEQ101", "SEQ102", "SEQ201", "SEQ301", "SEQ401"):
        result = run("rule", code)
        assert "Fix available: yes." in result.stdout
        assert "--fix" in result.stdout
    assert "GlobalAveragePooling2D" in run("rule", "missing-flatten").stdout
    rows = {r["code"]: r for r in json.loads(run("rules", "--output-format", "json").stdout)}
    assert rows["SEQ102"]["fixable"] and rows["SEQ201"]["fixable"] and rows["SEQ101"]["fixable"]


def test_fix_works_with_the_pool_and_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import seqlint.parallel

    monkeypatch.delenv("SEQLINT_NO_CACHE")
    monkeypatch.setattr(seqlint.parallel, "POOL_MIN_BYTES", 0)
    paths = [write(f"m{i}.py", SOFTMAX_BEFORE) for i in range(4)]
    write("clean.py", "import keras\n")
    assert run("check", "--jobs", "2").exit_code == 1  # fills the cache
    result = run("check", "--fix", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Fixed 4 errors (0 remaining).\n"
    assert all(p.read_text() == SOFTMAX_AFTER for p in paths)
    assert run("check", "--jobs", "2").stdout == "All checks passed!\n"


# --- the toolkit -------------------------------------------------------------------------


def _analysis(code: str) -> Analysis:
    return analyse(SourceFile("m.py", textwrap.dedent(code)))


def _apply(text: str, *edits: Edit | None) -> str:
    doc = fixer.PythonDocument("m.py", text, "utf-8")
    return doc.apply([e for e in edits if e is not None]).text


def test_rename_keyword_and_method() -> None:
    code = textwrap.dedent(
        """\
        from keras.optimizers import Adam
        import keras
        opt = Adam(lr=0.01,  # old name
                   beta_1=0.9)
        model = keras.Sequential([keras.layers.Dense(1, input_dim=3)])
        model.fit_generator(gen, nb_epoch=3)
        """
    )
    a = analyse(SourceFile("m.py", code))
    (opt,) = a.file.objects
    (call,) = a.file.models[0].calls
    assert fixes.rename_keyword(code, opt.loc, "missing", "x") is None
    out = _apply(
        code,
        fixes.rename_keyword(code, opt.loc, "lr", "learning_rate"),
        fixes.rename_method(code, call.loc, "fit_generator", "fit"),
        fixes.rename_keyword(code, call.loc, "nb_epoch", "epochs"),
    )
    assert "opt = Adam(learning_rate=0.01,  # old name\n" in out
    assert "model.fit(gen, epochs=3)" in out
    assert fixes.rename_method(code, call.loc, "evaluate", "x") is None


def test_replace_string_keeps_quotes_and_needs_one_match() -> None:
    code = (
        "import keras\nm = keras.Sequential([keras.layers.Dense(1, 'softmax', name='softmax')])\n"
    )
    a = _analysis(code)
    (entry,) = a.file.models[0].entries
    loc = entry.item.loc
    assert fixes.replace_string(code, loc, "softmax", "sigmoid") is None  # two literals
    edit = fixes.replace_string(code, loc, "softmax", "sigmoid", keyword="activation", position=1)
    assert edit is not None and edit.content == "'sigmoid'"
    assert "Dense(1, 'sigmoid', name='softmax')" in _apply(code, edit)
    assert fixes.replace_string(code, loc, "softmax", 'si"g', position=1) is not None
    assert fixes.replace_string(code, loc, "softmax", "si'g", position=1) is None
    metrics = 'model.compile(loss="mse", metrics=["mae", "acc"])\n'
    a = _analysis("import keras\nmodel = keras.Sequential()\n" + metrics)
    (call,) = a.file.models[0].calls
    edit = fixes.replace_string(a.text, call.loc, "acc", "accuracy", keyword="metrics")
    assert edit is not None and '"accuracy"' in _apply(a.text, edit)


def test_insert_layer_before_list_forms() -> None:
    inline = (
        "import keras\nm = keras.Sequential([keras.layers.Conv1D(2, 3), keras.layers.Dense(1)])\n"
    )
    a = _analysis(inline)
    dense = a.file.models[0].entries[1]
    edit = fixes.insert_layer_before(inline, dense.loc, "keras.layers.Flatten()")
    assert "Conv1D(2, 3), keras.layers.Flatten(), keras.layers.Dense(1)])" in _apply(inline, edit)
    nested = textwrap.dedent(
        """\
        import keras
        def f():
            return keras.Sequential(
                [
                    keras.layers.Dense(1),
                ]
            )
        f()
        """
    )
    a = _analysis(nested)
    first = a.file.models[0].entries[0]
    out = _apply(nested, fixes.insert_layer_before(nested, first.loc, "keras.Input(shape=(3,))"))
    assert (
        "        [\n            keras.Input(shape=(3,)),\n            keras.layers.Dense(1),\n"
        in out
    )


def test_insert_layer_before_refuses_loops_and_shared_lines() -> None:
    loop = "import keras\nm = keras.Sequential()\nfor u in [4]:\n    m.add(keras.layers.Dense(u))\n"
    a = _analysis(loop)
    (entry,) = a.file.models[0].entries
    assert fixes.insert_layer_before(loop, entry.loc, "keras.layers.Flatten()") is None
    shared = "import keras\nm = keras.Sequential()\nx = 1; m.add(keras.layers.Dense(2))\n"
    a = _analysis(shared)
    (entry,) = a.file.models[0].entries
    assert fixes.insert_layer_before(shared, entry.loc, "keras.layers.Flatten()") is None
    assert fixes.insert_layer_before(shared, Loc(0, 0, 0, 0), "x") is None


@pytest.mark.parametrize(
    ("header", "like", "expected"),
    [
        ("from keras import layers\n", "layers.Dense(1)", "layers.Flatten"),
        ("import tensorflow as tf\n", "tf.keras.layers.Dense(1)", "tf.keras.layers.Flatten"),
        ("from keras.layers import Dense, Flatten\n", "Dense(1)", "Flatten"),
        ("from keras.layers import *\n", "Dense(1)", "Flatten"),
        ("from keras.layers import Dense\nimport keras\n", "Dense(1)", "keras.layers.Flatten"),
        ("from keras.layers import Dense\n", "Dense(1)", None),
        ("from keras.layers import Dense, Flatten\nFlatten = 3\n", "Dense(1)", None),
        ("from mylib import layers\n", "layers.Dense(1)", None),
    ],
)
def test_keras_name(header: str, like: str, expected: str | None) -> None:
    code = header + f"x = {like}\n"
    column = len("x = ") + 1
    line = header.count("\n") + 1
    loc = Loc(line, column, line, column + len(like))
    assert fixes.keras_name(code, "keras.layers.Flatten", like=loc, before=line) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("import keras\nfrom keras import layers\n", "keras.Input"),
        ("from tensorflow.keras import layers\n", "layers.Input"),
        ("import tensorflow as tf\n", "tf.keras.Input"),
        ("from tensorflow.keras import Input, layers\n", "Input"),
        ("from keras.models import Sequential\n", None),
    ],
)
def test_keras_name_for_input(header: str, expected: str | None) -> None:
    assert fixes.keras_name(header + "x = 1\n", "keras.Input", before=10) == expected


def test_keras_name_ignores_imports_after_the_insertion() -> None:
    code = "x = 1\nimport keras\n"
    assert fixes.keras_name(code, "keras.Input", before=1) is None
    assert fixes.keras_name(code, "keras.Input", before=3) == "keras.Input"


def test_import_keras_name_extends_the_neighbours_import() -> None:
    code = "from keras.layers import (\n    Conv2D,\n    Dense,\n)\nx = Dense(1)\n"
    loc = Loc(5, 5, 5, 13)
    got = fixes.import_keras_name(code, "keras.layers.Flatten", like=loc, before=5)
    assert got is not None
    name, edit = got
    assert name == "Flatten"
    assert _apply(code, edit).startswith(
        "from keras.layers import (\n    Conv2D,\n    Dense, Flatten,\n)"
    )
    used = code + "def Flatten(): pass\n"
    assert fixes.import_keras_name(used, "keras.layers.Flatten", like=loc, before=5) is None
    guarded = (
        "try:\n    from keras.layers import Dense\nexcept ImportError:\n    pass\nx = Dense(1)\n"
    )
    assert fixes.import_keras_name(guarded, "keras.layers.Flatten", like=loc, before=5) is None


def test_flatten_for_a_bare_dense_falls_back_to_a_module_import() -> None:
    code = """\
    from keras.layers import Dense
    import keras
    model = keras.Sequential([keras.layers.Conv2D(8, 3, input_shape=(8, 8, 1)), Dense(2)])
    """
    a = _analysis(code)
    (rule,) = [r for r in seqlint.rules.base.all_rules() if r.code == "SEQ102"]
    (found,) = rule.check(a)
    assert isinstance(a.file.models[0].entries[1].item, LayerCall)
    assert found.fix is not None and not found.fix.safe
    assert [e.content for e in found.fix.edits] == ["keras.layers.Flatten(), "]


def test_shared_code_gets_a_fix_only_when_every_model_agrees() -> None:
    code = """\
    import numpy as np
    import keras
    from keras import layers

    def build(n):
        m = keras.Sequential([layers.Input(shape=(3,)), layers.Dense(n, activation="softmax")])
        m.compile(loss="binary_crossentropy")
        return m

    def plain():
        return keras.Sequential([layers.Dense(4), layers.Dense(1)])

    a, b = build(1), build(UNITS)
    c, d = plain(), plain()
    c.fit(np.zeros((8, 3)), np.zeros(8))
    d.fit(np.zeros((8, 5)), np.zeros(8))
    """
    one = textwrap.dedent(code).replace("UNITS", "1")
    four = textwrap.dedent(code).replace("UNITS", "4")
    for text, fixable in ((one, True), (four, False)):
        found = {d.code: d for d in seqlint.check.check_source(SourceFile("m.py", text))}
        assert (found["SEQ201"].fix is not None) is fixable
        assert found["SEQ101"].fix is None  # plain() is fed two shapes


def test_argument_position() -> None:
    from seqlint.layers.base import get_layer

    assert fixes.argument_position(get_layer("Dense"), "activation") == 1
    assert fixes.argument_position(get_layer("Activation"), "activation") == 0
    assert fixes.argument_position(get_layer("Dropout"), "activation") is None


# --- hostile timing, links, owners and permissions (issue 16, items 8, 9, 11) ---------------


def test_an_edit_made_while_the_fix_is_written_is_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The user saves the file after seqlint read it, while the temporary file is synced:
    the last comparison, just before the rename, sees it; nothing is lost or claimed."""
    path = write("model.py", SOFTMAX_BEFORE)
    edited = SOFTMAX_BEFORE + "# the user's edit\n"
    real_fsync = os.fsync

    def edit_meanwhile(fd: int) -> None:
        real_fsync(fd)
        path.write_text(edited)

    monkeypatch.setattr(os, "fsync", edit_meanwhile)
    result = run("check", "--fix", "model.py")
    assert path.read_text() == edited
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]
    assert result.exit_code == 2
    assert result.stderr == (
        "seqlint: error: cannot write model.py: the file changed while it was being fixed\n"
    )
    assert "Fixed" not in result.stdout


def test_sigterm_while_writing_leaves_no_temporary_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import signal

    path = write("model.py", SOFTMAX_BEFORE)
    before = signal.getsignal(signal.SIGTERM)
    real_fsync = os.fsync

    def terminated(fd: int) -> None:
        real_fsync(fd)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(os, "fsync", terminated)
    with pytest.raises(KeyboardInterrupt):
        fixer.write_bytes_atomic(path, b"new\n", expected=SOFTMAX_BEFORE.encode())
    assert path.read_text() == SOFTMAX_BEFORE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]
    assert signal.getsignal(signal.SIGTERM) is before


def test_hard_links_are_fixed_in_place_and_every_link_sees_it() -> None:
    """As ruff does: the file is written through its inode, so no link keeps the errors."""
    path = write("model.py", SOFTMAX_BEFORE)
    other = Path("also.py")
    os.link(path, other)
    inode = os.stat(path).st_ino
    result = run("check", "--fix", "model.py")
    assert result.exit_code == 0, result.output
    assert "Fixed 1 error" in result.stdout
    assert os.stat(path).st_ino == os.stat(other).st_ino == inode
    assert "'sigmoid'" in other.read_text() and "'softmax'" not in other.read_text()
    assert run("check", "also.py").exit_code == 0


def test_hard_link_edited_meanwhile_is_not_overwritten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write("model.py", SOFTMAX_BEFORE)
    os.link(path, "also.py")
    edited = SOFTMAX_BEFORE + "# edited\n"
    real = fixer._unchanged

    def edit_first(*args: object) -> None:
        Path("also.py").write_text(edited)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(fixer, "_unchanged", edit_first)
    result = run("check", "--fix", "model.py")
    assert result.exit_code == 2 and "changed while it was being fixed" in result.stderr
    assert path.read_text() == edited


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_fix_as_root_keeps_the_owner() -> None:
    path = write("model.py", SOFTMAX_BEFORE)
    os.chown(path, 65534, 65534)
    assert run("check", "--fix", "model.py").exit_code == 0
    st = os.stat(path)
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    assert "'sigmoid'" in path.read_text()


def test_read_only_file_is_refused_for_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """As ruff: a file the user may not write is not written (root may, as with ruff)."""
    path = write("model.py", SOFTMAX_BEFORE)
    os.chmod(path, 0o444)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: mode != os.W_OK and real_access(p, mode)
    )
    result = run("check", "--fix", "model.py")
    assert result.exit_code == 2
    assert result.stderr == (
        "seqlint: error: cannot write model.py: Permission denied (the file is read-only)\n"
    )
    assert path.read_text() == SOFTMAX_BEFORE


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_read_only_file_is_written_by_root_and_stays_read_only() -> None:
    path = write("model.py", SOFTMAX_BEFORE)
    os.chmod(path, 0o444)
    assert run("check", "--fix", "model.py").exit_code == 0
    assert "'sigmoid'" in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o444


def test_module_lookups_find_the_node_each_builder_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-module indices (one walk per file) locate what the builders edit: a list
    element, a ``model.add`` argument (not in a loop), an import, the other side of ``==``,
    and the attributes read on a name."""
    code = textwrap.dedent(
        """\
        from keras.utils import np_utils
        import keras
        from keras import layers
        m = keras.Sequential([layers.Conv2D(4, 3), layers.Dense(2)])
        m.add(layers.Dense(1))
        for _ in range(2):
            m.add(layers.Dense(3))
        y = np_utils.to_categorical([1]) if np_utils.__name__ == "x" else None
        print(len(m.layers) == 3)
        """
    )
    tree = ast.parse(code)
    nodes = {ast.unparse(n): n for n in ast.walk(tree) if isinstance(n, (ast.Call, ast.ImportFrom))}

    def loc(src: str) -> Loc:
        n = nodes[src]
        return Loc(n.lineno, n.col_offset + 1, n.end_lineno or 0, (n.end_col_offset or 0) + 1)

    dense2 = fixes.insert_layer_before(code, loc("layers.Dense(2)"), "layers.Flatten()")
    assert dense2 is not None and (dense2.span.line, dense2.content) == (4, "layers.Flatten(), ")
    dense1 = fixes.insert_layer_before(code, loc("layers.Dense(1)"), "layers.Flatten()")
    assert dense1 is not None and (dense1.span.line, dense1.content) == (
        5,
        "m.add(layers.Flatten())\n",
    )
    assert fixes.insert_layer_before(code, loc("layers.Dense(3)"), "layers.Flatten()") is None
    stmt = fixes.statement_at(code, loc("from keras.utils import np_utils"))
    assert isinstance(stmt, ast.ImportFrom) and stmt.module == "keras.utils"
    assert fixes.statement_at(code, loc("layers.Dense(2)")) is None
    assert fixes.attributes_read(code, "np_utils") == {"to_categorical", "__name__"}
    assert fixes.attributes_read(code, "layers") == {"Conv2D", "Dense"}
    assert fixes.attributes_read(code, "m") is None  # assigned: not only read by attribute
    other = fixes.comparison_with(code, loc("len(m.layers)"))
    assert isinstance(other, ast.Constant) and other.value == 3
    assert fixes.comparison_with(code, loc("print(len(m.layers) == 3)")) is None
    # the analysis shares its tree while its rules run: the same answers, no parse of its own
    other = code + "\n"
    analysis = analyse(SourceFile("m.py", other))
    parses: list[str] = []
    real_parse = ast.parse

    def counting(source: str, *args: object, **kwargs: object) -> ast.Module:
        parses.append(source)
        return real_parse(source)

    monkeypatch.setattr(ast, "parse", counting)
    with fixes.shared_tree(analysis):
        assert fixes.attributes_read(other, "np_utils") == {"to_categorical", "__name__"}
    assert parses == []
    assert fixes.attributes_read(other, "np_utils") == {"to_categorical", "__name__"}
    assert parses == [other]  # let go afterwards

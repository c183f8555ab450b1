"""Bad input gets one clear line and a defined exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seqlint.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_python2_file_is_a_syntax_error_with_cpythons_explanation(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text("import keras\nprint 'training'\n")
    code, out, err = run("check", "--output-format", "concise", str(tmp_path))
    assert code == 1
    assert "old.py:2:1: SEQ001" in out and "Missing parentheses in call to 'print'" in out
    assert "Traceback" not in out + err


def test_summary_of_unparsable_file_is_one_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "old.py"
    bad.write_text("import keras\nprint 'x'\n")
    code, out, err = run("summary", str(bad))
    assert code == 1  # as check: a finding (SEQ001), not a usage error
    assert err.count("\n") == 1 and "cannot parse" in err
    assert "Traceback" not in err


def test_broken_pyproject_meant_for_seqlint_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.seqlint\nselect = [\n")
    (tmp_path / "m.py").write_text("import keras\n")
    code, _out, err = run("check", str(tmp_path / "m.py"))
    assert code == 2
    assert "invalid TOML" in err and "Traceback" not in err


def test_unrelated_broken_pyproject_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "m.py").write_text("import keras\n")
    code, _out, _err = run("check", str(tmp_path / "m.py"))
    assert code == 0


# --- issue 16: one line and exit 2 instead of an internal error -----------------------------

MODEL = (
    "import keras\nfrom keras import layers\n"
    "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.Dense(1)])\n"
    "model.compile(optimizer='adam', loss='mse')\n"
)


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("seqlint: error: ") and "Traceback" not in err


def notebook(tmp_path: Path, cell_source: str, metadata: str = "{}") -> Path:
    path = tmp_path / "nb.ipynb"
    path.write_text(
        '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], '
        f'"execution_count": null, "source": ["import keras\\n", {cell_source}]}}], '
        f'"metadata": {metadata}, "nbformat": 4, "nbformat_minor": 5}}'
    )
    return path


@pytest.mark.parametrize(
    ("cell", "metadata", "message"),
    [
        ('"x = \\"\\ud800\\"\\n"', "{}", "cell 1 holds a lone surrogate U+D800"),
        ('"x = 1\\n"', '{"n": ' + "7" * 5000 + "}", "value has 5000 digits"),
    ],
)
def test_notebooks_python_cannot_hold_are_seq001(
    tmp_path: Path, cell: str, metadata: str, message: str
) -> None:
    path = notebook(tmp_path, cell, metadata)
    code, out, err = run("check", "--no-cache", "--output-format", "concise", str(path))
    assert code == 1 and err == ""
    assert out.startswith(f"{path}:1:1: SEQ001 ") and message in out
    code, out, err = run("check", "--no-cache", "--fix", str(path))
    assert code == 1 and "internal error" not in err
    code, _out, err = run("summary", str(path))
    assert code == 1 and err.count("\n") == 1 and "SEQ001" in err and message in err  # as check


def test_toml_nested_5000_deep_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("select = " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp_path / "m.py").write_text(MODEL)
    code, _out, err = run("check", "--config", str(config), str(tmp_path / "m.py"))
    assert code == 2 and one_line(err) and "nested too deeply" in err


def test_unreadable_config_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(Tests run as root, which reads a chmod 000 file: the refusal is simulated.)"""
    import seqlint.config

    config = tmp_path / "seqlint.toml"
    config.write_text('select = ["SEQ1"]\n')

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(seqlint.config, "open", denied, raising=False)
    code, _out, err = run("check", "--config", str(config), str(tmp_path))
    assert code == 2 and one_line(err)
    assert err == f"seqlint: error: {config}: cannot read: Permission denied\n"


def test_path_inside_an_unreadable_directory_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    (tmp_path / "closed").mkdir()
    target = tmp_path / "closed" / "m.py"
    target.write_text(MODEL)
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(str(tmp_path / "closed") + os.sep):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    code, _out, err = run("check", str(target))
    assert code == 2
    assert err == f"seqlint: error: path cannot be read (Permission denied): {target}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "-1"], "--seed"),
        (["--time-budget", "nan"], "--time-budget must be a finite number, got nan"),
        (["--learning-rate", "inf"], "--learning-rate must be a finite number, got inf"),
        (["--input-shape", "4,,"], "--input-shape takes integers like 28,28,1, got '4,,'"),
        (["--save-weights", "w.h5"], "w.h5 must end in .npz"),
        (["--plot", "curves.txt"], "--plot curves.txt: the name must end in one of .png"),
        (["--plot", "nowhere/curves.png"], "nowhere does not exist"),
        (["--save-weights", "m.py/w.npz"], "is not a directory"),
    ],
)
def test_run_options_are_checked_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    import seqlint.run

    def no_training(*a: object, **k: object) -> None:
        raise AssertionError("the run started")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(seqlint.run, "run_model", no_training)
    (tmp_path / "m.py").write_text(MODEL)
    code, _out, err = run("run", "m.py", "--train", *args)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert message in err


def test_plot_into_an_unwritable_directory_is_refused_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import seqlint.run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(MODEL)
    (tmp_path / "ro").mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **k: not str(p).endswith("ro") and real_access(p, m)
    )
    monkeypatch.setattr(seqlint.run, "run_model", lambda *a, **k: 1 / 0)
    code, _out, err = run("run", "m.py", "--train", "--plot", "ro/c.png")
    assert code == 2
    where = tmp_path / "ro"
    assert err == f"seqlint: error: --plot ro/c.png: cannot write in {where}: Permission denied\n"


def test_outputs_never_replace_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(MODEL)
    (tmp_path / "d.npz").write_bytes(b"data")
    code, _out, err = run("check", "--output-file", "m.py", ".")
    assert code == 2 and one_line(err) and "--output-file m.py is an input" in err
    assert (tmp_path / "m.py").read_text() == MODEL
    code, _out, err = run("run", "m.py", "--train", "--data", "d.npz", "--save-weights", "d.npz")
    assert code == 2 and one_line(err) and "--save-weights d.npz is an input" in err
    assert (tmp_path / "d.npz").read_bytes() == b"data"


def test_saved_weights_respect_the_umask(tmp_path: Path) -> None:
    """As numpy.savez and Keras: a new file gets 0666 less the umask (not mkstemp's 0600),
    an existing one keeps its mode."""
    import os
    import stat

    from seqlint.runtime import Input, Sequential, layers

    model = Sequential([Input(shape=(2,)), layers.Dense(1)])
    old = os.umask(0o022)
    try:
        model.save_weights(tmp_path / "w.npz")
        assert stat.S_IMODE(os.stat(tmp_path / "w.npz").st_mode) == 0o644
        os.umask(0o002)
        model.save_weights(tmp_path / "v.npz")
        assert stat.S_IMODE(os.stat(tmp_path / "v.npz").st_mode) == 0o664
        os.chmod(tmp_path / "v.npz", 0o600)
        model.save_weights(tmp_path / "v.npz")
        assert stat.S_IMODE(os.stat(tmp_path / "v.npz").st_mode) == 0o600
    finally:
        os.umask(old)

"""Hostile input (issue 16): patterns, files and names an attacker controls must not hang,
crash, mislead the report or lose data. Hang guards run seqlint in a subprocess with a
timeout that no correct run comes near."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlint.files import _run_automaton, _token_regex, compile_glob, discover_files

#: Far above what any of these runs needs (well under a second each when correct).
HANG_GUARD_S = 60


def seqlint(*args: str, cwd: Path | None = None, **kw: object) -> subprocess.CompletedProcess[str]:
    """``python -m seqlint ARGS`` in a fresh process, killed after :data:`HANG_GUARD_S`."""
    env = {**os.environ, "SEQLINT_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "seqlint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        **kw,  # type: ignore[arg-type]
    )


# --- item 4: glob patterns in linear time ----------------------------------------------------

STARS = "a*" * 14 + "b"


def test_gitignore_with_many_stars_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(STARS + "\n")
    deep = tmp_path / ("a" * 40) / ("a" * 40)
    deep.mkdir(parents=True)
    (deep / ("a" * 40 + ".py")).write_text("import keras\n")
    (tmp_path / ("a" * 30 + "b")).mkdir()
    (tmp_path / ("a" * 30 + "b") / "m.py").write_text("import keras\n")
    proc = seqlint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    found = discover_files([tmp_path], root=tmp_path).files
    assert [Path(f).name for f in found] == ["a" * 40 + ".py"]  # the a..ab directory is ignored


def test_exclude_with_many_stars_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.seqlint]\nextend-exclude = ["{STARS}"]\n')
    (tmp_path / ("a" * 40 + ".py")).write_text("import keras\n")
    proc = seqlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


PIECES = ["a", "b", "/", "*", "**", "?", "[ab]", "[!a]", "**/", "/**", "{a,b*}"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=7).map("".join),
    st.lists(st.text("ab/", max_size=8), min_size=1, max_size=5),
)
def test_automaton_agrees_with_the_regex(pattern: str, texts: list[str]) -> None:
    """The automaton (used for patterns that could backtrack badly) means what the regex
    means, on inputs short enough for the regex to be safe."""
    glob = compile_glob(pattern)
    for alternative in glob.alternatives:
        regex = re.compile(_token_regex(alternative) + r"\Z", re.DOTALL)
        for text in texts:
            assert _run_automaton(alternative, text) == (regex.match(text) is not None)


def test_reversed_range_in_exclude_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.seqlint]\nextend-exclude = ["[z-a]"]\n')
    (tmp_path / "m.py").write_text("import keras\n")
    proc = seqlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "[z-a]" in proc.stderr, proc.stderr


# --- item 5: FIFOs and devices are refused, never read ---------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


@needs_fifo
def test_fifo_and_device_named_on_the_command_line_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to(os.devnull)  # a character device, like /dev/zero
    for name, kind in (("pipe.py", "a FIFO"), ("zero.py", "a character device")):
        proc = seqlint("check", name, cwd=tmp_path)
        assert proc.returncode == 2
        assert proc.stderr == f"seqlint: error: path is {kind}, not a regular file: {name}\n"


@needs_fifo
def test_fifo_and_device_in_a_walk_are_skipped_with_a_warning(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to(os.devnull)
    (tmp_path / ".gitignore").symlink_to(os.devnull)
    (tmp_path / "m.py").write_text("import keras\nx = 1\n")
    proc = seqlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "pipe.py is a FIFO, not a regular file; skipped" in proc.stderr
    assert "zero.py is a character device, not a regular file; skipped" in proc.stderr
    assert ".gitignore: is a character device" in proc.stderr


@needs_fifo
def test_fifo_swapped_in_after_discovery_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    from seqlint.sources import SourceError, read_bytes

    os.mkfifo(tmp_path / "pipe.py")
    with pytest.raises(SourceError, match="is a FIFO, not a regular file"):
        read_bytes(tmp_path / "pipe.py")  # opened without blocking, refused before reading


# --- item 15: names and messages cannot inject lines ------------------------------------------

EVIL = "evil\n::warning file=INJECTED::pwned\n.py"
BUGGY = (
    "import keras\nfrom keras import layers\n"
    "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation='softmax'),"
    " layers.Dense(2, activation='x\\n::warning file=B::pwned\\x1b[2J')])\n"
)


@pytest.mark.skipif(sys.platform == "win32", reason="no newlines in Windows file names")
@pytest.mark.parametrize(
    "args",
    [
        ["--output-format", "full"],
        ["--output-format", "concise"],
        ["--output-format", "github"],
        ["--output-format", "junit"],
        ["--statistics"],
        ["--diff"],
        ["--fix"],
    ],
)
def test_a_hostile_file_name_prints_no_standalone_command(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / EVIL).write_text(BUGGY)
    proc = seqlint("check", *args, ".", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    for line in (proc.stdout + proc.stderr).splitlines():
        assert not line.lstrip().startswith("::warning"), line
        assert "\x1b" not in line
    if args[-1] in ("full", "concise"):
        assert "evil\\n::warning file=INJECTED::pwned\\n.py:3:" in proc.stdout
        assert "::warning file=B::pwned" in proc.stdout  # quoted inside its message line


def test_a_hostile_name_in_an_error_line_is_escaped(tmp_path: Path) -> None:
    (tmp_path / EVIL).mkdir()
    proc = seqlint("check", str(tmp_path / EVIL / "missing.py"), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "::warning file=INJECTED" in proc.stderr


# --- the benchmark builds what it says ------------------------------------------------------


def _hostile_bench() -> object:
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["hostile"] = bench  # (its dataclasses look their module up)
    spec.loader.exec_module(bench)
    return bench


def test_every_benchmark_input_is_at_most_1_mb_and_holds_the_bug(tmp_path: Path) -> None:
    bench: object = _hostile_bench()
    cases = bench.cases()  # type: ignore[attr-defined]
    kinds = {c.kind for c in cases}
    assert {"nesting", "chains", "growth", "literals", "globs", "notebooks"} <= kinds
    for i, case in enumerate(cases):
        (tmp_path / str(i)).mkdir()
        target = case.build(tmp_path / str(i))
        assert 0 < bench._size(target) <= bench.MAX_BYTES, case.name  # type: ignore[attr-defined]
        text = "".join(
            p.read_text() for p in ([target] if target.is_file() else target.rglob("m.py"))
        )
        assert "activation='softmax'" in text, case.name


def test_the_benchmark_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    bench: object = _hostile_bench()
    status = bench.main(["--only", "4,000-digit", "--timeout", "60"])  # type: ignore[attr-defined]
    out = capsys.readouterr().out
    assert "| plain model file (baseline) |" in out and "| literal: 4,000-digit integer |" in out
    assert "SEQ201" in out and status in (0, 1)  # the verdict depends on the machine's load


def test_model_and_layer_names_cannot_inject_lines_into_a_summary(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), "
        "layers.Dense(1, name='a\\n::warning::x')], name='m\\n::warning::pwned')\n"
    )
    proc = seqlint("summary", "m.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not any(line.startswith("::") for line in proc.stdout.splitlines())
    assert (
        'Model: "m\\n::warning::pwned"' in proc.stdout and "a\\n::warning::x (Dense)" in proc.stdout
    )


# --- item 7: out of memory for real (ulimit -v) ------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as on Linux")
def test_out_of_memory_under_ulimit_is_an_error_and_not_cached(tmp_path: Path) -> None:
    """Doubling a string 36 times needs 64 GB: under an 800 MB address-space limit the
    analysis fails. That must be an error for the file, and nothing may be cached, so the
    next run (with memory) is not told "clean"."""
    import resource

    lines = ["import keras", "from keras import layers", 's = "x"', *["s = s + s"] * 36]
    (tmp_path / "m.py").write_text("\n".join(lines) + "\n" + HOSTILE_MODEL)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (800 << 20, 800 << 20))

    env = {k: v for k, v in os.environ.items() if k != "SEQLINT_NO_CACHE"}
    cmd = [sys.executable, "-m", "seqlint", "check", "--output-format", "concise", "m.py"]
    proc = subprocess.run(
        cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S,
        preexec_fn=limit,
    )  # fmt: skip
    if proc.returncode == 1:
        pytest.skip("the engine bounds the string before memory runs out (nothing to test)")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "internal error in m.py: ran out of memory" in proc.stderr
    assert "All checks passed" not in proc.stdout
    assert not list(tmp_path.glob(".seqlint_cache/*/*/*.json"))


HOSTILE_MODEL = (
    "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation='softmax')])\n"
)


@needs_fifo
def test_a_fifo_as_config_is_refused_without_reading_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "seqlint.toml")
    (tmp_path / "m.py").write_text("import keras\n")
    proc = seqlint("check", "--config", "seqlint.toml", "m.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "seqlint: error: config file seqlint.toml is a FIFO, not a regular file\n"


# --- --output-file onto what is not a plain new file -------------------------------------------

BUGGY_MODEL = "import keras\nfrom keras import layers\n" + HOSTILE_MODEL
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
def test_output_file_through_a_symlink_to_a_device_writes_into_the_device(tmp_path: Path) -> None:
    """A rename over the path would replace the device itself (as root, /dev/full became a
    regular file): the report is written into it, and its error is one line."""
    (tmp_path / "m.py").write_text(BUGGY_MODEL)
    (tmp_path / "full.txt").symlink_to("/dev/full")
    (tmp_path / "null.txt").symlink_to(os.devnull)
    proc = seqlint("check", "-o", "full.txt", "m.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "seqlint: error: cannot write full.txt: No space left on device\n"
    proc = seqlint("check", "-o", "null.txt", "m.py", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", "")
    assert os.readlink(tmp_path / "full.txt") == "/dev/full"
    assert os.readlink(tmp_path / "null.txt") == os.devnull


def test_output_file_through_a_symlink_replaces_its_target_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text(BUGGY_MODEL)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "r.txt").write_text("old\n")
    (tmp_path / "r.txt").symlink_to(Path("reports") / "r.txt")
    proc = seqlint("check", "--output-format", "concise", "-o", "r.txt", "m.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "r.txt").is_symlink()
    assert "SEQ201" in (tmp_path / "reports" / "r.txt").read_text()


@needs_fifo
def test_output_file_on_a_fifo_is_written_or_refused_without_hanging(tmp_path: Path) -> None:
    import threading

    (tmp_path / "m.py").write_text(BUGGY_MODEL)
    os.mkfifo(tmp_path / "out")
    proc = seqlint("check", "-o", "out", "m.py", cwd=tmp_path)  # nobody reads it
    assert proc.returncode == 2
    assert proc.stderr == "seqlint: error: cannot write out: it is a FIFO that no process reads\n"
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append((tmp_path / "out").read_text()))
    reader.start()
    proc = seqlint("check", "--output-format", "concise", "-o", "out", "m.py", cwd=tmp_path)
    reader.join(HANG_GUARD_S)
    assert proc.returncode == 1, proc.stderr
    assert "SEQ201" in got[0] and (tmp_path / "out").is_fifo()


@pytest.mark.skipif(not os.path.exists("/dev/fd/1"), reason="no /dev/fd")
def test_output_file_dev_fd_appends_to_the_redirected_stream(tmp_path: Path) -> None:
    """``-o /dev/stdout >> log``: through the path, the log would be truncated (or renamed
    over, and as root /dev/stdout itself was); the report goes to the descriptor, after what
    the log held. (/dev/fd/1 here: code without the fix cannot create a file in /proc.)"""
    (tmp_path / "m.py").write_text(BUGGY_MODEL)
    log = tmp_path / "log.txt"
    log.write_text("earlier\n")
    cmd = [sys.executable, "-m", "seqlint", "check", "--output-format", "concise", "m.py"]
    with log.open("a") as out:
        proc = subprocess.run(
            [*cmd, "-o", "/dev/fd/1"], cwd=tmp_path, stdout=out, stderr=subprocess.PIPE,
            env={**os.environ, "SEQLINT_NO_CACHE": "1"}, timeout=HANG_GUARD_S,
        )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    text = log.read_text()
    assert text.startswith("earlier\nm.py:3:") and text.endswith("Found 1 error.\n"), text


# --- --add-noqa in %%writefile cells -----------------------------------------------------------


def _notebook(*cells: str) -> str:
    import json

    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_add_noqa_in_a_writefile_cell_comments_the_line_not_the_code(tmp_path: Path) -> None:
    """The cell's lines are blank in the notebook's own text: the comment went at column 1 of
    the finding's line, turning ``model = ...`` itself into a comment."""
    import json

    body = BUGGY_MODEL.splitlines()
    cell = "%%writefile m.py\n" + "\n".join(body) + "\n"
    (tmp_path / "nb.ipynb").write_text(_notebook(cell))
    proc = seqlint("check", "--add-noqa", "nb.ipynb", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "Added 1 noqa directive.\n")
    source = json.loads((tmp_path / "nb.ipynb").read_text())["cells"][0]["source"]
    assert source == cell.replace(body[-1], body[-1] + "  # noqa: SEQ201")
    assert seqlint("check", "nb.ipynb", cwd=tmp_path).returncode == 0


# --- walks that would cover the machine -------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks and /proc")
def test_links_to_a_directory_above_the_walk_or_to_proc_are_skipped(tmp_path: Path) -> None:
    """``root -> /`` was followed (the loop showed only on coming back), so a walk of the
    project walked the whole machine, /proc included: it never finished."""
    (tmp_path / "m.py").write_text(BUGGY_MODEL)
    (tmp_path / "sub").mkdir()
    (tmp_path / "root").symlink_to("/", target_is_directory=True)
    (tmp_path / "sub" / "up").symlink_to("../..", target_is_directory=True)
    (tmp_path / "proc").symlink_to("/proc", target_is_directory=True)
    proc = seqlint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("SEQ201") == 1
    warnings = sorted(proc.stderr.splitlines())
    assert warnings == [
        "seqlint: warning: proc leads into /proc, a kernel file system; skipped",
        "seqlint: warning: symlink loop: root leads to /, which holds the walk; skipped",
        f"seqlint: warning: symlink loop: sub/up leads to {tmp_path.parent.resolve()}, "
        "which holds the walk; skipped",
    ]


# --- standard streams that cannot be used ------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell redirections")
@pytest.mark.parametrize("command", ["check -", "check --fix -", "summary -"])
def test_a_closed_stdin_is_a_one_line_error(tmp_path: Path, command: str) -> None:
    """``<&-``: Python starts with ``sys.stdin = None``; reading it was an internal error."""
    proc = subprocess.run(
        f"exec '{sys.executable}' -m seqlint {command} <&-", shell=True, cwd=tmp_path,
        capture_output=True, text=True, timeout=HANG_GUARD_S,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == "seqlint: error: cannot read standard input: it is closed\n"


@needs_dev_full
@pytest.mark.parametrize(
    "args",
    [["check", "m.py"], ["check", "--fix", "-"], ["summary", "m.py"], ["rules"], ["--version"]],
    ids=" ".join,
)
def test_stdout_on_a_full_disk_is_a_one_line_error(tmp_path: Path, args: list[str]) -> None:
    """``> /dev/full``: was an internal error (click's commands) or a traceback (--version)."""
    (tmp_path / "m.py").write_text(BUGGY_MODEL)
    with open("/dev/full", "w") as full, open(tmp_path / "m.py") as stdin:
        proc = subprocess.run(
            [sys.executable, "-m", "seqlint", *args], cwd=tmp_path, stdin=stdin, stdout=full,
            stderr=subprocess.PIPE, text=True, timeout=HANG_GUARD_S,
            env={**os.environ, "SEQLINT_NO_CACHE": "1"},
        )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("seqlint: error: cannot write") and "internal" not in proc.stderr
    assert proc.stderr.endswith(": No space left on device\n"), proc.stderr


def test_python_script_cells_are_checked_as_scripts_of_their_own(tmp_path: Path) -> None:
    """``%%python`` / ``%%script python3`` run their body as a separate script: it was
    skipped like a ``%%bash`` cell, so a notebook whose model lives there looked clean."""
    cells = [f"{magic}\n{BUGGY_MODEL}" for magic in ("%%python", "%%script python3", "%%bash")]
    (tmp_path / "nb.ipynb").write_text(_notebook("import keras\n", *cells))
    proc = seqlint("check", "--output-format", "concise", "nb.ipynb", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert re.findall(r"cell (\d+):\d+:\d+: (SEQ\d+)", proc.stdout) == [
        ("2", "SEQ201"),
        ("3", "SEQ201"),
    ]
    (tmp_path / "alone.ipynb").write_text(_notebook("import keras\n", "%%python\n" + HOSTILE_MODEL))
    proc = seqlint("check", "alone.ipynb", cwd=tmp_path)  # the script does not import keras
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n")


def test_a_cell_without_a_cell_type_is_seq001_not_skipped(tmp_path: Path) -> None:
    import json

    cell = {"metadata": {}, "outputs": [], "source": BUGGY_MODEL}
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [cell], "nbformat": 4}))
    proc = seqlint("check", "--output-format", "concise", "nb.ipynb", cwd=tmp_path)
    assert proc.returncode == 1
    assert "SEQ001 not a Jupyter notebook: cell 1 has no 'cell_type'" in proc.stdout


def test_add_noqa_treats_an_unreadable_file_like_a_syntax_error(tmp_path: Path) -> None:
    """Neither can carry a noqa comment: a syntax error was a warning (exit 0), a file that
    cannot be decoded an error (exit 2) after reading it again."""
    (tmp_path / "py2.py").write_text("import keras\nprint 'x'\n")
    (tmp_path / "latin.py").write_bytes(b"import keras\ns = '\xe9'\n")
    (tmp_path / "nb.ipynb").write_text("{")
    proc = seqlint("check", "--add-noqa", ".", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == (
        "seqlint: warning: 3 findings got no noqa comment (a syntax error, or a line that ends "
        "inside a string)\nAdded 0 noqa directives.\n"
    )


# --- a file name that is not UTF-8 ------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="file names as raw bytes")
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path) -> None:
    """Python holds the name's bytes as lone surrogates: SARIF's URI quoting and
    ``--output-file`` raised UnicodeEncodeError (internal errors), JUnit wrote them raw into
    its UTF-8 XML (not well-formed)."""
    import json
    import xml.dom.minidom

    with open(os.path.join(bytes(tmp_path), b"\xff\xfe.py"), "w") as f:  # (not a str name)
        f.write(BUGGY_MODEL)
    proc = seqlint("check", "--output-format", "sarif", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "%FF%FE.py"
    )
    proc = seqlint("check", "--output-format", "junit", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    xml.dom.minidom.parseString(proc.stdout.encode("utf-8", "surrogateescape"))
    for fmt in ("full", "concise", "github", "json"):
        proc = seqlint("check", "--output-format", fmt, "-o", "report.txt", ".", cwd=tmp_path)
        assert (proc.returncode, proc.stderr) == (1, ""), fmt
        assert b"SEQ201" in (tmp_path / "report.txt").read_bytes()


def test_a_malformed_lsp_message_is_logged_on_one_line() -> None:
    """pygls logged it with its traceback on the server's stderr."""
    pytest.importorskip("pygls")
    message = b'Content-Length: 5\r\n\r\n{"a":'
    proc = subprocess.run(
        [sys.executable, "-m", "seqlint", "server"], input=message, capture_output=True,
        timeout=HANG_GUARD_S,
    )  # fmt: skip
    assert proc.returncode == 0
    assert proc.stderr.decode() == (
        "seqlint server: error: Unable to handle message (JSONDecodeError: Expecting value: "
        "line 1 column 6 (char 5))\n"
    )


# --- a run stopped by a signal leaves no worker behind -----------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
@pytest.mark.parametrize(("signum", "code"), [("SIGTERM", 143), ("SIGKILL", -9)])
def test_a_signal_during_a_pooled_run_leaves_no_worker_behind(
    tmp_path: Path, signum: str, code: int
) -> None:
    """SIGTERM killed the parent and left its workers waiting for work forever (they took the
    parent's SIGTERM handler for a failed task); so did SIGKILL, which cannot be caught."""
    import signal
    import time

    chain = "model.add(layers.Dense(4))\n" * 2000
    for i in range(30):
        (tmp_path / f"m{i}.py").write_text(BUGGY_MODEL + chain)
    cmd = [sys.executable, "-m", "seqlint", "check", "--no-cache", "-j", "2", "."]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while len(workers := _children(proc.pid)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "the pool never started"
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before its pool was seen"
        os.kill(proc.pid, getattr(signal, signum))
        _, err = proc.communicate(timeout=HANG_GUARD_S)
        assert proc.returncode == code
        if signum == "SIGTERM":
            assert err == b"seqlint: interrupted\n"
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers)
    finally:
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("module", ["seqlint.launch", "seqlint.cli"])
@pytest.mark.parametrize("command", ["check", "summary"])
def test_an_endless_stdin_is_refused_not_read_until_memory_runs_out(
    tmp_path: Path, module: str, command: str
) -> None:
    """``seqlint check - < /dev/zero`` read until memory ran out (MemoryError under a limit,
    the OOM killer without). The limit is lowered here to keep the test light."""
    code = (
        "import seqlint.console as c; c.STDIN_LIMIT = 1 << 20; "
        f"from {module} import main; main([{command!r}, '-'])"
    )
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, stdin=zero, capture_output=True,
            text=True, timeout=HANG_GUARD_S,
        )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == (
        "seqlint: error: standard input is over 1 MB (an endless stream?); check a file instead\n"
    )

"""The results cache (.seqlint_cache/): same output from a hit, never a stale result."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Collection
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

import seqlint.cache
import seqlint.check
from seqlint.cache import CACHE_DIR_NAME, Cache
from seqlint.cli import cli
from seqlint.diagnostics import Diagnostic, Edit, Fix, Span
from seqlint.sources import SourceFile

FIXTURES = ROOT / "fixtures"


def run(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, ["check", "--jobs", "1", *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    (tmp_path / "plain.py").write_text("def f():\n    return 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEQLINT_NO_CACHE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the engine analyses (cache misses), in order."""
    seen: list[str] = []
    real = seqlint.check.check_source

    def counting(src: SourceFile, select: Collection[str] | None = None) -> list[Diagnostic]:
        seen.append(os.path.basename(src.path))
        return real(src, select)

    monkeypatch.setattr(seqlint.check, "check_source", counting)
    return seen


def entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR_NAME).rglob("*.json"))


# files under fixtures/ that mention Keras (plain.py is never analysed)
N_MODELS = sum(
    1
    for path in (Path(__file__).resolve().parents[1] / "fixtures").rglob("*")
    if path.suffix in (".py", ".ipynb") and b"keras" in path.read_bytes()
)


def test_a_hit_gives_identical_output_without_analysing(project: Path, analysed: list[str]) -> None:
    for fmt in ("full", "json"):
        first = run("--output-format", fmt)
        assert first.exit_code == 1
        analysed.clear()
        second = run("--output-format", fmt)
        assert analysed == []
        assert (second.exit_code, second.stdout, second.stderr) == (
            first.exit_code,
            first.stdout,
            first.stderr,
        )
    # every analysed file has an entry, clean ones included; plain.py never needed one
    assert len(entries(project)) == N_MODELS
    assert (project / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (project / CACHE_DIR_NAME / "CACHEDIR.TAG").is_file()


def test_the_cache_is_not_checked_itself(project: Path) -> None:
    run()
    second = run("--output-format", "json")
    assert CACHE_DIR_NAME not in second.stdout


def test_editing_a_file_invalidates_its_entry(project: Path, analysed: list[str]) -> None:
    target = project / "fixtures/good/mnist_cnn.py"
    before = run("--output-format", "json")
    assert "mnist_cnn.py" not in before.stdout
    target.write_text(target.read_text().replace("layers.Flatten(),", ""))
    analysed.clear()
    after = run("--output-format", "json")
    assert analysed == ["mnist_cnn.py"]
    assert any(
        d["path"].endswith("mnist_cnn.py") and d["code"] == "SEQ102"
        for d in json.loads(after.stdout)
    )


def test_changing_the_selection_invalidates(project: Path, analysed: list[str]) -> None:
    everything = run("--output-format", "json")
    analysed.clear()
    only = run("--select", "SEQ201", "--output-format", "json")
    assert len(analysed) == N_MODELS
    assert {d["code"] for d in json.loads(only.stdout)} == {"SEQ201"}
    analysed.clear()
    assert run("--output-format", "json").stdout == everything.stdout
    assert analysed == []  # both selections stay cached side by side


def test_per_file_ignores_invalidate(project: Path, analysed: list[str]) -> None:
    run()
    (project / "pyproject.toml").write_text(
        '[tool.seqlint]\nper-file-ignores = { "fixtures/buggy/*" = ["SEQ102"] }\n'
    )
    analysed.clear()
    result = run("--output-format", "json")
    assert sorted(analysed) == sorted(p.name for p in (project / "fixtures/buggy").iterdir())
    assert all(d["code"] != "SEQ102" or "buggy" not in d["path"] for d in json.loads(result.stdout))


def test_a_new_version_invalidates(
    project: Path, analysed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run()
    monkeypatch.setattr(seqlint.cache, "__version__", "99.0.0")
    analysed.clear()
    second = run()
    assert len(analysed) == N_MODELS
    assert second.stdout == first.stdout
    assert (project / CACHE_DIR_NAME / "99.0.0").is_dir()


def test_editing_seqlint_itself_invalidates(monkeypatch: pytest.MonkeyPatch) -> None:
    before = seqlint.cache.code_fingerprint()
    monkeypatch.setattr(seqlint.cache, "_package_fingerprint", lambda: b"edited")
    assert seqlint.cache.code_fingerprint() != before


def test_corrupt_entries_are_ignored(project: Path, analysed: list[str]) -> None:
    first = run("--output-format", "json")
    junk = [b"", b"{", b"null", b'{"key": "x", "diagnostics": []}', b"\xff\xfe", b"[1, 2]"]
    paths = entries(project)
    for i, path in enumerate(paths):
        path.write_bytes(junk[i % len(junk)])
    # an entry that parses but holds the wrong shape of data
    paths[0].write_text(
        json.dumps({"key": paths[0].parent.name + paths[0].stem, "diagnostics": [{"x": 1}]})
    )
    analysed.clear()
    second = run("--output-format", "json")
    assert second.exit_code == first.exit_code
    assert second.stdout == first.stdout
    assert len(analysed) == N_MODELS
    analysed.clear()
    assert run("--output-format", "json").stdout == first.stdout  # rewritten, valid again
    assert analysed == []


def test_no_cache_writes_nothing(project: Path, analysed: list[str]) -> None:
    first = run("--no-cache")
    second = run("--no-cache")
    assert not (project / CACHE_DIR_NAME).exists()
    assert first.stdout == second.stdout
    assert len(analysed) == 2 * N_MODELS


def test_no_cache_from_the_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEQLINT_NO_CACHE", "1")
    run()
    assert not (project / CACHE_DIR_NAME).exists()


def test_no_cache_ignores_an_existing_cache(project: Path, analysed: list[str]) -> None:
    run()
    analysed.clear()
    run("--no-cache")
    assert len(analysed) == N_MODELS


def test_cache_lives_in_the_config_root(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.seqlint]\nselect = ['SEQ']\n")
    sub = project / "fixtures"
    os.chdir(sub)
    run(".")
    assert (project / CACHE_DIR_NAME).is_dir()
    assert not (sub / CACHE_DIR_NAME).exists()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere"
)
def test_a_read_only_project_still_runs(project: Path) -> None:
    expected = run("--no-cache").stdout
    project.chmod(0o555)
    try:
        result = run()
    finally:
        project.chmod(0o755)
    assert result.stdout == expected
    assert result.stderr == ""


def test_unwritable_cache_directory_still_runs(project: Path) -> None:
    expected = run("--no-cache").stdout
    (project / CACHE_DIR_NAME).write_text("a file where the directory should be")
    result = run()
    assert result.stdout == expected
    assert result.stderr == ""


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    cache = Cache(tmp_path, fingerprint="test")
    diag = Diagnostic(
        "SEQ102",
        "missing-flatten",
        "Dense(10) receives (None, 13, 13, 32)",
        "error",
        Span(3, 5, 3, 14, cell=2),
        path="model.ipynb",
        fix=Fix("insert Flatten()", (Edit(Span(3, 5, 3, 5), "Flatten(), "),), safe=False),
        trace=[("Input", "(None, 28, 28, 1)"), ("Dense(10)", "(None, 13, 13, 10)")],
        suggestion="insert `Flatten()` before this layer",
    )
    key = cache.key(b"data", "model.ipynb", {"SEQ102"})
    assert cache.get(key) is None
    cache.put(key, [diag])
    (got,) = cache.get(key) or []
    diag.path = ""
    assert got == diag
    cache.put(key, [])
    assert cache.get(key) == []


def test_keys_separate_what_matters(tmp_path: Path) -> None:
    cache = Cache(tmp_path, fingerprint="test")
    base = cache.key(b"x = 1\n", "a.py", {"SEQ101", "SEQ102"})
    assert base == cache.key(b"x = 1\n", "b.py", ["SEQ102", "SEQ101"])  # path-independent
    assert base != cache.key(b"x = 2\n", "a.py", {"SEQ101", "SEQ102"})
    assert base != cache.key(b"x = 1\n", "a.ipynb", {"SEQ101", "SEQ102"})
    assert base != cache.key(b"x = 1\n", "a.py", {"SEQ101"})
    assert base != Cache(tmp_path, fingerprint="other").key(b"x = 1\n", "a.py", {"SEQ101"})


def _tamper(entry: Path, change: object) -> None:
    data = json.loads(entry.read_text())
    change(data["diagnostics"][0])  # type: ignore[operator]
    entry.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["span"].update(line="13"),  # a string where a number belongs
        lambda d: d["span"].update(line=True),
        lambda d: d["span"].update(line=-4),
        lambda d: d["span"].update(end_line=1),  # ends before it starts
        lambda d: d.update(severity="fatal"),
        lambda d: d.update(message=None),
        lambda d: d.update(trace=[{"$tuple": ["Dense"]}]),
        lambda d: d.update(fix={"$type": "Fix", "message": "m", "edits": 5, "safe": True}),
    ],
)
def test_malformed_entries_are_recomputed(
    project: Path, analysed: list[str], change: object
) -> None:
    """An entry of the right layout but wrong values (types, spans) is not used: the file
    is analysed again and the report is the same, instead of an internal error."""
    target = project / "fixtures" / "buggy" / "conv_without_flatten.py"
    first = run("--output-format", "full", str(target))
    (entry,) = entries(project)
    _tamper(entry, change)
    analysed.clear()
    second = run("--output-format", "full", str(target))
    assert (second.exit_code, second.stdout, second.stderr) == (
        first.exit_code,
        first.stdout,
        first.stderr,
    )
    assert analysed == ["conv_without_flatten.py"]


def test_a_dangling_gitignore_link_creates_nothing_outside(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "pwned"
    (project / CACHE_DIR_NAME).mkdir()
    (project / CACHE_DIR_NAME / ".gitignore").symlink_to(outside)
    (project / CACHE_DIR_NAME / "CACHEDIR.TAG").symlink_to(outside.with_name("tag"))
    result = run("--output-format", "concise", "fixtures")
    assert result.exit_code == 1 and result.stderr == ""
    assert not outside.exists() and not outside.with_name("tag").exists()
    assert entries(project)  # the cache itself still works


def test_a_cache_directory_that_is_a_link_is_not_used(
    project: Path, tmp_path_factory: pytest.TempPathFactory, analysed: list[str]
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / CACHE_DIR_NAME).symlink_to(elsewhere, target_is_directory=True)
    first = run("--output-format", "concise", "fixtures")
    assert list(elsewhere.iterdir()) == []
    analysed.clear()
    assert run("--output-format", "concise", "fixtures").stdout == first.stdout
    assert len(analysed) == N_MODELS  # nothing was cached, so everything is analysed again


def test_an_entry_that_links_to_a_device_is_not_read(project: Path, analysed: list[str]) -> None:
    target = project / "fixtures" / "buggy" / "conv_without_flatten.py"
    first = run("--output-format", "concise", str(target))
    (entry,) = entries(project)
    entry.unlink()
    entry.symlink_to("/dev/zero" if os.path.exists("/dev/zero") else os.devnull)
    analysed.clear()
    assert run("--output-format", "concise", str(target)).stdout == first.stdout
    assert analysed == ["conv_without_flatten.py"]


CUT_SHORT = (
    "import keras\n\nmodel = keras.Sequential([keras.Input((4,))])\n"
    "for i in range(500):\n    model.add(keras.layers.Dense(4 + i % 3))\n"
)


@pytest.mark.parametrize("ignore", [[], ["--ignore", "SEQ002"]])
def test_an_analysis_cut_short_is_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analysed: list[str], ignore: list[str]
) -> None:
    """Where a budget ran out is not a property of the file alone (memory, recursion), so the
    next run analyses such a file again, whether SEQ002 is reported or not."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEQLINT_NO_CACHE", raising=False)
    (tmp_path / "cut.py").write_text(CUT_SHORT)
    (tmp_path / "whole.py").write_text(CUT_SHORT.replace("range(500)", "range(2)"))
    first = run("--output-format", "concise", *ignore)
    assert ("SEQ002" in first.stdout) == (not ignore)
    assert sorted(analysed) == ["cut.py", "whole.py"]
    analysed.clear()
    second = run("--output-format", "concise", *ignore)
    assert analysed == ["cut.py"]  # whole.py came from the cache
    assert second.stdout == first.stdout
    assert len(entries(tmp_path)) == 1

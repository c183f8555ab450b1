"""Which files ``seqlint check`` looks at: ``.gitignore`` (checked against git itself),
``--no-respect-gitignore``, stdin, symlink loops and unreadable files and directories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

import seqlint.files as files
from seqlint.cli import cli
from seqlint.files import GitIgnore, discover_files, parse_gitignore

BUGGY_PY = (ROOT / "fixtures/buggy/conv_without_flatten.py").read_text()
BUGGY_NB = (ROOT / "fixtures/buggy/notebook_sequence_into_dense.ipynb").read_text()
GOOD_PY = (ROOT / "fixtures/good/mnist_cnn.py").read_text()
GIT = shutil.which("git")


def run(*args: str, input: str | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), input=input)


def write(root: Path, rel: str, text: str = "x = 1\n") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def found(*paths: Path | str, root: Path, respect: bool = True) -> list[str]:
    got = discover_files(list(paths), root=root, respect_gitignore=respect).files
    return sorted(Path(os.path.relpath(os.path.abspath(f), root)).as_posix() for f in got)


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


# --- the matcher --------------------------------------------------------------------------


def ignored(patterns: str, rel: str, *, is_dir: bool = False) -> bool:
    base = os.path.abspath("/r")
    spec = GitIgnore(base, parse_gitignore(patterns))
    return bool(spec.match(os.path.join(base, *rel.split("/")), is_dir))


@pytest.mark.parametrize(
    ("patterns", "rel", "is_dir", "expected"),
    [
        ("*.py", "a.py", False, True),
        ("*.py", "deep/er/a.py", False, True),
        ("/top.py", "top.py", False, True),
        ("/top.py", "sub/top.py", False, False),
        ("sub/top.py", "sub/top.py", False, True),
        ("sub/top.py", "x/sub/top.py", False, False),  # a middle slash anchors
        ("build/", "build", True, True),
        ("build/", "build", False, False),  # directories only
        ("build/", "src/build", True, True),
        ("**/gen", "a/b/gen", True, True),
        ("**/gen", "gen", True, True),
        ("a/**/b.py", "a/b.py", False, True),
        ("a/**/b.py", "a/x/y/b.py", False, True),
        ("a/**", "a/x/y.py", False, True),
        ("a/**", "a", True, False),
        ("a**b.py", "a/x/b.py", False, False),  # ** not a whole component: a plain *
        ("a**b.py", "axxb.py", False, True),
        ("?.py", "ab.py", False, False),
        ("[ab].py", "b.py", False, True),
        ("[!ab].py", "c.py", False, True),
        ("[!ab].py", "a.py", False, False),
        ("[a-c]x.py", "bx.py", False, True),
        ("\\#x.py", "#x.py", False, True),
        ("# comment", "# comment", False, False),
        ("\\!x.py", "!x.py", False, True),
        ("x.py   ", "x.py", False, True),  # trailing spaces are dropped
        ("x.py\\ ", "x.py ", False, True),  # unless escaped
        ("*.py\n!keep.py", "keep.py", False, False),
        ("!keep.py\n*.py", "keep.py", False, True),  # the last match wins
        ("[unclosed.py", "[unclosed.py", False, True),
    ],
)
def test_gitignore_patterns(patterns: str, rel: str, is_dir: bool, expected: bool) -> None:
    assert ignored(patterns, rel, is_dir=is_dir) is expected


# --- the walk ----------------------------------------------------------------------------


def tricky_tree(root: Path) -> None:
    for rel in [
        "a.py",
        "keep.py",
        "skip.py",
        "top.py",
        "sub/top.py",
        "out/x.py",
        "src/out/y.py",
        "src/out.py",
        "data/raw/d.py",
        "data/keep/k.py",
        "gen/g.py",
        "deep/er/gen/g.py",
        "deep/er/n.ipynb",
        "logs/a/b/c.py",
        "nested/n1.py",
        "nested/inner/n2.py",
        "nested/inner/n3.py",
        "nested/skip.py",
        "local_only.py",
        "#hash.py",
        "sp ace.py",
        "[x].py",
        "m/ok.py",
        "m/cache/c.py",
        "m/generated_1.py",
    ]:
        write(root, rel)
    (root / ".gitignore").write_text(
        "# comment\n"
        "skip.py\n"
        "/top.py\n"
        "out/\n"
        "data/*\n"
        "!data/keep/\n"
        "**/gen/\n"
        "*.ipynb\n"
        "logs/**\n"
        "\\#hash.py\n"
        "sp\\ ace.py\n"
        "\\[x\\].py\n"
        "m/generated_?.py\n"
        "\n"
    )
    (root / "nested" / ".gitignore").write_text("!skip.py\ninner/n3.py\n")
    (root / "m" / ".gitignore").write_text("cache\n")


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_walk_agrees_with_git(tmp_path: Path) -> None:
    tricky_tree(tmp_path)
    git(tmp_path, "init", "-q")
    info = tmp_path / ".git" / "info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "exclude").write_text("local_only.py\n")
    listed = git(tmp_path, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    expected = sorted(p for p in listed if p.endswith((".py", ".ipynb")))
    assert found(tmp_path, root=tmp_path) == expected
    assert "keep.py" in expected and "nested/skip.py" in expected
    assert "data/keep/k.py" in expected and "data/raw/d.py" not in expected
    # from a subdirectory: the parents' .gitignore files still apply
    sub = git(tmp_path / "nested", "ls-files", "--others", "--exclude-standard", "-z")
    expected_sub = sorted(f"nested/{p}" for p in sub.split("\0") if p.endswith(".py"))
    assert found(tmp_path / "nested", root=tmp_path) == expected_sub


def test_no_respect_gitignore_finds_everything(tmp_path: Path) -> None:
    tricky_tree(tmp_path)
    everything = found(tmp_path, root=tmp_path, respect=False)
    assert len(everything) == 25
    assert len(found(tmp_path, root=tmp_path)) < len(everything)


def test_gitignore_outside_a_work_tree(tmp_path: Path) -> None:
    """Without ``.git``, the ``.gitignore`` files inside the walk apply, not those above it."""
    write(tmp_path, ".gitignore", "*.py\n")
    write(tmp_path, "sub/.gitignore", "ignored.py\n")
    write(tmp_path, "sub/a.py")
    write(tmp_path, "sub/ignored.py")
    assert found(tmp_path / "sub", root=tmp_path) == ["sub/a.py"]
    assert found(tmp_path, root=tmp_path) == []
    (tmp_path / ".git").mkdir()  # now it is a work tree: the root's file applies to sub too
    assert found(tmp_path / "sub", root=tmp_path) == []


def test_nested_repository_has_its_own_rules(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "vendored.py\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path, "vendor/lib/.git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "vendor/lib/vendored.py")
    write(tmp_path, "vendored.py")
    assert found(tmp_path, root=tmp_path) == ["vendor/lib/vendored.py"]


def test_explicit_files_are_checked_even_when_ignored(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.py\n")
    script = write(tmp_path, "model.py", BUGGY_PY)
    assert found(tmp_path, root=tmp_path) == []
    assert found(script, root=tmp_path) == ["model.py"]


def test_cli_respects_gitignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "experiments/\n")
    write(tmp_path, "experiments/broken_model.py", BUGGY_PY)
    write(tmp_path, "model.py", GOOD_PY)
    assert run("check").exit_code == 0
    result = run("check", "--no-respect-gitignore", "--output-format", "concise")
    assert result.exit_code == 1
    assert result.stdout.startswith("experiments/broken_model.py:13:11: SEQ102")
    assert run("check", "--respect-gitignore", "experiments/broken_model.py").exit_code == 1


def test_unreadable_gitignore_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, ".gitignore", "*.py\n")
    write(tmp_path, "a.py")

    def denied(cls: type[GitIgnore], base: str, path: str) -> GitIgnore | None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(GitIgnore, "read", classmethod(denied))
    result = discover_files([tmp_path], root=tmp_path)
    assert [os.path.basename(f) for f in result.files] == ["a.py"]
    assert result.warnings == [
        f"cannot read {tmp_path / '.gitignore'}: Permission denied; its patterns are not applied"
    ]


# --- stdin ---------------------------------------------------------------------------------


def test_stdin_with_dash_and_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ".gitignore", "*.py\n")  # stdin is never subject to discovery
    result = run(
        "check", "-", "--stdin-filename", "pkg/model.py", "--output-format", "json", input=BUGGY_PY
    )
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert (finding["path"], finding["code"], finding["line"]) == ("pkg/model.py", "SEQ102", 13)
    result = run("check", "--stdin-filename", "nb.ipynb", "--output-format", "json", input=BUGGY_NB)
    (finding,) = json.loads(result.stdout)
    assert finding["path"] == "nb.ipynb" and finding["cell"] == 4
    result = run("check", "-", "--output-format", "concise", input=BUGGY_PY)
    assert result.stdout.startswith("-:13:11: SEQ102")
    assert run("check", "-", input=GOOD_PY).exit_code == 0


# --- symlinks and unreadable entries --------------------------------------------------------


def test_symlink_loop_warns_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "d/model.py", BUGGY_PY)
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d", target_is_directory=True)
    (tmp_path / "d" / "self.py").symlink_to(tmp_path / "d" / "self.py")
    (tmp_path / "d" / "a.py").symlink_to(tmp_path / "d" / "b.py")
    (tmp_path / "d" / "b.py").symlink_to(tmp_path / "d" / "a.py")
    (tmp_path / "d" / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "alias").symlink_to(tmp_path / "d", target_is_directory=True)
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout.count("SEQ102") == 1  # d/model.py, once, whichever way it is reached
    warnings = result.stderr.splitlines()
    assert all(w.startswith("seqlint: warning: ") for w in warnings)
    assert any(
        w.endswith("/loop leads back to a directory being walked; skipped") for w in warnings
    )
    assert any("self.py" in w and "symbolic links" in w for w in warnings)
    assert any("a.py" in w for w in warnings) and any("b.py" in w for w in warnings)
    assert any(w.endswith("/dangling.py; skipped") and "broken symlink" in w for w in warnings)


def test_explicit_symlink_loop_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("self.py").symlink_to(tmp_path / "self.py")
    result = run("check", "self.py")
    assert result.exit_code == 2
    assert result.stderr == (
        "seqlint: error: path is a broken symlink or a symlink loop: self.py\n"
    )


def test_unreadable_directory_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "ok/model.py", BUGGY_PY)
    write(tmp_path, "secret/model.py", BUGGY_PY)
    real_scandir = os.scandir

    def scandir(path: str = ".") -> object:
        if os.path.basename(os.fspath(path)) == "secret":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 1
    assert result.stdout.startswith("ok/model.py:13:11: SEQ102")
    assert "secret" not in result.stdout
    assert result.stderr == "seqlint: warning: cannot read directory secret: Permission denied\n"


def test_unreadable_file_is_a_finding_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that cannot be read is reported as SEQ001 (like ruff's E902), so an unreadable
    file can never make a CI gate pass."""
    import seqlint.sources

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "locked.py", BUGGY_PY)
    write(tmp_path, "model.py", BUGGY_PY)
    real_read = seqlint.sources.read_regular_file

    def fake_read(file: Any) -> bytes:
        if os.path.basename(os.fspath(file)) == "locked.py":
            raise PermissionError(13, "Permission denied", file)
        return real_read(file)

    monkeypatch.setattr(seqlint.sources, "read_regular_file", fake_read)
    result = run("check", "--output-format", "json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert [(d["path"], d["code"]) for d in data] == [
        ("locked.py", "SEQ001"),
        ("model.py", "SEQ102"),
    ]
    assert data[0]["message"] == "cannot read file: Permission denied"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file"
)
def test_chmod_000_file_and_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "locked.py", BUGGY_PY).chmod(0)
    write(tmp_path, "closed/model.py", BUGGY_PY)
    (tmp_path / "closed").chmod(0)
    try:
        result = run("check", "--output-format", "concise")
    finally:
        (tmp_path / "locked.py").chmod(0o644)
        (tmp_path / "closed").chmod(0o755)
    assert result.exit_code == 1
    assert result.stdout.startswith("locked.py:1:1: SEQ001")
    assert "cannot read directory closed" in result.stderr


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_a_linked_worktree_reads_the_exclude_file_of_its_repository(tmp_path: Path) -> None:
    # in a `git worktree add` checkout (and a submodule) `.git` is a file naming the git dir;
    # git applies the common directory's info/exclude there, and seqlint must not warn
    repo = tmp_path / "repo"
    write(repo, "model.py")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("scratch_*.py\n")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    wt = tmp_path / "wt"
    write(wt, "scratch_1.py")
    write(wt, "sub/scratch_2.py")
    assert found(wt, root=wt) == ["model.py"]
    assert found(wt / "sub", root=wt) == []
    result = run("check", "--no-cache", str(wt))
    assert "warning" not in (result.stderr or "")
    assert git(wt, "ls-files", "--others", "--exclude-standard") == ""


def test_exclude_names_and_name_globs_both_skip_entries(tmp_path: Path) -> None:
    """Plain names (matched by a set lookup) and globs on names apply side by side."""
    for rel in ("keep.py", "gen_a.py", "venv/x.py", "sub/build/y.py", "sub/z.py", "genx.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    found = discover_files([tmp_path], root=tmp_path, exclude=("./venv", "build", "gen_*")).files
    assert sorted(os.path.relpath(f, tmp_path) for f in found) == [
        "genx.py",
        "keep.py",
        os.path.join("sub", "z.py"),
    ]

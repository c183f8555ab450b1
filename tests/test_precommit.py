"""The pre-commit hook this repository publishes (``.pre-commit-hooks.yaml``) and the one it
dogfoods (``.pre-commit-config.yaml``).

The slow tests run pre-commit for real on a temporary copy of this checkout made into a fresh
git repository (``try-repo`` needs a commit to clone), so they work from any checkout. pre-commit
installs the hook into a virtual environment with pip, which needs the package index for
seqlint's dependencies; they are skipped only when pip fails for lack of a network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

BUGGY_PY = "fixtures/buggy/conv_without_flatten.py"
BUGGY_NB = "fixtures/buggy/notebook_sequence_into_dense.ipynb"
GOOD_PY = "fixtures/good/mnist_cnn.py"

# What pip prints when it cannot reach the package index.
NETWORK_ERRORS = (
    "NewConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Connection refused",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "Could not fetch URL",
)

# Never copied: environments, caches and build outputs (used when git cannot list the files).
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    ".ci-venv",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".seqlint_cache",
    "build",
    "dist",
)


def yaml_load(path: Path) -> Any:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(path.read_text())


# --- the files themselves (fast) ------------------------------------------------------------


def test_published_hook() -> None:
    (hook,) = yaml_load(ROOT / ".pre-commit-hooks.yaml")
    assert hook["id"] == "seqlint"
    assert hook["name"] == "seqlint"
    assert hook["entry"] == "seqlint check"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "jupyter"]
    assert hook["require_serial"] is False


def _local_seqlint_hook() -> dict[str, Any]:
    config = yaml_load(ROOT / ".pre-commit-config.yaml")
    (local,) = [r for r in config["repos"] if r["repo"] == "local"]
    (hook,) = [h for h in local["hooks"] if h["id"] == "seqlint"]
    return dict(hook)


def test_dogfood_hook_matches_pyproject() -> None:
    hook = _local_seqlint_hook()
    assert hook["entry"].endswith("seqlint check")
    assert hook["types_or"] == ["python", "jupyter"]
    with open(ROOT / "pyproject.toml", "rb") as f:
        deps = tomllib.load(f)["project"]["dependencies"]
    assert hook.get("additional_dependencies", deps) == deps
    exclude = re.compile(hook["exclude"])
    assert exclude.search(BUGGY_PY) and exclude.search(BUGGY_NB)
    assert not exclude.search(GOOD_PY) and not exclude.search("seqlint/cli.py")


def test_dogfood_config_has_ruff() -> None:
    config = yaml_load(ROOT / ".pre-commit-config.yaml")
    (ruff,) = [r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit")]
    assert {h["id"] for h in ruff["hooks"]} == {"ruff-check", "ruff-format"}


# --- pre-commit for real (slow) -----------------------------------------------------------


def _git_env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "seqlint tests",
        "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "seqlint tests",
        "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
    }
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "VIRTUAL_ENV"):
        env.pop(var, None)
    return env


def _tracked_files() -> list[str] | None:
    """The checkout's files as git sees them (tracked and untracked, less the ignored)."""
    if not (ROOT / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in out.decode("utf-8", "surrogateescape").split("\0") if name]


def _copy_checkout(dest: Path) -> None:
    names = _tracked_files()
    if names is None:
        shutil.copytree(ROOT, dest, ignore=COPY_IGNORE, symlinks=True)
        return
    for name in names:
        src = ROOT / name
        if not src.is_file() or src.is_symlink():
            continue  # deleted in the working tree, or a link (none are needed)
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A committed copy of this checkout and the environment to run pre-commit in."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "seqlint"
    _copy_checkout(repo)
    env = _git_env(base / "pre-commit-home")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "copy"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return repo, env


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1) or "An unexpected error has occurred" in output:
        log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
        details = output + (log.read_text(errors="replace") if log.exists() else "")
        network = [
            line.strip()
            for line in details.splitlines()
            if any(marker in line for marker in NETWORK_ERRORS)
        ]
        if network:
            pytest.skip(
                "pre-commit could not install the hook's dependencies because pip cannot reach "
                f"the package index: {network[0][:300]}"
            )
        pytest.fail(f"pre-commit {' '.join(args)} exited {proc.returncode}:\n{details[-6000:]}")
    return proc


@pytest.mark.slow
def test_try_repo_fails_on_buggy_models(hook_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hook_repo
    proc = pre_commit(repo, env, "try-repo", ".", "seqlint", "--files", BUGGY_PY, BUGGY_NB)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert re.search(r"^seqlint\.+Failed$", output, re.MULTILINE), output
    assert f"{BUGGY_PY}:13:11: SEQ102" in output
    assert f"{BUGGY_NB}:cell 4:" in output  # notebooks are passed to the hook too
    assert "Found 2 errors." in output


@pytest.mark.slow
def test_try_repo_passes_on_a_good_model(hook_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hook_repo
    proc = pre_commit(repo, env, "try-repo", ".", "seqlint", "--files", GOOD_PY)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert re.search(r"^seqlint\.+Passed$", output, re.MULTILINE), output


@pytest.mark.slow
def test_dogfood_hook_passes_on_this_repository(hook_repo: tuple[Path, dict[str, str]]) -> None:
    """The local hook of ``.pre-commit-config.yaml`` over every file: the buggy demo models are
    excluded, everything else is clean."""
    repo, env = hook_repo
    # Only the local repository of the config: the others (ruff) would be cloned from the web.
    config = yaml_load(repo / ".pre-commit-config.yaml")
    config["repos"] = [r for r in config["repos"] if r["repo"] == "local"]
    local_config = repo.parent / "local-hooks.yaml"
    local_config.write_text(pytest.importorskip("yaml").safe_dump(config))
    proc = pre_commit(repo, env, "run", "seqlint", "--all-files", "--config", str(local_config))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert re.search(r"^seqlint\.+Passed$", output, re.MULTILINE), output


# --- the README's snippets, as written ----------------------------------------------------------

README_URL = "https://github.com/OWNER/seqlint"
README_SHA = "0123456789abcdef0123456789abcdef01234567"

WARNING_ONLY = """\
import keras
from keras import layers

model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1)])
"""


def readme_snippet(kind: str) -> str:
    """The YAML block after the ``<!-- pre-commit: KIND ...-->`` marker of the README."""
    text = (ROOT / "README.md").read_text()
    marker = f"<!-- pre-commit: {kind} "
    assert marker in text, f"the README has no {kind} pre-commit snippet"
    after = text.split(marker, 1)[1]
    block = after.split("```yaml\n", 1)[1].split("```", 1)[0]
    return block


def test_readme_snippets_pin_a_real_kind_of_ref() -> None:
    remote = yaml_load_text(readme_snippet("remote"))
    (repo,) = remote["repos"]
    # a full SHA placeholder (pre-commit clones at any commit), not a tag that does not exist
    assert repo["rev"] == README_SHA and repo["repo"] == README_URL
    assert [h["id"] for h in repo["hooks"]] == ["seqlint"]
    (local,) = yaml_load_text(readme_snippet("local"))["repos"]
    assert local["repo"] == "local"
    (hook,) = local["hooks"]
    assert hook["entry"] == "seqlint check" and hook["language"] == "system"


def yaml_load_text(text: str) -> Any:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(text)


def _user_project(base: Path, env: dict[str, str], config: str) -> Path:
    """A git repository of a user: a buggy model, a model with only a warning, the config."""
    project = base / "user-project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir()
    shutil.copy2(ROOT / BUGGY_PY, project / "buggy.py")
    (project / "warn.py").write_text(WARNING_ONLY)
    (project / ".pre-commit-config.yaml").write_text(config)
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    return project


def _check_user_project(project: Path, env: dict[str, str]) -> None:
    failing = pre_commit(project, env, "run", "--files", "buggy.py", "warn.py")
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "buggy.py:13:11: SEQ102" in output and "warn.py:4:27: SEQ101" in output
    assert "Found 1 error and 1 warning." in output
    warned = pre_commit(project, env, "run", "--files", "warn.py")
    output = warned.stdout + warned.stderr
    assert warned.returncode == 0, output  # a warning does not block the commit
    assert "SEQ101" in output or re.search(r"^seqlint\.+Passed$", output, re.MULTILINE)


@pytest.mark.slow
def test_readme_remote_snippet_works_as_written(hook_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hook_repo
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    config = readme_snippet("remote").replace(README_URL, str(repo)).replace(README_SHA, sha)
    _check_user_project(_user_project(repo.parent, env, config), env)


def test_readme_local_snippet_works_offline(tmp_path: Path, hook_repo_env: dict[str, str]) -> None:
    env = hook_repo_env
    _check_user_project(_user_project(tmp_path, env, readme_snippet("local")), env)


@pytest.fixture
def hook_repo_env(tmp_path: Path) -> dict[str, str]:
    """pre-commit's environment for a ``language: system`` hook: this interpreter's
    ``seqlint`` on the PATH, nothing to install."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    bindir = str(Path(sys.executable).parent)
    if not (Path(bindir) / "seqlint").exists():
        pytest.skip("no seqlint console script next to this interpreter")
    env = _git_env(tmp_path / "pre-commit-home")
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env

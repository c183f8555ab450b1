"""[tool.seqlint] discovery, validation and ruff-style rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlint.config import (
    ConfigError,
    Selection,
    find_config_file,
    load_config,
    load_settings,
    resolve_selection,
    settings_from_config,
)
from seqlint.files import DEFAULT_EXCLUDES, compile_glob, discover_files, path_matches
from seqlint.rules.base import Rule


def make_rule(code: str, name: str, default: bool = True) -> Rule:
    cls = type(f"Fake{code}", (Rule,), {"code": code, "name": name, "default": default})
    return cls()


RULES = [
    make_rule("SEQ001", "syntax-error"),
    make_rule("SEQ101", "missing-input-shape"),
    make_rule("SEQ102", "missing-flatten"),
    make_rule("SEQ201", "output-activation-mismatch"),
    make_rule("SEQ301", "opt-in", default=False),
]
DEFAULTS = {"SEQ001", "SEQ101", "SEQ102", "SEQ201"}
EVERY = DEFAULTS | {"SEQ301"}


def selected(*layers: Selection) -> set[str]:
    return set(resolve_selection(layers, RULES))


# --- selection -----------------------------------------------------------------------------


def test_default_selection() -> None:
    assert selected() == DEFAULTS


def test_select_replaces_and_accepts_codes_prefixes_names_all() -> None:
    assert selected(Selection(select=["SEQ101"])) == {"SEQ101"}
    assert selected(Selection(select=["SEQ1"])) == {"SEQ101", "SEQ102"}
    assert selected(Selection(select=["missing-flatten"])) == {"SEQ102"}
    assert selected(Selection(select=["SEQ"])) == EVERY  # a prefix takes opt-in rules too
    assert selected(Selection(select=["ALL"])) == EVERY
    assert selected(Selection(select=["seq102"])) == {"SEQ102"}
    assert selected(Selection(select=[])) == set()


def test_extend_select_adds_and_ignore_removes() -> None:
    assert selected(Selection(extend_select=["SEQ301"])) == EVERY
    assert selected(Selection(ignore=["SEQ1"])) == {"SEQ001", "SEQ201"}
    assert selected(Selection(ignore=["output-activation-mismatch"])) == DEFAULTS - {"SEQ201"}


def test_more_specific_selector_wins_within_a_layer() -> None:
    assert selected(Selection(select=["SEQ1"], ignore=["SEQ101"])) == {"SEQ102"}
    assert selected(Selection(select=["SEQ101"], ignore=["SEQ1"])) == {"SEQ101"}
    assert selected(Selection(select=["SEQ101"], ignore=["SEQ101"])) == set()  # tie: ignore


def test_cli_layer_overrides_config_layer() -> None:
    config = Selection(select=["SEQ1"], ignore=["SEQ102"], where="pyproject.toml")
    assert selected(config) == {"SEQ101"}
    assert selected(config, Selection(select=["SEQ2"])) == {"SEQ201"}
    assert selected(config, Selection(extend_select=["SEQ102"])) == {"SEQ101", "SEQ102"}
    assert selected(config, Selection(ignore=["SEQ101"])) == set()


def test_unknown_selector_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"unknown rule selector 'SEQ999' in command line"):
        selected(Selection(select=["SEQ999"]))
    with pytest.raises(ConfigError, match="did you mean 'missing-flatten'"):
        selected(Selection(ignore=["missing-flaten"]))


# --- files ---------------------------------------------------------------------------------


def write_pyproject(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    p = directory / "pyproject.toml"
    p.write_text(body)
    return p


def test_find_nearest_pyproject_with_section(tmp_path: Path) -> None:
    root = write_pyproject(tmp_path, '[tool.seqlint]\nselect = ["SEQ1"]\n')
    write_pyproject(tmp_path / "pkg", "[project]\nname = 'x'\n")  # no [tool.seqlint]: skipped
    (tmp_path / "pkg" / "sub").mkdir()
    (tmp_path / "pkg" / "sub" / "m.py").write_text("")
    assert find_config_file(tmp_path / "pkg" / "sub" / "m.py") == root
    assert find_config_file(tmp_path / "pkg") == root
    inner = write_pyproject(tmp_path / "pkg", "[tool.seqlint]\n")
    assert find_config_file(tmp_path / "pkg" / "sub") == inner


def test_load_settings_from_pyproject(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        "[tool.seqlint]\n"
        'select = ["SEQ1", "SEQ2"]\n'
        'ignore = ["missing-flatten"]\n'
        'extend-exclude = ["legacy"]\n'
        '[tool.seqlint.per-file-ignores]\n"tests/*" = ["SEQ101"]\n"__init__.py" = ["SEQ2"]\n',
    )
    settings = load_settings([tmp_path], rules=RULES)
    assert settings.selected == {"SEQ101", "SEQ201"}
    assert settings.root == tmp_path
    assert settings.exclude == (*DEFAULT_EXCLUDES, "legacy")
    assert settings.codes_for(tmp_path / "tests" / "unit" / "test_m.py") == {"SEQ201"}
    assert settings.codes_for(tmp_path / "pkg" / "__init__.py") == {"SEQ101"}
    assert settings.codes_for(tmp_path / "pkg" / "m.py") == {"SEQ101", "SEQ201"}
    # the command line overrides the file
    cli = load_settings([tmp_path], select=["SEQ102"], rules=RULES)
    assert cli.selected == {"SEQ102"}


def test_exclude_replaces_defaults(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.seqlint]\nexclude = ["gen"]\n')
    assert load_settings([tmp_path], rules=RULES).exclude == ("gen",)


def test_explicit_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "seqlint.toml"
    cfg.write_text('select = ["SEQ201"]\n')
    assert load_settings([], config_file=cfg, rules=RULES).selected == {"SEQ201"}
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[tool.seqlint]\nselct = ["SEQ1"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        ('[tool.seqlint]\nselect = "SEQ1"\n', "'select' must be a list of strings, got a string"),
        ("[tool.seqlint]\nignore = [1]\n", "list with non-string items"),
        ('[tool.seqlint]\nper-file-ignores = ["x"]\n', "'per-file-ignores' must be a table"),
        ('[tool.seqlint.per-file-ignores]\n"a.py" = "SEQ1"\n', "per-file-ignores 'a.py'"),
        ("[tool.seqlint\n", "invalid TOML"),
        ('[tool.seqlint]\nselect = ["SEQ9"]\n', "unknown rule selector 'SEQ9'"),
        ('[tool.seqlint.per-file-ignores]\n"a.py" = ["nope"]\n', "unknown rule selector 'nope'"),
    ],
)
def test_config_errors_are_one_line(tmp_path: Path, body: str, message: str) -> None:
    p = write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as exc:
        settings_from_config(load_config(p), rules=RULES)
    text = str(exc.value)
    assert message in text
    assert "\n" not in text


# --- globs and discovery --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("tests", "tests/unit/a.py", True),
        ("tests/", "tests/a.py", True),
        ("tests/*", "tests/unit/a.py", True),
        ("tests/*.py", "src/tests/a.py", False),
        ("**/tests/*.py", "src/tests/a.py", True),
        ("__init__.py", "pkg/sub/__init__.py", True),
        ("*.ipynb", "nb/a.ipynb", True),
        ("{docs,examples}/**", "examples/x/y.py", True),
        ("a?.py", "ab.py", True),
        ("a[!b].py", "ab.py", False),
        ("src/a.py", "a.py", False),
    ],
)
def test_path_patterns(pattern: str, path: str, matches: bool) -> None:
    assert path_matches(pattern, tuple(path.split("/"))) is matches


def test_glob_star_stays_in_component() -> None:
    assert not compile_glob("a/*.py").match("a/b/c.py")
    assert compile_glob("a/**/*.py").match("a/b/c.py")
    assert compile_glob("a/**/*.py").match("a/c.py")


def test_discovery_sorted_and_pruned(tmp_path: Path) -> None:
    for rel in [
        "b.py",
        "a.ipynb",
        "notes.txt",
        "pkg/z.py",
        "pkg/m.pyi",
        ".venv/lib/x.py",
        "build/gen.py",
        "pkg/__pycache__/z.py",
        "legacy/old.py",
    ]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("")
    found = discover_files([tmp_path], root=tmp_path).files
    names = [str(Path(f).relative_to(tmp_path)) for f in found]
    assert names == ["a.ipynb", "b.py", "legacy/old.py", "pkg/m.pyi", "pkg/z.py"]
    found = discover_files([tmp_path], root=tmp_path, exclude=(*DEFAULT_EXCLUDES, "legacy")).files
    assert not any("legacy" in f for f in found)


def test_explicit_file_is_always_checked(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    script = tmp_path / "build" / "train"
    script.write_text("")
    assert discover_files([script], root=tmp_path).files == [str(script)]
    assert discover_files([script], root=tmp_path, force_exclude=True).files == []


def test_symlink_loops_are_not_followed_forever(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.py").write_text("")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d", target_is_directory=True)
    found = discover_files([tmp_path], root=tmp_path).files
    assert [Path(f).name for f in found] == ["a.py"]

"""``[tool.seqlint]`` settings and rule selection, with ruff's semantics.

A selector is a full code (``SEQ101``), a code prefix (``SEQ1``, ``SEQ``), ``ALL`` or a rule
name (``missing-flatten``). Selection starts from the rules that are on by default; each layer
(the config file, then the command line) applies ``select`` (replaces), ``extend-select``
(adds) and ``ignore`` (removes), the more specific selector winning inside a layer and
``ignore`` winning a tie.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from seqlint.files import (
    DEFAULT_EXCLUDES,
    clean_pattern,
    compile_glob,
    file_kind,
    matches_any,
    relative_parts,
)

if TYPE_CHECKING:
    from seqlint.rules.base import Rule


class ConfigError(Exception):
    """Bad configuration or rule selection; the message is one line, ready for the user."""


SECTION = "[tool.seqlint]"
LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
KNOWN_KEYS = (*LIST_KEYS, "per-file-ignores", "fail-on")
#: The lowest severity that makes ``check`` exit 1 (``fail-on``, ``--fail-on``).
FAIL_ON = ("error", "warning")

# Specificity of a selector: ALL < prefixes (by length) < a full code or a rule name.
_SPEC_ALL = 0
_SPEC_EXACT = 1000


@dataclass
class Config:
    """The raw settings of one configuration file (or none: every field at its default)."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    fail_on: str = "error"
    path: Path | None = None  # the file it came from
    root: Path = field(default_factory=Path.cwd)  # patterns are relative to this directory


class Selection(NamedTuple):
    """One layer of rule selection (the config file's, or the command line's)."""

    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    where: str = "command line"


@dataclass(frozen=True)
class Settings:
    """Resolved settings: which rule codes run, where, and which files are excluded."""

    selected: frozenset[str]
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    root: Path = field(default_factory=Path.cwd)
    config_path: Path | None = None
    fail_on: str = "error"  # the lowest severity that makes ``check`` exit 1

    def fails(self, severities: Iterable[str]) -> bool:
        """Whether findings of these severities make the run fail (exit 1)."""
        failing = {"error"} if self.fail_on == "error" else {"error", "warning"}
        return any(s in failing for s in severities)

    def ignored_for(self, path: str | os.PathLike[str]) -> frozenset[str]:
        """Codes that ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        parts = relative_parts(path, self.root)
        out: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if matches_any((pattern,), parts, ancestors=True):
                out |= codes
        return frozenset(out)

    def codes_for(self, path: str | os.PathLike[str]) -> frozenset[str]:
        """The rule codes to run on ``path``."""
        return self.selected - self.ignored_for(path)


# --------------------------------------------------------------------------------------------
# Reading configuration files


def find_config_file(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.seqlint]`` table, from ``start`` upwards.

    ``start`` may be a file or a directory (default: the working directory). Files that do
    not parse are skipped here; :func:`load_config` reports them when named explicitly.
    """
    here = Path(os.path.abspath(os.fspath(start) if start is not None else os.getcwd()))
    if not os.path.isdir(here):  # (os.path never raises: a directory we may not enter)
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if os.path.isfile(candidate):
            try:
                data = _read_toml(candidate)
            except ConfigError:
                # a broken pyproject.toml that meant to configure us is an error, not a default
                try:
                    mentions_us = "tool.seqlint" in candidate.read_text(errors="replace")
                except OSError:
                    mentions_us = False
                if mentions_us:
                    raise
                continue
            tool = data.get("tool")
            if isinstance(tool, dict) and "seqlint" in tool:
                return candidate
    return None


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read settings from ``path``: a ``pyproject.toml`` (its ``[tool.seqlint]`` table) or a
    TOML file holding the settings at top level (or in a ``[tool.seqlint]`` table)."""
    p = Path(path)
    if not os.path.isfile(p):
        if os.path.exists(p):  # never read a FIFO or a device: it may block or never end
            kind = file_kind(os.stat(p).st_mode)
            raise ConfigError(f"config file {p} is {kind}, not a regular file")
        raise ConfigError(f"config file not found: {p}")
    data = _read_toml(p)
    tool = data.get("tool")
    if isinstance(tool, dict) and "seqlint" in tool:
        table = tool["seqlint"]
        where = f"{p}: {SECTION}"
    elif p.name == "pyproject.toml":
        table = {}
        where = f"{p}: {SECTION}"
    else:
        table = data
        where = str(p)
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    cfg = parse_config(table, where=where)
    cfg.path = p.absolute()
    cfg.root = p.absolute().parent
    return cfg


def _read_toml(path: Path) -> dict[str, Any]:
    # imported here: most runs have no config file to read (start-up time)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except (RecursionError, MemoryError):  # tomllib recurses once per nested array or table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None


def parse_config(table: Mapping[str, Any], where: str = SECTION) -> Config:
    """Validate a ``[tool.seqlint]`` table (keys and types; selectors are checked later)."""
    cfg = Config()
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            import difflib  # only for a mistake (start-up time)

            hint = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean}")
        if key == "fail-on":
            if value not in FAIL_ON:
                raise ConfigError(
                    f"{where}: 'fail-on' must be one of "
                    + ", ".join(repr(v) for v in FAIL_ON)
                    + f", got {value!r}"
                )
            cfg.fail_on = value
        elif key in LIST_KEYS:
            items = _string_list(value, f"{where}: {key!r}")
            if key == "select":
                cfg.select = items
            elif key == "ignore":
                cfg.ignore = items
            elif key == "extend-select":
                cfg.extend_select = items
            elif key == "exclude":
                cfg.exclude = _globs(items, f"{where}: {key!r}")
            else:
                cfg.extend_exclude = _globs(items, f"{where}: {key!r}")
        else:
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{where}: 'per-file-ignores' must be a table of glob = [codes], "
                    f"got {_type_name(value)}"
                )
            for pattern, codes in value.items():
                _globs([pattern], f"{where}: 'per-file-ignores'")
                cfg.per_file_ignores[pattern] = _string_list(
                    codes, f"{where}: per-file-ignores {pattern!r}"
                )
    return cfg


def _globs(patterns: list[str], what: str) -> list[str]:
    """``patterns``, once each is known to compile (so matching files cannot fail later)."""
    for pattern in patterns:
        try:
            compile_glob(clean_pattern(pattern))
        except ValueError as e:
            raise ConfigError(f"{what}: bad pattern {pattern!r}: {e}") from None
    return patterns


def _string_list(value: Any, what: str) -> list[str]:
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return list(value)
    raise ConfigError(f"{what} must be a list of strings, got {_type_name(value)}")


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}
    for t, name in names.items():
        if type(value) is t:
            return name
    if isinstance(value, list):
        return "a list with non-string items"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


# --------------------------------------------------------------------------------------------
# Rule selection


def split_selectors(values: Iterable[str] | None) -> list[str] | None:
    """``["SEQ1,SEQ2", "SEQ3"]`` → ``["SEQ1", "SEQ2", "SEQ3"]`` (None stays None)."""
    if values is None:
        return None
    return [s.strip() for v in values for s in v.split(",") if s.strip()]


def resolve_selector(selector: str, rules: Sequence[Rule], where: str = "") -> tuple[int, set[str]]:
    """(specificity, codes) that ``selector`` stands for; unknown selectors are a ConfigError."""
    s = selector.strip()
    if s.upper() == "ALL":
        return _SPEC_ALL, {r.code for r in rules}
    low, up = s.lower(), s.upper()
    for r in rules:
        if r.name == low or r.code == up:
            return _SPEC_EXACT, {r.code}
    codes = {r.code for r in rules if up and r.code.startswith(up)}
    if codes:
        return len(up), codes
    where_text = f" in {where}" if where else ""
    import difflib  # only for a mistake (start-up time)

    hint = difflib.get_close_matches(
        s, [r.code for r in rules] + [r.name for r in rules], n=1, cutoff=0.75
    )
    did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ConfigError(f"unknown rule selector {selector!r}{where_text}{did_you_mean}")


def resolve_codes(selectors: Iterable[str], rules: Sequence[Rule], where: str = "") -> set[str]:
    out: set[str] = set()
    for s in selectors:
        out |= resolve_selector(s, rules, where)[1]
    return out


def resolve_selection(
    layers: Sequence[Selection], rules: Sequence[Rule] | None = None
) -> frozenset[str]:
    """The selected rule codes after applying each layer in order, starting from the defaults."""
    if rules is None:
        rules = _all_rules()
    selected = {r.code for r in rules if r.default}
    for layer in layers:
        enable = [*(layer.select or ()), *layer.extend_select]
        updates: dict[str, bool] = {}
        resolved_enable = [resolve_selector(s, rules, _where(layer, s)) for s in enable]
        resolved_ignore = [
            resolve_selector(s, rules, f"{layer.where} (ignore)") for s in layer.ignore
        ]
        specs = sorted(
            {spec for spec, _ in resolved_enable} | {spec for spec, _ in resolved_ignore}
        )
        for spec in specs:
            for sp, codes in resolved_enable:
                if sp == spec:
                    updates.update(dict.fromkeys(codes, True))
            for sp, codes in resolved_ignore:
                if sp == spec:
                    updates.update(dict.fromkeys(codes, False))
        if layer.select is not None:
            selected = {code for code, on in updates.items() if on}
        else:
            for code, on in updates.items():
                if on:
                    selected.add(code)
                else:
                    selected.discard(code)
    return frozenset(selected)


def _where(layer: Selection, selector: str) -> str:
    kind = "select" if layer.select is not None and selector in layer.select else "extend-select"
    return f"{layer.where} ({kind})"


def _all_rules() -> list[Rule]:
    import seqlint.rules  # noqa: F401  (registers every rule)
    from seqlint.rules.base import all_rules

    return all_rules()


# --------------------------------------------------------------------------------------------
# Putting it together


def load_settings(
    paths: Sequence[str | os.PathLike[str]] = (),
    *,
    config_file: str | os.PathLike[str] | None = None,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    rules: Sequence[Rule] | None = None,
    fail_on: str | None = None,
) -> Settings:
    """Settings for a run: ``config_file`` if given, else the nearest ``pyproject.toml`` with a
    ``[tool.seqlint]`` table above the first path (or the working directory), then the
    command-line selectors on top. Raises :class:`ConfigError` for anything invalid."""
    if config_file is not None:
        cfg = load_config(config_file)
    else:
        start = next((os.fspath(p) for p in paths if os.fspath(p) != "-"), None)
        found = find_config_file(start)
        cfg = load_config(found) if found else Config()
    return settings_from_config(
        cfg,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        rules=rules,
        fail_on=fail_on,
    )


def settings_from_config(
    cfg: Config,
    *,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    rules: Sequence[Rule] | None = None,
    fail_on: str | None = None,
) -> Settings:
    """Resolve ``cfg`` with the command line's selectors (and ``--fail-on``) on top."""
    if rules is None:
        rules = _all_rules()
    where = str(cfg.path) if cfg.path else "configuration"
    layers = [
        Selection(cfg.select, cfg.extend_select, cfg.ignore, where=where),
        Selection(
            split_selectors(select),
            split_selectors(extend_select) or [],
            split_selectors(ignore) or [],
            where="command line",
        ),
    ]
    selected = resolve_selection(layers, rules)
    per_file = tuple(
        (pattern, frozenset(resolve_codes(codes, rules, f"{where} (per-file-ignores)")))
        for pattern, codes in cfg.per_file_ignores.items()
    )
    exclude = tuple(cfg.exclude if cfg.exclude is not None else DEFAULT_EXCLUDES)
    exclude += tuple(cfg.extend_exclude)
    return Settings(
        selected=selected,
        per_file_ignores=per_file,
        exclude=exclude,
        root=cfg.root,
        config_path=cfg.path,
        fail_on=fail_on or cfg.fail_on,
    )

"""``--output-format sarif``: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run, whose ``tool.driver`` lists every rule (id = code, name = slug, descriptions, the rule's
documentation as help text and Markdown, its default level); one result per finding, with the
rule's id and index, a level, the message and a physical location: the file as a URI relative to
the working directory (``uriBaseId`` ``%SRCROOT%``) and the region (1-based lines and columns,
end column exclusive, columns counted in Unicode code points).

Notebooks: lines and columns are counted within the code cell, as everywhere in seqlint. The
cell number is in the region's ``properties`` (``{"cell": 4}``) and in a logical location named
``cell 4``, and the message starts with ``cell 4:2:5:`` so that a viewer which shows the region
against the raw ``.ipynb`` JSON still tells the reader where to look.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from seqlint import __version__
from seqlint.diagnostics import Diagnostic

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
#: Where people learn about the tool (the package's page).
INFORMATION_URI = "https://pypi.org/project/seqlint/"


def _level(severity: str) -> str:
    return "warning" if severity == "warning" else "error"


def rule_descriptor(rule: Any) -> dict[str, Any]:
    """A SARIF ``reportingDescriptor`` for a registered rule."""
    summary = str(getattr(rule, "summary", "") or rule.name)
    why = str(getattr(rule, "why", "") or "")
    fix_doc = str(getattr(rule, "fix_doc", "") or "")
    text = "\n\n".join(part for part in (summary, why, fix_doc) if part)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(p for p in (summary, why) if p)},
        "help": {"text": text, "markdown": rule.doc()},
        "defaultConfiguration": {"level": _level(rule.severity)},
        "properties": {
            "tags": ["keras", "correctness"],
            "precision": "high",
            "problem.severity": _level(rule.severity),
        },
    }


def _fallback_descriptor(d: Diagnostic) -> dict[str, Any]:
    """A descriptor for a finding whose rule is not registered (should not happen)."""
    return {
        "id": d.code,
        "name": d.name,
        "shortDescription": {"text": d.name},
        "defaultConfiguration": {"level": _level(d.severity)},
    }


def artifact_uri(path: str, base: Path) -> tuple[str, bool]:
    """(URI, relative?) for a reported path: relative to ``base`` (POSIX, percent-encoded)
    when the file lies under it, else an absolute ``file://`` URI."""
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        rel = os.pardir
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return Path(absolute).as_uri(), False
    posix = PurePosixPath(*Path(rel).parts).as_posix()
    # (a name's undecodable bytes, surrogate-escaped, are percent-encoded as the bytes they are)
    return quote(posix, safe="/", errors="surrogateescape"), True


def _base_uri(base: Path) -> str:
    uri = base.absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _result(d: Diagnostic, index: int, base: Path) -> dict[str, Any]:
    uri, relative = artifact_uri(d.path, base)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = SRCROOT
    region: dict[str, Any] = {
        "startLine": max(1, d.span.line),
        "startColumn": max(1, d.span.column),
        "endLine": max(1, d.span.line, d.span.end_line),
        "endColumn": max(1, d.span.end_column),
    }
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    text = d.message
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact}}
    if d.span.cell is not None:
        region["properties"] = {"cell": d.span.cell}
        location["logicalLocations"] = [
            {
                "name": f"cell {d.span.cell}",
                "fullyQualifiedName": f"{d.path}:cell {d.span.cell}",
                "kind": "module",
            }
        ]
        text = f"cell {d.span.cell}:{d.span.line}:{d.span.column}: {text}"
    location["physicalLocation"]["region"] = region
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": _level(d.severity),
        "message": {"text": text},
        "locations": [location],
    }
    if d.suggestion:
        result["properties"] = {"help": d.suggestion}
    return result


def sarif_log(
    diagnostics: Sequence[Diagnostic],
    *,
    base: Path | None = None,
    rules: Sequence[Any] | None = None,
    unchecked: int = 0,
) -> dict[str, Any]:
    """The SARIF log as a dict. ``rules`` defaults to every registered rule; ``base`` (the
    directory relative URIs start from) to the working directory."""
    if rules is None:
        import seqlint.rules  # noqa: F401  (registers every rule)
        from seqlint.rules.base import all_rules

        rules = all_rules()
    base = (base or Path.cwd()).absolute()
    descriptors = [rule_descriptor(r) for r in rules]
    index = {desc["id"]: i for i, desc in enumerate(descriptors)}
    for d in diagnostics:
        if d.code not in index:
            index[d.code] = len(descriptors)
            descriptors.append(_fallback_descriptor(d))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "seqlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [{"executionSuccessful": unchecked == 0}],
        "originalUriBaseIds": {SRCROOT: {"uri": _base_uri(base)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.code], base) for d in diagnostics],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(
    diagnostics: Sequence[Diagnostic], *, base: Path | None = None, unchecked: int = 0
) -> str:
    """The findings as a SARIF 2.1.0 log, newline-terminated."""
    return json.dumps(sarif_log(diagnostics, base=base, unchecked=unchecked), indent=2) + "\n"

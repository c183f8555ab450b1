"""How many Sequential constructions does seqlint extract, against an independent count?

The independent count parses every ``.py`` file and every notebook code cell on its own with
CPython's :mod:`ast` (IPython magics, shell escapes and help lines become ``pass``) and counts
the calls whose callee is ``Sequential`` or ``<anything>.Sequential`` in files that mention
``keras`` (so PyTorch's ``nn.Sequential`` is left out). It shares no code with seqlint.

seqlint's side is the set of places where its engine made a Sequential model (one place per
construction site, however often a function that builds it is called). A site counts as
extracted when both sides name the same file, cell and line::

    python benchmarks/count_models.py /work/nb               # totals, per repository
    python benchmarks/count_models.py /work/nb --missing     # and every site not extracted

Exit status 0 when at least ``--target`` (default 97 %) of the counted sites are extracted.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

Site = tuple[str, int | None, int]  # (path, cell number or None, line in the file or cell)

_MAGIC = re.compile(r"^(\s*)([%!?]|\w+\?\s*$)")


def _cells(path: Path) -> Iterator[tuple[int | None, str]]:
    """(cell number, code) of a notebook's code cells (1-based among all cells, as Jupyter
    shows them), or (None, text) for a script."""
    if path.suffix != ".ipynb":
        yield None, path.read_text(encoding="utf-8", errors="replace")
        return
    try:
        notebook = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    except ValueError:
        return
    for number, cell in enumerate(cells, 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            yield number, "".join(source) if isinstance(source, list) else str(source)


def _python(code: str) -> str:
    """A cell with IPython's own syntax (magics, ``!shell``, ``name?``) turned into ``pass``."""
    lines = code.split("\n")
    out = []
    for line in lines:
        m = _MAGIC.match(line)
        out.append(f"{m.group(1)}pass" if m else line)
    return "\n".join(out)


def independent_sites(path: Path, root: Path) -> tuple[set[Site], int]:
    """The Sequential calls of one file, and how many more sit in cells that do not parse
    (counted by text)."""
    rel = str(path.relative_to(root))
    sites: set[Site] = set()
    unparsable = 0
    for cell, code in _cells(path):
        if "keras" not in code and "Sequential" not in code:
            continue
        try:
            tree = ast.parse(_python(code))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            unparsable += len(re.findall(r"(?<![\w.])(?:\w+\.)*Sequential\s*\(", code))
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            named = (isinstance(func, ast.Name) and func.id == "Sequential") or (
                isinstance(func, ast.Attribute)
                and func.attr == "Sequential"
                and not (isinstance(func.value, ast.Name) and func.value.id in ("nn", "torch"))
            )
            if named:
                sites.add((rel, cell, node.lineno))
    return sites, unparsable


def seqlint_sites(path: Path, root: Path) -> set[Site]:
    """Where seqlint's engine made a Sequential model in one file."""
    from seqlint.check import analyse_cells, relevant
    from seqlint.sources import SourceError, read_source

    rel = str(path.relative_to(root))
    try:
        src = read_source(path)
    except SourceError:
        return set()
    if not relevant(src.text):
        return set()
    sites: set[Site] = set()
    for part in [src, *src.written]:  # and the files its ``%%writefile`` cells write
        analysis, _, part = analyse_cells(part)  # (a cell that does not parse is left out)
        if analysis is None:
            continue
        lines = part.lines
        for model in analysis.file.models:
            loc = model.loc
            if not 1 <= loc.line <= len(lines) or "Sequential" not in lines[loc.line - 1]:
                continue  # clone_model(...) and other copies
            cell, line = part.locate(loc.line)
            sites.add((rel, cell, line))
    return sites


def files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in (".py", ".ipynb") and p.is_file() and ".ipynb_checkpoints" not in p.parts
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, help="a tree of repositories (one folder each)")
    ap.add_argument("--missing", action="store_true", help="list every site not extracted")
    ap.add_argument("--target", type=float, default=0.97)
    args = ap.parse_args(argv)
    root: Path = args.root
    counted: set[Site] = set()
    found: set[Site] = set()
    unparsable: Counter[str] = Counter()
    for path in files(root):
        sites, broken = independent_sites(path, root)
        counted |= sites
        repo = path.relative_to(root).parts[0]
        unparsable[repo] += broken
        if sites:
            found |= seqlint_sites(path, root)
    extracted = counted & found
    per_repo: dict[str, list[int]] = {}
    for site in counted:
        repo = Path(site[0]).parts[0]
        per_repo.setdefault(repo, [0, 0])[0] += 1
        per_repo[repo][1] += site in extracted
    print(f"{'repository':<52} {'counted':>8} {'extracted':>10} {'in broken cells':>16}")
    for repo in sorted(per_repo):
        total, got = per_repo[repo]
        print(f"{repo:<52} {total:>8} {got:>10} {unparsable[repo]:>16}")
    ratio = len(extracted) / len(counted) if counted else 1.0
    print(
        f"\nextracted {len(extracted)} of {len(counted)} Sequential constructions "
        f"({ratio:.1%}); {sum(unparsable.values())} more sit in cells or files that do not "
        f"parse; seqlint also made {len(found - counted)} the count does not have"
    )
    if args.missing:
        for site in sorted(counted - extracted, key=lambda s: (s[0], s[1] or 0, s[2])):
            where = f"{site[0]}:cell {site[1]}:{site[2]}" if site[1] else f"{site[0]}:{site[2]}"
            print(f"  missing {where}")
    met = ratio >= args.target
    print(f"target >= {args.target:.0%}: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Recall and false alarms of ``seqlint check`` on real buggy Keras programs by other people.

The programs (Stack Overflow questions and GitHub projects collected by bug-localisation
studies, each with its fix) are never vendored: fetch them at the pinned commits as
``benchmarks/REAL_BUGS.md`` says, then::

    python benchmarks/real_bugs.py /path/to/fetched   # summary, then every miss/false alarm
    python benchmarks/real_bugs.py /path/to/fetched --json out.json

``/path/to/fetched`` holds one folder per repository, named ``owner+name``. The labels
(``benchmarks/real_bugs/labels.json``) say which catalogue slugs each buggy version must get
and which findings on its fixed version are true. A bug counts as found when one of its
expected slugs is reported on the buggy file. A false alarm is a finding on a fixed (clean)
file whose slug is neither ``removed-api`` (all this code is Keras 1/2) nor accepted for that
file; the rate is per 100 fixed files. A labelled file that is missing, or that seqlint cannot
check (no JSON back), stops the run with exit 2, so nothing is silently skipped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LABELS = Path(__file__).with_name("real_bugs") / "labels.json"
ALWAYS_TRUE = frozenset({"removed-api"})


@dataclass(frozen=True)
class Finding:
    """One reported finding, reduced to what the score needs."""

    slug: str
    line: int
    message: str


def repo_dir(root: Path, repository: str) -> Path:
    """Where a repository was fetched: ``owner+name`` under the root."""
    return root / repository.replace("/", "+")


def check(path: Path) -> list[Finding]:
    """Run ``seqlint check --output-format json`` on one file (exit 0/1 are both answers)."""
    proc = subprocess.run(
        [sys.executable, "-m", "seqlint", "check", "--no-cache", "--output-format", "json"]
        + [str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        err = proc.stderr.strip()[:200]
        print(f"error: no JSON for {path} (exit {proc.returncode}): {err}", file=sys.stderr)
        raise SystemExit(2) from None
    return [Finding(d["name"], d["line"], d["message"]) for d in data]


def main(argv: list[str] | None = None) -> int:
    """Score every labelled file and print recall, false alarms, misses and false alarms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder with the fetched owner+name repos")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--json", type=Path, help="also write every result here")
    args = parser.parse_args(argv)
    cases = json.loads(args.labels.read_text())["cases"]
    for case in cases:
        for key in ("buggy", "fixed"):
            if case[key] and not (repo_dir(args.root, case["repository"]) / case[key]).is_file():
                print(f"error: {case['case']}: {key} file missing: {case[key]}", file=sys.stderr)
                return 2
    found = total = fixed_files = 0
    misses: list[str] = []
    alarms: list[str] = []
    per_slug: Counter[tuple[str, bool]] = Counter()
    results = []
    for case in cases:
        base = repo_dir(args.root, case["repository"])
        row: dict[str, object] = {"case": case["case"], "expected": case["expected"]}
        if case["buggy"]:
            got = check(base / case["buggy"])
            row["buggy"] = [f.slug for f in got]
            if case["expected"]:
                total += 1
                hit = any(f.slug in case["expected"] for f in got)
                found += hit
                for slug in case["expected"]:
                    per_slug[(slug, hit)] += 1
                if not hit:
                    others = sorted({f.slug for f in got} - ALWAYS_TRUE) or ["nothing"]
                    misses.append(
                        f"MISS {case['case']} {case['buggy']}: "
                        f"wanted {'/'.join(case['expected'])}, got {', '.join(others)} "
                        f"-- {case['reason']}"
                    )
        if case["fixed"]:
            fixed_files += 1
            got = check(base / case["fixed"])
            row["fixed"] = [f.slug for f in got]
            ok = ALWAYS_TRUE | set(case["accept_on_fixed"])
            alarms += [
                f"FALSE ALARM {case['case']} {case['fixed']}:{f.line} {f.slug}: {f.message}"
                for f in got
                if f.slug not in ok
            ]
        results.append(row)
    print(f"labelled: {len(cases)} cases, {total} in-catalogue bugs, {fixed_files} fixed files")
    print(f"recall: {found}/{total} = {found / total:.2f}" if total else "recall: no labelled bugs")
    for slug in sorted({s for s, _ in per_slug}):
        hits, all_ = per_slug[(slug, True)], per_slug[(slug, True)] + per_slug[(slug, False)]
        print(f"  {slug}: {hits} of {all_}")
    rate = 100 * len(alarms) / fixed_files if fixed_files else 0.0
    print(f"false alarms: {len(alarms)} on {fixed_files} fixed files = {rate:.1f} per 100 models")
    for line in misses + alarms:
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

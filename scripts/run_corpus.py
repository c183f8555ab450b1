#!/usr/bin/env python3
"""Train every model of a corpus with ``seqlint run --train`` and tabulate verdicts and times.

usage: python scripts/run_corpus.py [CORPUS_DIR] [--jobs N]

CORPUS_DIR holds either case folders (``model.py`` + ``expected.json``, as ``../shared/corpus``)
or ``.py`` files whose first line says what the run must answer (``# expect: learns`` or
``# expect: does not learn: CAUSE``, as ``tests/run_cases``).

Issue 4's acceptance check: every built case whose layers the runtime supports must end with a
"learns" verdict in under 30 s; the buggy ones must be refused or get "does not learn" with a
reason. Each case runs in its own process, like a user would run it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _expected(case: Path) -> dict:
    if case.is_file():
        first = case.read_text().splitlines()[0].removeprefix("# expect: ")
        cause = first.removeprefix("does not learn: ")
        return {"findings": [] if first == "learns" else [cause], "keras": {"built": True}}
    return json.loads((case / "expected.json").read_text())


def run_case(case: Path) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "seqlint",
        "run",
        str(case if case.is_file() else case / "model.py"),
        "--train",
        "--verbose",
        "0",
        "--output-format",
        "json",
    ]
    if case.is_file():
        cmd.append("--force")  # the verdict, not the check findings, is what these cases test
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    expected = _expected(case)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        data = None
    # a refused model prints its findings (a JSON list) instead of a run report
    verdict = data.get("verdict") if isinstance(data, dict) else None
    reasons = data.get("reasons") if isinstance(data, dict) else []
    message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    return {
        "case": case.stem if case.is_file() else case.name,
        "exit": proc.returncode,
        "seconds": round(seconds, 1),
        "verdict": verdict,
        "reasons": reasons,
        "message": message,
        "buggy": bool(expected.get("findings")),
        "keras_built": bool(expected.get("keras", {}).get("built")),
        "crash": "Traceback" in proc.stderr or "internal error" in proc.stderr,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus")
    )
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    cases = sorted(
        p
        for p in Path(args.corpus).iterdir()
        if (p / "expected.json").is_file() or (p.suffix == ".py" and p.is_file())
    )
    with ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(run_case, cases))
    for r in rows:
        what = r["verdict"] or r["message"][:110]
        print(
            f"{r['case']:42s} {'buggy' if r['buggy'] else 'clean':5s} exit={r['exit']} "
            f"{r['seconds']:5.1f}s  {what} {'; '.join(r['reasons'] or [])}"
        )
    clean = [r for r in rows if not r["buggy"] and r["keras_built"]]
    learned = [r for r in clean if r["verdict"] == "learns"]
    unsupported = [r for r in clean if r["verdict"] is None]
    inconclusive = [r for r in clean if r["verdict"] == "inconclusive"]
    slow = [r for r in rows if r["seconds"] > 30]
    crashes = [r for r in rows if r["crash"]]
    buggy = [r for r in rows if r["buggy"]]
    buggy_flagged = [r for r in buggy if r["exit"] != 0]
    print(
        f"\nclean built cases: {len(clean)}, learns: {len(learned)}, "
        f"not run (unsupported or unknown input): {len(unsupported)}, "
        f"inconclusive: {len(inconclusive)}, "
        f"does not learn: {len(clean) - len(learned) - len(unsupported) - len(inconclusive)}"
    )
    print(f"buggy cases: {len(buggy)}, refused or 'does not learn': {len(buggy_flagged)}")
    print(
        f"over 30 s: {len(slow)}, crashes: {len(crashes)}, "
        f"max {max(r['seconds'] for r in rows):.1f} s"
    )
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())

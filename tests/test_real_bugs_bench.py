"""The real-bug benchmark: its labels name real rules, and it scores misses and false alarms."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from seqlint.rules import all_rules

BUGGY = """\
from keras.layers import Dense
from keras.models import Sequential

net = Sequential()
net.add(Dense(4, input_shape=(3,), activation="relu"))
net.add(Dense(1, activation="softmax"))
net.compile(loss="binary_crossentropy", optimizer="adam")
"""


def _bench() -> Any:
    """benchmarks/real_bugs.py as a module."""
    path = ROOT / "benchmarks" / "real_bugs.py"
    spec = importlib.util.spec_from_file_location("real_bugs", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["real_bugs"] = bench  # its dataclass looks its module up there
    spec.loader.exec_module(bench)
    return bench


def test_every_label_names_a_rule_of_the_catalogue() -> None:
    names = {rule.name for rule in all_rules()}
    cases = json.loads((ROOT / "benchmarks" / "real_bugs" / "labels.json").read_text())["cases"]
    assert cases
    for case in cases:
        assert case["buggy"] or case["fixed"], case["case"]
        assert len(case["commit"]) == 40, case["case"]
        assert set(case["expected"]) | set(case["accept_on_fixed"]) <= names, case["case"]


def _collection(tmp: Path, fixed_src: str) -> Path:
    repo = tmp / "someone+bugs"
    repo.mkdir()
    (repo / "buggy.py").write_text(BUGGY)
    (repo / "fixed.py").write_text(fixed_src)
    labels = tmp / "labels.json"
    case = {
        "repository": "someone/bugs",
        "commit": "0" * 40,
        "case": "one",
        "buggy": "buggy.py",
        "fixed": "fixed.py",
        "expected": ["output-activation-mismatch"],
        "accept_on_fixed": [],
        "reason": "softmax over one unit",
    }
    labels.write_text(json.dumps({"cases": [case]}))
    return labels


def test_a_found_bug_and_a_quiet_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = _collection(tmp_path, BUGGY.replace('"softmax"', '"sigmoid"'))
    assert _bench().main([str(tmp_path), "--labels", str(labels)]) == 0
    out = capsys.readouterr().out
    assert "recall: 1/1 = 1.00" in out
    assert "false alarms: 0 on 1 fixed files" in out


def test_a_finding_on_the_fixed_version_is_a_false_alarm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = _collection(tmp_path, BUGGY)  # the "fix" still has the bug
    assert _bench().main([str(tmp_path), "--labels", str(labels)]) == 0
    out = capsys.readouterr().out
    assert "false alarms: 1 on 1 fixed files = 100.0 per 100 models" in out
    assert "FALSE ALARM one fixed.py:6 output-activation-mismatch" in out


def test_a_missing_labelled_file_stops_the_run(tmp_path: Path) -> None:
    labels = _collection(tmp_path, BUGGY)
    (tmp_path / "someone+bugs" / "fixed.py").unlink()
    assert _bench().main([str(tmp_path), "--labels", str(labels)]) == 2

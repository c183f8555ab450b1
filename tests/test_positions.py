"""Source positions: one code-generation pass, equal to libcst's PositionProvider, computed
only for files that report something."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst
import pytest
from conftest import ROOT
from libcst.metadata import MetadataWrapper, PositionProvider

import seqlint.extract.positions as positions_module
import seqlint.rules  # noqa: F401  (registers the rules)
from seqlint.check import check_source, summarize_source
from seqlint.extract.positions import LazyLocator, Locator, positions
from seqlint.ir import Loc
from seqlint.sources import SourceFile, read_source

BUGGY = ROOT / "fixtures/buggy/softmax_single_unit.py"
GOOD = ROOT / "fixtures/good/mnist_cnn.py"


def sample_texts() -> list[str]:
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[::30]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in stdlib]
    texts += [read_source(p).text for p in sorted((ROOT / "fixtures").rglob("*.*"))]
    texts += ["x = 1\r\ny = (\n  2,\n)\n", "def f():\n\tif x:\n\t\treturn {'a': [1, 2]}\n", ""]
    return texts


def test_the_ranges_are_libcsts() -> None:
    for text in sample_texts():
        module = libcst.parse_module(text)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        got = positions(module)
        assert len(got) == len(expected)
        for node, r in expected.items():
            assert got[id(node)] == (r.start.line, r.start.column, r.end.line, r.end.column)


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts position passes."""
    count: list[int] = []
    real = positions_module.positions

    def counting(module: libcst.Module) -> dict[int, tuple[int, int, int, int]]:
        count.append(1)
        return real(module)

    monkeypatch.setattr(positions_module, "positions", counting)
    return count


def test_only_files_that_report_compute_positions(passes: list[int]) -> None:
    assert check_source(read_source(GOOD)) == []
    assert passes == []
    found = check_source(read_source(BUGGY))
    assert [(d.code, d.span.line) for d in found] == [("SEQ201", 13)]
    assert passes == [1]


def test_a_file_too_deep_for_the_position_pass_reports_nothing() -> None:
    deep = "if False:\n    y = " + "+".join(["1"] * 1200) + "\n"
    src = SourceFile("deep.py", BUGGY.read_text() + deep)
    with pytest.raises(RecursionError):
        positions(libcst.parse_module(src.text))
    assert check_source(src) == []  # as when the positions are computed first
    assert summarize_source(src) == []


def test_lazy_locations_read_like_eager_ones() -> None:
    module = libcst.parse_module("import keras\nmodel = keras.Sequential()\n")
    node = module.body[1]
    eager, lazy = Locator(module).loc(node), LazyLocator(module).loc(node)
    assert isinstance(lazy, Loc)
    assert eager == Loc(2, 1, 2, 27)
    assert lazy == eager and eager == lazy and hash(lazy) == hash(eager)
    assert (lazy.line, lazy.column, lazy.end_line, lazy.end_column) == (2, 1, 2, 27)
    nowhere = LazyLocator(module).loc(libcst.Name("elsewhere"))
    assert (nowhere.line, nowhere.column) == (0, 0)

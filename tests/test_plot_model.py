"""``seqlint summary FILE --plot``: the model picture, as SVG (by hand) and PNG (matplotlib)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

from seqlint.cli import cli

CNN = ROOT / "fixtures/buggy/conv_without_flatten.py"
LSTM = ROOT / "fixtures/buggy/stacked_lstm.py"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args))


def _boxes(svg: Path) -> list[tuple[str, list[str]]]:
    """(stroke colour, text lines) of each layer box, top to bottom."""
    root = ET.parse(svg).getroot()
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("rx")]
    texts = [
        (float(t.get("x", 0)), float(t.get("y", 0)), t.text or "") for t in root.iter(f"{SVG}text")
    ]
    out = []
    for r in rects:
        x, y = float(r.get("x", 0)), float(r.get("y", 0))
        w, h = float(r.get("width", 0)), float(r.get("height", 0))
        inside = [s for tx, ty, s in texts if x <= tx <= x + w and y <= ty <= y + h]
        out.append((r.get("stroke", ""), inside))
    return out


def test_svg_draws_each_layer_with_shape_params_and_the_problem_in_red(tmp_path: Path) -> None:
    target = tmp_path / "cnn.svg"
    result = run("summary", str(CNN), "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"Wrote a picture of 1 model to {target}"
    boxes = _boxes(target)
    titles = [lines[0] for _, lines in boxes]
    assert titles == [
        "input (InputLayer)",
        "conv2d (Conv2D)",
        "max_pooling2d (MaxPooling2D)",
        "dense (Dense)",
        "dense_1 (Dense)",
    ]
    conv = boxes[1][1]
    assert conv == [
        "conv2d (Conv2D)",
        "activation: relu",
        "output: (None, 26, 26, 32)",
        "params: 320",
    ]
    red = [lines for stroke, lines in boxes if stroke == "#c0392b"]
    assert red == [boxes[3][1]]  # the Dense that receives a 4-D tensor
    assert red[0][-1] == "SEQ102 missing-flatten"
    assert "5,834 params" in target.read_text()


def test_png_is_drawn_with_matplotlib(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "lstm.png"
    result = run("summary", str(LSTM), "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert height > width > 200  # a tall stack of boxes
    from matplotlib.image import imread

    pixels = imread(str(target))[..., :3]
    red = (abs(pixels[..., 0] - 0xC0 / 255) < 0.08) & (pixels[..., 1] < 0.35)
    assert red.sum() > 200  # the LSTM that receives a 2-D tensor is outlined in red


def test_bad_plot_paths_are_one_line_usage_errors(tmp_path: Path) -> None:
    bad_suffix = run("summary", str(CNN), "--plot", str(tmp_path / "m.pdf"))
    assert bad_suffix.exit_code == 2
    assert bad_suffix.stderr == "seqlint: error: --plot writes .svg or .png, not .pdf\n"
    missing_dir = run("summary", str(CNN), "--plot", str(tmp_path / "nope" / "m.svg"))
    assert missing_dir.exit_code == 2
    assert missing_dir.stderr.startswith("seqlint: error: cannot write ")
    assert len(missing_dir.stderr.splitlines()) == 1
    empty = tmp_path / "empty.py"
    empty.write_text("import keras\n")
    none = run("summary", str(empty), "--plot", str(tmp_path / "m.svg"))
    assert none.exit_code == 2 and "no Sequential model to draw" in none.stderr


def test_models_side_by_side_and_findings_off_the_layers_listed(tmp_path: Path) -> None:
    source = ROOT / "fixtures/buggy/labels_and_metrics.py"
    target = tmp_path / "two.svg"
    assert run("summary", str(source), "--plot", str(target)).exit_code == 0
    found = run("check", "--no-cache", str(source), "--output-format", "json").stdout
    import json

    texts = [t.text for t in ET.parse(target).getroot().iter(f"{SVG}text")]
    assert (
        "Wrote a picture of 2 models" in run("summary", str(source), "--plot", str(target)).stderr
    )
    titles = [t for t in texts if t and "params" in t and ":" in t and "(" in t]
    assert titles[:2] == [
        "classifier (sequential): 2,437 params",
        "regressor (sequential_1): 1,089 params",
    ]
    layer_codes = {t.split()[0] for t in texts if t and t.startswith("SEQ") and "(line" not in t}
    footer = [t for t in texts if t and "(line" in t]
    for d in json.loads(found):
        entry = f"{d['code']} {d['name']} (line {d['line']})"
        assert entry in footer or d["code"] in layer_codes, entry
    assert "Other findings:" in texts

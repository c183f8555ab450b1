"""Issue 14's causes on variants of our own: every buggy one caught, every fixed one quiet.

Each file under ``tests/variants/<cause>/`` starts with ``# expect: rule@line[:severity], ...``
or ``# quiet``; all of them were run under Keras 3.15.1 (see ``tests/variants/README.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import lint

VARIANTS = Path(__file__).parent / "variants"
FILES = sorted(VARIANTS.glob("*/*.py"))
_EXPECT = re.compile(r"([a-z-]+)@(\d+)(?::(error|warning))?")


def _expected(path: Path) -> set[tuple[str, int, str | None]]:
    head = path.read_text().splitlines()[0]
    if head.strip() == "# quiet":
        return set()
    assert head.startswith("# expect: "), f"{path.name}: first line must say what to expect"
    return {(m[0], int(m[1]), m[2] or None) for m in _EXPECT.findall(head)}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_variant(path: Path) -> None:
    expected = _expected(path)
    found = lint(path.read_text(), path=path.name)
    got = {
        (d.name, d.span.line, d.severity if any(e[2] for e in expected) else None) for d in found
    }
    assert got == expected, [d.message for d in found]


def test_every_cause_has_three_caught_and_three_quiet_variants() -> None:
    for cause in sorted(p for p in VARIANTS.iterdir() if p.is_dir() and p.name[0] != "."):
        files = list(cause.glob("*.py"))
        caught = [f for f in files if _expected(f)]
        quiet = [f for f in files if not _expected(f)]
        assert len(caught) >= 3 and len(quiet) >= 3, cause.name


def test_a_guessed_snippet_model_says_so_in_its_summary() -> None:
    from helpers import summary

    (model,) = summary((VARIANTS / "snippets" / "conv_no_flatten_good.py").read_text())
    assert model.guessed_names == ("Conv2D", "Dense", "Flatten", "MaxPooling2D", "Sequential")
    imported = summary(
        "from keras.layers import Dense\nfrom keras.models import Sequential\n"
        "m = Sequential([Dense(2, input_shape=(3,))])\n"
    )
    assert imported[0].guessed_names == ()


def test_np_prod_of_a_known_shape_is_folded() -> None:
    from helpers import shapes

    code = """
import numpy as np
from keras.layers import Dense, Reshape
from keras.models import Sequential
img_shape = (28, 28, 1)
model = Sequential([Dense(128, input_dim=100), Dense(np.prod(img_shape)), Reshape(img_shape)])
"""
    assert shapes(code)[1] == ("Dense", [None, 784], 101136)


def test_keras1_calls_keep_the_shapes_going_and_summary_marks_where_keras_3_stops() -> None:
    """Convolution2D(32, 3, 3, border_mode=...) is read the Keras 2 way for the rules; the
    summary lists every layer and marks the constructor Keras 3 raises in."""
    from helpers import summary

    code = (VARIANTS / "missing_flatten" / "keras1_convolution_bad.py").read_text()
    (model,) = summary(code)
    # every layer is listed, the one Keras 3 raises on marked with why (issue 13 item 5)
    assert [layer.class_name for layer in model.layers] == ["Conv2D", "MaxPooling2D", "Dense"]
    assert [layer.rejected for layer in model.layers] == [
        "Keras 3 rejects `border_mode=`",
        None,
        None,
    ]
    assert model.total_params is None


def test_sklearn_sample_generators_give_shapes_and_labels() -> None:
    """make_classification's labels run to n_classes - 1 and make_blobs' X has n_features
    columns (both checked under Keras: label 2 of 3 overflows Dense(2); a 2-wide X misses
    Input(shape=(3,))); an old positional signature is left unknown."""
    from helpers import findings

    code = """
from keras import Input
from keras.layers import Dense
from keras.models import Sequential
from sklearn.datasets import make_blobs, make_classification

x, y = make_classification(n_samples=200, n_features=6, n_informative=4, n_classes=3)
m = Sequential([Input(shape=(6,)), Dense(2, activation="softmax")])
m.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
m.fit(x, y)
x2, y2 = make_blobs(300)
m2 = Sequential([Input(shape=(3,)), Dense(3, activation="softmax")])
m2.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
m2.fit(x2, y2)
"""
    assert findings(code) == [("output-units-mismatch", 8), ("data-shape-mismatch", 14)]
    old = code.replace("n_samples=200, n_features=6, n_informative=4", "200, 6, 4")
    assert findings(old) == [("data-shape-mismatch", 14)]

"""The opt-in design tier (SEQ501-SEQ507): what each rule reports, and what it leaves alone."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import lint

from seqlint.cli import cli
from seqlint.config import Config, settings_from_config
from seqlint.rules import all_rules

DESIGN = frozenset(r.code for r in all_rules() if r.code.startswith("SEQ5"))

HEAD = """\
import keras
from keras import layers
"""


def design(body: str, code: str | None = None) -> list[tuple[str, int]]:
    """(rule name, line) of the design findings for HEAD + ``body`` (lines count from HEAD)."""
    found = lint(HEAD + body, select={code} if code else DESIGN)
    return [(d.name, d.span.line) for d in found]


def mlp(*rows: str, shape: str = "(20,)") -> str:
    inner = "".join(f"    {row},\n" for row in rows)
    return f"model = keras.Sequential([\n    keras.Input(shape={shape}),\n{inner}])\n"


# line of the n-th row given to mlp() (HEAD is 2 lines, then `model = ...`, then the Input)
def row(n: int) -> int:
    return 4 + n


# ---- selection ---------------------------------------------------------------------------


def test_design_rules_are_opt_in_warnings() -> None:
    assert len(DESIGN) == 7
    for rule in all_rules():
        if rule.code in DESIGN:
            assert rule.default is False and rule.severity == "warning", rule.code
            assert rule.name == rule.name.lower() and " " not in rule.name


@pytest.mark.parametrize(
    ("select", "extend", "expected"),
    [
        (None, [], set()),
        (["SEQ5"], [], DESIGN),
        (["ALL"], [], DESIGN),
        (None, ["SEQ5"], DESIGN),
        (None, ["growing-width"], {"SEQ507"}),
    ],
)
def test_selection_of_the_design_tier(select, extend, expected) -> None:
    settings = settings_from_config(Config(), select=select, extend_select=extend)
    assert settings.selected & DESIGN == expected


def test_default_check_does_not_run_design_rules() -> None:
    body = mlp('layers.Dense(64, activation="relu")', "layers.ReLU()", "layers.Dense(1)")
    assert lint(HEAD + body) == []
    assert design(body) == [("redundant-activation", row(2))]


def test_rules_listing_marks_design_rules_off_by_default() -> None:
    result = CliRunner().invoke(cli, ["rules", "--output-format", "json"])
    rows = {r["code"]: r for r in json.loads(result.output)}
    assert all(rows[code]["default"] is False for code in DESIGN)


# ---- SEQ501 redundant-activation ---------------------------------------------------------


def test_redundant_activation_reports_the_second_activation() -> None:
    same = mlp(
        'layers.Dense(64, activation="relu")', 'layers.Activation("relu")', "layers.Dense(1)"
    )
    clash = mlp('layers.Dense(10, activation="relu")', "layers.Softmax()")
    two_layers = mlp("layers.Dense(64)", "layers.ReLU()", 'layers.Activation("tanh")')
    assert design(same, "SEQ501") == [("redundant-activation", row(2))]
    assert design(clash, "SEQ501") == [("redundant-activation", row(2))]
    assert design(two_layers, "SEQ501") == [("redundant-activation", row(3))]


def test_redundant_activation_message_names_both() -> None:
    body = mlp(
        'layers.Conv1D(8, 3, activation="relu")', "layers.ReLU(max_value=6.0)", shape="(9, 2)"
    )
    (diag,) = lint(HEAD + body, select={"SEQ501"})
    assert "relu capped at 6.0 on top of relu" in diag.message


@pytest.mark.parametrize(
    "rows",
    [
        ("layers.Dense(64)", 'layers.Activation("relu")'),  # the usual pattern
        ('layers.Dense(64, activation="relu")', "layers.BatchNormalization()", "layers.ReLU()"),
        ('layers.Dense(10, activation="softmax")', 'layers.Activation("linear", dtype="float32")'),
        ("layers.Dense(64, activation=ACT)", "layers.ReLU()"),  # not known
        ('layers.LSTM(8, return_sequences=True, activation="tanh")', "layers.ReLU()"),
    ],
)
def test_redundant_activation_leaves_alone(rows) -> None:
    shape = "(5, 20)" if "LSTM" in rows[0] else "(20,)"
    assert design("ACT = get_activation()\n" + mlp(*rows, shape=shape), "SEQ501") == []


def test_redundant_activation_skips_entries_of_an_unknown_loop() -> None:
    body = """\
model = keras.Sequential([keras.Input(shape=(4,))])
for units in get_sizes():
    model.add(layers.Dense(units, activation="relu"))
    model.add(layers.ReLU())
"""
    assert design(body) == []


# ---- SEQ502 missing-nonlinearity ---------------------------------------------------------


def test_missing_nonlinearity_reports_the_linear_layer() -> None:
    body = mlp("layers.Dense(64)", "layers.Dropout(0.2)", 'layers.Dense(1, activation="sigmoid")')
    (diag,) = lint(HEAD + body, select={"SEQ502"})
    assert (diag.name, diag.span.line) == ("missing-nonlinearity", row(1))
    # the layer it feeds is named, not numbered (a line number would be the joined text's in
    # a notebook)
    assert "feeds Dense(1, ...)" in diag.message and "(line" not in diag.message


def test_missing_nonlinearity_in_a_conv_stack_and_through_batchnorm() -> None:
    convs = mlp(
        "layers.Conv2D(32, 3)",
        'layers.Conv2D(64, 3, activation="relu")',
        "layers.GlobalAveragePooling2D()",
        'layers.Dense(10, activation="softmax")',
        shape="(28, 28, 1)",
    )
    through_bn = mlp("layers.Dense(64)", "layers.BatchNormalization()", "layers.Dense(1)")
    assert design(convs, "SEQ502") == [("missing-nonlinearity", row(1))]
    assert design(through_bn, "SEQ502") == [("missing-nonlinearity", row(1))]


@pytest.mark.parametrize(
    ("rows", "shape"),
    [
        (("layers.Dense(64)", "layers.LeakyReLU()", "layers.Dense(1)"), "(20,)"),
        (
            (
                "layers.Dense(64)",
                "layers.BatchNormalization()",
                'layers.Activation("relu")',
                "layers.Dense(1)",
            ),
            "(20,)",
        ),
        (('layers.Dense(64, activation="relu")', "layers.Dense(1)"), "(20,)"),  # linear output
        # a linear bottleneck, narrower than both sides, is a low-rank map on purpose
        (
            (
                'layers.Dense(128, activation="relu")',
                "layers.Dense(8)",
                'layers.Dense(128, activation="relu")',
                "layers.Dense(20)",
            ),
            "(20,)",
        ),
        (
            (
                "layers.Conv2D(8, 3)",
                "layers.MaxPooling2D()",
                'layers.Conv2D(8, 3, activation="relu")',
            ),
            "(28, 28, 1)",
        ),
        (("layers.DepthwiseConv2D(3)", 'layers.Conv2D(16, 1, activation="relu")'), "(28, 28, 8)"),
        (("layers.Dense(64, activation=ACT)", "layers.Dense(1)"), "(20,)"),
        (("layers.Dense(64)", "MyLayer()", "layers.Dense(1)"), "(20,)"),
        # "project and reshape": a generator's seed
        (
            (
                "layers.Dense(8 * 8 * 16)",
                "layers.Reshape((8, 8, 16))",
                'layers.Conv2DTranspose(16, 4, strides=2, padding="same")',
                "layers.LeakyReLU()",
            ),
            "(32,)",
        ),
    ],
)
def test_missing_nonlinearity_leaves_alone(rows, shape) -> None:
    prelude = "ACT = get_activation()\nclass MyLayer(layers.Layer):\n    pass\n"
    assert design(prelude + mlp(*rows, shape=shape), "SEQ502") == []


# ---- SEQ503 bias-before-batchnorm --------------------------------------------------------


def test_bias_before_batchnorm() -> None:
    conv = mlp(
        "layers.Conv2D(32, 3)",
        "layers.BatchNormalization()",
        'layers.Activation("relu")',
        shape="(28, 28, 1)",
    )
    dense = mlp(
        "layers.Dense(64)", "layers.BatchNormalization()", "layers.ReLU()", "layers.Dense(1)"
    )
    first = mlp(
        'layers.Conv2D(32, 3, data_format="channels_first")',
        "layers.BatchNormalization(axis=1)",
        shape="(1, 28, 28)",
    )
    assert design(conv, "SEQ503") == [("bias-before-batchnorm", row(1))]
    assert design(dense, "SEQ503") == [("bias-before-batchnorm", row(1))]
    assert design(first, "SEQ503") == [("bias-before-batchnorm", row(1))]


@pytest.mark.parametrize(
    ("rows", "shape"),
    [
        (("layers.Conv2D(32, 3, use_bias=False)", "layers.BatchNormalization()"), "(28, 28, 1)"),
        (('layers.Dense(64, activation="relu")', "layers.BatchNormalization()"), "(20,)"),
        (("layers.Dense(64)", "layers.Dropout(0.1)", "layers.BatchNormalization()"), "(20,)"),
        (("layers.Dense(64, use_bias=FLAG)", "layers.BatchNormalization()"), "(20,)"),
        # the bias runs along the channels, BatchNormalization normalises another axis
        (
            ('layers.Conv2D(8, 3, data_format="channels_first")', "layers.BatchNormalization()"),
            "(1, 28, 28)",
        ),
    ],
)
def test_bias_before_batchnorm_leaves_alone(rows, shape) -> None:
    assert design("FLAG = get_flag()\n" + mlp(*rows, shape=shape), "SEQ503") == []


# ---- SEQ504 dropout-before-batchnorm -----------------------------------------------------


def test_dropout_before_batchnorm() -> None:
    dense = mlp(
        'layers.Dense(64, activation="relu")',
        "layers.Dropout(0.5)",
        "layers.BatchNormalization()",
        "layers.Dense(1)",
    )
    spatial = mlp(
        'layers.Conv2D(8, 3, activation="relu")',
        "layers.SpatialDropout2D(0.2)",
        "layers.BatchNormalization()",
        shape="(28, 28, 1)",
    )
    assert design(dense, "SEQ504") == [("dropout-before-batchnorm", row(2))]
    assert design(spatial, "SEQ504") == [("dropout-before-batchnorm", row(2))]


@pytest.mark.parametrize(
    "rows",
    [
        ("layers.BatchNormalization()", "layers.Dropout(0.5)", "layers.Dense(1)"),
        ("layers.Dropout(RATE)", "layers.BatchNormalization()"),  # not known
        ("layers.Dropout(0.0)", "layers.BatchNormalization()"),  # a no-op
        ("layers.Dropout(0.5)", "layers.ReLU()", "layers.BatchNormalization()"),
    ],
)
def test_dropout_before_batchnorm_leaves_alone(rows) -> None:
    assert design("RATE = get_rate()\n" + mlp(*rows), "SEQ504") == []


# ---- SEQ505 constant-initializer ---------------------------------------------------------


@pytest.mark.parametrize(
    "init",
    [
        '"zeros"',
        '"Ones"',
        "keras.initializers.Zeros()",
        "keras.initializers.Constant(0.1)",
        "keras.initializers.Ones",
        "keras.initializers.constant(value=0.5)",
    ],
)
def test_constant_initializer(init) -> None:
    body = mlp(f'layers.Dense(64, activation="relu", kernel_initializer={init})', "layers.Dense(1)")
    assert design(body, "SEQ505") == [("constant-initializer", row(1))]


def test_constant_initializer_on_a_convolution_names_it() -> None:
    body = mlp(
        "layers.Conv2D(8, 3, kernel_initializer=keras.initializers.Constant(0.1))",
        "layers.Flatten()",
        "layers.Dense(1)",
        shape="(28, 28, 1)",
    )
    (diag,) = lint(HEAD + body, select={"SEQ505"})
    assert "kernel_initializer=Constant(0.1)" in diag.message


@pytest.mark.parametrize(
    "rows",
    [
        ('layers.Dense(64, activation="relu")', 'layers.Dense(1, kernel_initializer="zeros")'),
        ('layers.Dense(64, activation="relu", bias_initializer="ones")', "layers.Dense(1)"),
        ('layers.Dense(64, kernel_initializer="he_normal")', "layers.ReLU()", "layers.Dense(1)"),
        ("layers.Dense(64, kernel_initializer=INIT)", "layers.ReLU()", "layers.Dense(1)"),
        ("layers.Dense(64, kernel_initializer=keras.initializers.get(NAME))", "layers.Dense(1)"),
        ('layers.Dense(1, kernel_initializer="zeros")', "layers.Dense(1)"),  # one unit
    ],
)
def test_constant_initializer_leaves_alone(rows) -> None:
    assert design("INIT = NAME = get()\n" + mlp(*rows), "SEQ505") == []


def test_constant_initializer_skips_a_model_used_as_a_block() -> None:
    body = """\
block = keras.Sequential([layers.Dense(8, kernel_initializer="zeros"), layers.Dense(8)])
model = keras.Sequential([keras.Input(shape=(4,)), block, layers.Dense(1)])
"""
    assert design(body, "SEQ505") == []


# ---- SEQ506 pooling-after-every-conv -----------------------------------------------------


def _conv_pool(n: int, shape: str, per_block: int = 1) -> str:
    rows: list[str] = []
    for i in range(n):
        rows += [f'layers.Conv2D({16 * (i + 1)}, 3, padding="same", activation="relu")'] * per_block
        rows.append("layers.MaxPooling2D()")
    rows += ["layers.Flatten()", 'layers.Dense(10, activation="softmax")']
    return mlp(*rows, shape=shape)


def test_pooling_after_every_conv_reported_once_at_the_first_pooling() -> None:
    (diag,) = lint(HEAD + _conv_pool(4, "(28, 28, 1)"), select={"SEQ506"})
    assert (diag.name, diag.span.line) == ("pooling-after-every-conv", row(2))
    assert "28x28 to 1x1" in diag.message


def test_pooling_after_every_conv_with_batchnorm_between() -> None:
    rows: list[str] = []
    for _ in range(4):
        rows += [
            'layers.Conv2D(8, 3, padding="same")',
            "layers.BatchNormalization()",
            "layers.ReLU()",
            "layers.MaxPooling2D()",
        ]
    assert design(mlp(*rows, shape="(32, 32, 3)"), "SEQ506") == [
        ("pooling-after-every-conv", row(4))
    ]


@pytest.mark.parametrize(
    "body",
    [
        _conv_pool(4, "(150, 150, 3)"),  # the map is still 9x9 at the end
        _conv_pool(3, "(28, 28, 1)"),  # not deep enough to be reported
        _conv_pool(2, "(28, 28, 1)", per_block=2),  # several convolutions per pooling
        _conv_pool(4, "(None, None, 3)"),  # sizes not known
    ],
)
def test_pooling_after_every_conv_leaves_alone(body) -> None:
    assert design(body, "SEQ506") == []


# ---- SEQ507 growing-width ----------------------------------------------------------------


def _dense(*widths: int, shape: str = "(100,)") -> str:
    rows = [f'layers.Dense({w}, activation="relu")' for w in widths[:-1]]
    rows.append(f"layers.Dense({widths[-1]})")
    return mlp(*rows, shape=shape)


def test_growing_width_reported_at_the_first_hidden_layer() -> None:
    (diag,) = lint(HEAD + _dense(32, 64, 128, 10), select={"SEQ507"})
    assert (diag.name, diag.span.line) == ("growing-width", row(1))
    assert "32 -> 64 -> 128 -> 10" in diag.message


def test_growing_width_after_convolutions() -> None:
    body = mlp(
        'layers.Conv2D(8, 3, activation="relu")',
        "layers.Flatten()",
        'layers.Dense(32, activation="relu")',
        "layers.Dropout(0.2)",
        'layers.Dense(64, activation="relu")',
        'layers.Dense(128, activation="relu")',
        'layers.Dense(10, activation="softmax")',
        shape="(28, 28, 1)",
    )
    assert design(body, "SEQ507") == [("growing-width", row(3))]


@pytest.mark.parametrize(
    "widths",
    [
        (128, 64, 32, 10),  # a funnel
        (64, 128, 10),  # only two hidden layers
        (784, 128, 32, 128, 784),  # an autoencoder: shrinks, then grows
        (32, 64, 128, 784),  # a decoder: the output is the widest
        (32, 64, 64, 10),  # not strictly growing
    ],
)
def test_growing_width_leaves_alone(widths) -> None:
    assert design(_dense(*widths), "SEQ507") == []


def test_growing_width_needs_every_width_known() -> None:
    body = "N = get_width()\n" + mlp(
        'layers.Dense(32, activation="relu")',
        "layers.Dense(N)",
        'layers.Dense(128, activation="relu")',
        'layers.Dense(256, activation="relu")',
        "layers.Dense(10)",
    )
    assert design(body, "SEQ507") == []


# ---- robustness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "model = keras.Sequential()\n",
        "model = keras.Sequential([layers.Dense(8), layers.Dense(8), layers.Dense(1)])\n",
        "model = keras.Sequential(get_layers())\n",
        "model = keras.Sequential([*get_layers(), layers.Dense(1)])\n",
        mlp("layers.Dense(8, **kw)", "layers.Dense(1)"),
        mlp("layers.Concatenate()", "layers.Dense(1)"),
    ],
)
def test_design_rules_do_not_crash(body) -> None:
    design("kw = {}\n" + body)

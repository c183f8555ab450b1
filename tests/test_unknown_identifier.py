"""SEQ301 unknown-identifier: strings Keras 3 cannot resolve, and the many it can."""

from __future__ import annotations

import textwrap

from helpers import lint

from seqlint.analysis import Analysis
from seqlint.extract import extract_text
from seqlint.identifiers import accepted, bad_identifier, suggest
from seqlint.rules.unknown_identifier import find_unknown_identifiers

HEAD = """\
import numpy as np
import keras
from keras import layers
"""


def found(code: str) -> list[tuple[int, str]]:
    """(line, message) of every SEQ301 finding in ``HEAD + code``."""
    return [(d.span.line, d.message) for d in lint(HEAD + code) if d.code == "SEQ301"]


def lines(code: str) -> list[int]:
    return [line for line, _ in found(code)]


def test_activation_typo_in_list_form_is_reported_at_the_layer() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="rleu"),
    layers.Dense(1),
])
"""
    ((line, message),) = found(code)
    assert line == 8
    assert '"rleu"' in message and 'did you mean "relu"?' in message
    (diag,) = [d for d in lint(HEAD + code) if d.code == "SEQ301"]
    assert diag.severity == "error"
    assert diag.suggestion == 'replace "rleu" with "relu"'


def test_positional_activation_and_activation_layer() -> None:
    code = """
model = keras.Sequential()
model.add(keras.Input(shape=(8,)))
model.add(layers.Dense(64, "rleu"))
model.add(layers.Dense(3))
model.add(layers.Activation("Softmax"))
"""
    got = found(code)
    assert [line for line, _ in got] == [7, 9]
    assert 'did you mean "softmax"?' in got[1][1]


def test_recurrent_activation_initializer_and_wrapped_layer() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(10, 4)),
    layers.Bidirectional(layers.LSTM(8, recurrent_activation="sigmod", return_sequences=True)),
    layers.LSTM(8, kernel_initializer="he_normall"),
    layers.Dense(1, bias_initializer="zeroes"),
])
"""
    got = found(code)
    assert [line for line, _ in got] == [7, 8, 9]
    assert '"hard_sigmoid"' not in got[0][1] and 'did you mean "sigmoid"?' in got[0][1]
    assert 'did you mean "he_normal"?' in got[1][1]
    assert 'did you mean "zeros"?' in got[2][1]


def test_padding_and_data_format() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(16, 3, padding="smae"),
    layers.Conv2D(16, 3, 1, "SAME"),
    layers.Conv2D(16, 3, padding="causal"),
    layers.MaxPooling2D(2, padding="vaild"),
    layers.ZeroPadding2D(padding=1),
    layers.Conv2D(16, 3, data_format="channel_last"),
    layers.Conv2D(16, 3, data_format="CHANNELS_LAST"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(1),
])
"""
    got = found(code)
    assert [line for line, _ in got] == [7, 9, 10, 12]
    assert 'did you mean "same"?' in got[0][1]
    assert "only Conv1D supports causal padding" in got[1][1]
    assert 'did you mean "valid"?' in got[2][1]
    assert 'did you mean "channels_last"?' in got[3][1]


def test_causal_padding_is_fine_on_conv1d() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(20, 3)),
    layers.Conv1D(8, 3, padding="causal", dilation_rate=2),
    layers.Conv1D(8, 3, padding="Causal"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(1),
])
"""
    assert found(code) == []


def test_regularizer_and_constraint_strings() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(8, kernel_regularizer="l2", bias_regularizer="L1", kernel_constraint="max_norm"),
    layers.Dense(8, kernel_regularizer="l3"),
    layers.Dense(8, kernel_constraint="maxnorm", activity_regularizer="l1l2"),
    layers.Dense(1),
])
"""
    got = found(code)
    assert [line for line, _ in got] == [8, 9]
    assert '"l3"' in got[0][1]
    assert 'did you mean "max_norm"?' in got[1][1]


def test_valid_spellings_are_not_reported() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(8, activation="relu", kernel_initializer="glorot_uniform"),
    layers.Dense(8, activation="swish", kernel_initializer="he_normal"),
    layers.Dense(8, activation="leaky_relu", kernel_initializer="GlorotUniform"),
    layers.Dense(8, activation="gelu", kernel_initializer="uniform", bias_initializer="zero"),
    layers.Dense(8, activation="linear", kernel_initializer="Orthogonal"),
    layers.Dense(8, activation=None, kernel_initializer="lecun_normal"),
    layers.BatchNormalization(gamma_initializer="ones", moving_variance_initializer="ones"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="Adam", loss="MSE", metrics=["acc", "mae", "AUC", "Accuracy"])
model.compile(optimizer="RMSprop", loss="categorical_crossentropy", metrics=["accuracy"])
model.compile(optimizer="ADAMW", loss="CE", metrics=["ACC", "f1_score"])
model.compile(optimizer="sgd", loss="ce", metrics=["top_k_categorical_accuracy"])
model.compile(optimizer="nadam", loss="kld", metrics=["mse", "msle", "root_mean_squared_error"])
model.compile(optimizer="adagrad", loss="BinaryCrossentropy", metrics=["precision", "auc"])
"""
    assert found(code) == []


def test_compile_optimizer_loss_and_metric_typos() -> None:
    code = """
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adma", loss="sparse_categorical_crossentropy")
model.compile(optimizer="adam", loss="categorical_crossentrophy")
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuarcy"])
model.compile("adam", "mse", metrics=["rmse"])
model.compile(optimizer="adam", loss=["msee"])
model.compile(optimizer="adam", loss="mse", metrics={"out": ["mae", ["accuarcy"]]})
model.compile(optimizer="adam", loss="mse", weighted_metrics=["kld"])
"""
    got = found(code)
    assert [line for line, _ in got] == [6, 7, 8, 9, 10, 11, 12]
    messages = [m for _, m in got]
    assert 'unknown optimizer "adma" (did you mean "adam"?)' in messages[0]
    assert 'did you mean "categorical_crossentropy"?' in messages[1]
    assert 'did you mean "accuracy"?' in messages[2]
    assert 'did you mean "root_mean_squared_error"?' in messages[3]
    assert '"msee"' in messages[4]
    assert '"accuarcy"' in messages[5]
    assert 'did you mean "kl_divergence"?' in messages[6]


def test_several_unknown_strings_in_one_call_share_one_finding() -> None:
    code = """
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adma", loss="binary_crossentrophy", metrics=["accuarcy"])
"""
    ((line, message),) = found(code)
    assert line == 6
    assert '"adma"' in message and '"binary_crossentrophy"' in message and '"accuarcy"' in message


def test_unknown_values_are_silent() -> None:
    code = """
import os
import sys

act = os.environ.get("ACT", "relu")
loss_name = sys.argv[1]

def build(activation):
    return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation=activation)])

model = build(act)
model.add(layers.Dense(1, activation=f"{act}6"))
model.compile(optimizer=sys.argv[2], loss=loss_name, metrics=[os.environ["METRIC"]])
"""
    assert found(code) == []


def test_a_typo_under_an_unknown_condition_is_reported_but_not_in_a_version_branch() -> None:
    code = """
import sys

model = keras.Sequential([keras.Input(shape=(4,))])
if len(sys.argv) > 2:
    model.add(layers.Dense(1, activation="rleu"))
if keras.__version__ < "3":
    model.add(layers.Dense(1, activation="rleu"))
"""
    assert lines(code) == [9]


def test_known_value_through_a_variable_is_reported() -> None:
    code = """
ACTIVATION = "rleu"
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation=ACTIVATION)])
"""
    assert lines(code) == [6]


def test_files_with_custom_objects_keep_only_padding_checks() -> None:
    code = """
def rleu(x):
    return keras.ops.relu(x)

keras.utils.get_custom_objects()["rleu"] = rleu
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3, activation="rleu", padding="smae"),
    layers.Flatten(),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="my_loss", metrics=["my_metric"])
"""
    got = found(code)
    assert [line for line, _ in got] == [11]
    assert '"smae"' in got[0][1] and '"rleu"' not in got[0][1]


def test_keras2_names_are_accepted_when_the_file_runs_on_tf_keras() -> None:
    body = """
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, kernel_constraint="maxnorm")])
model.compile(optimizer="adam", loss="logcosh")
pool = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.MaxPool2D(2, padding="SAME")])
"""
    assert lines(body) == [5, 6, 7]
    legacy = "import tf_keras\n" + body
    assert lines(legacy) == []


def test_getter_calls() -> None:
    code = """
loss = keras.losses.get("msee")
metric = keras.metrics.get("acc")
ok = keras.losses.get("mse")
opt = keras.optimizers.get("Adam")
"""
    assert lines(code) == [5, 6]


def test_finding_records_old_and_new_values_for_fixes() -> None:
    code = textwrap.dedent(
        HEAD
        + """
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation="sigmod")])
model.compile(optimizer="adam", loss="msee")
"""
    )
    analysis = Analysis.of(extract_text(code), code)
    first, second = find_unknown_identifiers(analysis)
    assert (first.kind, first.param, first.old, first.new) == (
        "activation",
        "activation",
        "sigmod",
        "sigmoid",
    )
    assert (second.kind, second.param, second.old, second.new) == ("loss", "loss", "msee", None)
    assert second.candidates[:2] == ("mse", "msle")


def test_identifier_tables() -> None:
    assert bad_identifier("activation", "rleu")
    assert not bad_identifier("activation", "relu")
    assert bad_identifier("activation", "Relu")  # case-sensitive
    assert not bad_identifier("padding", "SAME")
    assert bad_identifier("padding", "causal", "Conv2D")
    assert not bad_identifier("padding", "causal", "Conv1D")
    assert bad_identifier("kernel_initializer", "HE_NORMAL")
    assert not bad_identifier("kernel_initializer", "HeNormal")
    assert not bad_identifier("units", "whatever")
    assert not bad_identifier("activation", None)
    assert accepted("optimizer", "rmsProp")
    assert accepted("loss", "Crossentropy") and not accepted("metric", "crossentropy")
    assert accepted("metric", "ACC") and not accepted("loss", "acc")
    assert not accepted("loss", "Mse") and accepted("loss", "MSE")
    assert suggest("optimizer", "Adma").best == "Adam"
    assert suggest("loss", "Sparse_categorical_crossentropy").best == (
        "sparse_categorical_crossentropy"
    )
    assert suggest("regularizer", "l3").best is None


def test_class_attributes_are_read_unless_something_may_rebind_them() -> None:
    """``self.OPTIMIZER`` / ``Config.UNITS`` come from the class body; a method that sets the
    name on an instance, or code that assigns the class attribute later, makes it unknown."""
    code = """
class Config:
    UNITS = 16
    ACT = "relu"
    LOSS = "binary_crossentropy"
    OPT = "adma"

class Trainer:
    OPTIMIZER = "rmsporp"
    def __init__(self):
        self.model = keras.Sequential([
            keras.Input(shape=(Config.UNITS,)),
            layers.Dense(Config.UNITS, activation=Config.ACT),
            layers.Dense(1, activation="sigmoid"),
        ])
    def compile(self):
        self.model.compile(optimizer=self.OPTIMIZER, loss=Config.LOSS)

class Shadowed:
    OPT = "adma"
    def __init__(self, opt=None):
        if opt:
            self.OPT = opt
        self.model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
        self.model.compile(optimizer=self.OPT, loss="mse")

Config.OPT = "adam"
t = Trainer(); t.compile()
s = Shadowed("adam")
m = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
m.compile(optimizer=Config.OPT, loss="mse")
"""
    assert lines(code) == [20]
    # a dataclass's fields are constructor arguments: the instance's value is not the default
    dataclass = code.replace("class Trainer:", "@dataclasses.dataclass\nclass Trainer:")
    assert lines("import dataclasses\n" + dataclass) == []


def test_pooling_padding_must_be_lower_case_where_convolutions_lower_it() -> None:
    """Checked under Keras 3.15.1 / TF: Conv2D(padding="SAME") works, MaxPooling2D(padding=
    "Same") fails when the model is built."""
    code = """
model = keras.Sequential([
    keras.Input(shape=(8, 8, 3)),
    layers.Conv2D(4, 3, padding="SAME"),
    layers.MaxPool2D(2, padding="Same"),
    layers.AveragePooling2D(2, padding="same"),
])
"""
    assert lines(code) == [8]


def test_two_layers_on_one_line_each_name_their_own_layer() -> None:
    code = (
        "model = keras.Sequential([keras.Input(shape=(4,)), "
        'layers.Dense(4, activation="rleu"), '
        'layers.Dense(1, kernel_initializer="glorot_uniformm")])\n'
    )
    diags = [d for d in lint(HEAD + code) if d.code == "SEQ301"]
    assert [(d.span.line, d.span.column) for d in diags] == [(4, 52), (4, 88)]
    first, second = (d.message for d in diags)
    assert '"rleu"' in first and "Dense(4, ...)" in first and "glorot" not in first
    assert '"glorot_uniformm"' in second and "Dense(1, ...)" in second and "rleu" not in second
    assert [d.suggestion for d in diags] == [
        'replace "rleu" with "relu"',
        'replace "glorot_uniformm" with "glorot_uniform"',
    ]

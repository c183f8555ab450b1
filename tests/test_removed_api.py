"""removed-api (SEQ401): Keras 1/2 API gone from Keras 3, and the aliases Keras 3 still ships."""

from __future__ import annotations

import textwrap

import pytest
from helpers import lint

from seqlint import keras_api as api
from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.extract import extract, parse
from seqlint.layers import get_layer
from seqlint.rules.removed_api import removed_uses
from seqlint.sources import SourceFile

CODES = {"SEQ302", "SEQ401"}


def found(code: str) -> list[tuple[str, int]]:
    return [(d.name, d.span.line) for d in lint(code, select=CODES)]


def messages(code: str) -> list[str]:
    return [d.message for d in lint(code, select=CODES)]


def uses(code: str):
    text = textwrap.dedent(code)
    return removed_uses(Analysis.of(extract(parse(text)), text))


MODEL = """\
import numpy as np
from keras.layers import Dense
from keras.models import Sequential
model = Sequential([Dense(1, input_shape=(3,))])
model.compile(optimizer="adam", loss="mse")
x, y = np.zeros((8, 3)), np.zeros(8)
"""


def test_removed_model_methods_at_the_call() -> None:
    code = MODEL + (
        "model.fit_generator(gen, steps_per_epoch=4)\n"
        "model.evaluate_generator(gen, steps=2)\n"
        "model.predict_generator(gen, steps=2)\n"
        "labels = model.predict_classes(x)\n"
        "probs = model.predict_proba(x)\n"
    )
    assert found(code) == [("removed-api", n) for n in (7, 8, 9, 10, 11)]
    text = " ".join(messages(code))
    assert "`model.fit(...)`" in text and "np.argmax(model.predict(x), axis=-1)" in text
    by_old = {u.old: u for u in uses(code)}
    assert (by_old["fit_generator"].new, by_old["fit_generator"].rename_safe) == ("fit", True)
    assert by_old["predict_classes"].new is None


def test_fit_generator_rename_is_unsafe_with_keras1_arguments() -> None:
    code = MODEL + "model.fit_generator(gen, 100, nb_epoch=3)\n"
    (use,) = uses(code)
    assert (use.kind, use.new, use.rename_safe) == ("method", "fit", False)


def test_nb_epoch_on_fit_and_lr_on_the_optimizer() -> None:
    code = (
        "import numpy as np\n"
        "from keras.layers import Dense\n"
        "from keras.models import Sequential\n"
        "from keras.optimizers import RMSprop\n"
        "model = Sequential([Dense(1, input_dim=8)])\n"
        "opt = RMSprop(lr=0.001)\n"
        "model.compile(loss='mse', optimizer=opt)\n"
        "model.fit(np.zeros((4, 8)), np.zeros(4), nb_epoch=5, batch_size=2)\n"
    )
    assert found(code) == [("removed-api", 6), ("removed-api", 8)]
    kinds = {(u.kind, u.old, u.new, u.rename_safe) for u in uses(code)}
    assert kinds == {
        ("object_keyword", "lr", "learning_rate", True),
        ("call_keyword", "nb_epoch", "epochs", True),
    }
    assert "`learning_rate=`" in messages(code)[0] and "`epochs=`" in messages(code)[1]


def test_decay_is_flagged_because_keras3_ignores_it() -> None:
    code = (
        "from tensorflow.keras.optimizers import SGD\n"
        "sgd = SGD(learning_rate=0.01, decay=1e-6, momentum=0.9)\n"
        "ok = SGD(learning_rate=0.01, decay=None)\n"
    )
    assert found(code) == [("removed-api", 2)]
    message = messages(code)[0]
    assert "ignored" in message and "InverseTimeDecay" in message


def test_keras1_layer_keywords() -> None:
    code = (
        "from keras.models import Sequential\n"
        "from keras.layers import Dense, Dropout, Conv2D, LSTM, BatchNormalization, Embedding\n"
        "model = Sequential()\n"
        "model.add(Conv2D(32, (3, 3), border_mode='same', subsample=(2, 2), "
        "input_shape=(28, 28, 1)))\n"
        "model.add(BatchNormalization(mode=0))\n"
        "model.add(Dense(output_dim=64, init='uniform', W_regularizer=None))\n"
        "model.add(Dropout(p=0.5))\n"
        "model.add(Embedding(100, 8, input_length=10))\n"
        "model.add(LSTM(8, dropout_W=0.2, dropout_U=0.2, batch_input_shape=(4, 10, 8)))\n"
    )
    assert found(code) == [("removed-api", n) for n in (4, 5, 6, 7, 9)]
    renames = {(u.old, u.new) for u in uses(code)}
    assert {
        ("border_mode", "padding"),
        ("subsample", "strides"),
        ("output_dim", "units"),
        ("init", "kernel_initializer"),
        ("p", "rate"),
        ("dropout_W", "dropout"),
        ("batch_input_shape", None),
        ("mode", None),
    } <= renames


def test_keyword_table_follows_the_layer() -> None:
    embedding, prelu, dense = get_layer("Embedding"), get_layer("PReLU"), get_layer("Dense")
    assert embedding is not None and prelu is not None and dense is not None
    init = api.removed_layer_keyword(embedding, "init")
    assert init is not None and init.new == "embeddings_initializer"
    alpha = api.removed_layer_keyword(prelu, "init")
    assert alpha is not None and alpha.new == "alpha_initializer"
    # names Keras 3 still accepts are never "removed"
    assert api.removed_layer_keyword(embedding, "input_length") is None
    assert api.removed_layer_keyword(embedding, "output_dim") is None
    # ``p`` is a Keras 1 name on dropout layers only
    assert api.removed_layer_keyword(dense, "p") is None


def test_keras1_convolution_signature() -> None:
    code = (
        "from keras.models import Sequential\n"
        "from keras.layers import Convolution2D, Conv2D, Convolution3D\n"
        "model = Sequential()\n"
        "model.add(Convolution2D(32, 3, 3, input_shape=(28, 28, 1)))\n"
        "model.add(Convolution2D(32, (3, 3)))\n"
        "model.add(Conv2D(32, 3, 1))\n"
        "m3 = Sequential([Convolution3D(8, 3, 3, 3, input_shape=(8, 8, 8, 1))])\n"
    )
    assert found(code) == [("removed-api", 4), ("removed-api", 7)]
    assert "`Conv2D(32, (3, 3))`" in messages(code)[0]
    assert "`Conv3D(8, (3, 3, 3))`" in messages(code)[1]


def test_removed_modules_and_names_at_the_import() -> None:
    code = (
        "from keras.models import Sequential\n"
        "from keras.layers.core import Dense\n"
        "from keras.utils import np_utils\n"
        "import keras.engine.topology\n"
        "from keras.wrappers.scikit_learn import KerasClassifier\n"
        "from keras.layers import CuDNNLSTM, Dense as D\n"
        "from tensorflow.keras.layers.experimental import preprocessing\n"
        "from keras.preprocessing.text import Tokenizer\n"
        "model = Sequential([Dense(4, input_shape=(3,)), CuDNNLSTM(4)])\n"
    )
    # the layer calls are not reported again: their import already is
    assert found(code) == [("removed-api", n) for n in range(2, 9)]
    text = " ".join(messages(code))
    assert "to_categorical" in text and "scikeras" in text and "`LSTM`" in text


def test_removed_things_reached_by_attribute_at_the_call() -> None:
    code = (
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([\n"
        "    tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255, input_shape=(8,)),\n"
        "    tf.keras.layers.CuDNNGRU(4),\n"
        "])\n"
    )
    assert found(code) == [("removed-api", 3), ("removed-api", 4)]


def test_keras3_aliases_and_kept_modules_are_clean() -> None:
    code = (
        "import numpy as np\n"
        "from tensorflow.keras.preprocessing.text import Tokenizer\n"
        "from keras.preprocessing.image import load_img\n"
        "from keras.preprocessing.sequence import pad_sequences\n"
        "from keras.optimizers.legacy import Adam as LegacyAdam\n"
        "from keras.layers import Convolution2D, MaxPool2D, AvgPool2D, LeakyReLU, InputLayer\n"
        "from keras.layers import Embedding, Flatten, Dense\n"
        "from keras.models import Sequential\n"
        "from keras.optimizers import Adam\n"
        "model = Sequential()\n"
        "model.add(InputLayer(input_shape=(28, 28, 1)))\n"
        "model.add(Convolution2D(32, (3, 3)))\n"
        "model.add(LeakyReLU(alpha=0.1))\n"
        "model.add(MaxPool2D())\n"
        "model.add(AvgPool2D(2))\n"
        "model.add(Flatten())\n"
        "model.add(Dense(10, activation='softmax'))\n"
        "model.compile(optimizer=Adam(learning_rate=1e-3), loss='mse')\n"
        "model.fit(np.zeros((4, 28, 28, 1)), np.zeros(4), epochs=1)\n"
        "text = Sequential([Embedding(100, 8, input_length=10), Flatten(), Dense(1)])\n"
    )
    assert found(code) == []


def test_version_fallbacks_are_silent() -> None:
    code = (
        "import keras\n"
        "from keras.layers import Dense\n"
        "from keras.models import Sequential\n"
        "from keras.optimizers import Adam\n"
        "try:\n"
        "    from keras.utils import np_utils\n"
        "except ImportError:\n"
        "    np_utils = None\n"
        "try:\n"
        "    from tensorflow.keras.utils import to_categorical\n"
        "except ImportError:\n"
        "    from keras.utils.np_utils import to_categorical\n"
        "if keras.__version__.startswith('2'):\n"
        "    opt = Adam(lr=0.01)\n"
        "else:\n"
        "    opt = Adam(learning_rate=0.01)\n"
        "model = Sequential([Dense(1, input_shape=(3,))])\n"
        "model.compile(optimizer=opt, loss='mse')\n"
        "try:\n"
        "    model.fit_generator(batches(), steps_per_epoch=3)\n"
        "except AttributeError:\n"
        "    model.fit(batches(), steps_per_epoch=3)\n"
    )
    assert found(code) == []


def test_files_running_keras2_on_purpose_are_silent() -> None:
    tf_keras = (
        "from tf_keras.models import Sequential\n"
        "from tf_keras.layers import Dense\n"
        "from tf_keras.optimizers import Adam\n"
        "model = Sequential([Dense(1, input_shape=(3,), init='uniform')])\n"
        "model.compile(optimizer=Adam(lr=0.1), loss='mse')\n"
        "model.fit_generator(batches(), nb_epoch=3)\n"
    )
    legacy_env = (
        "import os\n"
        "os.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])\n"
        "model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.1), loss='mse')\n"
    )
    internal = (
        "from tensorflow.python.keras.utils import np_utils\n"
        "from tensorflow.python.keras.models import Sequential\n"
    )
    # a package's own handle on the Keras 2 package (TensorFlow Probability's)
    shim = (
        "from tensorflow_probability.python.internal import tf_keras\n"
        "model = tf_keras.Sequential([tf_keras.layers.Dense(1, input_shape=(3,))])\n"
        "model.compile(optimizer=tf_keras.optimizers.legacy.Adam(lr=0.1), loss='mse')\n"
    )
    assert found(tf_keras) == found(legacy_env) == found(internal) == found(shim) == []
    # (judged as Keras 3 when the package hands out a module named keras: its version is
    # not known, as for tensorflow.python.keras's attributes)
    unsure = shim.replace(
        "tensorflow_probability.python.internal import tf_keras",
        "keras_tuner.backend import keras as tf_keras",
    )
    assert found(unsure) != []


def test_callback_keywords() -> None:
    code = (
        "from keras.callbacks import ModelCheckpoint, TensorBoard, ReduceLROnPlateau\n"
        "ckpt = ModelCheckpoint('best.keras', period=5)\n"
        "board = TensorBoard(log_dir='logs', write_grads=True)\n"
        "plateau = ReduceLROnPlateau(epsilon=1e-4)\n"
    )
    assert found(code) == [("removed-api", 2), ("removed-api", 3)]


def test_one_finding_per_call_lists_every_removed_name() -> None:
    code = (
        "from keras.optimizers import SGD\n"
        "opt = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)\n"
    )
    (message,) = messages(code)
    assert "`lr=`" in message and "`decay=`" in message
    assert len(uses(code)) == 2


def test_module_tables_match_what_keras3_imports() -> None:
    assert api.removed_module("keras.layers.core", standalone=True) is not None
    assert api.removed_module("keras.layers.experimental.preprocessing", False) is not None
    assert api.removed_module("keras.preprocessing.text", standalone=True) is not None
    assert api.removed_module("keras.preprocessing.text", standalone=False) is None
    for kept in (
        "keras.preprocessing.image",
        "keras.preprocessing.sequence",
        "keras.optimizers.legacy",
        "keras.legacy.saving",
        "keras.utils",
        "keras.layers",
    ):
        assert api.removed_module(kept, standalone=True) is None, kept
    # Keras 1's Merge layer: the import fails (branching-in-sequential covers its use)
    assert api.removed_name("keras.layers", "Merge", standalone=True) is not None
    assert api.removed_name("keras.layers", "ThresholdedReLU", standalone=False) is None
    assert api.removed_name("keras.layers", "ThresholdedReLU", standalone=True) is not None


def test_a_guarded_import_of_a_removed_layer_covers_its_calls() -> None:
    code = (
        "from keras.models import Sequential\n"
        "try:\n"
        "    from keras.layers import CuDNNLSTM as LSTM\n"
        "except ImportError:\n"
        "    from keras.layers import LSTM\n"
        "model = Sequential([LSTM(8, input_shape=(10, 4))])\n"
    )
    assert found(code) == []


def test_decay_zero_changes_nothing() -> None:
    code = "from keras.optimizers import Adam\nopt = Adam(learning_rate=0.01, decay=0.0)\n"
    assert found(code) == []


def test_a_try_that_only_catches_keyboard_interrupt_does_not_hide_findings() -> None:
    code = MODEL + (
        "try:\n"
        "    model.fit_generator(gen, steps_per_epoch=4)\n"
        "except KeyboardInterrupt:\n"
        "    pass\n"
    )
    assert found(code) == [("removed-api", 8)]


def test_keras1_compile_class_mode_is_removed_api_not_a_typo() -> None:
    code = (
        "import keras\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])\n"
        'model.compile(optimizer="adam", loss="mse", class_mode="binary")\n'
    )
    found = [(d.name, d.span.line) for d in lint(code)]
    assert found == [("removed-api", 3)]


def test_removed_calls_under_unknown_conditions_are_reported_but_not_version_branches() -> None:
    code = """
import sys
import numpy as np
import keras
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import SGD

model = Sequential([Dense(1, input_dim=4)])
if sys.argv[1] == "sgd":
    opt = SGD(lr=0.1)
else:
    opt = "adam"
model.compile(optimizer=opt, loss="mse")
x = np.random.rand(10, 4)
for _ in range(int(sys.argv[2])):
    model.add(Dense(1, init="uniform"))
if sys.argv[3] == "gen":
    model.fit_generator(iter([(x, x[:, 0])]), steps_per_epoch=1)
if keras.__version__.startswith("1"):
    model.fit(x, x[:, 0], nb_epoch=2)
if hasattr(model, "predict_classes"):
    model.predict_classes(x)
try:
    model.fit_generator(iter([(x, x[:, 0])]), steps_per_epoch=1)
except AttributeError:
    model.fit(x, x[:, 0])
"""
    assert [line for _, line in found(code)] == [11, 17, 19]


def test_np_utils_reached_by_attribute_is_reported_at_the_call() -> None:
    code = """
import numpy as np
from tensorflow import keras
y = keras.utils.np_utils.to_categorical(np.random.randint(0, 3, 30), 3)
z = keras.utils.to_categorical(np.random.randint(0, 3, 30), 3)
"""
    assert found(code) == [("removed-api", 4)]


def test_legacy_optimizers_cannot_be_created() -> None:
    code = """
import tensorflow as tf
opt = tf.keras.optimizers.legacy.Adam(learning_rate=0.1)
"""
    assert found(code) == [("removed-api", 3)]
    assert "use `keras.optimizers.Adam`" in messages(code)[0]


def test_keras1_signature_through_the_keras3_name_and_no_clashing_rename() -> None:
    code = """
from keras.layers import Conv2D
from keras.models import Sequential
model = Sequential()
model.add(Conv2D(24, 5, 5, subsample=(2, 2), input_shape=(66, 200, 3)))
model.add(Conv2D(24, 5, 5, activation="relu"))
"""
    first, second = messages(code)
    assert "`Conv2D(24, 5, 5)` is the Keras 1 signature" in first
    # no Keras 1 keyword shows it, but a repeated kernel size is the Keras 1 habit too
    assert "in Keras 2/3 this means strides=5" in second
    # strides is already given positionally: renaming subsample= would pass it twice
    (use,) = [u for u in uses(code) if u.kind == "layer_keyword"]
    assert use.old == "subsample" and use.new is None


def test_names_gone_from_kept_modules_reached_by_attribute() -> None:
    code = (
        "import keras\n"
        "from keras import backend as K\n"
        "from keras.constraints import maxnorm\n"
        'K.set_image_dim_ordering("th")\n'
        "opt = keras.optimizers.rmsprop(lr=0.001, decay=1e-6)\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])\n"
        'model.compile(optimizer=opt, loss="mse")\n'
    )
    assert found(code) == [("removed-api", n) for n in (3, 4, 5)]
    text = " ".join(messages(code))
    assert "keras.optimizers.RMSprop" in text and "set_image_data_format" in text
    assert "MaxNorm" in text
    # what Keras 3 still has is left alone
    kept = (
        "import keras\nfrom keras import backend as K\n"
        "from keras.constraints import max_norm\n"
        'K.set_image_data_format("channels_last")\n'
        "opt = keras.optimizers.RMSprop(learning_rate=0.001)\n"
    )
    assert found(kept) == []


def test_layers_gone_from_standalone_keras_only() -> None:
    """Keras 3.15.1 has no RandomHeight/RandomWidth; TensorFlow 2.21's tf.keras still does."""
    code = (
        "from keras.layers import RandomHeight, RandomZoom\n"
        "from tensorflow.keras.layers import RandomWidth\n"
    )
    assert found(code) == [("removed-api", 1)]
    assert "RandomZoom" in messages(code)[0]


def test_short_loss_aliases_are_gone_from_standalone_keras_only() -> None:
    """Keras 2's VAE example imported ``mse`` from keras.losses; Keras 3.15.1 has only the long
    names there (tf.keras in TensorFlow 2.21 keeps the aliases)."""
    code = (
        "from keras.losses import mse, binary_crossentropy\n"
        "from keras.metrics import mae\n"
        "from tensorflow.keras.losses import MSE\n"
    )
    assert found(code) == [("removed-api", 1), ("removed-api", 2)]
    assert "keras.losses.mean_squared_error" in messages(code)[0]


def test_names_keras_3_dropped_from_modules_that_stay_come_from_the_derived_table() -> None:
    """seqlint/data/removed_api.json (scripts/derive_removed_api.py): each was an ImportError
    under Keras 3.15.1; a name that moved says where to."""
    code = (
        "from keras.preprocessing.image import ImageDataGenerator\n"
        "from keras.optimizers.legacy import Adamax\n"
        "from keras.preprocessing.image import load_img\n"
        "from tensorflow.keras.preprocessing.image import ImageDataGenerator as TFGen\n"
    )
    diags = lint(code)
    assert [(d.name, d.span.line) for d in diags] == [("removed-api", 1), ("removed-api", 2)]
    assert "image_dataset_from_directory" in diags[0].message
    assert "`keras.optimizers.Adamax`" in diags[1].message


def test_a_repeated_kernel_size_reads_as_keras1_but_other_strides_do_not() -> None:
    code = """
from keras.layers import Conv1D, Conv2D
from keras.models import Sequential
model = Sequential()
model.add(Conv2D(32, 3, 3, activation="relu", input_shape=(28, 28, 1)))
model.add(Conv1D(8, 5, 5))
model.add(Conv2D(32, 3, 2))
model.add(Conv2D(32, 3, strides=3))
model.add(Conv2D(32, 2, 2, padding="same"))
"""
    assert [u.loc.line for u in uses(code) if u.kind == "signature"] == [5, 6]


def _fixed(code: str) -> tuple[str, bool] | None:
    """The file after the removed-api fix of its one finding, and whether it is safe."""
    from seqlint import fix as fixer

    (diag,) = [d for d in lint(code) if d.name == "removed-api"]
    if diag.fix is None:
        return None
    doc = fixer.PythonDocument("m.py", textwrap.dedent(code), "utf-8")
    return doc.apply(list(diag.fix.edits)).text, diag.fix.safe


def test_decay_becomes_an_inverse_time_decay_schedule_and_never_blocks_the_lr_rename() -> None:
    with_keras = (
        "import keras\n"
        "from keras.optimizers import SGD\n"
        "sgd = SGD(lr=0.01, momentum=0.9, decay=1e-6, nesterov=True)\n"
    )
    # plain --fix: the safe rename, so the call runs in Keras 3; decay= is still reported
    text, left = _fix_all(with_keras)
    assert text.endswith("sgd = SGD(learning_rate=0.01, momentum=0.9, decay=1e-6, nesterov=True)\n")
    assert len(left) == 1 and "decay=" in left[0]
    text, left = _fix_all(with_keras, unsafe=True)
    assert left == []
    assert text.endswith(
        "sgd = SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, "
        "decay_steps=1, decay_rate=1e-6), momentum=0.9, nesterov=True)\n"
    )
    # the file cannot spell keras.optimizers.schedules (its name is taken): the lr= rename
    # is still offered
    bare = "from keras.optimizers import SGD\nschedules = []\nsgd = SGD(lr=0.01, decay=1e-6)\n"
    text, left = _fix_all(bare, unsafe=True)
    assert text.endswith("sgd = SGD(learning_rate=0.01, decay=1e-6)\n") and len(left) == 1


def _fix_all(code: str, unsafe: bool = False) -> tuple[str, list[str]]:
    """The file after ``--fix`` (``--unsafe-fixes``), and the removed-api findings left."""
    from seqlint import fix as fixer
    from seqlint.check import check_source

    def run(src: SourceFile) -> list[Diagnostic]:
        return check_source(src, {"SEQ401"})

    result = fixer.fix_bytes("m.py", textwrap.dedent(code).encode(), run, unsafe=unsafe)
    assert result.error is None and result.converged
    text = (result.data or textwrap.dedent(code).encode()).decode()
    return text, [d.message for d in result.remaining]


def test_imports_of_removed_modules_point_at_the_keras3_module() -> None:
    code = """\
    import tensorflow as tf
    from keras.layers.core import Dense, Dropout
    from keras.layers.convolutional import Conv2D, MaxPooling2D
    from tensorflow.keras.layers.experimental.preprocessing import Rescaling
    from keras.utils.np_utils import to_categorical
    from keras.engine.topology import Layer
    """
    text, left = _fix_all(code)
    assert left == []
    assert text == textwrap.dedent("""\
    import tensorflow as tf
    from keras.layers import Dense, Dropout
    from keras.layers import Conv2D, MaxPooling2D
    from tensorflow.keras.layers import Rescaling
    from keras.utils import to_categorical
    from keras.layers import Layer
    """)


def test_a_name_keras3_lacks_stays_behind_and_keeps_the_finding() -> None:
    # Highway has no Keras 3 home: rewriting its module would still fail; Dense moves out
    code = "from keras.layers.core import Dense, Highway\nfrom keras.utils.np_utils import x\n"
    text, left = _fix_all(code, unsafe=True)
    assert text == (
        "from keras.layers.core import Highway\n"
        "from keras.layers import Dense\n"
        "from keras.utils.np_utils import x\n"
    )
    assert len(left) == 2


def test_a_removed_module_imported_as_a_name_is_bound_to_its_keras3_twin() -> None:
    code = """\
    from keras.utils import np_utils
    import keras.layers.core as core
    y = np_utils.to_categorical([0, 1], 2)
    d = core.Dense(3)
    """
    text, left = _fix_all(code)
    assert left == []
    assert text.startswith(
        "from keras import utils as np_utils\nfrom keras import layers as core\n"
    )
    # an attribute Keras 3's module lacks: no fix
    code = "from keras.utils import np_utils\nf = np_utils.conv_output_length\n"
    assert _fix_all(code, unsafe=True)[0] == code


def test_renamed_names_keep_their_old_binding() -> None:
    code = """\
    import keras
    from keras.optimizers import adam, sgd as S
    from keras.constraints import maxnorm
    opt = adam(learning_rate=0.1)
    model = keras.Sequential([keras.layers.core.Dense(3, kernel_constraint=maxnorm(2))])
    other = keras.optimizers.rmsprop()
    """
    text, left = _fix_all(code)
    assert left == []
    assert "from keras.optimizers import Adam as adam, SGD as S\n" in text
    assert "from keras.constraints import MaxNorm as maxnorm\n" in text
    assert "model = keras.Sequential([keras.layers.Dense(3," in text
    assert "other = keras.optimizers.RMSprop()" in text


def test_keras1_convolution_signature_and_keywords_become_keras3_arguments() -> None:
    code = """\
    from keras.layers import Convolution2D, Conv1D, Dense, BatchNormalization
    from keras.models import Sequential
    m = Sequential()
    m.add(Convolution2D(32, 3, 3, border_mode="same", init="he_normal"))
    m.add(Convolution2D(24, 5, 5, subsample=(2, 2), dim_ordering='th'))
    m.add(Convolution2D(nb_filter=8, nb_row=3, nb_col=3))
    m.add(BatchNormalization(mode=0))
    m.add(Dense(output_dim=10))
    """
    text, left = _fix_all(code)
    assert left == []
    assert text.splitlines()[3:] == [
        'm.add(Convolution2D(32, (3, 3), padding="same", kernel_initializer="he_normal"))',
        "m.add(Convolution2D(24, (5, 5), strides=(2, 2), data_format='channels_first'))",
        "m.add(Convolution2D(filters=8, kernel_size=(3, 3)))",
        "m.add(BatchNormalization())",
        "m.add(Dense(units=10))",
    ]


def test_a_signature_that_runs_in_keras3_is_rewritten_only_as_unsafe() -> None:
    # Convolution2D(32, 3, 3) runs in Keras 3 with strides=3: the fix changes what it does
    code = """\
    from keras.layers import Convolution2D, Conv1D
    from keras.models import Sequential
    m = Sequential()
    m.add(Convolution2D(32, 3, 3))
    m.add(Conv1D(64, 5, 5))
    m.add(Convolution2D(32, 3, 3, 'same'))
    """
    code = textwrap.dedent(code)
    assert _fix_all(code)[0] == code
    text, left = _fix_all(code, unsafe=True)
    assert text.splitlines()[3:] == [
        "m.add(Convolution2D(32, (3, 3)))",
        "m.add(Conv1D(64, 5))",
        "m.add(Convolution2D(32, 3, 3, 'same'))",  # a fourth positional: left to the user
    ]
    assert len(left) == 1


def test_keywords_that_only_tuned_speed_or_logging_are_dropped() -> None:
    code = """\
    from keras.layers import Dense
    from keras.models import Sequential
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse", class_mode="binary")
    model.fit(x, y, nb_epoch=2, show_accuracy=True, workers=4)
    """
    text, left = _fix_all(code)
    assert left == []
    assert 'model.compile(optimizer="adam", loss="mse")\n' in text
    assert "model.fit(x, y, epochs=2)\n" in text
    # a value that changes behaviour is not dropped
    code = "import keras\nm = keras.Sequential([keras.layers.LSTM(4, time_major=True)])\n"
    assert _fix_all(code, unsafe=True)[0] == code


def test_image_dim_ordering_becomes_image_data_format_with_its_values() -> None:
    code = """\
    from keras import backend as K
    K.set_image_dim_ordering("th")
    if K.image_dim_ordering() == 'tf':
        pass
    mode = K.image_dim_ordering()
    """
    text, left = _fix_all(code)
    assert 'K.set_image_data_format("channels_first")' in text
    assert "if K.image_data_format() == 'channels_last':" in text
    assert len(left) == 1  # the bare call returns other values now: unsafe
    text, left = _fix_all(code, unsafe=True)
    assert "mode = K.image_data_format()" in text and left == []


def test_legacy_optimizer_and_positional_learning_rate_with_decay() -> None:
    code = """\
    import keras
    from keras.optimizers import Adam
    a = keras.optimizers.legacy.SGD(lr=0.1)
    b = Adam(1e-3, decay=1e-4)
    """
    text, left = _fix_all(code, unsafe=True)
    assert left == []
    assert "a = keras.optimizers.SGD(learning_rate=0.1)" in text
    assert (
        "b = Adam(keras.optimizers.schedules.InverseTimeDecay(1e-3, decay_steps=1, "
        "decay_rate=1e-4))" in text
    )


def test_a_name_with_no_keras3_equivalent_says_so_and_has_no_fix() -> None:
    code = "from keras.preprocessing.image import ImageDataGenerator\n"
    (diag,) = lint(code, select={"SEQ401"})
    assert diag.fix is None and "no drop-in Keras 3 equivalent" in diag.message


def test_notebook_import_fix_reads_the_uses_in_every_cell() -> None:
    import json

    from seqlint import fix as fixer
    from seqlint.check import check_source

    def cell(src: str) -> dict[str, object]:
        return {"cell_type": "code", "metadata": {}, "outputs": [], "source": src}

    def notebook(second: str) -> bytes:
        cells = [cell("from keras.utils import np_utils\n"), cell(second)]
        return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}).encode()

    def run(src: SourceFile) -> list[Diagnostic]:
        return check_source(src, {"SEQ401"})

    ok = fixer.fix_bytes("m.ipynb", notebook("y = np_utils.to_categorical([0, 1], 2)\n"), run)
    assert ok.data is not None and ok.remaining == []
    assert "from keras import utils as np_utils" in ok.data.decode()
    # a use in another cell that Keras 3's keras.utils lacks: no fix at all
    kept = fixer.fix_bytes("m.ipynb", notebook("n = np_utils.conv_output_length\n"), run)
    assert kept.data is None and len(kept.remaining) == 1


@pytest.mark.parametrize(("old", "new"), [("CuDNNLSTM", "LSTM"), ("CuDNNGRU", "GRU")])
def test_cudnn_layers_import_the_plain_layer_under_their_old_name(old: str, new: str) -> None:
    # Keras 3's LSTM/GRU use cuDNN by themselves; with their defaults they compute what the
    # cuDNN-only layers did, and the rewritten file builds under Keras 3.15.1
    code = f"import keras\nfrom keras.layers import {old}\nm = keras.Sequential([{old}(8)])\n"
    found = _fixed(code)
    assert found is not None
    text, safe = found
    assert safe
    assert f"from keras.layers import {new} as {old}\n" in text


def test_layers_built_outside_a_sequential_are_checked_too() -> None:
    # Keras 3 raises on these wherever the layer is constructed
    code = """\
    from keras.layers import Dense, Input, LSTM
    from keras.models import Model
    x = Input(shape=(3,))
    d = Dense(4, init="uniform")
    y = d(x)
    z = Dense(1, W_regularizer=None)(y)
    def helper():
        return LSTM(3, inner_init="orthogonal")
    for i in range(3):
        y = Dense(2, output_dim=2)(y)
    try:
        legacy = Dense(1, init="zero")
    except TypeError:
        pass
    """
    assert [line for name, line in found(code)] == [4, 6, 8, 10]
    text, left = _fix_all(code)
    assert 'd = Dense(4, kernel_initializer="uniform")' in text
    assert 'return LSTM(3, recurrent_initializer="orthogonal")' in text


def test_a_layer_built_twice_by_one_helper_is_one_finding() -> None:
    code = """\
    from keras.layers import Dense
    from keras.models import Sequential
    def block(n):
        return Dense(n, init="uniform")
    m = Sequential([block(4), block(2)])
    """
    assert messages(code) == [
        "`init=` on `Dense` is a Keras 1/2 argument Keras 3 rejects: use `kernel_initializer=`"
    ]


def test_branches_on_a_name_set_from_the_version_are_compatibility_code() -> None:
    # keras_2 = ... keras.__version__ ...: the Keras 1 branch is there on purpose
    code = """\
    import keras
    keras_2 = int(keras.__version__.split(".")[0]) > 1
    def Dense(units, **kwargs):
        if keras_2:
            return keras.layers.Dense(units, **kwargs)
        else:
            return keras.layers.Dense(units, init="uniform", **kwargs)
    def Conv(n, other):
        if other:
            return keras.layers.Dense(n)
        return keras.layers.Dense(n, init="uniform")
    """
    assert [line for name, line in found(code)] == [11]

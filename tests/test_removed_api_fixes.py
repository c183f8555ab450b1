"""removed-api (SEQ401) fixes that rewrite Keras 1/2 code into code Keras 3 accepts.

Each expected output below was run under real Keras 3.15.1 (TensorFlow backend): the fixed
code builds the same layers without error.
"""

from __future__ import annotations

import ast
import textwrap

from seqlint import fix as fixer
from seqlint.check import check_source
from seqlint.diagnostics import Diagnostic
from seqlint.sources import SourceFile


def fix_all(code: str, unsafe: bool = False) -> tuple[str, list[str]]:
    """The file after ``--fix`` (``--unsafe-fixes``), and the removed-api findings left;
    the result always parses."""

    def run(src: SourceFile) -> list[Diagnostic]:
        return check_source(src, {"SEQ401"})

    source = textwrap.dedent(code)
    result = fixer.fix_bytes("m.py", source.encode(), run, unsafe=unsafe)
    assert result.error is None and result.converged
    text = (result.data or source.encode()).decode()
    ast.parse(text)
    return text, [d.message for d in result.remaining]


def test_batch_input_shape_without_a_batch_size_becomes_input_shape() -> None:
    code = """\
    from keras.models import Sequential
    from keras.layers import Dense, LSTM
    m = Sequential()
    m.add(LSTM(4, batch_input_shape=(None, 5, 3), return_sequences=False))
    m.add(Dense(1))
    d = Sequential([Dense(2, batch_input_shape=[None, 8])])
    """
    text, left = fix_all(code)
    assert left == []
    assert "m.add(LSTM(4, input_shape=(5, 3), return_sequences=False))\n" in text
    assert "d = Sequential([Dense(2, input_shape=(8,))])\n" in text


def test_a_fixed_batch_size_becomes_an_input_with_batch_shape() -> None:
    # Keras 3 layers reject batch_input_shape= and batch_size= alike; keras.Input keeps the
    # batch size a stateful RNN needs
    code = """\
    from keras.models import Sequential
    from keras.layers import Dense, LSTM
    BATCH = 32
    m = Sequential()
    m.add(LSTM(4, stateful=True,
               batch_input_shape=(BATCH, 5, 3)))
    m.add(Dense(1))
    """
    text, left = fix_all(code)
    assert left == []
    assert text == textwrap.dedent("""\
    from keras.models import Sequential
    from keras.layers import Dense, LSTM, Input
    BATCH = 32
    m = Sequential()
    m.add(Input(batch_shape=(BATCH, 5, 3)))
    m.add(LSTM(4, stateful=True))
    m.add(Dense(1))
    """)


def test_a_fixed_batch_size_in_a_list_uses_the_files_spelling_of_input() -> None:
    code = """\
    import tensorflow as tf
    def build(batch_size):
        return tf.keras.Sequential([
            tf.keras.layers.Embedding(100, 8,
                                      batch_input_shape=[batch_size, None]),
            tf.keras.layers.GRU(8, stateful=True),
        ])
    """
    text, left = fix_all(code)
    assert left == []
    assert text.splitlines()[2:6] == [
        "    return tf.keras.Sequential([",
        "        tf.keras.layers.Input(batch_shape=[batch_size, None]),",
        "        tf.keras.layers.Embedding(100, 8),",
        "        tf.keras.layers.GRU(8, stateful=True),",
    ]


def test_batch_input_shape_with_no_safe_rewrite_keeps_its_finding() -> None:
    # a fixed batch size on a layer that is not the first: no place for an Input
    code = """\
    from keras.models import Sequential
    from keras.layers import Dense
    m = Sequential([Dense(4, input_shape=(3,)), Dense(1, batch_input_shape=(8, 4))])
    both = Sequential([Dense(1, batch_input_shape=(None, 3), input_dim=3)])
    """
    text, left = fix_all(code, unsafe=True)
    assert text == textwrap.dedent(code) and len(left) == 2


def test_inputlayer_keeps_batch_input_shape_in_keras3() -> None:
    # keras.layers.InputLayer(batch_input_shape=...) still builds under Keras 3.15.1
    code = """\
    from keras.models import Sequential
    from keras.layers import Dense, InputLayer
    m = Sequential([InputLayer(batch_input_shape=(None, 4)), Dense(1)])
    """
    assert fix_all(code) == (textwrap.dedent(code), [])


def test_decay_in_a_file_that_never_spells_keras_imports_schedules() -> None:
    # the optimizer's own import gains ``schedules`` (Keras 3 and tf.keras both have it)
    code = """\
    from tensorflow.keras.optimizers import Adam, SGD
    g = Adam(1e-4, decay=1e-5)
    d = SGD(lr=0.01, decay=1e-6)
    """
    # plain --fix only renames lr= (the schedule is unsafe: the learning rate now decays)
    assert fix_all(code)[0] == textwrap.dedent(code).replace("lr=", "learning_rate=")
    text, left = fix_all(code, unsafe=True)
    assert left == []
    assert text == textwrap.dedent("""\
    from tensorflow.keras.optimizers import Adam, SGD, schedules
    g = Adam(schedules.InverseTimeDecay(1e-4, decay_steps=1, decay_rate=1e-5))
    d = SGD(learning_rate=schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6))
    """)


def test_notebook_fixes_importing_in_one_cell_apply_one_at_a_time() -> None:
    # two fixes that add the same name to an import in an earlier cell: one per pass, so the
    # name is imported once
    import json

    def cell(src: str) -> dict[str, object]:
        return {"cell_type": "code", "metadata": {}, "outputs": [], "source": src}

    cells = [
        cell("import numpy as np\nimport os\nfrom keras.optimizers import Adam\n"),
        cell("a = Adam(1e-4, decay=1e-5)\nb = Adam(1e-3, decay=1e-5)\n"),
    ]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}).encode()

    def run(src: SourceFile) -> list[Diagnostic]:
        return check_source(src, {"SEQ401"})

    result = fixer.fix_bytes("m.ipynb", data, run, unsafe=True)
    assert result.data is not None and result.remaining == []
    sources = ["".join(c["source"]) for c in json.loads(result.data)["cells"]]
    assert sources[0].endswith("\nfrom keras.optimizers import Adam, schedules\n")
    assert sources[1].count("schedules.InverseTimeDecay(") == 2


def test_atrous_convolutions_become_dilated_keras3_convolutions() -> None:
    code = """\
    from keras.models import Sequential
    from keras.layers import Dense, Flatten, AtrousConvolution2D
    from keras.layers import AtrousConvolution1D
    m = Sequential()
    m.add(AtrousConvolution2D(16, 3, 3, atrous_rate=(2, 2), border_mode='same',
                              input_shape=(28, 28, 1)))
    m.add(AtrousConvolution2D(nb_filter=8, nb_row=3, nb_col=3, init="he_normal"))
    m.add(Flatten())
    m.add(Dense(1))
    c = Sequential([AtrousConvolution1D(8, 2, atrous_rate=4, border_mode="causal",
                                        input_shape=(100, 1)), Flatten()])
    """
    text, left = fix_all(code)
    assert left == []
    assert text == textwrap.dedent("""\
    from keras.models import Sequential
    from keras.layers import Dense, Flatten, Conv2D
    from keras.layers import Conv1D
    m = Sequential()
    m.add(Conv2D(16, (3, 3), dilation_rate=(2, 2), padding='same',
                              input_shape=(28, 28, 1)))
    m.add(Conv2D(filters=8, kernel_size=(3, 3), kernel_initializer="he_normal"))
    m.add(Flatten())
    m.add(Dense(1))
    c = Sequential([Conv1D(8, 2, dilation_rate=4, padding="causal",
                                        input_shape=(100, 1)), Flatten()])
    """)


def test_atrous_under_its_old_name_when_the_keras3_name_is_taken() -> None:
    code = """\
    from keras.layers import Conv2D, AtrousConvolution2D
    a = AtrousConvolution2D(4, 3, 3, atrous_rate=2)
    b = Conv2D(4, (3, 3))
    """
    text, left = fix_all(code)
    assert left == []
    assert text.splitlines()[:2] == [
        "from keras.layers import Conv2D, Conv2D as AtrousConvolution2D",
        "a = AtrousConvolution2D(4, (3, 3), dilation_rate=2)",
    ]


def test_atrous_used_otherwise_than_called_or_with_weights_has_no_fix() -> None:
    subclassed = """\
    from keras.layers import AtrousConvolution1D
    class Causal(AtrousConvolution1D):
        pass
    """
    weights = """\
    from keras.layers import AtrousConvolution2D
    a = AtrousConvolution2D(4, 3, 3, weights=[w])
    """
    for code in (subclassed, weights):
        text, left = fix_all(code, unsafe=True)
        assert text == textwrap.dedent(code) and len(left) == 1


def test_multi_name_imports_rewrite_only_the_removed_names() -> None:
    code = """\
    from keras.layers import Dense, CuDNNLSTM, Highway, Dropout
    from keras.utils import np_utils, plot_model  # helpers
    y = np_utils.to_categorical([0, 1], 2)
    """
    text, left = fix_all(code)
    # Highway has no Keras 3 home: it stays, and so does its finding
    assert text == textwrap.dedent("""\
    from keras.layers import Dense, LSTM as CuDNNLSTM, Highway, Dropout
    from keras.utils import plot_model  # helpers
    from keras import utils as np_utils
    y = np_utils.to_categorical([0, 1], 2)
    """)
    assert len(left) == 1 and "`Highway`" in left[0]


def test_an_unused_removed_class_is_not_taken_for_a_module() -> None:
    # Highway is a class, not a module: ``from keras import layers as Highway`` would be wrong
    code = "from keras.layers import Highway\n"
    assert fix_all(code, unsafe=True)[0] == code


def test_a_removed_module_with_names_keras3_lacks_is_split() -> None:
    code = """\
    from keras.layers.core import Dense as D2, Highway, Dropout
    from keras.utils.np_utils import to_categorical, conv_output_length
    """
    text, left = fix_all(code)
    assert text == textwrap.dedent("""\
    from keras.layers.core import Highway
    from keras.layers import Dense as D2, Dropout
    from keras.utils.np_utils import conv_output_length
    from keras.utils import to_categorical
    """)
    assert len(left) == 2  # Highway and conv_output_length: no Keras 3 home


def test_a_keras1_signature_with_named_sizes_is_rewritten_whole() -> None:
    # renaming border_mode= alone would make the call run in Keras 3 with strides=3
    code = """\
    from keras.layers import Convolution2D
    from keras.models import Sequential
    nb_filters, kernel_size = 32, 3
    m = Sequential([
        Convolution2D(nb_filters, kernel_size, kernel_size,
                      border_mode='valid', input_shape=(28, 28, 1)),
        Convolution2D(nb_filters, kernel_size, kernel_size),
    ])
    """
    text, left = fix_all(code)
    assert text.splitlines()[4:7] == [
        "    Convolution2D(nb_filters, (kernel_size, kernel_size),",
        "                  padding='valid', input_shape=(28, 28, 1)),",
        "    Convolution2D(nb_filters, kernel_size, kernel_size),",  # runs in Keras 3: unsafe
    ]
    assert len(left) == 1
    text, left = fix_all(code, unsafe=True)
    assert "    Convolution2D(nb_filters, (kernel_size, kernel_size)),\n" in text and left == []


def test_keywords_next_to_a_signature_that_cannot_be_rewritten_are_not_renamed() -> None:
    code = """\
    from keras.layers import Convolution2D
    from keras.models import Sequential
    k = 3
    m = Sequential([Convolution2D(32, *[k, k], border_mode='same', input_shape=(8, 8, 1))])
    """
    text, left = fix_all(code, unsafe=True)
    assert text == textwrap.dedent(code)
    assert len(left) == 1 and "Keras 1 signature" in left[0] and "`border_mode=`" in left[0]


def test_batch_size_next_to_the_input_shape_becomes_an_input() -> None:
    # Keras 3 layers reject batch_size=; keras.Input(shape=..., batch_size=...) keeps both
    code = """\
    from keras.models import Sequential
    from keras.layers import Dense, LSTM
    m = Sequential()
    m.add(LSTM(4, input_shape=(5, 3), batch_size=32, stateful=True))
    m.add(Dense(1))
    d = Sequential([Dense(2, input_dim=8, batch_size=16), Dense(1)])
    """
    text, left = fix_all(code)
    assert left == []
    assert text == textwrap.dedent("""\
    from keras.models import Sequential
    from keras.layers import Dense, LSTM, Input
    m = Sequential()
    m.add(Input(shape=(5, 3), batch_size=32))
    m.add(LSTM(4, stateful=True))
    m.add(Dense(1))
    d = Sequential([Input(shape=(8,), batch_size=16), Dense(2), Dense(1)])
    """)
    # no input shape to go with it: left to the user
    code = "import keras\nm = keras.Sequential([keras.layers.Dense(2, batch_size=16)])\n"
    assert fix_all(code, unsafe=True)[0] == code

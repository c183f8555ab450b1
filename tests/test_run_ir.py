"""What the IR records for ``seqlint run``: data the file loads and pads, arrays shuffled on
their own, ``trainable`` assignments (also through ``model.layers``)."""

from __future__ import annotations

import textwrap

from seqlint import check as engine
from seqlint.ir import ArrayInfo
from seqlint.sources import source_from_bytes


def _models(code: str) -> list:
    src = source_from_bytes("model.py", textwrap.dedent(code).encode())
    return [m for m, _ in engine.analyse(src).models()]


def test_imdb_and_pad_sequences_give_shapes_and_ranges() -> None:
    (model,) = _models(
        """
        import keras
        (x, y), _ = keras.datasets.imdb.load_data(num_words=5000)
        x = keras.utils.pad_sequences(x, maxlen=120)
        model = keras.Sequential([keras.layers.Embedding(5000, 8),
                                  keras.layers.GlobalAveragePooling1D(),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.fit(x, y)
        """
    )
    x, y = model.fit_call.args[:2]
    assert isinstance(x, ArrayInfo) and (x.shape, x.low, x.high) == ((25000, 120), 0.0, 4999.0)
    assert isinstance(y, ArrayInfo) and (y.shape, y.n_classes) == ((25000,), 2)


def test_shuffling_labels_alone_marks_them() -> None:
    (model,) = _models(
        """
        import numpy as np
        import keras
        x = np.random.rand(100, 4)
        y = np.random.randint(0, 3, 100)
        idx = np.random.permutation(100)
        x, y = x[idx], y[idx]
        np.random.shuffle(y)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
        model.fit(x, keras.utils.to_categorical(y, 3))
        """
    )
    x, y = model.fit_call.args[:2]
    assert not x.permuted and y.permuted and y.encoding == "onehot"


def test_trainable_assignments_are_recorded() -> None:
    (model,) = _models(
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3),
                                  keras.layers.Dense(2)])
        for layer in model.layers[:1]:
            layer.trainable = False
        model.layers[-1].trainable = True
        model.trainable = False
        """
    )
    first, second = (e.item for e in model.entries[1:])
    assert [(v, loc.line) for v, loc, _ in first.trainable_sets] == [(False, 6)]
    assert [(v, loc.line) for v, loc, _ in second.trainable_sets] == [(True, 7)]
    assert [(c.method, c.args, c.loc.line) for c in model.calls] == [("trainable=", (False,), 8)]


def test_sparse_loss_compiled_after_the_one_hot_fit_is_not_a_label_mismatch() -> None:
    """A notebook recompiles with another loss after training (no fit follows): the fit's
    labels never met that loss."""
    src = source_from_bytes(
        "nb.py",
        textwrap.dedent(
            """
            import keras
            (x, y), _ = keras.datasets.reuters.load_data(num_words=100)
            x = keras.utils.pad_sequences(x, maxlen=10)
            model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(46,
                                      activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, keras.utils.to_categorical(y))
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            """
        ).encode(),
    )
    assert not [d for d in engine.check_source(src) if d.code == "SEQ203"]

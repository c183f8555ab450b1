"""``ReversibleEmbedding`` in a Sequential: Keras calls it with ``reverse=False``, a lookup."""

from __future__ import annotations

import numpy as np

from seqlint.runtime import Input, Sequential
from seqlint.runtime import layers as L


def test_forward_is_a_lookup_of_the_embeddings_and_untied_weights_are_built() -> None:
    # Keras 3.15.1: weights embeddings (20, 4) and reverse_embeddings (4, 20); output (1, 5, 4)
    layer = L.ReversibleEmbedding(20, 4, tie_weights=False, logit_soft_cap=5.0)
    model = Sequential([Input((5,), dtype="int32"), layer])
    assert [w.shape for w in layer.weights] == [(20, 4), (4, 20)]
    assert model.count_params() == 160
    table = np.arange(80, dtype="float32").reshape(20, 4)
    layer.embeddings.assign(table)
    ids = np.array([[1, 2, 3, 19, 0]])
    np.testing.assert_array_equal(model.predict(ids, verbose=0), table[ids])


def test_it_trains_in_a_classifier() -> None:
    model = Sequential(
        [Input((6,), dtype="int32"), L.ReversibleEmbedding(30, 8), L.Flatten(), L.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 30, (128, 6))
    y = (x[:, :1] > 15).astype("float32")
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2

"""GRU ``recurrent_dropout`` in training: Keras switches to ``implementation=1`` and masks the
state separately for each gate; the runtime does the same (its gradient is checked in
``test_runtime_gradcheck.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from seqlint.runtime import layers as L


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_recurrent_dropout_changes_training_outputs_only(reset_after: bool) -> None:
    x = np.random.default_rng(0).normal(size=(4, 6, 3))
    gru = L.GRU(5, recurrent_dropout=0.5, reset_after=reset_after, seed=1, dtype="float64")
    plain = L.GRU(5, reset_after=reset_after, dtype="float64")
    gru(x)
    plain(x)
    plain.set_weights(gru.get_weights())
    np.testing.assert_allclose(gru(x, training=False), plain(x, training=False))
    a, b = gru(x, training=True), gru(x, training=True)
    assert not np.allclose(a, plain(x)) and not np.allclose(a, b)
    # the first step starts from a zero state: recurrent dropout cannot change it
    first = L.GRU(5, recurrent_dropout=0.5, reset_after=reset_after, seed=1, dtype="float64")
    first(x[:, :1])
    first.set_weights(gru.get_weights())
    np.testing.assert_allclose(first(x[:, :1], training=True), plain(x[:, :1]), rtol=1e-12)

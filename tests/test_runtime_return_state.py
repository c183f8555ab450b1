"""``return_state=True`` inside a Sequential model, as Keras 3.15.1 treats it (checked outside
the repository): a following layer fails to build ('Layer "dense" expects 1 input(s), but it
received 3 input tensors. ...'); as the last layer the model builds with several outputs."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import lint

from seqlint.runtime import Input, Sequential, layers


@pytest.mark.parametrize(("rnn", "count"), [("LSTM", 3), ("GRU", 2), ("SimpleRNN", 2)])
def test_a_layer_after_return_state_fails_in_check_and_run_as_in_keras(
    rnn: str, count: int
) -> None:
    source = (
        "import keras\nfrom keras import layers\n\n"
        f"model = keras.Sequential([keras.Input((5, 3)), layers.{rnn}(4, return_state=True),\n"
        "    layers.Dense(1)])\n"
    )
    (found,) = lint(source, select={"SEQ105"})
    assert f"expects 1 input(s), but it received {count} input tensors" in found.message
    assert found.span.line == 5
    with pytest.raises(ValueError) as info:
        Sequential(
            [Input((5, 3)), getattr(layers, rnn)(4, return_state=True), layers.Dense(1, name="out")]
        )
    assert str(info.value) == (
        f'Layer "out" expects 1 input(s), but it received {count} input tensors.'
    )


def test_return_state_as_the_last_layer_builds_but_several_outputs_are_refused() -> None:
    model = Sequential([Input((5, 3)), layers.LSTM(4, return_state=True)])
    assert model.output_shape == (None, 4)  # Keras: [(None, 4), (None, 4), (None, 4)]
    with pytest.raises(NotImplementedError, match="3 outputs"):
        model.predict(np.ones((2, 5, 3)), verbose=0)


def test_without_return_state_nothing_changes() -> None:
    source = (
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([keras.Input((5, 3)), layers.LSTM(4, return_state=False),\n"
        "    layers.Dense(1)])\n"
    )
    assert lint(source, select={"SEQ105"}) == []
    model = Sequential([Input((5, 3)), layers.GRU(4), layers.Dense(1)])
    assert model.predict(np.ones((2, 5, 3)), verbose=0).shape == (2, 1)

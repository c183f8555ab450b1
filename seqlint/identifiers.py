"""Names Keras 3 accepts for string identifiers (activation, padding, ...)."""

from __future__ import annotations

# keras.activations.get(name) succeeds for exactly these (Keras 3.15, case-sensitive).
ACTIVATIONS = frozenset(
    {
        "celu",
        "elu",
        "exponential",
        "gelu",
        "glu",
        "hard_shrink",
        "hard_sigmoid",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "linear",
        "log_sigmoid",
        "log_softmax",
        "mish",
        "relu",
        "relu6",
        "selu",
        "sigmoid",
        "silu",
        "soft_shrink",
        "softmax",
        "softplus",
        "softsign",
        "sparse_plus",
        "sparse_sigmoid",
        "sparsemax",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
        "threshold",
    }
)

PADDINGS = frozenset({"valid", "same", "causal"})
DATA_FORMATS = frozenset({"channels_last", "channels_first"})


def bad_identifier(param: str, value: object) -> bool:
    """True when Keras would reject this string for this argument at construction."""
    if not isinstance(value, str):
        return False
    if param == "activation" or param == "recurrent_activation":
        return value not in ACTIVATIONS
    if param == "padding":
        return value.lower() not in PADDINGS
    if param == "data_format":
        return value.lower() not in DATA_FORMATS
    return False

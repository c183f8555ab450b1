"""Recurrent layers (SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D) and the wrappers Bidirectional and
TimeDistributed.

A layer that returns several tensors (``return_state=True``, ``Bidirectional(merge_mode=None)``)
has no single output shape: ``output_shape`` answers ``None`` (unknown) for it rather than
pretend the next layer receives one tensor.
"""

from __future__ import annotations

from typing import ClassVar

from seqlint.layers._common import (
    InputSpecError,
    as_bool,
    data_format,
    data_format_error,
    fmt_shape,
    inner_layer,
    int_tuple,
    padding_error,
    padding_mode,
    positive_int,
    require_ndim,
    tuple_error,
)
from seqlint.layers.base import (
    BoundArgs,
    Dim,
    LayerDef,
    LayerSpec,
    Param,
    Shape,
    ShapeError,
    WeightSpec,
    register,
)
from seqlint.layers.conv import conv_spatial, join_channels, split_channels

# Keyword arguments Keras's RNN base class accepts through **kwargs.
_RNN_EXTRA = (Param("zero_output_for_mask", False, keyword_only=True),)


class _RNN(LayerDef):
    """Input ``(batch, timesteps, features)`` (Keras: ``InputSpec(ndim=3)``)."""

    role = "recurrent"
    traits = frozenset({"sequence_output"})
    learns = True
    # number of gates: weights are ``gates * units * (features + units)`` plus biases
    gates: ClassVar[int] = 1
    # state tensors ``return_state=True`` returns after the output (LSTM: h and c)
    states: ClassVar[int] = 1

    def validate(self, args: BoundArgs) -> str | None:
        units = args["units"]
        if isinstance(units, (int, float)) and not isinstance(units, bool) and units <= 0:
            return (
                "Received an invalid value for argument `units`, expected a positive integer, "
                f"got {units}."
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, 3)
        units = positive_int(args["units"])
        seq, state = as_bool(args["return_sequences"]), as_bool(args["return_state"])
        if seq is None or state is None or state:
            return None
        if seq:
            return (input_shape[0], input_shape[1], units)
        return (input_shape[0], units)

    def _bias_rows(self, args: BoundArgs) -> int | None:
        return 1

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        require_ndim(self.name, input_shape, 3)
        units = positive_int(args["units"])
        use_bias = as_bool(args["use_bias"])
        rows = self._bias_rows(args)
        if use_bias is None or rows is None:
            return None
        width = None if units is None else self.gates * units
        specs = [
            WeightSpec("kernel", (input_shape[-1], width), args["kernel_initializer"]),
            WeightSpec("recurrent_kernel", (units, width), args["recurrent_initializer"]),
        ]
        if use_bias:
            shape = (width,) if rows == 1 else (rows, width)
            specs.append(WeightSpec("bias", shape, args["bias_initializer"]))
        return specs


@register
class SimpleRNN(_RNN):
    name = "SimpleRNN"
    gates = 1
    params = (
        Param("units"),
        Param("activation", "tanh"),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("recurrent_initializer", "orthogonal"),
        Param("bias_initializer", "zeros"),
        Param("kernel_regularizer", None),
        Param("recurrent_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("recurrent_constraint", None),
        Param("bias_constraint", None),
        Param("dropout", 0.0),
        Param("recurrent_dropout", 0.0),
        Param("return_sequences", False),
        Param("return_state", False),
        Param("go_backwards", False),
        Param("stateful", False),
        Param("unroll", False),
        Param("seed", None),
        *_RNN_EXTRA,
    )


@register
class LSTM(_RNN):
    name = "LSTM"
    gates = 4
    states = 2
    params = (
        Param("units"),
        Param("activation", "tanh"),
        Param("recurrent_activation", "sigmoid"),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("recurrent_initializer", "orthogonal"),
        Param("bias_initializer", "zeros"),
        Param("unit_forget_bias", True),
        Param("kernel_regularizer", None),
        Param("recurrent_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("recurrent_constraint", None),
        Param("bias_constraint", None),
        Param("dropout", 0.0),
        Param("recurrent_dropout", 0.0),
        Param("seed", None),
        Param("return_sequences", False),
        Param("return_state", False),
        Param("go_backwards", False),
        Param("stateful", False),
        Param("unroll", False),
        Param("use_cudnn", "auto"),
        Param("implementation", 2, keyword_only=True),
        *_RNN_EXTRA,
    )


@register
class GRU(_RNN):
    """``reset_after=True`` (the Keras 3 default) keeps two bias rows."""

    name = "GRU"
    gates = 3
    params = (
        Param("units"),
        Param("activation", "tanh"),
        Param("recurrent_activation", "sigmoid"),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("recurrent_initializer", "orthogonal"),
        Param("bias_initializer", "zeros"),
        Param("kernel_regularizer", None),
        Param("recurrent_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("recurrent_constraint", None),
        Param("bias_constraint", None),
        Param("dropout", 0.0),
        Param("recurrent_dropout", 0.0),
        Param("seed", None),
        Param("return_sequences", False),
        Param("return_state", False),
        Param("go_backwards", False),
        Param("stateful", False),
        Param("unroll", False),
        Param("reset_after", True),
        Param("use_cudnn", "auto"),
        Param("implementation", 2, keyword_only=True),
        *_RNN_EXTRA,
    )

    def _bias_rows(self, args: BoundArgs) -> int | None:
        reset_after = as_bool(args["reset_after"])
        return None if reset_after is None else (2 if reset_after else 1)


class _ConvLSTM(LayerDef):
    """Input ``(batch, time, *spatial, channels)`` (channels_last); each step is a convolution
    with ``4 * filters`` outputs (input and recurrent kernels), padding valid or same."""

    role = "recurrent"
    traits = frozenset({"spatial_output"})
    learns = True
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        """Keras's ConvLSTMCell checks: positive kernel sizes and dilations (strides may be
        0, and any number of filters is accepted), no strides > 1 with dilation > 1."""
        for name in ("kernel_size", "dilation_rate"):
            error = tuple_error(args[name], self.rank, name)
            if error is not None:
                return error
        error = padding_error(args["padding"]) or data_format_error(args["data_format"])
        if error is not None:
            return error
        strides = int_tuple(args["strides"], self.rank, allow_zero=True)
        dilation = int_tuple(args["dilation_rate"], self.rank)
        if (
            strides is not None
            and dilation is not None
            and None not in strides
            and None not in dilation
            and max(s or 0 for s in strides) > 1
            and max(d or 0 for d in dilation) > 1
        ):
            return (
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please "
                f"provide `strides=1` or `dilation_rate=1`. Received: strides={strides} and "
                f"dilation_rate={dilation}"
            )
        return None

    def _step(self, args: BoundArgs, input_shape: Shape) -> tuple[str | None, tuple[Dim, ...], Dim]:
        require_ndim(self.name, input_shape, self.rank + 3)
        step = (input_shape[0], *input_shape[2:])
        fmt = data_format(args)
        spatial, channels = split_channels(step, fmt)
        out = conv_spatial(
            self.name,
            step,
            spatial,
            int_tuple(args["kernel_size"], self.rank),
            int_tuple(args["strides"], self.rank),
            int_tuple(args["dilation_rate"], self.rank),
            padding_mode(args["padding"], ("valid", "same")),
        )
        return fmt, out, channels

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        fmt, spatial, _ = self._step(args, input_shape)
        state = join_channels(input_shape[0], spatial, positive_int(args["filters"]), fmt)[1:]
        seq, ret_state = as_bool(args["return_sequences"]), as_bool(args["return_state"])
        if seq is None or ret_state is None or ret_state:
            return None
        if seq:
            return (input_shape[0], input_shape[1], *state)
        return (input_shape[0], *state)

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """Input and recurrent kernels with ``4 * filters`` outputs (gates i, f, c, o), then the
        bias (``unit_forget_bias`` sets its f quarter to one: the runtime's initializer)."""
        _, _, channels = self._step(args, input_shape)
        kernel = int_tuple(args["kernel_size"], self.rank) or (None,) * self.rank
        filters = positive_int(args["filters"])
        use_bias = as_bool(args["use_bias"])
        if use_bias is None:
            return None
        gates = None if filters is None else 4 * filters
        specs = [
            WeightSpec("kernel", (*kernel, channels, gates), args["kernel_initializer"]),
            WeightSpec(
                "recurrent_kernel", (*kernel, filters, gates), args["recurrent_initializer"]
            ),
        ]
        if use_bias:
            specs.append(WeightSpec("bias", (gates,), args["bias_initializer"]))
        return specs


def _conv_lstm_params() -> tuple[Param, ...]:
    return (
        Param("filters"),
        Param("kernel_size"),
        Param("strides", 1),
        Param("padding", "valid"),
        Param("data_format", None),
        Param("dilation_rate", 1),
        Param("activation", "tanh"),
        Param("recurrent_activation", "sigmoid"),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("recurrent_initializer", "orthogonal"),
        Param("bias_initializer", "zeros"),
        Param("unit_forget_bias", True),
        Param("kernel_regularizer", None),
        Param("recurrent_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("recurrent_constraint", None),
        Param("bias_constraint", None),
        Param("dropout", 0.0),
        Param("recurrent_dropout", 0.0),
        Param("seed", None),
        Param("return_sequences", False),
        Param("return_state", False),
        Param("go_backwards", False),
        Param("stateful", False),
        Param("unroll", False, keyword_only=True),
        *_RNN_EXTRA,
    )


@register
class ConvLSTM1D(_ConvLSTM):
    name = "ConvLSTM1D"
    rank = 1
    params = _conv_lstm_params()


@register
class ConvLSTM2D(_ConvLSTM):
    name = "ConvLSTM2D"
    rank = 2
    params = _conv_lstm_params()


@register
class ConvLSTM3D(_ConvLSTM):
    name = "ConvLSTM3D"
    rank = 3
    params = _conv_lstm_params()


# ---- wrappers ----------------------------------------------------------------------------------


def _not_a_layer(wrapper: str, value: object) -> str | None:
    """Keras's refusal of a wrapped "layer" that is a literal (``None``, a string, a number)."""
    if value is None or isinstance(value, (str, int, float)):
        return (
            f"Please initialize `{wrapper}` layer with a `keras.layers.Layer` instance. "
            f"Received: {value}"
        )
    return None


def _inner_weights(spec: LayerSpec, input_shape: Shape) -> list[WeightSpec] | None:
    assert spec.definition is not None
    return spec.definition.weights(spec.args, input_shape)


@register
class Bidirectional(LayerDef):
    """Runs the wrapped RNN forwards and backwards and merges the two outputs.

    Keras derives the output shape from the forward layer alone (``concat`` doubles its last
    axis, ``sum``/``mul``/``ave`` keep it, ``None`` returns two tensors); the parameters are the
    forward layer's plus the backward layer's (a copy of the forward one unless
    ``backward_layer`` is given).
    """

    name = "Bidirectional"
    role = "wrapper"
    traits = frozenset({"sequence_output"})
    wraps_layer = True
    learns = True
    params = (
        Param("layer"),
        Param("merge_mode", "concat"),
        Param("weights", None),
        Param("backward_layer", None),
    )

    def validate(self, args: BoundArgs) -> str | None:
        error = _not_a_layer(self.name, args["layer"])
        if error is not None:
            return error
        mode = args["merge_mode"]
        if isinstance(mode, str) and mode not in ("sum", "mul", "ave", "concat"):
            return (
                f"Invalid merge mode. Received: {mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        spec = inner_layer(args["layer"])
        if spec is None:
            return None
        assert spec.definition is not None
        inner = spec.definition.output_shape(spec.args, input_shape)
        if inner is None:
            return None
        mode = args["merge_mode"]
        if mode == "concat":
            last = inner[-1]
            return (*inner[:-1], None if last is None else 2 * last)
        if mode in ("sum", "mul", "ave"):
            return inner
        return None  # merge_mode=None: two outputs; anything else: unknown

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """The forward layer's weights, then the backward layer's (a copy of the forward layer
        unless ``backward_layer`` is given)."""
        spec = inner_layer(args["layer"])
        if spec is None:
            return None
        forward = _inner_weights(spec, input_shape)
        backward_value = args["backward_layer"]
        backward_spec = spec if backward_value is None else inner_layer(backward_value)
        if forward is None or backward_spec is None:
            return None
        backward = _inner_weights(backward_spec, input_shape)
        return None if backward is None else [*forward, *backward]

    def activation(self, args: BoundArgs) -> str | None:
        spec = inner_layer(args["layer"])
        if spec is None or args["merge_mode"] != "concat":
            return None
        assert spec.definition is not None
        return spec.definition.activation(spec.args)


@register
class TimeDistributed(LayerDef):
    """Applies the wrapped layer to every step of axis 1: the inner layer sees
    ``(batch, *input_shape[2:])``.

    Keras does not apply the wrapped layer's ``InputSpec`` here (``TimeDistributed(LSTM(3))``
    on a rank-5 input builds), so such a rank complaint of the inner definition makes the
    result unknown rather than an error; its other errors (convolution rank, dimensions)
    still count. ``learns`` is a
    class-level guess (True); whether weights exist depends on the wrapped layer (see
    ``weights``)."""

    name = "TimeDistributed"
    role = "wrapper"
    wraps_layer = True
    learns = True
    params = (Param("layer"),)

    def validate(self, args: BoundArgs) -> str | None:
        return _not_a_layer(self.name, args["layer"])

    def _child(self, input_shape: Shape) -> Shape:
        if len(input_shape) < 3:
            raise ShapeError(
                "rank",
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {fmt_shape(input_shape)}",
            )
        return (input_shape[0], *input_shape[2:])

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        child = self._child(input_shape)
        spec = inner_layer(args["layer"])
        if spec is None:
            return None
        assert spec.definition is not None
        try:
            out = spec.definition.output_shape(spec.args, child)
        except InputSpecError:
            return None
        if out is None or len(out) == 0:
            return None
        return (out[0], input_shape[1], *out[1:])

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """The wrapped layer's weights, built on one time step."""
        child = self._child(input_shape)
        spec = inner_layer(args["layer"])
        if spec is None:
            return None
        try:
            return _inner_weights(spec, child)
        except InputSpecError:
            return None

    def activation(self, args: BoundArgs) -> str | None:
        spec = inner_layer(args["layer"])
        if spec is None:
            return None
        assert spec.definition is not None
        return spec.definition.activation(spec.args)

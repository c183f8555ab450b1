"""The rule catalogue: importing this package registers every rule."""

from seqlint.rules import (  # noqa: F401  (imported for registration)
    accuracy_on_regression,
    analysis_incomplete,
    branching,
    data_shape,
    design,
    fit_before_compile,
    hidden_softmax,
    input_shape_not_first,
    invalid_argument,
    label_encoding,
    layer_after_output,
    missing_flatten,
    missing_input_shape,
    output_activation,
    output_units,
    removed_api,
    shape_errors,
    syntax_error,
    unknown_argument,
    unknown_identifier,
    unknown_noqa_code,
    unused_noqa,
)
from seqlint.rules.base import Rule, all_rules, find_rule

__all__ = ["Rule", "all_rules", "find_rule"]

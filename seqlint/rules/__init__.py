"""The rule catalogue: importing this package registers every rule."""

from seqlint.rules import (  # noqa: F401  (imported for registration)
    branching,
    input_shape_not_first,
    missing_flatten,
    missing_input_shape,
    output_activation,
    output_units,
    shape_errors,
    syntax_error,
)
from seqlint.rules.base import Rule, all_rules, find_rule

__all__ = ["Rule", "all_rules", "find_rule"]

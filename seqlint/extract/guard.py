"""Parsing hostile input without crashing: CPython's parser, with its refusals as SyntaxError.

CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses") and
100 indentation levels, and its parser stops at a fixed stack depth with a bare
:class:`MemoryError` (``lambda: lambda: ...`` 5,000 times, ``not not ...``). Those refusals are
turned into a :class:`SyntaxError` here, so a file CPython cannot compile is reported as
SEQ001 with CPython's own words. Nothing here recurses in Python.
"""

from __future__ import annotations

import ast

from seqlint.compile_checks import misplaced

#: what a file nested deeper than CPython's parser accepts is reported with
TOO_DEEP = "too deeply nested for CPython's parser (it stops with a MemoryError)"


def parse(text: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(text)``; raises :class:`SyntaxError` for everything CPython refuses."""
    try:
        tree = ast.parse(text, filename)
    except SyntaxError:
        raise
    except (MemoryError, RecursionError) as err:
        # (CPython says "maximum recursion depth exceeded during ast construction" for
        # a long chain of operators, and nothing for its parser's stack overflow)
        raise SyntaxError(str(err) or TOO_DEEP, (filename, 1, 1, None)) from err
    except ValueError as err:  # e.g. "source code string cannot contain null bytes"
        raise SyntaxError(str(err), (filename, 1, 1, None)) from err
    problem = misplaced(tree)
    if problem is not None:
        message, line, column = problem
        raise SyntaxError(message, (filename, line, column, None))
    return tree

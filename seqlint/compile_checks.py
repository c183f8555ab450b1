"""What CPython's compiler refuses although its parser accepts it.

A leaf module (imports nothing of seqlint), shared by the engine's parser guard and the notebook
reader's per-cell verdict.
"""

from __future__ import annotations

import ast

_NESTED = ("body", "orelse", "finalbody", "handlers", "cases")


def misplaced(tree: ast.Module) -> tuple[str, int, int] | None:
    """The first statement CPython's compiler refuses where it stands (``return`` outside a
    function, ``break`` outside a loop, ...), as ``(message, line, column)``; None when there is
    none. ``ast.parse`` accepts these, but ``compile`` (and so IPython, cell by cell) does not.
    Walks statements only, with an explicit stack."""
    stack: list[tuple[list[ast.stmt], bool, bool]] = [(tree.body, False, False)]
    while stack:
        body, in_function, in_loop = stack.pop()
        for node in body:
            problem = None
            if isinstance(node, ast.Return) and not in_function:
                problem = "'return' outside function"
            elif isinstance(node, ast.Break) and not in_loop:
                problem = "'break' outside loop"
            elif isinstance(node, ast.Continue) and not in_loop:
                problem = "'continue' not properly in loop"
            elif isinstance(node, ast.Nonlocal) and not in_function:
                problem = "nonlocal declaration not allowed at module level"
            elif (
                isinstance(node, ast.Expr)
                and isinstance(node.value, (ast.Yield, ast.YieldFrom))
                and not in_function
            ):
                problem = "'yield' outside function"
            if problem is not None:
                return problem, node.lineno, node.col_offset + 1
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.append((node.body, True, False))
                continue
            if isinstance(node, ast.ClassDef):
                stack.append((node.body, False, False))
                continue
            loop = isinstance(node, (ast.For, ast.AsyncFor, ast.While))
            for name in _NESTED:
                children = getattr(node, name, None)
                if not children:
                    continue
                for child in children:
                    if isinstance(child, (ast.ExceptHandler, ast.match_case)):
                        stack.append((child.body, in_function, in_loop))
                if isinstance(children[0], ast.stmt):
                    # a loop's else runs after the loop: not inside it
                    inside = in_loop or (loop and name == "body")
                    stack.append((children, in_function, inside))
    return None

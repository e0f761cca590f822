"""In-process evaluation of expressions whose cost is bounded by their own size.

A worker round trip costs far more than a gateway condition like `amount > 1000 and urgent`.
Such an expression has no calls, loops, comprehensions or operators that multiply sizes
(`*`, `**`, `<<`, `%` formatting, f-string widths), so its time and memory are bounded by the
length of the expression times the size of the task data it reads. With the static policy
already applied (no `_` names or attributes) and the sandbox's builtins, it can run in the web
process without a worker.
"""

from __future__ import annotations

import ast

from engine.sandbox.namespace import HELPER_NAMES

MAX_BINARY_OPERATIONS = 8

_BOUNDED_NODES: frozenset[type] = frozenset(
    {
        ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.Eq, ast.NotEq, ast.Lt,
        ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn, ast.UnaryOp, ast.Not,
        ast.USub, ast.UAdd, ast.Invert, ast.BinOp, ast.Add, ast.Sub, ast.Div, ast.FloorDiv,
        ast.BitAnd, ast.BitOr, ast.BitXor, ast.RShift, ast.IfExp, ast.Constant, ast.Name,
        ast.Attribute, ast.Subscript, ast.Slice, ast.Tuple, ast.List, ast.Dict, ast.Set,
        ast.Load,
    }
)


def is_bounded(tree: ast.AST) -> bool:
    """True when the expression may be evaluated in-process (see module docstring)."""
    if not isinstance(tree, ast.Expression):
        return False
    binops = 0
    for node in ast.walk(tree):
        if type(node) not in _BOUNDED_NODES:
            return False
        if isinstance(node, ast.BinOp):
            # `s + s + s ...` copies the data once per `+`: keep that factor small.
            binops += 1
            if binops > MAX_BINARY_OPERATIONS:
                return False
        if isinstance(node, ast.Name) and node.id in HELPER_NAMES:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and len(
                node.value) > 10_000:
            return False
    return True

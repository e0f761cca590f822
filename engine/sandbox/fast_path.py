"""In-process evaluation of expressions whose cost is bounded by their own size.

A worker round trip costs far more than a gateway condition like `amount > 1000 and urgent`.
Such an expression has no calls, loops, comprehensions or operators that multiply sizes
(`*`, `**`, `<<`, `%` formatting, f-string widths), so its time and memory are bounded by the
length of the expression times the size of the task data it reads. With the static policy
already applied (no `_` names or attributes) and the sandbox's builtins, it can run in the web
process without a worker.

What the expression cannot show is bounded here too, since the web process has no CPU limit:
- displays (`{a, b, ...}`, `[...]`, `{k: v}`) with more than `MAX_DISPLAY_ELEMENTS` items and
  comparison chains longer than `MAX_COMPARISONS` go to a worker: a set display of integers
  that share a hash (`n` and `n + 2**61 - 1`) costs quadratic time to build and to compare;
- `data_is_safe` sends the evaluation to a worker when the task data it reads holds sets,
  dictionaries with non-string keys (their hashes can be made to collide; string hashes are
  randomised), integers beyond `MAX_INT_BITS` (division is quadratic in their size), or more
  than `MAX_DATA_NODES` values in all;
- the result is measured against the same size cap as a worker's (`codec.exceeds`), because
  `[d, d, d, d]` costs four references in memory but four copies of `d` once stored.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import Any

from engine.sandbox.namespace import HELPER_NAMES

MAX_BINARY_OPERATIONS = 8
MAX_DISPLAY_ELEMENTS = 64
MAX_COMPARISONS = 8
MAX_DATA_NODES = 10_000
MAX_INT_BITS = 4096

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
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and len(node.elts) > MAX_DISPLAY_ELEMENTS:
            return False
        if isinstance(node, ast.Dict) and len(node.keys) > MAX_DISPLAY_ELEMENTS:
            return False
        if isinstance(node, ast.Compare) and len(node.ops) > MAX_COMPARISONS:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and len(
                node.value) > 10_000:
            return False
    return True


def names_read(tree: ast.AST) -> frozenset[str]:
    """The names an expression looks up (task data or context)."""
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


def data_is_safe(names: Iterable[str], *scopes: Mapping[str, Any]) -> bool:
    """True when the values behind `names` cannot make a bounded expression slow (see above)."""
    stack = [scope[name] for name in names for scope in scopes if name in scope]
    seen = 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_DATA_NODES:
            return False
        kind = type(value)
        if kind in (str, bool, float) or value is None:
            continue
        if kind is int:
            if value.bit_length() > MAX_INT_BITS:
                return False
        elif kind in (list, tuple):
            stack.extend(value)
        elif kind is dict:
            if not all(type(key) is str for key in value):
                return False
            stack.extend(value.values())
        elif isinstance(value, (set, frozenset, dict, list, tuple, int, str)):
            return False  # sets, and subclasses that may redefine hashing or comparison
    return True

"""Static policy: what an expression or script may contain, checked on the syntax tree.

This is the first of several walls (see `engine/sandbox/__init__.py`). It runs at deployment, so
that an analyst learns about a forbidden construct before any case depends on the process, and
again before every evaluation, so that nothing which slipped past deployment ever runs.

Python normalises identifiers to NFKC while parsing, so the names seen here are the ones the
interpreter would look up (`ｅｘｅｃ` arrives as `exec`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

MAX_SOURCE_CHARS = 64_000
MAX_NODES = 20_000

# Modules a script may import; each maps to a frozen namespace in `engine.sandbox.namespace`.
IMPORTABLE = {
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "decimal": frozenset(
        {"Decimal", "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP", "ROUND_FLOOR",
         "ROUND_CEILING", "InvalidOperation", "DivisionByZero"}
    ),
    "math": frozenset(
        {"ceil", "floor", "fabs", "fsum", "isclose", "isfinite", "isinf", "isnan", "sqrt", "trunc",
         "pi", "e", "inf", "nan", "gcd", "prod", "copysign", "log", "log10", "exp"}
    ),
}

# Builtins that reach the interpreter's machinery; refused by name so the analyst hears why.
FORBIDDEN_NAMES = frozenset(
    {
        "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "hasattr", "globals",
        "locals", "vars", "dir", "type", "object", "breakpoint", "input", "help", "memoryview",
        "super", "classmethod", "staticmethod", "property", "exit", "quit", "print", "id",
        "format", "bytearray", "issubclass", "copyright", "credits", "license", "aiter", "anext",
        "sys", "os", "builtins", "importlib", "subprocess", "socket",
    }
)

# Attribute names without underscores that still lead to frames, code, globals or to the
# `str.format` mini-language, which can read attributes named inside the format string.
FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "gi_frame", "gi_code", "gi_yieldfrom", "gi_running", "cr_frame", "cr_code", "cr_await",
        "ag_frame", "ag_code", "ag_await", "f_globals", "f_locals", "f_back", "f_builtins",
        "f_code", "f_trace", "tb_frame", "tb_next", "func_globals", "func_code", "mro",
        "format", "format_map", "co_code", "co_consts", "im_func", "im_self", "with_traceback",
        "modules", "system", "popen", "spawn", "fork", "getcontext", "setcontext", "localcontext",
    }
)

_ALLOWED_NODES: frozenset[type] = frozenset(
    {
        ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.For, ast.While,
        ast.If, ast.Break, ast.Continue, ast.Pass, ast.Return, ast.FunctionDef, ast.Lambda,
        ast.Try, ast.ExceptHandler, ast.Raise, ast.Assert, ast.Delete, ast.Import, ast.ImportFrom,
        ast.alias, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Dict, ast.Set, ast.ListComp,
        ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Compare, ast.Call, ast.FormattedValue,
        ast.JoinedStr, ast.Constant, ast.Attribute, ast.Subscript, ast.Starred, ast.Name,
        ast.List, ast.Tuple, ast.Slice, ast.NamedExpr, ast.comprehension, ast.arguments, ast.arg,
        ast.keyword, ast.Load, ast.Store, ast.Del, ast.And, ast.Or, ast.Add, ast.Sub, ast.Mult,
        ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr, ast.BitXor,
        ast.BitAnd, ast.MatMult, ast.Invert, ast.Not, ast.UAdd, ast.USub, ast.Eq, ast.NotEq,
        ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn,
    }
)

# What an analyst would call the constructs we refuse.
_NODE_WORDS = {
    ast.ClassDef: "class definitions", ast.Global: "'global'", ast.Nonlocal: "'nonlocal'",
    ast.Yield: "'yield' (generator functions)", ast.YieldFrom: "'yield from'",
    ast.AsyncFunctionDef: "async functions", ast.Await: "'await'", ast.AsyncFor: "'async for'",
    ast.AsyncWith: "'async with'", ast.With: "'with' blocks", ast.Match: "'match' statements",
    ast.AnnAssign: "annotated assignments", ast.TryStar: "'except*'",
}


# Pieces that only occur inside a construct refused already; one finding is enough.
_PARTS_OF_REFUSED: frozenset[type] = frozenset(
    {ast.withitem, ast.match_case, ast.MatchValue, ast.MatchSingleton, ast.MatchSequence,
     ast.MatchMapping, ast.MatchClass, ast.MatchStar, ast.MatchAs, ast.MatchOr, ast.TypeIgnore}
)


@dataclass(frozen=True)
class Problem:
    """One finding of the static check; `str()` gives the sentence shown to the analyst."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def check_expression(source: str) -> list[Problem]:
    """Problems in a single expression (gateway condition, timer, message payload, DMN cell)."""
    return check(source, mode="eval")[1]


def check_script(source: str) -> list[Problem]:
    """Problems in a script (script task, pre- and post-script)."""
    return check(source, mode="exec")[1]


def check(source: str, mode: str) -> tuple[ast.AST | None, list[Problem]]:
    """Parse and check; returns the tree (None when it does not parse) and the problems."""
    if not isinstance(source, str):
        return None, [Problem(None, f"expected Python source text, got {type(source).__name__}")]
    if len(source) > MAX_SOURCE_CHARS:
        return None, [Problem(None, f"the code is longer than {MAX_SOURCE_CHARS} characters")]
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        what = "a single expression" if mode == "eval" else "a script"
        return None, [Problem(exc.lineno, f"this is not valid Python {what}: {exc.msg}")]
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, [Problem(None, f"the code cannot be parsed: {type(exc).__name__}")]
    return tree, _Checker().run(tree)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.line: int | None = None

    def refuse(self, node: ast.AST, message: str) -> None:
        problem = Problem(getattr(node, "lineno", None) or self.line, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def run(self, tree: ast.AST) -> list[Problem]:
        # Depth-first with the nearest line carried down: some nodes (withitem, comprehension,
        # keyword in old versions) have no line of their own.
        stack: list[tuple[ast.AST, int | None]] = [(tree, None)]
        count = 0
        while stack:
            node, line = stack.pop()
            count += 1
            if count > MAX_NODES:
                self.line = None
                self.refuse(tree, f"the code is too large (more than {MAX_NODES} syntax elements)")
                break
            self.line = getattr(node, "lineno", None) or line
            self.visit(node)
            stack.extend((child, self.line) for child in ast.iter_child_nodes(node))
        return sorted(self.problems, key=lambda p: (p.line or 0, p.message))

    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        if kind in _PARTS_OF_REFUSED:
            return
        if kind not in _ALLOWED_NODES:
            words = _NODE_WORDS.get(kind, f"'{kind.__name__}' constructs")
            self.refuse(node, f"{words} are not allowed")
            return
        if isinstance(node, ast.Name):
            self.check_name(node, node.id, "names")
        elif isinstance(node, ast.Attribute):
            self.check_attribute(node)
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            self.check_function(node)
        elif isinstance(node, ast.arg):
            self.check_name(node, node.arg, "parameter names")
        elif isinstance(node, ast.keyword) and node.arg is not None:
            self.check_name(node, node.arg, "keyword names")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.check_name(node, node.name, "names")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.check_import(node)

    def check_name(self, node: ast.AST, name: str, what: str) -> None:
        if name.startswith("_"):
            self.refuse(node, f"{what} starting with '_' are not allowed (`{name}`)")
        elif name in FORBIDDEN_NAMES:
            self.refuse(node, f"`{name}` is not available in process scripts")

    def check_attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("_"):
            self.refuse(node, f"attribute names starting with '_' are not allowed (`{node.attr}`)")
        elif node.attr in FORBIDDEN_ATTRIBUTES:
            self.refuse(node, f"the attribute `{node.attr}` is not allowed")

    def check_function(self, node: ast.FunctionDef | ast.Lambda) -> None:
        if isinstance(node, ast.FunctionDef):
            self.check_name(node, node.name, "function names")
            if node.decorator_list:
                self.refuse(node, "decorators are not allowed")
            if node.returns is not None:
                self.refuse(node, "return annotations are not allowed")
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if arg.annotation is not None:
                self.refuse(arg, "parameter annotations are not allowed")

    def check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        allowed = ", ".join(sorted(IMPORTABLE))
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in IMPORTABLE:
                    self.refuse(node, f"`import {alias.name}` is not allowed (only {allowed})")
                self.check_alias(node, alias)
            return
        module = node.module or ""
        if node.level or module not in IMPORTABLE:
            self.refuse(node, f"`from {module} import` is not allowed (only {allowed})")
            return
        for alias in node.names:
            if alias.name not in IMPORTABLE[module]:
                self.refuse(node, f"`{alias.name}` cannot be imported from {module}")
            self.check_alias(node, alias)

    def check_alias(self, node: ast.AST, alias: ast.alias) -> None:
        if alias.asname:
            self.check_name(node, alias.asname, "names")

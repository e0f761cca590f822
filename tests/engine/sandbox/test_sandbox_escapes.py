"""Known ways out of Python sandboxes: each must be refused with a clear error, and do nothing.

`static` entries must be found by the deployment lint (`check_*` returns problems) and refused
by the sandbox before anything runs; the others can only be stopped at run time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.errors import (
    SandboxError,
    SandboxMemoryError,
    SandboxTimeout,
    SandboxViolation,
    ScriptError,
)
from engine.sandbox import check_expression, check_script

STATIC = "static"
MARK = "{mark}"  # replaced by a path that must not exist afterwards

CORPUS = [
    # id, mode, source, expected (STATIC or the SandboxError subclass(es) raised at run time)
    ("subclasses", "eval", "().__class__.__base__.__subclasses__()", STATIC),
    ("mro", "eval", "[].__class__.__mro__", STATIC),
    ("mro-method", "eval", "str.mro()", STATIC),
    ("function-globals", "exec", "def f():\n    pass\ng = f.__globals__['__builtins__']", STATIC),
    ("lambda-code", "eval", "(lambda: 0).__code__", STATIC),
    ("builtins-index", "eval", "__builtins__['open']('/etc/passwd')", STATIC),
    ("dunder-import", "exec", f"__import__('os').system('touch {MARK}')", STATIC),
    ("import-os", "exec", f"import os\nos.system('touch {MARK}')", STATIC),
    ("import-subprocess-alias", "exec", "import datetime, subprocess as sp", STATIC),
    ("from-os-import", "exec", "from os import system", STATIC),
    ("from-datetime-private", "exec", "from datetime import sys", STATIC),
    ("relative-import", "exec", "from . import worker", STATIC),
    ("exec", "exec", f"exec(\"open('{MARK}', 'w')\")", STATIC),
    ("eval", "eval", "eval('1 + 1')", STATIC),
    ("compile", "eval", "compile('1', 'x', 'eval')", STATIC),
    ("open-passwd", "eval", "open('/etc/passwd').read()", STATIC),
    ("open-write", "exec", f"with open('{MARK}', 'w') as f:\n    f.write('x')", STATIC),
    ("getattr-concat", "eval", "getattr(x, '__cl' + 'ass__')", STATIC),
    ("str-format-walk", "eval", "'{0.__class__.__base__}'.format(x)", STATIC),
    ("str-format-unbound", "eval", "str.format('{0.__class__}', 1)", STATIC),
    ("format-map", "eval", "'{a.__class__}'.format_map({'a': 1})", STATIC),
    ("fstring-walk", "eval", "f'{x.__class__}'", STATIC),
    ("generator-frame", "eval", "(x for x in []).gi_frame.f_back.f_globals", STATIC),
    ("generator-code", "eval", "(x for x in []).gi_code", STATIC),
    ("generator-function", "exec", "def g():\n    yield 1\nf = g().gi_frame", STATIC),
    ("type-construct", "eval", "type('X', (), {})", STATIC),
    ("class-def", "exec", "class X:\n    pass", STATIC),
    ("lambda-default-frame", "eval", "(lambda g=(i for i in [1]): g.gi_frame.f_globals)()", STATIC),
    ("lambda-default-dunder", "eval", "(lambda c=().__class__: c)()", STATIC),
    ("sys-modules", "eval", "sys.modules['os']", STATIC),
    ("vars", "eval", "vars()", STATIC),
    ("globals", "eval", "globals()['__builtins__']", STATIC),
    ("locals", "eval", "locals()", STATIC),
    ("breakpoint", "eval", "breakpoint()", STATIC),
    ("help-input", "exec", "help()\ninput()", STATIC),
    ("traceback-dunder", "exec", "try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__",
     STATIC),
    ("traceback-frame", "exec",
     "try:\n    1 / 0\nexcept Exception as e:\n    t = e.with_traceback(None)", STATIC),
    ("tb-frame-attr", "eval", "t.tb_frame.f_globals", STATIC),
    ("datetime-subclasses", "eval", "datetime.datetime.__subclasses__()", STATIC),
    ("decimal-context", "exec", "decimal.getcontext().prec = 1", STATIC),
    ("decimal-context-import", "exec", "from decimal import getcontext", STATIC),
    ("unicode-exec", "eval", "\uff45\uff58\uff45\uff43('1')", STATIC),
    ("unicode-open", "eval", "\uff4f\uff50\uff45\uff4e('/etc/passwd')", STATIC),
    ("unicode-dunder", "eval", "().\uff3f\uff3fclass\uff3f\uff3f", STATIC),
    ("global-statement", "exec", "def f():\n    global x\n    x = 1", STATIC),
    ("walrus-builtins", "eval", "(__builtins__ := {})", STATIC),
    ("decorator", "exec", "@len\ndef f():\n    pass", STATIC),
    ("async", "exec", "async def f():\n    pass", STATIC),
    ("object-base", "eval", "object.__subclasses__()", STATIC),
    ("super", "eval", "super()", STATIC),
    ("nested-parentheses", "eval", "(" * 300 + "1" + ")" * 300, STATIC),
    ("match-class", "exec", "match x:\n    case int(real=r):\n        pass", STATIC),
    ("infinite-loop", "exec", "while True:\n    pass", SandboxTimeout),
    ("sum-range", "eval", "sum(range(10**12))", SandboxTimeout),
    ("recursion-lambda", "exec", "f = lambda g: g(g)\nf(f)", ScriptError),
    ("recursion-def", "exec", "def f(n):\n    return f(n + 1)\nf(0)", ScriptError),
    ("string-bomb", "exec", "x = 'a' * 10**10", SandboxMemoryError),
    ("list-bomb", "exec", "x = [0] * 10**10", SandboxMemoryError),
    ("power-tower", "exec", "x = 10 ** 10 ** 10", (SandboxTimeout, SandboxMemoryError)),
    ("pow-builtin", "exec", "x = pow(10, 10**9)", (SandboxTimeout, SandboxMemoryError)),
    ("list-doubling", "exec", "x = [1]\nwhile True:\n    x = x + x", (SandboxTimeout, SandboxMemoryError)),
    ("format-width-bomb", "exec", "x = f'{1:>{10**10}}'", SandboxMemoryError),
    ("percent-width-bomb", "exec", "x = '%0*d' % (10**10, 1)", SandboxMemoryError),
    ("iter-sentinel", "exec", "x = list(iter(int, 1))", (SandboxTimeout, SandboxMemoryError)),
    ("return-function", "eval", "(lambda: 1)", SandboxViolation),
    ("return-builtin", "eval", "sorted", SandboxViolation),
    ("return-module", "eval", "math", SandboxViolation),
    ("keep-generator", "exec", "g = (i for i in [1, 2])", SandboxViolation),
    ("import-hook-runtime", "exec", "import math\nx = math.sqrt(4)\nimport decimal as d\ny = d.Decimal", None),
]


@pytest.fixture
def mark(tmp_path: Path) -> Path:
    return tmp_path / "escaped"


def _source(source: str, mark: Path) -> str:
    return source.replace(MARK, str(mark))


@pytest.mark.parametrize(("mode", "source", "expected"), [c[1:] for c in CORPUS],
                         ids=[c[0] for c in CORPUS])
def test_escape_is_refused(sandbox, mark: Path, mode: str, source: str, expected) -> None:
    source = _source(source, mark)
    check = check_expression if mode == "eval" else check_script
    run = sandbox.evaluate if mode == "eval" else sandbox.execute
    data = {"x": 1, "t": None}
    if expected is None:
        # The whitelisted imports work; modules and classes are not kept as task data.
        assert check(source) == []
        assert run(source, data) == {"x": 2.0, "t": None}
        return
    problems = check(source)
    if expected == STATIC:
        assert problems, "the deployment lint must find this"
        assert all(p.message for p in problems)
        with pytest.raises(SandboxViolation) as caught:
            run(source, data)
        assert caught.value.line is not None or "parse" in caught.value.message
    else:
        assert problems == []
        started = time.monotonic()
        with pytest.raises(expected) as caught:
            run(source, data)
        elapsed = time.monotonic() - started
        assert caught.value.message
        assert elapsed < sandbox.settings.cpu_seconds + sandbox.settings.wall_margin_seconds + 1.5
    assert not mark.exists()


def test_static_messages_name_the_line_and_the_construct() -> None:
    problems = check_script("x = 1\ny = x.__class__\nimport os")
    assert [str(p) for p in problems] == [
        "line 2: attribute names starting with '_' are not allowed (`__class__`)",
        "line 3: `import os` is not allowed (only datetime, decimal, math)",
    ]
    assert check_expression("a = 1") and "single expression" in check_expression("a = 1")[0].message


def test_runtime_error_names_the_line(sandbox) -> None:
    with pytest.raises(ScriptError) as caught:
        sandbox.execute("a = 1\nb = [1, 2]\nc = b[5]", {})
    assert caught.value.line == 3
    assert "IndexError" in caught.value.message


def test_helper_modules_cannot_be_changed_for_later_evaluations(sandbox) -> None:
    with pytest.raises(ScriptError, match="read-only"):
        sandbox.execute("import math\nmath.pi = 3", {})
    # Helpers are made afresh for every evaluation: what one script hangs on them is gone later.
    assert sandbox.execute("working_days.cache = 1\nx = 1", {}) == {"x": 1}
    with pytest.raises(ScriptError, match="AttributeError"):
        sandbox.execute("x = working_days.cache", {})
    assert sandbox.execute("import math\nx = math.pi", {})["x"] == pytest.approx(3.14159265)


def test_decimal_precision_is_reset_between_evaluations(sandbox) -> None:
    assert sandbox.evaluate("str(Decimal(1) / Decimal(3))", {}) == "0." + "3" * 28


def test_unsupported_task_data_is_refused_before_running(sandbox) -> None:
    with pytest.raises(SandboxError, match="'f'"):
        sandbox.execute("x = 1", {"f": object()})


def test_sandbox_stays_healthy_after_the_corpus(sandbox) -> None:
    assert sandbox.execute("total = sum(a)", {"a": [1, 2, 3]}) == {"a": [1, 2, 3], "total": 6}
    assert sandbox.evaluate("len(a) * 2", {"a": [1, 2]}) == 4


# --- the in-process fast path: no CPU limit there, so what it runs must stay small -------------

COLLIDING = 2**61 - 1  # n and n * (2**61 - 1) share a hash: sets of such ints are quadratic


def _nested(name: str, width: int, depth: int) -> str:
    inner = name
    for _ in range(depth):
        inner = "[" + ", ".join([inner] * width) + "]"
    return inner


FAST_PATH_HAZARDS = [
    # id, expression, data builder, expected exception (None: a result is fine if it comes in time)
    ("expanding-list", _nested("s", 60, 2), lambda: {"s": "x" * 400}, SandboxError),
    ("expanding-dict", "{'a': " + _nested("s", 60, 2) + ", 'b': s}", lambda: {"s": "x" * 400}, SandboxError),
    ("expanding-concat", "s + s + s + s + s + s + s + s + s", lambda: {"s": "x" * 200_000}, SandboxError),
    ("long-display-to-worker", "[" + ", ".join(["s"] * 6_000) + "]", lambda: {"s": "x" * 200}, SandboxError),
    ("colliding-sets-chained-eq", "a == b == a == b == a == b == a == b",
     lambda: {"a": {i * COLLIDING for i in range(4000)}, "b": {i * COLLIDING for i in range(4000)}},
     (SandboxTimeout, None)),
    ("colliding-set-display", "{" + ", ".join(str(i * COLLIDING) for i in range(2000)) + "} == {0}",
     dict, (SandboxTimeout, None)),
    ("colliding-dict-keys", "d == e", lambda: {"d": {i * COLLIDING: 1 for i in range(4000)},
                                               "e": {i * COLLIDING: 1 for i in range(4000)}},
     (SandboxTimeout, None)),
    ("huge-int-division", "a // b", lambda: {"a": 7 ** 4_500, "b": 3 ** 2_000}, (SandboxTimeout, None)),
    ("int-too-long-to-send", "a // b", lambda: {"a": 7 ** 400_000, "b": 3}, "cannot be sent"),
]


@pytest.mark.parametrize(("source", "make_data", "expected"), [c[1:] for c in FAST_PATH_HAZARDS],
                         ids=[c[0] for c in FAST_PATH_HAZARDS])
def test_fast_path_hazards_are_capped_or_sent_to_a_worker(sandbox, source, make_data, expected) -> None:
    data = make_data()
    started = time.monotonic()
    if expected is SandboxError:
        with pytest.raises(SandboxError, match="larger than the allowed"):
            sandbox.evaluate(source, data)
    elif isinstance(expected, str):
        with pytest.raises(SandboxError, match=expected):
            sandbox.evaluate(source, data)
    else:
        try:
            sandbox.evaluate(source, data)
        except SandboxTimeout:
            pass
    elapsed = time.monotonic() - started
    assert elapsed < sandbox.settings.cpu_seconds + sandbox.settings.wall_margin_seconds + 1.5
    assert sandbox.evaluate("len(s)", {"s": "ok"}) == 2  # the sandbox is healthy afterwards


@pytest.mark.parametrize(
    ("source", "data", "in_process"),
    [
        ("amount > 1000 and urgent", {"amount": 5, "urgent": True}, True),
        ("a == b", {"a": [1, 2], "b": [1, 2]}, True),
        ("a == b", {"a": {"k": 1}, "b": {"k": 1}}, True),
        ("a == b", {"a": {1, 2}, "b": {1, 2}}, False),
        ("a == b", {"a": {1: 2}, "b": {1: 2}}, False),
        ("a == b", {"a": [frozenset()], "b": []}, False),
        ("a // 3", {"a": 10 ** 2000}, False),
        ("len(a)", {"a": [1]}, False),
        ("a[0]", {"a": list(range(20_000))}, False),
        ("x in {" + ", ".join(map(str, range(65))) + "}", {"x": 1}, False),
        ("x in {" + ", ".join(map(str, range(64))) + "}", {"x": 1}, True),
        ("a < b < c < d < e < f < g < h < i < j", {k: 1 for k in "abcdefghij"}, False),
    ],
)
def test_which_expressions_run_in_process(source, data, in_process) -> None:
    import ast

    from engine.sandbox.fast_path import data_is_safe, is_bounded, names_read

    tree = ast.parse(source, mode="eval")
    assert (is_bounded(tree) and data_is_safe(names_read(tree), data)) is in_process


def test_the_fast_path_result_cap_is_the_workers(sandbox) -> None:
    # The same expression answers alike on both paths: just under the cap it is kept.
    assert len(sandbox.evaluate("[s, s, s, s]", {"s": "x" * 200_000})) == 4
    with pytest.raises(SandboxError, match=f"larger than the allowed {sandbox.settings.max_result_bytes} bytes"):
        sandbox.evaluate("[s, s, s, s, s, s]", {"s": "x" * 200_000})

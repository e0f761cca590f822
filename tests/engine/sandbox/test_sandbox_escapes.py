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

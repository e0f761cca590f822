"""Defence in depth: the worker's OS-level walls hold even for code that skipped the policy.

Each payload runs with the real builtins in an armed worker process (no static check, no
restricted namespace), as if an escape had already succeeded inside the worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

PAYLOADS = {
    "open-write": "open(MARK, 'w')",
    "os-open": "__import__('os').open(MARK, 66)",
    "os-system": "__import__('os').system('touch ' + MARK)",
    "subclasses-to-system": (
        "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
        ".__init__.__globals__['system']('touch ' + MARK)"),
    "subprocess": "__import__('subprocess').run(['touch', MARK])",
    "socket": "__import__('socket').socket()",
    "import-new-module": "__import__('ctypes')",
    "fork": "__import__('os').fork()",
    "kill-parent": "__import__('os').kill(__import__('os').getppid(), 0)",
    "listdir": "__import__('os').listdir('/')",
    "pipe": "__import__('os').pipe()",
    "getframe": "sys._getframe()",
    "code-object": "(lambda: 0).__code__",
    "generator-frame": "(x for x in [1]).gi_frame",
    "compile": "compile('1', 'x', 'eval')",
    "raise-rlimit": "__import__('resource').setrlimit(__import__('resource').RLIMIT_AS, (-1, -1))",
    "patch-hook-defaults":
        "sys.modules['engine.sandbox.worker']._hard_hook.__defaults__ = (frozenset(), ())",
    # Last: switching the soft guard off must still leave files, processes and imports shut.
    "flip-soft-guard-then-open":
        "w = sys.modules['engine.sandbox.worker']; w.GUARD.armed = False; "
        "w._HARD_EVENTS = frozenset(); open(MARK, 'w')",
}

RUNNER = """
import json, sys
from engine.sandbox import worker
worker._warm_up()
worker._lock_down(256)
worker.arm()
results = {}
for name, source in json.loads(sys.argv[1]).items():
    with worker.GUARD.trusted():
        code = compile(source, "<script>", "exec")
    worker.GUARD.exec_tokens = 1
    try:
        exec(code, {"sys": sys, "MARK": sys.argv[2]})
        results[name] = "ran"
    except BaseException as exc:
        results[name] = type(exc).__name__ + ": " + str(exc)
print(json.dumps(results))
"""


def test_worker_walls_hold_without_the_policy(tmp_path: Path) -> None:
    mark = tmp_path / "escaped"
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(PAYLOADS), str(mark)],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert set(results) == set(PAYLOADS)
    for name, outcome in results.items():
        assert outcome != "ran", name
        assert outcome.startswith(("PermissionError", "OSError", "ValueError")), (name, outcome)
    assert not mark.exists()

"""Cost of one sandboxed evaluation against plain `eval`, measured in the same run.

    .venv/bin/python bench/sandbox.py [--n 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.clock import FrozenClock  # noqa: E402
from engine.sandbox import Sandbox, SandboxSettings  # noqa: E402

DATA = {"amount": 1500, "urgent": False, "kind": "civil", "claims": [{"amount": a} for a in range(20)]}
CONDITION = "amount > 1000 and not urgent and kind in ('civil', 'admin')"
POOL_EXPRESSION = "sum(c['amount'] for c in claims) > 100"
SCRIPT = "total = sum(c['amount'] for c in claims)\nfee = round(total * 0.05, 2)\nbig = fee > 10"


def per_call_us(fn, n: int) -> float:
    for _ in range(min(50, n)):
        fn()
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
    plain_code = compile(CONDITION, "<bench>", "eval")
    with Sandbox(SandboxSettings(workers=1), FrozenClock()) as box:
        rows = [
            ("plain eval (baseline, compiled)", per_call_us(lambda: eval(plain_code, dict(DATA)), n)),
            ("plain eval (source string)", per_call_us(lambda: eval(CONDITION, dict(DATA)), n)),
            ("fast path expression", per_call_us(lambda: box.evaluate(CONDITION, DATA), n)),
            ("pool expression", per_call_us(lambda: box.evaluate(POOL_EXPRESSION, DATA), n)),
            ("pool script", per_call_us(lambda: box.execute(SCRIPT, DATA), n)),
        ]
    baseline = rows[0][1]
    print(f"{'evaluation':34} {'µs/call':>10} {'× baseline':>11}   (n={n})")
    for name, us in rows:
        print(f"{name:34} {us:10.1f} {us / baseline:11.1f}")


if __name__ == "__main__":
    main()

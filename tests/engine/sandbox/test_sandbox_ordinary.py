"""Ordinary process code keeps working inside the sandbox."""

from __future__ import annotations

import os
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from engine.errors import SandboxError, SandboxTimeout
from engine.sandbox import Sandbox, SandboxSettings


def test_arithmetic_and_builtins(sandbox) -> None:
    data = {"amounts": [120.5, 80, 99.5], "names": ["Ozola", "bērziņš", "Kalniņa"]}
    assert sandbox.execute(
        "total = sum(amounts)\n"
        "n = len(amounts)\n"
        "avg = round(total / n, 2)\n"
        "top = max(amounts)\n"
        "low = min(amounts)\n"
        "ordered = sorted(names, key=lambda s: s.lower())\n"
        "q, r = divmod(17, 5)\n",
        data,
    ) == {**data, "total": 300.0, "n": 3, "avg": 100.0, "top": 120.5, "low": 80,
          "ordered": ["bērziņš", "Kalniņa", "Ozola"], "q": 3, "r": 2}


def test_comprehensions_and_building_structures(sandbox) -> None:
    result = sandbox.execute(
        "squares = [i * i for i in range(5)]\n"
        "by_name = {p['name']: p['age'] for p in people if p['age'] >= 18}\n"
        "ages = {p['age'] for p in people}\n"
        "pairs = list(zip(range(3), 'abc'))\n"
        "summary = {'count': len(people), 'adults': sorted(by_name)}\n"
        "summary['ok'] = all(a > 0 for a in ages)\n",
        {"people": [{"name": "Anna", "age": 30}, {"name": "Jānis", "age": 12}]},
    )
    assert result["squares"] == [0, 1, 4, 9, 16]
    assert result["by_name"] == {"Anna": 30}
    assert result["ages"] == {30, 12}
    assert result["pairs"] == [(0, "a"), (1, "b"), (2, "c")]
    assert result["summary"] == {"count": 2, "adults": ["Anna"], "ok": True}


def test_money_with_decimal(sandbox) -> None:
    result = sandbox.execute(
        "from decimal import Decimal, ROUND_HALF_UP\n"
        "fee = (Decimal(claim) * Decimal('0.05')).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)\n"
        "total = fee + Decimal('14.23')\n",
        {"claim": "1234.50"},
    )
    assert result["fee"] == Decimal("61.73")
    assert result["total"] == Decimal("75.96")


def test_dates_and_deadline_helpers(sandbox) -> None:
    result = sandbox.execute(
        "import datetime\n"
        "born = datetime.date(1990, 5, 17)\n"
        "age_days = (today() - born).days\n"
        "hearing = now() + timedelta(days=14)\n"
        "reply_by = working_days(3)\n"
        "remind_at = hours(48)\n",
        {},
    )
    assert result["born"] == date(1990, 5, 17)
    assert result["age_days"] == (date(2026, 11, 16) - date(1990, 5, 17)).days
    assert result["hearing"] == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert result["reply_by"] == "2026-11-20T22:00:00+00:00"
    assert result["remind_at"] == "2026-11-18T08:00:00+00:00"


def test_task_data_types_round_trip(sandbox) -> None:
    data = {"when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "d": date(2026, 1, 2),
            "gap": timedelta(hours=5), "money": Decimal("1.10"), "t": (1, 2), "odd": {1: "a"}}
    assert sandbox.execute("x = 1", data) == {**data, "x": 1}


def test_string_methods(sandbox) -> None:
    assert sandbox.evaluate("name.strip().upper()", {"name": "  liepa "}) == "LIEPA"
    assert sandbox.evaluate("code.startswith('LV') and code.endswith('1')", {"code": "LV01"})
    assert sandbox.evaluate("', '.join(x.title() for x in parts)", {"parts": ["a", "b"]}) == "A, B"
    assert sandbox.evaluate("f'{n:05d}-{s}'", {"n": 42, "s": "x"}) == "00042-x"


def test_deleted_variables_disappear(sandbox) -> None:
    assert sandbox.execute("del draft\nfinal = 1", {"draft": "x", "keep": 2}) == {"keep": 2, "final": 1}


def test_fast_path_gateway_conditions(sandbox) -> None:
    data = {"amount": 1500, "urgent": False, "kind": "civil", "parties": {"count": 3}}
    assert sandbox.evaluate("amount > 1000 and not urgent", data) is True
    assert sandbox.evaluate("kind in ('civil', 'admin') and parties['count'] >= 2", data) is True
    assert sandbox.evaluate("missing == 1", {"missing": 1}, {"missing": 2}) is True


def test_dmn_external_context(sandbox) -> None:
    assert sandbox.evaluate("dmninputexpr < 5", {}, {"dmninputexpr": 3}) is True
    assert sandbox.evaluate("sum([dmninputexpr, 1])", {}, {"dmninputexpr": 3}) == 4


def test_eight_threads_at_once(sandbox) -> None:
    results: dict[int, tuple] = {}

    def work(i: int) -> None:
        script = sandbox.execute("y = sum(range(n)) + n", {"n": i * 1000})
        fast = sandbox.evaluate("n * 2 if n > 3 else n", {"n": i})
        slow = sandbox.evaluate("sorted([n, 1, 0])", {"n": i})
        results[i] = (script["y"], fast, slow)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == {
        i: (sum(range(i * 1000)) + i * 1000, i * 2 if i > 3 else i, sorted([i, 1, 0]))
        for i in range(8)
    }


def test_close_stops_workers_without_zombies(clock) -> None:
    box = Sandbox(SandboxSettings(workers=2), clock)
    assert box.execute("x = 1", {}) == {"x": 1}
    pids = box.worker_pids
    assert pids
    box.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
            os.waitpid(pid, os.WNOHANG)
    with pytest.raises(SandboxError, match="shut down"):
        box.execute("x = 1", {})


def test_timeout_replaces_the_worker(clock) -> None:
    box = Sandbox(SandboxSettings(workers=1, cpu_seconds=0.3), clock)
    try:
        with pytest.raises(SandboxTimeout):
            box.execute("while True:\n    pass", {})
        assert box.execute("x = 2", {}) == {"x": 2}
    finally:
        box.close()

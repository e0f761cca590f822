"""Shared helpers for the solver tests: the benchmark's generators, loaded by path."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_solvers", REPO / "bench" / "solvers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench() -> ModuleType:
    return _load_bench()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO

"""One Anonymiser per test process: building it loads spaCy and compiles every pattern."""

from __future__ import annotations

from pathlib import Path

import pytest

from anonymiser.engine import Anonymiser
from anonymiser.evaluation import load_set

EVALUATION_SET = Path(__file__).resolve().parents[1] / "fixtures" / "anonymisation"


@pytest.fixture(scope="session")
def anonymiser() -> Anonymiser:
    return Anonymiser()


@pytest.fixture(scope="session")
def evaluation_set():
    return load_set(EVALUATION_SET)

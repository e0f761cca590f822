"""No Docker engine runs here, so the image cannot be built in CI; this keeps its start-up steps
the same as `make run`'s, which the test of the make run steps exercises for real."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def flask_commands(text: str) -> list[str]:
    return re.findall(r"(?:flask --app webapp|\$\(FLASK\)) ([a-z-]+ [a-z-]+)", text)


def test_the_image_runs_the_same_steps_as_make_run():
    makefile = (ROOT / "Makefile").read_text()
    make_run = []
    for target in ("migrate", "seed", "deploy-bundled"):
        make_run += flask_commands(makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0])
    assert flask_commands((ROOT / "Dockerfile").read_text()) == make_run
    assert make_run == [
        "db upgrade", "users seed-demo", "resources seed-demo", "messages catalogue", "processes deploy",
    ]

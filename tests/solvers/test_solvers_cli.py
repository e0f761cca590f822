"""The command line, run as a real subprocess: exit codes 0 / 1 / 2 and messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

LEGAL_AID = {
    "date": "2026-03-02",
    "lawyers": [{"id": "A", "territories": ["Rīga"], "languages": ["lv"], "capacity": 1, "location": [0, 0]}],
    "requests": [{"id": "r1", "case_id": "c1", "territory": "Rīga", "language": "lv", "location": [3, 4]}],
}
ROSTER = {
    "start": "2026-03-02", "days": 2, "regions": ["Rīga"],
    "shifts": [{"id": "day", "start": "08:00", "hours": 12}],
    "prosecutors": [{"id": "P1", "regions": ["Rīga"]}, {"id": "P2", "regions": ["Rīga"]}],
    "rules": {"min_rest_hours": 12, "max_shifts_per_7_days": 5, "max_nights_per_7_days": 2},
}
HEARINGS = {
    "start": "2026-03-02", "days": 5,
    "rooms": [{"id": "Z1", "kind": "courtroom"}],
    "participants": [{"id": "judge", "role": "judge"}],
    "hearings": [{"id": "h1", "duration_minutes": 60, "participants": ["judge"], "requested": "2026-03-02"}],
}
GOOD = {"legal-aid": LEGAL_AID, "roster": ROSTER, "hearings": HEARINGS}


def run(repo, *args):
    return subprocess.run([sys.executable, "-m", "solvers", *map(str, args)], cwd=repo,
                          capture_output=True, text=True, timeout=120)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_solve_then_check_round_trip(repo, tmp_path, kind):
    problem_path = write(tmp_path, "in.json", GOOD[kind])
    solved = run(repo, kind, problem_path, "--time-limit", 5)
    assert solved.returncode == 0, solved.stderr
    result = json.loads(solved.stdout)
    assert result["status"] == "optimal"
    checked = run(repo, "check", kind, problem_path, write(tmp_path, "out.json", solved.stdout))
    assert (checked.returncode, checked.stdout.strip()) == (0, "valid")


def test_check_lists_violations_and_exits_1(repo, tmp_path):
    bad_result = {"status": "optimal", "objective": 0, "unassigned": [],
                  "assignments": [{"request_id": "r1", "lawyer_id": "nobody", "explanation": ""}]}
    checked = run(repo, "check", "legal-aid", write(tmp_path, "in.json", LEGAL_AID),
                  write(tmp_path, "out.json", bad_result))
    assert checked.returncode == 1
    assert "unknown lawyer 'nobody'" in checked.stdout


def _without(data, key):
    return {k: v for k, v in data.items() if k != key}


BAD = [
    pytest.param("legal-aid", "{not json", "is not valid JSON", id="invalid-json"),
    pytest.param("legal-aid", _without(LEGAL_AID, "lawyers"), "lawyers: is required but missing", id="missing"),
    pytest.param("legal-aid", dict(LEGAL_AID, lawyers=LEGAL_AID["lawyers"] * 2), "lawyers[1].id: duplicate id",
                 id="duplicate"),
    pytest.param("legal-aid", dict(LEGAL_AID, lawyers=[dict(LEGAL_AID["lawyers"][0], capacity=-2)]),
                 "lawyers[0].capacity: must be at least 0", id="negative-capacity"),
    pytest.param("roster", dict(ROSTER, start="02.03.2026"), "start: must be a date", id="roster-date"),
    pytest.param("hearings", dict(HEARINGS, start="2026-02-30"), "start: must be a date", id="hearings-date"),
]


@pytest.mark.parametrize(("kind", "content", "message"), BAD)
def test_bad_input_exits_2_with_one_sentence(repo, tmp_path, kind, content, message):
    solved = run(repo, kind, write(tmp_path, "in.json", content))
    assert solved.returncode == 2
    assert solved.stdout == ""
    lines = solved.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], solved.stderr


def test_missing_file_exits_2(repo, tmp_path):
    solved = run(repo, "legal-aid", tmp_path / "absent.json")
    assert solved.returncode == 2
    assert "cannot read" in solved.stderr

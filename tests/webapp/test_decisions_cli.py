"""`flask decisions anonymise` as a real subprocess, with a database URL nothing listens on: it needs none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DECISION = ("Tiesnese Ilze Kalniņa. Apsūdzētais Jānis Bērziņš, personas kods 140385-11859, dzīvo Brīvības ielā 1-2, "
            "Rīgā, LV-1010. Liecinieks Pēteris Kalējs redzēja Bērziņu 2023. gada 2. februārī.")


def flask(tmp_path: Path, *args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "LIETA_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/no_database"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "decisions", "anonymise", *map(str, args)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def in_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "spriedums.txt").write_text(DECISION, encoding="utf-8")
    (folder / "tukšs.txt").write_text("Lēmums stājas spēkā 2024. gada 1. martā.", encoding="utf-8")
    (folder / "piezīmes.md").write_text("Jānis Bērziņš", encoding="utf-8")
    return folder


def test_every_txt_gets_its_anonymised_text_and_proposals(tmp_path, in_dir):
    out_dir = tmp_path / "out" / "nested"
    done = flask(tmp_path, in_dir, out_dir)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["spriedums.json", "spriedums.txt", "tukšs.json", "tukšs.txt"]
    assert (out_dir / "spriedums.txt").read_text(encoding="utf-8") == (
        "Tiesnese Ilze Kalniņa. Apsūdzētais A, personas kods [personas kods], dzīvo [adrese]. "
        "Liecinieks B redzēja A 2023. gada 2. februārī.")
    records = json.loads((out_dir / "spriedums.json").read_text(encoding="utf-8"))
    assert [(DECISION[r["start"] : r["end"]], r["kind"], r["replacement"]) for r in records] == [
        ("Jānis Bērziņš", "PERSON", "A"), ("140385-11859", "PERSONAL_CODE", "[personas kods]"),
        ("Brīvības ielā 1-2, Rīgā, LV-1010", "ADDRESS", "[adrese]"), ("Pēteris Kalējs", "PERSON", "B"),
        ("Bērziņu", "PERSON", "A")]
    assert all(set(r) == {"start", "end", "kind", "replacement", "recogniser", "score"} for r in records)
    assert json.loads((out_dir / "tukšs.json").read_text(encoding="utf-8")) == []
    assert (in_dir / "spriedums.txt").read_text(encoding="utf-8") == DECISION
    assert not (tmp_path / "instance" / "lieta.sqlite3").exists()


def test_explain_prints_each_proposal_with_its_reason_and_the_officials_kept(tmp_path, in_dir):
    done = flask(tmp_path, in_dir, tmp_path / "out", "--explain", "spriedums.txt")
    assert done.returncode == 0, done.stderr
    assert "'140385-11859' → '[personas kods]'" in done.stdout
    assert "kept: 'Ilze Kalniņa' — an official in office (after «Tiesnese»)" in done.stdout


@pytest.mark.parametrize(("args", "sentence"), [
    (("missing", "out"), "the input folder"),
    (("in", "in"), "must differ from the input folder"),
    (("in", "out", "--explain", "nav.txt"), "no such .txt file"),
    (("empty", "out"), "holds no .txt files"),
])
def test_wrong_input_exits_2_with_a_sentence_and_writes_nothing(tmp_path, in_dir, args, sentence):
    (tmp_path / "empty").mkdir()
    done = flask(tmp_path, *[tmp_path / a if i < 2 else a for i, a in enumerate(args)])
    assert done.returncode == 2
    assert sentence in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    assert (in_dir / "spriedums.txt").read_text(encoding="utf-8") == DECISION


def test_a_file_that_is_not_utf8_stops_the_run_before_anything_is_written(tmp_path, in_dir):
    (in_dir / "vecs.txt").write_bytes("Apsūdzētais Jānis".encode("cp1257"))
    done = flask(tmp_path, in_dir, tmp_path / "out")
    assert done.returncode == 2
    assert "vecs.txt is not UTF-8 text" in done.stderr
    assert not (tmp_path / "out").exists()

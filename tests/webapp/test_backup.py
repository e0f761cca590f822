"""Backup and restore of both databases (docs/operations.md): SQLite through its online backup
API (`flask backup sqlite PATH`), PostgreSQL through `pg_dump -Fc` and `pg_restore`. The restored
copy holds the same audit chain, `audit verify` passes on it, and a row forged in the copy is
caught. Runs on whichever database the test run uses (SQLite, or PostgreSQL in the second pass)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import make_app
from tests.support.tamper import FORGED_ROW, tamper
from webapp.settings import normalise_database_url


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def backup_and_restore(api, database_url: str, tmp_path: Path) -> str:
    """Back the live database up the documented way and restore it as a new database; its URL."""
    if database_url.startswith("sqlite"):
        target = tmp_path / "backup.sqlite3"
        result = api.app.test_cli_runner().invoke(args=["backup", "sqlite", str(target)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"backed up {database_url.removeprefix('sqlite:///')} to {target}")
        return f"sqlite:///{target}"
    dump = tmp_path / "lieta.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), libpq_url(database_url)], check=True, timeout=120)
    base, _name = normalise_database_url(database_url).rsplit("/", 1)
    restored = f"lieta_restored_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{restored}"'))
    admin.dispose()
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq_url(f"{base}/{restored}"), str(dump)],
                   check=True, timeout=120)
    return f"{base}/{restored}"


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    base, name = url.rsplit("/", 1)
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def verify_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.mark.slow
def test_a_restored_backup_passes_audit_verify_and_a_forged_row_in_it_is_caught(
    api, deployed, database_url, clock, sandbox, tmp_path
):
    instance_id = api.start("linear").json["id"]
    task = api.ready_tasks(instance_id)[0]
    api.complete(task["id"], {"x": 1}, as_user="clerk")
    assert api.app.test_cli_runner().invoke(args=["audit", "seal"]).exit_code == 0
    api.start("linear")  # one row left unsealed at backup time
    original = verify_cli(api.app)
    assert original.exit_code == 0, original.output
    restored_url = backup_and_restore(api, database_url, tmp_path)
    restored = make_app(restored_url, clock, sandbox, tmp_path / "restored")
    try:
        checked = verify_cli(restored)
        assert checked.exit_code == 0, checked.output
        assert checked.output == original.output
        with restored.app_context():
            assert restored.extensions["lieta_engine"].audit_trail.seal().sealed == 1
        assert verify_cli(restored).output.strip().endswith(", 0 not yet sealed")
        # The restored copy serves the same people: the clerk signs in with the same password.
        signed_in = restored.test_client().post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"})
        assert signed_in.status_code == 200
        tamper(restored_url, FORGED_ROW, keep_triggers=True)
        broken = verify_cli(restored)
        assert broken.exit_code == 1
        assert "broken at row" in broken.output and "it has no MAC" in broken.output
    finally:
        from webapp.extensions import db

        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
        drop(restored_url)
    assert verify_cli(api.app).exit_code == 0  # the original was never touched


def test_the_sqlite_backup_command_refuses_what_it_cannot_do(api, database_url, tmp_path):
    runner = api.app.test_cli_runner()
    existing = tmp_path / "taken.sqlite3"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", "sqlite", str(existing)])
    assert result.exit_code == 2
    if database_url.startswith("sqlite"):
        assert result.output.strip() == f"error: {existing} exists already: choose a new file, a backup never overwrites one"
    else:
        assert result.output.strip() == (
            "error: the database is not a SQLite file: back PostgreSQL up with pg_dump -Fc (see docs/operations.md)"
        )
    assert existing.read_bytes() == b"keep me"

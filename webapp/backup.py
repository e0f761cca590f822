"""`flask backup sqlite PATH`: a consistent copy of a live SQLite database (docs/operations.md).

SQLite's online backup API copies the database page by page while the server keeps running;
writers that commit during the copy make it start over on the pages they changed, so the copy is
one consistent state. PostgreSQL has its own tools (`pg_dump -Fc`, `pg_restore`).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.cli import fail
from webapp.extensions import db

backup_cli = AppGroup("backup", help="Back up the database.")
PAGES_PER_STEP = 1024


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the live database at `source` to a new file `target`; returns its size in bytes."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer, pages=PAGES_PER_STEP)
    return target.stat().st_size


@backup_cli.command("sqlite")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def sqlite_backup(path: Path):
    """Copy the running SQLite database to PATH (which must not exist yet)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        fail("the database is not a SQLite file: back PostgreSQL up with pg_dump -Fc (see docs/operations.md)")
    if path.exists():
        fail(f"{path} exists already: choose a new file, a backup never overwrites one")
    if not path.parent.is_dir():
        fail(f"{path.parent} is not a directory")
    size = backup_sqlite(Path(url.database), path)
    click.echo(f"backed up {url.database} to {path} ({size} bytes); check it with: "
               f"DATABASE_URL=sqlite:///{path.resolve()} flask --app webapp audit verify")

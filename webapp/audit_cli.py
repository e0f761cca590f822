"""`flask audit seal` and `flask audit verify`: the audit trail's hash chain (docs/audit.md)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webapp.engine_ext import get_engine

audit_cli = AppGroup("audit", help="The tamper-evident audit trail.")


@audit_cli.command("seal")
def seal():
    """Link every unsealed audit row into the hash chain (the scheduler does this every poll)."""
    result = get_engine().audit_trail.seal_all()
    click.echo(f"sealed {result.sealed} rows; the chain has {result.head_seq}")
    for row_id, reason in result.refused:
        click.echo(f"refused row {row_id}: {reason}", err=True)
    if result.refused:
        sys.exit(1)


@audit_cli.command("verify")
def verify():
    """Check every row's MAC and every link of the chain; exit 1 naming the first broken row."""
    report = get_engine().audit_trail.verify()
    click.echo(report.sentence(), err=not report.intact)
    sys.exit(0 if report.intact else 1)

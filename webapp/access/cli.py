"""`flask --app webapp access …`: who supervises which process, what service accounts reach,
and the audit trail. Wrong input exits 2 with one sentence."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from engine.errors import EngineError
from webapp.cli import _system_actor, fail
from webapp.engine_ext import get_engine

access_cli = AppGroup("access", help="Need-to-know: supervising roles, service-account grants, the audit trail.")


@access_cli.command("supervisors")
@click.argument("process_id", required=False)
@click.option("--role", "roles", multiple=True, help="Set the supervising roles to these (repeatable); --none clears.")
@click.option("--none", "clear", is_flag=True, help="Remove every supervising role of the process.")
def supervisors(process_id, roles, clear):
    """List supervising roles, or set those of PROCESS_ID."""
    engine = get_engine()
    actor = _system_actor()
    try:
        if process_id and (roles or clear):
            engine.supervision.set_supervisors(actor, process_id, [] if clear else list(roles))
        for pid, held in engine.supervision.supervisors(actor).items():
            if process_id in (None, pid):
                click.echo(f"{pid}: {', '.join(held)}")
    except EngineError as err:
        fail(str(err))


@access_cli.command("grants")
@click.argument("username", required=False)
@click.option("--process", "processes", multiple=True, help="Set the processes the account reaches (repeatable).")
@click.option("--none", "clear", is_flag=True, help="Remove every grant of the account.")
def grants(username, processes, clear):
    """List service-account grants, or set those of USERNAME."""
    engine = get_engine()
    actor = _system_actor()
    try:
        if username and (processes or clear):
            engine.supervision.set_grants(actor, username, [] if clear else list(processes))
        for name, held in engine.supervision.grants(actor).items():
            if username in (None, name):
                click.echo(f"{name}: {', '.join(held)}")
    except EngineError as err:
        fail(str(err))


@access_cli.command("log")
@click.option("--kind", type=click.Choice(["access", "change"]))
@click.option("--instance", "instance_id")
@click.option("--user")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
def log(kind, instance_id, user, limit):
    """Print audit rows, newest first, one JSON object per line."""
    rows = get_engine().audit_log.search(_system_actor(), kind=kind, instance_id=instance_id, user=user, limit=limit)
    for row in rows:
        click.echo(json.dumps({
            "id": row.id, "at": row.at.isoformat(), "actor": row.actor, "event": row.event, "kind": row.kind,
            "instance_id": row.instance_id, "data": row.data,
        }, ensure_ascii=False))

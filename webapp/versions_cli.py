"""`flask --app webapp processes approve|reject|versions|diff|migrate`: the four-eyes review of
process versions and moving running cases between them, as the API does them.

A review names its reviewer (`--as USERNAME`): the second pair of eyes is a person, never the
admin account the other commands act as. Exit 0 on success, 2 with one sentence otherwise.
"""

from __future__ import annotations

import json

import click

from engine.errors import EngineError
from webapp.cli import _system_actor, fail, processes_cli
from webapp.engine_ext import get_engine
from webapp.scheduler import holder_name


def _user(username: str | None):
    if username is None:
        return _system_actor()
    try:
        return get_engine().users.by_username(username)
    except EngineError as err:
        fail(str(err))


def _reasons(reasons: list[dict]) -> str:
    return "; ".join(f"{r['field']}: {r['message']}" if r.get("field") else r["message"] for r in reasons)


@processes_cli.command("versions")
@click.argument("process_id")
def list_versions(process_id):
    """Every version of PROCESS_ID with its review."""
    try:
        rows = get_engine().approvals.versions(_system_actor(), process_id)
    except EngineError as err:
        fail(str(err))
    for row in rows:
        decided = f" by {row['decided_by']}: {row['comment']}" if row["decided_by"] else ""
        click.echo(f"v{row['version']}  {row['status']:<8}{' current' if row['current'] else ''}  "
                   f"proposed by {row['proposed_by'] or '-'}{decided}")


def _decide(action: str, process_id: str, version: int, reviewer: str, comment: str) -> None:
    engine = get_engine()
    try:
        getattr(engine.approvals, action)(_user(reviewer), process_id, version, comment)
    except EngineError as err:
        fail(str(err))
    click.echo(f"{process_id} v{version} {action}d by {reviewer}")


@processes_cli.command("approve")
@click.argument("process_id")
@click.argument("version", type=click.IntRange(1))
@click.option("--as", "reviewer", required=True, help="The reviewer's username (never the uploader).")
@click.option("--comment", required=True, help="Why the version is approved.")
def approve(process_id, version, reviewer, comment):
    """Approve a proposed version: new cases start on it."""
    _decide("approve", process_id, version, reviewer, comment)


@processes_cli.command("reject")
@click.argument("process_id")
@click.argument("version", type=click.IntRange(1))
@click.option("--as", "reviewer", required=True, help="The reviewer's username (never the uploader).")
@click.option("--comment", required=True, help="Why the version is rejected.")
def reject(process_id, version, reviewer, comment):
    """Reject a proposed version: no case ever starts on it."""
    _decide("reject", process_id, version, reviewer, comment)


@processes_cli.command("diff")
@click.argument("process_id")
@click.argument("version", type=click.IntRange(1))
@click.option("--against", type=click.IntRange(1), default=None, help="Compare with this version (default: the current one).")
def diff(process_id, version, against):
    """What VERSION adds, removes and changes against the current approved version, as JSON."""
    try:
        result = get_engine().approvals.diff(_system_actor(), process_id, version, against)
    except EngineError as err:
        fail(str(err))
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@processes_cli.command("migrate")
@click.argument("process_id")
@click.option("--from", "from_version", type=click.IntRange(1), required=True)
@click.option("--to", "to_version", type=click.IntRange(1), required=True)
@click.option("--instance", "instance_ids", multiple=True, help="Only this case; repeatable (default: every running case).")
@click.option("--dry-run", is_flag=True, help="Only say, per case, whether it can move and what would change.")
@click.option("--as", "actor", default=None, help="Who asks (default: admin).")
def migrate(process_id, from_version, to_version, instance_ids, dry_run, actor):
    """Move running cases from one version to another. The job runs here, to its end (the
    API's jobs are run by the scheduler)."""
    engine = get_engine()
    user = _user(actor)
    ids = list(instance_ids) or None
    try:
        if dry_run:
            result = engine.migrations.dry_run(user, process_id, from_version, to_version, ids)
            for row in result["results"]:
                said = "movable" if row["movable"] else f"not movable: {_reasons(row['reasons'])}"
                click.echo(f"{row['instance_id']}  {said}")
            click.echo(f"{result['movable']} movable, {result['not_movable']} not movable")
            return
        job = engine.migrations.request(user, process_id, from_version, to_version, ids)
        engine.migrations.run(job.id, holder_name())
        result = engine.migrations.job(user, process_id, job.id)
    except EngineError as err:
        fail(str(err))
    for row in result["results"]:
        said = row["status"] if row["status"] != "refused" else f"refused: {_reasons(row['reasons'])}"
        click.echo(f"{row['instance_id']}  {said}")
    click.echo(f"migration {result['id']}: {result['moved']} moved, {result['refused']} refused, {result['pending']} pending")

"""Command line: `flask --app webapp <group> <command>`.

Every command exits 0 on success and 2 with one sentence on stderr when its input is wrong.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from engine.errors import DeploymentInvalid, EngineError, InvalidInput
from webapp.engine_ext import get_engine

users_cli = AppGroup("users", help="Create users and service accounts, change their roles, deactivate, unlock.")
processes_cli = AppGroup("processes", help="Deploy processes and start instances.")
tasks_cli = AppGroup("tasks", help="List human tasks.")

# Each demo user's unit (`INSTITUTION:UNIT`); the institution is the part before the colon.
DEMO_UNITS = {
    "investigator": "POLICE:RIGA",
    "prosecutor": "PROSECUTION:RIGA",
    "duty_prosecutor": "PROSECUTION:RIGA",
    "legal_aid_officer": "TA:LEGAL-AID",
    "advocate": "BAR:RIGA",
    "court_clerk": "COURT:RIGA",
    "judge": "COURT:RIGA",
    "probation_officer": "PROBATION:RIGA",
    "prison_officer": "PRISON:RIGA",
    "compensation_officer": "TA:LEGAL-AID",
    "clerk": "TA:CENTRAL",
    "process_analyst": "TA:CENTRAL",
    "admin": "TA:CENTRAL",
    "chief_prosecutor": "PROSECUTION:RIGA",
    "court_chair": "COURT:RIGA",
    "elder_of_sworn_advocates": "BAR:RIGA",
    "citizen": "PUBLIC:CITIZENS",
}

# A second person where a process asks for four eyes (`separateFrom`): a decision's anonymisation
# is approved by another clerk of the same court than the one who reviewed it.
SECOND_DEMO_USERS = {"court-clerk-2": "court_clerk"}


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _system_actor():
    engine = get_engine()
    try:
        return engine.users.by_username("admin")
    except EngineError:
        fail("no 'admin' user exists yet: run 'flask --app webapp users create admin --role admin' first")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", help="Password (prompted for when omitted; not used for service accounts).")
@click.option("--role", "roles", multiple=True, help="Role to grant; repeatable (see `flask roles list`).")
@click.option("--full-name", default="")
@click.option("--institution", default=None, help="Institution code (POLICE, PROSECUTION, COURT, TA, BAR, ...).")
@click.option("--unit", default=None, help="Unit code, e.g. COURT:RIGA.")
@click.option("--service-account", is_flag=True, help="An account for another system: no password, token only.")
def create_user(username, password, roles, full_name, institution, unit, service_account):
    """Create a user (or, with --service-account, an account for another system)."""
    engine = get_engine()
    if not service_account and not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = engine.users.create(
            username, password, list(roles), full_name=full_name, institution=institution, unit=unit,
            service_account=service_account,
        )
    except EngineError as err:
        fail(str(err))
    click.echo(f"created {user.username} with roles {', '.join(sorted(user.roles)) or '(none)'}")
    if service_account:
        token = engine.users.issue_token(user, ttl=timedelta(days=365))
        click.echo(f"token (valid 365 days, shown once): {token}")


@users_cli.command("token")
@click.argument("username")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3650))
def user_token(username, days):
    """Issue a long-lived bearer token (for service accounts)."""
    engine = get_engine()
    try:
        user = engine.users.by_username(username)
    except EngineError as err:
        fail(str(err))
    click.echo(engine.users.issue_token(user, ttl=timedelta(days=days)))


@users_cli.command("seed-demo")
def seed_demo():
    """Create one demo user per role plus 'admin', all with the password 'demo' (skips existing)."""
    engine = get_engine()
    created = 0
    demo = [("admin" if role == "admin" else role.replace("_", "-"), role) for role in DEMO_UNITS]
    for username, role in demo + list(SECOND_DEMO_USERS.items()):
        try:
            engine.users.by_username(username)
            continue
        except EngineError:
            pass
        engine.users.create(
            username, "demo", [role], full_name=f"Demo {role.replace('_', ' ')}",
            institution=DEMO_UNITS[role].split(":")[0], unit=DEMO_UNITS[role],
        )
        created += 1
    click.echo(f"demo users: {created} created, password 'demo'")


def _collect(paths: tuple[str, ...]) -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() in (".bpmn", ".dmn", ".json") and child.is_file():
                    files.append((child.name, child.read_bytes()))
        elif path.is_file():
            files.append((path.name, path.read_bytes()))
        else:
            fail(f"{raw} does not exist")
    return files


@processes_cli.command("deploy")
@click.argument("paths", nargs=-1, required=True)
def deploy(paths):
    """Deploy .bpmn, .dmn and .json form files (directories are searched)."""
    files = _collect(paths)
    if not files:
        fail("no .bpmn, .dmn or .json files found in " + ", ".join(paths))
    engine = get_engine()
    actor = _system_actor()
    with click.progressbar(length=2, label=f"deploying {len(files)} files") as bar:
        bar.update(1)
        try:
            result = engine.deployments.deploy(actor, files)
        except DeploymentInvalid as err:
            bar.update(1)
            for problem in err.problems:
                click.echo(f"  {problem.file}:{problem.line or '-'} [{problem.element or '-'}] {problem.message}", err=True)
            fail(err.message)
        bar.update(1)
    for p in result.processes:
        review = f", {p.status}" if getattr(p, "status", None) else ""  # given while four-eyes approval is on
        click.echo(f"{p.process_id} v{p.version} ({'new' if p.new else 'unchanged'}{review})")
    for w in result.warnings:
        click.echo(f"warning: {w.file}:{w.line or '-'} [{w.element}] {w.message}")


@processes_cli.command("start")
@click.argument("process_id")
@click.option("--version", type=int)
@click.option("--data", default="{}", help="Initial data as a JSON object.")
@click.option("--business-key")
def start(process_id, version, data, business_key):
    """Start an instance as the admin user."""
    try:
        payload = json.loads(data)
    except json.JSONDecodeError as err:
        fail(f"--data is not valid JSON: {err.msg}")
    try:
        instance = get_engine().instances.start(_system_actor(), process_id, version, payload, business_key)
    except (EngineError, InvalidInput) as err:
        fail(str(err))
    click.echo(f"{instance.id} {instance.status} {instance.process_id} v{instance.process_version}")


@tasks_cli.command("list")
@click.option("--state", type=click.Choice(["ready", "completed", "cancelled"]), default="ready", show_default=True)
@click.option("--instance")
def list_tasks(state, instance):
    """List human tasks."""
    for task in get_engine().tasks.inbox(_system_actor(), instance_id=instance, state=state, limit=1000):
        who = task.assignee.username if task.assignee else "-"
        click.echo(f"{task.id}  {task.process_id} v{task.process_version}  {task.element_id:<24} {task.role or '-':<18} {who}")


timers_cli = AppGroup("timers", help="Timers.")
incidents_cli = AppGroup("incidents", help="Failed tasks.")
messages_cli = AppGroup("messages", help="Messages between instances.")


@timers_cli.command("fire")
def fire_timers():
    """Fire every timer that is due now (the scheduler does this on its own every second)."""
    engine = get_engine()
    due = len(engine.timers.due(1_000_000))
    with click.progressbar(length=max(due, 1), label=f"firing {due} due timers") as bar:
        fired = 0
        while True:
            step = engine.timers.fire_due(limit=100)
            fired += step
            bar.update(step)
            if step == 0:
                break
    click.echo(f"fired {fired} timers")


@incidents_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include resolved incidents.")
def list_incidents(show_all):
    """List open incidents."""
    for incident in get_engine().incidents.list(None if show_all else "open"):
        retry = incident.next_retry_at.isoformat() if incident.next_retry_at else "-"
        click.echo(
            f"{incident.id}  {incident.status:<8} {incident.instance_id}  {incident.element_id or '-':<20} "
            f"tries {incident.attempts}/{incident.max_attempts}  next {retry}  {incident.message}"
        )


@incidents_cli.command("retry")
@click.argument("incident_id")
def retry_incident(incident_id):
    """Run the failed task again (as the admin user)."""
    try:
        incident = get_engine().incidents.retry(_system_actor(), incident_id)
    except EngineError as err:
        fail(str(err))
    click.echo(f"{incident.id} {incident.status} {incident.message if incident.status == 'open' else ''}".rstrip())


@incidents_cli.command("skip")
@click.argument("incident_id")
def skip_incident(incident_id):
    """Mark the failed task done without running it (as the admin user)."""
    try:
        incident = get_engine().incidents.skip(_system_actor(), incident_id)
    except EngineError as err:
        fail(str(err))
    click.echo(f"{incident.id} skipped")


@messages_cli.command("expire")
def expire_messages():
    """Mark buffered messages past their time to live as expired (unmatched)."""
    click.echo(f"expired {get_engine().messages.expire()} messages")


catalogue_cli = AppGroup("catalogue", help="The message catalogue: who may throw and catch each message.")
messages_cli.add_command(catalogue_cli)


@catalogue_cli.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
def load_catalogue(file):
    """Declare the messages in FILE (a JSON object of {senders, receivers, payload_schema} by
    name), as the admin user; all or none are stored."""
    path = Path(file)
    if not path.is_file():
        fail(f"{file} does not exist")
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        fail(f"{file} is not a JSON file: {err}")
    try:
        results = get_engine().catalogue.load(_system_actor(), entries)
    except InvalidInput as err:
        details = "; ".join(f"{e['field']}: {e['message']}" for e in err.errors or [])
        fail(f"{file}: {err.message}" + (f" ({details})" if details else ""))
    except EngineError as err:
        fail(str(err))
    for row, created in results:
        click.echo(f"{row.name} v{row.version}" + (" (new)" if created else ""))


@catalogue_cli.command("list")
def list_catalogue():
    """Every declared message: its version, senders and receivers."""
    for row in get_engine().catalogue.list():
        click.echo(f"{row.name} v{row.version}  senders: {', '.join(row.senders) or '-'}  "
                   f"receivers: {', '.join(row.receivers) or '-'}")


def init_app(app: Flask) -> None:
    from webapp.audit_cli import audit_cli
    from webapp.backup import backup_cli
    from webapp.classifiers_cli import classifiers_cli
    from webapp.decisions_cli import decisions_cli
    from webapp.directory_cli import roles_cli
    from webapp.versions_cli import approve  # noqa: F401 - adds the version commands to `processes`

    for group in (users_cli, processes_cli, tasks_cli, timers_cli, incidents_cli, messages_cli, roles_cli,
                  audit_cli, backup_cli, classifiers_cli, decisions_cli):
        app.cli.add_command(group)

"""`flask items list|chain|evidence-pdf`: the property register from the command line.

The command acts for a named person (`--user`), and need-to-know applies to them as on the web:
a case they take no part in does not exist for the command either.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from engine.errors import EngineError
from engine.models import ProcessInstance
from webapp.cli import fail
from webapp.engine_ext import get_engine
from webapp.register import documents

items_cli = AppGroup("items", help="The property and document register of criminal cases.")
CLI_VIA = "cli items"
user_option = click.option("--user", "username", required=True, help="Act as this user (need-to-know applies).")
language_option = click.option("--lang", "language", type=click.Choice(["lv", "en"]), default="lv", show_default=True)


def _actor(username: str):
    try:
        return get_engine().users.by_username(username)
    except EngineError:
        fail(f"there is no user {username!r}")


def _run(action):
    try:
        return action()
    except EngineError as err:
        fail(err.message)


@items_cli.command("list")
@click.argument("instance_id")
@user_option
@language_option
def list_items(instance_id, username, language):
    """The items of case INSTANCE_ID: identifier, status, holder, storage place, description."""
    actor = _actor(username)
    items = _run(lambda: get_engine().property_register.items(actor, instance_id, via=CLI_VIA))
    with force_locale(language):
        for item in items:
            click.echo("\t".join([item.identifier, documents.status_name(item.status),
                                  documents.holder_name(item.holder_kind, item.holder_code), item.storage_place,
                                  item.description]))


@items_cli.command("chain")
@click.argument("instance_id")
@click.argument("identifier")
@user_option
@language_option
def show_chain(instance_id, identifier, username, language):
    """The custody chain of the item IDENTIFIER of case INSTANCE_ID, one event a line."""
    actor, register = _actor(username), get_engine().property_register
    items = _run(lambda: register.items(actor, instance_id, via=CLI_VIA))
    item = next((i for i in items if i.identifier == identifier), None)
    if item is None:
        fail(f"case {instance_id} has no item {identifier}")
    with force_locale(language):
        for link in register.view(item).chain:
            click.echo(documents.link_line(link))


@items_cli.command("evidence-pdf")
@click.argument("instance_id")
@click.argument("output", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@user_option
@language_option
def evidence_pdf(instance_id, output, username, language):
    """Write the list of evidence of case INSTANCE_ID to OUTPUT as PDF."""
    actor, register = _actor(username), get_engine().property_register
    items = _run(lambda: register.items(actor, instance_id, via=CLI_VIA))
    instance = get_engine().session().get(ProcessInstance, instance_id)  # readable: items() checked it
    with force_locale(language):
        data = documents.evidence_list_pdf(instance, [register.view(i) for i in items], language)
    try:
        output.write_bytes(data)
    except OSError as err:
        fail(f"cannot write {output}: {err.strerror}")
    click.echo(f"{output}: {len(items)} items, {len(data)} bytes")

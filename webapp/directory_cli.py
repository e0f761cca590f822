"""`flask users roles|deactivate|unlock` and `flask roles list|create`: people and roles from the
command line, audited like the admin API (actor `cli`)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from engine.errors import EngineError
from webapp.cli import fail, users_cli
from webapp.engine_ext import get_engine

roles_cli = AppGroup("roles", help="Roles users may hold and lanes may name.")
CLI_ACTOR = "cli"


@users_cli.command("roles")
@click.argument("username")
@click.option("--add", "add", multiple=True, help="Role to grant; repeatable.")
@click.option("--remove", "remove", multiple=True, help="Role to take away; repeatable.")
def user_roles(username, add, remove):
    """Print a user's roles, or change them with --add / --remove."""
    engine = get_engine()
    try:
        user = engine.users.by_username(username)
        if add or remove:
            user = engine.users.set_roles(username, list(add), list(remove), actor=CLI_ACTOR)
    except EngineError as err:
        fail(err.message)
    click.echo(f"{user.username}: {', '.join(sorted(user.roles)) or '(no roles)'}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Stop a user from signing in; every token they hold stops working at once."""
    try:
        get_engine().users.deactivate(username, actor=CLI_ACTOR)
    except EngineError as err:
        fail(err.message)
    click.echo(f"{username} deactivated; their tokens are revoked")


@users_cli.command("unlock")
@click.argument("username")
def unlock(username):
    """Lift the sign-in lock of a username (from every client address)."""
    try:
        removed = get_engine().sign_in.unlock(username, actor=CLI_ACTOR)
    except EngineError as err:
        fail(err.message)
    click.echo(f"{username} unlocked ({removed} failure counters cleared)")


@roles_cli.command("list")
def list_roles():
    """Every role: code, institution, Latvian and English name."""
    for role in get_engine().directory.roles():
        state = "" if role.active else "  (inactive)"
        click.echo(f"{role.code:<26} {role.institution_code or '-':<12} {role.name_lv} / {role.name_en}{state}")


@roles_cli.command("create")
@click.argument("code")
@click.option("--name-lv", required=True, help="The role's name in Latvian.")
@click.option("--name-en", required=True, help="The role's name in English.")
@click.option("--institution", default=None, help="Institution code (POLICE, COURT, ...), if the role belongs to one.")
def create_role(code, name_lv, name_en, institution):
    """Add a role; lanes may name it from then on."""
    try:
        role = get_engine().directory.create_role(code, name_lv, name_en, institution, actor=CLI_ACTOR)
    except EngineError as err:
        fail(err.message)
    click.echo(f"created role {role.code}")

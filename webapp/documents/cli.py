"""`flask documents verify FILE_OR_ID` and `flask documents templates`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from documents import DocumentError, catalogue
from webapp.documents import service
from webapp.documents.verification import verify
from webapp.engine_ext import get_engine

documents_cli = AppGroup("documents", help="Generated case documents: templates, seals, verification.")


@documents_cli.command("verify")
@click.argument("target")
def verify_command(target: str) -> None:
    """Check a document (a file, or a stored document's id): its SHA-256 against the store and, for
    a PDF, its seal. Exit 1 with a sentence when anything fails."""
    engine = get_engine()
    verdict = verify(engine.session(), target, engine.clock.now())
    for line in verdict.lines:
        click.echo(line, err=not verdict.ok)
    if not verdict.ok:
        sys.exit(1)
    click.echo("the document is intact")


@documents_cli.command("templates")
def templates_command() -> None:
    """List the templates in use and check each; exit 1 naming a template that cannot be used."""
    folder = service.templates_folder()
    broken = False
    for name in catalogue.names(folder):
        try:
            template = catalogue.load(folder, name)
        except DocumentError as err:
            broken = True
            click.echo(f"{name}: {err.message}", err=True)
            continue
        click.echo(f"{template.name} {template.version} ({', '.join(template.formats)}): {template.title_lv}")
    sys.exit(1 if broken else 0)

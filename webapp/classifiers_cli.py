"""`flask classifiers list|show|import|export`: shared code lists from the command line, as JSON or
CSV, audited like the admin API (actor `cli`)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from engine.classifier_data import ClassifierData, entries_to_csv, parse_classifier, rows_from_csv
from engine.day_input import parse_day
from engine.deadlines import riga_today
from engine.errors import EngineError, InvalidInput
from webapp.cli import fail
from webapp.engine_ext import get_engine

classifiers_cli = AppGroup("classifiers", help="Shared classifiers: code lists used by every institution.")
CLI_ACTOR = "cli"


def _explain(err: EngineError) -> str:
    details = getattr(err, "errors", None) or []
    lines = [err.message] + [f"  {item['field'] or '/'}: {item['message']}" for item in details if isinstance(item, dict)]
    return "\n".join(lines)


@classifiers_cli.command("list")
def list_classifiers():
    """Every classifier with its current version."""
    for listing in get_engine().classifiers.listings():
        version = "read-only" if listing.read_only else f"v{listing.version}"
        flags = ("" if listing.public else " (sign-in)") + ("" if listing.verified else " (unverified)")
        click.echo(f"{listing.name}\t{version}\t{listing.title_en}{flags}")


@classifiers_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="The classifier (default: the JSON's name, or the CSV file's stem).")
@click.option("--title-lv", help="For a new list from CSV: its Latvian title.")
@click.option("--title-en", help="For a new list from CSV: its English title.")
@click.option("--source", help="For a new list from CSV: where the list comes from.")
def import_classifier(file, name, title_lv, title_en, source):
    """Publish FILE (.json: a whole list; .csv: code,name_lv,name_en[,valid_from,valid_to]) as the
    classifier's next version. Identical content publishes nothing."""
    engine = get_engine()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        fail(f"{file} cannot be read as UTF-8 text: {err}")
    try:
        if file.suffix.lower() == ".json":
            try:
                document = json.loads(text)
            except json.JSONDecodeError as err:
                fail(f"{file} is not JSON: {err}")
            data = parse_classifier(document, name=name or (document.get("name") if isinstance(document, dict) else None))
        elif file.suffix.lower() == ".csv":
            data = _from_csv(engine, name or file.stem, text, title_lv, title_en, source)
        else:
            fail(f"{file}: give a .json or a .csv file")
        listing, added = engine.classifiers.publish(data, actor=CLI_ACTOR)
    except EngineError as err:
        fail(_explain(err))
    if added:
        click.echo(f"{listing.name}: version {listing.version} published ({len(listing.entries)} entries)")
    else:
        click.echo(f"{listing.name}: unchanged (version {listing.version})")


def _from_csv(engine, name: str, text: str, title_lv, title_en, source) -> ClassifierData:
    rows = rows_from_csv(text)
    if name in engine.classifiers.names():
        current = engine.classifiers.describe(name)
        meta = {"title_lv": title_lv or current.title_lv, "title_en": title_en or current.title_en,
                "source": source or current.source, "verified": current.verified, "public": current.public}
    elif not (title_lv and title_en and source):
        raise InvalidInput(f"{name!r} is a new classifier: give --title-lv, --title-en and --source")
    else:
        meta = {"title_lv": title_lv, "title_en": title_en, "source": source}
    return parse_classifier(meta | {"entries": rows}, name=name)


@classifiers_cli.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--version", type=int, help="A past version (default: the current one).")
@click.option("--at", help="Only the entries valid on this date (YYYY-MM-DD).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file (default: standard output).")
def export_classifier(name, fmt, version, at, output):
    """Write a classifier as JSON (importable as it is) or CSV (its entries)."""
    engine = get_engine()
    try:
        listing = engine.classifiers.listing(name, version)
        entries = listing.entries if at is None else listing.on(parse_day(at, riga_today(engine.clock.now())))
    except EngineError as err:
        fail(_explain(err))
    if fmt == "csv":
        text = entries_to_csv(entries)
    else:
        text = json.dumps(
            ClassifierData(listing.name, listing.title_lv, listing.title_en, listing.source, listing.verified,
                           listing.public, tuple(entries)).as_dict(),
            ensure_ascii=False, indent=2,
        ) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{name}: {len(entries)} entries written to {output}")

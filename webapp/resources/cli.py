"""`flask --app webapp resources …` and `flask --app webapp roster …`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from engine.errors import EngineError
from webapp.cli import fail

resources_cli = AppGroup("resources", help="Advocates, prosecutors and their demo data.")
roster_cli = AppGroup("roster", help="Duty-prosecutor rosters: solve a month, approve, show.")
CLI_ACTOR = "cli"


@resources_cli.command("seed-demo")
def seed_demo():
    """Create demo advocates (60) and prosecutors (40) across the five court territories (skips existing)."""
    from webapp.resources.seed import seed_demo as seed

    made = seed()
    click.echo(f"demo resources: {made['advocates']} advocates and {made['prosecutors']} prosecutors created, "
               f"{made['linked']} demo users linked")


@roster_cli.command("solve")
@click.option("--month", required=True, help="The month to roster, YYYY-MM.")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Solver time limit in seconds.")
@click.option("--regions", help="Comma-separated regions (default: the five court territories).")
def solve(month, time_limit, regions):
    """Solve a month's duty roster and store it as a new draft version."""
    from webapp.resources import rosters
    from webapp.resources.common import parse_month

    region_list = [r.strip() for r in regions.split(",") if r.strip()] if regions else None
    try:
        parse_month(month)
    except EngineError as err:
        fail(err.message)
    started = time.monotonic()
    with click.progressbar(length=3, label=f"roster {month}", show_eta=False, show_percent=False,
                           item_show_func=lambda item: item or "") as bar:
        def progress(phase, detail):
            bar.update(0 if phase == "loading" else 1, f"{phase}: {detail}")

        try:
            row = rosters.solve_month(CLI_ACTOR, month, regions=region_list, time_limit=time_limit, progress=progress)
        except EngineError as err:
            bar.render_finish()
            fail(err.message if hasattr(err, "message") else str(err))
        bar.update(1, "done")
    objective = row.objective or {}
    click.echo(
        f"draft {row.month} v{row.version} (id {row.id}): {len(row.slots)} duties, solver {row.solver_status}, "
        f"spread {objective.get('spread')}, preference penalty {objective.get('preference_penalty')}, "
        f"{time.monotonic() - started:.1f} s"
    )
    if row.unfilled:
        click.echo(f"warning: {len(row.unfilled)} slots are unfilled; this draft cannot be approved", err=True)
    click.echo(f"approve it with: flask --app webapp roster approve --month {row.month}")


@roster_cli.command("approve")
@click.option("--month", required=True, help="YYYY-MM; its latest draft is approved.")
@click.option("--id", "roster_id", type=int, help="Approve this roster version instead of the latest draft.")
def approve(month, roster_id):
    """Make the month's draft the current roster (the previously approved version is superseded)."""
    from webapp.resources import rosters

    try:
        if roster_id is not None:
            row = rosters.get_roster_row(roster_id)
            if row.month != month:
                fail(f"roster {roster_id} is for {row.month}, not {month}")
        row = rosters.approve(CLI_ACTOR, roster_id=roster_id, month=None if roster_id else month)
    except EngineError as err:
        fail(err.message)
    click.echo(f"approved {row.month} v{row.version} (id {row.id}): {len(row.slots)} duties")


@roster_cli.command("show")
@click.option("--month", required=True, help="YYYY-MM")
def show(month):
    """The month's roster versions, and the duties of the approved one (else the latest draft)."""
    from webapp.resources import rosters

    try:
        current = rosters.latest(month)
    except EngineError as err:
        fail(err.message)
    if current is None:
        fail(f"there is no roster for {month}: run 'flask --app webapp roster solve --month {month}' first")
    for row in rosters.month_rows(month):
        mark = "*" if row.id == current.id else " "
        click.echo(f"{mark} v{row.version} id {row.id} {row.status:<10} {row.solver_status:<9} "
                   f"{len(row.slots)} duties  created {row.created_at:%Y-%m-%d %H:%M} by {row.created_by}")
    click.echo("")
    for slot in current.slots:
        click.echo(f"{slot.date.isoformat()}  {slot.shift:<6} {slot.region:<8} {slot.prosecutor.code:<16} "
                   f"{slot.prosecutor.full_name}")

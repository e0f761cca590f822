"""HTTP API and CLI of the advocates' duty rosters (`/api/v1/advocate-rosters`,
`flask --app webapp advocate-roster …`), the same calls as the duty-prosecutor rosters'."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask.views import MethodView
from marshmallow import Schema, fields

from engine.errors import N_, EngineError
from webapp.api.blueprint import Blueprint
from webapp.auth import current_user
from webapp.cli import fail
from webapp.resources import advocate_rosters
from webapp.resources.api import MONTH, RosterQuerySchema, RosterSolveSchema
from webapp.resources.common import require_role

CLI_ACTOR = "cli"
advocate_rosters_blp = Blueprint("advocate_rosters", __name__, url_prefix="/api/v1/advocate-rosters",
                                 description="Advocates' duty rosters for urgent legal aid")
advocate_roster_cli = AppGroup("advocate-roster", help="Advocates' duty rosters: solve a month, approve, show.")


class AdvocateDutySlotSchema(Schema):
    id = fields.Integer()
    date = fields.Date()
    region = fields.String()
    shift = fields.String()
    starts_at = fields.DateTime(format="iso")
    ends_at = fields.DateTime(format="iso")
    advocate_id = fields.Integer()
    advocate_code = fields.String()
    advocate_name = fields.String()


class AdvocateRosterSchema(Schema):
    id = fields.Integer()
    month = fields.String(validate=MONTH)
    version = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime(format="iso")
    created_by = fields.String()
    approved_at = fields.DateTime(format="iso", allow_none=True)
    approved_by = fields.String(allow_none=True)
    solver_status = fields.String()
    objective = fields.Dict(allow_none=True)
    solve_seconds = fields.Float()
    settings = fields.Dict()
    unfilled = fields.List(fields.Dict())
    duties = fields.Integer()
    slots = fields.List(fields.Nested(AdvocateDutySlotSchema))


@advocate_rosters_blp.route("")
class AdvocateRostersView(MethodView):
    @advocate_rosters_blp.arguments(RosterQuerySchema, location="query")
    @advocate_rosters_blp.response(200, AdvocateRosterSchema(many=True))
    def get(self, query):
        """Roster versions, of one month with `?month=YYYY-MM` (admin, elder of sworn advocates, legal-aid officer)."""
        rows = advocate_rosters.list_rosters(current_user(), query.get("month"))
        return [advocate_rosters.roster_dict(r) for r in rows]

    @advocate_rosters_blp.arguments(RosterSolveSchema)
    @advocate_rosters_blp.response(201, AdvocateRosterSchema)
    def post(self, body):
        """Solve a month into a new draft version (admin, elder of sworn advocates)."""
        actor = current_user()
        require_role(actor, advocate_rosters.APPROVER, action=N_("solve advocates' rosters"))
        limit = min(body["time_limit"], current_app.config["LIETA_SETTINGS"].solver_max_seconds)
        row = advocate_rosters.solve_month(actor.username, body["month"], regions=body.get("regions"), time_limit=limit)
        return advocate_rosters.roster_dict(row)


@advocate_rosters_blp.route("/<int:roster_id>")
class AdvocateRosterView(MethodView):
    @advocate_rosters_blp.response(200, AdvocateRosterSchema)
    def get(self, roster_id):
        """One roster version with its duty slots."""
        return advocate_rosters.roster_dict(advocate_rosters.get_roster(current_user(), roster_id), with_slots=True)


@advocate_rosters_blp.route("/<int:roster_id>/approve")
class AdvocateRosterApproveView(MethodView):
    @advocate_rosters_blp.response(200, AdvocateRosterSchema)
    @advocate_rosters_blp.alt_response(409, description="not a draft, or slots left unfilled")
    def post(self, roster_id):
        """The elder of sworn advocates makes a draft the month's roster; the previous one is superseded."""
        return advocate_rosters.roster_dict(advocate_rosters.approve(current_user(), roster_id))


@advocate_roster_cli.command("solve")
@click.option("--month", required=True, help="The month to roster, YYYY-MM.")
@click.option("--regions", default="", help="Court territories, comma-separated (default: all five).")
@click.option("--time-limit", type=float, default=advocate_rosters.DEFAULT_TIME_LIMIT, show_default=True)
def solve(month, regions, time_limit):
    """Solve a month's advocates' duty roster and store it as a new draft version."""
    region_list = [r.strip() for r in regions.split(",") if r.strip()] or None
    try:
        row = advocate_rosters.solve_month(CLI_ACTOR, month, regions=region_list, time_limit=time_limit)
    except EngineError as err:
        fail(err.message)
    click.echo(f"draft {row.month} v{row.version} (id {row.id}): {len(row.slots)} duties, {row.solver_status}")
    if row.unfilled:
        click.echo(f"warning: {len(row.unfilled)} slots are unfilled; this draft cannot be approved", err=True)
    click.echo(f"approve it with: flask --app webapp advocate-roster approve --month {row.month}")


@advocate_roster_cli.command("approve")
@click.option("--month", required=True, help="YYYY-MM; its latest draft is approved.")
def approve(month):
    """Make the month's latest draft the current advocates' roster."""
    try:
        row = advocate_rosters.approve(CLI_ACTOR, month=month)
    except EngineError as err:
        fail(err.message)
    click.echo(f"approved {row.month} v{row.version} (id {row.id}): {len(row.slots)} duties")


@advocate_roster_cli.command("show")
@click.option("--month", required=True, help="YYYY-MM")
def show(month):
    """The duties of the month's approved roster (else its latest draft)."""
    try:
        current = advocate_rosters.latest(month)
    except EngineError as err:
        fail(err.message)
    if current is None:
        fail(f"there is no advocates' roster for {month}: run 'flask --app webapp advocate-roster solve --month {month}' first")
    click.echo(f"v{current.version} id {current.id} {current.status} {current.solver_status}")
    for slot in current.slots:
        click.echo(f"{slot.date.isoformat()}  {slot.region:<8} {slot.advocate.code:<16} {slot.advocate.full_name}")


__all__ = ["advocate_roster_cli", "advocate_rosters_blp"]

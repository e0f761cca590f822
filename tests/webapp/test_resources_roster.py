"""Roster: CLI solve → draft → approve → duty slots through the API and the private iCalendar
feed; revoked links stop working; CLI exit codes."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from webapp.resources.common import RIGA

MONTH = "2027-02"
REGIONS = "Rīga,Kurzeme"


@pytest.fixture
def staff(api):
    """Twelve prosecutors for two regions (two cover both); `prosecutor` (a user) is pro-01."""
    api.create_users({"lawyer": ["advocate"]})
    ids = {}
    for n in range(1, 13):
        regions = ["Rīga", "Kurzeme"] if n in (6, 7) else (["Rīga"] if n <= 6 else ["Kurzeme"])
        body = {"code": f"pro-{n:02d}", "full_name": f"Prosecutor {n}", "regions": regions}
        if n == 1:
            body["user"] = "prosecutor"
        response = api.post("/api/v1/prosecutors", json=body)
        assert response.status_code == 201, response.json
        ids[body["code"]] = response.json["id"]
    leave = api.post(f"/api/v1/prosecutors/{ids['pro-01']}/leaves",
                     json={"start_date": "2027-02-10", "end_date": "2027-02-14"})
    assert leave.status_code == 201, leave.json
    return ids


def cli(api, *args):
    return api.app.test_cli_runner().invoke(args=list(args))


def solve(api, month=MONTH):
    result = cli(api, "roster", "solve", "--month", month, "--regions", REGIONS, "--time-limit", "10")
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


def test_solve_approve_and_serve_the_duties(api, staff):
    result = solve(api)
    assert "draft 2027-02 v1" in result.output and "224 duties" not in result.output
    assert "112 duties" in result.output  # 28 days × 2 regions × 2 shifts
    [draft] = api.get(f"/api/v1/rosters?month={MONTH}", as_user="prosecutor").json
    assert draft["status"] == "draft" and draft["version"] == 1 and draft["duties"] == 112
    assert draft["solver_status"] in ("optimal", "feasible") and draft["unfilled"] == []
    assert api.get("/api/v1/duty-slots?prosecutor=me", as_user="prosecutor").json == []  # drafts are not served

    assert api.post(f"/api/v1/rosters/{draft['id']}/approve", as_user="prosecutor").status_code == 403
    approved = api.post(f"/api/v1/rosters/{draft['id']}/approve")
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert approved.json["approved_by"] == "admin"
    assert api.post(f"/api/v1/rosters/{draft['id']}/approve").status_code == 409

    full = api.get(f"/api/v1/rosters/{draft['id']}", as_user="prosecutor").json["slots"]
    assert len(full) == 112
    assert len({(s["date"], s["region"], s["shift"]) for s in full}) == 112
    mine = api.get("/api/v1/duty-slots?prosecutor=me", as_user="prosecutor").json
    assert mine and all(s["prosecutor_id"] == staff["pro-01"] for s in mine)
    assert not any("2027-02-10" <= s["date"] <= "2027-02-14" for s in mine)  # leave respected
    assert [s for s in full if s["prosecutor_id"] == staff["pro-01"]] == mine
    first = mine[0]
    assert first["starts_at"].endswith("+00:00")
    window = api.get(f"/api/v1/duty-slots?prosecutor=me&from={first['date']}&to={first['date']}",
                     as_user="prosecutor").json
    assert first in window and all(s["date"] in (first["date"],) or s["shift"] == "night" for s in window)
    everyone = api.get(f"/api/v1/duty-slots?from={MONTH}-01&to={MONTH}-28").json
    assert len(everyone) == 112

    # The private feed: a secret link, valid iCalendar, one VEVENT per duty of this prosecutor.
    link = api.post("/api/v1/calendar-token", as_user="prosecutor")
    assert link.status_code == 201
    path = link.json["url"].split("localhost", 1)[1]
    assert path == f"/calendar/{link.json['token']}.ics"
    feed = api.client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(feed.data)
    events = calendar.events
    assert len(events) == len(mine)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(str(e.start.tzinfo) == "Europe/Riga" and e.end > e.start for e in events)
    day = next(s for s in mine if s["shift"] == "day")
    expected_start = dt.datetime.fromisoformat(f"{day['date']}T08:00").replace(tzinfo=RIGA)  # 08:00 in Riga
    assert expected_start in {e.start for e in events}
    assert max(len(line) for line in feed.data.split(b"\r\n")) <= 75  # folded by the library

    # A new link revokes the old one; deleting revokes the new one.
    again = api.post("/api/v1/calendar-token", as_user="prosecutor")
    assert api.client.get(path).status_code == 404
    new_path = again.json["url"].split("localhost", 1)[1]
    assert api.client.get(new_path).status_code == 200
    assert api.client.open("/api/v1/calendar-token", method="DELETE",
                           headers=api.headers("prosecutor")).status_code == 204
    assert api.client.get(new_path).status_code == 404
    assert api.client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_new_version_supersedes_the_approved_one(api, staff):
    solve(api)
    assert cli(api, "roster", "approve", "--month", MONTH).exit_code == 0
    solve(api)
    shown = cli(api, "roster", "show", "--month", MONTH)
    assert shown.exit_code == 0
    assert "* v1" in shown.output and "  v2" in shown.output and "draft" in shown.output
    approved = cli(api, "roster", "approve", "--month", MONTH)
    assert approved.exit_code == 0 and "approved 2027-02 v2" in approved.output
    statuses = [(r["version"], r["status"]) for r in api.get(f"/api/v1/rosters?month={MONTH}").json]
    assert statuses == [(1, "superseded"), (2, "approved")]
    assert len(api.get(f"/api/v1/duty-slots?from={MONTH}-01&to={MONTH}-28").json) == 112  # only v2's
    assert len(api.get("/api/v1/rosters", as_user="prosecutor").json) == 2  # every month without ?month=


def test_prior_duties_carry_over_to_the_next_month(api, staff):
    solve(api, "2027-01")
    assert cli(api, "roster", "approve", "--month", "2027-01").exit_code == 0
    solve(api, MONTH)
    [draft] = api.get(f"/api/v1/rosters?month={MONTH}").json
    jan = api.get("/api/v1/duty-slots?from=2027-01-01&to=2027-01-31").json
    assert len(jan) == 124
    # Whoever ended January on a night is not on duty on the morning of 1 February.
    nights = {s["prosecutor_id"] for s in jan if s["date"] == "2027-01-31" and s["shift"] == "night"}
    feb = api.get(f"/api/v1/rosters/{draft['id']}").json["slots"]
    assert not any(s["prosecutor_id"] in nights for s in feb if s["date"] == "2027-02-01" and s["shift"] == "day")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["roster", "solve", "--month", "2027-13"], "error: the month must be written YYYY-MM, e.g. 2027-01"),
        (["roster", "solve", "--month", "January"], "error: the month must be written YYYY-MM"),
        (["roster", "solve", "--month", MONTH, "--regions", "Latgale"], "error: no active prosecutor covers latgale"),
        (["roster", "solve", "--month", MONTH, "--regions", "Atlantis"], "error: regions: unknown court territory"),
        (["roster", "approve", "--month", MONTH], "error: there is no draft roster for 2027-02"),
        (["roster", "approve", "--month", "2027-2"], "error: the month must be written YYYY-MM"),
        (["roster", "show", "--month", MONTH], "error: there is no roster for 2027-02"),
    ],
)
def test_cli_refuses_bad_input_with_exit_2(api, staff, args, message):
    result = cli(api, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1].startswith(message)


def test_an_infeasible_month_is_named(api, staff):
    # Only pro-01 may cover Latgale: nobody can take both shifts every day.
    assert api.client.patch(f"/api/v1/prosecutors/{staff['pro-01']}", json={"regions": ["Latgale"]},
                            headers=api.headers("admin")).status_code == 200
    result = cli(api, "roster", "solve", "--month", MONTH, "--regions", "Latgale", "--time-limit", "5")
    assert result.exit_code == 2
    assert "error: no roster for 2027-02:" in result.stderr
    assert api.get(f"/api/v1/rosters?month={MONTH}").json == []

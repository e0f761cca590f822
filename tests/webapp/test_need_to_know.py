"""Need-to-know: who reads which case, in lists, by id and in the history; how much of its data.

One case walks through three lanes: a clerk's intake, a review offered by the model to one named
prosecutor, and a court intake the model gives to the Rīga court's unit. At each step every kind
of person is asked what they can see.
"""

import json

import pytest

from tests.support.bpmn_builder import ProcessBuilder

# Every list here is read both ways a reader can be served (engine/services/reach.py).
pytestmark = pytest.mark.usefixtures("both_reaches")

INTAKE_FORM = {"type": "object", "properties": {"summary": {"type": "string"}}}
REVIEW_FORM = {"type": "object", "properties": {"decision": {"type": "string", "enum": ["charge", "drop"]}}}

PEOPLE = {
    "starter": (["clerk"], None, None),
    "clerk1": (["clerk"], None, None),
    "clerk_b": (["clerk"], None, None),
    "pros1": (["prosecutor"], "PROSECUTION", "PROSECUTION:RIGA"),
    "pros2": (["prosecutor"], "PROSECUTION", "PROSECUTION:RIGA"),
    "chief": (["chief_prosecutor"], "PROSECUTION", "PROSECUTION:GENERAL"),
    "court_riga": (["court_clerk"], "COURT", "COURT:RIGA"),
    "court_kurzeme": (["court_clerk"], "COURT", "COURT:KURZEME"),
    "stranger": (["probation_officer"], "PROBATION", "PROBATION:RIGA"),
}


def matrix_process() -> str:
    p = ProcessBuilder("matrix")
    p.start()
    p.user_task("intake", "Intake", lane="Clerk", form="intake.json")
    p.script_task(
        "route", "lane_owners = {'Prosecutor': ['pros2']}\nlane_units = {'Court clerk': 'COURT:RIGA'}", lane="Clerk"
    )
    p.user_task("review", "Review", lane="Prosecutor", form="review.json")
    p.user_task("court_intake", "Register at court", lane="Court clerk")
    p.end()
    p.chain("start", "intake", "route", "review", "court_intake", "end")
    return p.xml()


@pytest.fixture
def people(api):
    with api.app.app_context():
        users = api.engine().users
        for name, (roles, institution, unit) in PEOPLE.items():
            users.create(name, "secret-" + name, roles, institution=institution, unit=unit)
        for name in ("svc", "svc_other"):
            account = users.create(name, None, [], service_account=True)
            api._tokens[name] = users.issue_token(account)
    files = {"matrix.bpmn": matrix_process(), "intake.json": json.dumps(INTAKE_FORM), "review.json": json.dumps(REVIEW_FORM)}
    assert api.deploy(files).status_code == 201
    assert api.client.put(
        "/api/v1/process-supervisors/matrix", json={"roles": ["chief_prosecutor"]}, headers=api.headers("admin")
    ).status_code == 200
    assert api.client.put(
        "/api/v1/service-grants/svc", json={"processes": ["matrix"]}, headers=api.headers("admin")
    ).status_code == 200
    return api


def sees(api, user: str, instance_id: str) -> dict:
    """What one person gets from the three ways into a case."""
    listed = [row["id"] for row in api.get("/api/v1/process-instances", as_user=user).json]
    by_id = api.get(f"/api/v1/process-instances/{instance_id}", as_user=user)
    history = api.get(f"/api/v1/process-instances/{instance_id}/history", as_user=user)
    assert (instance_id in listed) == (by_id.status_code == 200) == (history.status_code == 200), user
    if by_id.status_code == 404:
        assert history.status_code == 404
        return {"visible": False}
    return {"visible": True, "data": by_id.json["data"], "history": history.json}


def step(api, instance_id: str, element: str, data: dict, as_user: str) -> None:
    [task] = [t for t in api.ready_tasks(instance_id) if t["element_id"] == element]
    response = api.complete(task["id"], data, as_user=as_user)
    assert response.status_code == 200, response.json


START_DATA = {"case_ref": "11-2027", "victim_name": "Anna Bērziņa"}
EVERYTHING = {**START_DATA, "summary": "burglary", "decision": "charge", "lane_owners": {"Prosecutor": ["pros2"]},
              "lane_units": {"Court clerk": "COURT:RIGA"}}


def test_who_reads_the_case_at_each_step(people):
    api = people
    instance_id = api.start("matrix", as_user="starter", data=START_DATA).json["id"]

    # Intake is open to every clerk: all of them are current candidates by role.
    visible = {user for user in [*PEOPLE, "admin", "svc", "svc_other"] if sees(api, user, instance_id)["visible"]}
    assert visible == {"starter", "clerk1", "clerk_b", "chief", "admin", "svc"}

    step(api, instance_id, "intake", {"summary": "burglary"}, as_user="clerk1")
    # clerk_b was only a candidate and completed nothing: the case is gone for them. The review is
    # offered to pros2 by name, so pros1 (same role) sees nothing.
    visible = {user for user in [*PEOPLE, "admin", "svc", "svc_other"] if sees(api, user, instance_id)["visible"]}
    assert visible == {"starter", "clerk1", "pros2", "chief", "admin", "svc"}

    step(api, instance_id, "review", {"decision": "charge"}, as_user="pros2")
    # The court intake is for the Rīga court's clerks only.
    visible = {user for user in [*PEOPLE, "admin", "svc", "svc_other"] if sees(api, user, instance_id)["visible"]}
    assert visible == {"starter", "clerk1", "pros2", "court_riga", "chief", "admin", "svc"}

    step(api, instance_id, "court_intake", {}, as_user="court_riga")
    visible = {user for user in [*PEOPLE, "admin", "svc", "svc_other"] if sees(api, user, instance_id)["visible"]}
    assert visible == {"starter", "clerk1", "pros2", "court_riga", "chief", "admin", "svc"}


def test_participants_see_only_their_part_of_the_data(people):
    api = people
    instance_id = api.start("matrix", as_user="starter", data=START_DATA).json["id"]
    step(api, instance_id, "intake", {"summary": "burglary"}, as_user="clerk1")
    step(api, instance_id, "review", {"decision": "charge"}, as_user="pros2")

    assert sees(api, "starter", instance_id)["data"] == START_DATA  # what they gave when starting
    assert sees(api, "clerk1", instance_id)["data"] == {"summary": "burglary"}
    assert sees(api, "pros2", instance_id)["data"] == {"decision": "charge"}
    assert sees(api, "court_riga", instance_id)["data"] == {}
    for supervisor in ("chief", "admin", "svc"):
        assert sees(api, supervisor, instance_id)["data"] == EVERYTHING


def test_the_history_hides_what_the_reader_may_not_see(people):
    api = people
    instance_id = api.start("matrix", as_user="starter", data=START_DATA).json["id"]
    step(api, instance_id, "intake", {"summary": "burglary"}, as_user="clerk1")
    step(api, instance_id, "review", {"decision": "charge"}, as_user="pros2")

    def completions(user):
        return {
            entry["data"]["element_id"]: entry["data"].get("data")
            for entry in sees(api, user, instance_id)["history"] if entry["event"] == "task_completed"
        }

    assert completions("pros2") == {"intake": {}, "review": {"decision": "charge"}}
    assert completions("clerk1") == {"intake": {"summary": "burglary"}, "review": {}}
    assert completions("chief") == {"intake": {"summary": "burglary"}, "review": {"decision": "charge"}}
    started = [e for e in sees(api, "pros2", instance_id)["history"] if e["event"] == "instance_started"][0]
    assert started["data"]["data"] == {} and started["data"]["process_id"] == "matrix"
    events = {entry["event"] for entry in sees(api, "admin", instance_id)["history"]}
    assert "case_read" not in events  # reads go to the access log, not the case's history


def test_tasks_of_a_case_one_takes_no_part_in_are_404(people):
    api = people
    instance_id = api.start("matrix", as_user="starter", data=START_DATA).json["id"]
    [intake] = api.ready_tasks(instance_id)
    for action in ("claim", "unclaim", "complete"):
        refused = api.post(f"/api/v1/tasks/{intake['id']}/{action}", as_user="pros1", json={"data": {}})
        assert refused.status_code == 404, action
    assert api.get(f"/api/v1/tasks/{intake['id']}", as_user="pros1").status_code == 404
    # The supervisor reads the case but does not work in the clerks' lane: 403, saying why.
    refused = api.complete(intake["id"], {"summary": "x"}, as_user="chief")
    assert refused.status_code == 403 and "clerk" in refused.json["message"]


def test_every_read_of_a_case_is_logged_for_admins(people):
    api = people
    instance_id = api.start("matrix", as_user="starter", data=START_DATA).json["id"]
    api.get(f"/api/v1/process-instances/{instance_id}", as_user="clerk2")
    api.get(f"/api/v1/process-instances/{instance_id}/history", as_user="chief")
    [task] = api.ready_tasks(instance_id, as_user="clerk2")
    api.get(f"/api/v1/tasks/{task['id']}", as_user="clerk2")

    log = api.get(f"/api/v1/audit?kind=access&instance_id={instance_id}").json
    reads = {(row["actor"], row["data"]["via"]) for row in log}
    assert reads == {
        ("clerk2", "GET /api/v1/process-instances/<string:instance_id>"),
        ("chief", "GET /api/v1/process-instances/<string:instance_id>/history"),
        ("clerk2", "GET /api/v1/tasks/<string:task_id>"),
    }
    assert all(row["kind"] == "access" and row["event"] == "case_read" and row["data"]["client"] for row in log)
    only_chief = api.get(f"/api/v1/audit?kind=access&user=chief&instance_id={instance_id}").json
    assert [row["actor"] for row in only_chief] == ["chief"]
    assert api.get("/api/v1/audit?kind=access", as_user="chief").status_code == 403
    assert api.get("/api/v1/audit?kind=access", as_user="svc").status_code == 403
    assert api.get("/api/v1/audit?kind=nonsense").status_code == 422


def test_supervision_and_grants_are_admin_data_and_audited(people):
    api = people
    changes = api.get("/api/v1/audit?kind=change&event=supervisors_changed").json
    assert changes[0]["data"] == {"process_id": "matrix", "before": [], "after": ["chief_prosecutor"]}
    grants = api.get("/api/v1/audit?kind=change&event=service_grants_changed").json
    assert grants[0]["data"] == {"username": "svc", "before": [], "after": ["matrix"]}

    headers = api.headers("chief")
    assert api.client.put("/api/v1/process-supervisors/matrix", json={"roles": ["chief_prosecutor"]},
                          headers=headers).status_code == 403
    unknown = api.client.put("/api/v1/process-supervisors/matrix", json={"roles": ["overlord"]}, headers=api.headers("admin"))
    assert unknown.status_code == 422 and "overlord" in unknown.json["message"]
    person = api.client.put("/api/v1/service-grants/clerk1", json={"processes": ["matrix"]}, headers=api.headers("admin"))
    assert person.status_code == 422
    assert api.get("/api/v1/process-supervisors").json == [{"process_id": "matrix", "roles": ["chief_prosecutor"]}]
    assert api.get("/api/v1/service-grants").json == [{"username": "svc", "processes": ["matrix"]}]


@pytest.mark.parametrize(
    "data",
    [{"lane_owners": {"Clerk": ["clerk2"]}}, {"lane_units": {"Clerk": "COURT:RIGA"}}],
    ids=["lane_owners", "lane_units"],
)
def test_start_data_and_forms_cannot_name_who_works(people, data):
    api = people
    refused = api.start("matrix", as_user="starter", data=data)
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == f"/data/{next(iter(data))}"
    instance_id = api.start("matrix", as_user="starter").json["id"]
    [task] = api.ready_tasks(instance_id)
    refused = api.complete(task["id"], {"summary": "x", **data}, as_user="clerk1")
    assert refused.status_code == 422
    assert api.ready_tasks(instance_id)[0]["id"] == task["id"]


def escalating_process(owners: str) -> str:
    p = ProcessBuilder("escalate")
    p.start()
    p.script_task("name", f"lane_owners = {{'Prosecutor': {owners}}}", lane="Clerk")
    p.user_task("decide", "Decide", lane="Prosecutor")
    p.end()
    p.chain("start", "name", "decide", "end")
    return p.xml()


@pytest.mark.parametrize(
    ("owners", "offered_to"),
    [
        ("['clerk1']", None),  # a clerk named as the prosecutor lane's owner: refused
        ("['clerk1', 'pros2']", ["pros2"]),
        ("5", None),
        ("['nobody-of-that-name']", None),
    ],
    ids=["owner-without-the-role", "one-of-two-refused", "not-a-list", "unknown-user"],
)
def test_a_model_cannot_offer_a_task_outside_the_lanes_role(people, owners, offered_to):
    api = people
    assert api.deploy({"escalate.bpmn": escalating_process(owners)}).status_code == 201
    instance_id = api.start("escalate", as_user="starter").json["id"]
    [task] = api.ready_tasks(instance_id)
    assert task["candidates"] == offered_to
    assert api.complete(task["id"], as_user="clerk1").status_code == 404
    refusals = [e for e in api.get(f"/api/v1/process-instances/{instance_id}/history").json if e["event"] == "lane_offer_refused"]
    assert len(refusals) == 1 and refusals[0]["data"]["element_id"] == "decide"
    assert api.complete(task["id"], as_user="pros2").status_code == 200


def test_the_instance_list_filters_pages_and_orders_newest_first(people, clock):
    from datetime import timedelta

    api = people
    ids = []
    for n in range(5):
        ids.append(api.start("matrix", as_user="starter", business_key=f"K-{n}").json["id"])
        clock.advance(timedelta(minutes=1))
    listed = api.get("/api/v1/process-instances?process_id=matrix", as_user="starter").json
    assert [row["id"] for row in listed] == ids[::-1]
    assert set(listed[0]) == {"id", "process_id", "version", "status", "business_key", "created_at", "updated_at", "ended_at"}
    page = api.get("/api/v1/process-instances?limit=2&offset=1", as_user="starter").json
    assert [row["id"] for row in page] == ids[::-1][1:3]
    assert [r["business_key"] for r in api.get("/api/v1/process-instances?business_key=K-3", as_user="starter").json] == ["K-3"]
    assert api.get("/api/v1/process-instances?status=running", as_user="starter").json[0]["status"] == "running"
    assert api.get("/api/v1/process-instances?status=completed", as_user="starter").json == []
    assert api.get("/api/v1/process-instances", as_user="stranger").json == []
    for bad in ("status=sleeping", "limit=1001", "limit=0", "offset=-1"):
        response = api.get(f"/api/v1/process-instances?{bad}", as_user="starter")
        assert response.status_code == 422, bad
        assert response.json["errors"]


def test_access_cli_sets_and_lists_supervisors_and_grants(people):
    runner = people.app.test_cli_runner()
    result = runner.invoke(args=["access", "supervisors", "matrix", "--role", "chief_prosecutor", "--role", "judge"])
    assert result.exit_code == 0, result.output
    assert "matrix: chief_prosecutor, judge" in result.output
    result = runner.invoke(args=["access", "supervisors", "matrix", "--role", "overlord"])
    assert result.exit_code == 2 and "overlord" in result.output
    result = runner.invoke(args=["access", "grants", "svc_other", "--process", "matrix"])
    assert result.exit_code == 0 and "svc_other: matrix" in result.output
    result = runner.invoke(args=["access", "log", "--kind", "change", "--limit", "1"])
    assert result.exit_code == 0 and json.loads(result.output)["event"] == "service_grants_changed"


def test_a_service_account_starts_and_reads_only_granted_processes(people):
    api = people
    assert api.start("matrix", as_user="svc_other").status_code == 403
    started = api.start("matrix", as_user="svc", data=START_DATA)
    assert started.status_code == 201
    assert api.get(f"/api/v1/process-instances/{started.json['id']}", as_user="svc_other").status_code == 404
    assert api.get("/api/v1/tasks", as_user="svc_other").json == []
    assert [t["process_id"] for t in api.get("/api/v1/tasks", as_user="svc").json] == ["matrix"]


def test_a_lane_unit_that_does_not_exist_is_refused_not_trusted(people):
    api = people
    p = ProcessBuilder("units")
    p.start()
    p.script_task("route", "lane_units = {'Court clerk': 'COURT:ATLANTIS'}", lane="Clerk")
    p.user_task("register", "Register", lane="Court clerk")
    p.end()
    p.chain("start", "route", "register", "end")
    assert api.deploy({"units.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("units", as_user="starter").json["id"]
    [task] = api.ready_tasks(instance_id)
    history = api.get(f"/api/v1/process-instances/{instance_id}/history").json
    [refusal] = [e for e in history if e["event"] == "lane_offer_refused"]
    assert "COURT:ATLANTIS" in refusal["data"]["reasons"][0]
    # No unit was recorded, so every court clerk is offered the task, as without lane_units.
    for clerk in ("court_riga", "court_kurzeme"):
        assert [t["id"] for t in api.get("/api/v1/tasks?state=ready", as_user=clerk).json] == [task["id"]]

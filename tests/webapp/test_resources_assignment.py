"""assign_defence_lawyer through a real BPMN service task: the solver's choice respects territory,
language, juvenile competence, leave and capacity; declined advocates are left out; the assignment
and its explanation are audited and feed the next request's 30-day load; nobody eligible is an
incident with a clear message that an admin can retry after fixing the data."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import ProcessBuilder

PARAMS = {name: name for name in ("case_id", "territory", "language", "juvenile", "declined_advocates")}


def assign_process(process_id="assign_test", params=PARAMS):
    p = ProcessBuilder(process_id)
    p.start()
    p.service_task("assign", "assign_defence_lawyer", params, result="assignment")
    p.user_task("review", "Review the assignment", lane="Clerk")
    p.end()
    p.chain("start", "assign", "review", "end")
    return p.xml()


ADVOCATES = [
    # code, territories, languages, juvenile, capacity, location
    ("riga-lv", ["Rīga"], ["lv"], False, 2, [0, 0]),
    ("riga-ru", ["riga"], ["lv", "ru"], False, 2, [5, 0]),
    ("riga-juv", ["Rīga"], ["lv"], True, 2, [9, 0]),
    ("riga-leave", ["Rīga"], ["lv", "ru", "en"], True, 2, [0, 0]),
    ("riga-en", ["Rīga"], ["en"], False, 1, [30, 0]),
    ("kurz", ["Kurzeme"], ["lv", "ru"], True, 2, [-188, -49]),
]


@pytest.fixture
def advocates(api):
    ids = {}
    for code, territories, languages, juvenile, capacity, location in ADVOCATES:
        response = api.post("/api/v1/advocates", json={
            "code": code, "full_name": f"Advocate {code}", "territories": territories, "languages": languages,
            "juvenile": juvenile, "daily_capacity": capacity, "office_location": location,
        })
        assert response.status_code == 201, response.json
        ids[code] = response.json["id"]
    leave = api.post(f"/api/v1/advocates/{ids['riga-leave']}/leaves",
                     json={"start_date": "2027-01-01", "end_date": "2027-01-10", "reason": "atvaļinājums"})
    assert leave.status_code == 201, leave.json
    assert api.deploy({"assign.bpmn": assign_process()}).status_code == 201
    return ids


def request(api, case_id="K-1", territory="Rīga", language="lv", juvenile=False, declined=()):
    response = api.start("assign_test", data={
        "case_id": case_id, "territory": territory, "language": language, "juvenile": juvenile,
        "declined_advocates": list(declined),
    })
    assert response.status_code == 201, response.json
    return api.get(f"/api/v1/process-instances/{response.json['id']}").json


@pytest.mark.parametrize(
    ("territory", "language", "juvenile", "declined", "expected"),
    [
        ("Rīga", "lv", False, [], "riga-lv"),  # nearest of the equally loaded
        ("Rīga", "ru", False, [], "riga-ru"),  # riga-leave also speaks ru but is on leave
        ("Rīga", "lv", True, [], "riga-juv"),  # juvenile competence (riga-leave is on leave)
        ("riga", "en", False, [], "riga-en"),  # territory slug as the legal-aid form sends it
        ("Kurzeme", "ru", True, [], "kurz"),  # territory
        ("Rīga", "lv", False, ["riga-lv"], "riga-ru"),  # declined advocate left out: next nearest
        ("Rīga", "lv", False, ["riga-lv", "riga-ru"], "riga-juv"),
    ],
)
def test_the_choice_respects_the_rules(api, advocates, territory, language, juvenile, declined, expected):
    body = request(api, territory=territory, language=language, juvenile=juvenile, declined=declined)
    assert body["status"] == "running", body
    assignment = body["data"]["assignment"]
    assert assignment["advocate_id"] == expected
    assert assignment["advocate_record_id"] == advocates[expected]
    assert assignment["advocate_name"] == f"Advocate {expected}"
    assert assignment["status"] == "optimal"
    assert assignment["explanation"][0].startswith(f"{expected} (")
    if declined:
        assert assignment["explanation"][-1] == f"left out as having declined: {', '.join(declined)}"
    assert [t["element_id"] for t in body["ready_tasks"]] == ["review"]


def test_the_assignment_is_audited_and_listed(api, advocates):
    body = request(api, case_id="K-77", language="ru")
    history = api.get(f"/api/v1/process-instances/{body['id']}/history").json
    [entry] = [h for h in history if h["event"] == "defence_lawyer_assigned"]
    assert entry["actor"] == "system" and entry["task_id"]
    assert entry["data"]["advocate_id"] == "riga-ru" and entry["data"]["case_id"] == "K-77"
    assert entry["data"]["explanation"] == body["data"]["assignment"]["explanation"]
    assert entry["data"]["request"]["language"] == "ru"
    listed = api.get(f"/api/v1/advocates/{advocates['riga-ru']}/assignments").json
    assert [(a["case_id"], a["process_instance_id"], a["status"]) for a in listed] == [("K-77", body["id"], "assigned")]
    assert listed[0]["explanation"] == entry["data"]["explanation"]
    assert listed[0]["assigned_on"] == "2027-01-04"
    assert api.get(f"/api/v1/advocates/{advocates['riga-ru']}").json["load_30d"] == 1


def test_recorded_assignments_feed_the_next_requests_load(api, advocates, clock):
    # Two equal candidates for Kurzeme + en: the second request goes to the other one.
    for code in ("kurz-a", "kurz-b"):
        assert api.post("/api/v1/advocates", json={
            "code": code, "full_name": code, "territories": ["Kurzeme"], "languages": ["en"],
            "daily_capacity": 5, "office_location": [-188, -49]}).status_code == 201
    first = request(api, case_id="K-1", territory="Kurzeme", language="en")["data"]["assignment"]
    second = request(api, case_id="K-2", territory="Kurzeme", language="en")["data"]["assignment"]
    assert {first["advocate_id"], second["advocate_id"]} == {"kurz-a", "kurz-b"}
    # A later day: both have one assignment in their 30 days; the next two go one to each.
    from datetime import timedelta

    clock.advance(timedelta(days=1))
    third = request(api, case_id="K-3", territory="Kurzeme", language="en")["data"]["assignment"]
    fourth = request(api, case_id="K-4", territory="Kurzeme", language="en")["data"]["assignment"]
    assert {third["advocate_id"], fourth["advocate_id"]} == {"kurz-a", "kurz-b"}
    assert "fairness +30" in fourth["explanation"][0]  # 10 × ((1+1)² − 1²): one assignment in the window
    clock.advance(timedelta(days=31))  # the window has moved past all four
    listed = {a["code"]: a["load_30d"] for a in api.get("/api/v1/advocates?territory=kurzeme&language=en").json}
    assert listed == {"kurz-a": 0, "kurz-b": 0}


def test_capacity_counts_the_assignments_made_today(api, advocates):
    first = request(api, case_id="K-1", language="en")
    assert first["data"]["assignment"]["advocate_id"] == "riga-en"  # the only en speaker not on leave
    second = request(api, case_id="K-2", language="en")
    [incident] = second["incidents"]
    assert "capacity exhausted" in incident["message"]
    assert "no_advocate_eligible" in incident["message"]  # a business error no boundary event catches here


@pytest.mark.parametrize(
    ("territory", "language", "juvenile", "declined", "reason"),
    [
        ("Latgale", "lv", False, [], "no lawyer works in territory 'latgale'"),
        ("Kurzeme", "ru", True, ["kurz"], "every otherwise eligible lawyer is excluded"),
    ],
)
def test_nobody_eligible_is_an_incident_with_a_clear_message(api, advocates, territory, language, juvenile,
                                                              declined, reason):
    """Without an error boundary event (the bundled process has one: manual assignment), the
    business error no_advocate_eligible is an incident that says why."""
    body = request(api, case_id="K-9", territory=territory, language=language, juvenile=juvenile, declined=declined)
    [incident] = body["incidents"]
    assert "raised the business error no_advocate_eligible" in incident["message"]
    assert "no advocate can be assigned to case K-9 on 2027-01-04" in incident["message"]
    assert reason in incident["message"]
    listed = api.get(f"/api/v1/process-instances/{body['id']}/history").json
    assert "defence_lawyer_assigned" not in [h["event"] for h in listed]


def test_nobody_speaking_the_language_means_an_advocate_of_the_proceedings_with_an_interpreter(api, advocates):
    assignment = request(api, case_id="K-8", territory="Rīga", language="de")["data"]["assignment"]
    assert (assignment["interpreter_needed"], assignment["interpreter_language"]) == (True, "de")
    assert "lv" in assignment["advocate_languages"]


def test_an_admin_retries_after_fixing_the_data(api, advocates):
    body = request(api, case_id="K-5", territory="Latgale")
    [incident] = body["incidents"]
    created = api.post("/api/v1/advocates", json={
        "code": "latg", "full_name": "Latgale advocate", "territories": ["Latgale"], "languages": ["lv"],
        "office_location": [149, -120]})
    assert created.status_code == 201
    retried = api.post(f"/api/v1/incidents/{incident['id']}/retry")
    assert retried.status_code == 200 and retried.json["status"] == "resolved"
    after = api.get(f"/api/v1/process-instances/{body['id']}").json
    assert after["status"] == "running" and after["data"]["assignment"]["advocate_id"] == "latg"


def test_an_unknown_territory_is_an_incident_naming_the_known_ones(api, advocates):
    body = request(api, territory="Mars")
    [incident] = body["incidents"]
    assert "unknown court territory 'Mars' (known: riga, kurzeme, zemgale, vidzeme, latgale)" in incident["message"]


def test_the_legal_aid_process_names_are_understood_without_parameters(api, advocates):
    """The bundled process's data: case_number, court_territory (slug), person_is_minor, detained,
    declined_advocates as a list of {advocate_id, ...}."""
    assert api.deploy({"la.bpmn": assign_process("legal_aid_like", params={})}).status_code == 201
    response = api.start("legal_aid_like", data={
        "case_number": "11816000123", "court_territory": "riga", "language": "lv", "person_is_minor": True,
        "detained": True, "declined_advocates": [{"advocate_id": "riga-juv", "reason": "conflict"}],
    })
    body = api.get(f"/api/v1/process-instances/{response.json['id']}").json
    assert body["status"] == "error"  # the only juvenile-competent Rīga advocate declined; the other is on leave
    assert "every otherwise eligible lawyer is excluded" in body["incidents"][0]["message"]
    response = api.start("legal_aid_like", data={
        "case_number": "11816000124", "court_territory": "kurzeme", "language": "ru", "person_is_minor": True,
        "detained": True, "declined_advocates": [],
    })
    body = api.get(f"/api/v1/process-instances/{response.json['id']}").json
    assert body["data"]["assignment"]["advocate_id"] == "kurz"
    [row] = api.get(f"/api/v1/advocates/{advocates['kurz']}/assignments").json
    assert row["case_id"] == "11816000124" and row["urgent"] is True and row["juvenile"] is True


def ask_twice_process():
    """One case asks for an advocate, the advocate declines, the case asks again without them."""
    p = ProcessBuilder("ask_twice")
    p.start()
    p.service_task("assign", "assign_defence_lawyer", {"territory": "territory", "language": "language"},
                   result="assignment")
    p.user_task("offer", "Offer the case to the advocate", lane="Clerk")
    p.script_task("decline", "declined_advocates = [assignment['advocate_id']]\nlanguage = 'lv'")
    p.service_task("assign_again", "assign_defence_lawyer",
                   {"territory": "territory", "language": "language", "declined_advocates": "declined_advocates"},
                   result="assignment")
    p.user_task("review", "Review the assignment", lane="Clerk")
    p.end()
    p.chain("start", "assign", "offer", "decline", "assign_again", "review", "end")
    return p.xml()


def test_a_declined_assignment_no_longer_counts_as_load(api, advocates, clock):
    from datetime import timedelta

    assert api.deploy({"twice.bpmn": ask_twice_process()}).status_code == 201
    started = api.start("ask_twice", data={"case_id": "K-1", "territory": "Rīga", "language": "ru"}).json
    assert api.complete(api.ready_tasks(started["id"])[0]["id"]).status_code == 200  # the advocate declines
    body = api.get(f"/api/v1/process-instances/{started['id']}").json
    assert body["status"] == "running", body
    assert body["data"]["declined_advocates"] == ["riga-ru"]
    assert body["data"]["assignment"]["advocate_id"] == "riga-lv"
    [row] = api.get(f"/api/v1/advocates/{advocates['riga-ru']}/assignments").json
    assert (row["case_id"], row["process_instance_id"], row["status"]) == ("K-1", started["id"], "declined")
    clock.advance(timedelta(days=1))
    assert api.get(f"/api/v1/advocates/{advocates['riga-ru']}").json["load_30d"] == 0



def foreign_case_process(params):
    p = ProcessBuilder("analyst_model")
    p.start()
    p.service_task("assign", "assign_defence_lawyer", params, result="assignment")
    p.user_task("review", "Review the assignment", lane="Clerk")
    p.end()
    p.chain("start", "assign", "review", "end")
    return p.xml()


@pytest.mark.parametrize(
    ("param", "expression"),
    [
        ("case_id", "'K-1'"),  # the other case's number as a literal
        ("case_number", "other_case"),  # ... or from the model's data
        ("instance_id", "other_instance"),
        ("process_instance_id", "other_instance"),
        ("business_key", "'B-1'"),
    ],
)
def test_a_parameter_naming_another_case_is_refused_and_the_other_case_is_untouched(
    api, advocates, param, expression,
):
    victim = api.start("assign_test", business_key="B-1", data={
        "case_id": "K-1", "territory": "Rīga", "language": "ru", "juvenile": False, "declined_advocates": [],
    }).json["id"]
    [before] = api.get(f"/api/v1/advocates/{advocates['riga-ru']}/assignments").json
    assert (before["case_id"], before["process_instance_id"], before["status"]) == ("K-1", victim, "assigned")
    params = {param: expression, "territory": "territory", "declined_advocates": "declined_advocates"}
    assert api.deploy({"analyst.bpmn": foreign_case_process(params)}).status_code == 201
    attacker = api.start("analyst_model", data={
        "case_number": "K-666", "territory": "Rīga", "declined_advocates": ["riga-ru"],
        "other_case": "K-1", "other_instance": victim,
    }).json["id"]
    body = api.get(f"/api/v1/process-instances/{attacker}").json
    assert body["status"] == "error"
    [incident] = body["incidents"]
    assert incident["message"].startswith("element assign: ")
    assert f"assign_defence_lawyer was refused: parameter {param!r} names another case" in incident["message"]
    assert "assignment" not in body["data"]
    [after] = api.get(f"/api/v1/advocates/{advocates['riga-ru']}/assignments").json
    assert after == before
    assert api.get(f"/api/v1/process-instances/{victim}").json["status"] == "running"


def test_the_case_comes_from_the_call_not_from_a_parameter(api, advocates):
    """The case's own number as a parameter is allowed (it names the calling case); the assignment
    is recorded for the calling case and its instance."""
    assert api.deploy({"own.bpmn": foreign_case_process({
        "case_id": "case_number", "business_key": "'B-5'", "territory": "territory", "language": "'ru'",
    })}).status_code == 201
    instance_id = api.start("analyst_model", business_key="B-5", data={"case_number": "K-5", "territory": "Rīga"}).json["id"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["status"] == "running", body
    [row] = api.get(f"/api/v1/advocates/{advocates['riga-ru']}/assignments").json
    assert (row["case_id"], row["process_instance_id"]) == ("K-5", instance_id)


def test_an_officer_sees_only_the_assignments_of_cases_they_may_read(api, advocates):
    with api.app.app_context():
        api.engine().users.create("officer", "secret-officer", ["legal_aid_officer"])
    body = request(api, case_id="K-78", language="ru")
    path = f"/api/v1/advocates/{advocates['riga-ru']}/assignments"
    assert api.get(path, as_user="officer").json == []  # the officer takes no part in this case
    supervise = api.client.put("/api/v1/process-supervisors/assign_test", json={"roles": ["legal_aid_officer"]},
                               headers=api.headers("admin"))
    assert supervise.status_code == 200
    assert [a["process_instance_id"] for a in api.get(path, as_user="officer").json] == [body["id"]]

import io

import pytest


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "nepareizs lietotājvārds vai parole"),
        ("lv", "nepareizs lietotājvārds vai parole"),
        ("en-GB,en;q=0.8", "wrong username or password"),
        ("de", "nepareizs lietotājvārds vai parole"),
    ],
    ids=["default-latvian", "latvian", "english", "unsupported-falls-back-to-latvian"],
)
def test_messages_follow_the_language_latvian_by_default(app, language, message):
    client = app.test_client()
    headers = {"Accept-Language": language} if language else {}
    response = client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}, headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == message


def test_lang_parameter_overrides_the_header(app):
    client = app.test_client()
    response = client.get("/api/v1/nothing?lang=en", headers={"Accept-Language": "lv"})
    assert response.json["message"] == "there is nothing at this address"


def test_every_catalogue_entry_is_translated():
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "webapp" / "translations"
    with open(root / "messages.pot", "rb") as f:
        template_ids = {m.id for m in read_po(f) if m.id}
    for language in ("lv", "en"):
        with open(root / language / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=language)
        translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        assert template_ids - translated == set(), language


@pytest.mark.parametrize(
    ("language", "message"),
    [("lv", "lieta (procesa instance) no-such-case nepastāv"), ("en", "process instance no-such-case does not exist")],
)
def test_engine_errors_are_said_in_the_users_language(api, language, message):
    response = api.client.get(
        "/api/v1/process-instances/no-such-case", headers={**api.headers("admin"), "Accept-Language": language}
    )
    assert response.status_code == 404
    assert response.json["message"] == message


def test_field_errors_carry_no_message_ids_out_of_the_server(app):
    from engine.errors import N_, InvalidInput, field_error

    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "en"}):
        from webapp.api.errors import localised

        err = InvalidInput("bad", [field_error("/when", N_("task %(task)s does not exist"), task="7")])
        assert localised(err.errors) == [{"field": "/when", "message": "task 7 does not exist"}]


@pytest.fixture
def claimed_case(api):
    """A case whose task (lane Prosecutor) the prosecutor has claimed; prosecutor2 also holds the role."""
    from tests.support.bpmn_builder import ProcessBuilder

    with api.app.app_context():
        api.engine().users.create("prosecutor2", "secret-prosecutor2", ["prosecutor"])
    p = ProcessBuilder("lanes")
    p.start()
    p.user_task("decide", "Decide", lane="Prosecutor")
    p.end()
    p.chain("start", "decide", "end")
    assert api.deploy({"lanes.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("lanes").json["id"]
    task_id = api.ready_tasks(instance_id)[0]["id"]
    assert api.post(f"/api/v1/tasks/{task_id}/claim", as_user="prosecutor").status_code == 200
    free = api.ready_tasks(api.start("lanes").json["id"])[0]["id"]
    terminated = api.start("lanes").json["id"]
    body = {"reason": "withdrawn"}
    assert api.post(f"/api/v1/process-instances/{terminated}/terminate", json=body).status_code == 200
    return {"instance": instance_id, "task": task_id, "free": free, "terminated": terminated}


# (status, method, path, user, body, Latvian, English): one error of each kind a person meets.
ERRORS = {
    "task-404": (404, "get", "/api/v1/tasks/no-such-task", "admin", None,
                 "uzdevums no-such-task nepastāv", "task no-such-task does not exist"),
    "claimed-task-409": (409, "post", "/api/v1/tasks/{task}/claim", "prosecutor2", None,
                         "uzdevumu jau ir uzņēmies kāds cits", "the task is already claimed by someone else"),
    "claimed-task-complete-403": (
        403, "post", "/api/v1/tasks/{task}/complete", "prosecutor2", {"data": {}},
        "uzdevumu ir uzņēmies kāds cits; to pabeigt drīkst tikai šis lietotājs vai administrators",
        "the task is claimed by someone else; only they or an admin may complete it"),
    "lane-role-422": (
        422, "post", "/api/v1/tasks/{free}/assign", "admin", {"username": "clerk"},
        "'clerk' nedrīkst strādāt ar šo uzdevumu: šim uzdevumam vajadzīga loma 'prosecutor'",
        "'clerk' may not work on this task: this task needs the role 'prosecutor'"),
    "terminated-409": (409, "post", "/api/v1/process-instances/{terminated}/terminate", "admin", {"reason": "again"},
                       "lietas statuss jau ir „terminated”", "the instance is already terminated"),
    "not-deployed-404": (404, "post", "/api/v1/process-instances", "admin", {"process_id": "nope"},
                         "process 'nope' nav izvietots", "process 'nope' is not deployed"),
    "resource-404": (404, "get", "/api/v1/advocates/999", "admin", None,
                     "ieraksts „advokāts” 999 nepastāv", "advocate 999 does not exist"),
    "resource-403": (403, "get", "/api/v1/advocates", "clerk", None,
                     "skatīt advokātus drīkst tikai admin, legal_aid_officer",
                     "only admin, legal_aid_officer may see the advocates"),
    "resource-422": (422, "get", "/api/v1/duty-slots?from=2027-01-10&to=2027-01-01", "admin", None,
                     "`to` ir pirms `from`", "`to` is before `from`"),
    "deployment-403": (403, "post", "/api/v1/deployments", "clerk", "multipart",
                       "procesu izvietošanai vajadzīga loma process_analyst vai admin",
                       "deploying processes needs the process_analyst or admin role"),
    "deployment-422": (422, "post", "/api/v1/deployments", "analyst", "multipart",
                       "izvietojums noraidīts; nekas netika saglabāts", "the deployment was refused; nothing was stored"),
    "catalogue-403": (403, "put", "/api/v1/message-catalogue/m", "clerk", {"senders": [], "receivers": [], "payload_schema": None},
                      "ziņojumu katalogu drīkst mainīt tikai administrators",
                      "only an admin may change the message catalogue"),
    "catalogue-422": (422, "put", "/api/v1/message-catalogue/m", "admin", {"senders": [], "receivers": ["@external"], "payload_schema": None},
                      "kataloga ieraksts nav derīgs", "the catalogue entry is invalid"),
    "incident-404": (404, "post", "/api/v1/incidents/no-such-incident/retry", "admin", None,
                     "incidents 'no-such-incident' nepastāv", "incident 'no-such-incident' does not exist"),
    "users-422": (422, "post", "/api/v1/users", "admin", {"username": "new", "password": "long-enough-pw", "roles": ["wizard"]},
                  "nezināmas lomas: wizard (zināmās: admin, …", "unknown roles: wizard (known: admin, …"),
    "message-422": (422, "post", "/api/v1/messages", "admin", {"name": "undeclared", "correlation": {}, "payload": {}, "message_id": "m-1"},
                    "ziņojuma 'undeclared' ziņojumu katalogā nav", "message 'undeclared' is not in the message catalogue"),
}


@pytest.mark.parametrize("language", ["lv", "en"])
@pytest.mark.parametrize("case", list(ERRORS))
def test_engine_and_resource_errors_in_both_languages(api, claimed_case, case, language):
    status, method, path, user, body, latvian, english = ERRORS[case]
    headers = {**api.headers(user), "Accept-Language": language}
    if body == "multipart":
        sent = {"data": {"files": [(io.BytesIO(b"<x/>"), "x.bpmn")]}, "content_type": "multipart/form-data"}
    else:
        sent = {"json": body}
    response = getattr(api.client, method)(path.format(**claimed_case), headers=headers, **sent)
    assert response.status_code == status, response.json
    expected = latvian if language == "lv" else english
    if expected.endswith("…"):  # a long list of known values follows
        assert response.json["message"].startswith(expected[:-1])
    else:
        assert response.json["message"] == expected


@pytest.mark.parametrize(
    ("language", "problem"),
    [("lv", "neatbalstīts datnes tips: augšupielādējiet .bpmn, .dmn un .json veidlapu datnes"),
     ("en", "unsupported file type: upload .bpmn, .dmn and .json form files")],
)
def test_a_deployment_problem_is_said_in_the_users_language(api, language, problem):
    response = api.client.post(
        "/api/v1/deployments", headers={**api.headers("analyst"), "Accept-Language": language},
        data={"files": [(io.BytesIO(b"hello"), "notes.txt")]}, content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert {"file": "notes.txt", "element": None, "line": None, "message": problem} in response.json["errors"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("lv", "lomu 'clerk' nevarēja izveidot: tas ir pretrunā ar tajā pašā laikā veiktu izmaiņu"),
        ("en", "role 'clerk' could not be created: it collides with a change made at the same time"),
    ],
)
def test_a_concurrent_change_is_said_in_the_users_language_with_what_failed(app, language, message):
    from engine.errors import N_, Conflict, Phrase
    from engine.models import Role
    from engine.services.transaction import atomic
    from webapp.api.errors import translated

    with app.app_context():
        session = app.extensions["lieta_engine"].session()
        with pytest.raises(Conflict) as caught:
            with atomic(session, Phrase(N_("role %(code)r could not be created"), code="clerk")):
                session.add(Role(code="clerk", name_lv="Lietvedis", name_en="Clerk", active=True))
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": language}):
        assert translated(caught.value.template, caught.value.params) == message


@pytest.mark.parametrize(
    ("language", "start"),
    [("lv", "josla 'Wizard' norāda nezināmu lomu: wizard (zināmās lomas: admin, "),
     ("en", "lane 'Wizard' names an unknown role: wizard (known roles: admin, ")],
)
def test_a_lint_finding_is_said_in_the_users_language(api, language, start):
    from tests.support.bpmn_builder import ProcessBuilder

    p = ProcessBuilder("wizardry")
    p.start()
    p.user_task("cast", "Cast", lane="Wizard")
    p.end()
    p.chain("start", "cast", "end")
    response = api.client.post(
        "/api/v1/deployments", headers={**api.headers("analyst"), "Accept-Language": language},
        data={"files": [(io.BytesIO(p.xml().encode()), "wizardry.bpmn")]}, content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert [e["message"] for e in response.json["errors"] if e["message"].startswith(start)], response.json

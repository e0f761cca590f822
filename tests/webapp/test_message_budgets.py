"""Budgets on what one change may cause by messages: the instances it starts by message, and how
many hops deep its messages go. Past either, the rest is refused with an incident on the sender."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app
from tests.support.bpmn_builder import ProcessBuilder
from tests.webapp.conftest import Api


def fork_bomb(throws: int = 2):
    """Started by `boom`, it throws `boom` again `throws` times: 2^n instances without a cap."""
    p = ProcessBuilder("bomb")
    p.message("msg_boom", "boom")
    p.message_start("start", "msg_boom", variable="boom")
    for number in range(throws):
        p.message_throw(f"throw_{number}", "msg_boom", payload="{'again': True}")
    p.user_task("wait", "Wait", lane="Clerk")
    p.end()
    p.chain("start", *[f"throw_{n}" for n in range(throws)], "wait", "end")
    return p.xml()


def counts(api):
    with api.app.app_context():
        from engine.models import Incident, Message, ProcessInstance
        from webapp.extensions import db

        instances = db.session.scalar(select(func.count()).select_from(ProcessInstance))
        incidents = db.session.scalars(select(Incident.instance_id).where(Incident.status == "open")).all()
        statuses = dict(db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all())
        return instances, incidents, statuses


def arm(api, throws=2):
    api.declare_message("boom", ["@external", "bomb"], ["bomb"])
    assert api.deploy({"bomb.bpmn": fork_bomb(throws)}).status_code == 201
    return api.post("/api/v1/messages", json={"name": "boom", "correlation": {}, "payload": {}, "message_id": "b-1"})


def test_a_message_start_fork_bomb_starts_no_more_instances_than_the_cap(api):
    response = arm(api)
    assert response.status_code == 200 and len(response.json["delivered_to"]) == 1
    instances, incidents, statuses = counts(api)
    assert instances == 10  # LIETA_MAX_MESSAGE_STARTS_PER_CHANGE's default
    # Every instance threw twice; 9 of those 20 messages started the others, 11 were refused, and
    # each refused message's sender has an incident.
    assert statuses == {"delivered": 10, "refused": 11}
    assert len(set(incidents)) == 10
    first = response.json["delivered_to"][0]
    body = api.get(f"/api/v1/process-instances/{first}").json
    assert body["status"] == "error"
    assert "starting more than 10 instances by message in one change is not allowed; bomb not started" in (
        body["incidents"][0]["message"]
    )
    refused = [h for h in api.get(f"/api/v1/process-instances/{first}/history").json if h["event"] == "message_refused"]
    assert refused and refused[0]["data"]["name"] == "boom"


@pytest.fixture
def budget_api(database_url, clock, sandbox, tmp_path, request):
    app = make_app(database_url, clock, sandbox, tmp_path, **request.param)
    client = app.test_client()
    api = Api(app, client)
    api.create_users()
    yield api
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("budget_api", "started", "refused_words"),
    [
        ({"max_message_follow_up_depth": 3}, 4, "more than 3 hops deep"),
        ({"max_message_starts_per_change": 2}, 2, "more than 2 instances by message"),
    ],
    indirect=["budget_api"],
    ids=["depth", "starts"],
)
def test_a_chain_of_messages_stops_at_the_budget_with_an_incident_on_the_last_sender(budget_api, started, refused_words):
    """A relay started by `boom` throws it once more: a chain, not a tree."""
    response = arm(budget_api, throws=1)
    assert response.status_code == 200
    instances, incidents, statuses = counts(budget_api)
    assert instances == started
    assert statuses == {"delivered": started, "refused": 1}
    [sender] = incidents
    body = budget_api.get(f"/api/v1/process-instances/{sender}").json
    assert body["status"] == "error" and refused_words in body["incidents"][0]["message"]

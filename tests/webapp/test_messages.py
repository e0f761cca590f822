from datetime import timedelta

import pytest

from tests.support.bpmn_builder import ProcessBuilder


def court_process():
    """Waits for the court's decision on one case, correlated by `case_id`."""
    p = ProcessBuilder("awaits_decision")
    p.message("msg_decision", "court_decision", {"case_id": "case_id"})
    p.start()
    p.user_task("prepare", "Prepare the case", lane="Prosecutor")
    p.message_catch("decision", "msg_decision", variable="decision")
    p.user_task("execute", "Execute the decision", lane="Prosecutor")
    p.end()
    p.chain("start", "prepare", "decision", "execute", "end")
    return p.xml()


def handover_sender():
    """Prosecution hands a case to the court: throws `case_handover` with the case's data."""
    p = ProcessBuilder("prosecution")
    p.message("msg_handover", "case_handover", {"case_id": "case_id"})
    p.start()
    p.user_task("indict", "Draw up the indictment", lane="Prosecutor")
    p.message_throw("send", "msg_handover", payload="{'case_id': case_id, 'charge': charge}")
    p.end()
    p.chain("start", "indict", "send", "end")
    return p.xml()


def handover_receiver():
    p = ProcessBuilder("court_intake")
    p.message("msg_handover", "case_handover", {"case_id": "case_id"})
    p.start()
    p.user_task("register", "Register the case number", lane="Court clerk")
    p.message_catch("receive", "msg_handover", variable="handover")
    p.user_task("schedule", "Schedule the hearing", lane="Court clerk")
    p.end()
    p.chain("start", "register", "receive", "schedule", "end")
    return p.xml()


def message_started():
    p = ProcessBuilder("complaint")
    p.message("msg_complaint", "complaint_filed", {"case_id": "case_id"})
    p.message_start("start", "msg_complaint", variable="complaint")
    p.user_task("review", "Review the complaint", lane="Clerk")
    p.end()
    p.chain("start", "review", "end")
    return p.xml()


def started_by_hand_or_message():
    """A complaint filed at the counter (plain start) or sent in (message start): two paths."""
    p = ProcessBuilder("complaint")
    p.message("msg_complaint", "complaint_filed", {"case_id": "case_id"})
    p.start("by_hand")
    p.message_start("by_message", "msg_complaint", variable="complaint")
    p.user_task("take_down", "Take the complaint down", lane="Clerk")
    p.user_task("review", "Review the complaint", lane="Clerk")
    p.end("taken_down")
    p.end("reviewed")
    p.chain("by_hand", "take_down", "taken_down")
    p.chain("by_message", "review", "reviewed")
    return p.xml()


def post(api, name="court_decision", correlation=None, payload=None, message_id="m-1", as_user="admin"):
    body = {"name": name, "correlation": correlation if correlation is not None else {"case_id": "A"},
            "payload": payload if payload is not None else {"verdict": "guilty"}, "message_id": message_id}
    return api.post("/api/v1/messages", as_user=as_user, json=body)


def waiting_case(api, case_id):
    instance_id = api.start("awaits_decision", data={"case_id": case_id}).json["id"]
    task = api.ready_tasks(instance_id)[0]
    assert api.complete(task["id"]).status_code == 200
    return instance_id


def ready(api, instance_id):
    return [t["element_id"] for t in api.ready_tasks(instance_id)]


@pytest.fixture
def court(api):
    api.declare_message("court_decision", ["@external"], ["awaits_decision"])
    assert api.deploy({"court.bpmn": court_process()}).status_code == 201
    return api


def test_a_message_reaches_only_the_case_it_names(court):
    case_a, case_b = waiting_case(court, "A"), waiting_case(court, "B")
    response = post(court, correlation={"case_id": "A"})
    assert response.status_code == 200
    assert response.json == {"status": "delivered", "delivered_to": [case_a]}
    assert ready(court, case_a) == ["execute"]
    assert ready(court, case_b) == []
    data = court.get(f"/api/v1/process-instances/{case_a}").json["data"]
    assert data["decision"] == {"verdict": "guilty"}
    assert "decision" not in court.get(f"/api/v1/process-instances/{case_b}").json["data"]


def test_a_repeated_message_id_is_delivered_once(court):
    case_a = waiting_case(court, "A")
    first = post(court, message_id="dup-1")
    again = post(court, message_id="dup-1")
    assert first.json == {"status": "delivered", "delivered_to": [case_a]}
    assert again.status_code == 200
    assert again.json == {"status": "duplicate", "delivered_to": [case_a]}
    events = [h["event"] for h in court.get(f"/api/v1/process-instances/{case_a}/history").json]
    assert events.count("message_delivered") == 1


def test_the_same_id_with_a_different_body_is_a_conflict(court):
    waiting_case(court, "A")
    post(court, message_id="dup-2")
    response = post(court, message_id="dup-2", payload={"verdict": "acquitted"})
    assert response.status_code == 409
    assert "dup-2" in response.json["message"]


def test_a_message_sent_before_the_wait_is_buffered_then_delivered(court):
    response = post(court, correlation={"case_id": "EARLY"}, message_id="early-1")
    assert response.json == {"status": "buffered", "delivered_to": []}
    instance_id = waiting_case(court, "EARLY")
    assert ready(court, instance_id) == ["execute"]
    assert court.get(f"/api/v1/process-instances/{instance_id}").json["data"]["decision"] == {"verdict": "guilty"}
    other = waiting_case(court, "LATE")
    assert ready(court, other) == []
    again = post(court, correlation={"case_id": "EARLY"}, message_id="early-1")
    assert again.json == {"status": "duplicate", "delivered_to": [instance_id]}


def test_an_expired_buffered_message_is_reported_unmatched_and_never_delivered(court, clock):
    post(court, correlation={"case_id": "GONE"}, message_id="old-1")
    clock.advance(timedelta(days=7, seconds=1))
    result = court.app.test_cli_runner().invoke(args=["messages", "expire"])
    assert result.exit_code == 0 and "expired 1 messages" in result.output
    expired = court.get("/api/v1/messages?status=expired").json
    assert [m["message_id"] for m in expired] == ["old-1"]
    instance_id = waiting_case(court, "GONE")
    assert ready(court, instance_id) == []


def test_a_message_thrown_by_one_instance_reaches_a_waiting_instance_of_another_process(api):
    api.declare_message("case_handover", ["prosecution"], ["court_intake"])
    assert api.deploy({"s.bpmn": handover_sender(), "r.bpmn": handover_receiver()}).status_code == 201
    with api.app.app_context():
        api.engine().users.create("court-clerk", "secret-court-clerk", ["court_clerk"])
    receivers = {}
    for case_id in ("K-1", "K-2"):
        receivers[case_id] = api.start("court_intake", data={"case_id": case_id}).json["id"]
        api.complete(api.ready_tasks(receivers[case_id])[0]["id"], as_user="court-clerk")
    sender = api.start("prosecution", data={"case_id": "K-2", "charge": "theft"}).json["id"]
    assert api.complete(api.ready_tasks(sender)[0]["id"], as_user="prosecutor").status_code == 200
    assert api.get(f"/api/v1/process-instances/{sender}").json["status"] == "completed"
    assert ready(api, receivers["K-2"]) == ["schedule"]
    assert ready(api, receivers["K-1"]) == []
    handover = api.get(f"/api/v1/process-instances/{receivers['K-2']}").json["data"]["handover"]
    assert handover == {"case_id": "K-2", "charge": "theft"}


def test_a_message_start_event_starts_a_new_instance_when_nothing_waits(api):
    api.declare_message("complaint_filed", ["@external"], ["complaint"])
    assert api.deploy({"c.bpmn": message_started()}).status_code == 201
    response = post(api, name="complaint_filed", correlation={"case_id": "Z-9"}, payload={"text": "noise"})
    assert response.json["status"] == "delivered"
    [instance_id] = response.json["delivered_to"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["process_id"] == "complaint"
    assert body["data"]["complaint"] == {"text": "noise"}
    assert [t["element_id"] for t in body["ready_tasks"]] == ["review"]


def test_a_message_starts_the_case_at_the_message_start_event_beside_a_plain_one(api):
    """SpiffWorkflow alone would take the plain start first (and cancel the message start)."""
    api.declare_message("complaint_filed", ["@external"], ["complaint"])
    assert api.deploy({"c.bpmn": started_by_hand_or_message()}).status_code == 201
    response = post(api, name="complaint_filed", correlation={"case_id": "Z-9"}, payload={"text": "noise"})
    assert response.json["status"] == "delivered"
    [instance_id] = response.json["delivered_to"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["data"]["complaint"] == {"text": "noise"}
    assert [t["element_id"] for t in body["ready_tasks"]] == ["review"]
    by_hand = api.start("complaint").json
    assert [t["element_id"] for t in api.ready_tasks(by_hand["id"])] == ["take_down"]


def test_a_wait_that_does_not_know_its_case_takes_no_message(court):
    instance_id = court.start("awaits_decision").json["id"]  # no case_id in its data
    court.complete(court.ready_tasks(instance_id)[0]["id"])
    response = post(court, correlation={"case_id": "A"}, message_id="orphan")
    assert response.json["status"] == "buffered"
    assert ready(court, instance_id) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "correlation": {}}, "/message_id"),
        ({"correlation": {}, "message_id": "1"}, "/name"),
        ({"name": "x", "message_id": "1"}, "/correlation"),
        ({"name": "x", "correlation": [1], "message_id": "1"}, "/correlation"),
    ],
    ids=["no-id", "no-name", "no-correlation", "correlation-not-object"],
)
def test_bad_messages_are_refused_with_the_field(court, body, field):
    response = court.post("/api/v1/messages", json=body)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == field


def test_posting_messages_needs_admin_or_a_service_account(court):
    case_a = waiting_case(court, "A")
    assert post(court, as_user="prosecutor").status_code == 403
    with court.app.app_context():
        court.engine().users.create("registry", None, [], service_account=True)
        user = court.engine().users.by_username("registry")
        token = court.engine().users.issue_token(user)
    response = court.client.post(
        "/api/v1/messages", headers={"Authorization": f"Bearer {token}"},
        json={"name": "court_decision", "correlation": {"case_id": "A"}, "payload": {}, "message_id": "svc-1"},
    )
    assert response.status_code == 200 and response.json["delivered_to"] == [case_a]

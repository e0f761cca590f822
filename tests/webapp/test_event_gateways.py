"""Event-based gateways: the advocate answers or the offer lapses; answered or withdrawn; the
earlier of two deadlines. The first event picks the branch; the losers' timers and waits go in
the same transaction; a later message for the lost race is buffered, not delivered."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.bpmn_builder import ProcessBuilder


def offer_process() -> str:
    p = ProcessBuilder("offer")
    p.message("m_answer", "advocate_answer", {"case_id": "case_id"})
    p.message("m_withdrawn", "request_withdrawn", {"case_ref": "case_id"})
    p.start()
    p.user_task("send_offer", "Send the offer", lane="Clerk")
    p._add("race", "eventBasedGateway", "")
    p.message_catch("answered", "m_answer", variable="answer")
    p.timer_catch("lapsed", '"PT48H"')
    p.message_catch("withdrawn", "m_withdrawn", variable="withdrawal")
    p.user_task("record_answer", "Record the answer", lane="Clerk")
    p.user_task("next_advocate", "Offer lapsed: next advocate", lane="Clerk")
    p.end("closed")
    p.end("done")
    p.end("reassigned")
    p.chain("start", "send_offer", "race")
    for branch in ("answered", "lapsed", "withdrawn"):
        p.flow("race", branch)
    p.chain("answered", "record_answer", "done")
    p.chain("lapsed", "next_advocate", "reassigned")
    p.chain("withdrawn", "closed")
    return p.xml()


def two_deadlines_process() -> str:
    p = ProcessBuilder("deadlines")
    p.start()
    p._add("race", "eventBasedGateway", "")
    p.timer_catch("seven_days", "days(7, received_on)", kind="timeDate")
    p.timer_catch("hard_stop", "hours(72, received_on)", kind="timeDate")
    p.user_task("after_seven", "Seven days passed", lane="Clerk")
    p.user_task("after_72h", "72 hours passed", lane="Clerk")
    p.end("e1")
    p.end("e2")
    p.chain("start", "race")
    p.flow("race", "seven_days")
    p.flow("race", "hard_stop")
    p.chain("seven_days", "after_seven", "e1")
    p.chain("hard_stop", "after_72h", "e2")
    return p.xml()


def rows(api, model, instance_id):
    with api.app.app_context():
        from webapp.extensions import db

        return db.session.scalars(select(model).where(model.instance_id == instance_id)).all()


def fire(api) -> int:
    with api.app.app_context():
        return api.engine().timers.fire_due()


def post(api, name, case_id, message_id, payload=None):
    key = "case_ref" if name == "request_withdrawn" else "case_id"
    body = {"name": name, "correlation": {key: case_id}, "payload": payload or {}, "message_id": message_id}
    return api.post("/api/v1/messages", json=body)


@pytest.fixture
def offered(api):
    for name in ("advocate_answer", "request_withdrawn"):
        api.declare_message(name, senders=["@external"], receivers=["offer"])
    assert api.deploy({"offer.bpmn": offer_process()}).status_code == 201
    instance_id = api.start("offer", data={"case_id": "C-1"}).json["id"]
    [task] = api.ready_tasks(instance_id)
    assert api.complete(task["id"]).status_code == 200
    return instance_id


def elements(api, instance_id):
    return sorted(t["element_id"] for t in api.ready_tasks(instance_id))


def test_the_race_waits_on_every_event(api, offered, clock):
    from engine.models import MessageWait, Timer

    waits = rows(api, MessageWait, offered)
    assert sorted((w.element_id, w.name) for w in waits) == [
        ("answered", "advocate_answer"), ("withdrawn", "request_withdrawn"),
    ]
    [timer] = rows(api, Timer, offered)
    assert (timer.element_id, timer.status, timer.due_at) == ("lapsed", "pending", clock.now() + timedelta(hours=48))


def test_the_answer_wins_and_the_timer_is_cancelled(api, offered, clock):
    from engine.models import MessageWait, Timer

    response = post(api, "advocate_answer", "C-1", "a-1", {"accepted": True})
    assert response.status_code == 200 and response.json["status"] == "delivered"
    assert elements(api, offered) == ["record_answer"]
    assert api.get(f"/api/v1/process-instances/{offered}").json["data"]["answer"] == {"accepted": True}
    assert [(t.element_id, t.status) for t in rows(api, Timer, offered)] == [("lapsed", "cancelled")]
    assert rows(api, MessageWait, offered) == []
    clock.advance(timedelta(hours=49))
    assert fire(api) == 0
    assert elements(api, offered) == ["record_answer"]
    late = post(api, "request_withdrawn", "C-1", "w-1")
    assert late.json["status"] == "buffered"  # the race is over: the withdrawal has no wait left


def test_silence_lapses_the_offer(api, offered, clock):
    from engine.models import MessageWait, Timer

    clock.advance(timedelta(hours=47, minutes=59))
    assert fire(api) == 0
    clock.advance(timedelta(minutes=1))
    assert fire(api) == 1
    assert elements(api, offered) == ["next_advocate"]
    assert [(t.element_id, t.status) for t in rows(api, Timer, offered)] == [("lapsed", "fired")]
    assert rows(api, MessageWait, offered) == []
    assert post(api, "advocate_answer", "C-1", "a-late").json["status"] == "buffered"


def test_one_message_against_another(api, offered):
    assert post(api, "request_withdrawn", "C-1", "w-1").json["status"] == "delivered"
    instance = api.get(f"/api/v1/process-instances/{offered}").json
    assert instance["status"] == "completed" and "answer" not in instance["data"]
    assert post(api, "advocate_answer", "C-1", "a-1").json["status"] == "buffered"


def test_another_cases_message_does_not_touch_the_race(api, offered):
    assert post(api, "advocate_answer", "C-2", "a-other").json["status"] == "buffered"
    assert elements(api, offered) == []


def test_the_earlier_of_two_timers_wins(api, clock):
    from engine.models import Timer

    assert api.deploy({"deadlines.bpmn": two_deadlines_process()}).status_code == 201
    instance_id = api.start("deadlines", data={"received_on": "2027-01-04"}).json["id"]
    due = {t.element_id: t.due_at.isoformat() for t in rows(api, Timer, instance_id)}
    # 72 hours from 00:00 Riga time on 4 Jan; seven days end at 24:00 Riga time on 11 Jan.
    assert due == {"hard_stop": "2027-01-06T22:00:00+00:00", "seven_days": "2027-01-11T22:00:00+00:00"}
    clock.advance(timedelta(days=3))
    assert fire(api) == 1
    assert elements(api, instance_id) == ["after_72h"]
    assert sorted((t.element_id, t.status) for t in rows(api, Timer, instance_id)) == [
        ("hard_stop", "fired"), ("seven_days", "cancelled"),
    ]
    clock.advance(timedelta(days=30))
    assert fire(api) == 0


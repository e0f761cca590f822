"""Hand-overs between institutions: a case started by another case's message takes the sender's
case number as its business key and records where it came from; a racing wait is won by a
message another case throws, exactly once, through the real routing."""

from sqlalchemy import select

from tests.support.bpmn_builder import ProcessBuilder
from tests.webapp.test_event_gateways import offer_process


def sender() -> str:
    p = ProcessBuilder("investigation")
    p.message("m_charge", "case_charged", {"case_number": "case_number"})
    p.start()
    p.user_task("charge", "Draw up the charge", lane="Prosecutor")
    p.message_throw("hand_over", "m_charge", payload="{'case_number': case_number, 'charge': charge}")
    p.end()
    p.chain("start", "charge", "hand_over", "end")
    return p.xml()


def receiver() -> str:
    p = ProcessBuilder("court_intake")
    p.message("m_charge", "case_charged", {"case_number": "case_number"})
    p.message_start("start", "m_charge", variable="charged")
    p.user_task("register", "Register the case", lane="Court clerk")
    p.end()
    p.chain("start", "register", "end")
    return p.xml()


def test_a_case_started_by_a_hand_over_carries_the_senders_case_number_and_origin(api):
    api.declare_message("case_charged", ["investigation"], ["court_intake"])
    assert api.deploy({"investigation.bpmn": sender(), "court_intake.bpmn": receiver()}).status_code == 201
    investigation = api.start("investigation", data={"case_number": "11816000123"}, business_key="11816000123").json["id"]
    [task] = api.ready_tasks(investigation)
    assert api.complete(task["id"], {"charge": "theft"}, as_user="prosecutor").status_code == 200

    court_cases = api.get("/api/v1/process-instances?process_id=court_intake").json
    assert [case["business_key"] for case in court_cases] == ["11816000123"]
    court_case = court_cases[0]["id"]
    history = api.get(f"/api/v1/process-instances/{court_case}/history").json
    [started] = [entry for entry in history if entry["event"] == "instance_started"]
    assert started["data"]["origin_instance_id"] == investigation
    assert started["data"]["business_key"] == "11816000123"
    sent = [entry for entry in api.get(f"/api/v1/process-instances/{investigation}/history").json
            if entry["event"] == "message_sent"]
    assert len(sent) == 1 and sent[0]["data"]["name"] == "case_charged"


def answering_advocate() -> str:
    p = ProcessBuilder("advocate_office")
    p.message("m_answer", "advocate_answer", {"case_id": "case_id"})
    p.start()
    p.user_task("answer", "Answer the offer", lane="Advocate")
    p.message_throw("send", "m_answer", payload="{'case_id': case_id, 'accepted': accepted}")
    p.end()
    p.chain("start", "answer", "send", "end")
    return p.xml()


def test_another_cases_message_wins_the_race_once(api, clock):
    from datetime import timedelta

    from engine.models import Message, Timer

    with api.app.app_context():
        api.engine().users.create("adv", "secret-adv", ["advocate"])
    api.declare_message("advocate_answer", ["advocate_office"], ["offer"])
    api.declare_message("request_withdrawn", ["@external"], ["offer"])
    assert api.deploy({"offer.bpmn": offer_process(), "advocate_office.bpmn": answering_advocate()}).status_code == 201
    offer = api.start("offer", data={"case_id": "C-9"}).json["id"]
    [send_offer] = api.ready_tasks(offer)
    api.complete(send_offer["id"])
    office = api.start("advocate_office", as_user="adv", data={"case_id": "C-9"}).json["id"]
    [answer] = api.ready_tasks(office)
    assert api.complete(answer["id"], {"accepted": True}, as_user="adv").status_code == 200

    assert [t["element_id"] for t in api.ready_tasks(offer)] == ["record_answer"]
    with api.app.app_context():
        from webapp.extensions import db

        [timer] = db.session.scalars(select(Timer).where(Timer.instance_id == offer)).all()
        [message] = db.session.scalars(select(Message).where(Message.name == "advocate_answer")).all()
        assert timer.status == "cancelled"
        assert message.status == "delivered" and message.delivered_to == [offer]
    clock.advance(timedelta(days=3))
    with api.app.app_context():  # the scheduler's own jobs find nothing left to fire or deliver
        assert api.engine().timers.fire_due() == 0
        assert api.engine().messages.dispatch_pending() == 0
        assert api.engine().messages.deliver_buffered() == 0
    assert [t["element_id"] for t in api.ready_tasks(offer)] == ["record_answer"]

"""`bpmn/sentence_execution.bpmn` with its receivers `probation_intake` and `prison_intake`, through the
HTTP API: each hand-over end to end and back to the court, every deadline (the injected clock is
moved and due timers fire through the scheduler's own round), and the start form's refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.bpmn.conftest import Case
from webapp.scheduler import run_engine_jobs

PROCESS = "sentence_execution"
JUDGMENT = {
    "case_number": "11816000777",
    "person_name": "A. Liepiņš",
    "personal_code": "010190-12345",
    "sentence_type": "probation_supervision",
    "judgment_in_force_on": "2027-01-04",
    "court": "Rīgas pilsētas tiesa",
    "term": "2 gadi",
}
ORDER = {"order_number": "IR-2027/15", "order_sent_on": "2027-01-04"}
ASSIGN = {"officer": "probation", "probation_unit": "Rīgas centra struktūrvienība"}
PLAN = {"supervision_plan": "Ierašanās reizi mēnesī; alkohola lietošanas aizliegums."}
PLACE = {"prison_unit": "PRISON:OLAINE", "placed_on": "2027-01-06", "responsible_officer": "I. Kalna"}
NOTIFY = {"notified_on": "2027-01-07", "notified_whom": "Māte, I. Liepiņa"}


def open_case(api, **judgment) -> Case:
    data = {key: value for key, value in {**JUDGMENT, **judgment}.items() if value is not None}
    response = api.start(PROCESS, as_user="court_clerk", data=data, business_key=data["case_number"])
    assert response.status_code == 201, response.json
    return Case(api, response.json["id"])


def partner(api, process_id: str) -> Case:
    [row] = api.get(f"/api/v1/process-instances?process_id={process_id}").json
    assert row["business_key"] == JUDGMENT["case_number"]
    return Case(api, row["id"])


def history(case: Case, event: str) -> list[dict]:
    entries = case.api.get(f"/api/v1/process-instances/{case.id}/history").json
    return [entry for entry in entries if entry["event"] == event]


def sent_names(case: Case) -> list[str]:
    return [entry["data"]["name"] for entry in history(case, "message_sent")]


def fire_at(api, clock, moment: datetime) -> int:
    clock.set(moment)
    return run_engine_jobs(api.app, "test-scheduler")["timers"]


@pytest.fixture
def court(api, bundle):
    return api


def test_the_order_deadline_is_seven_days_and_the_instructions_show_the_case(court):
    case = open_case(court)
    data = case.data
    assert data["order_due"] == "2027-01-11T22:00:00+00:00"  # 7 days, to 24:00 Riga time
    assert data["request_id"] == "11816000777/execution/probation_supervision"
    task = court.get(f"/api/v1/tasks/{case.task('send_order')['id']}?lang=en", as_user="court_clerk").json
    assert task["due_at"] == "2027-01-11T22:00:00Z" or task["due_at"].startswith("2027-01-11T22:00:00")
    assert "Case 11816000777" in task["instructions"] and "A. Liepiņš" in task["instructions"]


def test_probation_registered_in_time_is_reported_back_to_the_court(court, clock):
    case = open_case(court)
    case.do("send_order", ORDER, as_user="court_clerk")
    assert case.ready_elements() == []
    assert sent_names(case) == ["probation_order"]

    probation = partner(court, "probation_intake")
    [started] = history(probation, "instance_started")
    assert started["data"]["origin_instance_id"] == case.id
    data = probation.data
    assert data["order"]["sentence_type"] == "probation_supervision" and data["early_release"] is False
    assert data["register_by"] == "2027-01-18T22:00:00+00:00"  # 10 working days from Monday 4 January
    # The court clerk takes no part in the Probation Service's case.
    assert court.get(f"/api/v1/process-instances/{probation.id}", as_user="court_clerk").status_code == 404
    assert court.get(f"/api/v1/process-instances/{probation.id}", as_user="prison").status_code == 404

    probation.do("assign_officer", ASSIGN, as_user="probation")
    # A day before the deadline nothing fires; the person comes then.
    assert fire_at(court, clock, datetime(2027, 1, 17, 12, tzinfo=UTC)) == 0
    probation.do("register_person", {"registered_on": "2027-01-17"}, as_user="probation")
    probation.do("draw_up_plan", PLAN, as_user="probation")
    assert probation.instance()["status"] == "completed"
    assert sent_names(probation) == ["probation_report"]
    assert fire_at(court, clock, datetime(2027, 1, 19, 12, tzinfo=UTC)) == 0  # the timer went with the task

    instance = case.instance()
    assert instance["status"] == "completed"
    assert instance["data"]["probation_report"] == {
        "case_number": "11816000777", "request_id": "11816000777/execution/probation_supervision",
        "registered": True, "registered_on": "2027-01-17", "officer": "probation", "report": PLAN["supervision_plan"],
    }
    assert [entry["data"]["name"] for entry in history(case, "message_delivered")] == ["probation_report"]


def test_a_person_who_does_not_register_is_reported_and_the_judge_considers_it(court, clock):
    case = open_case(court, sentence_type="community_service", service_hours=120, term=None)
    case.do("send_order", ORDER, as_user="court_clerk")
    probation = partner(court, "probation_intake")
    probation.do("assign_officer", ASSIGN, as_user="probation")
    assert fire_at(court, clock, datetime(2027, 1, 18, 21, 59, tzinfo=UTC)) == 0
    assert probation.ready_elements() == ["register_person"]
    assert fire_at(court, clock, datetime(2027, 1, 18, 22, 0, tzinfo=UTC)) == 1
    assert probation.ready_elements() == ["report_non_registration"]
    report = "Persona nav ieradusies un nav sasniedzama dzīvesvietā."
    probation.do("report_non_registration", {"non_registration_report": report}, as_user="probation")
    assert probation.instance()["status"] == "completed"

    assert case.ready_elements() == ["consider_non_registration"]
    data = case.data
    assert data["probation_report"]["registered"] is False and data["probation_report"]["report"] == report
    task = case.task("consider_non_registration")
    shown = court.get(f"/api/v1/tasks/{task['id']}?lang=en", as_user="judge").json
    assert report in shown["instructions"].replace("\\", "")
    assert case.refusal_status("court_clerk") == 403  # the clerk takes part, but this is the judge's task
    case.do("consider_non_registration", {"court_response": "submission_to_replace_sentence",
                                          "response_explanation": "Iesniegums par soda aizstāšanu."}, as_user="judge")
    assert case.instance()["status"] == "completed"


def test_imprisonment_is_handed_to_the_prison_and_acknowledged(court):
    case = open_case(court, sentence_type="imprisonment", term="3 gadi")
    case.do("send_order", ORDER, as_user="court_clerk")
    assert sent_names(case) == ["prison_order"]
    prison = partner(court, "prison_intake")
    assert court.get(f"/api/v1/process-instances/{prison.id}", as_user="probation").status_code == 404
    assert prison.ready_elements() == ["place_prisoner"]
    assert prison.data["term"] == "3 gadi"
    prison.do("place_prisoner", PLACE, as_user="prison")
    prison.do("notify_placement", NOTIFY, as_user="prison")
    assert prison.instance()["status"] == "completed"
    assert sent_names(prison) == ["prison_ack"]
    instance = case.instance()
    assert instance["status"] == "completed"
    ack = instance["data"]["prison_ack"]
    assert (ack["placed_on"], ack["prison_unit"], ack["notified_on"]) == ("2027-01-06", "PRISON:OLAINE", "2027-01-07")


def test_an_overdue_order_is_escalated_to_the_court_chair_and_the_clerk_still_sends_it(court, clock):
    case = open_case(court, sentence_type="imprisonment")
    assert fire_at(court, clock, datetime(2027, 1, 11, 21, 59, tzinfo=UTC)) == 0
    assert case.ready_elements() == ["send_order"]
    assert fire_at(court, clock, datetime(2027, 1, 11, 22, 0, tzinfo=UTC)) == 1
    assert case.ready_elements() == ["escalate_order", "send_order"]  # non-interrupting
    assert case.refusal_status("court_clerk") == 403
    case.do("escalate_order", {"action_taken": "Kancelejai uzdots nosūtīt rīkojumu šodien."}, as_user="court_chair")
    case.do("send_order", ORDER, as_user="court_clerk")
    assert sent_names(case) == ["prison_order"]
    [escalated] = [entry for entry in history(case, "task_completed") if entry["data"]["element_id"] == "escalate_order"]
    assert escalated["actor"] == "court_chair" and escalated["data"]["data"]["action_taken"].startswith("Kancelejai")


def test_parole_reaches_probation_by_the_next_working_day_across_18_november(court, clock):
    clock.set(datetime(2027, 11, 17, 9, tzinfo=UTC))  # Wednesday; Thursday 18 November is a holiday
    case = open_case(court, sentence_type="parole", judgment_in_force_on="2027-11-17", term=None,
                     conditions="Ierasties probācijas dienestā; neizbraukt no valsts.")
    assert case.data["order_due"] == "2027-11-19T22:00:00+00:00"  # Friday, not the holiday
    assert fire_at(court, clock, datetime(2027, 11, 18, 23, tzinfo=UTC)) == 0
    assert fire_at(court, clock, datetime(2027, 11, 19, 22, tzinfo=UTC)) == 1
    assert case.ready_elements() == ["escalate_order", "send_order"]
    clock.set(datetime(2027, 11, 17, 10, tzinfo=UTC))  # (the clerk had sent it the same morning)
    case.do("send_order", {**ORDER, "order_sent_on": "2027-11-17"}, as_user="court_clerk")
    assert sent_names(case) == ["parole_decision"]
    probation = partner(court, "probation_intake")
    data = probation.data
    assert data["sentence_type"] == "parole" and data["early_release"] is True
    assert data["register_by"] == "2027-11-23T22:00:00+00:00"  # 3 working days: 19, 22, 23 November
    probation.do("assign_officer", ASSIGN, as_user="probation")
    assert fire_at(court, clock, datetime(2027, 11, 23, 21, 59, tzinfo=UTC)) == 0
    assert fire_at(court, clock, datetime(2027, 11, 23, 22, tzinfo=UTC)) == 1
    probation.do("report_non_registration", {"non_registration_report": "Nav ieradies."}, as_user="probation")
    assert case.ready_elements() == ["consider_non_registration", "escalate_order"]


def test_ten_working_days_across_18_november(court, clock):
    clock.set(datetime(2027, 11, 15, 9, tzinfo=UTC))
    case = open_case(court, judgment_in_force_on="2027-11-12")
    case.do("send_order", {**ORDER, "order_sent_on": "2027-11-15"}, as_user="court_clerk")
    probation = partner(court, "probation_intake")
    # 16, 17, 19, 22, 23, 24, 25, 26, 29, 30 November: the holiday is not counted.
    assert probation.data["register_by"] == "2027-11-30T22:00:00+00:00"
    probation.do("assign_officer", ASSIGN, as_user="probation")
    assert fire_at(court, clock, datetime(2027, 11, 29, 22, tzinfo=UTC)) == 0
    assert fire_at(court, clock, datetime(2027, 11, 30, 22, tzinfo=UTC) + timedelta(minutes=1)) == 1
    assert probation.ready_elements() == ["report_non_registration"]


@pytest.mark.parametrize(
    ("language", "changes", "errors"),
    [
        ("lv", {"judgment_in_force_on": "2027-02-30", "personal_code": "0101901234"},
         [{"field": "/judgment_in_force_on", "message": "datums neeksistē"},
          {"field": "/personal_code", "message": "Ievadiet personas kodu formā DDMMGG-NNNNN."}]),
        ("en", {"judgment_in_force_on": "04.01.2027", "sentence_type": "fine"},
         [{"field": "/judgment_in_force_on", "message": "enter the date as YYYY-MM-DD"},
          {"field": "/sentence_type", "message": "choose one of the allowed values"}]),
        ("en", {"sentence_type": "community_service"},
         [{"field": "/service_hours", "message": "this field is required"}]),
    ],
)
def test_the_start_form_refuses_bad_input_in_the_users_language(court, language, changes, errors):
    response = court.client.post(
        "/api/v1/process-instances", headers={**court.headers("court_clerk"), "Accept-Language": language},
        json={"process_id": PROCESS, "data": {**JUDGMENT, **changes}, "business_key": JUDGMENT["case_number"]},
    )
    assert response.status_code == 422, response.json
    assert [{"field": e["field"], "message": e["message"]} for e in response.json["errors"]] == errors
    assert court.get(f"/api/v1/process-instances?process_id={PROCESS}").json == []


def test_only_the_court_clerk_opens_an_execution(court):
    response = court.start(PROCESS, as_user="probation", data=JUDGMENT)
    assert response.status_code == 403

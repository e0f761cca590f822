"""The investigation itself: any number of recorded actions with evidence as structured items,
suspension after 2 or 4 months with the prosecutor's consent (KPL s.400) and resumption, and a
form that refuses bad input with field errors in the user's language."""

from __future__ import annotations

import pytest

from tests.bpmn.investigation_case import ACTION, events, move_to, opened, shown, supervised


@pytest.fixture
def case(api, bundle):
    return supervised(opened(api))


def test_each_action_and_item_is_numbered_and_kept(case):
    case.do("record_action", ACTION, as_user="investigator")
    second = {**ACTION, "action": {**ACTION["action"], "kind": "search", "description": "The garage was searched."},
              "evidence_items": [{"item": "Laptop", "description": "Serial 123", "kept_at": "Police store",
                                  "held_by": "I. Liepa", "status": "at_expert"}]}
    case.do("record_action", second, as_user="investigator")
    data = case.data
    assert [(a["number"], a["kind"]) for a in data["actions"]] == [(1, "questioning"), (2, "search")]
    assert [(e["number"], e["item"], e["status"]) for e in data["evidence"]] == [
        (1, "Laptop bag", "seized"), (2, "Laptop", "at_expert")]
    assert data["evidence"][0]["kept_at"] == "Riga police store, shelf 4"
    assert data["action"] is None and data["evidence_items"] == []
    task = shown(case, "record_action", "investigator")
    assert "2 actions and 2 evidence items" in task["instructions"]
    recorded = [e["data"]["data"] for e in events(case, "task_completed") if e["data"]["element_id"] == "record_action"]
    assert [r["action"]["kind"] for r in recorded] == ["questioning", "search"]


def test_three_hundred_actions_in_one_case(case):
    action = {"action": {"kind": "questioning", "performed_on": "2027-01-05", "description": "Witness questioned."},
              "next_step": "continue"}
    for _ in range(300):
        case.do("record_action", action, as_user="investigator")
    data = case.data
    assert len(data["actions"]) == 300 and data["actions"][-1]["number"] == 300
    assert case.instance()["incidents"] == []
    case.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
    assert case.ready_elements() == ["hand_over"]


def ask_to_suspend(case, serious_non_violent: bool) -> None:
    case.do("record_action", {"next_step": "suspend", "suspension_reason": "The offender is unknown.",
                              "serious_non_violent": serious_non_violent}, as_user="investigator")


@pytest.mark.parametrize(
    ("serious_non_violent", "before", "term_ends"),
    [
        # 2 months from 4 Jan 2027 end on 4 March at 24:00 Riga time; 4 months on Tuesday 4 May (after
        # the 4 May holiday moves it: Restoration of Independence Day) to Wednesday 5 May.
        (False, "2027-03-04T21:59:00+00:00", "2027-03-04T22:00:00+00:00"),
        (True, "2027-05-05T20:59:00+00:00", "2027-05-05T21:00:00+00:00"),
    ],
    ids=["2 months", "4 months for a serious non-violent crime"],
)
def test_suspension_waits_for_its_term_then_the_prosecutor_consents(case, api, clock, serious_non_violent,
                                                                    before, term_ends):
    ask_to_suspend(case, serious_non_violent)
    assert case.ready_elements() == []
    assert case.data["suspension_possible_from"] == term_ends
    assert move_to(api, clock, before) == 0
    assert move_to(api, clock, term_ends) == 1
    assert case.task("consent_to_suspension")["role"] == "prosecutor"
    case.do("consent_to_suspension", {"suspension_consent": True, "suspended_on": term_ends[:10]}, as_user="prosecutor")
    assert case.ready_elements() == ["resume_proceedings"]
    case.do("resume_proceedings", {"resumed_on": "2027-06-01", "resumption_reason": "A fingerprint matched."},
            as_user="investigator")
    assert case.ready_elements() == ["record_action"]
    assert case.data["next_step"] == "continue"


def test_a_refused_suspension_continues_the_investigation(case, api, clock):
    ask_to_suspend(case, False)
    assert move_to(api, clock, "2027-03-05T00:00:00+00:00") == 1
    case.do("consent_to_suspension", {"suspension_consent": False,
                                      "prosecutor_instructions": "Question the neighbours first."},
            as_user="prosecutor")
    assert case.ready_elements() == ["record_action"]
    assert "Question the neighbours first." in shown(case, "record_action", "investigator")["instructions"]


@pytest.mark.parametrize(
    ("language", "errors"),
    [
        ("lv", [
            {"field": "/action/performed_on", "message": "datums neeksistē"},
            {"field": "/evidence_items/0/held_by", "message": "lauks ir obligāts"},
            {"field": "/evidence_items/0/status", "message": "izvēlieties vienu no atļautajām vērtībām"},
        ]),
        ("en", [
            {"field": "/action/performed_on", "message": "this date does not exist"},
            {"field": "/evidence_items/0/held_by", "message": "this field is required"},
            {"field": "/evidence_items/0/status", "message": "choose one of the allowed values"},
        ]),
    ],
)
def test_bad_input_is_refused_field_by_field_in_the_users_language(case, api, language, errors):
    task = case.task("record_action")
    bad = {**ACTION, "action": {**ACTION["action"], "performed_on": "2027-02-30"},
           "evidence_items": [{"item": "Knife", "description": "Kitchen knife", "kept_at": "Store",
                               "status": "lost"}]}
    response = api.client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": bad},
                               headers={**api.headers("investigator"), "Accept-Language": language})
    assert response.status_code == 422
    assert sorted(response.json["errors"], key=lambda e: e["field"]) == errors
    assert case.data["actions"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"next_step": "continue"}, "/action"),
        ({"next_step": "suspend"}, "/suspension_reason"),
    ],
)
def test_what_each_choice_needs_is_required(case, api, data, field):
    response = api.complete(case.task("record_action")["id"], data, as_user="investigator")
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json["errors"]]

"""`legal_aid_appointment`'s elder deadline in working days (across 18 November, a Latvian public
holiday), fired by the scheduler's own job; the court clerk's start by hand; forms that refuse bad
input with field errors in the user's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.deadlines import is_working_day
from tests.bpmn.conftest import Case
from tests.bpmn.legal_aid_support import ACCEPT, PAY, advocates, answer, fire_due, request_legal_aid, sent

__all__ = ["advocates"]

HAND_REQUEST = {
    "case_number": "11816009999", "person_name": "K. Ozola", "person_language": "lv", "detained": False,
    "urgency": "ordinary", "reason": "trial", "court_territory": "riga", "mandatory_defence": True,
}


def test_the_elders_three_working_days_skip_18_november_and_the_weekend(api, bundle, advocates, app, clock):
    # Tuesday 16 November 2027, 10:00 in Rīga; Thursday 18 November is Proclamation Day.
    clock.set(datetime(2027, 11, 16, 8, 0, tzinfo=UTC))
    assert not is_working_day(datetime(2027, 11, 18).date())
    case, _ = request_legal_aid(api)
    # 17 (Wed), 19 (Fri), 22 (Mon): the term ends at 24:00 Rīga time on Monday 22 November.
    assert case.data["nomination_due"] == "2027-11-22T22:00:00+00:00"
    [task] = case.ready()
    assert task["element_id"] == "elder_review" and task["due_at"].startswith("2027-11-22T22:00")
    for moment in (datetime(2027, 11, 19, 21, 59, tzinfo=UTC), datetime(2027, 11, 22, 21, 59, tzinfo=UTC)):
        clock.set(moment)  # Friday 23:59 and Monday 23:59 in Rīga: still within the term
        assert fire_due(app) == 0
        assert case.ready_elements() == ["elder_review"]
    clock.set(datetime(2027, 11, 22, 22, 0, 1, tzinfo=UTC))
    assert fire_due(app) == 1
    # The elder named nobody in time: the proposal goes to the advocate as it stands.
    assert case.ready_elements() == ["advocate_response"]
    assert case.data["elder_deadline_missed"] is True
    assert case.data["declined_advocates"] == []
    # The advocate's day to answer counts from the offer: it is Tuesday 23 November in Rīga (00:00),
    # so the answer is due by the end of Wednesday 24 November.
    assert case.data["response_due"] == "2027-11-24T22:00:00+00:00"


def test_the_urgent_answer_timer_runs_in_hours(api, bundle, advocates, app, clock):
    case, _ = request_legal_aid(api, urgency="urgent")
    clock.advance(timedelta(hours=1, minutes=59))
    assert fire_due(app) == 0
    clock.advance(timedelta(minutes=2))
    assert fire_due(app) == 1
    assert case.data["proposal_round"] == 2 and case.data["declined_advocates"][0]["declined_by"] == "no_answer"


def test_a_court_clerk_starts_a_request_by_hand_and_nothing_is_sent_back(api, bundle, advocates):
    assert api.start("legal_aid_appointment", as_user="advocate_a", data=HAND_REQUEST).status_code == 403
    assert api.start("legal_aid_appointment", as_user="officer", data=HAND_REQUEST).status_code == 403
    response = api.start("legal_aid_appointment", as_user="clerk_riga", data=HAND_REQUEST, business_key="11816009999")
    assert response.status_code == 201, response.json
    case = Case(api, response.json["id"])
    data = case.data
    assert (data["request_id"], data["requested_by"], data["reply_expected"]) == ("court-11816009999", "court", False)
    assert data["mandatory_defence"] is True and case.ready_elements() == ["elder_review"]
    case.do("elder_review", {"elder_decision": "confirm"}, as_user="elder_riga")
    answer(case, ACCEPT)
    case.do("decide_state_payment", PAY, as_user="judge_riga")
    assert case.instance()["status"] == "completed"
    assert sent(case) == []
    assert case.data["advocate_id"] == "adv-riga-a" and case.data["outcome"] == "appointed"
    # The clerk who started it reads the case, cut to what they gave (need-to-know).
    seen = api.get(f"/api/v1/process-instances/{case.id}", as_user="clerk_riga").json
    assert seen["status"] == "completed" and set(seen["data"]) == set(HAND_REQUEST)


@pytest.mark.parametrize(
    ("lang", "changes", "field", "message"),
    [
        ("en", {"case_number": "12-3"}, "/case_number", "11 digits"),
        ("lv", {"case_number": "12-3"}, "/case_number", "11 cipari"),
        ("en", {"person_language": "Latvian"}, "/person_language", "'Latvian' is not a valid code of the list 'language'"),
        ("lv", {"person_language": "xx"}, "/person_language", "'xx' nav derīgs saraksta 'language' kods"),
        ("lv", {"urgency": "soon"}, "/urgency", None),
        ("en", {"court_territory": "tallinn"}, "/court_territory", None),
    ],
)
def test_the_start_form_refuses_bad_input_in_the_users_language(api, bundle, lang, changes, field, message):
    response = api.post(f"/api/v1/process-instances?lang={lang}", as_user="clerk_riga",
                        json={"process_id": "legal_aid_appointment", "data": {**HAND_REQUEST, **changes}})
    assert response.status_code == 422, response.json
    [error] = [e for e in response.json["errors"] if e["field"] == f"/data{field}" or e["field"] == field]
    if message:
        assert message in error["message"]


@pytest.mark.parametrize(
    ("step", "data", "field", "lv", "en"),
    [
        ("advocate_response", {"advocate_response": "accept"}, "/no_conflict_of_interest", "obligāt", "required"),
        ("advocate_response", {"advocate_response": "decline"}, "/decline_reason", "obligāt", "required"),
        ("advocate_response", {"advocate_response": "maybe"}, "/advocate_response", "", ""),
    ],
)
def test_task_forms_refuse_bad_input_with_field_errors_in_both_languages(api, bundle, advocates, step, data, field, lv, en):
    case, _ = request_legal_aid(api, urgency="urgent")
    task = case.task(step)
    messages = {}
    for lang in ("lv", "en"):
        response = api.post(f"/api/v1/tasks/{task['id']}/complete?lang={lang}", as_user="advocate_a", json={"data": data})
        assert response.status_code == 422, response.json
        [error] = [e for e in response.json["errors"] if e["field"] == field]
        messages[lang] = error["message"]
    assert messages["lv"] != messages["en"]
    assert lv.lower() in messages["lv"].lower() and en.lower() in messages["en"].lower()
    assert case.ready_elements() == [step]  # nothing was stored

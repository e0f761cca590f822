"""Refusals of `legal_aid_appointment`: each decline, silence (the answer timer, fired by the
scheduler's own job) and elder rejection leaves that advocate out of the next proposal, up to
max_rounds proposals; then, or when nobody is eligible, a person assigns by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.bpmn.legal_aid_support import (
    ACCEPT,
    CONFIRM,
    DECLINE,
    PAY,
    REJECT,
    advocates,
    answer,
    fire_due,
    request_legal_aid,
    sent_messages,
)

__all__ = ["advocates"]

MANUAL = {"manual_outcome": "appointed", "manual_advocate_id": "adv-kurz", "manual_advocate_name": "D. Kļaviņa",
          "manual_interpreter_needed": False}
NOT_APPOINTED = {"manual_outcome": "not_appointed", "not_appointed_reason": "The person chose their own advocate."}


def refuse(case, how: str, app, clock) -> str:
    """One refusal of the current proposal; the advocate refused."""
    code = case.data["advocate_id"]
    if how == "elder":
        case.do("elder_review", REJECT, as_user="elder_riga")
        return code
    if case.ready_elements() == ["elder_review"]:
        case.do("elder_review", CONFIRM, as_user="elder_riga")
    if how == "decline":
        answer(case, DECLINE)
    else:  # silence: the answer deadline passes and the scheduler fires the timer
        due = datetime.fromisoformat(case.data["response_due"])
        clock.set(due - timedelta(minutes=1))
        assert fire_due(app) == 0 and case.ready_elements() == ["advocate_response"]
        clock.set(due + timedelta(seconds=1))
        assert fire_due(app) == 1
    return code


@pytest.mark.parametrize(
    ("urgency", "refusals"),
    [
        pytest.param("urgent", ["decline", "decline", "decline"], id="urgent: three declines"),
        pytest.param("urgent", ["silence", "silence", "silence"], id="urgent: three silences"),
        pytest.param("urgent", ["decline", "silence", "decline"], id="urgent: mixed"),
        pytest.param("ordinary", ["elder", "decline", "silence"], id="ordinary: elder, decline, silence"),
        pytest.param("ordinary", ["silence", "elder", "elder"], id="ordinary: silence, two rejections"),
    ],
)
def test_each_refusal_excludes_the_advocate_until_max_rounds_then_manual_assignment(
    api, bundle, advocates, app, clock, urgency, refusals
):
    case, payload = request_legal_aid(api, urgency=urgency)
    refused = []
    for round_number, how in enumerate(refusals, start=1):
        assert case.data["proposal_round"] == round_number
        assert case.data["advocate_id"] not in refused  # a refused advocate is never proposed again
        refused.append(refuse(case, how, app, clock))
        expected = {"decline": "advocate", "silence": "no_answer", "elder": "elder"}[how]
        last = case.data["declined_advocates"][-1]
        assert (last["advocate_id"], last["declined_by"], last["round"]) == (refused[-1], expected, round_number)
        # The next people answer on clean forms.
        assert not {"advocate_response", "decline_reason", "elder_decision", "elder_reason"} & set(case.data)
    assert refused == ["adv-riga-a", "adv-riga-b", "adv-riga-c"]
    assert case.data["max_rounds"] == 3
    assert case.ready_elements() == ["manual_assignment"]
    # The elder or a legal-aid officer assigns by hand (the shared lane).
    assert case.task("manual_assignment")["role"] == "elder_of_sworn_advocates,legal_aid_officer"
    case.do("manual_assignment", MANUAL, as_user="officer")
    case.do("decide_state_payment", PAY, as_user="judge_riga")
    [result] = sent_messages(case, "legal_aid_result")
    assert result["payload"]["advocate_id"] == "adv-kurz" and result["payload"]["outcome"] == "appointed"
    assert result["payload"]["request_id"] == payload["request_id"]


def test_max_rounds_is_a_setting(api, bundle, advocates, app, clock):
    app.config["LIETA_SETTINGS"] = type(app.config["LIETA_SETTINGS"])(
        **{**app.config["LIETA_SETTINGS"].__dict__, "legal_aid_max_rounds": 1})
    case, _ = request_legal_aid(api, urgency="urgent")
    assert case.data["max_rounds"] == 1
    answer(case, DECLINE)
    assert case.ready_elements() == ["manual_assignment"]


def test_nobody_eligible_is_routed_to_manual_assignment_not_an_incident(api, bundle, advocates):
    case, _ = request_legal_aid(api, urgency="urgent", court_territory="latgale")
    instance = case.instance()
    assert instance["status"] == "running" and instance["incidents"] == []
    assert case.ready_elements() == ["manual_assignment"]
    error = case.data["error"]
    assert error["code"] == "no_advocate_eligible" and "latgale" in error["message"]
    assert error["data"]["territory"] == "latgale"
    task = case.task("manual_assignment")
    shown = api.get(f"/api/v1/tasks/{task['id']}?lang=en", as_user="officer").json["instructions"]
    assert "found nobody" in shown
    case.do("manual_assignment", NOT_APPOINTED, as_user="elder_riga")
    [result] = sent_messages(case, "legal_aid_result")
    assert result["payload"] == {**result["payload"], "outcome": "not_appointed", "advocate_id": None,
                                 "state_payment": False}
    assert case.instance()["status"] == "completed"


def test_mandatory_defence_cannot_end_without_an_advocate(api, bundle, advocates):
    case, _ = request_legal_aid(api, urgency="urgent", court_territory="latgale", mandatory_defence=True)
    case.do("manual_assignment", NOT_APPOINTED, as_user="officer")
    assert case.ready_elements() == ["manual_assignment"]
    assert sent_messages(case, "legal_aid_result") == []
    case.do("manual_assignment", {**MANUAL, "manual_interpreter_needed": True}, as_user="officer")
    # A judge of the territory's court decides on payment: a Rīga judge is not offered a Latgale case.
    assert case.refusal_status("judge_riga") == 404
    case.do("decide_state_payment", PAY, as_user="judge_latgale")
    [result] = sent_messages(case, "legal_aid_result")
    assert (result["payload"]["outcome"], result["payload"]["interpreter_language"]) == ("appointed", "lv")


def test_an_accepted_proposal_after_a_decline_ends_the_rounds(api, bundle, advocates):
    case, _ = request_legal_aid(api, urgency="urgent")
    answer(case, DECLINE)
    assert answer(case, ACCEPT) == "adv-riga-b"
    assert case.ready_elements() == ["decide_state_payment"]
    assert [a["advocate_id"] for a in case.data["declined_advocates"]] == ["adv-riga-a"]


@pytest.mark.parametrize("answered", [True, False], ids=["answer by phone", "unreachable"])
def test_an_advocate_without_a_user_is_phoned_by_the_officer(api, bundle, advocates, app, clock, answered):
    """adv-kurz has no user: no advocate answers in their place; the officer records the answer."""
    case, _ = request_legal_aid(api, urgency="urgent", court_territory="kurzeme")
    assert case.data["advocate_id"] == "adv-kurz" and case.data["advocate_username"] is None
    task = case.task("answer_for_advocate")
    assert task["role"] == "legal_aid_officer" and task["due_at"] == case.data["response_due"]
    assert api.complete(task["id"], ACCEPT, as_user="advocate_a").status_code in (403, 404)
    if answered:
        case.do("answer_for_advocate", ACCEPT, as_user="officer")
        assert case.ready_elements() == ["decide_state_payment"]
        return
    clock.advance(timedelta(hours=2, seconds=1))
    assert fire_due(app) == 1
    # The only Kurzeme advocate refused by silence: nobody is left, a person assigns.
    assert case.ready_elements() == ["manual_assignment"]
    assert case.data["error"]["code"] == "no_advocate_eligible"

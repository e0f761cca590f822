"""The advocates' duty roster: solved with the roster solver, approved by the elder of sworn
advocates (API and CLI, like the prosecutors'), and used by urgent legal-aid requests."""

from __future__ import annotations

import pytest

from tests.bpmn.legal_aid_support import ACCEPT, advocates, answer, request_legal_aid

__all__ = ["advocates"]


@pytest.fixture
def approved_roster(api, bundle, advocates) -> dict:
    refused = api.post("/api/v1/advocate-rosters", as_user="officer", json={"month": "2027-01", "regions": ["riga"]})
    assert refused.status_code == 403, refused.json
    draft = api.post("/api/v1/advocate-rosters", as_user="elder_riga",
                     json={"month": "2027-01", "regions": ["riga"], "time_limit": 10})
    assert draft.status_code == 201, draft.json
    assert draft.json["status"] == "draft" and draft.json["unfilled"] == [] and draft.json["duties"] == 31
    assert api.post(f"/api/v1/advocate-rosters/{draft.json['id']}/approve", as_user="officer").status_code == 403
    approved = api.post(f"/api/v1/advocate-rosters/{draft.json['id']}/approve", as_user="elder_riga")
    assert approved.status_code == 200, approved.json
    assert (approved.json["status"], approved.json["approved_by"]) == ("approved", "elder_riga")
    again = api.post(f"/api/v1/advocate-rosters/{draft.json['id']}/approve", as_user="elder_riga")
    assert again.status_code == 409
    return api.get(f"/api/v1/advocate-rosters/{draft.json['id']}", as_user="officer").json


def test_every_day_has_one_duty_advocate_with_a_days_rest(approved_roster):
    slots = approved_roster["slots"]
    assert [s["date"] for s in slots] == [f"2027-01-{d:02d}" for d in range(1, 32)]
    assert {s["advocate_code"] for s in slots} <= {"adv-riga-a", "adv-riga-b", "adv-riga-c"}
    for today, tomorrow in zip(slots, slots[1:], strict=False):
        assert today["advocate_code"] != tomorrow["advocate_code"]


def test_an_urgent_request_goes_to_the_advocate_on_duty(api, approved_roster):
    [duty] = [s for s in approved_roster["slots"] if s["date"] == "2027-01-04"]
    case, _ = request_legal_aid(api, urgency="urgent", reason="detention", person={"detained": True})
    assert case.data["advocate_id"] == duty["advocate_code"]
    assert case.data["proposal"]["from_duty_roster"] is True
    assert any("on duty" in line for line in case.data["proposal"]["explanation"])
    # The duty advocate declines: the next proposal has no one else on duty, so a person assigns.
    from tests.bpmn.legal_aid_support import DECLINE

    answer(case, DECLINE)
    assert case.ready_elements() == ["manual_assignment"]
    assert case.data["error"]["code"] == "no_advocate_eligible"


def test_an_ordinary_request_ignores_the_roster(api, approved_roster):
    case, _ = request_legal_aid(api)
    assert case.data["proposal"]["from_duty_roster"] is False
    assert case.data["advocate_id"] == "adv-riga-a"  # the nearest, on duty or not
    case.do("elder_review", {"elder_decision": "confirm"}, as_user="elder_riga")
    answer(case, ACCEPT)


def test_the_cli_solves_approves_and_shows_a_month(app, api, advocates):
    runner = app.test_cli_runner()
    solved = runner.invoke(args=["advocate-roster", "solve", "--month", "2027-02", "--regions", "riga"])
    assert solved.exit_code == 0, solved.output
    assert "28 duties" in solved.output
    approved = runner.invoke(args=["advocate-roster", "approve", "--month", "2027-02"])
    assert approved.exit_code == 0 and "approved 2027-02 v1" in approved.output
    shown = runner.invoke(args=["advocate-roster", "show", "--month", "2027-02"])
    assert shown.exit_code == 0 and shown.output.count(" riga ") == 28
    missing = runner.invoke(args=["advocate-roster", "approve", "--month", "2027-03"])
    assert missing.exit_code != 0 and "no draft" in missing.output


@pytest.mark.parametrize(
    ("method", "path", "body", "user", "status"),
    [
        ("get", "/api/v1/advocate-rosters", None, "advocate_a", 403),
        ("get", "/api/v1/advocate-rosters/999999", None, "elder_riga", 404),
        ("post", "/api/v1/advocate-rosters", {"month": "2027-01", "regions": ["latgale"]}, "elder_riga", 422),
        ("post", "/api/v1/advocate-rosters", {"month": "2027-13"}, "elder_riga", 422),
        ("post", "/api/v1/advocate-rosters", {"month": "2027-01", "regions": ["mars"]}, "elder_riga", 422),
    ],
)
def test_bad_roster_requests_get_a_clear_4xx(api, bundle, advocates, method, path, body, user, status):
    kwargs = {"json": body} if body is not None else {}
    response = getattr(api, method)(path, as_user=user, **kwargs)
    assert response.status_code == status, response.json
    assert response.json["message"]

"""Hearing slot proposals through the API (the real solver)."""

from __future__ import annotations

import copy

import pytest

REQUEST = {
    "start": "2027-03-01", "days": 10, "slot_minutes": 30,
    "working_hours": {"start": "09:00", "end": "17:00"},
    "rooms": [{"id": "Z1", "kind": "courtroom"},
              {"id": "V1", "kind": "video", "busy": [{"start": "2027-03-02T09:00", "end": "2027-03-02T17:00"}]}],
    "convoys": [{"id": "K1"}],
    "participants": [{"id": "judge-1", "role": "judge"}, {"id": "D1", "role": "accused", "in_prison": True},
                     {"id": "adv-1", "role": "advocate",
                      "busy": [{"start": "2027-03-02T09:00", "end": "2027-03-02T13:00"}]}],
    "hearings": [{"id": "H1", "duration_minutes": 90, "participants": ["judge-1", "D1", "adv-1"],
                  "requested": "2027-03-02", "earliest": "2027-03-02"}],
}


@pytest.fixture
def court(api):
    api.create_users({"courtclerk": ["court_clerk"], "judge": ["judge"]})
    return api


@pytest.mark.parametrize("user", ["courtclerk", "judge", "admin"])
def test_the_best_slots_for_a_hearing(court, user):
    response = court.post("/api/v1/hearing-proposals", as_user=user, json={**REQUEST, "count": 3})
    assert response.status_code == 200, response.json
    assert response.json["hearing_id"] == "H1"
    proposals = response.json["proposals"]
    assert len(proposals) == 3
    best = proposals[0]
    # The advocate is busy until 13:00 on the requested day: the first free 90 minutes after.
    assert best["start"] == "2027-03-02T13:00" and best["end"] == "2027-03-02T14:30"
    assert best["lateness_days"] == 0
    assert best["room"] == "Z1" and best["convoy"] == "K1"  # in prison: courtroom with convoy (video room busy)
    assert [p["start"] for p in proposals] == sorted({p["start"] for p in proposals}, key=[p["start"] for p in proposals].index)


def test_an_existing_schedule_is_respected(court):
    body = copy.deepcopy(REQUEST)
    body["hearings"].append({"id": "H0", "duration_minutes": 240, "participants": ["judge-1"],
                             "requested": "2027-03-02"})
    schedule = [{"hearing_id": "H0", "start": "2027-03-02T13:00", "end": "2027-03-02T17:00", "room": "Z1",
                 "convoy": None}]
    response = court.post("/api/v1/hearing-proposals", as_user="courtclerk",
                          json={**body, "hearing_id": "H1", "schedule": schedule, "count": 1})
    assert response.status_code == 200, response.json
    [best] = response.json["proposals"]
    assert best["start"] > "2027-03-02T17:00" and best["lateness_days"] >= 1


@pytest.mark.parametrize("user", ["prosecutor", "clerk", "outsider"])
def test_only_court_staff_ask_for_slots(court, user):
    assert court.post("/api/v1/hearing-proposals", as_user=user, json=REQUEST).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2027-02-30"}, "/start"),
        ({"rooms": None}, "/rooms"),
        ({"days": -1}, "/days"),
        ({"hearing_id": "H9"}, "/hearing_id"),
        ({"count": 0}, "/count"),
        ({"schedule": "soon"}, "/schedule"),
    ],
)
def test_bad_requests_are_422_naming_the_field(court, change, field):
    body = {**REQUEST, **change}
    if change.get("rooms", 1) is None:
        del body["rooms"]
    response = court.post("/api/v1/hearing-proposals", as_user="courtclerk", json=body)
    assert response.status_code == 422, response.json
    assert set(response.json) == {"message", "errors"}
    assert any(e["field"].startswith(field) for e in response.json["errors"]), response.json


def test_a_body_that_is_not_an_object_is_422(court):
    response = court.post("/api/v1/hearing-proposals", as_user="courtclerk", json=[1, 2])
    assert response.status_code == 422

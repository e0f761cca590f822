"""Advocates, prosecutors, rosters, duty slots and calendar links through the API: who may do
what (403), bad input (422), missing things (404), the demo seed."""

from __future__ import annotations

import pytest

ADVOCATE = {"code": "adv-1", "full_name": "Ilze Kalniņa", "territories": ["Rīga", "zemgale"],
            "languages": ["lv", "ru"], "juvenile": True, "daily_capacity": 3, "office_location": [1.5, -2.0]}
PROSECUTOR = {"code": "pro-1", "full_name": "Jānis Ozoliņš", "regions": ["Latgale"]}


@pytest.fixture
def people(api):
    api.create_users({"officer": ["legal_aid_officer"], "lawyer": ["advocate"], "duty": ["duty_prosecutor"]})
    return api


def patch(api, path, as_user="admin", **kw):
    return api.client.patch(path, headers=api.headers(as_user), **kw)


def delete(api, path, as_user="admin"):
    return api.client.delete(path, headers=api.headers(as_user))


def test_an_officer_manages_advocates(people):
    api = people
    created = api.post("/api/v1/advocates", as_user="officer", json={**ADVOCATE, "user": "lawyer"})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["territories"] == ["riga", "zemgale"] and body["user"] == "lawyer" and body["load_30d"] == 0
    assert body["office_location"] == [1.5, -2.0]
    changed = patch(api, f"/api/v1/advocates/{body['id']}", as_user="officer",
                    json={"languages": ["lv", "en"], "daily_capacity": 1, "active": False})
    assert changed.status_code == 200
    assert changed.json["languages"] == ["en", "lv"] and changed.json["daily_capacity"] == 1
    leave = api.post(f"/api/v1/advocates/{body['id']}/leaves", as_user="officer",
                     json={"start_date": "2027-01-05", "end_date": "2027-01-05", "reason": "slimība"})
    assert leave.status_code == 201
    assert api.get(f"/api/v1/advocates/{body['id']}", as_user="lawyer").json["leaves"] == [
        {"id": leave.json["id"], "start_date": "2027-01-05", "end_date": "2027-01-05", "reason": "slimība"}]
    assert api.get(f"/api/v1/advocates/{body['id']}/assignments", as_user="lawyer").json == []
    assert [a["code"] for a in api.get("/api/v1/advocates?territory=zemgale", as_user="officer").json] == ["adv-1"]
    assert api.get("/api/v1/advocates?territory=Kurzeme", as_user="officer").json == []
    assert api.get("/api/v1/advocates?active=true", as_user="officer").json == []
    assert delete(api, f"/api/v1/advocates/{body['id']}/leaves/{leave.json['id']}", as_user="officer").status_code == 204
    assert delete(api, f"/api/v1/advocates/{body['id']}/leaves/{leave.json['id']}", as_user="officer").status_code == 404
    history = api.post("/api/v1/advocates", as_user="officer", json=ADVOCATE)
    assert history.status_code == 409


def test_an_admin_manages_prosecutors(people):
    api = people
    created = api.post("/api/v1/prosecutors", json={**PROSECUTOR, "user": "duty"})
    assert created.status_code == 201, created.json
    pid = created.json["id"]
    assert patch(api, f"/api/v1/prosecutors/{pid}", json={"regions": ["latgale", "Vidzeme"]}).json["regions"] == [
        "latgale", "vidzeme"]
    assert api.post(f"/api/v1/prosecutors/{pid}/leaves", json={"start_date": "2027-02-01",
                                                                "end_date": "2027-02-03"}).status_code == 201
    listed = api.get("/api/v1/prosecutors?region=Vidzeme", as_user="prosecutor").json
    assert [p["code"] for p in listed] == ["pro-1"] and listed[0]["user"] == "duty"
    assert api.get(f"/api/v1/prosecutors/{pid}", as_user="duty").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "user", "body"),
    [
        ("get", "/api/v1/advocates", "clerk", None),
        ("post", "/api/v1/advocates", "clerk", ADVOCATE),
        ("post", "/api/v1/advocates", "prosecutor", ADVOCATE),
        ("patch", "/api/v1/advocates/{adv}", "lawyer", {"daily_capacity": 9}),
        ("post", "/api/v1/advocates/{adv}/leaves", "lawyer", {"start_date": "2027-01-05", "end_date": "2027-01-06"}),
        ("get", "/api/v1/advocates/{adv}", "clerk", None),
        ("get", "/api/v1/advocates/{adv}/assignments", "clerk", None),
        ("get", "/api/v1/prosecutors", "clerk", None),
        ("post", "/api/v1/prosecutors", "officer", PROSECUTOR),
        ("patch", "/api/v1/prosecutors/{pro}", "prosecutor", {"active": False}),
        ("post", "/api/v1/prosecutors/{pro}/leaves", "duty", {"start_date": "2027-01-05", "end_date": "2027-01-06"}),
        ("get", "/api/v1/rosters", "clerk", None),
        ("post", "/api/v1/rosters", "prosecutor", {"month": "2027-01"}),
        ("post", "/api/v1/rosters/1/approve", "prosecutor", None),
        ("get", "/api/v1/duty-slots", "clerk", None),
        ("get", "/api/v1/duty-slots?prosecutor=1", "officer", None),
        ("post", "/api/v1/calendar-token", "clerk", None),
    ],
)
def test_permissions(people, method, path, user, body):
    api = people
    adv = api.post("/api/v1/advocates", json={**ADVOCATE, "code": "adv-x"}).json["id"]
    pro = api.post("/api/v1/prosecutors", json={**PROSECUTOR, "code": "pro-x"}).json["id"]
    path = path.format(adv=adv, pro=pro)
    kwargs = {"json": body} if body is not None else {}
    response = api.client.open(path, method=method.upper(), headers=api.headers(user), **kwargs)
    assert response.status_code == 403, response.json
    assert set(response.json) == {"message", "errors"}
    assert api.client.open(path, method=method.upper(), **kwargs).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/advocates", {k: v for k, v in ADVOCATE.items() if k != "territories"}, "/territories"),
        ("post", "/api/v1/advocates", {**ADVOCATE, "territories": ["Mars"]}, "/territories"),
        ("post", "/api/v1/advocates", {**ADVOCATE, "languages": ["latvian"]}, "/languages"),
        ("post", "/api/v1/advocates", {**ADVOCATE, "daily_capacity": -1}, "/daily_capacity"),
        ("post", "/api/v1/advocates", {**ADVOCATE, "office_location": [1]}, "/office_location"),
        ("post", "/api/v1/advocates", {**ADVOCATE, "code": "has space"}, "/code"),
        ("post", "/api/v1/advocates", {**ADVOCATE, "user": "nobody"}, "/user"),
        ("patch", "/api/v1/advocates/{adv}", {"territories": []}, "/territories"),
        ("post", "/api/v1/advocates/{adv}/leaves", {"start_date": "2027-01-06", "end_date": "2027-01-05"}, "/end_date"),
        ("post", "/api/v1/advocates/{adv}/leaves", {"start_date": "tomorrow", "end_date": "2027-01-05"}, "/start_date"),
        ("get", "/api/v1/advocates/{adv}/assignments?from=yesterday", None, "/from"),
        ("post", "/api/v1/prosecutors", {**PROSECUTOR, "regions": ["Rīga", "Narnia"]}, "/regions"),
        ("post", "/api/v1/prosecutors", {"code": "p"}, "/full_name"),
        ("post", "/api/v1/prosecutors/{pro}/leaves", {"start_date": "2027-01-06", "end_date": "2027-01-05"}, "/end_date"),
        ("get", "/api/v1/rosters?month=2027-1", None, "/month"),
        ("get", "/api/v1/rosters?month=2027-13", None, "/month"),
        ("post", "/api/v1/rosters", {"month": "2027-01", "time_limit": 0}, "/time_limit"),
        ("get", "/api/v1/duty-slots?prosecutor=abc", None, "/prosecutor"),
        ("get", "/api/v1/duty-slots?from=2027-01-10&to=2027-01-01", None, "/to"),
        ("get", "/api/v1/duty-slots?from=10.01.2027", None, "/from"),
    ],
)
def test_bad_input_is_422(people, method, path, body, field):
    api = people
    adv = api.post("/api/v1/advocates", json={**ADVOCATE, "code": "adv-x"}).json["id"]
    pro = api.post("/api/v1/prosecutors", json={**PROSECUTOR, "code": "pro-x"}).json["id"]
    kwargs = {"json": body} if body is not None else {}
    response = api.client.open(path.format(adv=adv, pro=pro), method=method.upper(), headers=api.headers("admin"),
                               **kwargs)
    assert response.status_code == 422, response.json
    assert any(e["field"].startswith(field) for e in response.json["errors"]), response.json


@pytest.mark.parametrize(
    ("method", "path", "user"),
    [
        ("get", "/api/v1/advocates/999", "admin"),
        ("patch", "/api/v1/advocates/999", "admin"),
        ("get", "/api/v1/advocates/999/assignments", "admin"),
        ("get", "/api/v1/prosecutors/999", "admin"),
        ("get", "/api/v1/rosters/999", "admin"),
        ("post", "/api/v1/rosters/999/approve", "admin"),
        ("get", "/api/v1/duty-slots?prosecutor=me", "clerk"),  # not linked to a prosecutor
        ("delete", "/api/v1/calendar-token", "prosecutor"),  # no link to revoke
    ],
)
def test_missing_things_are_404(people, method, path, user):
    kwargs = {"json": {}} if method == "patch" else {}
    response = people.client.open(path, method=method.upper(), headers=people.headers(user), **kwargs)
    assert response.status_code == 404, response.json


def test_roster_solved_through_the_api(people):
    api = people
    for n in range(1, 9):
        assert api.post("/api/v1/prosecutors", json={"code": f"p{n}", "full_name": f"P {n}",
                                                     "regions": ["Vidzeme"]}).status_code == 201
    response = api.post("/api/v1/rosters", json={"month": "2027-02", "regions": ["vidzeme"], "time_limit": 5})
    assert response.status_code == 201, response.json
    assert response.json["status"] == "draft" and response.json["duties"] == 56
    assert response.json["settings"]["rules"] == {"min_rest_hours": 12, "max_shifts_per_7_days": 3,
                                                  "max_nights_per_7_days": 2}


def test_seed_demo_is_idempotent(people):
    runner = people.app.test_cli_runner()
    first = runner.invoke(args=["resources", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "60 advocates and 40 prosecutors created" in first.output
    again = runner.invoke(args=["resources", "seed-demo"])
    assert "0 advocates and 0 prosecutors created" in again.output
    advocates = people.get("/api/v1/advocates").json
    assert len(advocates) == 60
    by_territory = {t: sum(t in a["territories"] for a in advocates) for t in
                    ("riga", "kurzeme", "zemgale", "vidzeme", "latgale")}
    assert all(count >= 8 for count in by_territory.values())
    assert 0.1 <= sum(a["juvenile"] for a in advocates) / 60 <= 0.3
    assert {lang for a in advocates for lang in a["languages"]} == {"lv", "ru", "en"}
    assert len(people.get("/api/v1/prosecutors").json) == 40

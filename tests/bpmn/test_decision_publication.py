"""The bundled `decision_publication` process through the API: upload → the tool's proposals → review
by a court employee (accept, reject, add by hand) → approval by a second one → public, anonymised,
searchable; every branch (returned, nothing uploaded, refused uploads) and need-to-know."""

from __future__ import annotations

import io
import uuid

import pytest

TEXT = (
    "Rīgas pilsētas tiesa, tiesnese Anna Kalniņa, prokurors Māris Zariņš.\n"
    "Apsūdzētais Jānis Bērziņš, personas kods 121282-11116, dzīvo Brīvības ielā 5-12, Rīgā, LV-1010.\n"
    "Cietusī Ilze Ozola liecināja, ka Bērziņš viņai draudējis. Ozolai nodarīts kaitējums.\n"
    "Automobilis ar valsts reģistrācijas numuru KA-1234 izņemts. Tiesa nosprieda: Bērziņu atzīt par vainīgu."
)
PLACED = {"clerk_riga_2": ("COURT", "COURT:RIGA"), "clerk_kurzeme": ("COURT", "COURT:KURZEME")}


@pytest.fixture
def court(api, bundle):
    with api.app.app_context():
        for username, (institution, unit) in PLACED.items():
            api.engine().users.create(username, "secret-" + username, ["court_clerk"], institution=institution, unit=unit)
    return api


def upload(api, text: str = TEXT, as_user: str = "clerk_riga", **fields):
    form = {"court": "COURT:RIGA", "case_number": "K30-0123-27", "case_type": "criminal",
            "decision_date": "2027-01-02", **fields}
    data = {**form, "file": (io.BytesIO(text.encode("utf-8")), "spriedums.txt")}
    return api.client.post("/api/v1/decisions", data=data, headers=api.headers(as_user),
                           content_type="multipart/form-data")


def covering(decision: dict, fragment: str) -> list[dict]:
    start = decision["original_text"].index(fragment)
    end = start + len(fragment)
    return [s for s in decision["spans"] if s["start"] < end and start < s["end"] and s["status"] != "rejected"]


def post(api, path: str, as_user: str, body: dict | None = None):
    return api.client.post(path, json=body if body is not None else {}, headers=api.headers(as_user))


def review_all(api, decision: dict, as_user: str, reject: tuple[str, ...] = ()) -> dict:
    rejected = {s["id"] for fragment in reject for s in covering(decision, fragment)}
    for span in decision["spans"]:
        if span["status"] == "proposed":
            response = post(api, f"/api/v1/decisions/{decision['id']}/spans/{span['id']}", as_user,
                            {"accept": span["id"] not in rejected})
            assert response.status_code == 200, response.json
            decision = response.json
    return decision


def test_a_decision_goes_from_upload_to_the_public_list(court):
    api = court
    uploaded = upload(api)
    assert uploaded.status_code == 201, uploaded.json
    decision = uploaded.json
    assert decision["stage"] == "review"
    assert covering(decision, "121282-11116"), "the personal code is proposed"
    assert covering(decision, "Jānis Bērziņš"), "the accused is proposed"
    assert not covering(decision, "Anna Kalniņa"), "a judge in office is kept"

    decision = review_all(api, decision, "clerk_riga", reject=("KA-1234",))
    assert post(api, f"/api/v1/decisions/{decision['id']}/review", "clerk_riga").status_code == 200
    assert api.get(f"/api/v1/decisions/{decision['id']}", as_user="clerk_riga").json["stage"] == "approval"

    refused = post(api, f"/api/v1/decisions/{decision['id']}/approval", "clerk_riga", {"approved": True})
    assert refused.status_code == 403 and "second person" in refused.json["message"]
    approved = post(api, f"/api/v1/decisions/{decision['id']}/approval", "clerk_riga_2", {"approved": True})
    assert approved.status_code == 200, approved.json
    assert approved.json["stage"] == "published"
    assert approved.json["ecli"] == "ECLI:LV:RIGA:2027:0001"

    listed = api.client.get("/api/v1/public/decisions")  # no sign-in
    assert listed.status_code == 200 and listed.json["total"] == 1
    [item] = listed.json["items"]
    text = item["text"]
    assert "121282-11116" not in text and "Bērziņ" not in text and "[personas kods]" in text
    assert "KA-1234" in text, "a rejected proposal stays in the text"
    assert "tiesnese Anna Kalniņa" in text and "Apsūdzētais A," in text
    one = api.client.get(f"/api/v1/public/decisions/{item['ecli']}")
    assert one.status_code == 200 and one.json == item and "original_text" not in one.json

    from engine.models import AuditEvent

    with api.app.app_context():
        reads = api.engine().session().query(AuditEvent).filter_by(
            event="case_read", instance_id=decision["instance_id"]).all()
        assert {r.data["via"] for r in reads} >= {"GET /api/v1/decisions/<int:decision_id>"}
        assert {r.actor for r in reads} >= {"clerk_riga"}
    history = api.get(f"/api/v1/process-instances/{decision['instance_id']}/history").json
    events = [entry["event"] for entry in history]
    assert "decision_span_decided" in events and events.count("task_completed") == 2


def test_a_person_marked_by_hand_is_replaced_in_every_mention(court):
    api = court
    decision = upload(api).json
    for span in covering(decision, "Ilze Ozola") + covering(decision, "Ozolai"):
        decision = post(api, f"/api/v1/decisions/{decision['id']}/spans/{span['id']}", "clerk_riga",
                        {"accept": False}).json
    start = decision["original_text"].index("Ilze Ozola")
    added = post(api, f"/api/v1/decisions/{decision['id']}/spans", "clerk_riga",
                 {"start": start, "end": start + len("Ilze Ozola"), "kind": "PERSON"})
    assert added.status_code == 201, added.json
    by_hand = [s for s in added.json["spans"] if s["status"] == "added"]
    assert len(by_hand) >= 2 and len({s["person"] for s in by_hand}) == 1
    assert "Ozola" not in added.json["preview"] and "Ozolai" not in added.json["preview"]


def test_a_returned_review_comes_back_with_the_comment(court):
    api = court
    decision = review_all(api, upload(api).json, "clerk_riga")
    assert post(api, f"/api/v1/decisions/{decision['id']}/review", "clerk_riga").status_code == 200
    returned = post(api, f"/api/v1/decisions/{decision['id']}/approval", "clerk_riga_2",
                    {"approved": False, "comment": "Atstājiet cietušās vārdu: tā ir amatpersona."})
    assert returned.status_code == 200 and returned.json["stage"] == "review"
    [task] = [t for t in api.ready_tasks(decision["instance_id"], as_user="clerk_riga")
              if t["element_id"] == "review_anonymisation"]
    shown = api.get(f"/api/v1/tasks/{task['id']}", as_user="clerk_riga").json
    assert "Atstājiet cietušās vārdu" in shown["instructions"]
    assert api.client.get("/api/v1/public/decisions").json["total"] == 0


def test_the_review_cannot_finish_with_undecided_proposals(court):
    api = court
    decision = upload(api).json
    refused = post(api, f"/api/v1/decisions/{decision['id']}/review", "clerk_riga")
    assert refused.status_code == 409 and "not decided yet" in refused.json["message"]


@pytest.mark.parametrize("user", ["clerk_kurzeme", "investigator", "advocate_a"])
def test_a_decision_of_another_court_does_not_exist_for_you(court, user):
    api = court
    decision = upload(api).json
    assert api.get(f"/api/v1/decisions/{decision['id']}", as_user=user).status_code == 404
    assert post(api, f"/api/v1/decisions/{decision['id']}/spans/1", user, {"accept": True}).status_code == 404
    assert api.client.get("/api/v1/public/decisions").json["total"] == 0, "nothing unpublished is public"


@pytest.mark.parametrize(("fields", "as_user", "status", "field"), [
    ({"court": "COURT:NOWHERE"}, "clerk_riga", 422, "/court"),
    ({"court": "BAR:RIGA"}, "clerk_riga", 422, "/court"),
    ({"case_type": "divorce"}, "clerk_riga", 422, "/case_type"),
    ({"decision_date": "2099-01-01"}, "clerk_riga", 422, "/decision_date"),
    ({"decision_date": "yesterday"}, "clerk_riga", 422, "/decision_date"),
    ({"case_number": "'; DROP TABLE x"}, "clerk_riga", 422, "/case_number"),
    ({}, "investigator", 403, None),
])
def test_a_refused_upload_leaves_nothing_behind(court, fields, as_user, status, field):
    api = court
    response = upload(api, as_user=as_user, **fields)
    assert response.status_code == status, response.json
    if field:
        assert field in [e["field"] for e in response.json["errors"]]
    from sqlalchemy import func, select

    from webapp.publication.models import CourtDecision

    with api.app.app_context():
        assert api.engine().session().scalar(select(func.count()).select_from(CourtDecision)) == 0


def test_an_upload_without_a_file_is_refused(court):
    response = court.client.post("/api/v1/decisions", data={"court": "COURT:RIGA"},
                                 headers=court.headers("clerk_riga"), content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "/file"


def test_a_case_opened_without_an_upload_ends_with_nothing_to_publish(court):
    api = court
    started = api.start("decision_publication", as_user="clerk_riga", data={"upload_key": str(uuid.uuid4())})
    assert started.status_code == 201, started.json
    assert started.json["status"] == "completed"
    assert api.ready_tasks(started.json["id"], as_user="clerk_riga") == []


def publish(api, text: str, **fields) -> str:
    decision = review_all(api, upload(api, text=text, **fields).json, "clerk_riga")
    assert post(api, f"/api/v1/decisions/{decision['id']}/review", "clerk_riga").status_code == 200
    approved = post(api, f"/api/v1/decisions/{decision['id']}/approval", "clerk_riga_2", {"approved": True})
    assert approved.status_code == 200, approved.json
    return approved.json["ecli"]


def test_the_public_search_filters_by_words_court_type_and_date(court):
    api = court
    first = publish(api, "Tiesa izskatīja lietu par zādzību Rīgā. Apsūdzētais Jānis Bērziņš.")
    second = publish(api, "Civillieta par parāda piedziņu 2500 EUR apmērā.", case_type="civil",
                     decision_date="2026-12-15", case_number="C33-0001-26")
    assert first == "ECLI:LV:RIGA:2027:0001" and second == "ECLI:LV:RIGA:2026:0001"

    def eclis(**query) -> list[str]:
        response = api.client.get("/api/v1/public/decisions", query_string=query)
        assert response.status_code == 200, response.json
        return [item["ecli"] for item in response.json["items"]]

    assert eclis() == [first, second]
    assert eclis(q="ZADZIBU riga") == [first]  # case and diacritics ignored, every word needed
    assert eclis(q="zādzību parāda") == []
    assert eclis(q="%") == [] and eclis(q="_") == []
    assert eclis(q="Bērziņš") == [], "a replaced name is not searchable"
    assert eclis(case_type="civil") == [second]
    assert eclis(**{"from": "2027-01-01"}) == [first] and eclis(to="2026-12-31") == [second]
    assert eclis(court="COURT:KURZEME") == []
    assert api.client.get("/api/v1/public/decisions", query_string={"case_type": "x"}).status_code == 422
    assert api.client.get("/api/v1/public/decisions/ECLI:LV:RIGA:2027:0099").status_code == 404

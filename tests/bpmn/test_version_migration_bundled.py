"""Moving cases of a bundled process (`court_intake`) to an edited copy: a case at registration,
one at the judge's decision (a lane bound to its owner) and one waiting for the legal-aid result
(a message wait with correlation) all move, keep their tasks and waits, and finish on the new
version."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from engine.models import MessageWait, ProcessInstance
from tests.bpmn.conftest import REPO, Case, bundle_files
from tests.bpmn.legal_aid_support import ACCEPT, PAY, advocates, answer, post_message, sent_messages
from tests.bpmn.test_court_intake import DEFENCE, charged_case, to_judge
from tests.support.server import instance_problems

__all__ = ["advocates"]


def edited_court_intake() -> dict[str, bytes]:
    files = {name: content for name, content in bundle_files().items() if name.startswith("court_intake.")}
    text = files["court_intake.bpmn"].decode()
    files["court_intake.bpmn"] = re.sub(r'(<bpmn:userTask id="[^"]+" name=")', r"\1(v2) ", text).encode()
    return files


def test_bundled_cases_move_to_an_edited_copy_and_finish_there(api, app, bundle, advocates):
    entry = json.loads((REPO / "bpmn" / "messages.json").read_text(encoding="utf-8"))["case_to_court"]
    api.declare_message("case_to_court", [*entry["senders"], "@external"], entry["receivers"], entry["payload_schema"])
    cases = []
    for number in ("11816000201", "11816000202", "11816000203"):
        response = post_message(api, "case_to_court", {**charged_case(), "case_number": number})
        assert response.status_code == 200 and response.json["status"] == "delivered", response.json
        cases.append(Case(api, response.json["delivered_to"][0]))
    at_register, at_judge, waiting = cases
    to_judge(at_judge)
    to_judge(waiting)
    waiting.do("consider_defence", DEFENCE, as_user="judge_riga")
    [request] = sent_messages(waiting, "legal_aid_request")
    legal_aid = Case(api, request["delivered_to"][0])

    deployed = api.deploy(edited_court_intake())
    assert deployed.status_code == 201, deployed.json
    [court] = [p for p in deployed.json["processes"] if p["process_id"] == "court_intake"]
    diff = api.get(f"/api/v1/process-definitions/court_intake/versions/{court['version']}/diff", as_user="analyst").json
    assert {e["id"] for e in diff["elements"]["changed"]} == {"register_case", "assign_judge", "consider_defence"}

    body = {"from_version": 1, "to_version": court["version"]}
    dry = api.post("/api/v1/process-definitions/court_intake/migrations", as_user="analyst", json={**body, "dry_run": True})
    assert dry.status_code == 200, dry.json
    assert (dry.json["movable"], dry.json["not_movable"]) == (3, 0), dry.json
    queued = api.post("/api/v1/process-definitions/court_intake/migrations", as_user="analyst", json=body)
    assert queued.status_code == 202, queued.json
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        engine.migrations.run(queued.json["id"], "test")
        for case in cases:
            assert engine.session().get(ProcessInstance, case.id).process_version == court["version"]
            assert instance_problems(engine, case.id) == []
        waits = engine.session().scalars(select(MessageWait).where(MessageWait.instance_id == waiting.id)).all()
        assert [w.name for w in waits] == ["legal_aid_result"]

    assert at_judge.task("consider_defence")["name"].startswith("(v2) ")
    assert at_judge.task("consider_defence")["candidates"] == ["judge_riga"]
    to_judge(at_register)
    for case in (at_register, at_judge):
        case.do("consider_defence", {"defence_needed": False}, as_user="judge_riga")
    legal_aid.do("elder_review", {"elder_decision": "confirm"}, as_user="elder_riga")
    answer(legal_aid, ACCEPT)
    legal_aid.do("decide_state_payment", PAY, as_user="judge_riga")
    for case in cases:
        assert case.instance()["status"] == "completed", case.instance()
        assert case.instance()["version"] == court["version"]
    assert waiting.data["defence_outcome"] == "appointed"

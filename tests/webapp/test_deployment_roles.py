"""A lane must name roles that exist (roles are data): an unknown one refuses the deployment,
naming the lane; a role added by an admin may be named from then on."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import linear_process


@pytest.mark.parametrize("lane", ["Wizard", "Clerk / Wizard"])
def test_a_lane_naming_an_unknown_role_is_refused(api, lane):
    response = api.deploy({"magic.bpmn": linear_process("magic", tasks=1, lane=lane)})
    assert response.status_code == 422, response.json
    messages = [problem["message"] for problem in response.json["errors"]]
    assert any(m.startswith(f"lane {lane!r} names an unknown role: wizard") for m in messages), messages
    assert response.json["errors"][0]["file"] == "magic.bpmn"
    assert "magic" not in {d["process_id"] for d in api.get("/api/v1/process-definitions").json}


def test_a_role_added_by_an_admin_may_be_named(api):
    assert api.deploy({"magic.bpmn": linear_process("magic", tasks=1, lane="Wizard")}).status_code == 422
    added = api.post("/api/v1/roles", json={"code": "wizard", "name_lv": "Burvis", "name_en": "Wizard"})
    assert added.status_code == 201
    assert api.deploy({"magic.bpmn": linear_process("magic", tasks=1, lane="Wizard")}).status_code == 201

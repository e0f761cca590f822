"""Two seizure cases for the register's API, page and CLI tests: one process with a user task
outside any lane (so only its starter and admins take part), started by two police officers of
different units, each registering an item through the API."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.bpmn_builder import linear_process

OFFICERS = {
    "police_riga": (["investigator"], "POLICE", "POLICE:RIGA"),
    "police_kurzeme": (["investigator"], "POLICE", "POLICE:KURZEME"),
    "pros_riga": (["prosecutor"], "PROSECUTION", "PROSECUTION:RIGA"),
}
PHONE = {"kind": "phone", "description": "Melns tālrunis, saplaisājis ekrāns", "owner": "Līga Kalniņa",
         "storage_place": "Rīgas iecirkņa noliktava, plaukts 4"}
KNIFE = {"kind": "weapon", "description": "Virtuves nazis ar koka spalu", "storage_place": "Kuldīgas noliktava"}


@dataclass
class Cases:
    riga: str
    kurzeme: str
    phone: dict
    knife: dict


def seizure_cases(api) -> Cases:
    with api.app.app_context():
        for username, (roles, institution, unit) in OFFICERS.items():
            api.engine().users.create(username, "secret-" + username, roles, institution=institution, unit=unit)
    deployed = api.deploy({"seizure.bpmn": linear_process("seizure", tasks=1, lane=None)})
    assert deployed.status_code == 201, deployed.json
    riga = api.start("seizure", as_user="police_riga", business_key="11816000777").json["id"]
    kurzeme = api.start("seizure", as_user="police_kurzeme", business_key="11816000888").json["id"]
    phone = api.post(f"/api/v1/cases/{riga}/items", as_user="police_riga", json=PHONE)
    knife = api.post(f"/api/v1/cases/{kurzeme}/items", as_user="police_kurzeme", json=KNIFE)
    assert phone.status_code == knife.status_code == 201, (phone.json, knife.json)
    return Cases(riga, kurzeme, phone.json, knife.json)

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

ROOT = Path(__file__).resolve().parents[2]


def test_every_change_leaves_an_audit_row(api, deployed):
    instance_id = api.start("linear").json["id"]
    task = api.ready_tasks(instance_id)[0]
    api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk")
    api.post(f"/api/v1/tasks/{task['id']}/unclaim", as_user="clerk")
    api.post(f"/api/v1/tasks/{task['id']}/assign", json={"username": "clerk2"})
    api.complete(task["id"], {"x": 1}, as_user="clerk2")
    api.post(f"/api/v1/process-instances/{instance_id}/terminate", json={"reason": "test"})
    with api.app.app_context():
        from engine.models import AuditEvent
        from webapp.extensions import db

        rows = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    events = [r.event for r in rows if r.event not in ("user_created", "token_issued")]
    assert events == [
        "deployment", "instance_started", "task_claimed", "task_unclaimed", "task_assigned",
        "task_completed", "instance_terminated",
    ]
    completed = next(r for r in rows if r.event == "task_completed")
    assert completed.actor == "clerk2" and completed.task_id == task["id"] and completed.data["data"] == {"x": 1}


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET actor = 'forger'", "DELETE FROM audit_events"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_rewrite_the_audit_trail(api, deployed, statement):
    with api.app.app_context():
        from webapp.extensions import db

        before = db.session.execute(text("SELECT count(*), min(actor) FROM audit_events")).one()
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
            db.session.commit()
        db.session.rollback()
        after = db.session.execute(text("SELECT count(*), min(actor) FROM audit_events")).one()
    assert before == after and before[0] > 0


def test_no_code_path_updates_or_deletes_audit_rows():
    """The trail is written only through engine.audit.record (an INSERT); the sealer alone sets
    a row's place in the hash chain (the only UPDATE the triggers allow, tested in
    test_audit_chain); nothing else names it."""
    sealer = ROOT / "engine" / "services" / "audit_trail.py"
    source = sealer.read_text()
    assert source.count(".values(") == 2
    assert '.values(chain_seq=bindparam("seq"), chain_hash=bindparam("hash"))' in source
    assert "update(AuditChain).where(AuditChain.id == 1).values(head_seq=AuditChain.head_seq)" in source
    offenders = []
    for path in list((ROOT / "engine").rglob("*.py")) + list((ROOT / "webapp").rglob("*.py")):
        if "migrations" in path.parts or path == sealer:
            continue
        source = path.read_text()
        if re.search(r"(update|delete)\s*\(\s*AuditEvent|(update|delete\s+from)\s+audit_events", source, re.I):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

"""The tamper-evident audit trail (issue 7, item 6): each row carries an HMAC written with it,
the sealer links rows into a hash chain, and `audit verify` names the first row that is not what
was written, whether it was changed, removed or forged."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from engine import audit
from engine.models import AuditChain, AuditEvent
from tests.support.tamper import FORGED_ROW, tamper


def trail(api):
    return api.engine().audit_trail


def rows(api):
    with api.app.app_context():
        from webapp.extensions import db

        found = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        db.session.remove()
        return found


def head(api):
    with api.app.app_context():
        from webapp.extensions import db

        return db.session.scalars(select(AuditChain).execution_options(populate_existing=True)).one()


def seal(api):
    with api.app.app_context():
        return trail(api).seal_all()


def verify(api):
    with api.app.app_context():
        return trail(api).verify()


def cli(api, *args):
    return api.app.test_cli_runner().invoke(args=["audit", *args])


@pytest.fixture
def written(api, deployed):
    """A case run through: deployment, start, claim, completion — a few audit rows."""
    instance_id = api.start("linear").json["id"]
    task = api.ready_tasks(instance_id)[0]
    api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk")
    api.complete(task["id"], {"x": 1, "naïve": "ā"}, as_user="clerk")
    return api


def test_every_row_is_written_with_the_mac_of_its_content(written):
    key = audit.derive_key(written.app.config["LIETA_SETTINGS"].secret_key)
    found = rows(written)
    assert len(found) >= 8 and all(row.chain_hash is None for row in found)
    for row in found:
        content = {c: getattr(row, c) for c in ("at", "actor", "event", "instance_id", "task_id", "deployment_id", "data", "kind")}
        assert row.row_mac == audit.row_mac(key, content), row.id
    assert len({row.row_mac for row in found}) == len(found)


def test_sealing_links_rows_in_id_order_and_moves_the_head(written):
    before = rows(written)
    result = seal(written)
    assert result.sealed == len(before) and result.refused == [] and result.head_seq == len(before)
    sealed = rows(written)
    assert [row.chain_seq for row in sealed] == list(range(1, len(before) + 1))
    assert head(written).head_hash == sealed[-1].chain_hash and head(written).head_seq == len(before)
    report = verify(written)
    assert report.intact and report.sealed == len(before) and report.unsealed == 0
    # New rows are sealed onto the end; nothing sealed is touched again.
    written.post("/api/v1/process-instances", json={"process_id": "linear"})
    assert seal(written).sealed == len(rows(written)) - len(before)
    assert [r.chain_hash for r in rows(written)[: len(before)]] == [r.chain_hash for r in sealed]
    assert verify(written).intact


def test_verify_reports_unsealed_rows_and_cli_exits_0_when_intact(written):
    count = len(rows(written))
    result = cli(written, "verify")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"the audit trail is intact: 0 sealed rows (0 from before row MACs), {count} not yet sealed"
    sealed = cli(written, "seal")
    assert sealed.exit_code == 0 and sealed.output.strip() == f"sealed {count} rows; the chain has {count}"
    assert cli(written, "verify").output.strip() == f"the audit trail is intact: {count} sealed rows (0 from before row MACs), 0 not yet sealed"


def test_a_row_inserted_with_raw_sql_is_refused_by_the_sealer_and_named_by_verify(written, database_url):
    tamper(database_url, FORGED_ROW, keep_triggers=True)
    forged_id = rows(written)[-1].id
    result = seal(written)
    assert result.refused == [(forged_id, "it has no MAC (it was not written by the application)")]
    assert rows(written)[-1].chain_hash is None
    report = verify(written)
    assert report.broken == (forged_id, "it has no MAC (it was not written by the application); it is not sealed")
    checked = cli(written, "verify")
    assert checked.exit_code == 1
    assert checked.output.strip() == (
        f"the audit trail is broken at row {forged_id}: it has no MAC (it was not written by the application); "
        "it is not sealed"
    )
    assert cli(written, "seal").exit_code == 1


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE audit_events SET actor = 'someone-else' WHERE id = {target}",
         "its MAC does not match its content (it was changed after it was written)"),
        ("UPDATE audit_events SET row_mac = (SELECT row_mac FROM audit_events WHERE id = {target} - 1) WHERE id = {target}",
         "its MAC does not match its content (it was changed after it was written)"),
        ("DELETE FROM audit_events WHERE id = {target} - 1",
         "it has chain place {seq} where {expected} was expected (a row before it was removed or renumbered)"),
        ("UPDATE audit_events SET chain_hash = (SELECT chain_hash FROM audit_events WHERE id = {target} - 1) WHERE id = {target}",
         "its chain hash does not follow from the row before it (a row was changed, removed or inserted before it)"),
    ],
    ids=["changed-content", "copied-mac", "deleted-row", "forged-link"],
)
def test_a_sealed_row_rewritten_with_the_triggers_off_is_the_first_broken_row(written, database_url, statement, problem):
    seal(written)
    sealed = rows(written)
    target = sealed[len(sealed) // 2]
    later = sealed[-1]
    tamper(database_url, statement.format(target=target.id),
           f"UPDATE audit_events SET actor = 'also-changed' WHERE id = {later.id}")
    report = verify(written)
    assert report.broken == (target.id, problem.format(seq=target.chain_seq, expected=target.chain_seq - 1))
    result = cli(written, "verify")
    assert result.exit_code == 1 and f"broken at row {target.id}:" in result.output


def test_removing_the_newest_sealed_rows_breaks_the_head(written, database_url):
    seal(written)
    last = rows(written)[-1]
    tamper(database_url, f"DELETE FROM audit_events WHERE id = {last.id}")
    report = verify(written)
    assert report.broken[0] is None and report.broken[1].startswith(f"the head says {last.chain_seq} sealed rows")
    assert "broken at the chain head" in cli(written, "verify").output


def test_a_mac_made_with_another_key_is_refused(written, database_url):
    row = {"at": rows(written)[0].at, "actor": "admin", "event": "user_created", "instance_id": None, "task_id": None,
           "deployment_id": None, "data": None, "kind": "change"}
    wrong = audit.row_mac(audit.derive_key("a guessed secret key"), row)
    tamper(database_url, "INSERT INTO audit_events (at, actor, event, kind, row_mac) "
                         f"VALUES ('{row['at'].strftime('%Y-%m-%d %H:%M:%S.%f')}', 'admin', 'user_created', 'change', '{wrong}')",
           keep_triggers=True)
    forged_id = rows(written)[-1].id
    assert seal(written).refused == [(forged_id, "its MAC does not match its content (it was changed after it was written)")]
    assert verify(written).broken[0] == forged_id


def test_rows_from_before_row_macs_are_sealed_on_their_content(written, database_url):
    tamper(database_url, FORGED_ROW, keep_triggers=True)
    legacy_id = rows(written)[-1].id
    # As if the row had been written before migration 0006 gave rows a MAC.
    tamper(database_url, f"UPDATE audit_chain SET legacy_max_id = {legacy_id}", keep_triggers=True)
    result = seal(written)
    assert result.refused == [] and result.sealed == len(rows(written))
    report = verify(written)
    assert report.intact and report.legacy == 1
    tamper(database_url, f"UPDATE audit_events SET actor = 'rewritten' WHERE id = {legacy_id}")
    assert verify(written).broken[0] == legacy_id


def test_concurrent_sealers_build_one_chain(written, app):
    for n in range(40):
        written.post("/api/v1/process-instances", json={"process_id": "linear", "business_key": f"k-{n}"})
    total = len(rows(written))

    def sealer():
        with app.app_context():
            for _ in range(10):
                trail(written).seal(limit=7)
            from webapp.extensions import db

            db.session.remove()

    with ThreadPoolExecutor(max_workers=3) as pool:
        for future in [pool.submit(sealer) for _ in range(3)]:
            future.result(timeout=120)  # re-raises what a sealer raised
    seal(written)  # whatever the three left over
    found = rows(written)
    assert sorted(row.chain_seq for row in found) == list(range(1, total + 1))
    assert verify(written).intact


def test_the_scheduler_seals_every_poll(written, app):
    from webapp.scheduler import holder_name, run_engine_jobs

    done = run_engine_jobs(app, holder_name())
    assert done["sealed"] == len(rows(written))
    with app.app_context():
        from webapp.extensions import db

        unsealed = db.session.execute(text("SELECT count(*) FROM audit_events WHERE chain_hash IS NULL")).scalar()
        db.session.remove()
    assert unsealed == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET chain_hash = 'ab', chain_seq = 999 WHERE id = {sealed}",
        "UPDATE audit_events SET chain_hash = 'ab', chain_seq = 999, actor = 'x' WHERE id = {unsealed}",
        "UPDATE audit_events SET row_mac = NULL WHERE id = {unsealed}",
    ],
    ids=["reseal", "seal-and-change", "drop-mac"],
)
def test_the_database_allows_only_the_sealers_one_update(written, database_url, statement):
    from sqlalchemy.exc import DatabaseError

    seal(written)
    written.post("/api/v1/process-instances", json={"process_id": "linear"})
    found = rows(written)
    sealed = next(r.id for r in found if r.chain_hash is not None)
    unsealed = next(r.id for r in found if r.chain_hash is None)
    with pytest.raises(DatabaseError, match="append-only"):
        tamper(database_url, statement.format(sealed=sealed, unsealed=unsealed), keep_triggers=True)
    assert [(r.actor, r.row_mac, r.chain_hash) for r in rows(written)] == [(r.actor, r.row_mac, r.chain_hash) for r in found]

"""What an intruder with database access does to the audit trail: switch the append-only
triggers off and rewrite rows, or insert rows with raw SQL. Tests use it to show that
`audit verify` notices."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from webapp.settings import normalise_database_url


def tamper(database_url: str, *statements: str, keep_triggers: bool = False) -> None:
    """Run `statements` on the database with the audit triggers disabled (unless `keep_triggers`)."""
    url = normalise_database_url(database_url)
    bind = create_engine(url)
    try:
        with bind.begin() as conn:
            if not keep_triggers:
                if bind.dialect.name == "postgresql":
                    conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
                else:
                    conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
                    conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
            for statement in statements:
                conn.execute(text(statement))
            if not keep_triggers and bind.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    finally:
        bind.dispose()


FORGED_ROW = (
    "INSERT INTO audit_events (at, actor, event, kind) "
    "VALUES ('2027-01-04 09:00:00', 'admin', 'instance_terminated', 'change')"
)

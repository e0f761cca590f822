"""Trust: roles, institutions and units as data; supervising roles and service-account grants;
sign-in throttling; the audit trail's access rows, row MACs and hash chain

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TERRITORIES = (
    ("RIGA", "Rīga", "Riga"),
    ("KURZEME", "Kurzeme", "Kurzeme"),
    ("ZEMGALE", "Zemgale", "Zemgale"),
    ("VIDZEME", "Vidzeme", "Vidzeme"),
    ("LATGALE", "Latgale", "Latgale"),
)

INSTITUTIONS = (
    ("POLICE", "Valsts policija", "State Police"),
    ("PROSECUTION", "Prokuratūra", "Prosecution Office"),
    ("COURT", "Tiesas", "Courts"),
    ("TA", "Tiesu administrācija", "Court Administration"),
    ("BAR", "Latvijas Zvērinātu advokātu padome", "Latvian Council of Sworn Advocates"),
    ("PROBATION", "Valsts probācijas dienests", "State Probation Service"),
    ("PRISON", "Ieslodzījuma vietu pārvalde", "Latvian Prison Administration"),
    ("FORENSIC", "Valsts tiesu ekspertīžu birojs", "State Forensic Science Bureau"),
    ("PUBLIC", "Sabiedrība", "The public"),
)

UNITS = (
    *[(f"POLICE:{c}", "POLICE", f"Valsts policijas {lv} reģiona pārvalde", f"State Police, {en} region") for c, lv, en in TERRITORIES],
    ("PROSECUTION:GENERAL", "PROSECUTION", "Ģenerālprokuratūra", "Prosecutor General's Office"),
    *[(f"PROSECUTION:{c}", "PROSECUTION", f"{lv} tiesas apgabala prokuratūra", f"{en} judicial region prosecution office") for c, lv, en in TERRITORIES],
    ("COURT:RIGA", "COURT", "Rīgas pilsētas tiesa", "Riga City Court"),
    ("COURT:KURZEME", "COURT", "Kurzemes rajona tiesa", "Kurzeme District Court"),
    ("COURT:ZEMGALE", "COURT", "Zemgales rajona tiesa", "Zemgale District Court"),
    ("COURT:VIDZEME", "COURT", "Vidzemes rajona tiesa", "Vidzeme District Court"),
    ("COURT:LATGALE", "COURT", "Latgales rajona tiesa", "Latgale District Court"),
    ("COURT:RIGA-REGIONAL", "COURT", "Rīgas apgabaltiesa", "Riga Regional Court"),
    ("COURT:SUPREME", "COURT", "Augstākā tiesa", "Supreme Court"),
    ("TA:CENTRAL", "TA", "Tiesu administrācija", "Court Administration"),
    ("TA:LEGAL-AID", "TA", "Juridiskās palīdzības departaments", "Legal Aid Department"),
    ("BAR:COUNCIL", "BAR", "Latvijas Zvērinātu advokātu padome", "Latvian Council of Sworn Advocates"),
    *[(f"BAR:{c}", "BAR", f"Zvērinātu advokātu {lv} tiesu apgabals", f"Sworn advocates, {en} judicial region") for c, lv, en in TERRITORIES],
    *[(f"PROBATION:{c}", "PROBATION", f"Valsts probācijas dienesta {lv} reģiona struktūrvienība", f"State Probation Service, {en} region") for c, lv, en in TERRITORIES],
    ("PRISON:HQ", "PRISON", "Ieslodzījuma vietu pārvalde", "Prison Administration headquarters"),
    ("PRISON:RIGA", "PRISON", "Rīgas Centrālcietums", "Riga Central Prison"),
    ("PRISON:OLAINE", "PRISON", "Olaines cietums", "Olaine Prison"),
    ("PRISON:JELGAVA", "PRISON", "Jelgavas cietums", "Jelgava Prison"),
    ("PRISON:DAUGAVGRIVA", "PRISON", "Daugavgrīvas cietums", "Daugavgrīva Prison"),
    ("PRISON:ILGUCIEMS", "PRISON", "Iļģuciema cietums", "Iļģuciems Prison"),
    ("PRISON:LIEPAJA", "PRISON", "Liepājas cietums", "Liepāja Prison"),
    ("FORENSIC:CENTRAL", "FORENSIC", "Valsts tiesu ekspertīžu birojs", "State Forensic Science Bureau"),
    ("PUBLIC:CITIZENS", "PUBLIC", "Iedzīvotāji", "Citizens"),
)

ROLES = (
    ("admin", None, "Administrators", "Administrator"),
    ("process_analyst", "TA", "Procesu analītiķis", "Process analyst"),
    ("investigator", "POLICE", "Izmeklētājs", "Investigator"),
    ("prosecutor", "PROSECUTION", "Prokurors", "Prosecutor"),
    ("duty_prosecutor", "PROSECUTION", "Dežurprokurors", "Duty prosecutor"),
    ("chief_prosecutor", "PROSECUTION", "Virsprokurors", "Chief prosecutor"),
    ("legal_aid_officer", "TA", "Juridiskās palīdzības speciālists", "Legal aid officer"),
    ("advocate", "BAR", "Zvērināts advokāts", "Sworn advocate"),
    ("elder_of_sworn_advocates", "BAR", "Zvērinātu advokātu vecākais", "Elder of sworn advocates"),
    ("court_clerk", "COURT", "Tiesas kancelejas darbinieks", "Court clerk"),
    ("judge", "COURT", "Tiesnesis", "Judge"),
    ("court_chair", "COURT", "Tiesas priekšsēdētājs", "Court chair"),
    ("probation_officer", "PROBATION", "Probācijas darbinieks", "Probation officer"),
    ("prison_officer", "PRISON", "Ieslodzījuma vietas darbinieks", "Prison officer"),
    ("compensation_officer", "TA", "Kompensāciju speciālists", "Compensation officer"),
    ("clerk", "TA", "Lietvedis", "Clerk"),
    ("citizen", "PUBLIC", "Iedzīvotājs", "Citizen"),
)

# Today's free-text institutions, matched by the first keyword found (Tiesu administrācija before
# "tiesa", so the court administration is not taken for a court).
INSTITUTION_KEYWORDS = (
    ("juridisk", "TA"), ("legal aid", "TA"), ("tiesu administr", "TA"), ("court admin", "TA"),
    ("polic", "POLICE"), ("prokurat", "PROSECUTION"), ("prosecut", "PROSECUTION"),
    ("advok", "BAR"), ("advocat", "BAR"), ("bar", "BAR"), ("probāc", "PROBATION"), ("probac", "PROBATION"),
    ("ieslodz", "PRISON"), ("cietum", "PRISON"), ("prison", "PRISON"), ("ekspert", "FORENSIC"),
    ("forensic", "FORENSIC"), ("tiesa", "COURT"), ("court", "COURT"),
)

AUDIT_GUARD_PG = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The sealer may add a row's place in the hash chain once; nothing else may change.
    IF TG_OP = 'UPDATE' AND OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor, NEW.event, NEW.instance_id, NEW.task_id, NEW.deployment_id,
            NEW.data::text, NEW.kind, NEW.row_mac)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor, OLD.event, OLD.instance_id, OLD.task_id, OLD.deployment_id,
            OLD.data::text, OLD.kind, OLD.row_mac) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$;
"""

AUDIT_GUARD_SQLITE = """
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL
          AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor AND NEW.event IS OLD.event
          AND NEW.instance_id IS OLD.instance_id AND NEW.task_id IS OLD.task_id
          AND NEW.deployment_id IS OLD.deployment_id AND NEW.data IS OLD.data AND NEW.kind IS OLD.kind
          AND NEW.row_mac IS OLD.row_mac)
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is not allowed'); END
"""


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"

    institutions = op.create_table(
        "institutions",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name_lv", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
    )
    units = op.create_table(
        "units",
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("institution_code", sa.String(20), sa.ForeignKey("institutions.code", name="fk_units_institution_code_institutions"), nullable=False, index=True),
        sa.Column("name_lv", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    roles = op.create_table(
        "roles",
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("institution_code", sa.String(20), sa.ForeignKey("institutions.code", name="fk_roles_institution_code_institutions"), nullable=True),
        sa.Column("name_lv", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.bulk_insert(institutions, [{"code": c, "name_lv": lv, "name_en": en} for c, lv, en in INSTITUTIONS])
    op.bulk_insert(units, [{"code": c, "institution_code": i, "name_lv": lv, "name_en": en, "active": True} for c, i, lv, en in UNITS])
    op.bulk_insert(roles, [{"code": c, "institution_code": i, "name_lv": lv, "name_en": en, "active": True} for c, i, lv, en in ROLES])

    with op.batch_alter_table("user_roles") as batch_op:
        batch_op.create_foreign_key("fk_user_roles_role_roles", "roles", ["role"], ["code"])

    # users is referenced by many tables: plain ALTERs, never SQLite's copy-and-rename batch mode.
    op.add_column("users", sa.Column("institution_code", sa.String(20), nullable=True))
    op.add_column("users", sa.Column("unit_code", sa.String(60), nullable=True))
    if postgres:
        op.create_foreign_key("fk_users_institution_code_institutions", "users", "institutions", ["institution_code"], ["code"])
        op.create_foreign_key("fk_users_unit_code_units", "users", "units", ["unit_code"], ["code"])

    audit = sa.table(
        "audit_events", sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String),
        sa.column("event", sa.String), sa.column("data", sa.JSON),
    )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String),
                     sa.column("institution", sa.String), sa.column("institution_code", sa.String))
    unmapped = []
    for user_id, username, text in bind.execute(sa.select(users.c.id, users.c.username, users.c.institution)).all():
        if not (text or "").strip():
            continue
        lowered = text.lower()
        code = next((code for keyword, code in INSTITUTION_KEYWORDS if keyword in lowered), None)
        if code is None:
            unmapped.append({"username": username, "institution": text})
            continue
        bind.execute(users.update().where(users.c.id == user_id).values(institution_code=code))
    if unmapped:
        # Nothing is lost: a free text no code fits stays readable in the audit trail.
        now = datetime.now(UTC)
        now = now if postgres else now.replace(tzinfo=None)
        op.bulk_insert(audit, [{"at": now, "actor": "migration", "event": "institution_unmapped", "data": row} for row in unmapped])
    op.drop_column("users", "institution")
    op.create_index("ix_users_unit_code", "users", ["unit_code"])

    op.create_table(
        "process_supervisors",
        sa.Column("process_id", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(60), sa.ForeignKey("roles.code", name="fk_process_supervisors_role_roles"), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
    )
    op.create_table(
        "service_grants",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_service_grants_user_id_users"), primary_key=True),
        sa.Column("process_id", sa.String(200), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
    )
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=False),
    )

    with op.batch_alter_table("human_tasks") as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(60), nullable=True))

    # audit_events carries triggers: plain ADD COLUMN keeps them (SQLite's batch mode would not).
    op.add_column("audit_events", sa.Column("kind", sa.String(10), nullable=False, server_default="change"))
    op.add_column("audit_events", sa.Column("row_mac", sa.String(64), nullable=True))
    op.add_column("audit_events", sa.Column("chain_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
    op.add_column("audit_events", sa.Column("chain_hash", sa.String(64), nullable=True))
    op.create_index("ix_audit_events_kind_instance", "audit_events", ["kind", "instance_id"])
    op.create_index("ix_audit_events_kind_actor", "audit_events", ["kind", "actor"])
    op.create_index("uq_audit_events_chain_seq", "audit_events", ["chain_seq"], unique=True)
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), primary_key=True),
        # Rows up to here were written before rows carried a MAC; only they may lack one.
        sa.Column("legacy_max_id", sa.BigInteger(), nullable=False),
        sa.Column("head_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
    )
    legacy_max = bind.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM audit_events")).scalar()
    bind.execute(
        sa.text("INSERT INTO audit_chain (id, legacy_max_id, head_seq, head_hash) VALUES (1, :m, 0, :h)"),
        {"m": legacy_max, "h": "0" * 64},
    )
    if postgres:
        op.execute(AUDIT_GUARD_PG)
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute(AUDIT_GUARD_SQLITE)


def downgrade():
    raise NotImplementedError("0006 is not reversible: restore the backup taken before upgrading")

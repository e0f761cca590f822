"""court_territory version 2: ASCII codes (`riga` …) that the processes, messages and unit codes share

Version 1 used the Latvian names as codes (`Rīga`), while the bundled processes, the message
catalogue and the directory's unit codes (`COURT:RIGA`) use `riga`: one list, two spellings. This
version makes `riga` … `latgale` the codes from RECODED_ON; the old codes stay in the version, valid
until then, so a record written earlier still reads. The resource records (advocates, prosecutors,
assignments, duty rosters) are rewritten to the new codes: same territory, new spelling.

Revision ID: 0015
Revises: 0014
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NAME = "court_territory"
CREATED_BY = "migration 0015"
RECODED_ON = date(2026, 12, 1)
# Written out rather than imported, so this migration keeps doing what it did.
RECODED = {"Rīga": "riga", "Kurzeme": "kurzeme", "Zemgale": "zemgale", "Vidzeme": "vidzeme", "Latgale": "latgale"}
# The new entries are named as people say them (what a form's choice list and a calendar show);
# the full names stay on the old entries.
NAMES_EN = {"Rīga": "Riga", "Kurzeme": "Kurzeme", "Zemgale": "Zemgale", "Vidzeme": "Vidzeme", "Latgale": "Latgale"}

classifiers = sa.table("classifiers", sa.column("name", sa.String), sa.column("current_version", sa.Integer))
versions = sa.table(
    "classifier_versions", sa.column("id", sa.Integer), sa.column("classifier", sa.String),
    sa.column("version", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("created_by", sa.String), sa.column("note", sa.String),
)
entries = sa.table(
    "classifier_entries", sa.column("version_id", sa.Integer), sa.column("code", sa.String),
    sa.column("name_lv", sa.String), sa.column("name_en", sa.String), sa.column("valid_from", sa.Date),
    sa.column("valid_to", sa.Date),
)
# (table, column, holds a JSON list) of every resource record naming a territory. A roster's
# `settings` and `unfilled` stay as written: they record the input of that solve.
RESOURCE_COLUMNS = [
    ("advocates", "territories", True),
    ("prosecutors", "regions", True),
    ("advocate_assignments", "territory", False),
    ("duty_slots", "region", False),
    ("advocate_duty_slots", "region", False),
]


def upgrade():
    bind = op.get_bind()
    current = bind.execute(sa.select(classifiers.c.current_version).where(classifiers.c.name == NAME)).scalar_one()
    old_id = bind.execute(sa.select(versions.c.id).where(
        versions.c.classifier == NAME, versions.c.version == current)).scalar_one()
    old = bind.execute(sa.select(entries).where(entries.c.version_id == old_id)).mappings().all()
    new_id = bind.execute(versions.insert().values(
        classifier=NAME, version=current + 1, created_at=datetime.now(UTC), created_by=CREATED_BY,
        note="ASCII codes riga … latgale from 2026-12-01; the name-codes stay readable for earlier dates",
    ).returning(versions.c.id)).scalar_one()
    rows = []
    for entry in old:
        recoded = RECODED.get(entry["code"])
        if recoded is None:  # a territory added after version 1 keeps its code
            rows.append({**entry, "version_id": new_id})
            continue
        rows.append({**entry, "version_id": new_id, "valid_to": RECODED_ON})
        rows.append({**entry, "version_id": new_id, "code": recoded, "name_lv": entry["code"],
                     "name_en": NAMES_EN[entry["code"]], "valid_from": RECODED_ON})
    bind.execute(entries.insert(), rows)
    bind.execute(classifiers.update().where(classifiers.c.name == NAME).values(current_version=current + 1))
    _rewrite_resources(bind, RECODED)


def downgrade():
    bind = op.get_bind()
    current = bind.execute(sa.select(classifiers.c.current_version).where(classifiers.c.name == NAME)).scalar_one()
    new_id = bind.execute(sa.select(versions.c.id).where(
        versions.c.classifier == NAME, versions.c.version == current)).scalar_one()
    bind.execute(entries.delete().where(entries.c.version_id == new_id))
    bind.execute(versions.delete().where(versions.c.id == new_id))
    bind.execute(classifiers.update().where(classifiers.c.name == NAME).values(current_version=current - 1))
    _rewrite_resources(bind, {code: name for name, code in RECODED.items()})


def _rewrite_resources(bind, mapping: dict[str, str]) -> None:
    for table_name, column_name, is_list in RESOURCE_COLUMNS:
        table = sa.table(table_name, sa.column("id"), sa.column(column_name, sa.JSON if is_list else sa.String))
        column = table.c[column_name]
        for row_id, value in bind.execute(sa.select(table.c.id, column)).all():
            recoded = sorted(mapping.get(v, v) for v in value) if is_list else mapping.get(value, value)
            if recoded != value:
                bind.execute(table.update().where(table.c.id == row_id).values({column_name: recoded}))

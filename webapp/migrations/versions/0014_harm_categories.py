"""The harm_category classifier: the kinds of harm the state compensation process decides on

Revision ID: 0014
Revises: 0013
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NAME = "harm_category"
CREATED_BY = "migration 0014"
# The codes are the values bpmn/compensation_amount.dmn (decision harm_share) and the eligibility
# script of bpmn/state_compensation_claim.bpmn test; "other" is a harm the law does not compensate.
# Written out here rather than imported, so that this migration keeps writing version 1 as it was.
ENTRIES = [
    ("death", "Nāve", "Death"),
    ("serious_bodily_injury", "Smagi miesas bojājumi", "Serious bodily injury"),
    ("rape_or_sexual_violence", "Izvarošana vai seksuāla vardarbība", "Rape or sexual violence"),
    ("trafficking", "Cilvēku tirdzniecība", "Trafficking in human beings"),
    ("moderate_bodily_injury", "Vidēja smaguma miesas bojājumi", "Moderate bodily injury"),
    ("sexual_integrity", "Noziegums pret dzimumneaizskaramību", "Offence against sexual integrity"),
    ("infection", "Inficēšana ar HIV vai B vai C hepatītu", "Infection with HIV or hepatitis B or C"),
    ("other", "Cits kaitējums", "Other harm"),
]

classifiers = sa.table(
    "classifiers", sa.column("name", sa.String), sa.column("title_lv", sa.String), sa.column("title_en", sa.String),
    sa.column("source", sa.String), sa.column("verified", sa.Boolean), sa.column("public", sa.Boolean),
    sa.column("current_version", sa.Integer),
)
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


def upgrade():
    bind = op.get_bind()
    bind.execute(classifiers.insert().values(
        name=NAME, title_lv="Kaitējuma veidi", title_en="Categories of harm", public=True, verified=False,
        current_version=1,
        source="Valsts kompensācijas cietušajiem likums (Law on State Compensation to Victims): the kinds of harm"
               " the state compensation process decides on (bpmn/compensation_amount.dmn); not yet checked"
               " against the consolidated text on likumi.lv",
    ))
    version_id = bind.execute(versions.insert().values(
        classifier=NAME, version=1, created_at=datetime.now(UTC), created_by=CREATED_BY, note="starter list",
    ).returning(versions.c.id)).scalar_one()
    bind.execute(entries.insert(), [
        {"version_id": version_id, "code": code, "name_lv": name_lv, "name_en": name_en, "valid_from": None,
         "valid_to": None}
        for code, name_lv, name_en in ENTRIES
    ])


def downgrade():
    bind = op.get_bind()
    ids = sa.select(versions.c.id).where(versions.c.classifier == NAME)
    bind.execute(entries.delete().where(entries.c.version_id.in_(ids)))
    bind.execute(versions.delete().where(versions.c.classifier == NAME))
    bind.execute(classifiers.delete().where(classifiers.c.name == NAME))

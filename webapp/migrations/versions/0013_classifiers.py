"""Shared classifiers: versioned code lists, and version 1 of the starter lists

Revision ID: 0013
Revises: 0012
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    classifiers = op.create_table(
        "classifiers",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("title_lv", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_classifiers")),
    )
    versions = op.create_table(
        "classifier_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("classifier", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["classifier"], ["classifiers.name"],
                                name=op.f("fk_classifier_versions_classifier_classifiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_versions")),
        sa.UniqueConstraint("classifier", "version", name=op.f("uq_classifier_versions_classifier")),
    )
    op.create_index(op.f("ix_classifier_versions_classifier"), "classifier_versions", ["classifier"])
    entries = op.create_table(
        "classifier_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name_lv", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["version_id"], ["classifier_versions.id"],
                                name=op.f("fk_classifier_entries_version_id_classifier_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_entries")),
    )
    op.create_index(op.f("ix_classifier_entries_version_id"), "classifier_entries", ["version_id"])
    _seed(classifiers, versions, entries)


def _seed(classifiers, versions, entries):
    from engine.classifier_seed import STARTER_LISTS_CREATED_BY, starter_lists

    now = datetime.now(timezone.utc)
    bind = op.get_bind()
    for listing in starter_lists():
        bind.execute(classifiers.insert().values(
            name=listing["name"], title_lv=listing["title_lv"], title_en=listing["title_en"],
            source=listing["source"], verified=listing["verified"], public=listing["public"], current_version=1,
        ))
        version_id = bind.execute(versions.insert().values(
            classifier=listing["name"], version=1, created_at=now, created_by=STARTER_LISTS_CREATED_BY,
            note="starter list",
        ).returning(versions.c.id)).scalar_one()
        bind.execute(entries.insert(), [
            {"version_id": version_id, "code": entry["code"], "name_lv": entry["name_lv"],
             "name_en": entry["name_en"], "valid_from": None, "valid_to": None}
            for entry in listing["entries"]
        ])


def downgrade():
    op.drop_index(op.f("ix_classifier_entries_version_id"), table_name="classifier_entries")
    op.drop_table("classifier_entries")
    op.drop_index(op.f("ix_classifier_versions_classifier"), table_name="classifier_versions")
    op.drop_table("classifier_versions")
    op.drop_table("classifiers")

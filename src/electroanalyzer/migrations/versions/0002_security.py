"""Security events and incidents.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from electroanalyzer.core.database import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_incidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("detection_count", sa.Integer(), nullable=False),
        sa.Column("containment_actions", sa.JSON(), nullable=False),
        sa.Column("contained_until", UtcDateTime(), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_incidents")),
    )
    for column in ("opened_at", "kind", "status", "client_hash", "user_id"):
        op.create_index(op.f(f"ix_security_incidents_{column}"), "security_incidents", [column])

    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("client_hash", sa.String(64), nullable=True),
        sa.Column("subject_hash", sa.String(64), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("pattern_id", sa.String(64), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["security_incidents.id"],
            name=op.f("fk_security_events_incident_id_security_incidents"),
            ondelete="SET NULL",
        ),
    )
    for column in ("occurred_at", "user_id", "client_hash", "incident_id"):
        op.create_index(op.f(f"ix_security_events_{column}"), "security_events", [column])
    op.create_index("ix_security_events_kind_time", "security_events", ["kind", "occurred_at"])


def downgrade() -> None:
    op.drop_table("security_events")
    op.drop_table("security_incidents")

"""Policy changes made through the admin API, applied over `security_policies.yaml`."""

from datetime import datetime

from sqlalchemy import JSON, Integer
from sqlalchemy.orm import Mapped, mapped_column

from electroanalyzer.core.database import Base, UtcDateTime, utcnow


class PolicyOverride(Base):
    __tablename__ = "policy_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    values: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

"""Custom rubrics added by administrators (rule text only; never PHI)."""

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from electroanalyzer.core.database import Base, UtcDateTime, utcnow


class CustomRubric(Base):
    __tablename__ = "custom_rubrics"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rubric_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    discipline: Mapped[str | None] = mapped_column(String(8), nullable=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

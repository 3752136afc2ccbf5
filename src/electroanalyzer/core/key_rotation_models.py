"""Progress of `keys rotate`, so an interrupted run resumes where it stopped."""

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from electroanalyzer.core.database import Base, UtcDateTime, utcnow


class KeyRotation(Base):
    __tablename__ = "key_rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_key_id: Mapped[str] = mapped_column(String(16))
    file_key_id: Mapped[str] = mapped_column(String(16))
    progress: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

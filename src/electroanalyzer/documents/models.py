"""Uploaded originals: metadata here, content encrypted in the file vault."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from electroanalyzer.core.crypto import EncryptedText
from electroanalyzer.core.database import Base, UtcDateTime, utcnow


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(EncryptedText)
    format: Mapped[str] = mapped_column(String(8))
    byte_size: Mapped[int] = mapped_column(Integer)
    vault_name: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

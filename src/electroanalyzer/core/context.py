"""Everything a service function needs, built once per app (or per CLI command) from the settings."""

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from electroanalyzer.core.clock import Clock
from electroanalyzer.core.crypto import FieldKeyRing, FileVault, register_key_ring
from electroanalyzer.core.database import create_engine_for, session_factory
from electroanalyzer.core.keys import derive_key
from electroanalyzer.core.settings import Settings


@dataclass
class ServerContext:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    key_ring: FieldKeyRing
    vault: FileVault
    clock: Clock = field(default_factory=Clock)

    @property
    def jwt_key(self) -> bytes:
        return derive_key(self.settings, "jwt")

    @property
    def audit_key(self) -> bytes:
        return derive_key(self.settings, "audit")

    @property
    def lookup_key(self) -> bytes:
        return derive_key(self.settings, "lookup")


def build_context(settings: Settings, *, engine: Engine | None = None) -> ServerContext:
    engine = engine or create_engine_for(settings)
    key_ring = FieldKeyRing(settings.key_list("DATABASE_ENCRYPTION_KEY"))
    register_key_ring(engine, key_ring)
    settings.vault_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    vault = FileVault(settings.vault_dir, settings.key_list("FILE_ENCRYPTION_KEY"))
    return ServerContext(settings, engine, session_factory(settings, engine), key_ring, vault)

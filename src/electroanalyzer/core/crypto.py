"""Encryption at rest: a Fernet key ring for database fields and an AES-256-GCM vault for files.

Both take their keys newest first from a comma-separated variable, so `keys rotate` can put a new key
in front while older keys still decrypt until every record has been re-encrypted.
"""

import base64
import hashlib
import os
import secrets
import weakref
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, Text
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.types import TypeDecorator

VAULT_MAGIC = b"EAV1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12  # 96-bit nonce, fresh from os.urandom for every file (NIST SP 800-38D)


class DecryptionError(Exception):
    """A ciphertext could not be decrypted with any key in the ring."""


def key_id(key: str) -> str:
    """Return a short public id of a key: the first 8 bytes of its SHA-256, in hex."""
    return hashlib.sha256(key.encode("ascii")).digest()[:KEY_ID_BYTES].hex()


class FieldKeyRing:
    """Fernet keys for database fields; the first key encrypts, every key decrypts."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("the key ring needs at least one key")
        self.keys = list(keys)
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])
        self._current = Fernet(keys[0].encode("ascii"))

    @property
    def current_key_id(self) -> str:
        return key_id(self.keys[0])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise DecryptionError(
                "field does not decrypt with any configured DATABASE_ENCRYPTION_KEY"
            ) from None

    def is_current(self, token: str) -> bool:
        try:
            self._current.decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the current key (MultiFernet.rotate)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise DecryptionError(
                "field does not decrypt with any configured DATABASE_ENCRYPTION_KEY"
            ) from None


class FileVault:
    """AES-256-GCM files under generated names; the file id is the associated data.

    Layout of a stored file: magic (4 bytes), key id (8), nonce (12), ciphertext with the 16-byte tag.
    Writes go to a temporary name holding ciphertext only and are renamed into place, so a crash never
    leaves a half-written file under the real name.
    """

    def __init__(self, folder: Path, keys: list[str]) -> None:
        if not keys:
            raise ValueError("the vault needs at least one key")
        self.folder = folder
        self._keys = {bytes.fromhex(key_id(key)): AESGCM(base64.urlsafe_b64decode(key)) for key in keys}
        self._current_id = bytes.fromhex(key_id(keys[0]))

    @property
    def current_key_id(self) -> str:
        return self._current_id.hex()

    def path_for(self, name: str) -> Path:
        if not name.isalnum():
            raise ValueError("vault names are generated hex strings")
        return self.folder / name[:2] / name

    @staticmethod
    def new_name() -> str:
        return secrets.token_hex(16)

    def _associated_data(self, file_id: str, key_identifier: bytes) -> bytes:
        return VAULT_MAGIC + key_identifier + file_id.encode("utf-8")

    def seal(self, file_id: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        aead = self._keys[self._current_id]
        ciphertext = aead.encrypt(nonce, plaintext, self._associated_data(file_id, self._current_id))
        return VAULT_MAGIC + self._current_id + nonce + ciphertext

    def open_sealed(self, file_id: str, blob: bytes) -> bytes:
        header = len(VAULT_MAGIC) + KEY_ID_BYTES + NONCE_BYTES
        if len(blob) < header + 16 or not blob.startswith(VAULT_MAGIC):
            raise DecryptionError("stored file is not a vault file")
        identifier = blob[len(VAULT_MAGIC) : len(VAULT_MAGIC) + KEY_ID_BYTES]
        nonce = blob[len(VAULT_MAGIC) + KEY_ID_BYTES : header]
        aead = self._keys.get(identifier)
        if aead is None:
            raise DecryptionError("stored file uses a key that is not in FILE_ENCRYPTION_KEY")
        try:
            return aead.decrypt(nonce, blob[header:], self._associated_data(file_id, identifier))
        except InvalidTag:
            raise DecryptionError(
                "stored file failed authentication (edited, or the wrong file id)"
            ) from None

    def store(self, name: str, file_id: str, plaintext: bytes) -> None:
        self._write_atomic(self.path_for(name), self.seal(file_id, plaintext))

    def load(self, name: str, file_id: str) -> bytes:
        return self.open_sealed(file_id, self.path_for(name).read_bytes())

    def delete(self, name: str) -> None:
        self.path_for(name).unlink(missing_ok=True)

    def stored_key_id(self, name: str) -> str:
        with self.path_for(name).open("rb") as handle:
            return handle.read(len(VAULT_MAGIC) + KEY_ID_BYTES)[len(VAULT_MAGIC) :].hex()

    def rotate_file(self, name: str, file_id: str) -> bool:
        """Re-encrypt one file under the current key; return False when it already uses it."""
        path = self.path_for(name)
        if not path.exists() or self.stored_key_id(name) == self.current_key_id:
            return False
        self._write_atomic(path, self.seal(file_id, self.load(name, file_id)))
        return True

    def _write_atomic(self, path: Path, blob: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)


# Each engine has its own dialect object, so the field type finds the ring of the database it writes to.
_rings: "weakref.WeakKeyDictionary[Dialect, FieldKeyRing]" = weakref.WeakKeyDictionary()


def register_key_ring(engine: Engine, ring: FieldKeyRing) -> None:
    _rings[engine.dialect] = ring


def ring_for(dialect: Dialect) -> FieldKeyRing:
    ring = _rings.get(dialect)
    if ring is None:
        raise RuntimeError("no key ring registered for this engine; call register_key_ring(engine, ring)")
    return ring


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token under the engine's key ring."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return ring_for(dialect).encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return ring_for(dialect).decrypt(str(value))

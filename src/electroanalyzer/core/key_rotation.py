"""`keys rotate`: put new keys in front of both key rings, re-encrypt every field and file in batches,
then retire the old keys.

Crash safety: the .env first gets "new,old" rings, so every record decrypts at every moment whether it was
re-encrypted yet or not. Progress (last primary key per table, last document id for files) is committed
with each batch, and each file is replaced atomically, so a rerun resumes where the last run stopped.
The old keys are dropped from .env only after every record uses the new ones.
"""

import base64
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from electroanalyzer.core.context import ServerContext, build_context
from electroanalyzer.core.crypto import key_id
from electroanalyzer.core.key_rotation_models import KeyRotation
from electroanalyzer.core.settings import load_settings

# Every encrypted column: (table, primary key, encrypted columns).
ENCRYPTED_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("users", "id", ("mfa_secret",)),
    ("documents", "id", ("file_name",)),
    ("analyses", "id", ("result_json",)),
)
RING_VARIABLES = ("DATABASE_ENCRYPTION_KEY", "FILE_ENCRYPTION_KEY")


class KeyRotationError(RuntimeError):
    """Rotation cannot start; the message explains why and what to do."""


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _env_and_file_values(env_file: Path) -> dict[str, str]:
    import os

    from electroanalyzer.commands.server import read_env_file

    in_environment = [name for name in RING_VARIABLES if os.environ.get(name)]
    if in_environment:
        raise KeyRotationError(
            f"{', '.join(in_environment)} come from the process environment, which this command "
            f"cannot change; move them into {env_file} and rerun"
        )
    values = read_env_file(env_file)
    missing = [name for name in RING_VARIABLES if not values.get(name)]
    if missing:
        raise KeyRotationError(
            f"{env_file} lacks {', '.join(missing)}; run `electroanalyzer keys generate` first"
        )
    return values


def _unfinished(ctx: ServerContext) -> KeyRotation | None:
    with ctx.session_factory() as db:
        return db.scalars(
            sa.select(KeyRotation).where(KeyRotation.finished_at.is_(None)).order_by(KeyRotation.id.desc())
        ).first()


def _context_for(values: dict[str, str]) -> ServerContext:
    return build_context(
        load_settings(**{name: values[name] for name in (*RING_VARIABLES, "SECRET_KEY") if name in values})
    )


def _rotate_fields(
    ctx: ServerContext, rotation_id: int, batch_size: int, pause: float, echo: Callable[[str], Any]
) -> int:
    rotated = 0
    for table_name, key_column, columns in ENCRYPTED_COLUMNS:
        table = sa.table(table_name, sa.column(key_column), *(sa.column(name, sa.Text()) for name in columns))
        while True:
            with ctx.session_factory() as db, db.begin():
                rotation = db.get(KeyRotation, rotation_id)
                assert rotation is not None
                progress = dict(rotation.progress or {})
                last = progress.get(table_name)
                query = sa.select(table).order_by(table.c[key_column]).limit(batch_size)
                if last is not None:
                    query = query.where(table.c[key_column] > last)
                rows = db.execute(query).all()
                if not rows:
                    break
                for row in rows:
                    updates = {
                        name: ctx.key_ring.rotate(value)
                        for name, value in zip(columns, row[1:], strict=True)
                        if value is not None and not ctx.key_ring.is_current(value)
                    }
                    if updates:
                        db.execute(sa.update(table).where(table.c[key_column] == row[0]).values(**updates))
                        rotated += 1
                progress[table_name] = rows[-1][0]
                rotation.progress = progress
            echo(f"{table_name}: re-encrypted up to {rows[-1][0]}")
            time.sleep(pause)
    return rotated


def _rotate_files(
    ctx: ServerContext, rotation_id: int, batch_size: int, pause: float, echo: Callable[[str], Any]
) -> int:
    rotated = 0
    documents = sa.table("documents", sa.column("id"), sa.column("vault_name"))
    while True:
        with ctx.session_factory() as db, db.begin():
            rotation = db.get(KeyRotation, rotation_id)
            assert rotation is not None
            progress = dict(rotation.progress or {})
            query = (
                sa.select(documents.c.id, documents.c.vault_name)
                .where(documents.c.vault_name.is_not(None))
                .order_by(documents.c.id)
                .limit(batch_size)
            )
            if progress.get("files") is not None:
                query = query.where(documents.c.id > progress["files"])
            rows = db.execute(query).all()
            if not rows:
                break
            for document_id, vault_name in rows:
                if ctx.vault.rotate_file(vault_name, document_id):
                    rotated += 1
            progress["files"] = rows[-1][0]
            rotation.progress = progress
        echo(f"files: re-encrypted up to document {rows[-1][0]}")
        time.sleep(pause)
    return rotated


def rotate_keys(
    env_file: Path, *, batch_size: int = 200, pause_seconds: float = 0.0, echo: Callable[[str], Any] = print
) -> dict[str, Any]:
    """Run or resume a rotation; return a summary with the new key ids and the counts re-encrypted."""
    from electroanalyzer.audit import service as audit
    from electroanalyzer.auth.service import signal
    from electroanalyzer.commands.server import write_env_file

    values = _env_and_file_values(env_file)
    ctx = _context_for(values)
    rotation = _unfinished(ctx)
    rings = {name: [key.strip() for key in values[name].split(",") if key.strip()] for name in RING_VARIABLES}
    field_id, file_id = key_id(rings["DATABASE_ENCRYPTION_KEY"][0]), key_id(rings["FILE_ENCRYPTION_KEY"][0])
    resuming = rotation is not None and (rotation.field_key_id, rotation.file_key_id) == (field_id, file_id)
    if not resuming:
        if rotation is not None:  # crashed before .env got its keys: that rotation never started
            with ctx.session_factory() as db, db.begin():
                stale = db.get(KeyRotation, rotation.id)
                assert stale is not None
                stale.finished_at = ctx.clock.now()
                stale.progress = {**(stale.progress or {}), "abandoned": True}
        rings = {name: [_new_key(), *keys] for name, keys in rings.items()}
        write_env_file(env_file, {name: ",".join(keys) for name, keys in rings.items()})
        values.update({name: ",".join(keys) for name, keys in rings.items()})
        ctx = _context_for(values)
        field_id, file_id = ctx.key_ring.current_key_id, ctx.vault.current_key_id
        with ctx.session_factory() as db, db.begin():
            rotation = KeyRotation(
                field_key_id=field_id, file_key_id=file_id, progress={}, started_at=ctx.clock.now()
            )
            db.add(rotation)
        audit.record(ctx, "key:rotate", "started", details={"field_key_id": field_id, "file_key_id": file_id})
        echo(f"New keys {field_id} (fields) and {file_id} (files) added to {env_file}.")
    else:
        echo(f"Resuming rotation {rotation.id if rotation else ''} to keys {field_id} and {file_id}.")
    assert rotation is not None

    fields = _rotate_fields(ctx, rotation.id, batch_size, pause_seconds, echo)
    files = _rotate_files(ctx, rotation.id, batch_size, pause_seconds, echo)
    with ctx.session_factory() as db, db.begin():
        finished = db.get(KeyRotation, rotation.id)
        assert finished is not None
        finished.finished_at = ctx.clock.now()
    write_env_file(env_file, {name: keys[0] for name, keys in rings.items()})
    audit.record(
        ctx,
        "key:rotate",
        details={
            "field_key_id": field_id,
            "file_key_id": file_id,
            "fields_reencrypted": fields,
            "files_reencrypted": files,
        },
    )
    signal("key:rotated", "success", field_key_id=field_id, file_key_id=file_id)
    return {
        "field_key_id": field_id,
        "file_key_id": file_id,
        "records": fields,
        "files": files,
        "resumed": resuming,
    }

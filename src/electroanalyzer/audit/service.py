"""Append to and verify the HMAC-chained audit trail.

Each entry's MAC is HMAC-SHA256(audit key, previous MAC || canonical JSON of the entry including its id),
so editing, removing or reordering entries breaks the chain at that point. `audit_head` holds the newest
id and MAC, so removing entries from the end is detected too. Appends are serialised by updating the head
row first: that takes SQLite's write lock and a row lock on PostgreSQL until the commit.
Entries hold ids and codes only, never PHI. Nothing in the product deletes audit entries.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from electroanalyzer.audit.models import AuditEntry, AuditHead
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.request_id import current_request_id

logger = logging.getLogger(__name__)
GENESIS_MAC = "0" * 64
DetailValue = str | int | float | bool | None


def canonical_entry(entry: AuditEntry) -> bytes:
    body = {
        "id": entry.id,
        "occurred_at": entry.occurred_at.isoformat(),
        "action": entry.action,
        "outcome": entry.outcome,
        "actor_id": entry.actor_id,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "request_id": entry.request_id,
        "details": entry.details,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def compute_mac(key: bytes, prev_mac: str, entry: AuditEntry) -> str:
    return hmac.new(key, prev_mac.encode("ascii") + canonical_entry(entry), hashlib.sha256).hexdigest()


def record(
    ctx: ServerContext,
    action: str,
    outcome: str = "success",
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    details: dict[str, DetailValue] | None = None,
) -> int:
    """Append one entry in its own transaction (so it survives the caller's rollback); return its id."""
    with ctx.session_factory() as db, db.begin():
        db.execute(update(AuditHead).where(AuditHead.id == 1).values(id=1))
        head = db.get(AuditHead, 1)
        if head is None:
            head = AuditHead(id=1, last_entry_id=0, last_mac=GENESIS_MAC)
            db.add(head)
            db.flush()
        entry = AuditEntry(
            id=head.last_entry_id + 1,
            occurred_at=ctx.clock.now(),
            action=action,
            outcome=outcome,
            actor_id=actor_id,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            request_id=current_request_id(),
            details=dict(details or {}),
            prev_mac=head.last_mac,
            mac="",
        )
        entry.mac = compute_mac(ctx.audit_key, head.last_mac, entry)
        db.add(entry)
        head.last_entry_id = entry.id
        head.last_mac = entry.mac
    logger.info("audit_recorded", extra={"audit_id": entry.id, "action": action, "outcome": outcome})
    return entry.id


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None


def _entries(ctx: ServerContext, batch: int = 1000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        with ctx.session_factory() as db:
            rows = list(
                db.scalars(
                    select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
                )
            )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def verify_chain(ctx: ServerContext) -> ChainReport:
    """Walk the chain in id order and report the first entry that was edited, removed or reordered."""
    expected_prev = GENESIS_MAC
    expected_id = 1
    checked = 0
    for entry in _entries(ctx):
        if entry.id != expected_id:
            return ChainReport(False, checked, expected_id, f"entry {expected_id} is missing (removed)")
        if entry.prev_mac != expected_prev:
            return ChainReport(
                False, checked, entry.id, "entry does not follow its predecessor (removed or reordered)"
            )
        if not hmac.compare_digest(entry.mac, compute_mac(ctx.audit_key, expected_prev, entry)):
            return ChainReport(False, checked, entry.id, "entry content does not match its MAC (edited)")
        expected_prev = entry.mac
        expected_id += 1
        checked += 1
    with ctx.session_factory() as db:
        head = db.get(AuditHead, 1)
    head_id, head_mac = (head.last_entry_id, head.last_mac) if head else (0, GENESIS_MAC)
    if head_id != checked or head_mac != expected_prev:
        return ChainReport(False, checked, checked + 1, "entries after the last one found were removed")
    return ChainReport(True, checked)


def export_entries(
    ctx: ServerContext, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, object]]:
    for entry in _entries(ctx):
        if (since and entry.occurred_at < since) or (until and entry.occurred_at >= until):
            continue
        yield {
            "id": entry.id,
            "occurred_at": entry.occurred_at.isoformat(),
            "action": entry.action,
            "outcome": entry.outcome,
            "actor_id": entry.actor_id,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "request_id": entry.request_id,
            "details": entry.details,
            "prev_mac": entry.prev_mac,
            "mac": entry.mac,
        }

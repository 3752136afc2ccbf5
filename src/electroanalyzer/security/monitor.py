"""Security monitoring: queue events from the layers and signals, store them, run rules, open incidents.

The middleware runs on the event loop, so it only enqueues; one writer thread per app
stores the events, evaluates the behaviour rules and opens or contains incidents.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from electroanalyzer.core import signals

from .blocklist import ClientBlocklist
from .config import SecurityConfig
from .containment import end_sessions, lock_account
from .events import SIGNAL_SEVERITY, EventRecord, Hasher, safe_attributes
from .incidents import ContainmentActions, open_or_update, opens_incident
from .models import SecurityEvent
from .rules import evaluate
from .threats import Detection

logger = logging.getLogger(__name__)

QUEUE_SIZE = 10_000
REJECTION_REPEAT_SECONDS = 60.0


class SecurityMonitor:
    """Receives detections, rejections and signals for one application."""

    def __init__(self, app: Any, config: SecurityConfig, blocklist: ClientBlocklist) -> None:
        self.app = app
        self.config = config
        self.blocklist = blocklist
        self.hash = Hasher(config.secret_key)
        self.queue: queue.Queue[EventRecord | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self._thread: threading.Thread | None = None
        self._recent_rejections: dict[tuple[str, str, str], float] = {}
        self._dropped = 0
        self._pending_account_actions: list[tuple[str, int]] = []
        self.actions = ContainmentActions(
            block_client=blocklist.block,
            lock_account=lambda user_id: self._defer("lock", user_id),
            end_sessions=lambda user_id: int(self._defer("end", user_id)),
        )

    # Sources -------------------------------------------------------------------------------

    def on_detection(self, detection: Detection, client: str, path: str) -> None:
        outcome = "blocked" if detection.action == "block" else "detected"
        self.enqueue(
            EventRecord(
                kind=detection.kind,
                outcome=outcome,
                severity=detection.severity,
                source="middleware",
                client=client,
                pattern_id=detection.pattern_id,
                attributes={"target": detection.target},
            )
        )

    def on_rejection(self, kind: str, client: str, account: str | None, path: str) -> None:
        # A flood of rejections is stored once per client, kind and path per minute.
        key = (kind, client, path[:100])
        now = time.monotonic()
        last = self._recent_rejections.get(key)
        if last is not None and now - last < REJECTION_REPEAT_SECONDS:
            return
        if len(self._recent_rejections) > QUEUE_SIZE:
            self._recent_rejections.clear()
        self._recent_rejections[key] = now
        self.enqueue(
            EventRecord(
                kind=kind,
                outcome="blocked",
                severity="low",
                source="middleware",
                client=client,
                subject=account,
            )
        )

    def on_signal(self, signal: signals.SecuritySignal) -> None:
        attributes = dict(signal.attributes)
        # The auth service may send the user name, or its keyed digest as "account"; either is hashed here.
        username = attributes.pop("username", None) or attributes.pop("account", None)
        self.enqueue(
            EventRecord(
                kind=signal.kind[:64],
                outcome=signal.outcome[:16],
                severity=SIGNAL_SEVERITY.get(signal.kind, "info"),
                source="signal",
                user_id=signal.user_id,
                client=signal.client_address,
                subject=str(username).casefold() if username else None,
                request_id=signal.request_id,
                attributes=safe_attributes(attributes),
                occurred_at=signal.occurred_at,
            )
        )

    # Queue and writer ----------------------------------------------------------------------

    def enqueue(self, record: EventRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self._dropped += 1
            if self._dropped % 1000 == 1:
                logger.error("security_event_queue_full", extra={"dropped": self._dropped})

    def start(self) -> None:
        signals.subscribe(self.on_signal)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="security-event-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        signals.unsubscribe(self.on_signal)
        if self._thread is not None:
            self.queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued event is stored; returns False on timeout."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.queue.unfinished_tasks

    def _defer(self, action: str, user_id: int) -> bool:
        if self._context() is None:
            return False
        self._pending_account_actions.append((action, user_id))
        return True

    def _run_account_actions(self) -> None:
        context = self._context()
        pending, self._pending_account_actions = self._pending_account_actions, []
        if context is None:
            return
        minutes = max(1, self.config.incidents.containment.block_client_minutes)
        for action, user_id in pending:
            try:
                if action == "lock":
                    lock_account(context, user_id, minutes)
                else:
                    end_sessions(context, user_id)
            except Exception:
                # Containment is best effort; the incident already records the planned action.
                logger.exception("security_containment_failed", extra={"action": action, "user_id": user_id})

    def _context(self) -> Any:
        return getattr(self.app.state, "context", None)

    def _session_factory(self) -> sessionmaker[Session] | None:
        context = getattr(self.app.state, "context", None)
        factory = getattr(context, "session_factory", None) or getattr(
            self.app.state, "session_factory", None
        )
        return factory

    def _run(self) -> None:
        while True:
            record = self.queue.get()
            try:
                if record is None:
                    return
                factory = self._session_factory()
                if factory is None:
                    logger.warning(
                        "security_event_not_stored", extra={"kind": record.kind, "reason": "no_database"}
                    )
                    continue
                with factory() as session, session.begin():
                    self.store(session, record)
                self._run_account_actions()
            except Exception:
                # The writer must outlive a bad row or a database hiccup; the error is logged with its kind.
                self._pending_account_actions = []
                logger.exception(
                    "security_event_store_failed", extra={"kind": record.kind if record else None}
                )
            finally:
                self.queue.task_done()

    # Storage, rules and incidents ------------------------------------------------------------

    def store(self, session: Session, record: EventRecord, now: datetime | None = None) -> SecurityEvent:
        """Store one event, then run the behaviour rules and open incidents as configured."""
        event = SecurityEvent(
            occurred_at=record.occurred_at,
            kind=record.kind,
            severity=record.severity,
            outcome=record.outcome,
            source=record.source,
            user_id=record.user_id,
            client_hash=self.hash(record.client),
            subject_hash=self.hash(record.subject),
            request_id=(record.request_id or None) and record.request_id[:64],
            pattern_id=record.pattern_id,
            attributes=record.attributes,
        )
        session.add(event)
        session.flush()
        policy = self.config.incidents
        # Imported logs pass their own time, so the rules' windows follow the logged events.
        now = now or datetime.now(UTC)
        if record.kind.startswith("threat:") and opens_incident(record.severity, policy):
            open_or_update(
                session,
                kind=record.kind,
                severity=record.severity,
                client_hash=event.client_hash,
                user_id=None,
                evidence_ids=[event.id],
                client_address=record.client,
                policy=policy,
                actions=self.actions,
                now=now,
            )
        for finding in evaluate(session, event, policy, now):
            detection = SecurityEvent(
                occurred_at=now,
                kind=finding.kind,
                severity=finding.severity,
                outcome="detected",
                source="rule",
                user_id=finding.user_id,
                client_hash=finding.client_hash,
                attributes={},
            )
            session.add(detection)
            session.flush()
            if opens_incident(finding.severity, policy):
                open_or_update(
                    session,
                    kind=finding.kind,
                    severity=finding.severity,
                    client_hash=finding.client_hash,
                    user_id=finding.user_id,
                    evidence_ids=[*finding.evidence_ids, detection.id],
                    client_address=record.client,
                    policy=policy,
                    actions=self.actions,
                    now=now,
                )
        return event

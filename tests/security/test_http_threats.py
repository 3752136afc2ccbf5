"""Threat detection over HTTP: payloads in URLs blocked and recorded, clinical text untouched."""

from typing import Any

import pytest
from sqlalchemy import select

from electroanalyzer.security.models import SecurityEvent, SecurityIncident

from .conftest import THERAPIST_PASSWORD, custom_config


@pytest.fixture(scope="module")
def app(module_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    # Many payloads from one address would block it; containment has its own test below.
    config = custom_config(
        tmp_path_factory.mktemp("threats"), {"incidents": {"block_after_detections": 1000}}
    )
    return module_app(config_dir=config, enable_rate_limiting=False)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "' OR '1'='1"},
        {"sort": "created_at;DROP TABLE notes--"},
        {"q": "1 UNION SELECT password FROM users"},
        {"file": "../../etc/passwd"},
        {"q": "<script>alert(1)</script>"},
        {"q": "<img src=x onerror=alert(1)>"},
        {"next": "javascript:alert(1)"},
        {"host": "x; cat /etc/shadow"},
        {"user": "*)(|(uid=*"},
        {"id[$ne]": "null"},
    ],
)
def test_payload_in_query_blocked(app: Any, query: dict[str, str]) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", params=query)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "request_blocked"
    for value in query.values():
        assert value not in response.text  # the payload is never echoed back


@pytest.mark.parametrize(
    "path",
    ["/api/v2/..%2f..%2fetc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/.git/config", "/.env"],
)
def test_payload_in_path_blocked(app: Any, path: str) -> None:
    with app.client() as client:
        response = client.get(path)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "agent", ["sqlmap/1.7.2#stable", "Mozilla/5.0 (compatible; Nikto/2.1.6)", "Nuclei - Open-source project"]
)
def test_scanner_user_agent_blocked(app: Any, agent: str) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"User-Agent": agent})
    assert response.status_code == 403


CLINICAL_NOTES = [
    "Patient dropped out of the union job after the injury; select exercises were reviewed.",
    "Select exercises from the HEP; drop the ones that hurt. Pt's goal: return to work.",
    "Subjective: 'It hurts when I script my day' -- pt reports 6/10 pain; O'Brien test negative.",
    "DROP arm test negative; SELECT functional goals with pt; union of fracture confirmed on x-ray.",
    "Assessment: <3/5 strength in L hip; plan: progress > 2x/wk; update HEP & re-eval in 4 wks.",
]


@pytest.mark.parametrize("note", CLINICAL_NOTES)
def test_clinical_text_in_body_passes(app: Any, note: str) -> None:
    """Bodies are never scanned: a note with SQL-like words reaches the application unchanged."""
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token",
            json={"username": "someone", "password": note[:200]},
        )
    assert response.status_code == 401  # the login was judged on its merits, not blocked


@pytest.mark.parametrize(
    "phrase", ["patient dropped out of the union job", "select exercises", "drop foot AFO"]
)
def test_clinical_phrase_in_query_passes(app: Any, phrase: str) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", params={"q": phrase})
    assert response.status_code == 200


def test_clinical_note_uploaded_for_analysis_not_blocked(app: Any, therapist_note_path: Any) -> None:
    app.create_user("notewriter", "therapist", THERAPIST_PASSWORD)
    with app.client() as client:
        login = client.post(
            "/api/v2/auth/token", json={"username": "notewriter", "password": THERAPIST_PASSWORD}
        )
        token = login.json()["access_token"]
        client.cookies.clear()
        content = (
            therapist_note_path.read_bytes() + b"\nPatient dropped out of the union job; select exercises.\n"
        )
        response = client.post(
            "/api/v2/analysis/analyze",
            files={"file": ("note.txt", content, "text/plain")},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code in (200, 201, 202), response.text


def test_detection_recorded_without_request_text(app: Any) -> None:
    with app.client() as client:
        client.get("/api/v2/health", params={"q": "<script>alert('patient Jane Roe')</script>"})
    app.flush_events()
    with app.context.session_factory() as db:
        events = db.scalars(select(SecurityEvent).where(SecurityEvent.kind == "threat:xss")).all()
        incidents = db.scalars(select(SecurityIncident).where(SecurityIncident.kind == "threat:xss")).all()
    assert events
    assert incidents
    for event in events:
        assert event.outcome == "blocked"
        assert event.pattern_id is not None and event.pattern_id.startswith("xss_")
        assert event.client_hash and "127.0.0.1" not in event.client_hash
        assert "Jane" not in repr(event.attributes)


def test_threat_detection_can_be_switched_off(module_app: Any) -> None:
    app = module_app(enable_rate_limiting=False, enable_threat_detection=False)
    with app.client() as client:
        response = client.get("/api/v2/health", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200


def test_repeated_payloads_block_the_client(live_app: Any) -> None:
    app = live_app(enable_rate_limiting=False)
    with app.client() as client:
        for payload in ("' OR '1'='1", "1 UNION SELECT 1", "x;DROP TABLE notes"):
            assert client.get("/api/v2/health", params={"q": payload}).status_code == 403
        app.flush_events()
        blocked = client.get("/api/v2/health")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "client_blocked"
    assert int(blocked.headers["retry-after"]) > 60
    with app.context.session_factory() as db:
        incident = db.scalars(
            select(SecurityIncident).where(SecurityIncident.kind == "threat:sql_injection")
        ).one()
    assert incident.status == "contained"
    assert incident.detection_count == 3
    assert "client_blocked" in incident.containment_actions


def test_payload_in_websocket_url_rejected(app: Any) -> None:
    import asyncio

    from starlette.types import Message

    from electroanalyzer.security.threat_middleware import ThreatDetectionMiddleware

    reached: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    middleware = ThreatDetectionMiddleware(inner, app.security.matcher, app.security.resolver)
    scope = {
        "type": "websocket",
        "path": "/ws",
        "raw_path": b"/ws",
        "query_string": b"q=<script>",
        "headers": [],
    }
    asyncio.run(middleware(scope, receive, send))
    assert reached == []
    assert sent == [{"type": "websocket.close", "code": 1008}]

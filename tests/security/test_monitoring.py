"""Security monitoring end to end: a simulated brute-force attack opens an incident that shows up
in metrics, trends, the incident list and the daily report; the workflow; log analysis; access."""

import json
from pathlib import Path
from typing import Any

import pytest

from electroanalyzer.core.signals import SecuritySignal, emit

from .conftest import THERAPIST_PASSWORD, custom_config

ATTACKER = "198.51.100.7"


@pytest.fixture(scope="module")
def attacked(module_app: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An app behind a trusted loopback proxy, attacked from ATTACKER with four wrong passwords."""
    config = custom_config(
        tmp_path_factory.mktemp("monitoring"),
        {
            "rate_limits": {"trusted_proxies": ["127.0.0.1/32"]},
            "incidents": {"brute_force_failures": 4},
            "lockout": {"max_failures_per_account": 50},
        },
    )
    app = module_app(config_dir=config, enable_rate_limiting=False)
    victim_id = app.create_user("victim", "therapist", THERAPIST_PASSWORD)
    token = app.admin_token()
    with app.client() as client:
        client.post("/api/v2/auth/token", json={"username": "victim", "password": THERAPIST_PASSWORD})
        for _ in range(4):
            client.cookies.clear()
            response = client.post(
                "/api/v2/auth/token",
                json={"username": "victim", "password": "Wrong-password-1!"},
                headers={"X-Forwarded-For": ATTACKER},
            )
            assert response.status_code == 401
    app.flush_events()
    return {"app": app, "admin": {"Authorization": f"Bearer {token}"}, "victim_id": victim_id}


def get(attacked: dict[str, Any], path: str, **params: Any) -> Any:
    with attacked["app"].client() as client:
        return client.get(path, params=params, headers=attacked["admin"])


def test_brute_force_opens_contained_incident(attacked: dict[str, Any]) -> None:
    response = get(attacked, "/api/v2/security/incidents")
    assert response.status_code == 200
    incidents = [item for item in response.json()["items"] if item["kind"] == "behaviour:brute_force"]
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident["severity"] == "high"
    assert incident["status"] == "contained"
    assert incident["user_id"] == attacked["victim_id"]
    assert set(incident["containment_actions"]) >= {"client_blocked", "account_locked", "sessions_ended"}


def test_incident_detail_links_evidence(attacked: dict[str, Any]) -> None:
    listing = get(attacked, "/api/v2/security/incidents", status="contained").json()["items"]
    incident_id = next(item["id"] for item in listing if item["kind"] == "behaviour:brute_force")
    detail = get(attacked, f"/api/v2/security/incidents/{incident_id}").json()
    kinds = [event["kind"] for event in detail["evidence"]]
    assert kinds.count("auth:login:failed") >= 4
    assert "behaviour:brute_force" in kinds
    assert detail["evidence_count"] == len(detail["evidence"])


def test_attacker_blocked_admin_not(attacked: dict[str, Any]) -> None:
    app = attacked["app"]
    with app.client() as client:
        blocked = client.get("/api/v2/health", headers={"X-Forwarded-For": ATTACKER})
        other = client.get("/api/v2/health", headers={"X-Forwarded-For": "198.51.100.8"})
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "client_blocked"
    assert other.status_code == 200


def test_victim_account_locked_and_sessions_ended(attacked: dict[str, Any]) -> None:
    app = attacked["app"]
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token", json={"username": "victim", "password": THERAPIST_PASSWORD}
        )
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"


def test_metrics_show_incident(attacked: dict[str, Any]) -> None:
    metrics = get(attacked, "/api/v2/security/metrics").json()
    assert metrics["incident_count"] >= 1
    assert metrics["failed_logins"] >= 4
    assert metrics["behaviour_detections"] >= 1
    assert metrics["threat_level"] == "high"
    assert metrics["security_score"] < 100
    assert metrics["active_incidents_by_severity"]["high"] >= 1


def test_trends_show_incident(attacked: dict[str, Any]) -> None:
    trends = get(attacked, "/api/v2/security/trends", hours=24, bucket_hours=1).json()
    assert trends["bucket_hours"] == 1
    assert len(trends["buckets"]) == 24
    assert sum(bucket["incidents_opened"] for bucket in trends["buckets"]) >= 1
    assert sum(bucket["failed_logins"] for bucket in trends["buckets"]) >= 4


def test_daily_report_formats(attacked: dict[str, Any]) -> None:
    report = get(attacked, "/api/v2/security/reports/daily", format="json")
    html = get(attacked, "/api/v2/security/reports/daily", format="html")
    pdf = get(attacked, "/api/v2/security/reports/daily", format="pdf")
    body = report.json()
    assert any(item["kind"] == "behaviour:brute_force" for item in body["incidents_opened"])
    assert body["events_by_kind"]["auth:login:failed"] >= 4
    assert html.headers["content-type"].startswith("text/html")
    assert "behaviour:brute_force" in html.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]


def test_reports_hold_no_addresses_or_names(attacked: dict[str, Any]) -> None:
    texts = [
        get(attacked, path, **params).text
        for path, params in [
            ("/api/v2/security/metrics", {}),
            ("/api/v2/security/trends", {}),
            ("/api/v2/security/incidents", {}),
            ("/api/v2/security/reports/daily", {"format": "json"}),
            ("/api/v2/security/reports/daily", {"format": "html"}),
        ]
    ]
    for text in texts:
        assert ATTACKER not in text
        assert "victim" not in text
        assert "Wrong-password" not in text


def test_incident_workflow(attacked: dict[str, Any]) -> None:
    app = attacked["app"]
    listing = get(attacked, "/api/v2/security/incidents").json()["items"]
    incident_id = next(item["id"] for item in listing if item["kind"] == "behaviour:brute_force")
    path = f"/api/v2/security/incidents/{incident_id}"
    with app.client() as client:
        missing_notes = client.patch(path, json={"status": "resolved"}, headers=attacked["admin"])
        backwards = client.patch(path, json={"status": "open"}, headers=attacked["admin"])
        unknown_field = client.patch(path, json={"status": "resolved", "owner": 1}, headers=attacked["admin"])
        resolved = client.patch(
            path,
            json={"status": "resolved", "root_cause": "password guessing", "resolution": "account reset"},
            headers=attacked["admin"],
        )
        after_close = client.patch(path, json={"status": "contained"}, headers=attacked["admin"])
    assert missing_notes.status_code == 422
    assert backwards.status_code == 422
    assert unknown_field.status_code == 422
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"]
    assert after_close.status_code == 422


def test_analyze_window(attacked: dict[str, Any]) -> None:
    with attacked["app"].client() as client:
        response = client.post("/api/v2/security/analyze", headers=attacked["admin"])
    body = response.json()
    assert response.status_code == 200
    assert body["mode"] == "window"
    assert body["summary"]["events_by_kind"]["auth:login:failed"] >= 4


def test_analyze_uploaded_log_opens_incident(attacked: dict[str, Any]) -> None:
    lines = [
        json.dumps(
            {
                "time": f"2026-01-05T10:00:0{index}Z",
                "kind": "auth:login:failed",
                "outcome": "failure",
                "client_address": "192.0.2.44",
                "username": f"user{index}",
            }
        )
        for index in range(5)
    ]
    lines.append("not json")
    lines.append(json.dumps({"time": "2026-01-05T10:00:09Z", "kind": "Bad Kind!", "outcome": "failure"}))
    log = ("\n".join(lines) + "\n").encode()
    with attacked["app"].client() as client:
        response = client.post(
            "/api/v2/security/analyze",
            files={"log": ("security.jsonl", log, "application/x-ndjson")},
            headers=attacked["admin"],
        )
    body = response.json()
    assert response.status_code == 200, response.text
    assert body["mode"] == "log"
    assert body["summary"]["lines_stored"] == 5
    assert body["summary"]["lines_rejected"] == 2
    assert body["summary"]["rejected_line_numbers"] == [6, 7]
    assert any(item["kind"].startswith("behaviour:") for item in body["summary"]["incidents_opened"])


def test_phi_access_volume_rule(attacked: dict[str, Any]) -> None:
    app = attacked["app"]
    threshold = app.security.config.incidents.phi_access_per_hour_threshold
    for _ in range(threshold + 1):
        emit(SecuritySignal(kind="phi:view", outcome="success", user_id=attacked["victim_id"]))
    app.flush_events()
    items = get(attacked, "/api/v2/security/incidents").json()["items"]
    assert any(
        item["kind"] == "behaviour:phi_access_volume" and item["user_id"] == attacked["victim_id"]
        for item in items
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/security/metrics",
        "/api/v2/security/trends",
        "/api/v2/security/incidents",
        "/api/v2/security/reports/daily",
        "/api/v2/compliance/dashboard",
        "/api/v2/compliance/audit-trail",
    ],
)
def test_admin_only(attacked: dict[str, Any], path: str) -> None:
    app = attacked["app"]
    with app.client() as client:
        anonymous = client.get(path)
        client.cookies.clear()
        login = client.post(
            "/api/v2/auth/token",
            json={"username": "reader", "password": THERAPIST_PASSWORD},
        )
        if login.status_code != 200:
            app.create_user("reader", "therapist", THERAPIST_PASSWORD)
            client.cookies.clear()
            login = client.post(
                "/api/v2/auth/token", json={"username": "reader", "password": THERAPIST_PASSWORD}
            )
        therapist = client.get(path, headers={"Authorization": "Bearer " + login.json()["access_token"]})
    assert anonymous.status_code == 401
    assert therapist.status_code == 403


def test_compliance_dashboard_live(attacked: dict[str, Any], tmp_path: Path) -> None:
    body = get(attacked, "/api/v2/compliance/dashboard").json()
    by_citation = {item["citation"]: item for item in body["safeguards"]}
    assert by_citation["164.312(b)"]["status"] == "met"
    assert by_citation["164.312(a)(2)(iii)"]["status"] == "met"
    assert by_citation["164.312(e)(1)"]["status"] == "partial"  # plain HTTP in development
    assert by_citation["164.312(d)"]["status"] == "met"  # the only admin is enrolled in MFA
    assert 0 < body["score"] <= 100
    trail = get(attacked, "/api/v2/compliance/audit-trail", limit=50).json()
    assert trail["chain"]["ok"] is True
    assert trail["total"] >= 1
    assert all("details" not in entry for entry in trail["entries"])

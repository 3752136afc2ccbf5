"""The post-deployment checklist, run over HTTP against a running server.

Each check sends a few requests and returns PASS, FAIL or SKIP with a one-line reason.
Checks that need an administrator (session management, upload restrictions past sign-in,
audit logging) are skipped without an admin bearer token. The checks send at most about
twenty requests and leave no data behind except failed sign-ins under random user names,
one blocked payload and the security events they cause.
"""

from __future__ import annotations

import secrets
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx

Outcome = Literal["PASS", "FAIL", "SKIP"]
REQUIRED_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
LEAK_MARKERS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "sqlite3", "Exception:")


@dataclass(frozen=True)
class CheckResult:
    name: str
    outcome: Outcome
    detail: str

    def line(self) -> str:
        return f"{self.outcome:4} {self.name}: {self.detail}"


class Validator:
    """Runs the checklist against one base URL; `admin_token` enables the admin-only checks."""

    def __init__(
        self, base_url: str, admin_token: str | None = None, *, verify_tls: bool | str = True
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.verify_tls = verify_tls

    def client(self) -> httpx.Client:
        verify: bool | ssl.SSLContext = (
            self.verify_tls if isinstance(self.verify_tls, bool) else self._context()
        )
        return httpx.Client(base_url=self.base_url, timeout=15, verify=verify, follow_redirects=False)

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.verify_tls is False:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        elif isinstance(self.verify_tls, str):
            context.load_verify_locations(self.verify_tls)
        return context

    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    # Checks ----------------------------------------------------------------------------------

    def headers_present(self) -> CheckResult:
        with self.client() as client:
            responses = [client.get("/api/v2/health"), client.get("/api/v2/no-such-endpoint")]
        for response in responses:
            for name, value in REQUIRED_HEADERS.items():
                if response.headers.get(name) != value:
                    return CheckResult(
                        "security headers", "FAIL", f"{name} missing on a {response.status_code}"
                    )
            csp = response.headers.get("content-security-policy", "")
            if "frame-ancestors 'none'" not in csp or "object-src 'none'" not in csp:
                return CheckResult("security headers", "FAIL", "Content-Security-Policy missing or weak")
            if response.headers.get("cache-control") != "no-store":
                return CheckResult("security headers", "FAIL", "Cache-Control: no-store missing")
            if self.base_url.startswith("https") and "strict-transport-security" not in response.headers:
                return CheckResult("security headers", "FAIL", "HSTS missing over HTTPS")
        return CheckResult("security headers", "PASS", "present on 200 and 404 responses")

    def rate_limiting(self) -> CheckResult:
        with self.client() as client:
            for attempt in range(1, 16):
                client.cookies.clear()
                # A random user name that cannot exist, with a placeholder that is never a real password.
                password = "not-a-password"  # noqa: S105  # nosec B105
                body = {"username": f"validate-{secrets.token_hex(6)}", "password": password}
                response = client.post("/api/v2/auth/token", json=body)
                if response.status_code == 429:
                    if "retry-after" not in response.headers:
                        return CheckResult("rate limiting", "FAIL", "429 without Retry-After")
                    return CheckResult("rate limiting", "PASS", f"sign-in limited after {attempt} requests")
        return CheckResult("rate limiting", "FAIL", "15 sign-in attempts in a row were not limited")

    def csrf(self) -> CheckResult:
        with self.client() as client:
            client.get("/api/v2/health")
            if not any(name.endswith("ea_csrf") for name in client.cookies):
                return CheckResult("CSRF protection", "FAIL", "no CSRF cookie was issued")
            missing = client.post("/api/v2/auth/logout")
            cross = client.post("/api/v2/auth/logout", headers={"Origin": "https://evil.example"})
        if missing.status_code != 403:
            return CheckResult(
                "CSRF protection", "FAIL", f"cookie request without token got {missing.status_code}"
            )
        if cross.status_code != 403:
            return CheckResult("CSRF protection", "FAIL", f"cross-site Origin got {cross.status_code}")
        return CheckResult("CSRF protection", "PASS", "missing token and cross-site Origin rejected with 403")

    def upload_restrictions(self) -> CheckResult:
        huge = self._raw_status(
            "POST",
            "/api/v2/analysis/analyze",
            {"Content-Length": "10737418240", "Content-Type": "multipart/form-data; boundary=x"},
        )
        if huge != 413:
            return CheckResult("upload restrictions", "FAIL", f"a 10 GB upload announcement got {huge}")
        if not self.admin_token:
            return CheckResult(
                "upload restrictions", "PASS", "oversized upload rejected before reading (413)"
            )
        with self.client() as client:
            disguised = client.post(
                "/api/v2/analysis/analyze",
                files={"file": ("note.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")},
                headers=self.admin(),
            )
        if disguised.status_code not in (415, 422):
            return CheckResult(
                "upload restrictions", "FAIL", f"an executable named .pdf got {disguised.status_code}"
            )
        return CheckResult(
            "upload restrictions", "PASS", "oversized (413) and disguised executable uploads rejected"
        )

    def session_management(self) -> CheckResult:
        if not self.admin_token:
            return CheckResult("session management", "SKIP", "needs --admin-token")
        token = self.admin_token
        tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        with self.client() as client:
            valid = client.get("/api/v2/auth/me", headers=self.admin())
            bad = client.get("/api/v2/auth/me", headers={"Authorization": f"Bearer {tampered}"})
            in_query = client.get("/api/v2/auth/me", params={"access_token": token})
        if valid.status_code != 200:
            return CheckResult(
                "session management", "FAIL", f"the admin token was refused ({valid.status_code})"
            )
        if bad.status_code != 401 or in_query.status_code != 401:
            return CheckResult(
                "session management", "FAIL", "a tampered token or a token in the URL was accepted"
            )
        return CheckResult(
            "session management", "PASS", "valid token accepted; tampered and URL tokens refused"
        )

    def error_sanitization(self) -> CheckResult:
        with self.client() as client:
            responses = [
                client.post(
                    "/api/v2/auth/token", content=b"{not json", headers={"Content-Type": "application/json"}
                ),
                client.get("/api/v2/no-such-endpoint"),
                client.request("TRACE", "/api/v2/health"),
            ]
        for response in responses:
            if any(marker in response.text for marker in LEAK_MARKERS):
                return CheckResult("error messages", "FAIL", f"a {response.status_code} body shows internals")
            if (
                "problem+json" not in response.headers.get("content-type", "")
                or '"code"' not in response.text
            ):
                return CheckResult(
                    "error messages", "FAIL", f"a {response.status_code} body is not problem+json"
                )
        if responses[2].status_code != 405:
            return CheckResult("error messages", "FAIL", "TRACE is not rejected with 405")
        return CheckResult(
            "error messages", "PASS", "problem+json with a code; no stack traces; TRACE refused"
        )

    def audit_logging(self) -> CheckResult:
        if not self.admin_token:
            return CheckResult("audit logging", "SKIP", "needs --admin-token")
        with self.client() as client:
            response = client.get(
                "/api/v2/compliance/audit-trail", params={"limit": 20}, headers=self.admin()
            )
        if response.status_code != 200:
            return CheckResult("audit logging", "FAIL", f"audit trail unavailable ({response.status_code})")
        body = response.json()
        if not body["chain"]["ok"]:
            return CheckResult(
                "audit logging", "FAIL", f"audit chain broken at entry {body['chain']['first_bad_id']}"
            )
        if body["total"] < 1:
            return CheckResult("audit logging", "FAIL", "no audit entries recorded")
        return CheckResult("audit logging", "PASS", f"{body['total']} entries; chain verifies")

    def threat_detection(self) -> CheckResult:
        with self.client() as client:
            response = client.get("/api/v2/health", params={"q": "<script>alert(1)</script>"})
        if response.status_code != 403:
            return CheckResult(
                "threat detection", "FAIL", f"a script payload in the URL got {response.status_code}"
            )
        return CheckResult("threat detection", "PASS", "script payload in the URL blocked with 403")

    def incident_response(self) -> CheckResult:
        if not self.admin_token:
            return CheckResult("incident response", "SKIP", "needs --admin-token")
        with self.client() as client:
            metrics = client.get("/api/v2/security/metrics", headers=self.admin())
            incidents = client.get("/api/v2/security/incidents", params={"limit": 1}, headers=self.admin())
        if metrics.status_code != 200 or incidents.status_code != 200:
            return CheckResult("incident response", "FAIL", "security metrics or incidents unavailable")
        return CheckResult(
            "incident response", "PASS", f"threat level {metrics.json()['threat_level']}, incidents listed"
        )

    # Running ---------------------------------------------------------------------------------

    def checks(self) -> list[Callable[[], CheckResult]]:
        # Rate limiting runs last: it spends the sign-in budget of this client address.
        return [
            self.headers_present,
            self.csrf,
            self.upload_restrictions,
            self.session_management,
            self.error_sanitization,
            self.audit_logging,
            self.threat_detection,
            self.incident_response,
            self.rate_limiting,
        ]

    def run(self) -> list[CheckResult]:
        results = []
        for check in self.checks():
            try:
                results.append(check())
            except httpx.HTTPError as error:
                name = check.__name__.replace("_", " ")
                results.append(CheckResult(name, "FAIL", f"request failed ({type(error).__name__})"))
        return results

    def _raw_status(self, method: str, path: str, headers: dict[str, str]) -> int:
        """Send a request whose body never comes (httpx will not send such a request)."""
        parts = urlsplit(self.base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = parts.hostname or "127.0.0.1"
        lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        with socket.create_connection((host, port), timeout=15) as raw:
            sock: socket.socket = raw
            if parts.scheme == "https":
                sock = self._context().wrap_socket(raw, server_hostname=host)
            sock.sendall(data)
            reply = sock.recv(4096)
        status_line = reply.split(b"\r\n", 1)[0].split()
        return int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0

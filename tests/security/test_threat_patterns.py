"""Threat patterns: tables of payloads that must match and clinical text that must not."""

from pathlib import Path

import pytest

from electroanalyzer.security.config import SecurityConfigError
from electroanalyzer.security.threats import REPO_CONFIG_DIR, ThreatMatcher, load_pattern_file

PATTERN_FILE = REPO_CONFIG_DIR / "threat_patterns.yaml"


@pytest.fixture(scope="module")
def matcher() -> ThreatMatcher:
    return ThreatMatcher(load_pattern_file(PATTERN_FILE))


ATTACKS = [
    ("query", "q=' OR '1'='1", "sql_injection"),
    ("query", "q=%27%20or%20%27a%27%3D%27a", "sql_injection"),
    ("query", "q=%25%27%20--", "sql_injection"),
    ("query", "id=1 UNION ALL SELECT password FROM users", "sql_injection"),
    ("query", "id=1/**/union/**/select/**/1", "sql_injection"),
    ("query", "sort=created_at;DROP TABLE notes--", "sql_injection"),
    ("query", "id=1 AND SLEEP(5)", "sql_injection"),
    ("query", "q=1 from information_schema.tables", "sql_injection"),
    ("query", "file=;cat /etc/shadow", "command_injection"),
    ("query", "host=127.0.0.1 && whoami", "command_injection"),
    ("query", "x=$(id)", "command_injection"),
    ("query", "x=`uname -a`", "command_injection"),
    ("query", "user=*)(|(uid=*", "ldap_injection"),
    ("query", "filter=(|(cn=*", "ldap_injection"),
    ("query", "id[$ne]=null", "nosql_injection"),
    ("query", 'q={"$where":"sleep(1)"}', "nosql_injection"),
    ("query", "path=../../etc/passwd", "path_traversal"),
    ("query", "path=..%2F..%2Fwin.ini", "path_traversal"),
    ("query", "path=%252e%252e%252fetc", "path_traversal"),
    ("path", "/api/v2/../../etc/passwd", "path_traversal"),
    ("query", "name=notes.pdf%00.exe", "path_traversal"),
    ("query", "q=<script>alert(1)</script>", "xss"),
    ("query", "q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "xss"),
    ("query", "q=<svg/onload=alert(1)>", "xss"),
    ("query", "next=javascript:alert(1)", "xss"),
    ("query", "u=data:text/html,<b>x</b>", "xss"),
    ("query", "name={{7*7}}", "template_injection"),
    ("headers", "${jndi:ldap://127.0.0.1/a}", "template_injection"),
    ("user-agent", "sqlmap/1.7.2#stable (https://sqlmap.org)", "scanner"),
    ("user-agent", "Mozilla/5.00 (Nikto/2.1.6)", "scanner"),
    ("path", "/.git/config", "reconnaissance"),
    ("path", "/.env", "reconnaissance"),
]


@pytest.mark.parametrize(("target", "value", "category"), ATTACKS)
def test_attack_payload_detected(matcher: ThreatMatcher, target: str, value: str, category: str) -> None:
    categories = {detection.category for detection in matcher.scan_value(target, value)}
    assert category in categories


CLINICAL = [
    "q=patient dropped out of the union job",
    "q=select exercises",
    "q=Select exercises from the home program and drop the ones that hurt",
    "q=Pt reports she dropped the cup; grip 3/5",
    "q=union job stress; selected goals: ambulate 150 ft",
    "q=O'Brien or Smith",
    "q=patient's knee and hip ROM",
    "q=update home exercise program",
    "q=BP 120/80; HR 72; SpO2 98%",
    "q=script for follow-up call",
    "q=pain 5/10 at rest & 8/10 with stairs",
    "q=delete old draft",
    "q=TKA (R) 2 weeks s/p",
    "q=follow-up in 1-2 weeks",
    "q=score < 3 on Berg",
]


@pytest.mark.parametrize("value", CLINICAL)
def test_clinical_text_not_detected(matcher: ThreatMatcher, value: str) -> None:
    assert matcher.scan_value("query", value) == []


def test_scan_request_reads_only_configured_headers(matcher: ThreatMatcher) -> None:
    headers = [(b"x-custom", b"<script>alert(1)</script>"), (b"referer", b"http://127.0.0.1/?q=<script>")]
    detections = matcher.scan_request("/api/v2/health", "", headers)
    assert [detection.target for detection in detections] == ["headers"]


def test_invalid_pattern_names_file_key_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "threat_patterns.yaml"
    bad.write_text(
        "version: 1\npatterns:\n  - id: broken\n    category: xss\n    severity: high\n"
        "    targets: [query]\n    pattern: '(unclosed'\n",
        encoding="utf-8",
    )
    with pytest.raises(SecurityConfigError) as caught:
        load_pattern_file(bad)
    message = str(caught.value)
    assert "threat_patterns.yaml" in message
    assert "patterns.0.pattern" in message
    assert "Fix:" in message


def test_backreference_rejected_by_re2(tmp_path: Path) -> None:
    bad = tmp_path / "threat_patterns.yaml"
    bad.write_text(
        "version: 1\npatterns:\n  - id: backref\n    category: xss\n    severity: high\n"
        "    targets: [query]\n    pattern: '(a)\\1'\n",
        encoding="utf-8",
    )
    with pytest.raises(SecurityConfigError, match="not a valid RE2 pattern"):
        load_pattern_file(bad)


def test_duplicate_pattern_id_rejected(tmp_path: Path) -> None:
    entry = "  - id: twice\n    category: xss\n    severity: low\n    targets: [query]\n    pattern: 'x'\n"
    bad = tmp_path / "threat_patterns.yaml"
    bad.write_text("version: 1\npatterns:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(SecurityConfigError, match="duplicate id"):
        load_pattern_file(bad)


def test_long_value_scanned_in_linear_time(matcher: ThreatMatcher) -> None:
    # A classic catastrophic-backtracking input; RE2 has no backtracking, so this returns at once.
    value = "q=" + "a" * 100_000 + "!"
    assert matcher.scan_value("query", value) == []

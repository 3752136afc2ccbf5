"""CSRF token logic: session binding, double-submit comparison and cookie attributes."""

from typing import Any

from electroanalyzer.security.csrf import (
    csrf_cookie_header,
    issue_csrf_token,
    make_token,
    token_is_bound,
    tokens_match,
)

KEY = b"k" * 48


def test_token_bound_to_its_session() -> None:
    token = make_token(KEY, "session-a")
    assert token_is_bound(KEY, "session-a", token)
    assert not token_is_bound(KEY, "session-b", token)
    assert not token_is_bound(KEY, None, token)


def test_tokens_are_random() -> None:
    assert make_token(KEY, "s") != make_token(KEY, "s")


def test_other_key_rejected() -> None:
    token = make_token(KEY, "s")
    assert not token_is_bound(b"x" * 48, "s", token)


def test_double_submit_requires_equal_values() -> None:
    token = make_token(KEY, "s")
    other = make_token(KEY, "s")
    assert tokens_match(KEY, "s", token, token)
    assert not tokens_match(KEY, "s", token, other)
    assert not tokens_match(KEY, "s", None, token)
    assert not tokens_match(KEY, "s", token, None)
    assert not tokens_match(KEY, "s", token, "")


def test_malformed_tokens_rejected() -> None:
    for value in ("", ".", "a.b.c", "x" * 500, "no-dot-at-all", make_token(KEY, "s") + "x"):
        assert not token_is_bound(KEY, "s", value)


def test_cookie_attributes_plain_and_tls() -> None:
    plain = csrf_cookie_header("t", secure=False)
    secure = csrf_cookie_header("t", secure=True)
    assert plain.startswith("ea_csrf=t;")
    assert "SameSite=Strict" in plain
    assert "Secure" not in plain
    assert secure.startswith("__Host-ea_csrf=t;")
    assert "Secure" in secure
    assert "Path=/" in secure
    assert "Domain" not in secure


def test_issue_csrf_token_uses_settings_key(make_settings: Any) -> None:
    settings = make_settings()
    token = issue_csrf_token("sid-1", settings)
    secret = settings.secret_key.get_secret_value().encode()
    assert token_is_bound(secret, "sid-1", token)
    assert not token_is_bound(secret, "sid-2", token)

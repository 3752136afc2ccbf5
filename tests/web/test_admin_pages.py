"""Admin pages over HTTP: user actions, sessions, settings, the audit log and custom rubrics, and the
same 404 for every admin page and action a therapist tries."""

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from .conftest import WebSite, csrf_of

RUBRIC_DIR = Path(__file__).resolve().parents[2] / "src" / "electroanalyzer" / "engine" / "rubrics"


@pytest.fixture(scope="module")
def admin(site: WebSite) -> TestClient:
    secret = site.create_user("boss", "admin", mfa=True)
    client = site.client()
    site.sign_in(client, "boss", "admin", secret=secret)
    return client


def user_id(site: WebSite, username: str) -> int:
    from electroanalyzer.users import service as users

    views, _ = users.list_users(site.ctx, limit=500, offset=0)
    return next(view.id for view in views if view.username == username)


def post(client: TestClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    page = client.get("/admin/users")
    return client.post(path, data={"csrf_token": csrf_of(page.text), **(data or {})}, follow_redirects=False)


def test_create_user_with_generated_password(admin: TestClient, site: WebSite) -> None:
    page = admin.get("/admin/users")
    response = admin.post(
        "/admin/users",
        data={
            "new_username": "Casey",
            "new_email": "",
            "new_role": "viewer",
            "csrf_token": csrf_of(page.text),
        },
    )

    assert response.status_code == 201
    password = re.search(r'id="created-password">([^<]+)<', response.text)
    assert password is not None
    client = site.client()
    login = client.get("/login")
    signed_in = client.post(
        "/login",
        data={"username": "casey", "password": password.group(1), "csrf_token": csrf_of(login.text)},
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/"


def test_create_user_errors_in_place(admin: TestClient) -> None:
    page = admin.get("/admin/users")
    response = admin.post(
        "/admin/users",
        data={
            "new_username": "weakling",
            "new_email": "weak@clinic.test",
            "new_role": "therapist",
            "new_password": "password",
            "csrf_token": csrf_of(page.text),
        },
    )

    assert response.status_code == 422
    assert 'id="new_password-error"' in response.text
    assert "The password does not meet the policy" in response.text
    assert 'value="weakling"' in response.text


def test_role_disable_unlock_and_reset_mfa(admin: TestClient, site: WebSite) -> None:
    from electroanalyzer.users import service as users

    site.create_user("target", "therapist", mfa=True)
    target = user_id(site, "target")

    assert post(admin, f"/admin/users/{target}/role", {"role": "viewer"}).status_code == 303
    assert users.get_user(site.ctx, target).role == "viewer"
    post(admin, f"/admin/users/{target}/disable")
    assert users.get_user(site.ctx, target).is_active is False
    post(admin, f"/admin/users/{target}/enable")
    assert users.get_user(site.ctx, target).is_active is True
    assert post(admin, f"/admin/users/{target}/unlock").status_code == 303
    post(admin, f"/admin/users/{target}/reset-mfa")
    assert users.get_user(site.ctx, target).mfa_enabled is False
    assert post(admin, f"/admin/users/{target}/explode").status_code == 404
    assert post(admin, "/admin/users/999999/disable").status_code == 404


def test_admin_ends_another_session(admin: TestClient, site: WebSite) -> None:
    site.create_user("sessionee", "therapist")
    other = site.client()
    site.sign_in(other, "sessionee", "therapist")
    page = admin.get("/admin/sessions")
    assert "(this session)" in page.text
    row = re.search(
        r"sessionee</th>.*?action=\"/admin/sessions/([0-9a-f-]+)/end\"", page.text, flags=re.DOTALL
    )
    assert row is not None

    response = admin.post(f"/admin/sessions/{row.group(1)}/end", data={"csrf_token": csrf_of(page.text)})

    assert "The session is ended" in response.text
    assert other.get("/", follow_redirects=False).headers["location"] == "/login?next=/"


def test_settings_page_lists_policies(admin: TestClient) -> None:
    page = admin.get("/admin/settings")

    assert page.status_code == 200
    assert "min_length" in page.text
    assert "max_inactive_minutes" in page.text
    assert "CSRF protection" in page.text


def test_audit_log_filters_and_verifies(admin: TestClient) -> None:
    filtered = admin.get("/admin/audit?action=auth:login&outcome=success")
    bad = admin.get("/admin/audit?user=abc")
    page = admin.get("/admin/audit")
    verified = admin.post("/admin/audit/verify", data={"csrf_token": csrf_of(page.text)})

    assert "auth:login" in filtered.text
    assert "user:create" not in filtered.text
    assert "The user id must be a number" in bad.text
    assert "The audit chain is intact" in verified.text


def test_custom_rubric_saved_and_listed(admin: TestClient) -> None:
    text = (RUBRIC_DIR / "pt.yaml").read_text(encoding="utf-8")
    text = text.replace("id: builtin-pt", "id: clinic-pt", 1).replace(
        "name: Medicare Part B outpatient PT documentation", "name: Clinic PT house rules", 1
    )
    page = admin.get("/rubrics/new")
    saved = admin.post("/rubrics/new", data={"rubric_yaml": text, "csrf_token": csrf_of(page.text)})
    again = admin.post("/rubrics/new", data={"rubric_yaml": text, "csrf_token": csrf_of(page.text)})

    assert "The custom rubric is validated and saved." in saved.text
    assert "Clinic PT house rules" in saved.text
    assert again.status_code == 422
    assert "raise the version" in again.text
    assert admin.get("/rubrics/clinic-pt").status_code == 200


def test_therapist_gets_404_on_admin_actions(site: WebSite) -> None:
    site.create_user("curious", "therapist")
    client = site.client()
    site.sign_in(client, "curious", "therapist")
    token = csrf_of(client.get("/").text)
    victim = user_id(site, "curious")

    for path in ("/admin/users", "/admin/sessions", "/admin/settings", "/admin/audit", "/admin/compliance"):
        assert client.get(path).status_code == 404, path
    for path in (f"/admin/users/{victim}/disable", "/admin/audit/verify", "/admin/users", "/rubrics/new"):
        response = client.post(path, data={"csrf_token": token, "new_username": "x", "rubric_yaml": "x"})
        assert response.status_code == 404, path


def test_compliance_page_sees_live_layers(admin: TestClient) -> None:
    page = admin.get("/admin/compliance")

    assert page.status_code == 200
    assert "Technical safeguards" in page.text
    assert "the defence layers are not installed" not in page.text

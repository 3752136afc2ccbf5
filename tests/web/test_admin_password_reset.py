"""Web admin password reset, and the redirect to the password page while a change is required."""

import re

import httpx
from fastapi.testclient import TestClient

from electroanalyzer.audit import service as audit

from .conftest import PASSWORDS, WebSite, csrf_of
from .test_admin_pages import admin, user_id  # noqa: F401 (the module-scoped admin client fixture)

NEW_PASSWORD = "Harbor#Lantern62Quill"


def sign_in_with(site: WebSite, username: str, password: str) -> TestClient:
    client = site.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return client


def reset(admin_client: TestClient, target_id: int) -> httpx.Response:
    page = admin_client.get("/admin/users")
    return admin_client.post(
        f"/admin/users/{target_id}/reset-password", data={"csrf_token": csrf_of(page.text)}
    )


def temporary_password(response: httpx.Response) -> str:
    match = re.search(r'id="reset-password">([^<]+)<', response.text)
    assert match is not None, response.text[:500]
    return match.group(1)


def test_reset_shows_password_once_and_ends_sessions(admin: TestClient, site: WebSite) -> None:  # noqa: F811
    site.create_user("webforgot", "therapist")
    old_client = sign_in_with(site, "webforgot", PASSWORDS["therapist"])
    assert old_client.get("/history", follow_redirects=False).status_code == 200

    response = reset(admin, user_id(site, "webforgot"))

    assert response.status_code == 200
    temporary = temporary_password(response)
    assert len(temporary) >= 20
    assert "Reset password" in response.text
    assert temporary not in admin.get("/admin/users").text
    ended = old_client.get("/history", follow_redirects=False)
    assert ended.status_code == 303
    assert ended.headers["location"].startswith("/login")
    actions = [
        entry
        for entry in audit.export_entries(site.ctx, None, None)
        if entry["action"] == "user:password_reset"
    ]
    assert any(str(entry["target_id"]) == str(user_id(site, "webforgot")) for entry in actions)


def test_flagged_user_is_sent_to_password_page(admin: TestClient, site: WebSite) -> None:  # noqa: F811
    site.create_user("webflagged", "therapist")
    temporary = temporary_password(reset(admin, user_id(site, "webflagged")))
    client = sign_in_with(site, "webflagged", temporary)

    for path in ("/", "/history", "/analyze", "/account"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/account/password", path
    form = client.get("/account/password")
    assert form.status_code == 200

    changed = client.post(
        "/account/password",
        data={
            "current_password": temporary,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/history", follow_redirects=False).status_code == 200


def test_generated_password_at_creation_requires_change(admin: TestClient, site: WebSite) -> None:  # noqa: F811
    page = admin.get("/admin/users")
    created = admin.post(
        "/admin/users",
        data={
            "new_username": "webfresh",
            "new_email": "",
            "new_role": "viewer",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert created.status_code == 201
    match = re.search(r'id="created-password">([^<]+)<', created.text)
    assert match is not None
    client = sign_in_with(site, "webfresh", match.group(1))
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/password"


def test_reset_without_csrf_is_rejected(admin: TestClient, site: WebSite) -> None:  # noqa: F811
    site.create_user("webnocsrf", "therapist")
    response = admin.post(f"/admin/users/{user_id(site, 'webnocsrf')}/reset-password", data={})
    assert response.status_code == 403
    sign_in_with(site, "webnocsrf", PASSWORDS["therapist"])


def test_reset_page_denied_to_other_roles(site: WebSite) -> None:
    site.create_user("webtarget", "therapist")
    target = user_id(site, "webtarget")
    anonymous = site.client().post(f"/admin/users/{target}/reset-password", data={}, follow_redirects=False)
    assert anonymous.status_code in (303, 403)
    for role in ("therapist", "viewer"):
        site.create_user(f"web{role}caller", role)
        client = sign_in_with(site, f"web{role}caller", PASSWORDS[role])
        page = client.get("/account")
        response = client.post(
            f"/admin/users/{target}/reset-password", data={"csrf_token": csrf_of(page.text)}
        )
        assert response.status_code == 404, role
    sign_in_with(site, "webtarget", PASSWORDS["therapist"])


def test_mfa_set_up_comes_before_password_page(site: WebSite) -> None:
    from electroanalyzer.auth.permissions import Role
    from electroanalyzer.users import service as users

    assert "admin" in site.ctx.settings.policies.mfa.required_for_roles
    users.create_user(
        site.ctx,
        username="webnewadmin",
        password=PASSWORDS["admin"],
        role=Role.ADMIN,
        must_change_password=True,
    )
    client = sign_in_with(site, "webnewadmin", PASSWORDS["admin"])

    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"] == "/account/mfa"
    assert client.get("/account/mfa", follow_redirects=False).status_code == 200
    password_page = client.get("/account/password", follow_redirects=False)
    assert password_page.headers["location"] == "/account/mfa"

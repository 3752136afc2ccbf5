"""Sign-in with and without the TOTP step, sign-out, and the generic failure message, over HTTP."""

import re

from .conftest import PASSWORDS, WebSite, csrf_of


def test_login_page_has_csrf_and_no_store(site: WebSite) -> None:
    response = site.client().get("/login")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert csrf_of(response.text)
    assert 'autocomplete="current-password"' in response.text


def test_protected_page_redirects_to_login(site: WebSite) -> None:
    response = site.client().get("/history?q=x", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/history%3Fq%3Dx"


def test_wrong_password_gets_generic_error(site: WebSite) -> None:
    site.create_user("wrongpw", "therapist")
    client = site.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "wrongpw", "password": "Nope!Nope!1234x", "csrf_token": csrf_of(page.text)},
    )
    unknown = client.post(
        "/login",
        data={"username": "nobody-here", "password": "Nope!Nope!1234x", "csrf_token": csrf_of(response.text)},
    )

    assert response.status_code == 401
    assert "The username or password is wrong" in response.text
    assert unknown.status_code == 401
    assert unknown.text.count("The username or password is wrong") == 1


def test_login_without_csrf_is_rejected(site: WebSite) -> None:
    site.create_user("nocsrf", "therapist")
    client = site.client()
    client.get("/login")
    response = client.post("/login", data={"username": "nocsrf", "password": PASSWORDS["therapist"]})

    assert response.status_code == 403


def test_login_and_logout(site: WebSite) -> None:
    site.create_user("plain", "therapist")
    client = site.client()
    site.sign_in(client, "plain", "therapist")

    home = client.get("/")
    assert home.status_code == 200
    assert "Signed in as <strong>plain</strong>" in home.text
    assert 'data-idle-seconds="900"' in home.text

    response = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert response.headers["location"] == "/login?reason=signed_out"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_with_totp_step(site: WebSite) -> None:
    secret = site.create_user("withmfa", "therapist", mfa=True)
    assert secret is not None
    client = site.client()
    page = client.get("/login")
    first = client.post(
        "/login",
        data={"username": "withmfa", "password": PASSWORDS["therapist"], "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert first.headers["location"].startswith("/login/mfa")
    assert client.get("/", follow_redirects=False).status_code == 303

    step = client.get(first.headers["location"])
    wrong = client.post("/login/mfa", data={"code": "000000", "csrf_token": csrf_of(step.text)})
    assert wrong.status_code == 401
    assert "That code is not valid" in wrong.text

    done = client.post(
        "/login/mfa",
        data={"code": site.authenticator(secret).code(), "csrf_token": csrf_of(wrong.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/").status_code == 200


def test_mfa_step_without_first_step(site: WebSite) -> None:
    response = site.client().get("/login/mfa", follow_redirects=False)

    assert response.headers["location"] == "/login"


def test_next_parameter_rejects_other_sites(site: WebSite) -> None:
    site.create_user("nexttest", "therapist")
    client = site.client()
    page = client.get("/login?next=//evil.example/x")
    response = client.post(
        "/login",
        data={
            "username": "nexttest",
            "password": PASSWORDS["therapist"],
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )

    assert response.headers["location"] == "/"


def test_admin_without_mfa_must_enrol_first(site: WebSite) -> None:
    site.create_user("newadmin", "admin")
    client = site.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "newadmin", "password": PASSWORDS["admin"], "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )

    assert response.headers["location"] == "/account/mfa"
    assert client.get("/admin/users", follow_redirects=False).headers["location"] == "/account/mfa"
    enrol = client.get("/account/mfa")
    assert "Your role must use two-step verification" in enrol.text

    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', enrol.text)
    assert secret is not None
    done = client.post(
        "/account/mfa",
        data={
            "code": site.authenticator(secret.group(1)).code(),
            "secret": secret.group(1),
            "csrf_token": csrf_of(enrol.text),
        },
    )
    assert done.status_code == 200
    assert len(re.findall(r"<li>[0-9a-f]{5}-[0-9a-f]{5}</li>", done.text)) == 10
    assert client.get("/admin/users").status_code == 200

"""Session lifetime seen from the pages: the refresh cookie renews an expired access token while the
user stays active, and inactivity ends the session. Uses the server's adjustable clock, not sleeps."""

from datetime import timedelta

from .conftest import WebSite, csrf_of

ACTIVE_STEP = timedelta(minutes=10)


def test_active_user_outlives_access_token(site: WebSite) -> None:
    site.create_user("steady", "therapist")
    client = site.client()
    site.sign_in(client, "steady", "therapist")
    first_cookie = client.cookies.get("ea_access")

    for _ in range(4):  # 40 minutes of activity, past the 30-minute access token lifetime
        site.ctx.clock.advance(ACTIVE_STEP)
        response = client.get("/history", follow_redirects=False)
        assert response.status_code == 200

    assert client.cookies.get("ea_access") != first_cookie


def test_inactive_user_is_signed_out(site: WebSite) -> None:
    site.create_user("idle", "therapist")
    client = site.client()
    site.sign_in(client, "idle", "therapist")

    site.ctx.clock.advance(timedelta(minutes=16))
    response = client.get("/history", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/history"


def test_keepalive_needs_a_session(site: WebSite) -> None:
    site.create_user("pinger", "therapist")
    client = site.client()
    site.sign_in(client, "pinger", "therapist")
    token = csrf_of(client.get("/").text)

    alive = client.post("/session/keepalive", headers={"X-CSRF-Token": token})
    anonymous = site.client().post("/session/keepalive", follow_redirects=False)

    assert alive.json() == {"ok": True}
    assert anonymous.status_code in (303, 403)

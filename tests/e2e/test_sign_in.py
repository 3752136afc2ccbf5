"""Sign-in, MFA enrolment with the QR code, the TOTP step, the live password policy and the
inactivity sign-out, in Chromium."""

from pathlib import Path
from typing import Any

import pyotp
import pytest

from .conftest import PASSWORDS, LiveSite, run_site, sign_in

pytestmark = pytest.mark.e2e


def test_mfa_enrolment_then_totp_sign_in(site: LiveSite, visit: Any) -> None:
    site.create_user("dana", "therapist")
    tab = visit()
    page = tab.page

    page.goto(site.url + "/login")
    tab.check("login")
    sign_in(tab, site, "dana", "therapist")
    tab.check("home-empty")

    page.goto(site.url + "/account/mfa")
    assert page.locator(".qr svg").count() == 1
    tab.check("mfa-enrol")
    secret = page.locator("#mfa-secret").inner_text().strip()
    page.get_by_label("6-digit code").fill("123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    page.get_by_role("button", name="Turn on two-step verification").click()
    assert page.locator(".field__error").inner_text().startswith("That code is not valid")
    tab.check("mfa-wrong-code")
    assert page.locator("#mfa-secret").inner_text().strip() == secret

    page.get_by_label("6-digit code").fill(site.authenticator(secret).code())
    page.get_by_role("button", name="Turn on two-step verification").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    tab.check("mfa-recovery-codes")
    page.get_by_role("link", name="I saved them, continue").click()
    page.get_by_role("button", name="Sign out").click()
    assert "You are signed out" in page.locator("main").inner_text()

    site.users["dana"] = secret
    sign_in(tab, site, "dana", "therapist")
    assert "Two-step verification is on" in page.content() or page.url.endswith("/")
    page.goto(site.url + "/account")
    assert "Each sign-in asks for a code" in page.locator("main").inner_text()
    tab.check("account-mfa-on")


def test_recovery_code_signs_in_once(site: LiveSite, visit: Any) -> None:
    from electroanalyzer.users import service as users

    site.create_user("rico", "therapist")
    user_id = next(
        view.id for view in users.list_users(site.ctx, limit=100, offset=0)[0] if view.username == "rico"
    )
    secret, _ = users.begin_mfa_enrolment(site.ctx, user_id)
    codes = users.confirm_mfa_enrolment(site.ctx, user_id, site.authenticator(secret).code())
    tab = visit()
    page = tab.page

    page.goto(site.url + "/login")
    page.get_by_label("Username").fill("rico")
    page.get_by_label("Password").fill(PASSWORDS["therapist"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/mfa**")
    tab.check("totp-step")
    page.get_by_label("Verification or recovery code").fill(codes[0])
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_selector("text=Signed in as")


def test_password_policy_updates_while_typing(site: LiveSite, visit: Any) -> None:
    site.create_user("paula", "therapist")
    tab = visit()
    page = tab.page
    sign_in(tab, site, "paula", "therapist")

    page.goto(site.url + "/account/password")
    field = page.get_by_label("New password", exact=True)
    field.fill("short")
    assert "is-unmet" in (page.locator('li[data-rule="length"]').get_attribute("class") or "")
    field.fill("aaaa1234Paula!")
    assert "is-unmet" in (page.locator('li[data-rule="repeat"]').get_attribute("class") or "")
    assert "is-unmet" in (page.locator('li[data-rule="sequence"]').get_attribute("class") or "")
    tab.check("password-policy-unmet")

    new_password = "Violet!Meadow#58"
    field.fill(new_password)
    assert page.locator("li.is-unmet").count() == 0
    assert page.locator("#password-policy-summary").inner_text() == "Every rule is met."
    page.get_by_label("Current password").fill(PASSWORDS["therapist"])
    page.get_by_label("New password again").fill(new_password + "x")
    page.get_by_role("button", name="Change password").click()
    assert "The new passwords differ" in page.locator("main").inner_text()
    tab.check("password-mismatch")

    page.get_by_label("Current password").fill(PASSWORDS["therapist"])
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account?notice=password_changed")
    tab.check("password-changed")


def test_inactivity_warning_then_sign_out(tmp_path: Path, visit: Any) -> None:
    # A one-minute inactivity limit; the page clock is fast-forwarded instead of waiting.
    with run_site(tmp_path, MAX_INACTIVE_MINUTES=1) as short_site:
        short_site.create_user("ivan", "therapist")
        tab = visit()
        page = tab.page
        page.clock.install()
        sign_in(tab, short_site, "ivan", "therapist")
        assert page.locator("body").get_attribute("data-idle-seconds") == "60"

        page.clock.fast_forward(31_000)
        dialog = page.locator("#session-dialog")
        dialog.wait_for(state="visible")
        assert "You will be signed out in" in dialog.inner_text()
        tab.check("timeout-warning")

        with page.expect_response("**/session/keepalive") as keepalive:
            page.get_by_role("button", name="Stay signed in").click()
        assert keepalive.value.ok
        dialog.wait_for(state="hidden")
        assert "/login" not in page.url

        page.clock.fast_forward(61_000)
        page.wait_for_url("**/login?reason=timeout")
        assert "no activity for a while" in page.locator("main").inner_text()
        tab.check("timed-out")
        page.goto(short_site.url + "/history")
        assert page.url.startswith(short_site.url + "/login")

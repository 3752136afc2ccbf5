"""An administrator (signed in with TOTP) manages users, checks the audit chain, and works an
incident opened by a simulated brute-force attack through the security dashboard, in Chromium."""

import time
from typing import Any

import pytest

from .conftest import LiveSite, sign_in

pytestmark = pytest.mark.e2e
BRUTE_FORCE_ATTEMPTS = 10
INCIDENT_WAIT_SECONDS = 20


def test_admin_creates_and_manages_a_user(site: LiveSite, visit: Any) -> None:
    site.create_user("ada", "admin", mfa=True)
    tab = visit()
    page = tab.page
    sign_in(tab, site, "ada", "admin")

    page.goto(site.url + "/admin/users")
    tab.check("users")
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Email (optional)").fill("nina@clinic.test")
    page.get_by_label("Role", exact=True).select_option("therapist")
    page.get_by_role("button", name="Create user").click()
    generated = page.locator("#created-password").inner_text()
    assert len(generated) >= 12
    row = page.locator("tr", has=page.get_by_role("rowheader", name="nina"))
    assert row.count() == 1
    tab.check("user-created")

    page.get_by_label("Username").fill("x")
    page.get_by_role("button", name="Create user").click()
    assert "Use 3 to 64 letters" in page.locator("#new_username-error").inner_text()
    tab.check("user-invalid")

    row = page.locator("tr", has=page.get_by_role("rowheader", name="nina"))
    row.get_by_label("Role of nina").select_option("viewer")
    row.get_by_role("button", name="Change role of nina").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="nina"))
    assert row.get_by_label("Role of nina").input_value() == "viewer"
    row.get_by_role("button", name="Disable nina").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="nina"))
    assert "Disabled" in row.inner_text()

    newcomer = visit()
    newcomer.page.goto(site.url + "/login")
    newcomer.page.get_by_label("Username").fill("nina")
    newcomer.page.get_by_label("Password").fill(generated)
    newcomer.page.get_by_role("button", name="Sign in").click()
    assert "The username or password is wrong" in newcomer.page.locator("main").inner_text()

    for path, name in (
        ("/admin/sessions", "sessions"),
        ("/admin/settings", "settings"),
        ("/admin/compliance", "compliance"),
    ):
        page.goto(site.url + path)
        tab.check(name)
    page.goto(site.url + "/admin/sessions")
    assert "(this session)" in page.locator("main").inner_text()

    page.goto(site.url + "/admin/audit")
    page.get_by_role("button", name="Verify chain").click()
    assert "The audit chain is intact" in page.locator("main").inner_text()
    tab.check("audit-verified")
    page.get_by_label("Action").fill("user:")
    page.get_by_role("button", name="Apply").click()
    assert "user:create" in page.locator("tbody").inner_text()


def test_admin_resets_a_forgotten_password(site: LiveSite, visit: Any) -> None:
    site.create_user("lin", "admin", mfa=True)
    site.create_user("omar", "therapist")
    forgetful = visit()
    sign_in(forgetful, site, "omar", "therapist")

    tab = visit()
    page = tab.page
    sign_in(tab, site, "lin", "admin")
    page.goto(site.url + "/admin/users")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="omar"))
    row.get_by_role("button", name="Reset password of omar").click()
    temporary = page.locator("#reset-password").inner_text()
    assert len(temporary) >= 20
    tab.check("password-reset")

    forgetful.page.goto(site.url + "/history")
    forgetful.page.wait_for_url("**/login**")
    forgetful.page.get_by_label("Username").fill("omar")
    forgetful.page.get_by_label("Password").fill(temporary)
    forgetful.page.get_by_role("button", name="Sign in").click()
    forgetful.page.goto(site.url + "/history")
    forgetful.page.wait_for_url("**/account/password")
    forgetful.check("password-change-required")
    forgetful.page.get_by_label("Current password").fill(temporary)
    forgetful.page.get_by_label("New password", exact=True).fill("Harbor#Lantern62Quill")
    forgetful.page.get_by_label("New password again").fill("Harbor#Lantern62Quill")
    forgetful.page.get_by_role("button", name="Change password").click()
    forgetful.page.goto(site.url + "/history")
    assert forgetful.page.url.endswith("/history")


def test_brute_force_incident_is_resolved(site: LiveSite, visit: Any) -> None:
    site.create_user("grace", "admin", mfa=True)
    site.create_user("bob", "therapist")
    attacker = visit()
    for attempt in range(BRUTE_FORCE_ATTEMPTS):
        attacker.page.goto(site.url + "/login")
        attacker.page.get_by_label("Username").fill("bob")
        attacker.page.get_by_label("Password").fill(f"Wrong!Guess{attempt:04d}x")
        attacker.page.get_by_role("button", name="Sign in").click()
        attacker.page.wait_for_selector(".alert--error")
    attacker.check("failed-login")

    tab = visit()
    page = tab.page
    sign_in(tab, site, "grace", "admin")
    deadline = time.monotonic() + INCIDENT_WAIT_SECONDS
    incident = page.get_by_role("link", name="Brute-force sign-in attempts")
    while True:
        page.goto(site.url + "/admin/security")
        if incident.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert incident.count() == 1, "no incident was opened by the simulated brute force"
    assert page.locator("#security-trend").count() == 1
    tab.check("security-dashboard")

    incident.click()
    assert page.locator("tbody tr").count() >= 1
    tab.check("incident")
    page.get_by_label("New status").select_option("resolved")
    page.get_by_role("button", name="Save status").click()
    assert "write both the root cause and the resolution" in page.locator("#root_cause-error").inner_text()
    tab.check("incident-needs-notes")

    page.get_by_label("New status").select_option("resolved")
    page.get_by_label("Root cause").fill("Password guessing against account id of bob from one client.")
    page.get_by_label("Resolution notes").fill(
        "Confirmed with the owner; password reset and account unlocked."
    )
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url("**/admin/security?notice=incident_updated*")
    row = page.locator("tr", has=page.get_by_role("link", name="Brute-force sign-in attempts"))
    assert "Resolved" in row.inner_text()
    tab.check("incident-resolved")

    page.goto(site.url + "/admin/security/report")
    tab.check("daily-report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF")


def test_custom_rubric_errors_in_place(site: LiveSite, visit: Any) -> None:
    site.create_user("rhea", "admin", mfa=True)
    tab = visit()
    page = tab.page
    sign_in(tab, site, "rhea", "admin")

    page.goto(site.url + "/rubrics")
    tab.check("rubrics")
    page.get_by_role("link", name="Add a custom rubric").click()
    page.get_by_label("Rubric YAML").fill("id: clinic-pt\nname: Clinic PT\nversion: one\nrules: []\n")
    page.get_by_role("button", name="Validate and save").click()
    error = page.locator("#rubric_yaml-error")
    assert error.count() == 1
    assert error.inner_text().strip() != ""
    assert page.get_by_label("Rubric YAML").input_value().startswith("id: clinic-pt")
    tab.check("rubric-invalid")

    page.goto(site.url + "/rubrics")
    page.locator("h2 a").first.click()
    assert page.locator("article.finding").count() > 5
    tab.check("rubric-rules")

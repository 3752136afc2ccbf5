"""A therapist analyzes an MTSamples note in Chromium, then reads and exports the report.
Other users cannot reach it, and a viewer cannot reach the upload or admin pages."""

from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveSite, sign_in

pytestmark = pytest.mark.e2e
NOTE_NAME = "PT_physical-therapy-ankle-sprain_1612.txt"
ANALYSIS_SECONDS = 90


def analyze_note(tab: Any, site: LiveSite, note: Path) -> str:
    """Upload the note on the analyze page, follow the live progress and return the report URL."""
    page = tab.page
    page.goto(site.url + "/analyze")
    tab.check("analyze")
    page.locator("#document").set_input_files(str(note))
    assert page.locator("#dropzone-file").inner_text() == f"Selected: {note.name}"
    page.get_by_label("Strictness").select_option("standard")
    page.get_by_role("button", name="Analyze").click()
    # Either the report opens or the page shows why the analysis failed; fail fast on the second.
    page.wait_for_function(
        "() => location.pathname.startsWith('/reports/') || !document.getElementById('analyze-error').hidden",
        timeout=ANALYSIS_SECONDS * 1000,
    )
    assert "/reports/" in page.url, page.locator("#analyze-error").inner_text()
    page.wait_for_load_state("load")
    return page.url


def test_analyze_read_export_and_history(site: LiveSite, visit: Any, therapy_notes_dir: Path) -> None:
    site.create_user("tara", "therapist")
    tab = visit()
    page = tab.page
    sign_in(tab, site, "tara", "therapist")

    report_url = analyze_note(tab, site, therapy_notes_dir / NOTE_NAME)
    assert page.locator("h1").inner_text() == NOTE_NAME
    score = float(page.locator("#score-value").inner_text())
    assert 0 <= score <= 100
    assert page.locator("article.finding").count() > 0
    tab.check("report")

    marks = page.locator("mark.evidence")
    if marks.count():
        first_evidence = page.locator("article.finding dd a[href^='#evidence-']").first
        target = first_evidence.get_attribute("href")
        first_evidence.click()
        assert page.url.endswith(target or "")
        page.locator(f"mark.evidence:has({target}) a").click()
        assert "#finding-" in page.url

    met_link = page.locator("mark.evidence a").last
    met_target = met_link.get_attribute("href") or ""
    met_link.click()
    assert page.locator(met_target).is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export JSON").click()
    assert b'"score"' in Path(download_info.value.path()).read_bytes()

    page.goto(site.url + "/")
    assert "Score trend" in page.locator("main").inner_text()
    assert page.locator("#score-trend").count() == 1
    tab.check("home-with-trend")

    page.goto(site.url + "/history")
    page.get_by_label("Search file names").fill("ankle")
    page.get_by_label("Discipline").select_option("PT")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("link", name=NOTE_NAME).count() == 1
    tab.check("history-filtered")
    page.get_by_label("Search file names").fill("no-such-note")
    page.get_by_role("button", name="Apply").click()
    assert "No analyses yet." in page.locator("main").inner_text()

    other = visit()
    site.create_user("theo", "therapist")
    sign_in(other, site, "theo", "therapist")
    other.page.goto(report_url)
    assert other.page.locator("h1").inner_text() == "Page not found"
    other.check("other-therapist-404")
    missing = other.page.goto(site.url + "/reports/00000000-0000-0000-0000-000000000000")
    assert missing is not None and missing.status == 404
    assert other.page.locator("h1").inner_text() == "Page not found"
    denied = other.page.goto(report_url + "/export/pdf")
    assert denied is not None and denied.status == 404

    site.create_user("abe", "admin", mfa=True)
    admin = visit()
    sign_in(admin, site, "abe", "admin")
    assert admin.page.locator("#team-scores").count() == 1
    admin.check("admin-home-team")

    page.goto(report_url)
    page.get_by_role("link", name="Delete").click()
    tab.check("delete-confirm")
    page.get_by_role("button", name="Delete permanently").click()
    page.wait_for_url("**/history?notice=analysis_deleted")
    assert "The analysis and its original file are deleted." in page.locator("main").inner_text()
    gone = page.goto(report_url)
    assert gone is not None and gone.status == 404


def test_viewer_cannot_reach_upload_or_admin(site: LiveSite, visit: Any) -> None:
    site.create_user("vera", "viewer")
    tab = visit()
    page = tab.page
    sign_in(tab, site, "vera", "viewer")
    tab.check("viewer-home")

    nav = page.get_by_role("navigation", name="Main").inner_text()
    assert "Analyze" not in nav
    assert "Admin" not in nav
    for path in ("/analyze", "/admin/users", "/admin/security", "/admin/audit"):
        response = page.goto(site.url + path)
        assert response is not None and response.status == 404, path
        assert page.locator("h1").inner_text() == "Page not found"
    tab.check("viewer-404")


def test_wrong_file_type_shows_fix(site: LiveSite, visit: Any, tmp_path: Path) -> None:
    site.create_user("fiona", "therapist")
    tab = visit()
    page = tab.page
    sign_in(tab, site, "fiona", "therapist")
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    page.goto(site.url + "/analyze")
    page.locator("#document").set_input_files(str(image))
    page.get_by_role("button", name="Analyze").click()
    error = page.locator("#analyze-error")
    error.wait_for(state="visible")
    assert error.inner_text().strip() != ""
    tab.check("upload-rejected")

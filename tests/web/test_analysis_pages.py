"""Upload through the analyze page, follow the status, read and export the report, and the access
rules around it (other therapist: 404; admin: emergency access with a reason), over HTTP."""

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .conftest import WebSite, csrf_of

NOTE_NAME = "PT_physical-therapy-ankle-sprain_1612.txt"
ANALYSIS_SECONDS = 90


def upload(client: TestClient, note: Path, **fields: str) -> str:
    page = client.get("/analyze")
    response = client.post(
        "/analyze",
        data={"csrf_token": csrf_of(page.text), **fields},
        files={"file": (note.name, note.read_bytes(), "text/plain")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def wait_done(client: TestClient, analysis_id: str) -> dict[str, object]:
    deadline = time.monotonic() + ANALYSIS_SECONDS
    while True:
        status = client.get(f"/analyses/{analysis_id}/status").json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(status)
        time.sleep(0.3)


@pytest.fixture(scope="module")
def analyzed(site: WebSite, therapy_notes_dir: Path) -> tuple[TestClient, str]:
    site.create_user("owner", "therapist")
    client = site.client()
    site.sign_in(client, "owner", "therapist")
    analysis_id = upload(client, therapy_notes_dir / NOTE_NAME, discipline="PT", strictness="strict")
    status = wait_done(client, analysis_id)
    assert status["state"] == "done", status
    assert status["report_url"] == f"/reports/{analysis_id}"
    return client, analysis_id


def test_report_page_shows_findings_and_note(analyzed: tuple[TestClient, str]) -> None:
    client, analysis_id = analyzed
    page = client.get(f"/reports/{analysis_id}")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert NOTE_NAME in page.text
    assert "Physical therapy" in page.text
    assert "Strict strictness" in page.text
    assert 'class="finding finding--' in page.text
    assert 'id="note-text"' in page.text


def test_exports_download(analyzed: tuple[TestClient, str]) -> None:
    client, analysis_id = analyzed

    pdf = client.get(f"/reports/{analysis_id}/export/pdf")
    html = client.get(f"/reports/{analysis_id}/export/html")
    data = client.get(f"/reports/{analysis_id}/export/json")
    unknown = client.get(f"/reports/{analysis_id}/export/docx")

    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == f'attachment; filename="report-{analysis_id}.pdf"'
    assert pdf.headers["cache-control"] == "no-store"
    assert html.headers["content-type"].startswith("text/html")
    assert data.json()
    assert unknown.status_code == 404


def test_history_lists_and_filters(analyzed: tuple[TestClient, str]) -> None:
    client, analysis_id = analyzed

    listed = client.get("/history?q=ankle&discipline=PT&sort=-score")
    filtered_out = client.get("/history?min_score=101")
    bad_date = client.get("/history?date_from=yesterday")

    assert f'href="/reports/{analysis_id}"' in listed.text
    assert f'href="/reports/{analysis_id}"' not in client.get("/history?discipline=OT").text
    assert "A score must be a number from 0 to 100" in filtered_out.text
    assert "a date must look like 2026-12-31" in bad_date.text


def test_other_therapist_gets_404(site: WebSite, analyzed: tuple[TestClient, str]) -> None:
    _, analysis_id = analyzed
    site.create_user("intruder", "therapist")
    client = site.client()
    site.sign_in(client, "intruder", "therapist")

    for path in (
        f"/reports/{analysis_id}",
        f"/reports/{analysis_id}/export/pdf",
        f"/reports/{analysis_id}/delete",
        f"/analyses/{analysis_id}/progress",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.get(f"/analyses/{analysis_id}/status").status_code == 404
    assert NOTE_NAME not in client.get("/history").text


def test_admin_needs_reason_for_emergency_access(site: WebSite, analyzed: tuple[TestClient, str]) -> None:
    _, analysis_id = analyzed
    secret = site.create_user("chief", "admin", mfa=True)
    client = site.client()
    site.sign_in(client, "chief", "admin", secret=secret)

    form = client.get(f"/reports/{analysis_id}")
    assert "This analysis belongs to another user" in form.text
    short = client.post(f"/reports/{analysis_id}", data={"reason": "why", "csrf_token": csrf_of(form.text)})
    assert short.status_code == 422
    assert "Write a reason of 10 to 500 characters" in short.text

    opened = client.post(
        f"/reports/{analysis_id}",
        data={"reason": "Ticket 4411: owner asked for a review", "csrf_token": csrf_of(short.text)},
    )
    assert opened.status_code == 200
    assert "Emergency access, recorded in the audit log" in opened.text
    assert "Export PDF" not in opened.text


def test_upload_rejects_bad_options(site: WebSite, therapy_notes_dir: Path) -> None:
    site.create_user("options", "therapist")
    client = site.client()
    site.sign_in(client, "options", "therapist")
    page = client.get("/analyze")

    response = client.post(
        "/analyze",
        data={"csrf_token": csrf_of(page.text), "discipline": "XX", "strictness": "harsh"},
        files={"file": (NOTE_NAME, (therapy_notes_dir / NOTE_NAME).read_bytes(), "text/plain")},
    )

    assert response.status_code == 422
    assert "Pick PT, OT, SLP or Detect automatically." in response.text
    assert "Pick lenient, standard or strict." in response.text


def test_delete_removes_the_analysis(site: WebSite, therapy_notes_dir: Path) -> None:
    site.create_user("deleter", "therapist")
    client = site.client()
    site.sign_in(client, "deleter", "therapist")
    analysis_id = upload(client, therapy_notes_dir / NOTE_NAME)
    assert wait_done(client, analysis_id)["state"] == "done"

    confirm = client.get(f"/reports/{analysis_id}/delete")
    response = client.post(
        f"/reports/{analysis_id}/delete", data={"csrf_token": csrf_of(confirm.text)}, follow_redirects=False
    )

    assert response.headers["location"] == "/history?notice=analysis_deleted"
    assert client.get(f"/reports/{analysis_id}").status_code == 404


def test_admin_home_shows_team_scores(site: WebSite, analyzed: tuple[TestClient, str]) -> None:
    secret = site.create_user("lead", "admin", mfa=True)
    client = site.client()
    site.sign_in(client, "lead", "admin", secret=secret)

    home = client.get("/")

    assert "Scores by therapist" in home.text
    assert 'id="team-scores"' in home.text
    assert '<th scope="row">owner</th>' in home.text

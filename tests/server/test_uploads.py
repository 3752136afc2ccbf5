"""Test hostile uploads and file names (cases U01-U06 and F01-F05).

Bad uploads get typed errors, and limits are enforced while the body is read. The content decides
the format. Display names are cleaned, and the stored name is generated."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from electroanalyzer.documents.intake import clean_file_name
from electroanalyzer.documents.models import Document
from server.conftest import TEST_POLICY, start_api
from server.support import Api

ANALYZE = "/api/v2/analysis/analyze"
TXT_LIMIT = 4000
POLICY = {
    **TEST_POLICY,
    "uploads": {
        "max_bytes": {"txt": TXT_LIMIT, "pdf": 8000, "docx": 8000, "doc": 8000},
        "max_request_bytes": 20000,
    },
}
NOTE = b"Daily note. Patient tolerated gait training 3x10 with moderate cues. Plan: continue POC.\n"


@pytest.fixture
def limited(make_settings: Any) -> Iterator[tuple[Api, str]]:
    for api in start_api(make_settings(POLICY)):
        api.create_user("uploader")
        yield api, api.token("uploader")


def send(api: Api, token: str, data: bytes, name: str = "note.txt", content_type: str = "text/plain") -> Any:
    return api.post(ANALYZE, token=token, files={"file": (name, data, content_type)})


@pytest.mark.parametrize("data", [b"", b"   \n\t  \n", b"\n" * 50])
def test_u01_empty_and_whitespace_documents(limited: tuple[Api, str], data: bytes) -> None:
    api, token = limited
    response = send(api, token, data)
    assert response.status_code == 422
    assert response.json()["code"] == "empty"


def test_u02_size_limit_per_format_exact_limit_accepted(limited: tuple[Api, str]) -> None:
    api, token = limited
    at_limit = (NOTE * 100)[:TXT_LIMIT]
    assert send(api, token, at_limit).status_code == 202
    over = send(api, token, at_limit + b"x")
    assert over.status_code == 413


def test_u03_declared_length_over_the_limit_is_refused_before_reading(limited: tuple[Api, str]) -> None:
    api, token = limited
    response = api.post(
        ANALYZE,
        token=token,
        content=b"--b\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": "10737418240"},
    )
    assert response.status_code == 413


def test_u04_chunked_body_past_the_limit_is_aborted(limited: tuple[Api, str]) -> None:
    api, token = limited

    def body() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\n'
        for _ in range(1000):
            yield b"a" * 1000

    response = api.post(
        ANALYZE, token=token, content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64, "notes.pdf"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "notes.docx"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt"),
        (b"MZ\x90\x00" + b"\x00" * 64, "notes.doc"),
    ],
)
def test_u05_renamed_executables_are_unsupported(limited: tuple[Api, str], data: bytes, name: str) -> None:
    api, token = limited
    response = send(api, token, data, name)
    assert response.status_code == 415


def test_u06_declared_content_type_is_ignored(limited: tuple[Api, str]) -> None:
    api, token = limited
    accepted = send(api, token, NOTE, "note.pdf", "application/pdf")
    assert accepted.status_code == 202
    with api.ctx.session_factory() as db:
        assert db.scalar(select(Document.format)) == "txt"
    assert send(api, token, b"MZ" + b"\x00" * 64, "note.txt", "text/plain").status_code == 415


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\win.ini", "win.ini"),
        ("/etc/passwd", "passwd"),
        ("C:\\boot.ini", "boot.ini"),
        ("notes.pdf\x00.exe", "notes.pdf"),
        ("CON.pdf", "CON.pdf"),
        ("a.pdf.", "a.pdf"),
        ("a.pdf ", "a.pdf"),
        ("x.pdf.exe", "x.pdf.exe"),
        ("X.PDF", "X.PDF"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_f01_f05_display_names_are_cleaned(raw: str, expected: str) -> None:
    assert clean_file_name(raw) == expected


def test_f04_very_long_names_are_truncated_keeping_the_extension() -> None:
    cleaned = clean_file_name("a" * 10_000 + ".txt")
    assert len(cleaned) <= 200
    assert cleaned.endswith(".txt")


@pytest.mark.parametrize("name", ["../../etc/passwd", "x.php.pdf", "notes.pdf%00.exe", "..\\..\\win.ini"])
def test_f01_stored_file_uses_a_generated_name(limited: tuple[Api, str], name: str) -> None:
    api, token = limited
    response = send(api, token, NOTE, name)
    assert response.status_code == 202
    with api.ctx.session_factory() as db:
        document = db.scalars(select(Document)).one()
    assert document.vault_name
    assert document.vault_name.isalnum()
    stored = list(api.ctx.settings.vault_dir.rglob("*"))
    assert all(path.resolve().is_relative_to(api.ctx.settings.vault_dir.resolve()) for path in stored)
    assert "/" not in document.file_name
    assert "\\" not in document.file_name


@pytest.mark.parametrize(
    "fields",
    [{"discipline": "XX"}, {"strictness": "extreme"}, {"role": "admin"}, {"document_type": "' OR 1=1"}],
)
def test_invalid_and_unknown_form_fields_are_rejected(
    limited: tuple[Api, str], fields: dict[str, str]
) -> None:
    api, token = limited
    response = api.post(ANALYZE, token=token, files={"file": ("n.txt", NOTE, "text/plain")}, data=fields)
    assert response.status_code == 422


def test_two_files_or_no_file_are_rejected(limited: tuple[Api, str]) -> None:
    api, token = limited
    two = api.post(ANALYZE, token=token, files=[("file", ("a.txt", NOTE)), ("file", ("b.txt", NOTE))])
    assert two.status_code in (413, 422)  # the defence layer counts files first and responds with 413
    none = api.post(ANALYZE, token=token, data={"discipline": "PT"}, files={"other": ("a.txt", NOTE)})
    assert none.status_code == 422


def test_malformed_multipart_and_wrong_content_type(limited: tuple[Api, str]) -> None:
    api, token = limited
    garbage = api.post(
        ANALYZE,
        token=token,
        content=b"--b\r\nnot headers at all",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert garbage.status_code in (400, 422)  # 400 when the defence layer parses it first
    assert api.post(ANALYZE, token=token, json={"file": "x"}).status_code == 422

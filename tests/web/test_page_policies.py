"""Rules every page keeps: no inline script or style (the CSP forbids them), a CSRF field in every
form that posts, no-store caching, and a forbidden page that looks exactly like a missing one."""

import re
from pathlib import Path

import pytest

from .conftest import WebSite

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "electroanalyzer" / "web" / "templates"
STATIC = TEMPLATES.parent / "static"
REQUEST_ID = re.compile(r"<code>[^<]*</code>")
THERAPIST_PAGES = ("/", "/analyze", "/history", "/rubrics", "/account", "/account/password", "/help")


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", template_files(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_template_has_no_inline_code(template: Path) -> None:
    text = template.read_text(encoding="utf-8")

    assert not re.search(r"\sstyle=", text), "inline style attribute"
    assert "<style" not in text
    assert not re.search(r"<script(?![^>]*\ssrc=)", text), "inline script"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "http://" not in text, "external resource"
    assert "https://" not in text, "external resource"


@pytest.mark.parametrize("template", template_files(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_post_forms_carry_csrf(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    forms = re.findall(r'<form[^>]*method="post".*?</form>', text, flags=re.DOTALL)

    for form in forms:
        assert "csrf()" in form or 'name="csrf_token"' in form, form[:120]


def test_static_assets_are_local_files() -> None:
    names = sorted(path.name for path in STATIC.rglob("*") if path.is_file())

    assert names == [
        "app.css",
        "favicon.svg",
        "password-policy.js",
        "report.js",
        "session-timeout.js",
        "theme.js",
        "upload.js",
    ]
    for path in STATIC.rglob("*.js"):
        assert "http" not in path.read_text(encoding="utf-8").replace("https://", "").replace("http://", "")


def test_pages_are_no_store_with_csp(site: WebSite) -> None:
    site.create_user("nostore", "therapist")
    client = site.client()
    site.sign_in(client, "nostore", "therapist")

    for path in THERAPIST_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert "script-src 'self'" in response.headers["content-security-policy"], path


def test_static_files_are_served(site: WebSite) -> None:
    client = site.client()

    css = client.get("/static/css/app.css")
    script = client.get("/static/js/theme.js")

    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "prefers-color-scheme: dark" in css.text
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))


def test_forbidden_page_matches_missing_page(site: WebSite) -> None:
    site.create_user("forbidden", "therapist")
    client = site.client()
    site.sign_in(client, "forbidden", "therapist")

    forbidden = client.get("/admin/users")
    missing = client.get("/admin/no-such-page")
    unknown = client.get("/no-such-page")

    assert forbidden.status_code == missing.status_code == unknown.status_code == 404
    assert REQUEST_ID.sub("", forbidden.text) == REQUEST_ID.sub("", missing.text)
    assert REQUEST_ID.sub("", forbidden.text) == REQUEST_ID.sub("", unknown.text)
    assert "Page not found" in forbidden.text


def test_viewer_has_no_upload_page(site: WebSite) -> None:
    site.create_user("viewonly", "viewer")
    client = site.client()
    site.sign_in(client, "viewonly", "viewer")

    home = client.get("/")
    assert 'href="/analyze"' not in home.text
    assert client.get("/analyze").status_code == 404
    assert client.post("/analyze", data={"csrf_token": "x"}).status_code in (403, 404)


def test_api_errors_stay_json(site: WebSite) -> None:
    response = site.client().get("/api/v2/analysis/no-such-thing")

    assert response.headers["content-type"].startswith("application/problem+json")

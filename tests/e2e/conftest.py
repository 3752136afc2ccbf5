"""Browser test harness: the real server on a free loopback port, Debian's Chromium driven by
Playwright (never a downloaded browser), a screenshot of every page visited, and axe-core run on
every page with no serious or critical violation allowed.

Screenshots go to artifacts/screenshots/ at the repository root (gitignored).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.totp import Authenticator

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = ("serious", "critical")
PASSWORDS = {"admin": "Quartz!Harbor42", "therapist": "Maple!Compass73", "viewer": "Cedar!Lantern58"}
SERVER_START_SECONDS = 30
# Every test signs in from 127.0.0.1, and the brute-force test alone posts 10 wrong passwords.
SIGN_IN_PAGE_LIMITS = {"per_minute": 300, "per_hour": 3000, "burst": 20}


def fresh_keys() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FILE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def test_config_dir(target: Path) -> Path:
    """Copy the shipped config with test-friendly values.

    bcrypt cost 4 keeps sign-in fast. The account lockout is raised above the brute-force detection
    threshold, so a simulated attack opens an incident. Clients are not blocked, because every test
    browses from 127.0.0.1 and a block would stop the rest of the suite; for the same reason the
    sign-in pages allow more requests than the shipped 10 a minute.
    """
    shutil.copytree(REPO_ROOT / "config", target)
    policy_file = target / "security_policies.yaml"
    policies = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policies["password"]["bcrypt_rounds"] = 4
    policies["lockout"]["max_failures_per_account"] = 50
    policies["incidents"]["containment"]["block_client_minutes"] = 0
    for path in ("/login", "/login/mfa"):
        policies["rate_limits"]["endpoints"][path] = SIGN_IN_PAGE_LIMITS
    policy_file.write_text(yaml.safe_dump(policies), encoding="utf-8")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveSite:
    """A running server: its base URL and the server context for creating users."""

    url: str
    app: Any
    ctx: Any
    users: dict[str, str | None] = field(default_factory=dict)
    authenticators: dict[str, Authenticator] = field(default_factory=dict)

    def authenticator(self, secret: str) -> Authenticator:
        """The one authenticator of `secret`, so its codes never repeat a time step."""
        return self.authenticators.setdefault(secret, Authenticator(secret, self.ctx.clock))

    def create_user(self, username: str, role: str, *, mfa: bool = False) -> str | None:
        """Create an account through the users service; return its TOTP secret when MFA is enrolled."""
        from electroanalyzer.auth.permissions import Role
        from electroanalyzer.users import service as users

        created = users.create_user(
            self.ctx,
            username=username,
            password=PASSWORDS[role],
            role=Role(role),
            email=f"{username}@clinic.test",
        )
        secret = None
        if mfa:
            secret, _ = users.begin_mfa_enrolment(self.ctx, created.id)
            users.confirm_mfa_enrolment(self.ctx, created.id, self.authenticator(secret).code())
        self.users[username] = secret
        return secret


@contextmanager
def run_site(root: Path, **overrides: Any) -> Iterator[LiveSite]:
    """Migrate a fresh database and serve the app with uvicorn in a thread on a free loopback port."""
    import uvicorn

    from electroanalyzer.api import create_app
    from electroanalyzer.core.migrate import upgrade
    from electroanalyzer.core.settings import load_settings

    settings = load_settings(
        **fresh_keys(),
        config_dir=test_config_dir(root / "config"),
        data_dir=root / "data",
        retention_purge_interval_minutes=0,
        **overrides,
    )
    upgrade(settings)
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the test server did not start within {SERVER_START_SECONDS} s")
        time.sleep(0.05)
    try:
        yield LiveSite(f"http://127.0.0.1:{port}", app, app.state.context)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    with run_site(tmp_path_factory.mktemp("e2e")) as live:
        yield live


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's browser with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Visit:
    """One browser tab for one test: takes screenshots, runs axe and collects CSP violations."""

    def __init__(self, page: Any, test_name: str) -> None:
        self.page = page
        self.test_name = re.sub(r"[^A-Za-z0-9_-]+", "-", test_name)
        self.count = 0
        self.console_errors: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def check(self, name: str) -> None:
        """Screenshot the page, then fail on serious or critical axe violations and CSP errors."""
        self.page.wait_for_load_state("load")
        self.count += 1
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{self.test_name}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        violations = self.axe_violations()
        assert violations == [], f"axe found serious or critical problems on {name}:\n" + json.dumps(
            violations, indent=2
        )
        csp = [text for text in self.console_errors if "Content Security Policy" in text]
        assert csp == [], f"the page broke the CSP on {name}: {csp}"

    def axe_violations(self) -> list[dict[str, Any]]:
        # DevTools evaluation is not subject to the page's CSP, so axe runs without weakening it.
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({"
            "id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )
        return [item for item in result if item["impact"] in BLOCKING_IMPACTS]


@pytest.fixture
def visit(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[], Visit]]:
    """Factory of fresh browser contexts (separate cookies), closed after the test."""
    contexts: list[Any] = []

    def open_visit() -> Visit:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        contexts.append(context)
        suffix = f"-{len(contexts)}" if len(contexts) > 1 else ""
        return Visit(context.new_page(), request.node.name + suffix)

    yield open_visit
    for context in contexts:
        context.close()


def sign_in(visit: Visit, site: LiveSite, username: str, role: str) -> None:
    """Sign in through the form, with the TOTP step when the account has MFA."""
    page = visit.page
    page.goto(site.url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[role])
    page.get_by_role("button", name="Sign in").click()
    secret = site.users.get(username)
    if secret:
        page.wait_for_url("**/login/mfa**")
        page.get_by_label("Verification or recovery code").fill(site.authenticator(secret).code())
        page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_selector("text=Signed in as")

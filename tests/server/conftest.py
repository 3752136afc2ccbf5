"""Fixtures for the server tests: settings with fresh keys in a temporary folder, a migrated database
(SQLite file or a fresh PostgreSQL database per test module), the real app, and users."""

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from fastapi.testclient import TestClient

from electroanalyzer.api import create_app
from electroanalyzer.core.migrate import upgrade
from electroanalyzer.core.settings import Settings, generate_key_values, load_settings
from server.support import Api, LiveServer

POSTGRES_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
BASE_URL = "http://127.0.0.1"
# Fast bcrypt for tests; test_passwords checks the configured cost and the rehash separately.
TEST_POLICY: dict[str, Any] = {"password": {"bcrypt_rounds": 4}, "mfa": {"required_for_roles": []}}


def write_config(folder: Path, policy: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "security_policies.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str | None]:
    """None for SQLite (a file under the data folder), or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    name = f"ea_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def build(policy: dict[str, Any] | None = None, **overrides: Any) -> Settings:
        folder = tmp_path / f"instance-{uuid.uuid4().hex[:8]}"
        values: dict[str, Any] = {
            **generate_key_values(),
            "data_dir": folder / "var",
            "config_dir": write_config(folder / "config", policy if policy is not None else TEST_POLICY),
            "enable_rate_limiting": False,
            "enable_threat_detection": False,
            "retention_purge_interval_minutes": 0,
            "sse_poll_seconds": 0.05,
        }
        values.update(overrides)
        return load_settings(**values)

    return build


def start_api(settings: Settings) -> Iterator[Api]:
    upgrade(settings)
    app = create_app(settings)
    with TestClient(app, base_url=BASE_URL) as client:
        yield Api(client, app.state.context)
    app.state.context.engine.dispose()


@pytest.fixture
def api(make_settings: Callable[..., Settings]) -> Iterator[Api]:
    """The app on SQLite (one fresh instance per test)."""
    yield from start_api(make_settings())


_migrated: set[str] = set()


@pytest.fixture
def api_on(make_settings: Callable[..., Settings], database_url: str | None) -> Iterator[Api]:
    """The app on SQLite and on PostgreSQL (one database per test module, emptied before each test)."""
    if database_url is None:
        yield from start_api(make_settings())
        return
    settings = make_settings(database_url=database_url)
    if database_url in _migrated:
        _empty_postgres(database_url)
    _migrated.add(database_url)
    yield from start_api(settings)


def _empty_postgres(url: str) -> None:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        connection.execute(
            "TRUNCATE " + ", ".join(f'"{table}"' for table in tables) + " RESTART IDENTITY CASCADE"
        )
        connection.execute(
            "INSERT INTO audit_head (id, last_entry_id, last_mac) VALUES (1, 0, %s)", ("0" * 64,)
        )


@pytest.fixture
def live_server(make_settings: Callable[..., Settings]) -> Iterator[LiveServer]:
    with LiveServer(make_settings()) as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def session_logs_hold_no_phi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Record every INFO-or-higher log line of this test session as JSON and, at the end, run the PHI
    detector over all of it: the whole server suite must log no PHI beyond allow-listed ids."""
    import logging

    from electroanalyzer.core.logging import JsonFormatter
    from server.phi_logs import phi_findings

    path = tmp_path_factory.mktemp("logs") / "server-tests.jsonl"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    findings = phi_findings(lines)
    assert not findings, f"PHI found in the server tests' logs: {findings[:10]}"

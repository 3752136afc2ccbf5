"""A smaller set over real HTTP (uvicorn on a free loopback port): sign-in, Server-Sent Events progress
while a note is analyzed, and the Redis job queue consumed by a worker."""

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from electroanalyzer.core.context import build_context
from electroanalyzer.jobs.runner import work_forever
from server.conftest import TEST_POLICY
from server.support import PASSWORD, LiveServer, wait_for_analysis

NOTE = (
    b"OT daily note. Patient completed upper body dressing with min assist; tolerated well. Plan: continue.\n"
)


def sign_in(server: LiveServer, username: str) -> str:
    from electroanalyzer.auth.permissions import Role
    from electroanalyzer.users import service

    service.create_user(server.app.state.context, username=username, password=PASSWORD, role=Role.THERAPIST)
    response = httpx.post(
        f"{server.url}/api/v2/auth/token", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200
    return str(response.json()["access_token"])


def test_sse_streams_progress_until_done(live_server: LiveServer) -> None:
    token = sign_in(live_server, "streamer")
    headers = {"Authorization": f"Bearer {token}"}
    upload = httpx.post(
        f"{live_server.url}/api/v2/analysis/analyze", headers=headers, files={"file": ("n.txt", NOTE)}
    )
    assert upload.status_code == 202
    events: list[str] = []
    with httpx.stream(
        "GET", f"{live_server.url}/api/v2/analysis/{upload.json()['id']}/events", headers=headers, timeout=120
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event: "):
                events.append(line.removeprefix("event: "))
    assert events[0] == "progress" and events[-1] == "done"


@pytest.mark.redis
def test_redis_queue_is_run_by_a_worker(make_settings: Any, tmp_path: Path) -> None:
    import uuid

    settings = make_settings(TEST_POLICY, job_backend="redis", job_queue=f"test-jobs-{uuid.uuid4().hex}")
    client = redis.Redis.from_url(settings.redis_url)
    with LiveServer(settings) as server:
        token = sign_in(server, "queued")
        headers = {"Authorization": f"Bearer {token}"}
        upload = httpx.post(
            f"{server.url}/api/v2/analysis/analyze", headers=headers, files={"file": ("n.txt", NOTE)}
        )
        assert upload.status_code == 202
        assert (
            httpx.get(f"{server.url}/api/v2/analysis/{upload.json()['id']}", headers=headers).json()["status"]
            == "queued"
        )
        worker_ctx = build_context(settings)
        worker = threading.Thread(target=work_forever, args=(worker_ctx,), kwargs={"max_jobs": 1})
        worker.start()
        worker.join(timeout=60)
        assert not worker.is_alive(), "the worker took no job"

        class HttpApi:
            def get(self, url: str, token: str) -> httpx.Response:
                return httpx.get(f"{server.url}{url}", headers={"Authorization": f"Bearer {token}"})

        body = wait_for_analysis(HttpApi(), upload.json()["id"], token)  # type: ignore[arg-type]
        assert body["status"] == "succeeded"
        worker_ctx.engine.dispose()
    assert client.llen(settings.job_queue) == 0
    client.close()

"""Job runners for analyses. `JobRunner` is the interface; `ThreadPoolJobRunner` runs jobs in this process
and `RedisJobRunner` pushes job ids to a Redis list that `electroanalyzer worker` processes consume."""

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from electroanalyzer.analyses.execution import run_analysis
from electroanalyzer.core.context import ServerContext

logger = logging.getLogger(__name__)


class JobRunner(Protocol):
    def submit(self, analysis_id: str) -> None: ...

    def shutdown(self) -> None: ...


class ThreadPoolJobRunner:
    def __init__(self, ctx: ServerContext, workers: int) -> None:
        self.ctx = ctx
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analysis")

    def submit(self, analysis_id: str) -> None:
        self._pool.submit(self._run, analysis_id)

    def _run(self, analysis_id: str) -> None:
        try:
            run_analysis(self.ctx, analysis_id)
        except Exception as error:  # the pool would swallow it silently
            logger.error(
                "analysis_job_crashed", extra={"analysis_id": analysis_id, "error_type": type(error).__name__}
            )

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class RedisJobRunner:
    """Enqueue only; the analyses run in `electroanalyzer worker` processes (see `work_forever`)."""

    def __init__(self, redis_url: str, queue: str) -> None:
        import redis

        self._client = redis.Redis.from_url(redis_url)
        self._queue = queue

    def submit(self, analysis_id: str) -> None:
        self._client.lpush(self._queue, analysis_id)

    def shutdown(self) -> None:
        self._client.close()


def work_forever(ctx: ServerContext, *, max_jobs: int | None = None, poll_seconds: int = 5) -> int:
    """Take job ids from the Redis queue and run them until stopped (or `max_jobs` done); return the count."""
    import redis

    client = redis.Redis.from_url(ctx.settings.redis_url)
    done = 0
    try:
        while max_jobs is None or done < max_jobs:
            item = client.brpop([ctx.settings.job_queue], timeout=poll_seconds)
            if item is None:
                continue
            raw = item[1]
            analysis_id = (raw.decode("ascii", "replace") if isinstance(raw, bytes) else str(raw))[:36]
            run_analysis(ctx, analysis_id)
            done += 1
    finally:
        client.close()
    return done


def build_runner(ctx: ServerContext) -> JobRunner:
    if ctx.settings.job_backend == "redis":
        return RedisJobRunner(ctx.settings.redis_url, ctx.settings.job_queue)
    return ThreadPoolJobRunner(ctx, ctx.settings.job_workers)

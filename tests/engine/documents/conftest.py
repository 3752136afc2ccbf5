from collections.abc import Iterator

import pytest

from electroanalyzer.engine.documents import ExtractionWorkerPool


@pytest.fixture(scope="module")
def worker_pool() -> Iterator[ExtractionWorkerPool]:
    """A private one-worker pool, so tests that kill or starve a worker affect no other test."""
    pool = ExtractionWorkerPool(max_workers=1)
    yield pool
    pool.close()

"""Fixtures shared by every test area."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """Return the folder of public test documents: $EA_SHARED_DATA, else ../shared/data."""
    configured = os.environ.get("EA_SHARED_DATA")
    folder = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not folder.is_dir():
        raise RuntimeError(f"shared test data not found at {folder}; set EA_SHARED_DATA to its path")
    return folder


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return shared_data_dir()


@pytest.fixture(scope="session")
def therapy_notes_dir(shared_data: Path) -> Path:
    return shared_data / "mtsamples_therapy" / "notes"


@pytest.fixture(scope="session")
def documents_dir(shared_data: Path) -> Path:
    return shared_data / "documents" / "files"

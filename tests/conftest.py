"""Suite-wide set-up: results caches live in a temporary directory, never in the user's home."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Subprocesses inherit the variable, so CLI runs under test use the same private cache.
    os.environ["CONTAINERSEC_CACHE_DIR"] = str(tmp_path_factory.mktemp("containersec-cache"))

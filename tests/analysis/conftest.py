"""Shared fixtures: clip directories, the real-footage folder, analysed clips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.synth import MEDIA

MEDIA_REASON = (
    f"real footage folder {MEDIA} is absent (it is <repo root>/../shared/media; present in CI)"
)


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory per test session (per xdist worker) for generated clips."""
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def media() -> Path:
    """The shared real-footage folder; tests that need it skip with the reason when absent."""
    if not MEDIA.is_dir():
        pytest.skip(MEDIA_REASON)
    return MEDIA

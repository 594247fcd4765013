"""Shared fixtures: clip directories, the real-footage folder, analysed clips."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reelgate.analysis import analyze_clip
from reelgate.analysis.cache import AnalysisCache
from reelgate.analysis.model import ClipAnalysis
from tests.analysis.synth import MEDIA, write_clip

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


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> AnalysisCache:
    """An analysis cache all xdist workers of this run share (the workers' temp folders have a
    common parent): a real clip is analysed once per run, not once per test."""
    return AnalysisCache(
        tmp_path_factory.getbasetemp().parent,
        directory=(tmp_path_factory.getbasetemp().parent / "shared-analysis-cache"),
    )


@pytest.fixture(scope="session")
def shared_clip(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, Callable[[], list[np.ndarray]]], Path]:
    """Write a generated clip once per run, where every xdist worker finds it (atomically:
    a worker never reads a clip another is still writing)."""
    folder = tmp_path_factory.getbasetemp().parent / "shared-clips"
    folder.mkdir(exist_ok=True)

    def clip(name: str, frames: Callable[[], list[np.ndarray]]) -> Path:
        path = folder / name
        if not path.exists():
            partial = folder / f".{name}.{os.getpid()}.mp4"
            write_clip(partial, frames())
            os.replace(partial, path)
        return path

    return clip


@pytest.fixture(scope="session")
def real_clip(media: Path, shared_cache: AnalysisCache) -> Callable[[str], ClipAnalysis]:
    """Analyse a clip from the media folder (through the shared cache)."""

    def analyse(name: str) -> ClipAnalysis:
        return analyze_clip(media / name, cache=shared_cache)

    return analyse

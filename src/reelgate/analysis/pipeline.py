"""One analysis run: resolve and hash the clip, decode it once, feed every measure, assemble."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from reelgate.analysis.camera import analyse_camera
from reelgate.analysis.continuity import analyse_continuity
from reelgate.analysis.decode import ClipInfo, ClipReader
from reelgate.analysis.errors import ClipNotFound, PathOutsideRoot
from reelgate.analysis.facts import video_facts
from reelgate.analysis.features import Extractor
from reelgate.analysis.model import ClipAnalysis, Quality
from reelgate.analysis.motion import analyse_motion, motion_readability
from reelgate.analysis.planes import Frame
from reelgate.analysis.quality import QualityMeter
from reelgate.analysis.settings import ANALYZER_VERSION, AnalysisSettings
from reelgate.analysis.subject import SubjectTracker

_HASH_CHUNK = 1 << 20


def resolve_clip(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Path:
    """The clip's real path; with ``root``, relative paths are taken from it and the result
    (symlinks followed) must stay inside it."""
    given = Path(path)
    if root is not None:
        base = Path(root).resolve()
        resolved = (given if given.is_absolute() else base / given).resolve()
        if not resolved.is_relative_to(base):
            raise PathOutsideRoot(str(path), f"resolves outside the allowed directory {base}")
    else:
        resolved = given.resolve()
    if not resolved.exists():
        raise ClipNotFound(str(path), "no such file")
    if not resolved.is_file():
        raise ClipNotFound(str(path), "not a regular file")
    return resolved


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def run_analysis(path: Path, label: str, sha256: str, settings: AnalysisSettings) -> ClipAnalysis:
    """Decode ``path`` once and measure everything; raises AnalysisError on unusable input."""
    with ClipReader(path, settings, label) as reader:
        return analyse_frames(reader.frames(), reader.info, label, sha256, settings)


def analyse_frames(
    frames: Iterable[Frame], info: ClipInfo, label: str, sha256: str, settings: AnalysisSettings
) -> ClipAnalysis:
    """Every measure of a clip from its decoded frames, in order: a pure function of the
    frames' values (never of where their buffers lie in memory)."""
    size = info.motion_size
    extractor = Extractor(size, settings.features, settings.flow_fit)
    subject = SubjectTracker(size, settings.subject, settings.quality.blur_window)
    quality = QualityMeter(settings.quality)
    for frame in frames:
        step = extractor.push(frame)
        subject.push(frame, step)
        quality.push(frame)
    features = extractor.finish()
    continuity = analyse_continuity(features, settings.continuity)
    camera = analyse_camera(features, continuity.cut_frames, info.width, settings.camera)
    first_cut = continuity.cuts[0] if continuity.cuts else None
    subject_integrity, clarity = subject.finish(features.times, first_cut)
    return ClipAnalysis(
        file=label,
        sha256=sha256,
        analyzer_version=ANALYZER_VERSION,
        video=video_facts(info, features.times, settings),
        camera=camera,
        continuity=continuity,
        subject=subject_integrity,
        motion=analyse_motion(features, camera, settings.motion),
        quality=Quality(
            **quality.medians(),
            motion_readability=motion_readability(features, settings.motion),
            subject_clarity=round(clarity, 4),
        ),
    )

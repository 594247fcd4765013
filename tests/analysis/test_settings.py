"""Tuning you can find and change: every detector threshold is a described, frozen setting,
the detectors read the settings they are given, and the analyzer identity follows them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

import reelgate.analysis.settings as settings_module
from reelgate.analysis import ANALYZER_VERSION, AnalysisSettings, analyze_clip
from reelgate.analysis.cache import AnalysisCache
from reelgate.analysis.model import ClipAnalysis
from reelgate.analysis.settings_camera import CameraSettings
from reelgate.analysis.settings_continuity import (
    BrightnessSettings,
    ContinuitySettings,
    CutSettings,
    WarpSettings,
)
from reelgate.analysis.settings_picture import SubjectSettings
from tests.analysis.synth import Camera, Shot, flash, write_clip

# Module-level numbers that are not thresholds: array shapes, unit conversions, a statistical
# constant, buffer sizes. Anything else numeric at module level is a threshold out of place.
PURE_CONSTANTS = {
    "BLOCKS", "THUMB", "PATCH", "COARSE", "NATIVE_CROP",  # array shapes
    "ROLL_WEIGHT",  # degrees per second to frame fractions at the edge
    "MAD_TO_SIGMA",  # Gaussian consistency of the median absolute deviation
    "FALLBACK_FPS",  # frame rate assumed without frame times
    "QUEUE_DEPTH", "_CHUNK", "_HASH_CHUNK", "BLOCK",  # buffer sizes
    "_SOBEL_GAIN",  # the 3x3 Sobel kernel's largest response per level (a property of the kernel)
}


def _leaves(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, BaseModel, str]]:
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _leaves(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", model, field.description or ""


def test_every_setting_says_its_unit_or_reason_and_is_frozen() -> None:
    leaves = list(_leaves(AnalysisSettings()))
    assert len(leaves) > 100  # every detector's thresholds, not only the decoding limits
    undocumented = [name for name, _, text in leaves if len(text.split()) < 4]
    assert undocumented == []
    for name, owner, _ in leaves:
        with pytest.raises(ValidationError):
            setattr(owner, name.rsplit(".", 1)[-1], 0)
    with pytest.raises(ValidationError, match="locked_sped"):  # a misspelt knob is no knob
        AnalysisSettings.model_validate({"camera": {"locked_sped": 0.01}})


def _numeric(node: ast.expr) -> bool:
    """A literal number or arithmetic of literal numbers (``6 / 256``, ``480 * 270``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return _numeric(node.left) and _numeric(node.right)
    if isinstance(node, ast.UnaryOp):
        return _numeric(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_numeric(item) for item in node.elts)
    return False


def test_no_threshold_is_left_as_a_module_constant() -> None:
    package = Path(settings_module.__file__).parent
    found: dict[str, str] = {}
    for path in sorted(package.glob("*.py")):
        if path.name in settings_module._NOT_RESULTS or path.name.startswith("settings"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
                names = [t.id for t in flat if isinstance(t, ast.Name)]
                rhs = node.value
                uses_math = "math." in ast.unparse(rhs) and "pi" in ast.unparse(rhs)
                if names and (_numeric(rhs) or uses_math) and node.col_offset <= 4:
                    found.update({name: path.name for name in names if name.isupper()})
    assert set(found) - PURE_CONSTANTS == set(), found


@pytest.mark.parametrize(
    "changed",
    [
        AnalysisSettings(camera=CameraSettings(locked_speed=0.01)),
        AnalysisSettings(continuity=ContinuitySettings(warp=WarpSettings(evidence=5.0))),
        AnalysisSettings(subject=SubjectSettings(mean_weight=0.6, worst_weight=0.4)),
    ],
    ids=["camera", "warp", "subject-weights"],
)
def test_the_identity_and_cache_key_follow_every_setting(changed: AnalysisSettings) -> None:
    assert settings_module._identity(AnalysisSettings()) == ANALYZER_VERSION
    assert settings_module._identity(changed) != ANALYZER_VERSION
    key = AnalysisCache.key
    assert key("0" * 64, changed) != key("0" * 64, AnalysisSettings())


@pytest.fixture(scope="module")
def flashing_pan(clip_dir: Path) -> Path:
    frames = Shot(scenery=1, camera=Camera(pan=0.06), seconds=2.5).frames()
    flash()(frames, 30)
    return write_clip(clip_dir / "settings-flashing-pan.mp4", frames)


@pytest.fixture(scope="module")
def default_read(flashing_pan: Path) -> ClipAnalysis:
    return analyze_clip(flashing_pan)


def test_the_camera_detector_reads_the_settings_it_is_given(
    flashing_pan: Path, default_read: ClipAnalysis
) -> None:
    assert "pan-right" in default_read.camera.moves
    numb = AnalysisSettings(camera=CameraSettings(locked_speed=1.0))  # nothing moves that fast
    assert analyze_clip(flashing_pan, settings=numb).camera.moves == ["locked"]


def test_the_continuity_detectors_read_the_settings_they_are_given(
    flashing_pan: Path, default_read: ClipAnalysis
) -> None:
    assert [g.kind for g in default_read.continuity.glitches] == ["flash"]
    blind = ContinuitySettings(  # no change of the picture reaches these bars
        cut=CutSettings(mismatch=200.0, chroma=200.0),
        brightness=BrightnessSettings(step=200.0),
        warp=WarpSettings(evidence=1000.0),
    )
    read = analyze_clip(flashing_pan, settings=AnalysisSettings(continuity=blind))
    assert read.continuity.glitches == [] and read.continuity.cuts == []
    assert read.camera.moves == default_read.camera.moves  # the other detectors are untouched

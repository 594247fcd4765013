"""Prompt words for layers a provider has no field for, and the parser that reads them back.

When a model has no camera or motion control, the adapter appends a short, fixed sentence to the
prompt (``Camera: slow pan-right.`` / ``Motion intensity 7/10, energetic movement.``) so the layer
still reaches the model, and the capability check warns that it is not enforced. The simulator
reads the same sentences back, so writer and parser live together here.
"""

from __future__ import annotations

import re

from reelgate.preset.camera import CameraIntent, CameraParseError, parse_camera

_MOTION_WORDS: tuple[tuple[float, str], ...] = (
    (1, "almost still"),
    (3, "subtle movement"),
    (5, "moderate movement"),
    (7, "energetic movement"),
    (9, "vigorous, fast movement"),
    (10, "extreme, chaotic movement"),
)
_MOTION = re.compile(r"motion intensity (\d+(?:\.\d+)?)/10", re.IGNORECASE)
_CAMERA = re.compile(r"camera: ([a-z -]+)\.", re.IGNORECASE)


def motion_sentence(score: float) -> str:
    word = next(text for upper, text in _MOTION_WORDS if score <= upper)
    return f"Motion intensity {score:g}/10, {word}."


def camera_sentence(camera: CameraIntent) -> str:
    return f"Camera: {camera.describe()}."


def compose_prompt(
    prompt: str,
    camera: CameraIntent | None,
    motion_score: float | None,
    *,
    camera_native: bool,
    motion_native: bool,
) -> str:
    """``prompt`` plus a sentence for each layer the model cannot take as a field."""
    parts = [prompt if prompt.endswith((".", "!", "?")) else prompt + "."]
    if camera is not None and not camera_native:
        parts.append(camera_sentence(camera))
    if motion_score is not None and not motion_native:
        parts.append(motion_sentence(motion_score))
    return " ".join(parts) if len(parts) > 1 else prompt


def read_motion(prompt: str) -> float | None:
    match = _MOTION.search(prompt)
    return min(10.0, float(match.group(1))) if match else None


def read_camera(prompt: str) -> CameraIntent | None:
    match = _CAMERA.search(prompt)
    if not match:
        return None
    try:
        return parse_camera(match.group(1))
    except CameraParseError:
        return None

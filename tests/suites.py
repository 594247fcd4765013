"""Small preset suites written into a pytester directory, for tests of the whole plugin."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

SCENARIOS = """\
scenarios:
  ad:
    motion_range: [1, 7]
    sweep: [2, 4, 6]
    camera_templates: {hero-push: slow push-in}
    provider: {name: kling, model: kling-v2-6, mode: pro}
  product:
    motion_range: [0, 6]
    sweep: [2, 4, 6]
    provider: {name: kling, model: kling-v2-6, mode: pro}
"""

VALID = """\
version: 1
scenario: ad
prompt:
  subject: a ceramic cup
  scene: a sunlit kitchen
motion: {score: 3}
camera: slow push-in
negative_prompt: [flicker]
output: {duration: 5, aspect_ratio: "16:9", resolution: 1080p, seed: 1}
"""


# For tests of recording, replay and money, not of the rubric: every rendered clip is usable.
LENIENT = """\
scenarios:
  ad:
    motion_range: [1, 7]
    sweep: [2, 4, 6]
    provider: {name: kling, model: kling-v2-6, mode: std}
    thresholds:
      rubric: {min_continuity: 0, min_subject: 0, require_camera_match: false, max_glitches: 999,
               max_cuts: 999}
"""


class SuiteWriter:
    """Writes presets under ``presets/`` of a pytester directory."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.root = pytester.path
        (self.root / "presets").mkdir(exist_ok=True)
        (self.root / "presets" / "scenarios.yaml").write_text(SCENARIOS)
        pytester.makeini("[pytest]\n")

    def preset(self, relative: str, text: str = VALID) -> Path:
        path = self.root / "presets" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path



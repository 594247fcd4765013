"""The multi-shot example: its clips cut where its shots say, and a moved boundary is caught.

The copy declares its boundary a second later (shots of 4 + 2 s instead of 3 + 3 s) and is
answered with the example's recorded clips, which cut at 2 s: a provider that did not cut where
it was asked. Its cassettes are the example's with the request rewritten to the copy's (the
body the adapter sends and the fingerprint), so the replay serves the original clips.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from reelgate.cassettes.fingerprint import fingerprint, normalized
from reelgate.plan import requests_for_point
from reelgate.preset.check import check_preset
from reelgate.preset.scenarios import load_scenarios
from reelgate.providers.kling import KlingProvider

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = "narrative/kitchen-confession.yaml"


def copy_example(root: Path) -> Path:
    (root / "presets" / "narrative").mkdir(parents=True)
    shutil.copy(REPO / "presets" / "scenarios.yaml", root / "presets")
    shutil.copy(REPO / "presets" / EXAMPLE, root / "presets" / EXAMPLE)
    shutil.copytree(REPO / "cassettes" / "kitchen-confession", root / "cassettes" / "kitchen-confession")
    (root / "cassettes" / "media").mkdir()
    for cassette in (root / "cassettes" / "kitchen-confession").glob("*.yaml"):
        for media in yaml.safe_load(cassette.read_text())["interactions"]:
            for name in media["response"]["headers"].get("x-reelgate-media", []):
                shutil.copy(REPO / "cassettes" / "media" / name, root / "cassettes" / "media")
    (root / "pytest.ini").write_text("[pytest]\n")
    return root / "presets" / EXAMPLE


def run_sweeps(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "presets", "-k", "sweep", "-p",
                           "no:cacheprovider"], cwd=root,
                          capture_output=True, text=True, timeout=600)


def answer_with_recorded_clips(root: Path, preset_file: Path) -> None:
    """Point the copied recordings at the copy's requests, keeping the recorded answers."""
    result = check_preset(preset_file, load_scenarios(root / "presets" / "scenarios.yaml"), root)
    assert result.preset is not None, result.report(root)
    for point in result.preset.sweep:
        request = requests_for_point(result.preset, point)[0]
        path = root / "cassettes" / "kitchen-confession" / f"{point}.yaml"
        cassette = yaml.safe_load(path.read_text())
        submit = cassette["interactions"][0]["request"]
        submit["body"] = json.dumps(KlingProvider(()).build_submit(request).json,
                                    separators=(",", ":"))
        cassette["reelgate"]["request"] = normalized(request)
        cassette["reelgate"]["fingerprint"] = fingerprint(normalized(request))
        path.write_text(yaml.safe_dump(cassette, sort_keys=False))


def test_the_example_cuts_where_its_shots_say(tmp_path: Path) -> None:
    copy_example(tmp_path)
    result = run_sweeps(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 passed" in result.stdout


def test_a_boundary_moved_by_a_second_fails_every_sweep_item(tmp_path: Path) -> None:
    preset_file = copy_example(tmp_path)
    text = (REPO / "presets" / EXAMPLE).read_text()
    moved = text.replace("    duration: 3\n", "    duration: 4\n", 1)
    moved = moved[::-1].replace("    duration: 3\n"[::-1], "    duration: 2\n"[::-1], 1)[::-1]
    # A 2 s shot is one fal's Kling v3 apps refuse (3 to 15 s): a schema error before any
    # sweep, as it should be; this test is about the cuts, so the copy fails over to Kling omni.
    moved = moved.replace("failover: {name: fal, model: fal-ai/kling-video/v3/standard/"
                          "text-to-video}", "failover: {name: kling, model: kling-v3-omni}")
    assert "kling-v3-omni" in moved
    assert moved != text
    preset_file.write_text(moved)
    answer_with_recorded_clips(tmp_path, preset_file)
    result = run_sweeps(tmp_path)
    out = result.stdout
    assert result.returncode == 1 and "3 failed" in out, out[-3000:]
    expected = ("shot 2: cut expected at 4.00 s (within 3 frames), found at 3.00 s "
                "(-1.00 s, 24 frames off)")
    for point in ("low", "mid", "mid-high"):
        assert f"kitchen-confession sweep[{point}]" in out
    assert out.count(expected) >= 3, out[-3000:]

"""The analysis cache, the reference gate and the ``analyze`` command."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import reelgate.analysis.pipeline as pipeline
from reelgate.analysis import AnalysisSettings, analyze_clip
from reelgate.analysis.cache import AnalysisCache
from reelgate.analysis.cli import register
from reelgate.analysis.gate import describe_violations, reference_gate
from reelgate.analysis.model import ClipAnalysis
from reelgate.cli import COMMANDS, build_parser
from reelgate.preset.thresholds import ReferenceGate
from tests.analysis.synth import Camera, Shot, Subject, write_clip


@pytest.fixture(scope="module")
def clip(clip_dir: Path) -> Path:
    walker = Subject(scenery=2, at=(0.3, 0.5), velocity=(0.1, 0.0))
    shot = Shot(scenery=1, camera=Camera(pan=0.05), subject=walker, seconds=2.5)
    return write_clip(clip_dir / "cache-clip.mp4", shot.frames())


@pytest.fixture(scope="module")
def analysis(clip: Path) -> ClipAnalysis:
    return analyze_clip(clip)


def _no_analysis(*args: object) -> ClipAnalysis:
    raise AssertionError("the clip was analysed again")


def test_a_clip_is_analysed_once(
    tmp_path: Path, clip: Path, analysis: ClipAnalysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = AnalysisCache(tmp_path)
    first = analyze_clip(clip, cache=cache)
    entries = list((tmp_path / ".reelgate" / "cache" / "analysis").iterdir())
    assert len(entries) == 1 and entries[0].suffix == ".json"
    monkeypatch.setattr(pipeline, "run_analysis", _no_analysis)
    again = analyze_clip(clip, cache=cache)
    assert again == first
    assert first.model_dump(exclude={"file"}) == analysis.model_dump(exclude={"file"})
    copy = tmp_path / "renamed.mp4"  # same content elsewhere: the same entry, its own name
    shutil.copy(clip, copy)
    moved = analyze_clip(copy, cache=cache)
    assert moved.file == str(copy) and moved.sha256 == first.sha256


def test_settings_and_damage_invalidate(tmp_path: Path, clip: Path, analysis: ClipAnalysis) -> None:
    cache = AnalysisCache(tmp_path)
    settings = AnalysisSettings()
    other = AnalysisSettings(detail_rate=2.0)
    assert cache.key(analysis.sha256, settings) != cache.key(analysis.sha256, other)
    path = cache.put(analysis, settings)
    assert cache.get(analysis.sha256, settings) == analysis
    assert cache.get(analysis.sha256, other) is None
    path.write_text(path.read_text()[:100])  # a damaged entry is ignored, then replaced
    assert cache.get(analysis.sha256, settings) is None
    analyze_clip(clip, cache=cache)
    assert cache.get(analysis.sha256, settings) is not None


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from reelgate.analysis.cache import AnalysisCache
    from reelgate.analysis.model import ClipAnalysis
    from reelgate.analysis.settings import AnalysisSettings
    analysis = ClipAnalysis.model_validate_json(Path(sys.argv[2]).read_text())
    cache = AnalysisCache(Path(sys.argv[1]))
    for _ in range(40):
        cache.put(analysis, AnalysisSettings())
""")


def test_workers_sharing_the_cache_never_see_half_an_entry(
    tmp_path: Path, analysis: ClipAnalysis
) -> None:
    source = tmp_path / "analysis.json"
    source.write_text(analysis.to_json())
    cache = AnalysisCache(tmp_path)
    settings = AnalysisSettings()
    cache.put(analysis, settings)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(source)])
        for _ in range(3)
    ]
    reads = 0
    while any(w.poll() is None for w in writers):
        assert cache.get(analysis.sha256, settings) == analysis
        reads += 1
    assert all(w.returncode == 0 for w in writers) and reads > 0
    leftovers = [p.name for p in cache.directory.iterdir() if p.suffix != ".json"]
    assert leftovers == []


def test_the_reference_gate_names_every_measure_out_of_bounds(analysis: ClipAnalysis) -> None:
    assert reference_gate(analysis, ReferenceGate(max_pacing_variation=10)) == []
    dim = analysis.model_copy(
        update={
            "quality": analysis.quality.model_copy(update={"exposure": 0.08, "noise": 9.5}),
            "continuity": analysis.continuity.model_copy(update={"cuts": [1.0, 2.0]}),
        }
    )
    gate = ReferenceGate(min_duration=3.0, max_cuts=1)
    violations = reference_gate(dim, gate)
    found = {(v.measure, v.side): (v.value, v.bound) for v in violations}
    assert found == {
        ("duration", "min"): (dim.video.duration, 3.0),
        ("exposure", "min"): (0.08, gate.min_exposure),
        ("noise", "max"): (9.5, gate.max_noise),
        ("cuts", "max"): (2.0, 1.0),
    }
    message = describe_violations("clip.mp4", violations)
    assert message.splitlines()[0] == "reference clip.mp4: 4 measures out of bounds"
    assert "exposure 0.08 is below the minimum 0.12" in message
    assert "noise 9.5 levels is above the maximum" in message
    assert "duration 2.5s is below the minimum 3s" in message


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="reelgate")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_json_follows_the_published_schema(
    clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The output validates against analysis.schema.json, and that file is the current one."""
    import jsonschema

    from reelgate.analysis import cli as analysis_cli
    from reelgate.analysis.cli import output_schema_text

    published = Path(analysis_cli.__file__).with_name("analysis.schema.json")
    assert published.read_text(encoding="utf-8") == output_schema_text(), (
        "analysis.schema.json is stale: reelgate analyze --schema > " + str(published)
    )
    code, out, _ = _run(["analyze", str(clip), "--json"], capsys)
    assert code == 0
    jsonschema.validate(json.loads(out), json.loads(published.read_text(encoding="utf-8")))
    code, out, _ = _run(["analyze", "--schema"], capsys)
    assert code == 0 and json.loads(out)["title"] == "reelgate analyze --json"


def test_analyze_json(clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["analyze", str(clip), "--json"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["file"] == str(clip) and len(data["sha256"]) == 64
    assert set(data["video"]) >= {"width", "height", "fps", "vfr", "duration", "frames", "codec"}
    assert data["camera"]["moves"] == ["pan-right"]  # the documented contract: move names
    assert data["camera"]["segments"][0]["move"] == "pan-right"
    assert set(data["camera"]["path"]) >= {"pan", "tilt", "zoom", "roll", "jitter", "speed"}
    assert set(data["continuity"]) >= {"score", "cuts", "glitches"}
    assert "score" in data["subject"] and "amount" in data["motion"]
    assert set(data["quality"]) >= {"sharpness", "exposure", "contrast", "noise"}


def test_analyze_summary_and_refusals(
    clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["analyze", str(clip)], capsys)
    assert code == 0
    assert out.splitlines()[1].startswith("video      384x216 h264")
    assert "pan-right" in out and "continuity 1.00" in out
    code, out, err = _run(["analyze", "../../etc/passwd", "--root", str(tmp_path)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "outside the allowed directory" in err


def test_analyze_cache_flag(clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(clip, tmp_path / "clip.mp4")
    code, _, _ = _run(["analyze", "clip.mp4", "--root", str(tmp_path), "--cache"], capsys)
    assert code == 0
    assert len(list((tmp_path / ".reelgate" / "cache" / "analysis").glob("*.json"))) == 1


def test_the_python_api_imports_light() -> None:
    code = (
        "import sys, reelgate.analysis as a\n"
        "assert 'cv2' not in sys.modules and 'av' not in sys.modules\n"
        "assert callable(a.analyze_clip) and callable(a.reference_gate) and a.AnalysisCache\n"
        "assert set(a.__all__) <= set(dir(a)) | set(a._LAZY)\n"
        # `reelgate analyze` loads its own command only: not the plan, providers and httpx
        "from reelgate.cli import build_parser\n"
        "build_parser(['analyze', 'clip.mp4'])\n"
        "loaded = {'reelgate.plan', 'reelgate.providers', 'httpx'}\n"
        "assert not loaded & set(sys.modules), loaded & set(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_every_command_is_registered_by_the_module_the_table_names() -> None:
    """``reelgate X`` loads only COMMANDS[X]: a command moved to another module without the
    table following would vanish from the console script."""
    def commands(parser: argparse.ArgumentParser) -> set[str]:
        (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return set(action.choices)

    assert commands(build_parser([])) == set(COMMANDS)
    for name in COMMANDS:
        assert commands(build_parser([name, "--help"])) == {name}

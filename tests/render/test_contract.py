from pathlib import Path

import av
import numpy as np
import pytest

from reelgate.media import MediaStore, StoredClip
from reelgate.providers.errors import Outcome
from reelgate.providers.result import RenderResult, Timings
from reelgate.render.contract import ContractTolerance, check_output_contract, probe_clip
from reelgate.simulator.render import ClipSpec, render_clip
from tests.providers.factories import make_request


def encode(path: Path, width: int, height: int, seconds: float, fps: int = 2) -> Path:
    """A plain (non-simulator) H.264 clip of the given size and length."""
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(round(seconds * fps)):
            image = np.full((height, width, 3), (i * 20) % 255, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def result_for(clip: Path | None, outcome: Outcome = Outcome.SUCCEEDED, served_by: str = "kling",
               served_model: str = "kling-v2-6") -> RenderResult:
    stored = StoredClip(clip, "0" * 64, clip.stat().st_size) if clip else None
    return RenderResult(key="hero-shot/mid", outcome=outcome, provider="kling",
                        model="kling-v2-6", served_by=served_by if clip else None,
                        served_model=served_model if clip else None, task_id="t1", clip=stored,
                        cost_usd=0.21, cost_source="provider",
                        timings=Timings(total_s=42.0), message="" if clip else "it failed")


def test_a_real_clip_passes_when_it_matches(tmp_path: Path) -> None:
    clip = encode(tmp_path / "ok.mp4", 1280, 720, 5)
    report = check_output_contract(make_request(), result_for(clip))
    assert report.passed, report.problems
    assert report.probe and (report.probe.width, report.probe.height) == (1280, 720)
    assert not report.probe.stand_in
    assert report.as_dict()["cost_usd"] == 0.21 and "ok (kling" in report.summary()


def test_wrong_size_length_and_shape_are_problems(tmp_path: Path) -> None:
    clip = encode(tmp_path / "small.mp4", 640, 480, 3)
    report = check_output_contract(make_request(), result_for(clip))
    assert not report.passed
    text = " | ".join(report.problems)
    assert "duration 3 s, requested 5 s" in text
    assert "aspect ratio 640:480" in text
    assert "resolution 640x480 (short side 480), requested 720p" in text


def test_tolerance_is_configurable(tmp_path: Path) -> None:
    clip = encode(tmp_path / "short.mp4", 1280, 720, 4)
    assert not check_output_contract(make_request(), result_for(clip)).passed
    loose = ContractTolerance(duration_s=1.5)
    assert check_output_contract(make_request(), result_for(clip), loose).passed


def test_simulated_clips_check_aspect_but_not_resolution(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    spec = ClipSpec(width=72, height=128, fps=6, duration=5, seed=1, requested_resolution="720p")
    stored = store.put_bytes(render_clip(spec))
    request = make_request(aspect_ratio="9:16")
    report = check_output_contract(request, result_for(stored.path))
    assert report.passed and report.probe and report.probe.stand_in
    assert any("resolution 720p not checked" in note for note in report.notes)
    wrong = check_output_contract(make_request(aspect_ratio="16:9"), result_for(stored.path))
    assert any("aspect ratio 72:128" in problem for problem in wrong.problems)


def test_reference_driven_layers_are_notes(tmp_path: Path) -> None:
    clip = encode(tmp_path / "square.mp4", 720, 720, 3)
    request = make_request(reference_image="https://x.example/a.png",
                           reference_video="https://x.example/b.mp4")
    report = check_output_contract(request, result_for(clip))
    assert report.passed, report.problems
    assert any("follows the reference video" in n for n in report.notes)
    assert any("follows the reference image" in n for n in report.notes)


def test_failed_render_is_a_problem_with_its_reason() -> None:
    report = check_output_contract(make_request(),
                                   result_for(None, outcome=Outcome.MODERATION_OUTPUT))
    assert not report.passed and report.clip_path is None
    assert report.problems == ("the render did not succeed: moderation_output: it failed",)


def test_probe_reads_frames_and_duration(tmp_path: Path) -> None:
    probe = probe_clip(encode(tmp_path / "p.mp4", 320, 180, 2.5, fps=4))
    assert (probe.frames, probe.fps, probe.codec) == (10, 4.0, "h264")
    assert probe.duration_s == pytest.approx(2.5, abs=0.3)


def test_sound_on_needs_an_audio_track(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    silent = store.put_bytes(render_clip(ClipSpec(width=128, height=72, fps=6, duration=5, seed=1)))
    loud = store.put_bytes(render_clip(ClipSpec(width=128, height=72, fps=6, duration=5, seed=1,
                                                sound=True)))
    asked = make_request(sound="on")
    missing = check_output_contract(asked, result_for(silent.path))
    assert missing.problems == ("sound: on was asked for, and the clip has no audio track",)
    report = check_output_contract(asked, result_for(loud.path))
    assert report.passed and report.probe and report.probe.audio
    assert check_output_contract(make_request(), result_for(silent.path)).passed

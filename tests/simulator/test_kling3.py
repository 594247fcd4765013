"""The simulator speaks Kling 3.0: multi-shot renders with real cuts at the declared times,
sound as an audio track, omni-video's lists, and the price per second of each mode."""

from pathlib import Path

import av
import pytest

from reelgate.analysis import analyze_clip
from reelgate.preset.camera import parse_camera
from reelgate.providers.kling import KlingProvider
from reelgate.providers.timing import FAST_RETRY
from reelgate.request import ShotRequest
from reelgate.simulator import SimulatorConfig, simulator_env, simulator_state
from reelgate.simulator.kling_api import KlingError, parse_create
from reelgate.simulator.render import render_clip
from tests.providers.factories import make_request, run_render

CONFIG = SimulatorConfig(fps=12, short_side=72)
SHOTS = [{"index": 1, "prompt": "wide shot. Camera: locked.", "duration": "2"},
         {"index": 2, "prompt": "close-up. Camera: slow pan-right.", "duration": "3"}]


def v3(**fields: object) -> dict:
    return {"model_name": "kling-v3", "mode": "std", "duration": "5", "multi_shot": True,
            "shot_type": "customize", "multi_prompt": SHOTS, **fields}


@pytest.mark.parametrize(("endpoint", "fields", "words"), [
    ("text2video", {"multi_prompt": [{**SHOTS[0], "duration": 2}, SHOTS[1]]}, "a string"),
    ("text2video", {"duration": "6"}, "sum to 5, not the task's 6"),
    ("text2video", {"multi_prompt": [{**SHOTS[0], "index": 2}, SHOTS[1]]}, "index must be 1"),
    ("text2video", {"shot_type": "auto", "prompt": "x"}, "shot_type must be"),
    ("text2video", {"multi_prompt": SHOTS * 4, "duration": "15"}, "1 to 6 shots"),
    ("text2video", {"model_name": "kling-v2-6"}, "multi_shot is not supported"),
    ("text2video", {"sound": "yes"}, "sound must be"),
    ("text2video", {"model_name": "kling-v2-6", "multi_shot": False, "sound": "on", "prompt": "x"},
     "needs mode pro"),
    ("omni-video", {"model_name": "kling-video-o1", "multi_shot": False, "sound": "on",
                    "prompt": "x"}, "sound is not supported by kling-video-o1"),
    ("omni-video", {"model_name": "kling-v3-omni", "image_list": [
        {"image_url": "https://cdn.example/e.png", "type": "end_frame"}]}, "needs a first_frame"),
    ("omni-video", {"model_name": "kling-v3-omni", "sound": "on", "video_list": [
        {"video_url": "https://cdn.example/v.mp4", "refer_type": "feature"}]},
     "only be off when there is a reference video"),
    ("omni-video", {"model_name": "kling-v3-omni", "duration": "16"}, "duration must be one of"),
    ("text2video", {"voice_list": [{"voice_id": "v1"}]}, "voice_list needs sound on"),
    ("text2video", {"sound": "on", "voice_list": [{"voice_id": f"v{i}"} for i in range(3)]},
     "1 to 2 {voice_id}"),
    ("text2video", {"sound": "on", "voice_list": [{"voice_id": 7}]}, "1 to 2 {voice_id}"),
    ("omni-video", {"model_name": "kling-v3-omni", "sound": "on",
                    "voice_list": [{"voice_id": "v1"}]}, "voice_list is not supported"),
])
def test_kling3_mistakes_are_refused_like_kling(endpoint: str, fields: dict, words: str) -> None:
    with pytest.raises(KlingError) as caught:
        parse_create(endpoint, v3(**fields), CONFIG)
    assert caught.value.code == 1201 and words in caught.value.message


def test_shots_render_with_cuts_at_the_declared_times_and_sound(tmp_path: Path) -> None:
    task = parse_create("text2video", v3(sound="on"), CONFIG)
    assert [(s.duration, s.move) for s in task.spec.shots] == [(2.0, "locked"), (3.0, "pan-right")]
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(render_clip(task.spec))
    with av.open(str(clip)) as container:
        kinds = sorted((s.type, s.codec_context.name) for s in container.streams)
    assert kinds == [("audio", "aac"), ("video", "h264")]
    analysis = analyze_clip(clip)
    assert analysis.continuity.cuts == [pytest.approx(2.0, abs=1 / 12)]
    moves = [(seg.move, round(seg.start)) for seg in analysis.camera.segments]
    assert moves == [("locked", 0), ("pan-right", 2)]


def test_silent_and_intelligent_shots() -> None:
    silent = parse_create("text2video", v3(), CONFIG).spec
    assert not silent.sound
    smart = parse_create("text2video", v3(shot_type="intelligence", prompt="a kitchen"), CONFIG)
    durations = [s.duration for s in smart.spec.shots]
    assert len(durations) in (2, 3) and sum(durations) == 5 and all(d >= 1 for d in durations)


@pytest.mark.parametrize(("endpoint", "fields", "units"), [
    ("text2video", {}, 3.0),  # v3 std 0.6 units/s
    ("text2video", {"mode": "pro"}, 4.0),  # pro 0.8
    ("text2video", {"sound": "on"}, 4.5),  # std with sound 0.9
    ("text2video", {"mode": "pro", "sound": "on"}, 6.0),  # pro with sound 1.2
    # voices: no Kling v3 rate in the notes; fal's voice-control ratio (0.154/0.126) on 4.5
    ("text2video", {"sound": "on", "voice_list": [{"voice_id": "v1"}]}, 4.5 * 0.154 / 0.126),
    ("omni-video", {"model_name": "kling-v3-omni", "sound": "on"}, 4.5),
    ("omni-video", {"model_name": "kling-v3-omni", "mode": "pro", "multi_shot": False,
                    "prompt": "x", "video_list": [{"video_url": "https://cdn.example/v.mp4",
                                                   "refer_type": "feature"}]}, 5.0),
])
def test_price_per_second_of_each_mode(endpoint: str, fields: dict, units: float) -> None:
    assert parse_create(endpoint, v3(**fields), CONFIG).units == pytest.approx(units)


def test_the_adapter_renders_omni_multi_shot_against_the_simulator(sim: str,
                                                                   tmp_path: Path) -> None:
    provider = KlingProvider.from_env(simulator_env(), base_url=sim, poll_interval=0.02,
                                      retry=FAST_RETRY)
    shots = (ShotRequest(prompt="a harbour at dusk", duration=1, camera=parse_camera("locked")),
             ShotRequest(prompt="a lighthouse", duration=2, camera=parse_camera("tilt up")))
    request = make_request(model="kling-v3-omni", duration=3, shots=shots, sound="on",
                           negative_prompt=())
    result = run_render(provider, request, tmp_path)
    assert result.ok and result.cost_usd == pytest.approx(round(2.7 * 0.14, 4))
    (task,) = simulator_state(sim)["tasks"]
    assert task["model"] == "kling-v3-omni" and "a lighthouse" in task["prompt"]
    assert analyze_clip(result.clip.path).continuity.cuts == [pytest.approx(1.0, abs=1 / 12)]

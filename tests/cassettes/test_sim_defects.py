"""The simulator's injected-defect header is kept by a recording and served again on replay."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from reelgate.cassettes.recorder import Recorder
from reelgate.request import RenderRequest, render_extensions
from reelgate.simulator import simulator_env
from reelgate.simulator.config import TEST_API_KEY
from reelgate.simulator.defects import DEFECTS_HEADER, from_header

PROMPT = "a dancer spinning, Motion intensity 9/10"
REQUEST = RenderRequest(preset_id="spin", preset_version="1", sweep_point="high", prompt=PROMPT,
                        duration=5, aspect_ratio="16:9", resolution="720p", provider="kling",
                        model="kling-v2-6")


async def flow(recorder: Recorder, base: str) -> str:
    """Submit, poll and download through the recorder, as the adapter does: the header."""
    tag, auth = render_extensions(REQUEST), {"Authorization": f"Bearer {TEST_API_KEY}"}
    async with httpx.AsyncClient(transport=recorder.transport(), base_url=base) as client:
        body = {"model_name": "kling-v2-6", "prompt": PROMPT}
        task = (await client.post("/v1/videos/text2video", json=body, headers=auth,
                                  extensions=tag)).json()["data"]
        while task["task_status"] != "succeed":
            task = (await client.get(f"/v1/videos/text2video/{task['task_id']}", headers=auth,
                                     extensions=tag)).json()["data"]
        download = await client.get(task["task_result"]["videos"][0]["url"], extensions=tag)
        return download.headers[DEFECTS_HEADER]


def run(recorder: Recorder, base: str) -> str:
    recorder.prepare(REQUEST)
    header = asyncio.run(flow(recorder, base))
    recorder.finish(REQUEST.key)
    return header


def test_defects_header_survives_record_and_replay(tmp_path: Path, simulator: str) -> None:
    recorded = run(Recorder(tmp_path, "once", env=simulator_env(api_key=True)), simulator)
    assert from_header(recorded), "motion 9 should give this render a defect"
    assert DEFECTS_HEADER in (tmp_path / "spin" / "high.yaml").read_text()
    replayed = run(Recorder(tmp_path, "none", env={}), simulator)
    assert replayed == recorded

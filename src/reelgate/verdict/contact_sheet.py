"""A contact sheet: a strip of frames from a clip, with the frames at fault framed in red.

It is what a reviewer looks at first when a sweep point fails, so it samples the clip evenly
and adds the frames the rubric blamed (cuts, glitches, the subject's worst moment).
"""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np

from reelgate.atomic import write_bytes_atomic

THUMB_WIDTH = 192
EVEN_SAMPLES = 6


def write_contact_sheet(clip: Path, fault_times: list[float], target: Path) -> Path:
    """Write the sheet as PNG at ``target`` and return it; raises av.FFmpegError if unreadable."""
    frames = _sample(clip, fault_times)
    tiles = [_tile(image, time, faulty) for time, image, faulty in frames]
    sheet = np.concatenate(tiles, axis=1) if tiles else np.zeros((8, 8, 3), np.uint8)
    ok, data = cv2.imencode(".png", sheet)
    if not ok:
        raise ValueError(f"could not encode the contact sheet of {clip}")
    write_bytes_atomic(target, data.tobytes())
    return target


def _sample(clip: Path, fault_times: list[float]) -> list[tuple[float, np.ndarray, bool]]:
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
        if not duration and container.duration:
            duration = container.duration / 1_000_000
        wanted = [(duration * (i + 0.5) / EVEN_SAMPLES, False) for i in range(EVEN_SAMPLES)]
        wanted += [(t, True) for t in sorted(fault_times)[:4]]
        wanted.sort()
        picked: list[tuple[float, np.ndarray, bool]] = []
        start = None
        index = 0
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            start = frame.time if start is None else start
            time = frame.time - start
            while index < len(wanted) and time + 1e-6 >= wanted[index][0]:
                picked.append((time, frame.to_ndarray(format="bgr24"), wanted[index][1]))
                index += 1
            if index >= len(wanted):
                break
    return picked


def _tile(image: np.ndarray, time: float, faulty: bool) -> np.ndarray:
    height = max(1, round(image.shape[0] * THUMB_WIDTH / image.shape[1]))
    tile = cv2.resize(image, (THUMB_WIDTH, height), interpolation=cv2.INTER_AREA)
    colour = (40, 40, 230) if faulty else (60, 60, 60)
    tile = cv2.copyMakeBorder(tile, 4, 22, 4, 4, cv2.BORDER_CONSTANT, value=colour)
    label = f"{time:.2f}s" + (" FAULT" if faulty else "")
    cv2.putText(tile, label, (6, tile.shape[0] - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1,
                cv2.LINE_AA)
    return tile

"""Contact sheets: a clip's frames in a grid, the frames at fault framed in red with their kind.

It is what a reviewer looks at first when a sweep point fails, so it samples the clip evenly and
adds the frames the rubric blamed (cuts, glitches, the subject's worst moment). A failing clip's
sheet is full size (labels readable when the report shows it 1:1); a passing clip's is small (a
glance, and a report of many points stays light). Two clips compared (approved and now) get
sheets sampled at the same times with the same geometry, so their frames line up column by column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av
import cv2
import numpy as np

from reelgate.atomic import write_bytes_atomic

Size = Literal["full", "small"]
Fault = tuple[float, str]  # seconds, what is wrong there ("flash", "cut", "subject", ...)


@dataclass(frozen=True)
class Layout:
    """Geometry of a sheet. Sizes in pixels; the report shows a sheet at its own size."""

    tile_width: int
    columns: int
    font_scale: float  # OpenCV Hershey scale: 0.55 is about 12 px cap height, readable at 1:1
    band: int  # the label strip under each frame
    border: int


# 5 tiles of 216 + 2 * 4 px = 1120 px: the report's content width, so nothing is scaled down.
FULL = Layout(tile_width=216, columns=5, font_scale=0.55, band=24, border=4)
# 6 tiles of 112 + 2 * 2 px = 696 px, one row: enough to see a passing clip's content.
SMALL = Layout(tile_width=112, columns=6, font_scale=0.4, band=16, border=2)
LAYOUTS: dict[str, Layout] = {"full": FULL, "small": SMALL}
EVEN_SAMPLES = 6
MAX_FAULT_FRAMES = 4  # more would crowd out the even samples that show the clip as a whole
# JPEG: frames are photographs; at quality 62 a full sheet is ~14x smaller than PNG, and the
# faults stay plain to see (the red frames and labels are large flat areas JPEG keeps sharp).
JPEG_QUALITY = 62
SHEET_SUFFIX = ".jpg"
_FAULT = (40, 40, 220)  # BGR red: the frame at fault
_PLAIN = (70, 70, 70)
_PAPER = (255, 255, 255)


@dataclass(frozen=True)
class Sheet:
    path: Path
    times: list[float]  # the seconds each tile shows, in order (the same for both sheets of a pair)


def write_contact_sheet(clip: Path, faults: Sequence[Fault], target: Path, size: Size = "full") -> Sheet:
    """Write the sheet of ``clip`` at ``target`` (JPEG); raises av.FFmpegError if unreadable."""
    duration, shape = _probe(clip)
    times = sheet_times([duration], [list(faults)])
    layout = LAYOUTS[size]
    _write(_grid(_tiles(clip, times, dict(faults), layout, _box(layout, [shape])), layout), target)
    return Sheet(target, [t for t, _ in times])


def write_pair(approved: tuple[Path, Sequence[Fault]], now: tuple[Path, Sequence[Fault]],
               targets: tuple[Path, Path]) -> tuple[Sheet, Sheet]:
    """Full-size sheets of two clips at the same times (the even samples over the longer clip
    and the faults of either), so frame i of one is frame i of the other."""
    probes = [_probe(approved[0]), _probe(now[0])]
    times = sheet_times([d for d, _ in probes], [list(approved[1]), list(now[1])])
    box = _box(FULL, [s for _, s in probes])
    sheets = []
    for (clip, faults), target in zip((approved, now), targets, strict=True):
        _write(_grid(_tiles(clip, times, dict(faults), FULL, box), FULL), target)
        sheets.append(Sheet(target, [t for t, _ in times]))
    return sheets[0], sheets[1]


def sheet_times(durations: list[float], faults: list[list[Fault]]) -> list[tuple[float, bool]]:
    """(seconds, is a fault time) to show: even samples over the longest clip, then each clip's
    first faults; a fault time closer than a millisecond to a sample replaces it."""
    longest = max(durations, default=0.0)
    wanted = {round(longest * (i + 0.5) / EVEN_SAMPLES, 3): False for i in range(EVEN_SAMPLES)}
    for clip_faults in faults:
        for time, _ in sorted(clip_faults)[:MAX_FAULT_FRAMES]:
            wanted[round(time, 3)] = True
    return sorted(wanted.items())


def _probe(clip: Path) -> tuple[float, tuple[int, int]]:
    """Duration in seconds and (height, width) of the clip's video."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
        if not duration and container.duration:
            duration = container.duration / 1_000_000
        return duration, (stream.codec_context.height or 9, stream.codec_context.width or 16)


def _frames(clip: Path, times: list[float]) -> list[np.ndarray | None]:
    """The first frame at or after each time (None past the clip's end), in one decode."""
    picked: list[np.ndarray | None] = []
    with av.open(str(clip)) as container:
        start = None
        for frame in container.decode(container.streams.video[0]):
            if frame.time is None:
                continue
            start = frame.time if start is None else start
            while len(picked) < len(times) and frame.time - start + 1e-6 >= times[len(picked)]:
                picked.append(frame.to_ndarray(format="bgr24"))
            if len(picked) == len(times):
                break
    return picked + [None] * (len(times) - len(picked))


def _box(layout: Layout, shapes: list[tuple[int, int]]) -> tuple[int, int]:
    """One frame box for every tile (the tallest clip's aspect), so paired sheets share a grid."""
    height = max(round(h * layout.tile_width / max(1, w)) for h, w in shapes)
    return layout.tile_width, max(1, height)


def _tiles(clip: Path, times: list[tuple[float, bool]], faults: dict[float, str], layout: Layout,
           box: tuple[int, int]) -> list[np.ndarray]:
    kinds = {round(t, 3): k for t, k in faults.items()}
    frames = _frames(clip, [t for t, _ in times])
    return [_tile(image, time, kinds.get(round(time, 3)), layout, box)
            for (time, _), image in zip(times, frames, strict=True)]


def _tile(image: np.ndarray | None, time: float, fault: str | None, layout: Layout,
          box: tuple[int, int]) -> np.ndarray:
    width, height = box
    frame = np.full((height, width, 3), 40, np.uint8)
    if image is not None:
        scale = min(width / image.shape[1], height / image.shape[0])
        size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        top, left = (height - size[1]) // 2, (width - size[0]) // 2
        frame[top:top + size[1], left:left + size[0]] = small
    else:
        _text(frame, "no frame", (6, height // 2), layout.font_scale, (200, 200, 200))
    if fault:  # the kind on the frame itself, white on red, top left
        label = fault.upper()
        (w, h), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, layout.font_scale, 1)
        cv2.rectangle(frame, (0, 0), (w + 8, h + base + 6), _FAULT, cv2.FILLED)
        _text(frame, label, (4, h + 3), layout.font_scale, (255, 255, 255))
    b = layout.border
    tile = cv2.copyMakeBorder(frame, b, layout.band, b, b, cv2.BORDER_CONSTANT,
                              value=_FAULT if fault else _PLAIN)
    _text(tile, f"{time:.2f} s", (b + 2, tile.shape[0] - layout.band // 4 - 2), layout.font_scale,
          (255, 255, 255))
    return tile


def _text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float,
          colour: tuple[int, int, int]) -> None:
    cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def _grid(tiles: list[np.ndarray], layout: Layout) -> np.ndarray:
    """Rows of ``layout.columns`` tiles; the last row padded with paper."""
    if not tiles:
        return np.full((8, 8, 3), 255, np.uint8)
    blank = np.full_like(tiles[0], 255)
    blank[:] = _PAPER
    padded = tiles + [blank] * (-len(tiles) % layout.columns)
    step = layout.columns
    rows = [np.concatenate(padded[i:i + step], axis=1) for i in range(0, len(padded), step)]
    return np.concatenate(rows, axis=0)


def _write(sheet: np.ndarray, target: Path) -> None:
    ok, data = cv2.imencode(SHEET_SUFFIX, sheet, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError(f"could not encode the contact sheet {target}")
    write_bytes_atomic(target, data.tobytes())

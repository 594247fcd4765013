"""Decoded frames reduced to what the analysis reads: fixed-size, full-range 8-bit planes in
display orientation, whatever the pixel format (8- to 16-bit YUV, NV12, grey, RGB, palette)."""

from __future__ import annotations

from dataclasses import dataclass

import av
import cv2
import numpy as np

NATIVE_CROP = (640, 360)  # noise is measured on unscaled pixels, on a centre crop this size
_PLANAR_8BIT = {
    "yuv420p",
    "yuvj420p",
    "yuv422p",
    "yuvj422p",
    "yuv444p",
    "yuvj444p",
    "yuv440p",
    "yuvj440p",
    "yuv411p",
    "yuvj411p",
    "yuv410p",
}
_PLANAR_HIGH = {  # name -> bits
    f"yuv{s}p{b}le": b for s in ("420", "422", "444", "440") for b in (9, 10, 12, 14, 16)
}


@dataclass(frozen=True, slots=True)
class ClipInfo:
    """What the container and the first frame say about the clip."""

    container: str
    codec: str
    pix_fmt: str
    coded_width: int
    coded_height: int
    width: int  # as displayed: rotation and sample aspect applied
    height: int
    rotation: int  # degrees the decoded picture is turned counter-clockwise for display
    declared_fps: float | None
    declared_duration: float | None
    declared_frames: int
    start_time: float  # the first frame's timestamp in the file, seconds
    motion_size: tuple[int, int]  # (width, height) of Frame.luma
    detail_size: tuple[int, int]  # (width, height) of Frame.detail


@dataclass(slots=True)
class Frame:
    """One decoded frame, reduced to what the analysis reads."""

    index: int
    time: float  # seconds from the clip's first frame
    luma: np.ndarray  # uint8 (h, w) at the motion size
    chroma: np.ndarray  # uint8 (2, h/4, w/4): U and V planes
    detail: np.ndarray | None  # uint8 luma at the detail size, on sampled frames only
    native: np.ndarray | None  # uint8 unscaled luma centre crop, on sampled frames only


class Scaler:
    """Turns a decoded frame into fixed-size full-range planes, whatever its pixel format."""

    def __init__(self, info: ClipInfo) -> None:
        self.info = info
        turned = info.rotation in (90, 270)
        mw, mh = info.motion_size
        dw, dh = info.detail_size
        cw, ch = max(4, mw // 4), max(4, mh // 4)
        # cv2 sizes (width, height) in the decoded orientation; np.rot90 turns them for display
        self.motion = (mh, mw) if turned else (mw, mh)
        self.chroma = (ch, cw) if turned else (cw, ch)
        self.detail = (dh, dw) if turned else (dw, dh)
        self.turns = info.rotation // 90

    def convert(self, frame: av.VideoFrame, index: int, time: float, sampled: bool) -> Frame:
        y, u, v, full_range = _planes(frame)
        luma = self._scale(y, self.motion, full_range, chroma=False)
        chroma = np.stack([self._scale(c, self.chroma, full_range, chroma=True) for c in (u, v)])
        detail = native = None
        if sampled:
            detail = self._scale(y, self.detail, full_range, chroma=False)
            native = _levels(_centre_crop(y, NATIVE_CROP), full_range, chroma=False)
        return Frame(index, time, luma, chroma, detail, native)

    def _scale(
        self, plane: np.ndarray | None, size: tuple[int, int], full: bool, *, chroma: bool
    ) -> np.ndarray:
        if plane is None:  # grey formats: neutral chroma
            scaled = np.full((size[1], size[0]), 128, np.uint8)
        else:
            scaled = _levels(shrink(plane, size), full, chroma=chroma)
        if self.turns:
            scaled = np.ascontiguousarray(np.rot90(scaled, self.turns))
        return scaled


def shrink(plane: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize to ``size`` (width, height): area-average by a whole factor (OpenCV's fast path;
    the few rows and columns past a multiple of it are dropped), then bilinear for the rest."""
    width, height = size
    factor = min(plane.shape[1] // width, plane.shape[0] // height)
    if factor >= 2:
        rows, cols = plane.shape[0] // factor, plane.shape[1] // factor
        plane = cv2.resize(
            plane[: rows * factor, : cols * factor], (cols, rows), interpolation=cv2.INTER_AREA
        )
    if plane.shape[1] != width or plane.shape[0] != height:
        plane = cv2.resize(plane, size, interpolation=cv2.INTER_LINEAR)
    return plane


_LIMITED_LUMA = np.clip((np.arange(256) - 16) * 255 / 219 + 0.5, 0, 255).astype(np.uint8)
_LIMITED_CHROMA = np.clip((np.arange(256) - 128) * 255 / 224 + 128.5, 0, 255).astype(np.uint8)


def _levels(plane: np.ndarray, full: bool, *, chroma: bool) -> np.ndarray:
    """Limited-range (16..235) video levels stretched to 0..255 so thresholds mean one thing."""
    if full:
        return np.ascontiguousarray(plane)
    return cv2.LUT(plane, _LIMITED_CHROMA if chroma else _LIMITED_LUMA)


def _centre_crop(plane: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    y0 = max(0, (plane.shape[0] - height) // 2)
    x0 = max(0, (plane.shape[1] - width) // 2)
    return plane[y0 : y0 + height, x0 : x0 + width]


def _plane(frame: av.VideoFrame, index: int, dtype: type = np.uint8) -> np.ndarray:
    plane = frame.planes[index]
    item = np.dtype(dtype).itemsize
    data = np.frombuffer(plane, dtype).reshape(plane.height, plane.line_size // item)
    return data[:, : plane.width]


def _planes(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, bool]:
    """Luma and chroma planes as 8-bit arrays, and whether they use full-range levels."""
    name = frame.format.name
    full = name.startswith("yuvj") or int(frame.color_range) == 2
    if name in _PLANAR_8BIT:
        return _plane(frame, 0), _plane(frame, 1), _plane(frame, 2), full
    if name in _PLANAR_HIGH:
        shift = _PLANAR_HIGH[name] - 8
        y, u, v = ((_plane(frame, i, np.uint16) >> shift).astype(np.uint8) for i in range(3))
        return y, u, v, full
    if name in ("gray", "gray8"):
        return _plane(frame, 0), None, None, True
    if name in ("nv12", "nv21"):
        uv = _plane(frame, 1)
        pairs = uv[:, : (uv.shape[1] // 2) * 2].reshape(uv.shape[0], -1, 2)
        u, v = (
            (pairs[:, :, 0], pairs[:, :, 1]) if name == "nv12" else (pairs[:, :, 1], pairs[:, :, 0])
        )
        return _plane(frame, 0), np.ascontiguousarray(u), np.ascontiguousarray(v), full
    converted = frame.reformat(format="yuv444p")  # RGB, palette, alpha and rarer layouts
    return _plane(converted, 0), _plane(converted, 1), _plane(converted, 2), False

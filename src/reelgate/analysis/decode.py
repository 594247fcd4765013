"""One streaming decode pass per clip: small luma/chroma planes at a fixed analysis size.

A producer thread decodes with FFmpeg frame threading and scales the planes (PyAV and OpenCV
release the GIL), feeding a bounded queue, so decoding overlaps the analysis and memory stays
flat however long the clip is. Frames come out in display orientation (rotation metadata
applied), on full-range 8-bit levels, stamped in seconds from the clip's first frame.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import cv2
import numpy as np

from reelgate.analysis.errors import AnalysisError, CorruptClip, NotAVideo, UnsupportedClip
from reelgate.analysis.settings import AnalysisSettings

QUEUE_DEPTH = 8
NATIVE_CROP = (640, 360)  # noise is measured on unscaled pixels, on a centre crop this size
_NOT_VIDEO_CODECS = {"ansi", "bintext", "xbin", "idf", "tty"}
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


def fit_area(aspect: float, pixels: int) -> tuple[int, int]:
    """Even (width, height) with the given aspect ratio and about the given pixel area."""
    width = max(16, 2 * round(math.sqrt(pixels * aspect) / 2))
    height = max(16, 2 * round(pixels / width / 2))
    return width, height


class ClipReader:
    """Opens and validates a clip, then streams its frames once from a decoding thread."""

    def __init__(self, path: Path, settings: AnalysisSettings, label: str | None = None) -> None:
        self.path = path
        self.settings = settings
        self._label = label or str(path)
        self._container = self._open()
        try:
            self._stream = self._video_stream()
            self._frames = self._container.decode(self._stream)
            self._first = self._next_frame(0, 0.0)
            if self._first is None:
                raise NotAVideo(self._label, "the video stream has no decodable frame")
            self.info = self._describe(self._first)
        except BaseException:
            self._container.close()
            raise

    def _open(self) -> av.container.InputContainer:
        if self.path.stat().st_size == 0:
            raise NotAVideo(self._label, "the file is empty (0 bytes)")
        try:
            return av.open(str(self.path), metadata_errors="ignore")
        except av.error.FFmpegError as exc:
            kind = _container_kind(self.path)
            if kind:
                raise CorruptClip(
                    self._label,
                    f"{kind} file FFmpeg cannot open: truncated or damaged ({_why(exc)})",
                ) from None
            raise NotAVideo(
                self._label, f"not a video file FFmpeg can read ({_why(exc)})"
            ) from None

    def _video_stream(self) -> av.video.stream.VideoStream:
        streams = self._container.streams
        if not streams.video:
            kinds = ", ".join(sorted({f"{s.type} ({s.codec_context.name})" for s in streams}))
            raise NotAVideo(self._label, f"no video stream; it holds {kinds or 'no streams'}")
        stream = streams.video[0]
        name = stream.codec_context.name
        fmt = self._container.format.name
        if name in _NOT_VIDEO_CODECS or fmt == "tty":
            raise NotAVideo(self._label, f"text read as {name!r} video: not a video file")
        if fmt.endswith("_pipe") or fmt == "image2":
            raise NotAVideo(self._label, f"a still image ({name}), not a video")
        self._check_size(stream.codec_context.width, stream.codec_context.height)
        self._check_declared_duration(stream)
        stream.thread_type = "AUTO"
        return stream

    def _check_size(self, width: int, height: int) -> None:
        if width == 0 or height == 0:
            return  # not known before decoding; checked again on the first frame
        s = self.settings
        long, short = max(width, height), min(width, height)
        if short < s.min_side or long > s.max_side or long / short > s.max_aspect:
            raise UnsupportedClip(
                self._label,
                f"frame size {width}x{height} is outside the accepted range "
                f"({s.min_side}..{s.max_side} px a side, aspect at most {s.max_aspect:g}:1)",
            )

    def _check_declared_duration(self, stream: av.video.stream.VideoStream) -> None:
        duration = _declared_duration(stream, self._container)
        if duration is not None and duration > self.settings.max_duration:
            raise UnsupportedClip(self._label, _too_long(duration, self.settings.max_duration))

    def _describe(self, first: av.VideoFrame) -> ClipInfo:
        self._check_size(first.width, first.height)
        stream = self._stream
        rotation = round(first.rotation / 90) * 90 % 360
        sar = stream.sample_aspect_ratio
        width, height = round(first.width * (float(sar) if sar else 1.0)), first.height
        if rotation in (90, 270):
            width, height = height, width
        aspect = width / height
        rate = stream.average_rate or stream.guessed_rate
        return ClipInfo(
            container=self._container.format.name,
            codec=stream.codec_context.name,
            pix_fmt=first.format.name,
            coded_width=first.width,
            coded_height=first.height,
            width=width,
            height=height,
            rotation=rotation,
            declared_fps=float(rate) if rate and 0 < float(rate) < 1000 else None,
            declared_duration=_declared_duration(stream, self._container),
            declared_frames=stream.frames or 0,
            start_time=float(first.time) if first.time is not None else 0.0,
            motion_size=fit_area(aspect, self.settings.motion_pixels),
            detail_size=fit_area(aspect, self.settings.detail_pixels),
        )

    def _next_frame(self, index: int, at: float) -> av.VideoFrame | None:
        try:
            frame = next(self._frames, None)
        except av.error.FFmpegError as exc:
            raise CorruptClip(
                self._label, f"damaged video data after {at:.2f} s (frame {index}): {_why(exc)}"
            ) from None
        if frame is not None and frame.is_corrupt:
            raise CorruptClip(self._label, f"frame {index} at {at:.2f} s is corrupt")
        return frame

    def frames(self) -> Iterator[Frame]:
        """Every frame, once, decoded ahead in a thread; raises AnalysisError on bad data."""
        items: queue.Queue[Frame | BaseException | None] = queue.Queue(maxsize=QUEUE_DEPTH)
        stop = threading.Event()
        worker = threading.Thread(
            target=self._produce, args=(items, stop), name="reelgate-decode", daemon=True
        )
        worker.start()
        try:
            while (item := items.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while worker.is_alive():
                with contextlib.suppress(queue.Empty):
                    items.get(timeout=0.05)
            worker.join()

    def _produce(
        self, items: queue.Queue[Frame | BaseException | None], stop: threading.Event
    ) -> None:
        def put(item: Frame | BaseException | None) -> None:
            while not stop.is_set():
                try:
                    items.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        try:
            for frame in self._convert_all(stop):
                put(frame)
            put(None)
        except AnalysisError as exc:
            put(exc)
        except Exception as exc:  # a decoder failure must reach the caller, not kill a thread
            put(CorruptClip(self._label, f"cannot decode: {_why(exc)}"))
        finally:
            self._container.close()

    def _convert_all(self, stop: threading.Event) -> Iterator[Frame]:
        clock = _Clock(self._label, self.info, self.settings.max_duration)
        plan = _Scaler(self.info)
        detail_step = 1.0 / self.settings.detail_rate
        next_detail = 0.0
        frame: av.VideoFrame | None = self._first
        index = 0
        while frame is not None and not stop.is_set():
            self._check_size(frame.width, frame.height)
            time = clock.stamp(frame)
            sampled = time + 1e-6 >= next_detail
            if sampled:
                next_detail = time + detail_step * 0.999
            yield plan.convert(frame, index, time, sampled)
            index += 1
            frame = self._next_frame(index, time)
        if not stop.is_set():
            clock.finish(index)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> ClipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Clock:
    """Frame times in seconds from the first frame, repaired where timestamps are missing."""

    def __init__(self, label: str, info: ClipInfo, max_duration: float) -> None:
        self.label = label
        self.info = info
        self.max_duration = max_duration
        self.first: float | None = None
        self.last = -1.0
        self.repaired = 0

    def stamp(self, frame: av.VideoFrame) -> float:
        step = 1.0 / self.info.declared_fps if self.info.declared_fps else None
        raw = float(frame.time) if frame.time is not None else None
        if self.first is None:
            self.first = raw if raw is not None else 0.0
        time = None if raw is None else raw - self.first
        if time is None or time <= self.last:
            if step is None:
                raise UnsupportedClip(
                    self.label,
                    "frame timestamps do not advance and no frame rate is declared "
                    "(0 or missing fps)",
                )
            time = self.last + step
            self.repaired += 1
        if time > self.max_duration:
            raise UnsupportedClip(self.label, _too_long(time, self.max_duration))
        self.last = time
        return time

    def finish(self, count: int) -> None:
        if count < 2:
            raise UnsupportedClip(self.label, "only one frame: a still, not a clip")
        if self.repaired > count // 2:
            raise UnsupportedClip(
                self.label,
                f"{self.repaired} of {count} frames have no timestamp of their own, so the frame "
                "rate is unknown (0 or missing fps)",
            )
        declared = self.info.declared_frames
        if declared > 4 and count < 0.9 * declared - 1:
            raise CorruptClip(
                self.label,
                f"truncated: {count} frames decode of the {declared} the container lists "
                f"(video stops at {self.last:.2f} s)",
            )


class _Scaler:
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
            scaled = _levels(
                shrink(plane, size), full, chroma=chroma
            )
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


def _container_kind(path: Path) -> str | None:
    """The container a file's first bytes announce, to tell a damaged video from a non-video."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free"):
        return "an MP4/MOV"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "a Matroska/WebM"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "an AVI"
    return None


def _declared_duration(
    stream: av.video.stream.VideoStream, container: av.container.InputContainer
) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration and len(container.streams) == 1:
        return container.duration / av.time_base
    return None


def _too_long(seconds: float, limit: float) -> str:
    return f"the clip is {seconds:.1f} s long; the analysis accepts at most {limit:g} s"


def _why(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())

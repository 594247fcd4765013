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
from pathlib import Path

import av
import av.error

from reelgate.analysis.errors import AnalysisError, CorruptClip, NotAVideo, UnsupportedClip
from reelgate.analysis.planes import ClipInfo, Frame, Scaler
from reelgate.analysis.settings import AnalysisSettings

QUEUE_DEPTH = 8
_NOT_VIDEO_CODECS = {"ansi", "bintext", "xbin", "idf", "tty"}


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
        self._worker: threading.Thread | None = None
        self._items: queue.Queue[Frame | BaseException | None] | None = None
        self._stop = threading.Event()
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
        stop = self._stop
        worker = threading.Thread(
            target=self._produce, args=(items, stop), name="reelgate-decode", daemon=True
        )
        self._worker = worker
        self._items = items
        worker.start()
        try:
            while (item := self._next_item(items)) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self._halt()

    def _next_item(
        self, items: queue.Queue[Frame | BaseException | None]
    ) -> Frame | BaseException | None:
        """The producer's next item; None (the end) once the clip was closed under the loop."""
        while not self._stop.is_set():
            with contextlib.suppress(queue.Empty):
                return items.get(timeout=0.1)
        return None

    def _halt(self) -> None:
        """Stop the decoding thread and wait for it: the container must not close under it."""
        self._stop.set()
        worker, items = self._worker, self._items
        if worker is None or items is None:
            return
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                items.get(timeout=0.05)
        worker.join()
        self._worker = self._items = None

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
        plan = Scaler(self.info)
        detail_step = 1.0 / self.settings.detail_rate
        next_detail = 0.0
        frame: av.VideoFrame | None = self._first
        self._first = None  # each decoded picture is let go once converted: 3 MB at 1080p
        index = 0
        while frame is not None and not stop.is_set():
            self._check_size(frame.width, frame.height)
            time = clock.stamp(frame)
            sampled = time + 1e-6 >= next_detail
            if sampled:
                next_detail = time + detail_step * 0.999
            converted = plan.convert(frame, index, time, sampled)
            frame = None  # not held while the queue is full
            yield converted
            index += 1
            frame = self._next_frame(index, time)
        if not stop.is_set():
            clock.finish(index)

    def close(self) -> None:
        """Close the clip; a decoding thread still running (frames() left unfinished, or an
        error in the caller's loop) is stopped and joined first, since PyAV crashes the process
        when a container closes under a decode."""
        self._halt()
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

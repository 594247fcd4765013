"""H.264 (and AAC when sound is on) in an MP4, as a provider delivers a clip."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol

import av
import numpy as np


class _Shot(Protocol):
    @property
    def duration(self) -> float: ...


class ClipSpec(Protocol):
    """What encoding reads of a clip's spec (``render.ClipSpec`` has it; no import, no cycle)."""

    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def fps(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def sound(self) -> bool: ...
    @property
    def shots(self) -> Sequence[_Shot]: ...

CRF = "30"  # x264 quality: small files (cassettes keep them) that still show the picture


def encode_clip(spec: ClipSpec, frames: list[np.ndarray], comment: str) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        container.metadata["comment"] = comment
        stream = container.add_stream("libx264", rate=spec.fps)
        stream.width, stream.height = spec.width, spec.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": CRF}
        stream.codec_context.thread_count = 1
        audio = _audio_stream(container) if spec.sound else None  # streams before any packet
        for image in frames:
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if audio is not None:
            _encode_audio(container, audio, spec, len(frames) / spec.fps)
    return buffer.getvalue()


AUDIO_RATE = 48_000  # Hz, AAC's usual rate
_AUDIO_FRAME = 1024  # samples per AAC frame
_TONES_HZ = (220.0, 277.2, 329.6, 392.0, 440.0, 523.3)  # one pitch per shot


def _audio_stream(container: av.container.OutputContainer) -> av.audio.stream.AudioStream:
    stream = container.add_stream("aac", rate=AUDIO_RATE)
    stream.layout = "mono"  # type: ignore[attr-defined]
    return stream


def _encode_audio(container: av.container.OutputContainer, stream: av.audio.stream.AudioStream,
                  spec: ClipSpec, seconds: float) -> None:
    """A quiet tone per shot (pitch changes at each cut) over a little noise, mono AAC."""
    total = round(seconds * AUDIO_RATE)
    t = np.arange(total) / AUDIO_RATE
    pitch = np.full(total, _TONES_HZ[0])
    start = 0.0
    for n, part in enumerate(spec.shots):
        pitch[int(start * AUDIO_RATE):] = _TONES_HZ[n % len(_TONES_HZ)]
        start += part.duration
    noise = np.random.default_rng([spec.seed, 4]).normal(0, 0.01, total)
    samples = (0.2 * np.sin(2 * np.pi * pitch * t) + noise).astype(np.float32)
    for at in range(0, total, _AUDIO_FRAME):
        chunk = samples[at:at + _AUDIO_FRAME].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = AUDIO_RATE, at
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


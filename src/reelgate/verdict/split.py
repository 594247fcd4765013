"""Split a clip into its shots, so each is analysed on its own (camera and subject per shot).

One decode of the clip writes every shot as its own H.264 file (near-lossless, one encoder
thread, so the same clip always gives the same bytes and the analysis cache keeps them).
Files go under ``.reelgate/shots/<clip sha256>/``, written atomically and reused while present.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import av

from reelgate.atomic import write_bytes_atomic
from reelgate.verdict.shots import MIN_SHOT_FRAMES, ShotWindow

SHOTS_DIR = Path(".reelgate") / "shots"
# CRF 12: visually lossless, so the per-shot measures are those of the clip itself.
SHOT_CRF = "12"


def split_shots(clip: Path, sha256: str, windows: Sequence[ShotWindow], root: Path
                ) -> dict[int, Path]:
    """Each window with enough frames as a file, by shot index; raises av.FFmpegError."""
    folder = root / SHOTS_DIR / sha256
    wanted = {w.index: folder / f"shot{w.index}-{w.first}-{w.end}.mp4" for w in windows
              if w.end - w.first >= MIN_SHOT_FRAMES}
    if all(path.is_file() for path in wanted.values()):
        return wanted
    writers: dict[int, _ShotWriter] = {}
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or 24
        for number, frame in enumerate(container.decode(stream)):
            window = next((w for w in windows if w.first <= number < w.end), None)
            if window is None or window.index not in wanted:
                continue
            if window.index not in writers:
                writers[window.index] = _ShotWriter(frame.width, frame.height, rate)
            writers[window.index].add(frame)
    for index, writer in writers.items():
        write_bytes_atomic(wanted[index], writer.finish())
    return {i: p for i, p in wanted.items() if p.is_file()}


class _ShotWriter:
    def __init__(self, width: int, height: int, rate: object) -> None:
        self.buffer = io.BytesIO()
        self.container = av.open(self.buffer, mode="w", format="mp4")
        self.stream = self.container.add_stream("libx264", rate=rate)  # type: ignore[arg-type]
        self.stream.width, self.stream.height = width - width % 2, height - height % 2
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"preset": "ultrafast", "crf": SHOT_CRF}
        self.stream.codec_context.thread_count = 1

    def add(self, frame: av.VideoFrame) -> None:
        planes = frame.reformat(width=self.stream.width, height=self.stream.height,
                                format="yuv420p").to_ndarray()
        # A fresh frame (no timestamp of the source's): the encoder numbers it at the clip's rate.
        self.container.mux(self.stream.encode(av.VideoFrame.from_ndarray(planes, format="yuv420p")))

    def finish(self) -> bytes:
        self.container.mux(self.stream.encode(None))
        self.container.close()
        return self.buffer.getvalue()

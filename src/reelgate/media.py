"""Content-addressed media store: ``<root>/.reelgate/media/<sha256>.mp4``.

A clip enters the store only whole and verified: bytes stream into a temp file in the same
directory, the size and decodability are checked, then ``os.replace`` names it by its hash. A
failed or interrupted download leaves nothing behind but, at worst, a ``.part`` file that
``remove_partials`` clears (housekeeping calls it at the start of a run). The providers download
into it and the render service hands it to them, so it sits below both.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

MEDIA_DIR = Path(".reelgate") / "media"
_HASH_CHUNK = 1 << 20
PARTIAL_NAME = re.compile(r"\.[0-9a-f]{32}\.part")  # what ClipWriter names its temp file


class ClipRejected(ValueError):
    """Downloaded bytes are not a whole, decodable video; nothing was stored."""


@dataclass(frozen=True)
class StoredClip:
    path: Path
    sha256: str
    size: int


def file_digest(path: Path) -> tuple[str, int]:
    """(sha256, size) of a file, read in chunks; raises OSError."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_decodes(path: Path) -> None:
    """Raise ClipRejected unless ``path`` holds a video stream whose frames all decode."""
    import av  # PyAV loads FFmpeg: only a download that is not vouched for needs it

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ClipRejected("the file has no video stream")
            declared = container.streams.video[0].frames
            frames = sum(1 for _ in container.decode(video=0))
    except (av.FFmpegError, OSError, ValueError) as exc:
        if isinstance(exc, ClipRejected):
            raise
        raise ClipRejected(f"the file does not decode as video ({type(exc).__name__})") from exc
    if frames == 0:
        raise ClipRejected("the video stream has no frames")
    if declared and frames < declared:
        raise ClipRejected(f"the video is cut short: {frames} of {declared} frames decode")


class MediaStore:
    """``vouched(sha256, size)``: whether bytes of that hash and size were checked whole before
    (a replay's clip whose analysis travels with it): they are stored without decoding them again."""

    def __init__(self, root: Path | str, vouched: Callable[[str, int], bool] | None = None) -> None:
        self.directory = Path(root) / MEDIA_DIR
        self.vouched = vouched

    def path_for(self, sha256: str) -> Path:
        return self.directory / f"{sha256}.mp4"

    def writer(self) -> ClipWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        return ClipWriter(self)

    def put_bytes(self, data: bytes) -> StoredClip:
        with self.writer() as writer:
            writer.write(data)
            return writer.commit(expected_size=len(data))

    def clips(self) -> list[Path]:
        return sorted(self.directory.glob("*.mp4")) if self.directory.is_dir() else []

    def remove_partials(self, older_than: float | None = None) -> list[Path]:
        """Delete the temp files of downloads a killed process left; returns them.

        With ``older_than`` (a ``time.time()`` value) only files last written before it go, so a
        download another process is streaming right now (its file is touched by every chunk) stays.
        """
        if not self.directory.is_dir():
            return []
        removed = []
        for partial in self.directory.iterdir():
            if not PARTIAL_NAME.fullmatch(partial.name):
                continue
            try:
                if older_than is not None and partial.lstat().st_mtime >= older_than:
                    continue
                partial.unlink()
            except FileNotFoundError:  # its writer finished or aborted meanwhile
                continue
            removed.append(partial)
        return removed


class ClipWriter:
    """Streams one download; ``commit`` verifies and publishes it, leaving the block aborts."""

    def __init__(self, store: MediaStore) -> None:
        self._store = store
        self._temp = store.directory / f".{uuid.uuid4().hex}.part"
        self._file = self._temp.open("wb")
        self._hash = hashlib.sha256()
        self._size = 0
        self._done = False

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self._size += len(chunk)

    def commit(self, expected_size: int | None = None) -> StoredClip:
        self._file.close()
        try:
            if expected_size is not None and expected_size != self._size:
                raise ClipRejected(
                    f"download truncated: got {self._size} of {expected_size} bytes"
                )
            digest = self._hash.hexdigest()
            final = self._store.path_for(digest)
            if final.is_file() and final.stat().st_size == self._size:
                # Content-addressed: these exact bytes were verified when they were first stored.
                self._temp.unlink(missing_ok=True)
            elif self._store.vouched is not None and self._store.vouched(digest, self._size):
                os.replace(self._temp, final)
            else:
                check_decodes(self._temp)
                os.replace(self._temp, final)
        except BaseException:
            self.abort()
            raise
        self._done = True
        return StoredClip(path=final, sha256=digest, size=self._size)

    def abort(self) -> None:
        self._file.close()
        self._temp.unlink(missing_ok=True)
        self._done = True

    def __enter__(self) -> ClipWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._done:
            self.abort()

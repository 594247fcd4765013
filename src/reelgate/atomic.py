"""Atomic file writes: a temporary file beside the target, then a rename, so readers and
interrupted runs never see half a file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

# The temporary files written here: mkstemp's name is the prefix, 8 characters of its alphabet
# (a-z, 0-9, _) and the suffix. Housekeeping removes stale ones that a killed process left.
TEMPORARY_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """``durable``: flushed to the disk before the rename, so a power cut keeps the old or the
    new file (a user's baselines and cassettes). Derived state that every run rewrites (the
    last run's review notes) skips the flush: a half-written file is still never seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable)


def update_text_atomic(path: Path, text: str) -> bool:
    """Write derived state only when it changed (a warm replay rewrites nothing); True if it
    was written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data, durable=False)
    return True

"""Confined, bounded reads of the files a user names: nothing a preset says can hang or leak.

A preset names other files (``extends``, references); a hostile or careless one may name
``/proc/self/environ``, ``/dev/zero``, a FIFO or a symlink loop. Every such path is resolved with
one rule (inside the project root) and opened with one reader: ``O_NONBLOCK`` so that opening or
reading a FIFO or device never waits, ``fstat`` on the open descriptor before any byte is read,
regular files only, pseudo file systems (procfs, sysfs) refused, and at most ``cap + 1`` bytes
read. Error messages name the path and the reason, never the file's content.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import cache
from pathlib import Path

MIB = 1024 * 1024
# A preset or scenarios file is hand-written YAML; 1 MiB is far above any real one.
YAML_CAP_BYTES = 1 * MIB
# A reference clip or still is a short video or image; larger ones are not meant as references.
MEDIA_CAP_BYTES = 2048 * MIB
# Kernel pseudo file systems: their "regular" files are generated on read and may block.
_PSEUDO_ROOTS = ("/proc", "/sys")


class BoundedReadError(Exception):
    """A named file cannot be read safely; the message names the path and why, nothing more."""

    def __init__(self, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.size = size  # set when the file is too large: its size in bytes


def resolve_inside(base: Path, value: str, root: Path) -> Path:
    """``value`` (relative to ``base``, or absolute) resolved, and inside ``root``, or an error.

    This is the one rule for every path a preset names. Symlink loops and unusable strings are
    errors with a message, not RuntimeError or ValueError.
    """
    try:
        resolved = Path(os.path.realpath(base / value))
        root_resolved = Path(os.path.realpath(root))
    except (OSError, ValueError):
        raise BoundedReadError(f"{value!r} is not a usable file path") from None
    if not resolved.is_relative_to(root_resolved):
        raise BoundedReadError(f"{value!r} resolves outside the repository ({resolved}); keep the "
                               "files a preset names inside the project")
    try:
        os.stat(resolved)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BoundedReadError(f"{value!r} is a symlink loop; point it at a real file") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise BoundedReadError(f"file not found: {value!r} (looked for {resolved}); the path "
                                   "is relative to the file that names it") from None
        raise BoundedReadError(f"{value!r} cannot be read: {exc.strerror}") from None
    return resolved


def _open_regular(path: Path, cap: int) -> tuple[int, os.stat_result]:
    """Open without blocking and check the descriptor is a small enough regular file.

    The path is resolved first and opened with ``O_NOFOLLOW``, so a symlink swapped in between
    the check and the open is refused rather than followed.
    """
    flags = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(os.path.realpath(path), flags)
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else exc.strerror
        raise BoundedReadError(f"cannot read {path}: {reason}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BoundedReadError(f"{path} is {_kind(info.st_mode)}, not a regular file")
        if _on_pseudo_fs(info):
            raise BoundedReadError(f"{path} is a kernel pseudo file (procfs/sysfs), not a file "
                                   "of the project")
        if info.st_size > cap:
            raise BoundedReadError(f"{path} is {info.st_size:,} bytes; at most {cap:,} are "
                                   "allowed", size=info.st_size)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def check_regular_file(path: Path, cap: int = MEDIA_CAP_BYTES) -> int:
    """Open and ``fstat`` a file without reading it (references: other tools decode them later);
    returns its size in bytes."""
    fd, info = _open_regular(path, cap)
    os.close(fd)
    return info.st_size


def read_bounded(path: Path, cap: int = YAML_CAP_BYTES) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes, or BoundedReadError."""
    fd, _ = _open_regular(path, cap)
    chunks: list[bytes] = []
    total = 0
    try:
        while total <= cap:
            try:
                chunk = os.read(fd, min(cap + 1 - total, MIB))
            except BlockingIOError:
                raise BoundedReadError(f"{path} has no data ready (not a regular file?)") from None
            except OSError as exc:
                raise BoundedReadError(f"cannot read {path}: {exc.strerror}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > cap:  # it grew after fstat
        raise BoundedReadError(f"{path} is over {cap:,} bytes", size=total)
    return b"".join(chunks)


@cache
def _pseudo_devices() -> frozenset[int]:
    """Device numbers of the mounted pseudo file systems (none where they are not mounted)."""
    devices = set()
    for mount in _PSEUDO_ROOTS:
        try:
            if os.path.ismount(mount):
                devices.add(os.stat(mount).st_dev)
        except OSError:
            continue
    return frozenset(devices)


def _on_pseudo_fs(info: os.stat_result) -> bool:
    return info.st_dev in _pseudo_devices()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"

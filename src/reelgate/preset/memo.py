"""Checked preset files kept across runs, so collection reads a file instead of checking it.

A file's check is a pure function of the bytes it reads (the file and what it extends), of the
scenarios file, of the local media it names (only where each resolves, and that it is a regular
file of its size) and of the checking code. The memo keeps, per file, those inputs with what collection needs
(``Outline``: the items and their marks) and the whole check (pickled, and unpickled only when
an item asks for it). An entry whose inputs changed is checked again; a file whose check found
errors is never kept (its messages may depend on files it could not read).

The memo is a pickle in the project's ``.reelgate/cache/checks``: the same trust as the
``__pycache__`` folders beside the project's code, which Python loads as they are. A memo that
cannot be read is ignored and written again; one that cannot be written costs time only.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import stat
import time
from pathlib import Path
from typing import Any, NamedTuple

from reelgate.atomic import write_bytes_atomic
from reelgate.bounded import YAML_CAP_BYTES

MEMO_DIR = Path(".reelgate") / "cache" / "checks"
MEMO_SUFFIX = ".pickle"

# A source file's digest, or a media file's size; MISSING when it is not a regular file.
MISSING = -1
KEPT_IDENTITIES = 4  # memo files kept: a run with --preset-provider and one without keep theirs
# A file changed less than this long before it was read is hashed on every lookup: on a
# file system with coarse timestamps an edit in the same tick would keep the same stamp (git's
# "racy" entries). Two seconds covers FAT's two-second mtime; ext4 and APFS stamp nanoseconds.
RACY_STAMP_NS = 2_000_000_000


class PlainMark(NamedTuple):
    """A preset's mark in plain values, so collection builds it without the preset's model:
    ``kind`` is "plain" (``marks: [smoke]``, ``name`` the mark), "xfail" or "skip"."""

    kind: str
    name: str
    reason: str = ""
    strict: bool = False
    only: tuple[str, ...] | None = None  # the items it applies to; None: every item


class Outline(NamedTuple):
    """What collection needs of a checked file: its id and line, and its items with their marks.
    Named tuples, as the marks: a thousand of them unpickle in a fraction of a millisecond."""

    preset_id: str
    line: int
    abstract: bool
    valid: bool  # the check gave a Preset (before the suite's duplicate-id check)
    items: tuple[str, ...]  # "schema" first; only it when the file has errors
    marks: tuple[PlainMark, ...]


Stamp = tuple[int, int, int]  # a regular file's (mtime in ns, size, inode)


class Source(NamedTuple):
    """A source file the check read: its digest, and the stamp that vouches for it unread."""

    path: str
    digest: str | int
    stamp: Stamp | None  # None: changed too near its reading to vouch for it (RACY_STAMP_NS)


class Inputs(NamedTuple):
    """What a check read: each source file and each local media file's facts."""

    sources: tuple[Source, ...]
    media: tuple[tuple[str, str], ...]


def file_digest(path: str | Path) -> str | int:
    """A source file's content hash, or MISSING (gone, not a regular file, or over the cap: the
    check itself reports those)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > YAML_CAP_BYTES:
                return MISSING
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return MISSING


def file_stamp(path: str | Path) -> Stamp | None:
    """A regular file's stamp (mtime, size, inode), None for anything else; one stat."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def media_fact(path: str | Path) -> str:
    """What the check asked of a local reference: where it resolves (a link may come to point
    out of the project) and that it is a regular file of this size."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    size = info.st_size if stat.S_ISREG(info.st_mode) else MISSING
    return f"{os.path.realpath(path)}\0{size}"


class CheckMemo:
    """The memo of one checking identity (code, scenarios file, project root, provider override):
    a memo file per identity, so switching back and forth keeps both.

    A source file whose stamp is the one kept is not read again (as git trusts its index); one
    whose stamp changed (a fresh clone, a touch) is hashed, and its entry is kept with the new
    stamp when the digest still matches."""

    def __init__(self, directory: Path, identity: str) -> None:
        self.path = directory / f"{identity}{MEMO_SUFFIX}"
        self._entries: dict[str, tuple[Inputs, Outline, Any]] | None = None
        # this run's reading of each source file, shared by the files extending one base
        self._read: dict[str, Source] = {}
        self._changed = False

    def _load(self) -> dict[str, tuple[Inputs, Outline, Any]]:
        if self._entries is None:
            try:
                loaded = _unpickle(self.path.read_bytes())
                self._entries = loaded if isinstance(loaded, dict) else {}
            except Exception:  # missing, half a file, another version's classes: start afresh
                self._entries = {}
        return self._entries

    def source(self, path: str) -> Source:
        """The file's digest, once a run, with the stamp taken before it was read: an edit while
        it is read leaves a newer stamp, which the next run does not trust."""
        if path not in self._read:
            stamp = file_stamp(path)
            if stamp is not None and time.time_ns() - stamp[0] < RACY_STAMP_NS:
                stamp = None
            self._read[path] = Source(path, file_digest(path), stamp)
        return self._read[path]

    def lookup(self, path: Path) -> tuple[Outline, Any] | None:
        """The file's outline and check (pickled, unless kept in this run), if nothing it read
        has changed."""
        key = str(path)
        entry = self._load().get(key)
        if entry is None:
            return None
        inputs, outline, blob = entry
        sources = []
        for kept in inputs.sources:
            if kept.stamp is not None and file_stamp(kept.path) == kept.stamp:
                sources.append(kept)
                continue
            now = self.source(kept.path)
            if now.digest != kept.digest:
                return None
            sources.append(now)
        if any(media_fact(media) != fact for media, fact in inputs.media):
            return None
        if tuple(sources) != inputs.sources:  # same bytes, new stamps: vouched for unread from now
            self._entries[key] = (inputs._replace(sources=tuple(sources)), outline, blob)  # type: ignore[index]
            self._changed = True
        return outline, blob

    def keep(self, path: Path, inputs: Inputs, outline: Outline, value: Any) -> None:
        """Keep a file's check, pickled when the memo is saved (a run that saves nothing, such
        as ``--co``, pays nothing); ``value`` must not be changed after."""
        self._load()[str(path)] = (inputs, outline, value)
        self._changed = True

    def inputs(self, sources: list[Path], media: list[Path]) -> Inputs:
        return Inputs(tuple(self.source(str(p)) for p in sources),
                      tuple((str(p), media_fact(p)) for p in media))

    def save(self, keep_only: set[Path]) -> None:
        """Write the memo if it changed, with only the entries of ``keep_only`` (the files of this
        suite: a deleted preset's entry goes), and drop all but the newest memo files."""
        entries = self._load()
        kept = {str(path) for path in keep_only}
        stale = [key for key in entries if key not in kept]
        if not self._changed and not stale:
            return
        for key in stale:
            del entries[key]
        for key, (inputs, outline, value) in entries.items():
            if not isinstance(value, bytes):
                entries[key] = (inputs, outline, blob_of(value))
        try:
            write_bytes_atomic(self.path, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL),
                               durable=False)
            memos = sorted(self.path.parent.glob(f"*{MEMO_SUFFIX}"), key=_modified, reverse=True)
            for old in memos[KEPT_IDENTITIES:]:
                old.unlink(missing_ok=True)
        except OSError:  # a read-only checkout: the next run checks again
            pass
        self._changed = False


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _unpickle(data: bytes) -> Any:
    """Unpickle with the garbage collector paused: the tens of thousands of tuples a memo holds
    would otherwise set off collections that scan pytest's whole heap, for cycles that
    freshly unpickled data cannot form yet (about 25 ms of 30 for 1,000 presets)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if was_enabled:
            gc.enable()


def blob_of(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def from_blob(blob: bytes) -> Any:
    return pickle.loads(blob)

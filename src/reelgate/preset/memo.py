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

import hashlib
import os
import pickle
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelgate.atomic import write_bytes_atomic
from reelgate.bounded import YAML_CAP_BYTES

MEMO_DIR = Path(".reelgate") / "cache" / "checks"
MEMO_SUFFIX = ".pickle"

# A source file's digest, or a media file's size; MISSING when it is not a regular file.
MISSING = -1
KEPT_IDENTITIES = 4  # memo files kept: a run with --preset-provider and one without keep theirs


@dataclass(frozen=True, slots=True)
class PlainMark:
    """A preset's mark in plain values, so collection builds it without the preset's model:
    ``kind`` is "plain" (``marks: [smoke]``, ``name`` the mark), "xfail" or "skip"."""

    kind: str
    name: str
    reason: str = ""
    strict: bool = False
    only: tuple[str, ...] | None = None  # the items it applies to; None: every item


@dataclass(frozen=True, slots=True)
class Outline:
    """What collection needs of a checked file: its id and line, and its items with their marks."""

    preset_id: str
    line: int
    abstract: bool
    valid: bool  # the check gave a Preset (before the suite's duplicate-id check)
    items: tuple[str, ...]  # "schema" first; only it when the file has errors
    marks: tuple[PlainMark, ...]


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a check read: each source file's digest and each local media file's facts."""

    sources: tuple[tuple[str, str | int], ...]
    media: tuple[tuple[str, str], ...]


def file_digest(path: Path) -> str | int:
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


def media_fact(path: Path) -> str:
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
    a memo file per identity, so switching back and forth keeps both."""

    def __init__(self, directory: Path, identity: str) -> None:
        self.path = directory / f"{identity}{MEMO_SUFFIX}"
        self._entries: dict[str, tuple[Inputs, Outline, Any]] | None = None
        self._digests: dict[Path, str | int] = {}  # this run's, shared by the files extending one base
        self._changed = False

    def _load(self) -> dict[str, tuple[Inputs, Outline, Any]]:
        if self._entries is None:
            try:
                loaded = pickle.loads(self.path.read_bytes())
                self._entries = loaded if isinstance(loaded, dict) else {}
            except Exception:  # missing, half a file, another version's classes: start afresh
                self._entries = {}
        return self._entries

    def digest(self, path: Path) -> str | int:
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    def lookup(self, path: Path) -> tuple[Outline, Any] | None:
        """The file's outline and check (pickled, unless kept in this run), if nothing it read
        has changed."""
        entry = self._load().get(str(path))
        if entry is None:
            return None
        inputs, outline, blob = entry
        if any(self.digest(Path(source)) != digest for source, digest in inputs.sources):
            return None
        if any(media_fact(Path(media)) != fact for media, fact in inputs.media):
            return None
        return outline, blob

    def keep(self, path: Path, inputs: Inputs, outline: Outline, value: Any) -> None:
        """Keep a file's check, pickled when the memo is saved (a run that saves nothing, such
        as ``--co``, pays nothing); ``value`` must not be changed after."""
        self._load()[str(path)] = (inputs, outline, value)
        self._changed = True

    def inputs(self, sources: list[Path], media: list[Path]) -> Inputs:
        return Inputs(tuple((str(p), self.digest(p)) for p in sources),
                      tuple((str(p), media_fact(p)) for p in media))

    def save(self, keep_only: set[Path]) -> None:
        """Write the memo if it changed, with only the entries of ``keep_only`` (the files of this
        suite: a deleted preset's entry goes), and drop all but the newest memo files."""
        entries = self._load()
        stale = [key for key in entries if Path(key) not in keep_only]
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


def blob_of(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def from_blob(blob: bytes) -> Any:
    return pickle.loads(blob)

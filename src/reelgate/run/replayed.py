"""Replayed renders kept across runs, so a warm replay reads each render's result instead of
playing its cassette through the provider's code again.

A replay is a pure function of the cassette's bytes, the media files it names, the render
request and the code that plays it (providers, render service, cassettes, their libraries). The
memo keeps, per render key, the cassette's digest, the request's fingerprint, the stamps of the
media files (mtime, size, inode: an edited or replaced media file is read and checked again) and
the ``RenderResult``; an entry is used only while all of these match and the clip it names is
still in the media store at its size. Only succeeded replays of ``--preset-record=none`` are
kept: a recording run, a live one and every failure go through the provider as before.

The memo is a pickle in ``.reelgate/cache/replays``, one file per code identity, the same trust as
the memo of checks beside it. One that cannot be read is ignored; one that cannot be written costs
time only. xdist workers merge their entries into the file when they save, and a save drops the
entries whose cassette is gone (a deleted preset, a removed repeat).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Any, NamedTuple

from reelgate.atomic import write_bytes_atomic
from reelgate.identity import code_digest

MEMO_DIR = Path(".reelgate") / "cache" / "replays"
# What a replay runs: a change to any of it may change a replayed result.
_REPLAY_CODE = ("providers", "render", "cassettes", "request.py", "media.py", "loopback.py", "atomic.py")
_REPLAY_LIBRARIES = ("httpx", "vcrpy", "PyYAML", "pydantic", "pydantic-core")
KEPT_IDENTITIES = 2  # memo files kept: this code's and the one before (a branch switched back)

Stamp = tuple[int, int, int]  # (mtime in ns, size, inode)


class Entry(NamedTuple):
    cassette_path: str  # where the cassette was: an entry whose cassette is gone is dropped
    cassette: str  # sha256 of the cassette file's bytes
    fingerprint: str  # the render request's, as the cassette records it
    media: tuple[tuple[str, Stamp], ...]  # each media file the cassette names, as it was replayed
    result: Any  # reelgate.providers.result.RenderResult


def replay_identity(root: Path) -> str:
    """The code that plays a cassette, and the project root (results hold absolute paths)."""
    digest = code_digest(_REPLAY_CODE, _REPLAY_LIBRARIES)
    digest.update(f"{root}\0".encode())
    return digest.hexdigest()[:16]


def stamp(path: Path) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino) if stat.S_ISREG(info.st_mode) else None


class ReplayMemo:
    """The replayed renders of one code identity."""

    def __init__(self, root: Path, media_dir: Path) -> None:
        self.path = root / MEMO_DIR / f"{replay_identity(root)}.pickle"
        self.media_dir = media_dir
        self._entries: dict[str, Entry] | None = None
        self._new: dict[str, Entry] = {}

    def _load(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = _read(self.path)
        return self._entries

    def lookup(self, key: str, cassette: Path, fingerprint: str) -> Any | None:
        """The render's kept result, if its cassette, request, media and stored clip are as they
        were when it was replayed."""
        entry = self._load().get(key)
        if entry is None or entry.fingerprint != fingerprint:
            return None
        try:
            if hashlib.sha256(cassette.read_bytes()).hexdigest() != entry.cassette:
                return None
        except OSError:
            return None
        if any(stamp(self.media_dir / name) != kept for name, kept in entry.media):
            return None
        clip = entry.result.clip
        stored = stamp(clip.path) if clip is not None else None
        if stored is None or stored[1] != clip.size:
            return None
        return entry.result

    def keep(self, key: str, cassette: Path, fingerprint: str, media: list[str], result: Any) -> None:
        """Keep a render just replayed, unless a file it read changed meanwhile."""
        try:
            digest = hashlib.sha256(cassette.read_bytes()).hexdigest()
        except OSError:
            return
        stamps = tuple((name, stamp(self.media_dir / name)) for name in media)
        if any(kept is None for _, kept in stamps):
            return
        entry = Entry(str(cassette), digest, fingerprint, stamps, result)  # type: ignore[arg-type]
        if self._load().get(key) != entry:
            self._new[key] = entry

    def save(self) -> None:
        """Merge this run's new entries into the memo file (another xdist worker may have saved
        its own since), less those whose cassette is gone; keep the newest memo files only."""
        if not self._new:
            return
        entries = {key: entry for key, entry in {**_read(self.path), **self._new}.items()
                   if os.path.isfile(entry.cassette_path)}
        self._new = {}
        try:
            write_bytes_atomic(self.path, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL),
                               durable=False)
            memos = sorted(self.path.parent.glob("*.pickle"), key=_modified, reverse=True)
            for old in memos[KEPT_IDENTITIES:]:
                old.unlink(missing_ok=True)
        except OSError:  # a read-only checkout: the next run replays again
            pass


class Remembered:
    """One run's use of the memo: the renders it answered (their cassettes not played) and the
    request fingerprints it took to look them up, which keeping a fresh replay needs again."""

    def __init__(self, memo: ReplayMemo | None) -> None:
        self.memo = memo
        self.results: dict[str, Any] = {}  # render key -> its kept RenderResult
        self._fingerprints: dict[str, str] = {}

    def answer(self, request: Any, cassette: Path) -> Any | None:
        """The render's result from an earlier run's replay, when nothing it read changed."""
        if self.memo is None:
            return None
        from reelgate.cassettes.fingerprint import fingerprint, normalized

        key = request.key
        self._fingerprints[key] = fingerprint(normalized(request))
        result = self.memo.lookup(key, cassette, self._fingerprints[key])
        if result is not None:
            self.results[key] = result
        return result

    def keep(self, key: str, cassette: Path, media: list[str], result: Any) -> None:
        """A render this run replayed whole from its cassette, for the next run."""
        if self.memo is not None and key not in self.results and key in self._fingerprints:
            self.memo.keep(key, cassette, self._fingerprints[key], media, result)

    def counted_in(self, progress: Any) -> Any:
        """The render service's progress (None: no service ran) with the answered renders added,
        so a warm run's summary counts what a cold one's does."""
        from dataclasses import replace

        from reelgate.render.options import Progress

        if not self.results:
            return progress
        count = len(self.results)
        cost = sum(result.cost_usd for result in self.results.values())
        if progress is None:
            return Progress(total=count, queued=0, running=0, downloading=0, done=count, failed=0,
                            cost_usd=round(cost, 4))
        return replace(progress, total=progress.total + count, done=progress.done + count,
                       cost_usd=round(progress.cost_usd + cost, 4))

    def save(self) -> None:
        if self.memo is not None:
            self.memo.save()


def _read(path: Path) -> dict[str, Entry]:
    try:
        loaded = pickle.loads(path.read_bytes())
    except Exception:  # missing, half a file, another version's classes: start afresh
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

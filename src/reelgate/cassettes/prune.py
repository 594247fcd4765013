"""Recordings no preset needs any more: found after a full run, removed on request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from reelgate.cassettes.format import ANALYSIS_SUFFIX, MEDIA_HEADER
from reelgate.media import file_digest


@dataclass(frozen=True)
class Unused:
    cassettes: tuple[Path, ...]
    media: tuple[Path, ...]
    analyses: tuple[Path, ...] = ()  # stored clip analyses of no remaining clip

    def __bool__(self) -> bool:
        return bool(self.cassettes or self.media or self.analyses)


def find_unused(directory: Path, needed_keys: Iterable[str], keep: Iterable[str] = (),
                clips: Iterable[Path] = ()) -> Unused:
    """Cassettes whose key no preset asks for, media no remaining cassette names, and the stored
    analyses (``media/<sha256>.analysis.json``) of neither remaining media nor one of ``clips``.

    ``keep`` names preset ids whose whole folder stays (a preset that is not valid right now may
    still own it), with the media its cassettes name. ``clips``: other files whose analysis is
    stored there (the presets' reference videos).
    """
    if not directory.is_dir():
        return Unused((), ())
    needed = {directory / f"{key}.yaml" for key in needed_keys}
    kept = {directory / name for name in keep}
    media_dir = directory / "media"
    cassettes = sorted(p for p in directory.rglob("*.yaml") if media_dir not in p.parents)
    unused = tuple(p for p in cassettes if p not in needed and not kept & set(p.parents))
    referenced = set()
    for path in cassettes:
        if path not in unused:
            referenced |= _media_names(path)
    stored = sorted(p for p in media_dir.glob("*") if p.is_file()) if media_dir.is_dir() else []
    analyses = [p for p in stored if p.name.endswith(ANALYSIS_SUFFIX)]
    media = tuple(p for p in stored if p not in analyses and p.name not in referenced)
    alive = {name.split(".")[0] for name in referenced} | {_sha256(path) for path in clips}
    orphans = tuple(p for p in analyses if p.name.removesuffix(ANALYSIS_SUFFIX) not in alive)
    return Unused(unused, media, orphans)


def _sha256(path: Path) -> str | None:
    """The content hash of a file, or None if it cannot be read (nothing is kept for it)."""
    try:
        return file_digest(path)[0]
    except OSError:
        return None


def prune(unused: Unused) -> None:
    """Delete what ``find_unused`` found, and the folders it leaves empty."""
    for path in (*unused.cassettes, *unused.media, *unused.analyses):
        path.unlink(missing_ok=True)
    for folder in sorted({p.parent for p in unused.cassettes}, reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _media_names(path: Path) -> set[str]:
    """Media a cassette names; a cassette too broken to read keeps nothing alive."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return set()
    names = set()
    for interaction in (data or {}).get("interactions", []) if isinstance(data, dict) else []:
        try:
            headers = interaction["response"]["headers"]
        except (KeyError, TypeError):
            continue
        for name, values in headers.items():
            if name.lower() == MEDIA_HEADER:
                names.update(values if isinstance(values, list) else [values])
    return names

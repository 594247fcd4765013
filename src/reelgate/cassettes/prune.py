"""Recordings no preset needs any more: found after a full run, removed on request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from reelgate.cassettes.format import MEDIA_HEADER


@dataclass(frozen=True)
class Unused:
    cassettes: tuple[Path, ...]
    media: tuple[Path, ...]

    def __bool__(self) -> bool:
        return bool(self.cassettes or self.media)


def find_unused(directory: Path, needed_keys: Iterable[str], keep: Iterable[str] = ()) -> Unused:
    """Cassettes whose key no preset asks for, and media no remaining cassette names.

    ``keep`` names preset ids whose whole folder stays (a preset that is not valid right now may
    still own it), with the media its cassettes name.
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
    media = tuple(sorted(p for p in media_dir.glob("*") if p.is_file() and p.name not in referenced)) \
        if media_dir.is_dir() else ()
    return Unused(unused, media)


def prune(unused: Unused) -> None:
    """Delete what ``find_unused`` found, and the folders it leaves empty."""
    for path in (*unused.cassettes, *unused.media):
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

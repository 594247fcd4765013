"""Hashes of the code and libraries that decide a cached result: a memo keyed by one (the checks
of preset files, replayed renders) is left behind as soon as any of that code changes, with no
version to bump by hand."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
PROVIDER_GROUP = "reelgate.providers"


def code_digest(modules: Iterable[str], libraries: Iterable[str]) -> Any:
    """A sha256 (to extend with what else decides the result) of reelgate's ``modules`` (packages
    or ``.py`` files under the package, line endings normalised), the installed versions of
    ``libraries``, the Python version and the installed providers (a third party's code is known
    by its distribution's version)."""
    digest = hashlib.sha256()
    for name in modules:
        target = PACKAGE / name
        for source in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            digest.update(str(source.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(source.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    for library in libraries:
        try:
            digest.update(f"{library}={version(library)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{library}=none\0".encode())
    digest.update(f"{sys.version_info[:3]}\0".encode())
    for point in sorted(entry_points(group=PROVIDER_GROUP), key=lambda ep: ep.name):
        owner = f"{point.dist.name}={point.dist.version}" if point.dist else ""
        digest.update(f"{point.name}={point.value}@{owner}\0".encode())
    return digest

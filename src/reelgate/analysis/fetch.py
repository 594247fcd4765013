"""Reference clips given as https URLs: downloaded once, with a size cap, kept by content hash.

A URL already fetched is served from ``.reelgate/cache/references`` without touching the network,
so a replayed run (network blocked) still analyses a reference it has seen before.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import httpx

from reelgate.analysis.errors import ReferenceFetchError
from reelgate.atomic import write_text_atomic

MAX_BYTES = 200 * 1024 * 1024
CACHE_DIR = Path(".reelgate") / "cache" / "references"


def fetch_reference(url: str, root: Path, *, offline: bool = False, max_bytes: int = MAX_BYTES,
                    timeout: float = 60.0, transport: httpx.BaseTransport | None = None) -> Path:
    """The local copy of ``url``; ReferenceFetchError (one line) when it cannot be had."""
    if not url.startswith("https://"):
        raise ReferenceFetchError(url, "only https:// reference URLs are fetched")
    directory = root / CACHE_DIR
    index_path = directory / "index.json"
    index = _read_index(index_path)
    known = index.get(url)
    if known and (directory / known).is_file():
        return directory / known
    if offline:
        raise ReferenceFetchError(url, "not downloaded yet, and the network is blocked in replay "
                                  "(--preset-record=none); run once with network access or use a local file")
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temp = tempfile.mkstemp(prefix=".ref.", suffix=".part", dir=directory)
    try:
        client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=True)
        with os.fdopen(fd, "wb") as handle, client, client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ReferenceFetchError(url, f"the server answered HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise ReferenceFetchError(url, f"{int(declared):,} bytes is over the {max_bytes:,} byte cap")
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ReferenceFetchError(url, f"more than the {max_bytes:,} byte cap")
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise ReferenceFetchError(url, "the server sent an empty body")
        name = digest.hexdigest() + (Path(url.split("?")[0]).suffix.lower()[:6] or ".mp4")
        os.replace(temp, directory / name)
    except httpx.HTTPError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ReferenceFetchError(url, f"download failed ({type(exc).__name__})") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    index[url] = name
    write_text_atomic(index_path, json.dumps(index, indent=1, sort_keys=True))
    return directory / name


def _read_index(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}

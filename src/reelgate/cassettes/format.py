"""Cassette files: vcrpy's YAML format, with large bodies moved to a content-addressed store.

A cassette is what vcrpy writes (``version`` and ``interactions``, readable by vcrpy itself) plus
a ``reelgate`` mapping (``cassettes.meta``): the render it answers, the fingerprint of the
normalized request, that request, and who answered. Requests go through vcrpy's public
``Request`` (constructor and attributes) and its YAML serializer, written as vcrpy writes them.
Video (and any large binary) bodies live in ``cassettes/media/<sha256>.<ext>``, named from the
cassette by an ``x-reelgate-media`` response header, so cassettes stay a few KB and identical
clips are stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from vcr.request import Request
from vcr.serializers import compat, yamlserializer

from reelgate.atomic import write_bytes_atomic, write_text_atomic
from reelgate.cassettes.errors import BrokenCassette, SecretInCassette
from reelgate.cassettes.matching import match_key, shrink_body
from reelgate.cassettes.meta import VCRPY_FORMAT, CassetteMeta, dump_meta, parse_meta
from reelgate.cassettes.scrub import find_leak, scrub_body, scrub_headers, scrub_url

MEDIA_HEADER = "x-reelgate-media"
# What the run knows of a clip without decoding it, beside the clip: ``media/<sha256>`` + this.
ANALYSIS_SUFFIX = ".analysis.json"
# Request headers worth keeping: what says how the body reads, and (redacted) that auth was sent.
_KEPT_REQUEST_HEADERS = {"content-type", "authorization", "x-api-key", "x-runway-version", "prefer"}
MEDIA_MIN_BYTES = 16 * 1024
_EXTENSIONS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
               "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@dataclass
class Interaction:
    request: Request
    response: dict[str, Any]

    @property
    def key(self) -> str:
        return match_key(self.request.method, self.request.uri, self.request.body)

    @property
    def status(self) -> int:
        return int(self.response["status"]["code"])


@dataclass
class Cassette:
    path: Path
    meta: CassetteMeta
    interactions: list[Interaction] = field(default_factory=list)

    def media(self) -> list[str]:
        """The media file names this cassette refers to."""
        return [name for i in self.interactions for name in _header(i.response, MEDIA_HEADER)]


def record(method: str, url: str, headers: dict[str, list[str]], body: bytes | None,
           response: dict[str, Any]) -> Interaction:
    """An interaction as it will be stored: secrets scrubbed, large uploads hashed."""
    request = Request(method, scrub_url(url), shrink_body(scrub_body(body)), {})
    kept = {k: v for k, v in headers.items() if k.lower() in _KEPT_REQUEST_HEADERS}
    request.headers = {k: v[0] for k, v in scrub_headers(kept).items() if v}
    stored = {
        "status": dict(response["status"]),
        "headers": scrub_headers(response["headers"]),
        "body": {"string": response["body"]["string"]},
    }
    if not _is_media(stored):
        stored["body"]["string"] = scrub_body(stored["body"]["string"])
    return Interaction(request, stored)


def load_cassette(path: Path, media_dir: Path, parsed: Path | None = None) -> Cassette:
    """Read a cassette and its media; any damage is a BrokenCassette naming the file.
    ``parsed``: a folder where the parse of each cassette text is kept (``_deserialize``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BrokenCassette(f"{path}: not UTF-8 text; restore it or re-record") from None
    try:
        data = _deserialize(text, parsed)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise BrokenCassette(f"{where}: broken YAML ({exc.problem}); restore it or re-record") from None
    except yaml.YAMLError as exc:
        raise BrokenCassette(f"{path}: broken YAML ({exc}); restore it or re-record") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise BrokenCassette(f"{path}: not a cassette (no 'interactions' list); re-record it")
    cassette = Cassette(path, meta=parse_meta(data, str(path)))
    for number, raw in enumerate(data["interactions"], start=1):
        try:
            request = _request(raw["request"])
            response = compat.convert_to_bytes(raw["response"])
            response["status"]["code"] = int(response["status"]["code"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BrokenCassette(
                f"{path}: interaction {number} is malformed ({type(exc).__name__}: {exc}); re-record it"
            ) from None
        for name in _header(response, MEDIA_HEADER):
            response["body"]["string"] = _read_media(media_dir, name, path)
        cassette.interactions.append(Interaction(request, response))
    return cassette


def save_cassette(cassette: Cassette, media_dir: Path, env: dict[str, str] | None = None) -> None:
    """Write media first, then the cassette; refuse the write if a secret value is still inside."""
    interactions = []
    media: list[tuple[Path, bytes]] = []
    for interaction in cassette.interactions:
        response = {**interaction.response, "headers": dict(interaction.response["headers"]),
                    "body": dict(interaction.response["body"])}
        body = response["body"]["string"]
        if _is_media(response) and body:
            name = f"{hashlib.sha256(body).hexdigest()}.{_extension(response)}"
            media.append((media_dir / name, body))
            response["headers"][MEDIA_HEADER] = [name]
            response["body"]["string"] = b""
        interactions.append({
            "request": compat.convert_to_unicode(_request_dict(interaction.request)),
            "response": compat.convert_to_unicode(response),
        })
    text = yamlserializer.serialize({"version": VCRPY_FORMAT, "interactions": interactions,
                                     "reelgate": dump_meta(cassette.meta)})
    leaked = find_leak(text, env)
    for _, data in media:
        leaked = leaked or find_leak(data.decode("latin-1"), env)
    if leaked:
        raise SecretInCassette(
            f"refusing to write {cassette.path}: it would contain the value of ${leaked}; "
            "the provider echoed a secret somewhere the scrubber does not know (report it)"
        )
    for target, data in media:
        if not target.exists():
            write_bytes_atomic(target, data)
    write_text_atomic(cassette.path, text)


def _deserialize(text: str, parsed: Path | None) -> Any:
    """vcrpy's YAML parsed once per text: PyYAML's pure-Python constructor costs about 2 ms a
    cassette, so a warm replay reads the JSON of its earlier parse, keyed by the text's hash
    (an edited cassette is parsed anew). A parse JSON cannot hold (bytes) is not kept."""
    if parsed is None:
        return yamlserializer.deserialize(text)
    kept = parsed / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}.json"
    try:
        return json.loads(kept.read_bytes())
    except (OSError, ValueError):
        pass
    data = yamlserializer.deserialize(text)
    with contextlib.suppress(TypeError, ValueError, OSError):  # missing or damaged: written anew
        write_bytes_atomic(kept, json.dumps(data, separators=(",", ":")).encode(), durable=False)
    return data


def _request(raw: dict[str, Any]) -> Request:
    """A stored request as vcrpy's Request (a str body becomes bytes, as vcrpy reads it)."""
    return Request(raw["method"], raw["uri"], raw["body"], raw["headers"])


def _request_dict(request: Request) -> dict[str, Any]:
    """A request as vcrpy stores it: each header as a one-item list."""
    return {"method": request.method, "uri": request.uri, "body": request.body,
            "headers": {name: [value] for name, value in request.headers.items()}}


def _read_media(media_dir: Path, name: str, cassette: Path) -> bytes:
    target = media_dir / Path(name).name
    try:
        data = target.read_bytes()
    except OSError:
        raise BrokenCassette(
            f"{cassette}: its media file {target} is missing; restore it (git checkout) or re-record"
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    if not name.startswith(digest):
        raise BrokenCassette(
            f"{cassette}: media file {target} does not match its hash (got {digest[:12]}...); "
            "it was edited or corrupted: restore it or re-record"
        )
    return data


def _header(response: dict[str, Any], name: str) -> list[str]:
    for key, values in response.get("headers", {}).items():
        if key.lower() == name:
            return list(values) if isinstance(values, list) else [values]
    return []


def _content_type(response: dict[str, Any]) -> str:
    values = _header(response, "content-type")
    return values[0].split(";")[0].strip().lower() if values else ""


def _is_media(response: dict[str, Any]) -> bool:
    body = response["body"]["string"] or b""
    kind = _content_type(response)
    if kind.startswith(("video/", "image/", "audio/")) or kind == "application/octet-stream":
        return True
    if len(body) < MEDIA_MIN_BYTES:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _extension(response: dict[str, Any]) -> str:
    return _EXTENSIONS.get(_content_type(response), "bin")

"""What reelgate adds to a vcrpy cassette: the ``reelgate`` block, typed and with a format version.

vcrpy's own keys (``version``, ``interactions``) stay as vcrpy writes them, so vcrpy can read
the file; the ``reelgate`` block says which render the cassette answers (render key, preset,
the normalized request and its fingerprint) and who answered (provider and model served, when).
``parse_meta`` and ``dump_meta`` are pure; a block this reelgate cannot read is one
``BrokenCassette`` naming the file and the fix.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError

from reelgate.cassettes.errors import BrokenCassette
from reelgate.fileformat import first_error, version_problem

# Bump on any change a reader of the previous version would misread, and read the older
# versions in ``parse_meta`` (or tell users to re-record). Cassettes recorded before the block
# carried ``format`` hold exactly the fields of version 1 and are read as version 1.
CASSETTE_FORMAT = 1
# vcrpy's cassette format (its top-level ``version``): the interactions are written in it.
VCRPY_FORMAT = 1
RERECORD = "re-record it with --preset-record=rewrite"


class CassetteMeta(BaseModel):
    """The render a cassette answers, and who answered it."""

    # Unknown keys are refused: a typo or another tool's block is reported, never half-read.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    format: int = CASSETTE_FORMAT
    key: str  # the render key: <preset-id>/<point>[-<repeat>], the cassette's path without .yaml
    preset: str
    fingerprint: str  # of ``request``: a replay whose request has another fingerprint is stale
    request: dict[str, JsonValue]  # the normalized request (labels dropped, references hashed)
    provider: str  # asked for
    model: str
    served_by: str | None = None  # who answered: the failover when the primary failed
    served_model: str | None = None
    recorded_at: str | None = None  # UTC, ISO 8601 to the second


def parse_meta(data: dict[str, Any], name: str) -> CassetteMeta:
    """The reelgate block of a cassette's top-level mapping ``data`` (read from ``name``)."""
    version = data.get("version")
    if version != VCRPY_FORMAT:
        raise BrokenCassette(f"{name}: vcrpy cassette version {version!r}, reelgate reads version "
                             f"{VCRPY_FORMAT}; {RERECORD}")
    if "reelgate" not in data:
        raise BrokenCassette(f"{name}: a vcrpy cassette without reelgate's 'reelgate' block (not "
                             f"recorded by reelgate, so it answers no known render); {RERECORD}")
    block = data["reelgate"]
    if not isinstance(block, dict):
        raise BrokenCassette(f"{name}: reelgate: a {type(block).__name__}, not a mapping; {RERECORD}")
    problem = version_problem(block.get("format", CASSETTE_FORMAT), CASSETTE_FORMAT, "cassette",
                              "reelgate.format")
    if problem:
        raise BrokenCassette(f"{name}: {problem}; {RERECORD}")
    try:
        return CassetteMeta.model_validate(block)
    except ValidationError as exc:
        raise BrokenCassette(f"{name}: {first_error(exc, 'reelgate')}; restore it (git checkout) or "
                             f"{RERECORD}") from None


def dump_meta(meta: CassetteMeta) -> dict[str, Any]:
    """The block as written (the YAML serializer sorts its keys, so diffs stay small)."""
    return meta.model_dump(mode="json")


"""What makes two requests "the same" for replay: what the preset asked for, not volatile values.

Hosts and ports are ignored (a recording from the simulator answers the real host too), as are
signed-URL tokens, timestamps and request ids in query strings, auth headers, and the bytes of
large inline uploads (compared by hash). Task ids need no special case: a replayed submit
returns the recorded id, so the polls that follow ask for it again.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from reelgate.cassettes.scrub import JWT, REDACTED, SECRET_PARAM

_VOLATILE_PARAM = re.compile(r"^(?:t|ts|_|timestamp|nonce|request_?id|x-amz-date|cache_?buster)$", re.I)
# external_task_id: the client ref a submit carries (providers.base.client_ref), new each run.
_VOLATILE_FIELD = re.compile(r"^(?:timestamp|nonce|request_?id|callback_url|webhook|external_task_id)$",
                             re.I)
INLINE_LIMIT = 1024  # longer strings in a JSON body are compared (and stored) by their hash


def match_key(method: str, url: str, body: bytes | None) -> str:
    """One line that equal requests share: method, path, stable query, canonical body."""
    parts = urlsplit(url)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _VOLATILE_PARAM.match(k) and not SECRET_PARAM.match(k)
    )
    line = f"{method.upper()} {parts.path or '/'}"
    if query:
        line += "?" + urlencode(query)
    canonical = canonical_body(body)
    return f"{line} {canonical}" if canonical else line


def canonical_body(body: bytes | None) -> str:
    if not body:
        return ""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "sha256:" + hashlib.sha256(body).hexdigest()
    return json.dumps(shrink(data, drop_volatile=True), sort_keys=True, separators=(",", ":"))


def shrink(value: Any, *, drop_volatile: bool = False) -> Any:
    """Long inline strings (base64 uploads) become their hash; secrets stay redacted."""
    if isinstance(value, dict):
        return {k: shrink(v, drop_volatile=drop_volatile) for k, v in value.items()
                if not (drop_volatile and _VOLATILE_FIELD.match(k))}
    if isinstance(value, list):
        return [shrink(v, drop_volatile=drop_volatile) for v in value]
    if isinstance(value, str):
        if len(value) > INLINE_LIMIT:
            return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()
        return JWT.sub(REDACTED, value)
    return value


def shrink_body(body: bytes | None) -> bytes | None:
    """A request body as it is stored in a cassette: JSON with large inline uploads hashed."""
    if not body:
        return body
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    return json.dumps(shrink(data), separators=(",", ":")).encode("utf-8")

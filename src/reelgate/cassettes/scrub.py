"""Remove secrets from recorded HTTP before it is written, then prove none is left.

Scrubbing covers what providers put secrets in: auth headers, API-key headers and query
parameters, signed-URL tokens, JWTs anywhere, and key-like fields of JSON bodies. After the
cassette is serialised, its text is searched for the value of every secret-looking environment
variable, also URL-encoded, hex and base64 encoded; a hit refuses the write and names the
variable, never the value.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"
SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie",
    "set-cookie", "x-runway-api-key", "x-fal-key", "x-amz-security-token",
})
SECRET_PARAM = re.compile(
    r"^(?:.*(?:key|token|secret|signature|sig|password|credential).*|x-amz-.*|expires|se|sp|sv)$",
    re.IGNORECASE,
)
_SECRET_FIELD = re.compile(r"(?:api_?key|secret|token|password|access_key|credential)", re.I)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{10,}")
_SECRET_ENV = re.compile(r"(?:KEY|SECRET|TOKEN|PASSWORD|CREDENTIALS?)(?:_|$)", re.IGNORECASE)
MIN_SECRET_LENGTH = 8


def scrub_url(url: str) -> str:
    """The URL with secret-looking query values replaced (names kept, so matching still works)."""
    parts = urlsplit(url)
    if not parts.query:
        return JWT.sub(REDACTED, url)
    query = [(k, REDACTED if SECRET_PARAM.match(k) else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return JWT.sub(REDACTED, urlunsplit(parts._replace(query=urlencode(query))))


def scrub_headers(headers: Mapping[str, list[str]]) -> dict[str, list[str]]:
    return {
        name: [REDACTED] if name.lower() in SECRET_HEADERS else [JWT.sub(REDACTED, v) for v in values]
        for name, values in headers.items()
    }


def scrub_body(body: bytes | None) -> bytes | None:
    """JSON bodies lose key-like fields and JWTs; other text loses JWTs; binary is left alone."""
    if not body:
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    try:
        data = json.loads(text)
    except ValueError:
        return JWT.sub(REDACTED, text).encode("utf-8")
    return json.dumps(_scrub_json(data), separators=(",", ":"), sort_keys=False).encode("utf-8")


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_FIELD.search(k) and isinstance(v, str) else _scrub_json(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            return scrub_url(value)
        return JWT.sub(REDACTED, value)
    return value


def secret_values(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment variables that look like secrets, by name, with values long enough to matter."""
    env = os.environ if env is None else env
    return {name: value for name, value in env.items()
            if _SECRET_ENV.search(name) and len(value) >= MIN_SECRET_LENGTH}


def find_leak(text: str, env: Mapping[str, str] | None = None) -> str | None:
    """The name of an environment secret whose value appears in ``text``, or None.

    Found as written, URL-encoded, hex (either case), or base64 (standard or urlsafe alphabet,
    padded or not, at any offset inside a longer encoded value), and across line breaks (YAML
    folds long strings, and stores binary bodies as base64 in lines of 76).
    """
    secrets = secret_values(env)
    if not secrets:
        return None
    compact = _FOLDS.sub("", text)
    views = (text, compact, unquote(compact.replace("\\/", "/")))
    lowered = compact.lower()
    for name, value in sorted(secrets.items()):
        if any(form in view for form in (value, *_base64_forms(value)) for view in views):
            return name
        if value.encode("utf-8").hex() in lowered:
            return name
    return None


_FOLDS = re.compile(r"\\?\s+")  # whitespace, and YAML's backslash line continuation


def _base64_forms(value: str) -> list[str]:
    """The base64 characters that encode ``value`` wherever it sits in a longer byte string.

    base64 turns 3 bytes into 4 characters, so a value that starts 0, 1 or 2 bytes into a group
    is spelt three different ways; in each, only the characters whose 6 bits all come from the
    value are fixed (the first and last may mix in neighbouring bytes), and padding comes after
    them, so these cores match padded and unpadded text alike.
    """
    data = value.encode("utf-8")
    forms = []
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + data).decode("ascii")
        first = -(-8 * offset // 6)  # ceil: the first character made of the value's bits only
        last = 8 * (offset + len(data)) // 6  # exclusive: the last whole one
        core = encoded[first:last]
        forms += [core, core.translate(_URLSAFE)]
    return forms


_URLSAFE = str.maketrans("+/", "-_")

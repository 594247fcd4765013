"""The one exception the records stage raises, and the scrubbing that keeps passwords out of it."""

from __future__ import annotations

import re
from urllib.parse import quote

# user:password@ in any URL; greedy to the last "@" so a password holding "@" is hidden whole.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):(?P<password>\S*)@")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)[^&\s]*", re.IGNORECASE)
HIDDEN = "***"


class LedgerError(Exception):
    """One line a user can act on: what is wrong with the ledger and what to do about it.

    The plugin reports it as a usage error before any render is paid for, and ``reelgate report``
    prints it alone; it never holds a password.
    """


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with every URL password, and each of ``secrets`` (raw or URL-encoded), hidden."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}:{HIDDEN}@", text)
    text = _QUERY_PASSWORD.sub(lambda m: f"{m['head']}{HIDDEN}", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN).replace(quote(secret, safe=""), HIDDEN)
    return text


def first_line(text: str) -> str:
    """Database drivers explain over several lines (hints, SQL, links); the first says what failed."""
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return "unknown error"

"""Shared wording for versioned files users commit (approved records, cassettes).

Each reader raises its own error with its own fix; these say, in one line, what is wrong.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

# An offending value is quoted up to this many characters: enough to recognise, never a dump.
_SHOWN_CHARS = 40


def version_problem(found: Any, current: int, what: str, key: str = "format") -> str | None:
    """Why a file of format ``found`` cannot be read by a reader of ``current``, or None."""
    if type(found) is not int:
        return f"{key} {found!r} is not a format version"
    if found > current:
        return f"{what} format {found} is newer than this reelgate reads ({current}); upgrade pytest-reelgate"
    if found < current:
        return f"{what} format {found} is older than this reelgate reads ({current})"
    return None


def first_error(exc: ValidationError, root: str = "") -> str:
    """The first validation error as ``where: what, got value`` (and how many more there are)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ".".join([*([root] if root else []), *(str(part) for part in first["loc"])]) or "the file"
    got = "" if first["type"] == "missing" else f", got {_short(first.get('input'))}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    msg = first['msg']
    return f"{where}: {msg[:1].lower()}{msg[1:]}{got}{more}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS - 3] + "..."

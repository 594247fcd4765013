"""Provider keys, read from the environment only and never shown.

A key lives in a ``Secret`` whose repr/str are masked and which refuses to be pickled, so it
cannot leak through an exception, a log line, a pytest report or an xdist message by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NoReturn

MASK = "***"


class Secret:
    """A key or token; ``reveal()`` is the only way to read it, used when building a header."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            raise ValueError("a secret cannot be empty")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("secrets are not picklable; read them from the environment where needed")


def read_secret(env: Mapping[str, str], *names: str) -> Secret | None:
    """The first non-blank variable among ``names``, as a Secret."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return Secret(value)
    return None


def redact(text: str, secrets: Iterable[Secret | str]) -> str:
    """``text`` with every secret value (or derived token) replaced by ***."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if len(value) >= 4:
            text = text.replace(value, MASK)
    return text

"""Where a ledger lives: a SQLite file (the default, no set-up) or a PostgreSQL URL for a team."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from reelgate.records.errors import LedgerError, redact

if TYPE_CHECKING:  # SQLAlchemy loads when an address is parsed: a run writing its rows through
    from sqlalchemy.engine import URL  # the stdlib driver (records/lite.py) never needs it

DEFAULT_LEDGER = Path(".reelgate") / "ledger.sqlite"
LEDGER_ENV = "REELGATE_LEDGER"
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
Backend = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class LedgerLocation:
    """A parsed ledger address. ``display`` is what messages show: the URL with no password."""

    backend: Backend
    url: URL
    display: str
    path: Path | None = None

    @property
    def password(self) -> str:
        return str(self.url.password or "")


def resolve_ledger_url(option: str | None = None, ini: str | None = None, root: Path | None = None) -> str:
    """The URL the plugin should open: the command line wins, then the environment, then the ini file.

    With none of them, the default SQLite file under ``root`` (the rootdir) or the working directory.
    """
    for value in (option, os.environ.get(LEDGER_ENV), ini):
        if value and value.strip():
            return value.strip()
    return str((root or Path.cwd()) / DEFAULT_LEDGER)


def ledger_file(value: str | Path | None, root: Path) -> Path | None:
    """The file of a ledger given as a path (the default one for None), resolved against
    ``root``; None for a URL, which only ``parse_ledger_url`` reads (it needs SQLAlchemy)."""
    if value is None:
        return root / DEFAULT_LEDGER
    if isinstance(value, str):
        if "://" in value:
            return None
        value = Path(value.strip()).expanduser()
    return value if value.is_absolute() else root / value


def parse_ledger_url(value: str | Path | None, root: Path | None = None) -> LedgerLocation:
    """A file path, ``sqlite:///path`` or ``postgresql://...``; anything else is a LedgerError."""
    base = root or Path.cwd()
    if isinstance(value, str) and not value.strip():
        raise LedgerError("the ledger URL is empty; pass a file path or postgresql://user@host/db")
    path = ledger_file(value, base)
    if path is not None:
        return _sqlite(path)
    text = str(value).strip()
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        detail = "its port is not a number" if "int()" in str(exc) else redact(str(exc))
        raise LedgerError(f"ledger URL {redact(text)!r} is malformed: {detail}") from None
    scheme = url.drivername
    if scheme == "sqlite":
        if not url.database or url.database == ":memory:":
            raise LedgerError("a sqlite ledger URL needs a file: sqlite:///relative/path or sqlite:////abs/path")
        path = Path(url.database).expanduser()
        return _sqlite(path if path.is_absolute() else base / path)
    if scheme in _POSTGRES_SCHEMES:
        return _postgres(text, url)
    raise LedgerError(
        f"unsupported ledger URL scheme {scheme.split('+')[0]!r} in {redact(text)!r}; "
        "use a file path, sqlite:///path or postgresql://user@host/db"
    )


def _postgres(text: str, url: URL) -> LedgerLocation:
    shown = redact(text)
    authority = text.split("://", 1)[1].split("/", 1)[0]
    if authority.count("@") > 1:
        raise LedgerError(f"ledger URL {shown!r} has an '@' in its user or password; write it as %40")
    port = url.port
    if port is not None and not 0 < port < 65536:
        raise LedgerError(f"ledger URL {shown!r} has port {port}, outside 1-65535")
    return LedgerLocation("postgresql", url.set(drivername="postgresql+psycopg"), shown)


def _sqlite(path: Path) -> LedgerLocation:
    from sqlalchemy.engine import URL

    return LedgerLocation("sqlite", URL.create("sqlite", database=str(path)), str(path), path)

"""Optional parts of reelgate and the one-line error a missing one gives.

The base install is what a replaying CI needs; the simulator's web server, the PostgreSQL driver
and the HTML report (with the scenarios.yaml writer of ``report --winners --write``) are extras.
Code that needs one imports it through ``require`` (or checks ``missing`` first), so a user
without it reads which extra to install instead of a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

DISTRIBUTION = "pytest-reelgate"

#: extra -> (what it is for, the modules every use of it needs)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "simulator": ("the Kling simulator (reelgate simulate)", ("starlette", "uvicorn")),
    "postgres": ("a PostgreSQL ledger", ("psycopg",)),
    "report": ("the HTML report, its charts and --winners --write", ("matplotlib", "jinja2")),
}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""

    def __init__(self, extra: str, module: str) -> None:
        purpose = EXTRAS[extra][0]
        super().__init__(f"{purpose} needs {module}, which is not installed: "
                         f"pip install '{DISTRIBUTION}[{extra}]'", name=module)
        self.extra = extra
        self.module = module


def missing(extra: str, also: tuple[str, ...] = ()) -> MissingExtraError | None:
    """The error for the first module of ``extra`` (or of ``also``: modules of the same extra that
    only one command needs, as ruamel.yaml for ``report --winners --write``) that is not
    installed, or None (nothing imported)."""
    for module in (*EXTRAS[extra][1], *also):
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:  # a dotted name whose parent is absent (ruamel.yaml)
            found = None
        if found is None:
            return MissingExtraError(extra, module)
    return None


def require(extra: str) -> None:
    """Raise ``MissingExtraError`` unless every module of ``extra`` is installed."""
    error = missing(extra)
    if error is not None:
        raise error


def import_from_extra(extra: str, module: str) -> ModuleType:
    """``import module``, or ``MissingExtraError`` naming ``extra`` if it (or its root) is absent."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        root = module.split(".", 1)[0]
        if exc.name is None or exc.name.split(".", 1)[0] != root:
            raise
        raise MissingExtraError(extra, root) from None

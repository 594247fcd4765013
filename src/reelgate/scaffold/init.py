"""Write a starter suite into a folder: documented scenarios, one preset per scenario, the pytest
ini lines, ``.gitignore`` entries and the gate workflow.

Nothing of the user's is overwritten without ``force``: every target is checked before the first
file is written, so a refused init writes nothing. Files are written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from reelgate.atomic import write_bytes_atomic, write_text_atomic

_TEMPLATES = files("reelgate.scaffold") / "templates"
_WORKFLOW = Path(".github/workflows/preset-gate.yml")
GITIGNORE_LINES = (".reelgate/",)
# Files whose presence means the project already configures pytest: init then leaves the ini
# alone and prints the lines to add, rather than writing a second, competing configuration.
_PYTEST_CONFIGS = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


class InitRefused(Exception):
    """Init would overwrite files of the user's; the message names them and the flag."""


@dataclass(frozen=True)
class InitResult:
    written: tuple[Path, ...]
    gitignore_updated: bool
    ini_lines: str | None  # the ini lines to add by hand, when the project has its own config


def _template_files(folder: Traversable, prefix: Path = Path()) -> list[tuple[Path, Traversable]]:
    found: list[tuple[Path, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            found += _template_files(entry, prefix / entry.name)
        else:
            found.append((prefix / entry.name, entry))
    return found


def _plan(target: Path) -> tuple[dict[Path, bytes], str | None]:
    """Every file init writes (relative path -> bytes), and the ini lines if pytest is configured."""
    from reelgate.preset.schema import editor_schema_text

    planned: dict[Path, bytes] = {}
    ini_lines: str | None = None
    for relative, entry in _template_files(_TEMPLATES):
        if relative == Path("pytest.ini"):
            if any((target / name).exists() for name in _PYTEST_CONFIGS):
                ini_lines = entry.read_text(encoding="utf-8")
                continue
        elif relative == Path("preset-gate.yml"):
            relative = _WORKFLOW
        planned[relative] = entry.read_bytes()
    planned[Path("presets/preset.schema.json")] = editor_schema_text().encode("utf-8")
    return planned, ini_lines


def init_project(target: Path, *, force: bool = False) -> InitResult:
    """Write the starter suite into ``target`` (created if missing)."""
    if target.exists() and not target.is_dir():
        raise InitRefused(f"{target} is a file, not a folder: give init a folder to write the suite into")
    planned, ini_lines = _plan(target)
    existing = sorted(str(path) for path in planned if (target / path).exists())
    if existing and not force:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise InitRefused(f"{target} already has {shown}: nothing was written; "
                          "run `reelgate init --force` to overwrite them")
    for relative, data in planned.items():
        write_bytes_atomic(target / relative, data)
    return InitResult(tuple(planned), _add_gitignore_lines(target / ".gitignore"), ini_lines)


def _add_gitignore_lines(path: Path) -> bool:
    """Append our lines to ``.gitignore`` (never rewriting the user's own lines); True if changed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    text += "# reelgate's run state: analysis cache, media store, ledger, artifacts\n"
    write_text_atomic(path, text + "".join(f"{line}\n" for line in missing))
    return True

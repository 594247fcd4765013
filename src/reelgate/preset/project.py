"""Where a suite lives when there is no pytest run: the project root, preset paths, scenarios.

``reelgate check`` must look where ``pytest presets`` looks, whichever file or directory it is
given: the root is the directory of the pytest configuration file (found as pytest finds it,
upwards from the paths checked), ``preset_paths`` and ``preset_scenarios`` are read from it, and
the scenarios file defaults to ``<first preset path>/scenarios.yaml`` as in the plugin.
"""

from __future__ import annotations

import configparser
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reelgate.bounded import YAML_CAP_BYTES, BoundedReadError, read_bounded

# pytest's configuration files, in its order, with the section that makes each one count.
_INI_SECTIONS = (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None),
                 ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))


class ProjectError(Exception):
    """The configuration file cannot be read; the message names it."""


@dataclass(frozen=True)
class Project:
    root: Path
    preset_paths: tuple[Path, ...]
    scenarios: Path
    configfile: Path | None = None


def find_project(paths: list[Path], cwd: Path) -> Project:
    """The project the paths belong to, with the plugin's defaults where the ini says nothing."""
    existing = [p.resolve() for p in paths if p.exists()] or [cwd.resolve()]
    start = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in existing]))
    for directory in (start, *start.parents):
        for name, section in _INI_SECTIONS:
            options = _options(directory / name, section)
            if options is not None:
                return _project(directory, options, directory / name)
    fallback = next((d for d in (start, *start.parents) if (d / ".git").exists()), None)
    root = fallback or (cwd.resolve() if start.is_relative_to(cwd.resolve()) else start)
    return _project(root, {}, None)


def _project(root: Path, options: dict[str, object], configfile: Path | None) -> Project:
    raw = options.get("preset_paths") or ["presets"]
    names = raw.split() if isinstance(raw, str) else [str(p) for p in raw]  # type: ignore[attr-defined]
    preset_paths = tuple((root / p).resolve() for p in names or ["presets"])
    option = options.get("preset_scenarios")
    scenarios = (root / str(option)).resolve() if option else preset_paths[0] / "scenarios.yaml"
    return Project(root=root, preset_paths=preset_paths, scenarios=scenarios, configfile=configfile)


def _options(path: Path, section: str | None) -> dict[str, object] | None:
    """The pytest options of one configuration file, or None when it is not pytest's."""
    if not path.is_file():
        return None
    try:
        text = read_bounded(path, YAML_CAP_BYTES).decode("utf-8-sig")
    except (BoundedReadError, UnicodeDecodeError) as exc:
        raise ProjectError(f"cannot read {path}: {exc}") from None
    if section is None:
        try:
            tool = tomllib.loads(text).get("tool", {})
        except tomllib.TOMLDecodeError as exc:
            raise ProjectError(f"{path} is not valid TOML: {exc}") from None
        found = tool.get("pytest", {}).get("ini_options", tool.get("pytest"))
        return dict(found) if isinstance(found, dict) else None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise ProjectError(f"{path} is not a valid ini file: {exc}") from None
    return dict(parser[section]) if parser.has_section(section) else None

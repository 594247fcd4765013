"""pytest hooks and options of reelgate; everything heavy is imported only when needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from reelgate.collect.items import PresetFile


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reelgate", "reelgate: video-generation presets as tests")
    group.addoption("--preset-provider", metavar="NAME", default=None,
                    help="render every preset with this provider (e.g. kling), whatever it names")
    group.addoption("--preset-provider-url", metavar="URL", default=None,
                    help="base URL for --preset-provider, e.g. a 'reelgate simulate' server")
    parser.addini("preset_paths", "directories (or files) holding preset YAML files",
                  type="linelist", default=["presets"])
    parser.addini("preset_scenarios",
                  "the scenarios file (default: <first preset path>/scenarios.yaml)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "preset: items collected from a reelgate preset file")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PresetFile | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    from reelgate.collect.config import settings

    if not settings(parent.config).owns(file_path):
        return None
    from reelgate.collect.items import PresetFile

    return PresetFile.from_parent(parent, path=file_path)

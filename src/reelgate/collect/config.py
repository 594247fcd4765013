"""Where the suite lives, read from ini options and resolved against the rootdir."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from reelgate.plan import ProviderOverride

SETTINGS_KEY = pytest.StashKey["Settings"]()


@dataclass(frozen=True)
class Settings:
    root: Path
    preset_paths: tuple[Path, ...]
    scenarios: Path
    cassettes: Path
    approved: Path

    def owns(self, path: Path) -> bool:
        """Whether a file is a preset of this suite (and so becomes preset items)."""
        from reelgate.preset.suite import is_preset_file  # the preset stage, only once a YAML file is seen

        path = path.resolve()
        if path == self.scenarios:
            return False
        for base in self.preset_paths:
            if path == base:
                return is_preset_file(Path(path.name), self.scenarios.name)
            if path.is_relative_to(base):
                return is_preset_file(path.relative_to(base), self.scenarios.name)
        return False


def settings(config: pytest.Config) -> Settings:
    """The plugin's ini options, read once; paths are relative to the rootdir."""
    if SETTINGS_KEY not in config.stash:
        root = config.rootpath.resolve()
        paths = tuple((root / p).resolve() for p in (config.getini("preset_paths") or ["presets"]))
        option = config.getini("preset_scenarios")
        scenarios = (root / option).resolve() if option else paths[0] / "scenarios.yaml"
        cassettes = (root / (config.getini("preset_cassettes") or "cassettes")).resolve()
        approved = (root / (config.getini("preset_approved") or "approved")).resolve()
        config.stash[SETTINGS_KEY] = Settings(root=root, preset_paths=paths, scenarios=scenarios,
                                              cassettes=cassettes, approved=approved)
    return config.stash[SETTINGS_KEY]


def provider_override(config: pytest.Config) -> ProviderOverride | None:
    """``--preset-provider NAME [--preset-provider-url URL]`` for every preset of the run."""
    name = config.getoption("preset_provider", None)
    if not name:
        return None
    from reelgate.plan import ProviderOverride

    return ProviderOverride(name=name, base_url=config.getoption("preset_provider_url", None))

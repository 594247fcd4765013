"""One frozen description of a run: paths of the suite and every ``--preset-*`` value."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reelgate.plan import ProviderOverride


@dataclass(frozen=True)
class RunConfig:
    """What the run was asked for; paths are absolute (resolved against the rootdir)."""

    root: Path
    preset_paths: tuple[Path, ...]
    scenarios: Path
    cassettes: Path
    approved: Path
    record: str = "none"
    provider: str | None = None  # --preset-provider: one provider for every preset
    provider_url: str | None = None
    concurrency: int | None = None
    max_cost: float | None = None
    poll_interval: float | None = None
    approve: bool = False
    strict: bool = False
    reanalyze: bool = False  # --preset-reanalyze: analyse every clip again, rewrite stored analyses
    ledger_option: str | None = None  # --preset-ledger, then the ini value, then REELGATE_LEDGER
    ledger_ini: str = ""
    html: str | None = None
    results: str | None = None  # --preset-results DIR: a shard's results, whose HTML page shows sheets
    prune: str | None = None
    run_id: str | None = None  # the controller's run id, on an xdist worker
    worker: str | None = None  # the xdist worker id ("gw0"), None for the controller or a lone run
    whole_presets: bool = False  # an xdist worker that is given whole preset files

    @property
    def replay(self) -> bool:
        """Answers come from recordings (``--preset-record=none``): the network is blocked."""
        return self.record == "none"

    def override(self) -> ProviderOverride | None:
        """``--preset-provider NAME [--preset-provider-url URL]``, for the plan to apply."""
        if not self.provider:
            return None
        from reelgate.plan import ProviderOverride

        return ProviderOverride(name=self.provider, base_url=self.provider_url)

    def owns(self, path: Path) -> bool:
        """Whether a file is a preset of this suite (and so becomes preset items)."""
        if path.is_symlink():
            return self._owns_resolved(path.resolve())
        folder, presets_here = _folder_of(self, os.path.dirname(os.path.abspath(path)))
        if not presets_here:  # a file named in preset_paths, or no preset at all
            return self._owns_resolved(folder / path.name)
        return path.suffix in (".yaml", ".yml") and path.name != self.scenarios.name

    def _owns_resolved(self, path: Path) -> bool:
        # the preset stage, only once a YAML file is seen
        from reelgate.preset.suite import is_preset_file

        if path == self.scenarios:
            return False
        for base in self.preset_paths:
            if path == base:
                return is_preset_file(Path(path.name), self.scenarios.name)
            if path.is_relative_to(base):
                return is_preset_file(path.relative_to(base), self.scenarios.name)
        return False


@lru_cache(maxsize=1024)
def _folder_of(conf: RunConfig, directory: str) -> tuple[Path, bool]:
    """The folder resolved, once for all the files in it (pytest asks about every file of a
    suite), and whether its YAML files are presets: it is a preset path or below one, not
    under a ``references/`` folder."""
    from reelgate.preset.suite import REFERENCES_DIR

    real = Path(os.path.realpath(directory))
    for base in conf.preset_paths:
        if real == base or real.is_relative_to(base):
            return real, REFERENCES_DIR not in real.relative_to(base).parts
    return real, False

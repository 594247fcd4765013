"""End-of-run housekeeping on the controller: recordings no collected preset needs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reelgate.collect.config import settings


def is_full_run(config: pytest.Config) -> bool:
    """A run that selected every preset: no -k, -m or --lf, and its paths cover every preset path."""
    option = config.option
    if option.keyword or option.markexpr or getattr(option, "lf", False):
        return False
    conf = settings(config)
    args = [Path(a.split("::")[0]).resolve() for a in config.args]
    if any("::" in a for a in config.args):
        return False
    return all(any(base == arg or base.is_relative_to(arg) for arg in args) for base in conf.preset_paths)


def needed_keys(config: pytest.Config) -> set[str]:
    """Every render key the valid presets of the suite ask for."""
    from reelgate.collect.items import get_suite

    keys = set()
    for result in get_suite(config).results.values():
        preset = result.preset
        if preset is None:
            continue
        for point in preset.sweep:
            keys |= {f"{preset.id}/{point}" + (f"-{r}" if r else "") for r in range(preset.repeats)}
    return keys


def unused_approvals(config: pytest.Config) -> list[Path]:
    """Approved records whose preset no longer exists (or is no longer valid under that id)."""
    from reelgate.collect.items import get_suite

    directory = settings(config).approved
    if not directory.is_dir():
        return []
    ids = {r.preset_id for r in get_suite(config).results.values() if not r.abstract}
    return sorted(p for p in directory.glob("*.json") if p.stem not in ids)


def report_unused(reporter: pytest.TerminalReporter) -> None:
    config = reporter.config
    if not is_full_run(config):
        return
    from reelgate.cassettes.prune import find_unused, prune

    conf = settings(config)
    unused = find_unused(conf.cassettes, needed_keys(config))
    approvals = unused_approvals(config)
    if not unused and not approvals:
        return
    shown = [os.path.relpath(p, conf.root) for p in (*unused.cassettes, *unused.media, *approvals)]
    if config.getoption("preset_prune"):
        prune(unused)
        for path in approvals:
            path.unlink(missing_ok=True)
        reporter.write_line(f"reelgate: removed {len(shown)} unused recordings and approvals: "
                            + ", ".join(shown))
    else:
        reporter.write_line(
            f"reelgate: {len(unused.cassettes)} cassettes, {len(unused.media)} media files and "
            f"{len(approvals)} approved records no preset needs: " + ", ".join(shown)
            + "; remove them with --preset-prune", yellow=True)

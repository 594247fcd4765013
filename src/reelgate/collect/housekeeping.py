"""Housekeeping on the controller: leftovers of killed runs at the start, unused recordings at the end.

Pruning deletes what the team paid for, so it is guarded: it runs only after a full run that
passed with every preset file valid and collected, never touches what an invalid preset could
still refer to, always lists what it deletes first, and in CI a bare ``--preset-prune`` is a dry
run (syrupy lists unused snapshots and deletes them only with ``--snapshot-update``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reelgate.collect.config import settings

LEFTOVERS_KEY = pytest.StashKey[list[Path]]()
# A live writer touches its temporary file far more often than this: an atomic write lasts
# moments, and a download belongs to a render whose deadline (submit to stored clip) is 900 s.
# Older files are what a killed process left; younger ones may be another run's, still writing.
LEFTOVER_AGE_S = 900.0
_REFERENCE_PARTS = ("cache", "references")  # reelgate.analysis.fetch: .ref.<random>.part


def remove_leftovers(config: pytest.Config, now: float | None = None) -> list[Path]:
    """Delete stale temporary files of our own writers (atomic writes, downloads); returns them.

    Runs once, on the controller before any xdist worker starts; a file younger than
    LEFTOVER_AGE_S is left alone, as a concurrent run in the same checkout may be writing it.
    """
    from reelgate.atomic import TEMPORARY_NAME

    conf = settings(config)
    cutoff = (time.time() if now is None else now) - LEFTOVER_AGE_S
    state = conf.root / ".reelgate"
    removed: list[Path] = []
    for folder in (conf.cassettes, conf.approved, state):
        removed += _remove_stale(folder, lambda name: TEMPORARY_NAME.fullmatch(name) is not None, cutoff)
    if (state / "media").is_dir():  # the store imports PyAV: only when there is a store
        from reelgate.media import MediaStore

        removed += MediaStore(conf.root).remove_partials(older_than=cutoff)
    removed += _remove_stale(state.joinpath(*_REFERENCE_PARTS),
                             lambda name: name.startswith(".ref.") and name.endswith(".part"), cutoff)
    if conf.html:  # the report may sit anywhere (the project root): only its own temporary files
        removed += _remove_stale_of(conf.root / conf.html, cutoff)
    config.stash[LEFTOVERS_KEY] = removed
    return removed


def _remove_stale(folder: Path, ours: Callable[[str], bool], cutoff: float) -> list[Path]:
    if not folder.is_dir():
        return []
    return [path for path in folder.rglob(".*") if ours(path.name) and _unlink_if_stale(path, cutoff)]


def _unlink_if_stale(path: Path, cutoff: float) -> bool:
    """Delete a regular file last written before ``cutoff``; whether it was deleted."""
    try:
        if not path.is_file() or path.is_symlink() or path.lstat().st_mtime >= cutoff:
            return False
        path.unlink()
    except OSError:  # gone meanwhile, or not ours to delete: leave it
        return False
    return True


def _remove_stale_of(target: Path, cutoff: float) -> list[Path]:
    """The stale temporary files an atomic write of ``target`` left beside it, and nothing else
    of its folder (which is not searched below)."""
    from reelgate.atomic import TEMPORARY_NAME

    if not target.parent.is_dir():
        return []
    return [path for path in target.parent.glob(f".{target.name}.*.tmp")
            if TEMPORARY_NAME.fullmatch(path.name) and _unlink_if_stale(path, cutoff)]


def leftovers_line(config: pytest.Config) -> str | None:
    removed = config.stash.get(LEFTOVERS_KEY, [])
    if not removed:
        return None
    root = settings(config).root
    return (f"reelgate: removed {len(removed)} leftover file(s) of an interrupted run: "
            + ", ".join(os.path.relpath(p, root) for p in removed))


def is_full_run(config: pytest.Config) -> bool:
    """A run that selected every preset: no -k, -m, --lf, --sw or --deselect, and its paths cover
    every preset path."""
    option = config.option
    if option.keyword or option.markexpr or any(
            getattr(option, name, None) for name in ("lf", "deselect", "stepwise")):
        return False
    conf = settings(config)
    args = [Path(a.split("::")[0]).resolve() for a in config.args]
    if any("::" in a for a in config.args):
        return False
    return all(any(base == arg or base.is_relative_to(arg) for arg in args) for base in conf.preset_paths)


def why_not_prunable(config: pytest.Config, exitstatus: int) -> str | None:
    """Why this run may not decide what is unused (None when it may): only a full run that passed,
    with every preset file valid and each of its items run, knows what the suite needs."""
    if not is_full_run(config):
        return "not a full run (-k, -m, --lf, --deselect or a subset of the preset paths)"
    from reelgate.collect.suite import get_suite

    conf = settings(config)
    invalid = sorted(os.path.relpath(path, conf.root) for path, result in get_suite(config).results.items()
                     if result.errors or (result.preset is None and not result.abstract))
    if invalid:
        return f"{len(invalid)} preset file(s) have errors ({', '.join(invalid)})"
    if exitstatus != pytest.ExitCode.OK:
        return f"the run did not pass (exit code {int(exitstatus)})"
    summary = config.pluginmanager.get_plugin("reelgate-summary")
    rows = getattr(summary, "rows", {})
    for path, result in get_suite(config).results.items():
        row = rows.get(Path(os.path.relpath(path, conf.root)).as_posix())
        if row is None or row.items.get("schema") != "passed" or not _all_items_ran(row.items, result):
            return f"{os.path.relpath(path, conf.root)} was not collected and run whole"
    return None


def _all_items_ran(items: dict[str, str], result: object) -> bool:
    preset = getattr(result, "preset", None)
    if preset is None:
        return True
    expected = {f"sweep[{point}]" for point in preset.sweep} | {"regression"}
    return expected <= set(items)


def needed_keys(config: pytest.Config) -> set[str]:
    """Every render key the valid presets of the suite ask for."""
    from reelgate.collect.suite import get_suite

    keys = set()
    for result in get_suite(config).results.values():
        preset = result.preset
        if preset is None:
            continue
        for point in preset.sweep:
            keys |= {f"{preset.id}/{point}" + (f"-{r}" if r else "") for r in range(preset.repeats)}
    return keys


def reference_videos(config: pytest.Config) -> list[Path]:
    """The presets' local reference videos: their analyses are stored beside the media too."""
    from reelgate.collect.suite import get_suite

    return [Path(r.preset.reference_video) for r in get_suite(config).results.values()
            if r.preset is not None and r.preset.reference_video
            and not r.preset.reference_video.startswith("https://")]


def protected_names(config: pytest.Config) -> set[str]:
    """Ids a preset file that is not valid may still mean (its ``id:`` and its file stem): their
    recordings and approvals are never unused, whatever else the run decides."""
    from reelgate.collect.suite import get_suite

    names = set()
    for path, result in get_suite(config).results.items():
        if result.preset is None and not result.abstract:
            names |= {n for n in (result.preset_id, path.stem) if n}
    return names


def unused_approvals(config: pytest.Config) -> list[Path]:
    """Approved records whose preset no longer exists (or is no longer valid under that id)."""
    from reelgate.collect.suite import get_suite

    directory = settings(config).approved
    if not directory.is_dir():
        return []
    ids = {r.preset_id for r in get_suite(config).results.values() if not r.abstract}
    ids |= protected_names(config)
    return sorted(p for p in directory.glob("*.json") if p.stem not in ids)


def report_unused(reporter: pytest.TerminalReporter, exitstatus: int) -> None:
    """List what no preset needs; with --preset-prune (confirmed, see the module) delete it."""
    config = reporter.config
    asked = config.getoption("preset_prune")
    reason = why_not_prunable(config, exitstatus)
    if reason is not None:
        if asked:
            reporter.write_line(f"reelgate: --preset-prune removed nothing: {reason}; it prunes only "
                                "after a full, passing run with every preset valid", yellow=True)
        return
    from reelgate.cassettes.prune import find_unused, prune
    from reelgate.collect.options import PRUNE_AUTO
    from reelgate.render.cost import in_ci

    conf = settings(config)
    unused = find_unused(conf.cassettes, needed_keys(config), keep=protected_names(config),
                         clips=reference_videos(config))
    approvals = unused_approvals(config)
    if not unused and not approvals:
        return
    shown = [os.path.relpath(p, conf.root)
             for p in (*unused.cassettes, *unused.media, *unused.analyses, *approvals)]
    counts = (f"{len(unused.cassettes)} cassettes, {len(unused.media)} media files, "
              f"{len(unused.analyses)} stored analyses and {len(approvals)} approved records no "
              "preset needs")
    dry_run = asked == "dry-run" or (asked == PRUNE_AUTO and in_ci(os.environ))
    if not asked or dry_run:
        fix = ("remove them with --preset-prune=yes (a bare --preset-prune is a dry run in CI)" if dry_run
               else "remove them with --preset-prune")
        reporter.write_line(f"reelgate: {counts}: " + ", ".join(shown) + f"; {fix}", yellow=True)
        return
    reporter.write_line(f"reelgate: removing {counts}: " + ", ".join(shown))
    try:
        prune(unused)
        for path in approvals:
            path.unlink(missing_ok=True)
    except OSError as exc:
        reporter.write_line(f"reelgate: pruning stopped: cannot delete {exc.filename} "
                            f"({exc.strerror}); the rest was left as it was", red=True)
        return
    reporter.write_line(f"reelgate: removed {len(shown)} unused recordings and approvals")

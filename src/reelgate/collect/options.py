"""Command-line values checked before the run starts: a bad one is one ``pytest.UsageError`` line.

Checked on the controller in ``pytest_configure``, so nothing is collected, rendered or paid for
on a typo, and a report path that cannot be written fails now, not after the table.
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
from pathlib import Path

import pytest

# A render's deadline is 900 s; polling less often than every 5 minutes would let a finished
# job sit unseen for a third of it, and a mistyped value (600 for 0.6) would look like a hang.
MAX_POLL_INTERVAL_S = 300.0
PRUNE_CHOICES = ("yes", "dry-run")
PRUNE_AUTO = "auto"  # a bare --preset-prune: deletes, except in CI where it is a dry run


def check_options(config: pytest.Config) -> None:
    """Raise pytest.UsageError for the first bad reelgate option value, naming it and the fix."""
    _check_provider(config.getoption("preset_provider", None),
                    config.getoption("preset_provider_url", None))
    budget = config.getoption("preset_max_cost", None)
    if budget is not None and not (math.isfinite(budget) and budget > 0):
        raise pytest.UsageError(f"--preset-max-cost {budget:g}: a budget must be a positive number of "
                                "US dollars (e.g. --preset-max-cost 5); replays cost nothing and need none")
    concurrency = config.getoption("preset_concurrency", None)
    if concurrency is not None and concurrency < 1:
        raise pytest.UsageError(f"--preset-concurrency {concurrency}: at least 1 render must be in "
                                "flight per provider; leave it out for the provider's own limit")
    poll = config.getoption("preset_poll_interval", None)
    if poll is not None and not (math.isfinite(poll) and 0 < poll <= MAX_POLL_INTERVAL_S):
        raise pytest.UsageError(f"--preset-poll-interval {poll:g}: seconds between status polls must be "
                                f"above 0 and at most {MAX_POLL_INTERVAL_S:g}; leave it out for the "
                                "provider's own")
    prune = config.getoption("preset_prune", None)
    if prune is not None and prune not in (PRUNE_AUTO, *PRUNE_CHOICES):
        raise pytest.UsageError(f"--preset-prune {prune!r}: takes nothing, =yes or =dry-run (a path "
                                "right after a bare --preset-prune is read as its value: put paths "
                                "first, or write --preset-prune=yes)")
    _check_shard(config.getoption("preset_shard", None), config.getoption("preset_results", None))
    from reelgate.run.ledger import given_run_id

    try:
        given_run_id()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    html = config.getoption("preset_html", None)
    if html:
        from reelgate.extras import missing

        if absent := missing("report"):
            raise pytest.UsageError(f"--preset-html {html}: {absent}")
        problem = unwritable(Path(html))
        if problem:
            raise pytest.UsageError(f"--preset-html {html}: {problem}; give a file path in a "
                                    "writable directory")


def _check_shard(shard: str | None, results: str | None) -> None:
    if shard:
        from reelgate.collect.shards import parse_shard

        try:
            parse_shard(shard)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
    if results:
        target = Path(results)
        problem = (f"{target} is not a directory" if target.exists() and not target.is_dir()
                   else unwritable(target / ".reelgate-results-probe"))
        if problem:
            raise pytest.UsageError(f"--preset-results {results}: {problem}; give a writable "
                                    "directory (it is created if missing)")


def _check_provider(name: str | None, url: str | None) -> None:
    if url and not name:
        raise pytest.UsageError(f"--preset-provider-url {url}: needs --preset-provider NAME "
                                "(e.g. --preset-provider kling for 'reelgate simulate')")
    if url and not url.startswith(("http://", "https://")):
        raise pytest.UsageError(f"--preset-provider-url {url}: not an http:// or https:// URL "
                                "(e.g. http://127.0.0.1:8765)")
    if not name:
        return
    from reelgate.providers.registry import GROUP, provider_names

    installed = provider_names()
    if name not in installed:
        raise pytest.UsageError(f"--preset-provider {name}: no such provider; installed: "
                                f"{', '.join(installed) or 'none'} (others register in the "
                                f"{GROUP!r} entry-point group)")


def unwritable(target: Path) -> str | None:
    """Why a report cannot be written to ``target`` (None if it can), without leaving anything."""
    target = Path(os.path.abspath(target))
    try:
        info = target.stat()
    except (FileNotFoundError, NotADirectoryError):  # a parent that is a file is named below
        info = None
    except OSError as exc:
        return _reason(exc, target)
    if info is not None and stat.S_ISDIR(info.st_mode):
        return "is a directory"
    if info is not None and not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the report's folders are created; the first existing one must take them
    if not folder.is_dir():
        return f"{folder} is not a directory"
    try:  # the only sure test (read-only mounts, procfs, root on sysfs): create and remove a file
        handle, probe = tempfile.mkstemp(prefix=".reelgate-probe-", dir=folder)
    except OSError as exc:
        return _reason(exc, folder)
    os.close(handle)
    os.unlink(probe)
    return None


def _reason(exc: OSError, where: Path) -> str:
    return f"cannot write in {where} ({exc.strerror or type(exc).__name__})"

"""The ``reelgate`` console script: one subcommand per stage, each registered by its package."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

_COMMAND_MODULES = (
    "reelgate.preset.cli",
    "reelgate.plan.cli",
    "reelgate.analysis.cli",
    "reelgate.simulator.cli",
    "reelgate.records.cli",
    "reelgate.run.cli",
    "reelgate.scaffold.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelgate", description="Gate AI video presets like code.")
    parser.add_argument("--version", action="version", version=f"reelgate {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-reelgate")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("reelgate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

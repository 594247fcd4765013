"""The ``reelgate`` console script: one subcommand per stage, each registered by its package."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> the module that registers it. Only the named command's module is imported, so
# ``reelgate analyze`` does not load the plan, the providers and httpx (a second of startup on
# a busy runner); ``reelgate --help`` and an unknown command load them all.
COMMANDS = {
    "schema": "reelgate.preset.cli",
    "check": "reelgate.plan.cli",
    "analyze": "reelgate.analysis.cli",
    "simulate": "reelgate.simulator.cli",
    "report": "reelgate.records.cli",
    "review": "reelgate.run.cli",
    "init": "reelgate.scaffold.cli",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` naming a command, only that command's module is loaded."""
    parser = argparse.ArgumentParser(prog="reelgate", description="Gate AI video presets like code.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = next((arg for arg in argv or () if not arg.startswith("-")), None)
    modules = [COMMANDS[named]] if named in COMMANDS else dict.fromkeys(COMMANDS.values())
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


class _Version(argparse.Action):
    """``--version``, read from the installed metadata only when asked (importlib.metadata
    costs every other command a tenth of a second)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"reelgate {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-reelgate")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("reelgate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

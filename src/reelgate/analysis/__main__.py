"""``python -m reelgate.analysis CLIP [--json]``: the ``reelgate analyze`` command on its own."""

from __future__ import annotations

import argparse
import sys

from reelgate.analysis.cli import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reelgate.analysis")
    commands = parser.add_subparsers(dest="command")
    register(commands)
    args = parser.parse_args(["analyze", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

"""``reelgate init [DIR]``: the first suite of a new team."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_NEXT_STEPS = """\
next:
  pytest presets --co                 # the items of the starter suite
  pip install 'pytest-reelgate[simulator]' && reelgate simulate --port 8765 &
  KLING_ACCESS_KEY=sim-access-key KLING_SECRET_KEY=sim-secret-key-for-tests-only-0123456789 \\
    pytest presets --preset-record=once --preset-provider kling --preset-provider-url http://127.0.0.1:8765
  pytest presets --preset-approve     # lock what passed as the approved baseline
  pytest presets                      # replay: no keys, no network, no cost"""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    init = subparsers.add_parser(
        "init", help="write a starter suite: scenarios.yaml, one preset per scenario, ini, workflow")
    init.add_argument("directory", nargs="?", type=Path, default=Path("."),
                      help="where to write it (default: the current folder)")
    init.add_argument("--force", action="store_true", help="overwrite files that already exist")
    init.set_defaults(func=_init)


def _init(args: argparse.Namespace) -> int:
    from reelgate.scaffold.init import InitRefused, init_project

    try:
        result = init_project(args.directory, force=args.force)
    except InitRefused as refused:
        print(f"reelgate init: {refused}", file=sys.stderr)
        return 2
    except OSError as error:
        reason = error.strerror or error
        print(f"reelgate init: cannot write into {args.directory}: {reason}", file=sys.stderr)
        return 2
    for path in result.written:
        print(f"wrote {args.directory / path}")
    if result.gitignore_updated:
        print(f"added .reelgate/ to {args.directory / '.gitignore'}")
    if result.ini_lines is not None:
        print("this project configures pytest already; add these lines to its pytest configuration:")
        print(result.ini_lines.rstrip())
    print(_NEXT_STEPS)
    return 0

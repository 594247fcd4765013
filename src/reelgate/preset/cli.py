"""``reelgate schema`` and ``reelgate check``: the contract for editors, and a check without pytest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    schema = subparsers.add_parser("schema", help="print the preset JSON Schema (for editors)")
    schema.add_argument("--output", "-o", type=Path, help="write it to this file instead")
    schema.set_defaults(func=_schema)
    check = subparsers.add_parser("check", help="check preset files without running pytest")
    check.add_argument("paths", nargs="*", type=Path, default=[Path("presets")])
    check.add_argument("--scenarios", type=Path, help="default: <first path>/scenarios.yaml")
    check.set_defaults(func=_check)


def _schema(args: argparse.Namespace) -> int:
    from reelgate.atomic import write_text_atomic
    from reelgate.preset.schema import editor_schema_text

    text = editor_schema_text()
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(args.output, text)
        print(f"wrote {args.output}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from reelgate.preset.suite import load_suite

    root = Path.cwd()
    paths = [p.resolve() for p in args.paths]
    scenarios = args.scenarios or (paths[0] if paths[0].is_dir() else paths[0].parent) / "scenarios.yaml"
    suite = load_suite(root, paths, scenarios.resolve())
    failed = 0
    for result in suite.results.values():
        if result.errors:
            failed += 1
            print(result.report(root))
        if result.warnings:
            print(result.report(root, severity="warning"))
    total = len(suite.results)
    print(f"{total - failed} of {total} presets valid")
    return 1 if failed else 0

"""``reelgate schema``: the contract for editors (``reelgate check`` is the plan stage's, since it
also checks what the providers would refuse)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    schema = subparsers.add_parser("schema", help="print the preset JSON Schema (for editors)")
    schema.add_argument("--output", "-o", type=Path, help="write it to this file instead")
    schema.set_defaults(func=_schema)


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

"""Where a report goes: stdout, or a file written atomically (a pipe or device written as it is)."""

from __future__ import annotations

import sys
from pathlib import Path

from reelgate.atomic import write_text_atomic


def emit(text: str, output: Path | None, message: str | None) -> None:
    """The report on stdout, or in ``output`` (atomically) with a line saying so."""
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not output.is_file():
        output.write_text(text)  # /dev/stdout, a pipe: replacing it would be wrong
    else:
        write_text_atomic(output, text)
    print(f"wrote {output}")
    if message:
        print(message)

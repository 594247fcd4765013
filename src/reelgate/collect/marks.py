"""Turn a preset's ``marks:`` into pytest marks for the items they apply to."""

from __future__ import annotations

import re
from typing import Any

import pytest

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def marks_for(raw_marks: list[Any], item_name: str) -> list[pytest.MarkDecorator]:
    """The marks that apply to one item; malformed entries are left to the schema item to report."""
    out: list[pytest.MarkDecorator] = []
    for raw in raw_marks:
        if isinstance(raw, str) and _NAME.match(raw):
            out.append(getattr(pytest.mark, raw))
        elif isinstance(raw, dict) and len(raw) == 1:
            (kind, spec), = raw.items()
            options = spec if isinstance(spec, dict) else {"reason": spec}
            reason = options.get("reason")
            only = options.get("only")
            if not isinstance(reason, str) or (only is not None and item_name not in only):
                continue
            if kind == "xfail":
                out.append(pytest.mark.xfail(reason=reason, strict=options.get("strict") is True))
            elif kind == "skip":
                out.append(pytest.mark.skip(reason=reason))
    return out

"""Turn a preset's ``marks:`` into pytest marks for the items they apply to."""

from __future__ import annotations

import pytest

from reelgate.preset.model import MarkSpec, SkipMark, XfailMark


def marks_for(marks: list[MarkSpec], item_name: str) -> list[pytest.MarkDecorator]:
    """The marks that apply to one item. ``marks`` are the typed, validated entries of the file
    (the check drops the whole list when any entry is invalid), so nothing here guesses."""
    out: list[pytest.MarkDecorator] = []
    for mark in marks:
        if isinstance(mark, str):
            out.append(getattr(pytest.mark, mark))
            continue
        spec = mark.xfail if isinstance(mark, XfailMark) else mark.skip
        reason = spec if isinstance(spec, str) else spec.reason
        only = None if isinstance(spec, str) else spec.only
        if only is not None and item_name not in only:
            continue
        if isinstance(mark, XfailMark):
            strict = not isinstance(spec, str) and getattr(spec, "strict", False)
            out.append(pytest.mark.xfail(reason=reason, strict=strict))
        elif isinstance(mark, SkipMark):
            out.append(pytest.mark.skip(reason=reason))
    return out


def register_marks(config: pytest.Config, marks: list[MarkSpec]) -> None:
    """Register the plain marks a preset names (``marks: [smoke]``), as a conftest would: a team
    selects presets with ``-m smoke`` without registering each name, and ``--strict-markers``
    and ``-W error`` stay clean."""
    known = {line.split(":", 1)[0].split("(", 1)[0].strip() for line in config.getini("markers")}
    for mark in marks:
        if isinstance(mark, str) and mark not in known:
            config.addinivalue_line("markers", f"{mark}: named in a preset file's marks")
            known.add(mark)

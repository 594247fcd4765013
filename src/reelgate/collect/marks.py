"""Turn a preset's ``marks:`` into pytest marks for the items they apply to."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from reelgate.preset.memo import PlainMark

KNOWN_KEY = pytest.StashKey[set[str]]()  # the marks the ini and earlier preset files registered
NAMED_KEY = pytest.StashKey[dict[str, pytest.MarkDecorator]]()


def mark_named(config: pytest.Config, name: str) -> pytest.MarkDecorator:
    """The plain mark ``name``, made once a session: a thousand files that each carry ``preset``
    and ``smoke`` share two marks instead of holding two thousand."""
    named = config.stash.setdefault(NAMED_KEY, {})
    if name not in named:
        named[name] = getattr(pytest.mark, name)
    return named[name]


def marks_for(
    marks: Iterable[PlainMark], item_name: str | None, config: pytest.Config | None = None,
) -> list[pytest.MarkDecorator]:
    """The marks of a file that apply to one item, or with ``item_name`` None its plain marks
    (``marks: [smoke]``), which apply to every item and so are put on the file. ``marks`` are
    the validated entries of the file (the check drops the whole list when any entry is
    invalid), so nothing here guesses. With ``config``, plain marks are the session's shared ones."""
    out: list[pytest.MarkDecorator] = []
    for mark in marks:
        if (mark.kind == "plain") != (item_name is None):
            continue
        if mark.kind == "plain":
            out.append(mark_named(config, mark.name) if config else getattr(pytest.mark, mark.name))
        elif mark.only is not None and item_name not in mark.only:
            continue
        elif mark.kind == "xfail":
            out.append(pytest.mark.xfail(reason=mark.reason, strict=mark.strict))
        elif mark.kind == "skip":
            out.append(pytest.mark.skip(reason=mark.reason))
    return out


def register_marks(config: pytest.Config, marks: Iterable[PlainMark]) -> None:
    """Register the plain marks a preset names (``marks: [smoke]``), as a conftest would: a team
    selects presets with ``-m smoke`` without registering each name, and ``--strict-markers``
    and ``-W error`` stay clean."""
    names = [mark.name for mark in marks if mark.kind == "plain"]
    if not names:
        return
    if KNOWN_KEY not in config.stash:
        config.stash[KNOWN_KEY] = {line.split(":", 1)[0].split("(", 1)[0].strip()
                                   for line in config.getini("markers")}
    known = config.stash[KNOWN_KEY]
    for name in names:
        if name not in known:
            config.addinivalue_line("markers", f"{name}: named in a preset file's marks")
            known.add(name)

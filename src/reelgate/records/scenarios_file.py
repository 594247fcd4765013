"""``scenarios.yaml`` for the winners view: what it says now, and ``--write`` of the proposed ranges.

The file is checked by the preset stage's own loader first (one ``file:line:col`` message when it
is wrong), then edited with ruamel.yaml's round-trip mode, which keeps comments, key order, flow
or block style and quoting. What ruamel writes is compared line by line with the original: if
anything but the ``motion_range`` and ``sweep`` lines of the scenarios being updated would move,
nothing is written and the message says which line, so ``--write`` never reformats a team's file.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reelgate.atomic import write_text_atomic
from reelgate.extras import import_from_extra
from reelgate.preset.scenarios import load_scenarios
from reelgate.records.winners import ScenarioScope
from reelgate.records.winning import SCORE_DECIMALS

_RANGE_KEYS = ("motion_range", "sweep")
_WIDE = 4096  # ruamel's line width: never fold a long description line


class ScenariosFileError(Exception):
    """The scenarios file cannot be read or updated; the message names file:line and the fix."""


def read_scopes(path: Path) -> dict[str, ScenarioScope]:
    """Each scenario's ranges, min_usable and camera templates, from a file that must be valid."""
    loaded = load_scenarios(path)
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more: reelgate check)" if len(errors) > 1 else ""
        raise ScenariosFileError(errors[0].headline() + more)
    return {
        name: ScenarioScope(
            motion_range=(scenario.motion_range[0], scenario.motion_range[1]),
            sweep=tuple(scenario.sweep), min_usable=scenario.min_usable,
            templates={key: value if isinstance(value, str) else value.describe()
                       for key, value in scenario.camera_templates.items()},
        )
        for name, scenario in loaded.scenarios.items()
    }


def _number(value: float) -> int | float:
    rounded = round(value, SCORE_DECIMALS)
    return int(rounded) if rounded == int(rounded) else rounded


def _allowed_lines(mapping: Any, key: str) -> range:
    """0-based lines the value of ``key`` occupies: its key's line up to the next key's."""
    keys = list(mapping)
    start = mapping.lc.key(key)[0]
    index = keys.index(key)
    if index + 1 < len(keys):
        return range(start, mapping.lc.key(keys[index + 1])[0])
    value = mapping[key]
    end = value.lc.item(len(value) - 1)[0] if len(value) else start
    return range(start, end + 1)


Proposal = tuple[tuple[float, float], tuple[float, ...]]  # (motion_range, sweep)


def write_ranges(path: Path, proposals: Mapping[str, Proposal]) -> list[str]:
    """Set ``motion_range`` and ``sweep`` of each scenario named; returns one line per scenario."""
    read_scopes(path)  # one clear message for a bad file, before anything is touched
    yaml_module = import_from_extra("report", "ruamel.yaml")
    yaml = yaml_module.YAML()  # round-trip: comments, order and styles survive
    yaml.preserve_quotes = True
    yaml.width = _WIDE
    original = path.read_text(encoding="utf-8")
    try:
        document = yaml.load(original)
    except yaml_module.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScenariosFileError(f"{path}{line}: ruamel.yaml cannot read it: "
                                 f"{getattr(exc, 'problem', None) or exc}") from None
    _match_indentation(yaml, document, original.splitlines())
    said, allowed = [], set()
    for name, ((low, high), sweep) in sorted(proposals.items()):
        scenario = document["scenarios"][name]
        values = {"motion_range": [_number(low), _number(high)], "sweep": [_number(s) for s in sweep]}
        changed = [key for key in _RANGE_KEYS if [float(v) for v in scenario[key]] != values[key]]
        for key in changed:
            allowed.update(_allowed_lines(scenario, key))
            _replace_items(scenario[key], values[key])
        what = ", ".join(f"{k} {values[k]}" for k in changed) if changed else "unchanged"
        said.append(f"{name}: {what}")
    if not allowed:
        return said
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    updated = buffer.getvalue()
    _only_range_lines_moved(path, original, updated, allowed)
    write_text_atomic(path, updated)
    return said


def _replace_items(sequence: Any, values: list[int | float]) -> None:
    """In place, item by item: the sequence keeps its style and each item its comment."""
    if len(sequence) != len(values):
        sequence[:] = values
        return
    for index, value in enumerate(values):
        sequence[index] = value


def _match_indentation(yaml: Any, document: Any, lines: list[str]) -> None:
    """Indent as the file does (ruamel writes its own defaults otherwise): the mapping step from
    the scenarios' keys, and where a block sequence puts its dash from the first one found."""
    scenarios = document["scenarios"]
    names = list(scenarios)
    step = scenarios.lc.key(names[0])[1] - document.lc.key("scenarios")[1] if names else 2
    step = max(step, 1)
    offset = 0
    for name in names:
        scenario = scenarios[name]
        block = [key for key in _RANGE_KEYS if key in scenario and len(scenario[key])
                 and not scenario[key].fa.flow_style()]
        if block:
            line = scenario[block[0]].lc.item(0)[0]
            offset = max(0, lines[line].index("-") - scenario.lc.key(block[0])[1])
            break
    yaml.indent(mapping=step, sequence=offset + 2, offset=offset)


def _only_range_lines_moved(path: Path, before: str, after: str, allowed: set[int]) -> None:
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    for tag, start, end, _, _ in matcher.get_opcodes():
        touched = range(start, max(end, start + 1))
        if tag != "equal" and not set(touched) <= allowed:
            stray = next(line for line in touched if line not in allowed)
            raise ScenariosFileError(
                f"{path}:{stray + 1}: ruamel.yaml would rewrite this line too, which is not a range "
                "line: nothing written; set the proposed motion_range and sweep by hand")

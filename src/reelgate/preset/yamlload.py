"""A YAML loader that keeps line and column marks, with limits that make hostile files harmless.

It uses a private ``SafeLoader`` subclass (PyYAML is never patched globally) and builds plain
Python values plus a map from each value's path to where it stands in the file, so that every
later error can point at ``file:line:col``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reelgate.bounded import YAML_CAP_BYTES, BoundedReadError, read_bounded
from reelgate.preset.diagnostics import Diagnostic, PresetLoadError, Where

MAX_FILE_BYTES = YAML_CAP_BYTES  # a hand-written preset is far smaller
MAX_NODES = 20_000
MAX_DEPTH = 64

FieldPath = tuple[str | int, ...]


# libyaml's parser when PyYAML was built with it (several times faster), else the pure one.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MarkedLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with its own resolver table: ``16:9`` stays a string (no YAML 1.1 base-60)."""


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MarkedLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MarkedLoader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_MarkedLoader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


# A list or mapping is built here, not by a constructor, so its tag must be the plain one: any
# other tag would be silently dropped (``marks: !!python/object/apply:os.system [id]`` read as a
# list of marks).
_PLAIN_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


@dataclass
class Located:
    """Values of one YAML document with the position of every field path."""

    path: Path
    data: Any
    positions: dict[FieldPath, Where] = field(default_factory=dict)
    key_positions: dict[FieldPath, Where] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def where(self, fpath: FieldPath, *, key: bool = False) -> Where:
        """The closest known position of a field path (its key, its value, or its nearest parent)."""
        table = self.key_positions if key else self.positions
        probe = tuple(fpath)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), Where(self.path, 1, 1))


def read_text(path: Path) -> str:
    """Read a preset file as UTF-8 through the bounded reader (regular files only, size cap),
    refusing huge or non-UTF-8 files with a positioned message."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except BoundedReadError as exc:
        message = str(exc)
        if exc.size is not None:
            message = (f"file is {exc.size:,} bytes; a preset may be at most {MAX_FILE_BYTES:,} "
                       "bytes: split it or move data out of it")
        raise PresetLoadError(Diagnostic(Where(path, 1, 1), "", message)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PresetLoadError(Diagnostic(
            Where(path, line, col), "", f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the file "
            "as UTF-8",
        )) from None


def load_located(path: Path, text: str | None = None) -> Located:
    """Parse one YAML document into values and positions, or raise PresetLoadError."""
    if text is None:
        text = read_text(path)
    lines = text.splitlines()
    try:
        loader = _MarkedLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise PresetLoadError(Diagnostic(
                    Where(path, 1, 1), "", "file is empty: a preset is a YAML mapping with at least "
                    "'version', 'scenario', 'prompt', 'motion', 'camera' and 'output'",
                ), lines)
            _check_size(path, root)
            located = Located(path, None, lines=lines)
            located.data = _Builder(loader, located).build(root, ())
            return located
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Where(path, mark.line + 1, mark.column + 1) if mark else Where(path, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        syntax = Diagnostic(where, "", f"YAML syntax error: {problem}{context}")
        raise PresetLoadError(syntax, lines) from None
    except yaml.YAMLError as exc:
        raise PresetLoadError(Diagnostic(Where(path, 1, 1), "", f"YAML error: {exc}"), lines) from None
    except RecursionError:
        raise PresetLoadError(Diagnostic(
            Where(path, 1, 1), "", f"YAML nesting is too deep (over {MAX_DEPTH} levels)"
        ), lines) from None


def _check_size(path: Path, root: Node) -> None:
    """Refuse alias bombs and recursive aliases before anything expands them."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise PresetLoadError(_at(path, node, "a YAML alias refers to itself (recursive anchor)"))
        if depth > MAX_DEPTH:
            raise PresetLoadError(_at(path, node, f"YAML nesting is deeper than {MAX_DEPTH} levels"))
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        active.discard(key)
        sizes[key] = total
        if total > MAX_NODES:
            raise PresetLoadError(_at(
                path, node, f"the document expands to more than {MAX_NODES:,} values (an alias "
                "bomb?): remove the repeated aliases",
            ))
        return total

    size(root, 0)


def _at(path: Path, node: Node, message: str) -> Diagnostic:
    mark = node.start_mark
    return Diagnostic(Where(path, mark.line + 1, mark.column + 1), "", message)


_STR_TAG = "tag:yaml.org,2002:str"  # a plain string scalar, resolved by our resolver table


class _Builder:
    """Turns composed nodes into Python values while recording every value's position."""

    def __init__(self, loader: _MarkedLoader, located: Located) -> None:
        self.loader = loader
        self.located = located

    def where(self, node: Node) -> Where:
        return Where(self.located.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, fpath: FieldPath) -> Any:
        self.located.positions.setdefault(fpath, self.where(node))
        if isinstance(node, ScalarNode):
            if node.tag == _STR_TAG:  # most values: the constructor would return the text as is
                return node.value
            return self.loader.construct_object(node, deep=True)
        if node.tag not in _PLAIN_COLLECTION_TAGS:  # !!set, !!python/..., !custom on a [..] or {..}
            raise PresetLoadError(_at(
                self.located.path, node, f"YAML tag {node.tag!r} is not allowed in a preset: "
                "write a plain list or mapping",
            ), self.located.lines)
        if isinstance(node, SequenceNode):
            return [self.build(child, (*fpath, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        result: dict[str, Any] = {}
        for key_node, value_node in self._pairs(node):
            key = self._key(key_node)
            child = (*fpath, key)
            if key in result:
                raise PresetLoadError(Diagnostic(
                    self.where(key_node), _dotted(child),
                    f"duplicate key {key!r}: the first one (line "
                    f"{self.located.key_positions[child].line}) would be silently overridden",
                ), self.located.lines)
            self.located.key_positions[child] = self.where(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _pairs(self, node: MappingNode) -> list[tuple[Node, Node]]:
        """Mapping pairs with YAML merge keys (``<<: *base``) expanded; explicit keys win."""
        merged: list[tuple[Node, Node]] = []
        own: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise PresetLoadError(_at(
                            self.located.path, source, "a merge key (<<) needs a mapping alias"
                        ), self.located.lines)
                    merged.extend(self._pairs(source))
            else:
                own.append((key_node, value_node))
        own_keys = {k.value for k, _ in own if isinstance(k, ScalarNode)}
        seen: set[str] = set()
        result = []
        for k, v in merged:
            if k.value not in own_keys and k.value not in seen:
                seen.add(k.value)
                result.append((k, v))
        return result + own

    def _key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise PresetLoadError(_at(
                self.located.path, node, "a mapping key must be a plain word, not a list or mapping"
            ), self.located.lines)
        if node.tag == _STR_TAG:
            return node.value
        value = self.loader.construct_object(node)
        return value if isinstance(value, str) else str(value)


def _dotted(fpath: FieldPath) -> str:
    out = ""
    for part in fpath:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted


def parse_field(name: str) -> FieldPath:
    """A field name as diagnostics write it (``shots[1].prompt``) back to its path."""
    return tuple(int(part) if part.isdigit() else part
                 for part in re.split(r"[.\[\]]+", name) if part)

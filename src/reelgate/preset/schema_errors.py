"""Turn jsonschema and pydantic errors into positioned diagnostics that say what to do."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticError

from reelgate.preset.diagnostics import Diagnostic
from reelgate.preset.yamlload import FieldPath, Located, dotted

if TYPE_CHECKING:  # jsonschema is loaded only for a file that is not valid (see preset.check)
    from jsonschema import Draft202012Validator, ValidationError

_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' hint, or ''."""
    import difflib  # only when something is misspelt: a valid suite never loads it

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 40 else "a string"
    return f"{type(value).__name__} {value!r}"


def schema_diagnostics(validator: Draft202012Validator, located: Located) -> list[Diagnostic]:
    """Every schema error of a document, positioned and worded for people."""
    found: dict[tuple[str, str], Diagnostic] = {
        (dotted(fpath), "nonfinite"): Diagnostic(located.where(fpath), dotted(fpath),
                                                 f"{value} is not a finite number")
        for fpath, value in _nonfinite(located.data, ())
    }
    type_errors: dict[str, Diagnostic] = {}
    for error in validator.iter_errors(located.data):
        for diagnostic in _explain(error, located):
            if error.validator == "type":
                type_errors.setdefault(diagnostic.field, diagnostic)
            else:
                found.setdefault((diagnostic.field, diagnostic.message), diagnostic)
    # A wrong type and, say, a wrong enum value at one field are one problem: keep the richer one.
    fields = {d.field for d in found.values()}
    found.update({(f, d.message): d for f, d in type_errors.items() if f not in fields})
    return sorted(found.values(), key=lambda d: (str(d.where.path), d.where.line, d.where.col))


def _nonfinite(value: Any, fpath: FieldPath) -> Iterator[tuple[FieldPath, float]]:
    """YAML's .nan and .inf pass JSON Schema bounds silently; no preset field means them."""
    if isinstance(value, float) and not math.isfinite(value):
        yield fpath, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nonfinite(item, (*fpath, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nonfinite(item, (*fpath, i))


def _explain(error: ValidationError, located: Located) -> Iterator[Diagnostic]:
    fpath: FieldPath = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind in ("anyOf", "oneOf"):
        yield from _explain_union(error, located)
        return
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed)):
            hint = suggest(key, allowed) or f"; allowed keys: {', '.join(allowed)}"
            yield Diagnostic(located.where((*fpath, key), key=True), dotted((*fpath, key)),
                             f"unknown key {key!r}{hint}")
        return
    if kind == "required":
        missing = error.validator_value if isinstance(error.validator_value, list) else []
        for name in missing:
            if isinstance(value, dict) and name not in value:
                yield Diagnostic(located.where(fpath), dotted((*fpath, name)),
                                 f"missing required field {name!r}{_described(schema, name)}")
        return
    where = located.where(fpath)
    field = dotted(fpath)
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        yield Diagnostic(where, field, f"expected {wanted}, got {kind_of(value)}")
    elif kind == "enum":
        options = [str(o) for o in error.validator_value]
        yield Diagnostic(where, field, f"{value!r} is not allowed{suggest(str(value), options)}; "
                         f"use one of: {', '.join(options)}")
    elif kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "above",
                 "maximum": "at most", "exclusiveMaximum": "below"}[kind]
        yield Diagnostic(where, field, f"{value!r} is out of range: must be {words} "
                         f"{error.validator_value}")
    elif kind == "minLength":
        yield Diagnostic(where, field, "must not be empty")
    elif kind in ("minItems", "maxItems"):
        size = error.validator_value
        n = len(value)
        what = "exactly" if schema.get("minItems") == schema.get("maxItems") else (
            "at least" if kind == "minItems" else "at most")
        yield Diagnostic(where, field, f"has {n} item{'s' * (n != 1)}; needs {what} {size}"
                         f"{_described(schema)}")
    elif kind == "pattern":
        yield Diagnostic(where, field, f"{value!r} is not a valid value{_described(schema)}: "
                         f"it must match {error.validator_value}")
    elif kind == "const":
        yield Diagnostic(where, field, f"must be {error.validator_value!r}")
    else:
        yield Diagnostic(where, field, error.message)


def _described(schema: dict[str, Any], name: str | None = None) -> str:
    target = schema.get("properties", {}).get(name, {}) if name else schema
    description = target.get("description") if isinstance(target, dict) else None
    return f" ({description})" if description else ""


def _explain_union(error: ValidationError, located: Located) -> Iterator[Diagnostic]:
    """For 'a string or a mapping' fields, explain the branch whose type the value has."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    matching = [
        errs for errs in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errs)
    ]
    if error.validator == "anyOf" and all(
        e.validator == "required" for errs in branches.values() for e in errs
    ) and branches:
        names = [n for errs in branches.values() for e in errs for n in e.validator_value]
        yield Diagnostic(located.where(tuple(error.absolute_path)), dotted(tuple(error.absolute_path)),
                         f"needs at least one of: {', '.join(dict.fromkeys(names))}")
        return
    if matching:
        best = min(matching, key=len)
        for sub in best:
            yield from _explain(sub, located)
        return
    types = []
    for option in error.validator_value:
        resolved = option
        if "$ref" in option:
            resolved = {"type": "object"}
        kind = resolved.get("type")
        if kind:
            types.append(_TYPE_NAMES.get(kind, kind))
    wanted = " or ".join(dict.fromkeys(types)) or "another value"
    fpath = tuple(error.absolute_path)
    yield Diagnostic(located.where(fpath), dotted(fpath), f"expected {wanted}, got {kind_of(error.instance)}")


def pydantic_diagnostics(exc: PydanticError, located: Located, base: FieldPath = ()) -> list[Diagnostic]:
    """pydantic errors positioned by walking their ``loc`` through the document's values."""
    out = []
    for item in exc.errors():
        fpath = _data_path(located.data, base, item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = f"unknown key {fpath[-1]!r}"
            where = located.where(fpath, key=True)
        else:
            where = located.where(fpath)
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        out.append(Diagnostic(where, dotted(fpath), message))
    return out


def _data_path(data: Any, base: FieldPath, loc: tuple[Any, ...]) -> FieldPath:
    node = data
    for part in base:
        node = node[part] if isinstance(node, dict | list) else None
    path: list[str | int] = list(base)
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not part[:1].isupper() and (
            part not in ("str", "int", "float", "bool", "list", "dict")
        ):
            path.append(part)  # a missing or unknown key: name it
            node = None
    return tuple(path)

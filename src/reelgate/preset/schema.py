"""The JSON Schema of the preset contract, generated from the pydantic models.

Two variants: the check's schema validates a preset after ``extends`` is merged in, so every
required field must be there; the published editor schema relaxes ``required`` for files that
extend another or are abstract bases, since their missing fields come from elsewhere.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from reelgate.preset.model import PresetDocument

SCHEMA_ID = "https://reelgate.dev/schema/preset.schema.json"


@cache
def check_schema() -> dict[str, Any]:
    """The schema the ``schema`` item validates merged presets against."""
    return PresetDocument.model_json_schema()


@cache
def partial_schema() -> dict[str, Any]:
    """The check schema with every ``required`` list removed: for abstract bases."""
    schema = copy.deepcopy(check_schema())

    def strip(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("required", None)
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    schema.pop("required", None)
    for definition in schema.get("$defs", {}).values():
        if definition.get("title") not in ("ReferenceSpec",):
            definition.pop("required", None)
    strip(schema.get("properties", {}))
    return schema


def editor_schema() -> dict[str, Any]:
    """The published schema: what editors validate a preset file against as it is typed.

    A complete preset must satisfy the check's schema; a file that extends another, or is an
    abstract base, only the partial one (its missing fields come from elsewhere).
    """
    full = copy.deepcopy(check_schema())
    partial = _prefixed_refs(copy.deepcopy(partial_schema()), "Partial")
    defs = {**full.pop("$defs", {}), **{f"Partial{k}": v for k, v in partial.pop("$defs", {}).items()}}
    extends_or_abstract = {
        "anyOf": [
            {"required": ["extends"]},
            {"required": ["abstract"], "properties": {"abstract": {"const": True}}},
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "reelgate preset",
        "description": "One video-generation preset: identity and scene prompt, motion source, "
        "motion controls, camera intent and constraints, plus output and provider settings.",
        "type": "object",
        "$defs": defs,
        "if": extends_or_abstract,
        "then": partial,
        "else": full,
    }


def _prefixed_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {
            key: (value.replace("#/$defs/", f"#/$defs/{prefix}") if key == "$ref" else
                  _prefixed_refs(value, prefix))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_prefixed_refs(value, prefix) for value in node]
    return node


def editor_schema_text() -> str:
    """The published schema as the exact text of ``presets/preset.schema.json``."""
    return json.dumps(editor_schema(), indent=2, sort_keys=False) + "\n"

"""Property-based tests: the schema and the model agree, and no input makes the check crash."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from reelgate.preset.check import check_preset, schema_validator
from reelgate.preset.model import PresetDocument
from reelgate.preset.scenarios import load_scenarios
from tests.suites import SCENARIOS, VALID

BASE: dict[str, Any] = yaml.safe_load(VALID)
KEYS = [*PresetDocument.model_fields, "colour", "prompt_text"]
SCALARS = (
    st.none() | st.booleans() | st.integers(-20, 5_000_000_000) | st.floats(-1e6, 1e6)
    | st.text(max_size=12) | st.sampled_from(["16:9", "1080p", "slow push-in", "kling", "ad", "x y"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["subject", "scene", "score", "video", "image", "move", "speed", "name",
                         "duration", "aspect_ratio", "resolution", "seed", "reason", "xfail", "zz"]),
        inner, max_size=4),
    max_leaves=8,
)


@st.composite
def mutated_presets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid preset with a few fields replaced, removed, added or nested values changed."""
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["replace", "delete", "add", "nested"]))
        key = draw(st.sampled_from(KEYS))
        if action == "delete":
            doc.pop(key, None)
        elif action == "nested" and isinstance(doc.get(key), dict) and doc[key]:
            inner = draw(st.sampled_from(sorted(doc[key])))
            doc[key][inner] = draw(VALUES)
        else:
            doc[key] = draw(VALUES)
    return doc


def pydantic_accepts(doc: dict[str, Any]) -> bool:
    try:
        PresetDocument.model_validate(doc)
    except ValidationError:
        return False
    return True


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_presets())
def test_json_schema_and_pydantic_agree(doc: dict[str, Any]) -> None:
    assert schema_validator().is_valid(doc) == pydantic_accepts(doc), doc


@settings(max_examples=1500, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(doc=mutated_presets())
def test_malformed_presets_never_crash_the_check(tmp_path: Path, doc: dict[str, Any]) -> None:
    (tmp_path / "scenarios.yaml").write_text(SCENARIOS)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = check_preset(path, load_scenarios(tmp_path / "scenarios.yaml"), tmp_path)
    assert (result.preset is None) == (bool(result.errors) or result.abstract)
    for error in result.errors:
        assert error.where.line >= 1 and error.message


@settings(max_examples=1500, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(VALID)), junk=st.text(max_size=6), drop=st.integers(0, 6))
def test_mangled_yaml_text_never_crashes_the_check(tmp_path: Path, cut: int, junk: str, drop: int) -> None:
    (tmp_path / "scenarios.yaml").write_text(SCENARIOS)
    path = tmp_path / "p.yaml"
    path.write_text(VALID[:cut] + junk + VALID[cut + drop:])
    result = check_preset(path, load_scenarios(tmp_path / "scenarios.yaml"), tmp_path)
    assert (result.preset is None) == bool(result.errors)

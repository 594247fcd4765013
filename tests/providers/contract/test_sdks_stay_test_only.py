"""The official SDKs are test tools: reelgate's adapters speak httpx themselves, so a user's
install needs none of them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

SDKS = ("runwayml", "lumaai", "replicate", "fal_client")
REPO = Path(__file__).resolve().parents[3]


def test_no_adapter_imports_an_sdk() -> None:
    code = ("import sys\n"
            "from reelgate.providers.registry import provider_class\n"
            "for name in ('kling', 'runway', 'luma', 'fal', 'replicate'):\n"
            "    provider_class(name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SDKS!r}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_the_sdks_are_in_the_test_extra_only() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    def names(requirements: list[str]) -> set[str]:
        return {r.split(">=")[0].split("[")[0].replace("-", "_") for r in requirements}

    assert not names(project["dependencies"]) & set(SDKS)
    assert set(SDKS) <= names(project["optional-dependencies"]["test"])

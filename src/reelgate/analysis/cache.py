"""Analysis cache: a clip is analysed once per content, analyzer version and settings.

Entries are JSON files named by a key over those three, written atomically (temporary file,
then os.replace), so pytest-xdist workers sharing the directory never read half an entry; two
workers analysing the same clip at once both write the same result, and the last rename wins.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from reelgate.analysis.model import ClipAnalysis
from reelgate.analysis.settings import ANALYZER_VERSION, AnalysisSettings
from reelgate.atomic import write_text_atomic

DEFAULT_DIR = Path(".reelgate") / "cache" / "analysis"


class AnalysisCache:
    """Cached analyses under ``root/.reelgate/cache/analysis`` (or an explicit directory)."""

    def __init__(self, root: str | Path, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else Path(root) / DEFAULT_DIR

    @staticmethod
    def key(sha256: str, settings: AnalysisSettings) -> str:
        material = json.dumps(
            {"sha256": sha256, "version": ANALYZER_VERSION, "settings": settings.model_dump()},
            sort_keys=True,
        )
        return hashlib.sha256(material.encode()).hexdigest()[:40]

    def path_for(self, sha256: str, settings: AnalysisSettings) -> Path:
        return self.directory / f"{self.key(sha256, settings)}.json"

    def get(self, sha256: str, settings: AnalysisSettings) -> ClipAnalysis | None:
        """The cached analysis, or None when missing or unreadable (it is then redone)."""
        path = self.path_for(sha256, settings)
        try:
            analysis = ClipAnalysis.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, ValidationError):
            return None
        if analysis.sha256 != sha256 or analysis.analyzer_version != ANALYZER_VERSION:
            return None
        return analysis

    def put(self, analysis: ClipAnalysis, settings: AnalysisSettings) -> Path:
        path = self.path_for(analysis.sha256, settings)
        write_text_atomic(path, analysis.to_json())
        return path

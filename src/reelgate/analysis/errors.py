"""Typed errors for clips that cannot be analysed.

Every error's text is one line that says why, so the CLI and the pytest items can print it as is.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """A clip that cannot be analysed. ``code`` is stable for programs; the text is for people."""

    code = "unreadable"

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = " ".join(reason.split())
        super().__init__(f"{path}: {self.reason}")


class ClipNotFound(AnalysisError):
    """The path does not name a readable file."""

    code = "not-found"


class PathOutsideRoot(AnalysisError):
    """The path resolves outside the directory the caller allowed."""

    code = "outside-root"


class NotAVideo(AnalysisError):
    """The file is empty, not a media file, a still image, or has no video stream."""

    code = "not-a-video"


class UnsupportedClip(AnalysisError):
    """A readable video the analysis refuses: absurd size, no frame rate, too long or too short."""

    code = "unsupported"


class CorruptClip(AnalysisError):
    """The video data is damaged: truncated, or frames the decoder cannot read."""

    code = "corrupt"


class ReferenceFetchError(AnalysisError):
    """A reference URL could not be downloaded within the limits."""

    code = "fetch-failed"

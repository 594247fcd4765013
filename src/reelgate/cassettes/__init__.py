"""Record and replay of provider HTTP: vcrpy cassettes per render, media out of the YAML."""

from reelgate.cassettes.errors import (
    BrokenCassette,
    CassetteError,
    MissingRecording,
    NetworkBlocked,
    SecretInCassette,
    StaleRecording,
    UnmatchedRequest,
)
from reelgate.cassettes.recorder import RECORD_MODES, Recorder, RecordMode

__all__ = [
    "RECORD_MODES",
    "BrokenCassette",
    "CassetteError",
    "MissingRecording",
    "NetworkBlocked",
    "RecordMode",
    "Recorder",
    "SecretInCassette",
    "StaleRecording",
    "UnmatchedRequest",
]

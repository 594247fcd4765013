"""The photographs clips are composed from: background plates and subject cut-outs.

The files are package data (``imagery/``, public domain or CC0, sources in
``imagery/SOURCES.md``). A prompt picks its subject and plate by the words it uses ("a woman",
"a cup", "kitchen"), as a model would draw what it is asked for; a prompt that names none gets
one chosen by its hash, so the choice never depends on anything but the request.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np

# Word starts that pick each subject and plate; the first listed picture with a match wins.
SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "person": ("woman", "man", "person", "dancer", "breakdancer", "bboy", "b boy", "runner",
               "athlete", "skater", "singer", "girl", "boy", "actor", "face", "portrait",
               "character", "barista", "people", "lady", "kid"),
    "cat": ("cat", "kitten", "dog", "puppy", "animal", "pet", "fox"),
    "cup": ("cup", "coffee", "mug", "product", "sneaker", "shoe", "watch", "bottle", "phone",
            "perfume", "object"),
}
PLATE_WORDS: dict[str, tuple[str, ...]] = {
    "table": ("kitchen", "table", "cafe", "café", "desk", "studio", "counter", "breakfast"),
    # A street is its walls; "night" names no place (a night street is not a launch pad).
    "launch": ("city", "lighthouse", "dusk", "tower", "harbour", "harbor", "launch", "rocket"),
    "stars": ("space", "stars", "galaxy", "cosmos", "night sky"),
    "field": ("field", "grass", "park", "meadow", "garden", "lawn"),
    # Not "track": "tracking" is a camera word every tracking prompt carries.
    "path": ("path", "road", "gravel", "trail", "beach", "footbridge"),
    "wall": ("wall", "alley", "brick", "corner", "warehouse", "cypher", "street"),
    "lawn": ("campus", "outdoor", "documentary"),
}


@dataclass(frozen=True)
class Subject:
    """A cut-out: BGR pixels and an alpha matte in 0..1, same size."""

    name: str
    bgr: np.ndarray
    alpha: np.ndarray


def _read(name: str, flags: int) -> np.ndarray:
    data = resources.files("reelgate.simulator").joinpath("imagery", name).read_bytes()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None:  # a broken install, not a user error
        raise RuntimeError(f"simulator imagery {name} is unreadable; reinstall pytest-reelgate")
    return image


@cache
def plate(name: str) -> np.ndarray:
    """A background plate, BGR uint8 (read once per process)."""
    image = _read(f"plate-{name}.jpg", cv2.IMREAD_COLOR)
    image.setflags(write=False)
    return image


@cache
def subject(name: str) -> Subject:
    rgba = _read(f"subject-{name}.png", cv2.IMREAD_UNCHANGED)
    bgr, alpha = np.ascontiguousarray(rgba[:, :, :3]), rgba[:, :, 3].astype(np.float32) / 255
    bgr.setflags(write=False)
    alpha.setflags(write=False)
    return Subject(name, bgr, alpha)


def _pick(words: str, table: dict[str, tuple[str, ...]], salt: str) -> str:
    text = f" {' '.join(re.sub(r'[^a-zé ]', ' ', words.lower()).split())} "
    for name, stems in table.items():
        if any(f" {stem}" in text for stem in stems):  # at a word's start: not "location"
            return name
    digest = hashlib.sha256(f"{salt}:{text}".encode()).digest()
    names = sorted(table)
    return names[digest[0] % len(names)]


def choose_subject(prompt: str) -> str:
    return _pick(prompt, SUBJECT_WORDS, "subject")


def choose_plate(prompt: str, shot: int = 0) -> str:
    """The plate for a prompt; shot ``n > 0`` of a multi-shot clip moves on to another plate."""
    first = _pick(prompt, PLATE_WORDS, "plate")
    if shot == 0:
        return first
    names = list(PLATE_WORDS)  # a step of 3 goes from a dark plate to a light one and back
    return names[(names.index(first) + 3 * shot) % len(names)]

"""Build the simulator's imagery (src/reelgate/simulator/imagery/) from scikit-image's sample data.

Run once by hand with an unpacked scikit-image wheel (``pip download scikit-image`` then unzip
``skimage/data``): ``python tools/build_sim_imagery.py /path/to/skimage/data``. Every image used
is public domain or CC0 (see imagery/SOURCES.md). Plates are downscaled JPEGs; subjects are cut
out with OpenCV's GrabCut from a hand-picked rectangle and saved as PNG with an alpha channel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/reelgate/simulator/imagery"
PLATE_LONG_SIDE = 640  # px: enough for a 320x180 frame plus camera travel, a few tens of KB
SUBJECT_TALL = 240  # px: a subject's height in the file; the renderer scales it to the frame
# Subject: source file, GrabCut rectangle (x, y, w, h) around it.
SUBJECTS = {
    "person": ("astronaut.png", (160, 10, 190, 300)),
    "cat": ("chelsea.png", (30, 0, 400, 299)),
    "cup": ("coffee.png", (40, 0, 460, 380)),
}
# Plate: source file, tint (BGR gains) for grayscale textures, or None for colour photographs.
PLATES = {
    "launch": ("rocket.jpg", None),
    "table": ("coffee.png", None),
    "stars": ("hubble_deep_field.jpg", None),
    "field": ("grass.png", (0.55, 1.05, 0.75)),
    "path": ("gravel.png", (0.85, 0.95, 1.05)),
    "wall": ("brick.png", (0.6, 0.75, 1.15)),
    "lawn": ("camera.png", (0.9, 1.0, 1.0)),
}


def cut_out(image: np.ndarray, rect: tuple[int, int, int, int]) -> np.ndarray:
    mask = np.zeros(image.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(image, mask, rect, bgd, fgd, 6, cv2.GC_INIT_WITH_RECT)
    alpha = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(alpha)
    if count > 1:  # keep the largest blob: stray background specks are not the subject
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        alpha = np.where(labels == biggest, 255, 0).astype(np.uint8)
    alpha = cv2.GaussianBlur(alpha, (5, 5), 0)  # a soft edge, as a matte would have
    x, y, w, h = cv2.boundingRect((alpha > 8).astype(np.uint8))
    rgba = np.dstack([image, alpha])[y:y + h, x:x + w]
    scale = SUBJECT_TALL / h
    return cv2.resize(rgba, (round(w * scale), SUBJECT_TALL), interpolation=cv2.INTER_AREA)


def main(data: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (source, rect) in SUBJECTS.items():
        image = cv2.imread(str(data / source), cv2.IMREAD_COLOR)
        cv2.imwrite(str(OUT / f"subject-{name}.png"), cut_out(image, rect),
                    [cv2.IMWRITE_PNG_COMPRESSION, 9])
    for name, (source, tint) in PLATES.items():
        image = cv2.imread(str(data / source), cv2.IMREAD_COLOR)
        if tint is not None:
            image = np.clip(image.astype(np.float32) * np.array(tint), 0, 255).astype(np.uint8)
        scale = PLATE_LONG_SIDE / max(image.shape[:2])
        if scale < 1:
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(OUT / f"plate-{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 85])


if __name__ == "__main__":
    main(Path(sys.argv[1]))

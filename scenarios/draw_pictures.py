"""Draw the pictures that scenarios/image_recall.yaml stores (no binary file is shipped).

Four 48 x 48 grey-level PNGs drawn with Pillow: a shaded disc, a ring, a triangle and a
cross, each on a white background with grey shading, so that thresholding, dithering and grey
values all have something to show.

Run once from the repository's root (it writes scenarios/pictures/, or the folder given):

    python scenarios/draw_pictures.py            # then: memsim recall scenarios/image_recall.yaml
    python scenarios/draw_pictures.py OUT_DIR    # anywhere else
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SIZE = 48


def _shade(mask: Image.Image, dark: int, light: int) -> Image.Image:
    """Fill a drawn shape with a left-to-right grey ramp (dark .. light) on white."""
    ramp = np.linspace(dark, light, SIZE)[None, :].repeat(SIZE, axis=0)
    ink = Image.fromarray(ramp.astype(np.uint8))
    return Image.composite(ink, Image.new("L", (SIZE, SIZE), 255), mask)


def pictures() -> dict[str, Image.Image]:
    """The four pictures by file name (8-bit grey, 48 x 48)."""
    out = {}
    shapes = {
        "1_disc.png": lambda d: d.ellipse((6, 6, 41, 41), fill=255),
        "2_ring.png": lambda d: (
            d.ellipse((4, 4, 43, 43), fill=255),
            d.ellipse((15, 15, 32, 32), fill=0),
        ),
        "3_triangle.png": lambda d: d.polygon([(24, 3), (45, 44), (3, 44)], fill=255),
        "4_cross.png": lambda d: (
            d.rectangle((18, 3, 29, 44), fill=255),
            d.rectangle((3, 18, 44, 29), fill=255),
        ),
    }
    for name, draw in shapes.items():
        mask = Image.new("L", (SIZE, SIZE), 0)
        draw(ImageDraw.Draw(mask))
        out[name] = _shade(mask, 0, 150)
    return out


def main(folder: str | Path | None = None) -> Path:
    """Write the pictures into ``folder`` (default: pictures/ beside this script)."""
    out = Path(folder) if folder else Path(__file__).resolve().parent / "pictures"
    out.mkdir(parents=True, exist_ok=True)
    for name, im in pictures().items():
        im.save(out / name)
    return out


if __name__ == "__main__":
    print(f"pictures written to {main(sys.argv[1] if len(sys.argv) > 1 else None)}")

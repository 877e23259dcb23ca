"""Saving a static figure: PNG (with its resolution written in the file), SVG or PDF, atomically, then closed.

Figures are laid out at their print size: 16 cm wide (an A4 text column), at most 22 cm tall (a page),
with no text under 7 pt. :func:`save_figure` measures what it drew (the saved size and the smallest font
actually rendered) so a run can record, and the tests check, that a map placed in a report prints legibly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from PIL import Image

from umkm_geo._atomic import atomic_path

__all__ = ["FORMATS", "PRINT_HEIGHT_CM", "PRINT_WIDTH_CM", "PrintSize", "save_figure", "save_figures"]

#: The print box every figure is made for: an A4 column (16 cm) and, at most, a page of it (22 cm).
PRINT_WIDTH_CM = 16.0
PRINT_HEIGHT_CM = 22.0

#: The smallest font (points) of any text once a figure is placed in the print box.
MIN_PRINT_FONT_PT = 7.0

#: Static formats a figure can be saved in (``[maps] formats``).
FORMATS = ("png", "svg", "pdf")


@dataclasses.dataclass(frozen=True)
class PrintSize:
    """The size of a saved figure and its smallest rendered text.

    Attributes
    ----------
    width_cm, height_cm
        Size of the saved image (after trimming to its content).
    min_font_pt
        Smallest font size of any text drawn, in points at that size.
    """

    width_cm: float
    height_cm: float
    min_font_pt: float

    @property
    def scale(self) -> float:
        """Factor the figure is scaled by to fit the print box (1 when it fits as it is)."""
        return min(1.0, PRINT_WIDTH_CM / self.width_cm, PRINT_HEIGHT_CM / self.height_cm)

    @property
    def printed_font_pt(self) -> float:
        """The smallest font once the figure is placed in the print box (16 x 22 cm)."""
        return self.min_font_pt * self.scale

    def to_dict(self) -> dict[str, float]:
        """The sizes rounded, for ``run.json``."""
        return {
            "width_cm": round(self.width_cm, 2),
            "height_cm": round(self.height_cm, 2),
            "min_font_pt": round(self.min_font_pt, 2),
            "printed_font_pt": round(self.printed_font_pt, 2),
        }


@contextlib.contextmanager
def _font_sizes() -> Iterator[list[float]]:
    """Record the size (points) of every text the Agg renderer draws inside the block."""
    sizes: list[float] = []
    original = RendererAgg.draw_text

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # type: ignore[no-untyped-def]
        if str(s).strip():
            sizes.append(float(prop.get_size_in_points()))
        return original(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    RendererAgg.draw_text = draw_text  # type: ignore[method-assign]
    try:
        yield sizes
    finally:
        RendererAgg.draw_text = original  # type: ignore[method-assign]


def _save_png(fig: Figure, path: Path, *, dpi: int) -> PrintSize:
    """Write a PNG with an adaptive 256-colour palette.

    Maps and charts have few distinct colours, so the palette PNG looks the same as the RGBA one at
    under a third of the size (about 100 kB instead of 320 kB for a Blitar map at 200 dpi), which keeps
    reports with every map embedded small. The fast octree quantiser and zlib's default level take
    about 0.1 s a map (median cut with ``optimize`` took 0.6 s, for a larger file).
    """
    buffer = io.BytesIO()
    # the intermediate RGBA PNG is only read back: stored uncompressed (compressing it took 0.2 s a map)
    with _font_sizes() as sizes:
        fig.savefig(
            buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white", pil_kwargs={"compress_level": 0}
        )
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(path, format="PNG", dpi=(dpi, dpi))
        width, height = image.size
    return PrintSize(width / dpi * 2.54, height / dpi * 2.54, min(sizes, default=0.0))


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 300) -> Path:
    """Save ``fig`` atomically as PNG, SVG or PDF (by suffix), creating folders, and close it.

    Parameters
    ----------
    fig
        The figure.
    path
        Destination ending in ``.png``, ``.svg`` or ``.pdf``.
    dpi
        Resolution of PNG output.

    Returns
    -------
    Path
        ``path``.
    """
    return save_figures(fig, [Path(path)], dpi=dpi)[1][0]


def save_figures(fig: Figure, paths: list[Path], *, dpi: int = 300) -> tuple[PrintSize | None, list[Path]]:
    """Save ``fig`` in each of ``paths`` (PNG, SVG or PDF by suffix) atomically, then close it.

    Returns
    -------
    tuple
        The print size measured while the PNG was drawn (``None`` without a PNG), and ``paths``.
    """
    for target in paths:
        if target.suffix.lower().lstrip(".") not in FORMATS:
            msg = f"Cannot save a map as {target.name!r}: use a .png, .svg or .pdf file name."
            raise ValueError(msg)
    size = None
    try:
        for target in paths:
            fmt = target.suffix.lower().lstrip(".")
            with atomic_path(target) as tmp:
                if fmt == "png":
                    size = _save_png(fig, tmp, dpi=dpi)
                else:
                    fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white")
    finally:
        plt.close(fig)  # a no-op for figures made outside pyplot, as here
    return size, paths

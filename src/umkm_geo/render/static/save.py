"""Saving a static figure: PNG (with its resolution written in the file) or SVG, atomically, then closed."""

from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from PIL import Image

from umkm_geo._atomic import atomic_path

__all__ = ["save_figure"]


def _save_png(fig: Figure, path: Path, *, dpi: int) -> None:
    """Write a PNG with an adaptive 256-colour palette.

    Maps and charts have few distinct colours, so the palette PNG looks the same as the RGBA one at
    under a third of the size (about 100 kB instead of 320 kB for a Blitar map at 200 dpi), which keeps
    reports with every map embedded small. The fast octree quantiser and zlib's default level take
    about 0.1 s a map (median cut with ``optimize`` took 0.6 s, for a larger file).
    """
    buffer = io.BytesIO()
    # the intermediate RGBA PNG is only read back: stored uncompressed (compressing it took 0.2 s a map)
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white", pil_kwargs={"compress_level": 0})
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(path, format="PNG", dpi=(dpi, dpi))


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 200) -> Path:
    """Save ``fig`` atomically as PNG or SVG (by suffix), creating folders, and close it.

    Parameters
    ----------
    fig
        The figure.
    path
        Destination ending in ``.png`` or ``.svg``.
    dpi
        Resolution of PNG output.

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        msg = f"Cannot save a map as {target.name!r}: use a .png or .svg file name."
        raise ValueError(msg)
    try:
        with atomic_path(target) as tmp:
            if fmt == "png":
                _save_png(fig, tmp, dpi=dpi)
            else:
                fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white")
    finally:
        plt.close(fig)  # a no-op for figures made outside pyplot, as here
    return target

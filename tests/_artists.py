"""What a figure shows, read from its artists (not its pixels): colours, classes, labels, legend and texts.

:func:`summary` is what ``tests/test_figure_artists.py`` compares with the summaries recorded in
``tests/data/figure_artists.json`` before a change to the drawing code: a faster way of drawing must
give every unit the same colour, every class the same legend entry and every label the same words.
Positions are kept to 1 % of the axes, so a label that moves to another unit is a difference and a
sub-pixel shift is not.
"""

from __future__ import annotations

from typing import Any

from matplotlib.collections import Collection, LineCollection, PatchCollection, PathCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text


def _colours(values: Any) -> list[str]:
    return [to_hex(c, keep_alpha=True) for c in values] if len(values) else []


def _rings(c: Collection) -> int:
    """Rings (closed or open parts) drawn by a collection, however they are grouped into paths."""
    from matplotlib.path import Path

    return sum(1 if p.codes is None else int((p.codes == Path.MOVETO).sum()) for p in c.get_paths())


def _collection(c: Collection) -> dict[str, Any]:
    faces = _colours(c.get_facecolors())
    edges = sorted(set(_colours(c.get_edgecolors())))
    # areas drawn as patches or as paths look the same: the kind is what is drawn, not the class drawing it
    kind = (
        "lines"
        if isinstance(c, LineCollection)
        else "areas"
        if isinstance(c, PatchCollection | PathCollection | PolyCollection)
        else type(c).__name__
    )
    return {
        "gid": c.get_gid() or "",
        "kind": kind,
        "rings": _rings(c),
        "faces": faces,
        "edges": edges,
        "hatch": c.get_hatch(),
        "visible": c.get_visible(),
    }


def _text(t: Text, where: Any) -> list[Any]:
    x, y = where.transform(t.get_position()) if where is not None else t.get_position()
    return [
        t.get_text(),
        round(float(t.get_fontsize()), 1),
        to_hex(t.get_color()),
        round(float(x), 2),
        round(float(y), 2),
    ]


def _axes_fraction(ax: Any, t: Text) -> Any:
    """The transform from a text's coordinates to the axes fraction (None: keep them as they are)."""
    if t.get_transform() == ax.transData:
        return ax.transData + ax.transAxes.inverted()
    return None


def summary(fig: Figure) -> dict[str, Any]:
    """The artists of ``fig`` as plain data (JSON)."""
    axes = []
    for ax in fig.get_axes():
        texts = [t for t in ax.texts if t.get_text().strip() and t.get_visible()]
        legend = ax.get_legend()
        entries = []
        if legend is not None:
            for handle, label in zip(legend.legend_handles, legend.get_texts(), strict=False):
                colour = to_hex(handle.get_facecolor(), keep_alpha=True) if isinstance(handle, Patch) else ""
                entries.append([label.get_text(), colour])
        axes.append(
            {
                "title": [ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)],
                "collections": [_collection(c) for c in ax.collections],
                "patches": [to_hex(p.get_facecolor(), keep_alpha=True) for p in ax.patches if p.get_visible()],
                "texts": sorted(_text(t, _axes_fraction(ax, t)) for t in texts),
                "legend": entries,
                "images": len(ax.images),
                "lines": len(ax.lines),
            }
        )
    return {
        "size_in": [round(float(v), 2) for v in fig.get_size_inches()],
        "texts": sorted(t.get_text() for t in fig.texts if t.get_text().strip()),
        "axes": axes,
    }

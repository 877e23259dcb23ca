"""The force field diagram of a Force Field Analysis (:func:`umkm_geo.stats.ffa.force_field`).

A vertical centre line stands for the present state; driving factors are arrows from the left
pointing right at it, restraining factors arrows from the right pointing left. Every arrow's length
is proportional to the factor's TNB (one scale for both sides), so the longest arrow is the largest
TNB. Labels give the code, the factor (wrapped) and TNB; the key success factors (FKK) are drawn
darker, outlined and in bold. The totals and the force balance sentence are printed at the bottom.
The figure is made outside pyplot; save it with :func:`umkm_geo.render.static.save.save_figure`.
Its words are ``charts.ffa.*`` in the locale files.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from umkm_geo import _i18n
from umkm_geo.classify.breaks import format_number
from umkm_geo.render.static._layout import FIGURE_WIDTH, FigureText, figure_stamp, new_figure
from umkm_geo.stats.ffa import FFAResult
from umkm_geo.tables.ffa_factors import SIDES

__all__ = ["ARROW_COLORS", "GID_ARROW", "GID_CENTRE", "GID_LABEL", "GID_TOTALS", "ffa_figure"]

#: ``gid`` prefixes of the artists: ``f"{GID_ARROW}-{kode}"`` and ``f"{GID_LABEL}-{kode}"``.
GID_ARROW = "ffa-arrow"
GID_LABEL = "ffa-label"
GID_CENTRE = "ffa-centre"
GID_TOTALS = "ffa-totals"

#: Fill colours: (ordinary factor, key success factor) of each side.
ARROW_COLORS = {"pendorong": ("#92c5de", "#2166ac"), "penghambat": ("#f4a582", "#b2182b")}

_WIDTH = FIGURE_WIDTH  # figure width, inches (16 cm)
_ARROW_MAX = 1.1  # length of the longest arrow, inches (= axes data units)
_LABEL_W = 1.75  # label column on each side, inches
_GAP = 0.08
_WRAP = 22  # characters per label line


def _label(kode: str, faktor: str, tnb: float, fkk: bool, lang: str) -> str:
    head = f"{kode}" + (f" ({_i18n.text('charts.ffa.fkk', lang)})" if fkk else "")
    body = textwrap.fill(faktor, _WRAP) if faktor else ""
    tnb_text = _i18n.text("charts.ffa.tnb", lang, v=format_number(tnb, 3, lang=lang))
    return "\n".join(p for p in (f"{head}: {body}" if body else head, tnb_text) if p)


def ffa_figure(
    result: FFAResult,
    *,
    title: str,
    lang: str = "id",
    illustrative: bool = False,
    credits: str = "",
    subtitle: str | None = None,
) -> Figure:
    """Draw the force field diagram of ``result``.

    Parameters
    ----------
    result
        A :func:`umkm_geo.stats.ffa.force_field` result.
    title
        Title of the figure.
    lang
        ``"id"`` or ``"en"`` (texts and decimal separator).
    illustrative
        Stamp the figure as illustrative data (it is also stamped when ``result.illustrative``).
    credits
        Source of the factors and scores, printed at the bottom.
    subtitle
        Line under the title (default: how to read the arrows).

    Returns
    -------
    matplotlib.figure.Figure
        On an Agg canvas, not attached to pyplot. Each arrow is a ``FancyArrow`` with
        ``gid = f"{GID_ARROW}-{kode}"`` whose length (tail to tip) is ``TNB × scale``, one scale for
        both sides; labels have ``gid = f"{GID_LABEL}-{kode}"``.
    """
    if lang not in _i18n.LANGS:
        msg = f"Unknown language {lang!r}; use 'id' or 'en'."
        raise ValueError(msg)
    f = result.factors
    stamped = illustrative or result.illustrative
    labels = {k: _label(k, r["faktor"], r["TNB"], bool(r["FKK"]), lang) for k, r in f.iterrows()}
    lines = max(t.count("\n") + 1 for t in labels.values())
    row_h = max(0.5, lines * 0.135 + 0.12)  # a 7.5 pt line at 1.2 spacing is 0.125 in
    n_rows = max(int((f["jenis"] == s).sum()) for s in SIDES)
    head_h, foot_h = 0.45, 0.75
    body_h = head_h + n_rows * row_h + foot_h + (0.4 if stamped else 0.0)
    texts = FigureText(
        title=title,
        subtitle=subtitle if subtitle is not None else _i18n.text("charts.ffa.sub", lang),
        credits=credits,
        illustrative=stamped,
        lang=lang,
    )
    fig, footer, height = new_figure(_WIDTH, body_h, texts)
    half = _ARROW_MAX + _GAP + _LABEL_W
    ax_w = 2 * half
    ax = fig.add_axes(((_WIDTH - ax_w) / 2 / _WIDTH, footer / height, ax_w / _WIDTH, body_h / height))
    ax.set_xlim(-half, half)
    ax.set_ylim(0, body_h)  # 1 data unit = 1 inch both ways
    ax.set_axis_off()
    if stamped:
        figure_stamp(fig, 0.5, (footer + body_h - 0.05) / height)
    top = body_h - (0.4 if stamped else 0.0) - head_h
    ax.plot([0, 0], [foot_h - 0.1, top + head_h * 0.8], color="#252525", lw=2.0, gid=GID_CENTRE)
    ax.text(
        -_GAP,
        top + head_h / 2,
        _i18n.text("charts.ffa.heading.pendorong", lang),
        ha="right",
        va="center",
        fontsize=9,
        fontweight="bold",
        color=ARROW_COLORS["pendorong"][1],
    )
    ax.text(
        _GAP,
        top + head_h / 2,
        _i18n.text("charts.ffa.heading.penghambat", lang),
        ha="left",
        va="center",
        fontsize=9,
        fontweight="bold",
        color=ARROW_COLORS["penghambat"][1],
    )

    biggest = float(f["TNB"].max())
    scale = _ARROW_MAX / biggest if biggest > 0 else 0.0
    for side, sign in (("pendorong", -1), ("penghambat", 1)):
        rows = f[f["jenis"] == side]
        for i, (kode, row) in enumerate(rows.iterrows()):
            y = top - (i + 0.5) * row_h
            length = float(row["TNB"]) * scale
            fkk = bool(row["FKK"])
            if length > 0:
                ax.arrow(
                    sign * length,
                    y,
                    -sign * length,
                    0,
                    width=0.11,
                    head_width=0.26,
                    head_length=min(0.22, length),
                    length_includes_head=True,
                    facecolor=ARROW_COLORS[side][1 if fkk else 0],
                    edgecolor="#000000" if fkk else ARROW_COLORS[side][1],
                    linewidth=1.4 if fkk else 0.6,
                    gid=f"{GID_ARROW}-{kode}",
                    zorder=3,
                )
            ax.text(
                sign * (_ARROW_MAX + _GAP),
                y,
                labels[kode],
                ha="right" if sign < 0 else "left",
                va="center",
                fontsize=7.5,
                fontweight="bold" if fkk else "normal",
                linespacing=1.2,
                gid=f"{GID_LABEL}-{kode}",
            )
    b = result.balance
    for side, sign in (("pendorong", -1), ("penghambat", 1)):
        value = format_number(getattr(b, side), 3, lang=lang)
        total = _i18n.text("charts.ffa.total", lang, side=_i18n.text(f"charts.ffa.side.{side}", lang), v=value)
        ax.text(
            sign * _GAP,
            foot_h - 0.25,
            total,
            ha="right" if sign < 0 else "left",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=ARROW_COLORS[side][1],
            gid=f"{GID_TOTALS}-{side}",
        )
    ax.text(
        0,
        0.12,
        textwrap.fill(b.sentence(lang), 95),
        ha="center",
        va="bottom",
        fontsize=7.5,
        color="#333333",
        gid=GID_TOTALS,
    )
    return fig

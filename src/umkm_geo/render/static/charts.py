"""Charts that are not maps: the Moran scatter plot and the comparison of groups (utara / selatan / kota).

Both are drawn outside pyplot with the layout of :mod:`umkm_geo.render.static._layout` (title, subtitle,
illustrative stamp, credits, date) and saved with :func:`umkm_geo.render.static.save.save_figure`.

* :func:`moran_scatter_figure` -- standardised value against its spatial lag; the line has slope
  Moran's I; significant units in their LISA cluster colours.
* :func:`group_comparison_figure` -- the distribution of an indicator per group (box, every unit,
  mean) with ``n``, and the gap between groups with its permutation p from the gap table.

Their words are ``charts.*`` in the locale files (and the shared ``scheme.*``, ``legend.count``,
``maps.p_value.*``).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from umkm_geo import _i18n
from umkm_geo._errors import AnalysisError
from umkm_geo.classify.breaks import format_number
from umkm_geo.classify.symbology import CHART_COLORS, LISA_COLORS, lisa_label
from umkm_geo.indicators.core import Indicator
from umkm_geo.render.static._labels import GID_LABEL, LABEL_SIZE, LabelPlacer
from umkm_geo.render.static._layout import LEGEND_SIZE, MIN_FONT, FigureText, aligned, artist_boxes, new_chart
from umkm_geo.stats.autocorrelation.global_ import GlobalMoranResult
from umkm_geo.stats.autocorrelation.local import LocalResult
from umkm_geo.stats.inequality.gap_table import GapTable
from umkm_geo.tables.groups import Grouping

__all__ = ["GID_MEAN", "GID_POINTS", "GID_REGRESSION", "group_comparison_figure", "moran_scatter_figure"]

#: ``gid`` of the artists tests and callers can look up.
GID_POINTS = "points"
GID_REGRESSION = "moran-line"
GID_MEAN = "group-mean"

_QUADRANTS = ("HH", "LL", "LH", "HL")


def _number(value: float, decimals: int, lang: str) -> str:
    return format_number(value, decimals, lang=lang)


def _axis_numbers(axis, lang: str) -> None:
    """Tick labels with the decimal comma in ``"id"`` (and a true minus sign)."""
    axis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:g}".replace("-", "−").replace(".", "," if lang == "id" else "."))
    )


def _p_text(p: float, lang: str) -> str:
    """A p-value with 3 decimals, ``< 0,001`` below that."""
    return f"< {_number(0.001, 3, lang)}" if p < 0.001 else _number(p, 3, lang)


def moran_points(values: pd.Series, graph: Graph) -> pd.DataFrame:
    """The points of a Moran scatter plot: standardised values and their spatial lag.

    Parameters
    ----------
    values
        Values indexed by unit id; every id of ``graph`` must be present, without missing values.
    graph
        Row-standardised libpysal ``Graph`` (transformation ``"R"``), as used for Moran's I.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``graph.unique_ids``, with ``z`` (``(y - mean) / sd``, sd with divisor n) and
        ``lag`` (``sum_j w_ij z_j``; 0 for a unit without neighbours) and ``island``.

    Raises
    ------
    AnalysisError
        If values are missing or constant, or the weights are not row-standardised.
    """
    if graph.transformation != "R":
        msg = (
            f"The Moran scatter plot needs row-standardised weights (transformation 'R'), not "
            f"{graph.transformation!r}: the lag must be the mean of the neighbours."
        )
        raise AnalysisError(msg)
    ids = graph.unique_ids
    missing = ids.difference(values.index)
    y = values.reindex(ids).astype(float)
    if len(missing) or y.isna().any():
        absent = list(missing[:3]) or list(y.index[y.isna()][:3])
        msg = f"{values.name!r} has no value for some units of the weights (e.g. {absent}); the scatter plot needs all."
        raise AnalysisError(msg)
    sd = y.std(ddof=0)
    if not sd > 0:
        msg = f"{values.name!r} is constant; a Moran scatter plot needs varying values."
        raise AnalysisError(msg)
    z = (y - y.mean()) / sd
    lag = np.asarray(graph.lag(z.to_numpy()), dtype=float)
    islands = graph.cardinalities.reindex(ids).to_numpy() == 0
    return pd.DataFrame({"z": z.to_numpy(), "lag": lag, "island": islands}, index=ids)


def moran_scatter_figure(
    values: pd.Series,
    graph: Graph,
    *,
    moran: GlobalMoranResult,
    indicator: Indicator,
    title: str,
    credits: str,
    illustrative: bool,
    lisa: LocalResult | None = None,
    subtitle: str | None = None,
    labels: pd.Series | None = None,
    lang: str = "id",
    date: dt.date | str | None = None,
) -> Figure:
    """Draw the Moran scatter plot: standardised value against its spatial lag, line of slope I.

    Parameters
    ----------
    values
        The indicator per unit (the values Moran's I was computed on).
    graph
        The row-standardised weights of ``moran``.
    moran
        The global Moran result; its I and two-sided pseudo p go in the title. I is recomputed
        from the points (``n / S0 * z'Wz / z'z``) and must agree, so a result of other data or
        weights is caught.
    indicator
        Names the axes.
    title
        Start of the title; ``(I = ...; p = ...)`` is appended.
    credits, illustrative, lang, date
        Source and licence, stamp, language and footer date.
    lisa
        Local Moran result: significant units take their cluster colour (HH, LL, LH, HL), others
        are grey; without it every point is dark grey.
    subtitle
        Default: permutations, seed, E[I], the weights and n (and the units without neighbours).
    labels
        Names of the units (indexed like ``values``); the significant ones (with ``lisa``) are
        written next to their point where there is room.

    Returns
    -------
    matplotlib.figure.Figure
        Points have ``gid`` :data:`GID_POINTS` (one collection per category), the line
        :data:`GID_REGRESSION`. Without units lacking neighbours the line is also the least-squares
        fit of the lag on z; with them that fit has slope ``I * S0 / n`` (see
        :func:`umkm_geo.stats.autocorrelation.global_.global_moran`).

    Raises
    ------
    AnalysisError
        If the values or weights do not give ``moran.I``, or see :func:`moran_points`.
    """
    points = moran_points(values, graph)
    n = len(points)
    s0 = float(graph.adjacency.sum())
    z, lag = points["z"].to_numpy(), points["lag"].to_numpy()
    i_points = n / s0 * float(z @ lag) / float(z @ z)
    if not np.isclose(i_points, moran.I, rtol=1e-9, atol=1e-12):
        msg = (
            f"The Moran result (I = {moran.I:.6g}) does not belong to these values and weights "
            f"(their I = {i_points:.6g}); pass the values and graph it was computed with."
        )
        raise AnalysisError(msg)
    i_text = _number(moran.I, 3, lang)
    untested = pd.isna(moran.p_sim)  # e.g. three mutual neighbours
    p_text = _i18n.text("charts.untested", lang) if untested else _p_text(moran.p_sim, lang)
    p_name = _i18n.text("maps.p_value.two-sided", lang)
    head = _i18n.text("charts.head", lang, title=title, I=i_text, p_name=p_name, p=p_text)
    if subtitle is None:
        expected = _number(moran.expected_I, 3, lang)
        subtitle = _i18n.text("charts.moran_sub", lang, perm=moran.permutations, seed=moran.seed, EI=expected, n=n)
        if points["island"].any():
            subtitle += _i18n.text("charts.islands", lang, k=int(points["island"].sum()))
    fig, ax = new_chart((3.2, 3.2), FigureText(head, subtitle, credits, illustrative, lang, date), side=1.85)

    codes = pd.Series("point", index=points.index, dtype=object)
    if lisa is not None:
        clusters = lisa.frame()["cluster"].reindex(points.index)
        codes[clusters.isin(_QUADRANTS)] = clusters[clusters.isin(_QUADRANTS)]
        codes[clusters.eq("ns")] = "ns"
    codes[points["island"].to_numpy()] = "island"
    handles = []
    styles = {
        **{q: (LISA_COLORS[q], lisa_label(q, lang)) for q in _QUADRANTS},
        "ns": (CHART_COLORS["ns_point"], _i18n.text("scheme.ns", lang)),
        "point": (CHART_COLORS["point"], indicator.label(lang)),
        "island": ("white", _i18n.text("scheme.island", lang)),
    }
    for code, (color, label) in styles.items():
        mask = (codes == code).to_numpy()
        if not mask.any():
            continue
        ax.scatter(
            z[mask],
            lag[mask],
            s=30,
            facecolor=color,
            edgecolor="#252525",
            linewidth=0.6,
            zorder=4 if code in _QUADRANTS else 3,  # significant units on top
            gid=GID_POINTS,
        )
        marker = Line2D([], [], marker="o", linestyle="", markerfacecolor=color, markeredgecolor="#252525")
        handles.append((marker, _i18n.text("legend.count", lang, label=label, count=int(mask.sum()))))

    # Each axis symmetric around 0, so the quadrants are the four corners.
    x_reach = 1.15 * max(np.abs(z).max(), 0.5)
    y_reach = 1.15 * max(np.abs(lag).max(), 0.5)
    ax.set_xlim(-x_reach, x_reach)
    ax.set_ylim(-y_reach, y_reach)
    ax.axhline(0, color=CHART_COLORS["axis"], linewidth=0.8, linestyle="--", zorder=1)
    ax.axvline(0, color=CHART_COLORS["axis"], linewidth=0.8, linestyle="--", zorder=1)
    xs = np.array([-x_reach, x_reach])
    (line,) = ax.plot(xs, moran.I * xs, color=CHART_COLORS["mean"], linewidth=1.6, zorder=2, gid=GID_REGRESSION)
    handles.append((line, _i18n.text("charts.line", lang, I=i_text)))
    corners = {"HH": (0.97, 0.97, "right", "top"), "LL": (0.03, 0.03, "left", "bottom")}
    corners |= {"LH": (0.03, 0.97, "left", "top"), "HL": (0.97, 0.03, "right", "bottom")}
    quadrant_texts = [
        ax.text(x, y, lisa_label(code, lang), transform=ax.transAxes, ha=ha, va=va, fontsize=8.5, color="#525252")
        for code, (x, y, ha, va) in corners.items()
    ]
    if labels is not None:
        named = aligned(labels, points.index, "labels")[codes.isin(_QUADRANTS).to_numpy()].dropna()
        _label_points(ax, points.loc[named.index, ["z", "lag"]].to_numpy(), named.astype(str), quadrant_texts)
    label = indicator.label(lang)
    ax.set_xlabel(_i18n.text("charts.x", lang, label=label), fontsize=9.5)
    ax.set_ylabel(_i18n.text("charts.y", lang, label=label), fontsize=9.5)
    ax.tick_params(labelsize=8)
    _axis_numbers(ax.xaxis, lang)
    _axis_numbers(ax.yaxis, lang)
    ax.legend(
        [h for h, _ in handles],
        [textwrap.fill(text, 30) for _, text in handles],
        loc="upper left",
        bbox_to_anchor=(1.03, 1.0),
        frameon=False,
        fontsize=LEGEND_SIZE,
    )
    return fig


def _label_points(ax, xy: np.ndarray, names: pd.Series, avoid) -> None:
    """Write ``names`` next to their points where the text overlaps no other text or point."""
    placer = LabelPlacer(ax, artist_boxes(ax, *avoid), pad=1.0)
    centres = ax.transData.transform(xy)
    every = np.vstack([ax.transData.transform(c.get_offsets()) for c in ax.collections if c.get_gid() == GID_POINTS])
    for centre, name in zip(centres, names, strict=True):
        w, h = placer.size(name, LABEL_SIZE)
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)):
            spot = centre + np.array([dx * (w / 2 + 5), dy * (h / 2 + 5)])
            bbox = placer.box_at(spot, (w, h))
            if placer.free(bbox, points=every):
                placer.take(bbox)
                x, y = ax.transData.inverted().transform(spot)
                ax.text(x, y, name, fontsize=LABEL_SIZE, ha="center", va="center", color="#252525", gid=GID_LABEL)
                break


def _group_labels(groups: list[str], labels: Mapping[str, str] | None, lang: str) -> dict[str, str]:
    if labels is not None:
        return {g: labels.get(g, g) for g in groups}
    grouping = Grouping(groups=pd.Series(dtype=object), source="")
    return {g: grouping.label(g, lang) for g in groups}


def _gap_lines(gap: GapTable, names: Mapping[str, str], indicator: Indicator, lang: str) -> list[str]:
    """One sentence per compared pair: difference, ratio and permutation p."""
    lines = []
    for row in gap.pairs_frame().itertuples(index=False):
        p = float(row.p_value)
        text = _i18n.text(
            "charts.gap_nan" if np.isnan(p) else "charts.gap",
            lang,
            a=names.get(row.a, row.a),
            b=names.get(row.b, row.b),
            ma=_number(row.mean_a, indicator.decimals, lang),
            mb=_number(row.mean_b, indicator.decimals, lang),
            d=_number(row.difference, indicator.decimals, lang),
            unit=indicator.unit(lang),
            r=_number(row.ratio, 2, lang),
            p=_p_text(p, lang) if not np.isnan(p) else "",
        )
        lines.append(text.replace("  ", " "))
    if lines:
        lines[-1] += _i18n.text("charts.perm", lang, perm=_number(gap.permutations, 0, lang), seed=gap.seed)
    return lines


def group_comparison_figure(
    values: pd.Series,
    groups: pd.Series,
    *,
    indicator: Indicator,
    title: str,
    credits: str,
    illustrative: bool,
    gap: GapTable | None = None,
    group_labels: Mapping[str, str] | None = None,
    subtitle: str | None = None,
    lang: str = "id",
    seed: int = 0,
    date: dt.date | str | None = None,
) -> Figure:
    """Compare the distribution of an indicator across groups (e.g. utara, selatan, kota).

    Each group gets a box (quartiles, median, whiskers at 1.5 IQR), every unit as a jittered dot,
    and its mean as a diamond; the tick label gives the group's name and ``n``. With ``gap`` the
    subtitle gives each compared pair's difference in means, ratio and two-sided permutation p.

    Parameters
    ----------
    values
        The indicator per unit (NaN: left out of its group).
    groups
        Group of each unit, indexed like ``values`` (missing: left out).
    indicator
        Axis label (name and unit) and decimals.
    title, credits, illustrative, lang, date
        As in :func:`moran_scatter_figure`.
    gap
        The :class:`~umkm_geo.stats.inequality.gap_table.GapTable` of these values and groups; the units it
        dropped are left out here too, and its group means must equal the ones drawn.
    group_labels
        Display name of each group (default: :meth:`umkm_geo.tables.groups.Grouping.label`).
    subtitle
        Printed before the gap sentences.
    seed
        Seed of the horizontal jitter of the dots.

    Returns
    -------
    matplotlib.figure.Figure
        Dots have ``gid`` :data:`GID_POINTS` (one collection per group), mean markers
        :data:`GID_MEAN`.

    Raises
    ------
    AnalysisError
        If no unit has a value and a group, or ``gap`` does not match the values.
    """
    data = pd.DataFrame({"x": pd.to_numeric(values, errors="raise"), "g": groups.reindex(values.index)})
    if gap is not None:
        data = data.drop(index=list(gap.dropped), errors="ignore")
    data = data.dropna()
    if data.empty:
        msg = f"No unit of {values.name!r} has both a value and a group; nothing to compare."
        raise AnalysisError(msg)
    order = [g for g in gap.groups_frame().index if g in set(data["g"])] if gap is not None else []
    order += [g for g in pd.unique(data["g"]) if g not in order]
    stats = data.groupby("g", sort=False)["x"].agg(["size", "mean"]).reindex(order)
    if gap is not None:
        expected = gap.groups_frame()["mean"].reindex(order)
        if gap.variable is not None and values.name is not None and gap.variable != values.name:
            msg = f"The gap table is of {gap.variable!r}, not of {values.name!r}."
            raise AnalysisError(msg)
        if not np.allclose(stats["mean"].to_numpy(), expected.to_numpy(), rtol=1e-9, equal_nan=False):
            msg = (
                f"The group means of {values.name!r} ({stats['mean'].round(6).to_dict()}) differ from the gap "
                f"table's ({expected.round(6).to_dict()}); pass the values and groups it was computed on."
            )
            raise AnalysisError(msg)
    names = _group_labels(order, group_labels, lang)
    lines = [subtitle] if subtitle else []
    if gap is not None:
        lines += _gap_lines(gap, names, indicator, lang)
    texts = FigureText(title, "\n".join(lines) or None, credits, illustrative, lang, date)
    # 16 cm wide with up to four groups; more groups widen the figure (a chart of up to 30 groups)
    fig, ax = new_chart((max(3.25, 0.8 * len(order)), 3.4), texts, side=1.9)
    rng = np.random.default_rng(seed)
    positions = np.arange(1, len(order) + 1)
    samples = [data.loc[data["g"] == g, "x"].to_numpy() for g in order]
    ax.boxplot(
        samples,
        positions=positions,
        widths=0.5,
        whis=1.5,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": CHART_COLORS["box"], "edgecolor": CHART_COLORS["box_edge"]},
        medianprops={"color": CHART_COLORS["box_edge"], "linewidth": 1.5},
        whiskerprops={"color": CHART_COLORS["box_edge"]},
        capprops={"color": CHART_COLORS["box_edge"]},
    )
    for pos, sample in zip(positions, samples, strict=True):
        jitter = rng.uniform(-0.13, 0.13, size=len(sample))
        ax.scatter(
            pos + jitter, sample, s=16, color=CHART_COLORS["point"], alpha=0.8, zorder=3, linewidth=0, gid=GID_POINTS
        )
    ax.scatter(
        positions,
        stats["mean"].to_numpy(),
        marker="D",
        s=46,
        facecolor=CHART_COLORS["mean"],
        edgecolor="white",
        linewidth=0.8,
        zorder=4,
        gid=GID_MEAN,
        label=_i18n.text("charts.mean", lang),
    )
    ax.set_xticks(positions, [f"{names[g]}\n(n={int(stats.loc[g, 'size'])})" for g in order], fontsize=9)
    ax.set_ylabel(indicator.title(lang), fontsize=9.5)
    ax.tick_params(axis="y", labelsize=8)
    _axis_numbers(ax.yaxis, lang)
    ax.set_xlim(0.4, len(order) + 0.6)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=8.5,
        title=textwrap.fill(_i18n.text("charts.box", lang), 28),
        title_fontsize=MIN_FONT,
        alignment="left",
    )
    return fig

"""Sentences on regional economics: Klassen quadrants, LQ basis sectors, shift-share."""

from __future__ import annotations

from typing import Any

import pandas as pd

from umkm_geo._i18n import format_number, text
from umkm_geo.render.report.interpret.numbers import _check_lang, _count, _names_of, _pct, join_names
from umkm_geo.stats.regional.typology import KLASSEN_LABELS

__all__ = ["basis_sentences", "klassen_sentences", "shift_share_sentences"]


def klassen_sentences(
    result: Any,
    names: pd.Series | None = None,
    *,
    lang: str = "id",
    level: Any = None,
    growth: Any = None,
) -> list[str]:
    """Count the kecamatan of each Klassen quadrant and name the relatively underdeveloped ones (IV).

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.regional.typology.KlassenResult`.
    names
        Kecamatan names indexed like the result.
    lang
        ``"id"`` or ``"en"``.
    level, growth
        Indicators of the level and the growth (labels, units and decimals of the references).

    Returns
    -------
    list of str
        The counts per quadrant, the references, and the quadrant IV kecamatan.
    """
    lang = _check_lang(lang)
    i = 0 if lang == "id" else 1  # KLASSEN_LABELS (stats.regional.typology) are (id, en) pairs
    counts = result.counts()
    quadrants = "; ".join(
        text("report.klassen.quadrant", lang, quadrant=q, label=labels[i], count=_count(int(counts.get(q, 0)), lang))
        for q, labels in KLASSEN_LABELS.items()
    )
    level_text = format_number(result.level_reference, 1 if level is None else level.decimals, lang=lang)
    growth_text = format_number(result.growth_reference, 1 if growth is None else growth.decimals, lang=lang)
    if level is not None and level.unit(lang):
        level_text += f" {level.unit(lang)}"
    if growth is not None and growth.unit(lang):
        growth_text += f" {growth.unit(lang)}"
    level_name = result.settings.get("level_variable", "level") if level is None else level.label(lang)
    growth_name = result.settings.get("growth_variable", "growth") if growth is None else growth.label(lang)

    def against(key: str) -> str:
        """``rata-rata`` / ``the mean`` for the default reference, else ``acuan`` / ``the reference``."""
        mean = str(result.settings.get(key, "unweighted mean")).startswith("unweighted mean")
        return text("report.klassen.mean" if mean else "report.klassen.reference", lang)

    frame = result.frame()
    lagging = _names_of(list(frame.index[frame["quadrant"] == "IV"]), names)
    unclassified = _names_of(list(frame.index[frame["quadrant"].isna()]), names)
    out = [
        text(
            "report.klassen.counts",
            lang,
            level=level_name,
            level_reference=against("level_reference"),
            level_value=level_text,
            growth=growth_name,
            growth_reference=against("growth_reference"),
            growth_value=growth_text,
            quadrants=quadrants,
        )
    ]
    if lagging:
        out.append(text("report.klassen.lagging", lang, count=len(lagging), names=join_names(lagging, lang)))
    else:
        out.append(text("report.klassen.no_lagging", lang))
    if unclassified:
        out.append(text("report.klassen.unclassified", lang, names=join_names(unclassified, lang)))
    return out


def _sector(name: Any) -> str:
    return str(name).replace("_", " ")


def basis_sentences(result: Any, names: pd.Series | None = None, *, lang: str = "id") -> list[str]:
    """Name, for every sector, the kecamatan where it is a basis sector (LQ > 1).

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.regional.lq.LQResult` (its ``basis`` flag is read).
    names
        Kecamatan names indexed like the result.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of str
        One sentence per sector in the order of the LQ table, then one naming the kecamatan
        without any basis sector, if any.
    """
    lang = _check_lang(lang)
    basis = result.basis["basis"].fillna(False).astype(bool)
    year = "" if result.year is None else text("report.basis.year", lang, year=result.year)
    out = []
    for sector in result.lq.columns:
        flags = basis.xs(sector, level="sektor")
        members = _names_of([u for u in result.lq.index if bool(flags.get(u, False))], names)
        if members:
            listed = join_names(members, lang)
            out.append(
                text("report.basis.some", lang, sector=_sector(sector), year=year, count=len(members), names=listed)
            )
        else:
            out.append(text("report.basis.none", lang, sector=_sector(sector), year=year))
    n_basis = result.units["n_basis"]
    without = _names_of([u for u in result.units.index if not pd.isna(n_basis[u]) and n_basis[u] == 0], names)
    if without:
        out.append(text("report.basis.without", lang, names=join_names(without, lang)))
    return out


def shift_share_sentences(result: Any, names: pd.Series | None = None, *, lang: str = "id", top: int = 3) -> list[str]:
    """Summarise a shift-share decomposition: the total change and the largest net shifts.

    Parameters
    ----------
    result
        A :class:`umkm_geo.stats.regional.shiftshare.ShiftShareResult`.
    names
        Kecamatan names indexed like the result.
    lang
        ``"id"`` or ``"en"``.
    top
        How many kecamatan with the largest positive and negative net shift to name.

    Returns
    -------
    list of str
        The change of the whole area with the reference growth, then the kecamatan that grew most
        above (net shift > 0) and below (net shift < 0) the reference growth.
    """
    lang = _check_lang(lang)
    units = result.units
    totals = units[["base", "end", "change"]].sum()
    base, end, change = (format_number(totals[c], 0, lang=lang) for c in ("base", "end", "change"))
    change = ("+" if totals["change"] > 0 else "") + change
    growth = _pct(result.reference_growth, lang)
    shift = units["net_shift"].dropna()
    up = shift[shift > 0].sort_values(ascending=False).head(top)
    down = shift[shift < 0].sort_values().head(top)

    def listed(values: pd.Series) -> str:
        labelled = [
            f"{n} ({'+' if v > 0 else ''}{format_number(v, 0, lang=lang)})"
            for n, v in zip(_names_of(list(values.index), names), values, strict=True)
        ]
        return join_names(labelled, lang)

    out = [
        text(
            "report.shift_share.change",
            lang,
            base_year=result.base_year,
            end_year=result.end_year,
            base=base,
            end=end,
            change=change,
            growth=growth,
        )
    ]
    if len(up):
        out.append(text("report.shift_share.up", lang, names=listed(up)))
    if len(down):
        out.append(text("report.shift_share.down", lang, names=listed(down)))
    return out

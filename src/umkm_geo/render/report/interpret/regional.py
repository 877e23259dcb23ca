"""Sentences on regional economics: Klassen quadrants, LQ basis sectors, shift-share."""

from __future__ import annotations

from typing import Any

import pandas as pd

from umkm_geo.classify.breaks import format_number
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
    i = 0 if lang == "id" else 1
    counts = result.counts()
    parts = [f"{q} ({KLASSEN_LABELS[q][i]}) {_count(int(counts.get(q, 0)), lang)}" for q in KLASSEN_LABELS]
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
        return ("rata-rata" if mean else "acuan") if lang == "id" else ("the mean" if mean else "the reference")

    frame = result.frame()
    lagging = _names_of(list(frame.index[frame["quadrant"] == "IV"]), names)
    unclassified = _names_of(list(frame.index[frame["quadrant"].isna()]), names)
    if lang == "id":
        out = [
            f"Tipologi Klassen ({level_name} terhadap {against('level_reference')} {level_text}; {growth_name} "
            f"terhadap {against('growth_reference')} "
            f"{growth_text}), jumlah kecamatan per kuadran: {'; '.join(parts)}."
        ]
        out.append(
            f"Kecamatan relatif tertinggal (kuadran IV, {len(lagging)}): {join_names(lagging, lang)}."
            if lagging
            else "Tidak ada kecamatan relatif tertinggal (kuadran IV)."
        )
        if unclassified:
            out.append(f"Tanpa kuadran (nilai tidak lengkap): {join_names(unclassified, lang)}.")
        return out
    out = [
        f"Klassen typology ({level_name} against {against('level_reference')} {level_text}; {growth_name} "
        f"against {against('growth_reference')} "
        f"{growth_text}), kecamatan per quadrant: {'; '.join(parts)}."
    ]
    out.append(
        f"Relatively underdeveloped kecamatan (quadrant IV, {len(lagging)}): {join_names(lagging, lang)}."
        if lagging
        else "No kecamatan is relatively underdeveloped (quadrant IV)."
    )
    if unclassified:
        out.append(f"No quadrant (incomplete values): {join_names(unclassified, lang)}.")
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
    year = "" if result.year is None else (f" tahun {result.year}" if lang == "id" else f" in {result.year}")
    out = []
    for sector in result.lq.columns:
        flags = basis.xs(sector, level="sektor")
        members = _names_of([u for u in result.lq.index if bool(flags.get(u, False))], names)
        s, listed = _sector(sector), join_names(members, lang)
        if lang == "id":
            out.append(
                f"Sektor {s} adalah sektor basis (LQ > 1){year} di {len(members)} kecamatan: {listed}."
                if members
                else f"Sektor {s} bukan sektor basis (LQ > 1){year} di kecamatan mana pun."
            )
        else:
            out.append(
                f"Sector {s} is a basis sector (LQ > 1){year} in {len(members)} kecamatan: {listed}."
                if members
                else f"Sector {s} is a basis sector (LQ > 1){year} in no kecamatan."
            )
    n_basis = result.units["n_basis"]
    without = _names_of([u for u in result.units.index if not pd.isna(n_basis[u]) and n_basis[u] == 0], names)
    if without:
        lead = "Tanpa sektor basis" if lang == "id" else "No basis sector"
        out.append(f"{lead}: {join_names(without, lang)}.")
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

    if lang == "id":
        out = [
            f"Antara {result.base_year} dan {result.end_year} jumlah UMKM berubah dari {base} menjadi {end} "
            f"({change}); pertumbuhan acuan {growth}."
        ]
        if len(up):
            out.append(f"Pergeseran bersih positif terbesar (tumbuh di atas acuan): {listed(up)}.")
        if len(down):
            out.append(f"Pergeseran bersih negatif terbesar (tumbuh di bawah acuan): {listed(down)}.")
        return out
    out = [
        f"Between {result.base_year} and {result.end_year} the number of UMKM changed from {base} to {end} "
        f"({change}); reference growth {growth}."
    ]
    if len(up):
        out.append(f"Largest positive net shifts (growth above the reference): {listed(up)}.")
    if len(down):
        out.append(f"Largest negative net shifts (growth below the reference): {listed(down)}.")
    return out

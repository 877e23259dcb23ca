"""Indicators: UMKM count, density, per-capita rate, sector shares and change between years.

Each indicator carries an Indonesian and an English label and a unit (:class:`Indicator`), which
every renderer uses; the words are ``indicator.<key>.label`` and ``.unit`` in ``locale/id.toml`` and
``locale/en.toml``. Areas are computed in an equal-area projection, never in degrees.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd

from umkm_geo._crs import EQUAL_AREA_CRS
from umkm_geo._errors import TableError
from umkm_geo._i18n import text
from umkm_geo._validate import listing
from umkm_geo.study_area import StudyArea
from umkm_geo.tables.columns import TOTAL_SECTOR


@dataclasses.dataclass(frozen=True)
class Indicator:
    """Metadata of one indicator column.

    Parameters
    ----------
    key
        Column name in the study-area frame.
    label_id, label_en
        Human label in Bahasa Indonesia and in English.
    unit_id, unit_en
        Unit in Bahasa Indonesia and in English (empty string for none).
    decimals
        Decimals to show in legends and tooltips.
    """

    key: str
    label_id: str
    label_en: str
    unit_id: str
    unit_en: str
    decimals: int = 0

    def label(self, lang: str = "id") -> str:
        """Label in ``lang`` (``"id"`` or ``"en"``)."""
        return self.label_en if lang == "en" else self.label_id

    def unit(self, lang: str = "id") -> str:
        """Unit in ``lang`` (``"id"`` or ``"en"``)."""
        return self.unit_en if lang == "en" else self.unit_id

    def title(self, lang: str = "id") -> str:
        """Label with the unit in brackets, e.g. ``"Kepadatan UMKM (unit usaha per km²)"``."""
        unit = self.unit(lang)
        return f"{self.label(lang)} ({unit})" if unit else self.label(lang)

    def format(self, value: float) -> str:
        """Format ``value`` with the indicator's decimals (``"–"`` for missing)."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "–"
        return f"{value:,.{self.decimals}f}"


def _indicator(key: str, decimals: int, *, words: str | None = None, **fields: str) -> Indicator:
    """The indicator ``key`` with its label and unit from the locale files (``indicator.<words>.*``)."""
    table = f"indicator.{words or key}"
    label_id, label_en = (text(f"{table}.label", lang, **fields) for lang in ("id", "en"))
    unit_id, unit_en = (text(f"{table}.unit", lang, **fields) for lang in ("id", "en"))
    return Indicator(key, label_id, label_en, unit_id, unit_en, decimals)


AREA = _indicator("area_km2", 1)
COUNT = _indicator("umkm_count", 0)
DENSITY = _indicator("umkm_density", 1)
PER_1000 = _indicator("umkm_per_1000", 1)
POPULATION = _indicator("penduduk", 0)
POP_DENSITY = _indicator("population_density", 0)
CHANGE = _indicator("umkm_change", 0)
CHANGE_PCT = _indicator("umkm_change_pct", 1)


def sector_share_indicator(sector: str) -> Indicator:
    """Indicator metadata of the share of ``sector`` in a kecamatan's UMKM."""
    name = sector.replace("_", " ").replace("-", " ")
    return _indicator(f"share_{sector}", 1, words="share", sector=name)


def area_km2(frame: gpd.GeoDataFrame) -> pd.Series:
    """Area of each geometry in km², computed in the equal-area CRS :data:`EQUAL_AREA_CRS`."""
    if frame.crs is None:
        msg = "The boundary layer has no CRS; set it (EPSG:4326 for longitude/latitude)."
        raise ValueError(msg)
    return (frame.geometry.to_crs(EQUAL_AREA_CRS).area / 1e6).rename(AREA.key)


def add_indicators(
    area: StudyArea,
    counts: pd.DataFrame,
    *,
    population: pd.Series | None = None,
    year: int | None = None,
) -> StudyArea:
    """Compute the UMKM indicators and return a new study area with them as columns.

    Parameters
    ----------
    area
        The study area (its frame provides the geometry for areas).
    counts
        Long table ``kode, sektor, tahun, jumlah`` from :func:`umkm_geo.tables.join.join_counts`.
        Kecamatan absent from it get missing values ("no data"), and so does a kecamatan-year with
        a missing ``jumlah`` (a blank is never 0). Nothing is counted twice: a ``total`` row next
        to sector rows must equal their sum (it is then the count; a kecamatan-year with only a
        total or only sectors uses what it has), and one kecamatan, sector and year may have only
        one row.
    population
        Residents per kecamatan (``kode -> persons``); enables :data:`PER_1000`.
    year
        The year the level indicators describe; defaults to the latest year in ``counts``.

    Raises
    ------
    TableError
        A ``total`` row disagrees with the sum of the sector rows of its kecamatan and year, or a
        kecamatan, sector and year has several rows.
    ValueError
        ``year`` is not in the table.

    Returns
    -------
    StudyArea
        With columns ``area_km2``, ``umkm_count``, ``umkm_count_<year>`` per year,
        ``umkm_density``, ``share_<sector>`` per sector (when the table has sectors), ``umkm_change``
        and ``umkm_change_pct`` (first to last year, when it has two or more years) and
        ``penduduk``, ``population_density`` and ``umkm_per_1000`` (with population); and result
        ``"indicators"``: key -> :class:`Indicator`.
    """
    idx = area.frame.index
    data = counts.copy()
    data["tahun"] = data["tahun"].fillna(-1).astype(int)
    years = sorted(y for y in data["tahun"].unique())
    target = year if year is not None else years[-1]
    if target not in years:
        msg = f"Year {target} is not in the table; it has {[y for y in years if y != -1]}."
        raise ValueError(msg)
    by_year = _counts_by_year(data).unstack("tahun").reindex(idx)
    columns: dict[str, pd.Series] = {}
    indicators: dict[str, Indicator] = {}
    area_series = area_km2(area.frame)
    columns[AREA.key] = area_series
    indicators[AREA.key] = AREA
    total = by_year[target].astype(float)
    columns[COUNT.key] = total
    indicators[COUNT.key] = COUNT
    for y in years:
        if y == -1:
            continue
        key = f"umkm_count_{y}"
        columns[key] = by_year[y].astype(float)
        indicators[key] = dataclasses.replace(
            COUNT, key=key, label_id=f"{COUNT.label_id} {y}", label_en=f"{COUNT.label_en} {y}"
        )
    columns[DENSITY.key] = total / area_series
    indicators[DENSITY.key] = DENSITY
    sectors = [s for s in data["sektor"].unique() if s != TOTAL_SECTOR]
    if sectors:
        in_year = data[data["tahun"] == target]
        per_sector = (in_year.groupby(["kode", "sektor"])["jumlah"].sum(min_count=1).unstack("sektor")).reindex(idx)
        per_sector[total.isna().to_numpy()] = np.nan  # a kecamatan whose count is unknown has no shares
        denom = per_sector[sectors].sum(axis=1).replace(0, np.nan)
        for sector in sectors:
            ind = sector_share_indicator(sector)
            columns[ind.key] = 100.0 * per_sector[sector] / denom
            indicators[ind.key] = ind
    real_years = [y for y in years if y != -1]
    if len(real_years) >= 2:
        first, last = real_years[0], real_years[-1]
        change = by_year[last] - by_year[first]
        columns[CHANGE.key] = change.astype(float)
        columns[CHANGE_PCT.key] = 100.0 * change / by_year[first].replace(0, np.nan)
        span = f" {first}–{last}"
        indicators[CHANGE.key] = dataclasses.replace(
            CHANGE, label_id=CHANGE.label_id + span, label_en=CHANGE.label_en + span
        )
        indicators[CHANGE_PCT.key] = dataclasses.replace(
            CHANGE_PCT, label_id=CHANGE_PCT.label_id + span, label_en=CHANGE_PCT.label_en + span
        )
    if population is not None:
        pop = population.reindex(idx).astype(float)
        columns[POPULATION.key] = pop
        indicators[POPULATION.key] = POPULATION
        columns[POP_DENSITY.key] = pop / area_series
        indicators[POP_DENSITY.key] = POP_DENSITY
        columns[PER_1000.key] = 1000.0 * total / pop.replace(0, np.nan)
        indicators[PER_1000.key] = PER_1000
    out = area.with_columns(**{k: v.to_numpy() for k, v in columns.items()})
    return out.with_results(indicators=indicators, indicator_year=target)


def _counts_by_year(data: pd.DataFrame) -> pd.Series:
    """UMKM per (kode, tahun), each business counted once.

    A kecamatan-year's count is its ``total`` row or the sum of its sector rows; where it has both
    they must agree. A missing ``jumlah`` makes the kecamatan-year's count missing (never 0).
    """
    keys = ["kode", "sektor", "tahun"]
    repeated = data[data.duplicated(keys, keep=False)].drop_duplicates(keys)
    if len(repeated):
        listed = [f"{k} {s}{'' if t == -1 else f' {t}'}" for k, s, t in repeated[keys].itertuples(index=False)]
        msg = (
            f"The count table has several rows for the same kecamatan, sector and year: {listing(listed)};"
            " keep one row each (add them up first if they are parts), so that nothing is counted twice."
        )
        raise TableError(msg)
    is_total = (data["sektor"] == TOTAL_SECTOR).to_numpy()
    parts = _sum_or_missing(data[~is_total])
    totals = _sum_or_missing(data[is_total])
    both = pd.concat([totals.rename("total"), parts.rename("sectors")], axis=1, join="inner").dropna()
    differ = both[both["total"] != both["sectors"]]
    if len(differ):
        listed = [
            f"{k}{'' if t == -1 else f' {t}'}: total {row.total:g} vs sectors {row.sectors:g}"
            for (k, t), row in differ.iterrows()
        ]
        msg = (
            f"The total rows disagree with the sum of the sector rows: {listing(listed)}. Fix the table (or give"
            " only the sectors), so that no business is counted twice or left out."
        )
        raise TableError(msg)
    return totals.combine_first(parts) if len(totals) else parts


def _sum_or_missing(rows: pd.DataFrame) -> pd.Series:
    """Sum of ``jumlah`` per (kode, tahun), missing where any of the summed values is missing."""
    grouped = rows.groupby(["kode", "tahun"])["jumlah"]
    sums = grouped.sum().astype(float)
    return sums.mask(rows["jumlah"].isna().groupby([rows["kode"], rows["tahun"]]).any())

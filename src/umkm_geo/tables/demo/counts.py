"""Reproducible illustrative UMKM counts for the default Blitar case.

No public per-kecamatan UMKM counts exist for Kabupaten or Kota Blitar. This module generates
*illustrative* counts (seeded) so the pipeline can be shown end to end; every output made from them
is stamped "Data ilustrasi / illustrative data — not official statistics".

Only the kabupaten/kota totals are real, taken from ``data/facts/blitar_region_stats.csv``:

- Kabupaten Blitar, 2019: 15,481 and 2020: 20,242 usaha mikro (Satu Data Kabupaten Blitar,
  indicator "Jumlah Usaha Mikro Yang Baru Tumbuh Tahun Berjalan", producer Dinas Koperasi dan UKM,
  source BPUM register, https://data.blitarkab.go.id/data/persentase-pertumbuhan-usaha-mikro-5g074108).
- Kota Blitar has no published total for 2019 or 2020. The demo interpolates linearly between the
  published 13,280 usaha mikro in 2015 (Pemkot Blitar news quoting Dinas Koperasi dan UKM Kota
  Blitar) and 14,734 UMKM in 2023 (Tribun Mataraman, 31 Oct 2024, quoting the Kepala Dinas Koperasi
  UKM dan Tenaga Kerja Kota Blitar). Interpolated totals are marked ``interpolated`` in the totals
  table and the run record.

How the split of each total over kecamatan, sectors and years is invented (no built-in regional
effect: the generators never read a grouping, a kecamatan name or a location, so an illustrative run
shows what the methods do with data that has no planted pattern, not a fabricated finding):

- **Counts** (:func:`generate_demo_counts`): the weight of kecamatan *i* is its computed area
  ``a_i`` times a seeded log-normal factor with mean 1 (``sigma`` = :data:`DEMO_COUNT_SIGMA`), so
  its expected weight is ``a_i`` and every kecamatan of a kab/kota has the same expected UMKM
  density (the kab/kota total over its area). Later years multiply the weights by another mean-1
  log-normal factor (``sigma`` = :data:`DEMO_GROWTH_SIGMA`). Each kecamatan's total is split over the
  sectors by shares drawn from one Dirichlet distribution with mean :data:`DEMO_SECTORS`, the same
  for every kecamatan. Totals are split by largest remainder, so they add up exactly.
- **Population** (:func:`generate_demo_population`): the same construction with its own seeded
  mean-1 log-normal factor (``sigma`` = :data:`DEMO_POPULATION_SIGMA`): every kecamatan of a
  kab/kota has the same expected population density.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from umkm_geo._allocation import largest_remainder
from umkm_geo._provenance import ILLUSTRATIVE_NOTE
from umkm_geo._resources import data_dir

DEMO_SEED = 20240503
DEMO_YEARS = (2019, 2020)
#: Sectors of the demo and their mean share of UMKM: the same distribution in every kecamatan.
DEMO_SECTORS = {
    "perdagangan": 0.34,
    "makanan_minuman": 0.23,
    "kerajinan": 0.10,
    "jasa": 0.15,
    "pertanian_olahan": 0.18,
}
#: Concentration of the Dirichlet draw of each kecamatan's sector shares (larger = closer to the mean).
DEMO_SHARE_CONCENTRATION = 60.0
#: Spread (log-scale sigma) of the mean-1 noise of the count weights, the yearly growth and the population.
DEMO_COUNT_SIGMA = 0.35
DEMO_GROWTH_SIGMA = 0.08
DEMO_POPULATION_SIGMA = 0.25
_TOTAL_SERIES = {
    "35.05": ("Kabupaten Blitar", ("usaha_mikro_tahun_berjalan",)),
    "35.72": ("Kota Blitar", ("usaha_mikro_count", "umkm_count")),
}


def blitar_demo_totals(years: Sequence[int] = DEMO_YEARS) -> pd.DataFrame:
    """Kabupaten/kota totals the demo counts add up to, with their basis and source.

    Returns
    -------
    DataFrame
        Columns ``kab_kode, kab_nama, tahun, total, basis`` (``published`` or ``interpolated``)
        and ``source``.
    """
    stats = pd.read_csv(data_dir("facts") / "blitar_region_stats.csv", dtype=str)
    stats["value"] = stats["value"].astype(float)
    stats["reference_year"] = pd.to_numeric(stats["reference_year"], errors="coerce")
    rows = []
    for kab, (region, variables) in _TOTAL_SERIES.items():
        series = stats[(stats["region"] == region) & stats["variable"].isin(variables)].dropna(
            subset=["reference_year"]
        )
        series = series.sort_values("reference_year").drop_duplicates("reference_year", keep="last")
        known = dict(zip(series["reference_year"].astype(int), series["value"], strict=True))
        sources = dict(zip(series["reference_year"].astype(int), series["source"], strict=True))
        for year in years:
            if year in known:
                rows.append((kab, region, year, round(known[year]), "published", sources[year]))
                continue
            before = max((y for y in known if y < year), default=None)
            after = min((y for y in known if y > year), default=None)
            if before is None or after is None:
                msg = f"No published {region} totals around {year} to interpolate from ({sorted(known)})."
                raise ValueError(msg)
            frac = (year - before) / (after - before)
            value = known[before] + frac * (known[after] - known[before])
            src = f"linear interpolation between {before} ({sources[before]}) and {after} ({sources[after]})"
            rows.append((kab, region, year, round(value), "interpolated", src))
    return pd.DataFrame(rows, columns=["kab_kode", "kab_nama", "tahun", "total", "basis", "source"])


def _mean_one_noise(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    """Log-normal factors with expected value 1: ``exp(N(-sigma**2 / 2, sigma))``."""
    return rng.lognormal(-0.5 * sigma**2, sigma, size)


def demo_weights(area_km2: pd.Series, *, seed: int = DEMO_SEED) -> pd.Series:
    """The seeded weights the demo counts split each kab/kota total by (first year).

    ``weight_i = area_i * e_i`` with ``e_i`` log-normal of mean 1 (:data:`DEMO_COUNT_SIGMA`): the
    expected weight per km² is 1 in every kecamatan. The weights depend on nothing but the areas and
    the seed; no grouping, name or location enters.

    Parameters
    ----------
    area_km2
        Area of each kecamatan, indexed by code.
    seed
        Random seed (the same stream :func:`generate_demo_counts` draws first).

    Returns
    -------
    Series
        Weight per kecamatan, indexed like ``area_km2``.
    """
    rng = np.random.default_rng(seed)
    area = area_km2.to_numpy(dtype=float)
    return pd.Series(area * _mean_one_noise(rng, DEMO_COUNT_SIGMA, len(area)), index=area_km2.index)


def generate_demo_counts(
    frame: pd.DataFrame,
    *,
    totals: pd.DataFrame,
    area_km2: pd.Series,
    seed: int = DEMO_SEED,
) -> pd.DataFrame:
    """Generate illustrative counts per kecamatan, sector and year that add up to ``totals``.

    How the values are made (see the module docstring): each kab/kota total is split over its
    kecamatan in proportion to ``area * e`` (``e`` seeded log-normal noise with mean 1), so every
    kecamatan of a kab/kota has the same expected density; later years multiply the weights by more
    mean-1 noise; each kecamatan's total is split over :data:`DEMO_SECTORS` by shares drawn from one
    Dirichlet distribution, the same for every kecamatan. The generator reads no grouping, name or
    location: it has no regional effect, and whatever the statistics find in its output is noise.

    Parameters
    ----------
    frame
        Study-area frame indexed by ``kode`` with ``nama``, ``kab_kode`` and ``kab_nama``.
    totals
        Output of :func:`blitar_demo_totals` or :func:`demo_totals` (``kab_kode, tahun, total``).
    area_km2
        Area of each kecamatan.
    seed
        Random seed; the same seed gives the same table.

    Returns
    -------
    DataFrame
        Long table ``kode, kecamatan, kab_kota, sektor, tahun, jumlah_umkm, keterangan``.
    """
    rng = np.random.default_rng(seed)
    n = len(frame)
    # Same stream as demo_weights(): the first draw is the weights' noise.
    base = area_km2.reindex(frame.index).to_numpy(dtype=float) * _mean_one_noise(rng, DEMO_COUNT_SIGMA, n)
    sector_names = list(DEMO_SECTORS)
    mean_shares = np.array(list(DEMO_SECTORS.values()))
    shares = rng.dirichlet(DEMO_SHARE_CONCENTRATION * mean_shares, n)
    codes, names, kab_names = frame.index.to_numpy(), frame["nama"].to_numpy(), frame["kab_nama"].to_numpy()
    kab_codes = frame["kab_kode"].to_numpy()
    rows = []
    for year_index, year in enumerate(sorted(totals["tahun"].unique())):
        growth = _mean_one_noise(rng, DEMO_GROWTH_SIGMA, n) if year_index else np.ones(n)
        weights = base * growth
        for kab, total in totals[totals["tahun"] == year][["kab_kode", "total"]].itertuples(index=False):
            members = np.flatnonzero(kab_codes == kab)
            if not len(members):
                continue
            per_kec = largest_remainder(int(total), weights[members])
            for pos, kec_total in zip(members, per_kec, strict=True):
                parts = largest_remainder(int(kec_total), shares[pos])
                for sector, value in zip(sector_names, parts, strict=True):
                    rows.append((codes[pos], names[pos], kab_names[pos], sector, int(year), int(value)))
    out = pd.DataFrame(rows, columns=["kode", "kecamatan", "kab_kota", "sektor", "tahun", "jumlah_umkm"])
    out["keterangan"] = ILLUSTRATIVE_NOTE
    return out


#: Official population totals the illustrative population adds up to (``data/facts/blitar_region_stats.csv``).
_POPULATION_SERIES = {"35.05": "Kabupaten Blitar", "35.72": "Kota Blitar"}


def blitar_population_totals(year: int = 2025) -> pd.DataFrame:
    """Official population of Kabupaten and Kota Blitar (the real totals the demo population uses).

    Parameters
    ----------
    year
        2025 (the default: Dukcapil's figures of Kepmendagri No 300.2.2-2138 Tahun 2025, official), or a
        BPS census year, 2010 or 2020 (as quoted by an encyclopedia page: secondary).

    Returns
    -------
    DataFrame
        Columns ``kab_kode, kab_nama, tahun, total, source``.
    """
    stats = pd.read_csv(data_dir("facts") / "blitar_region_stats.csv", dtype=str)
    variable = "population_2025" if year == 2025 else f"population_census_{year}"
    rows = []
    for kab, region in _POPULATION_SERIES.items():
        hit = stats[(stats["region"] == region) & (stats["variable"] == variable)]
        if hit.empty:
            msg = f"No official population of {region} for {year} in blitar_region_stats.csv (use 2025, 2010 or 2020)."
            raise ValueError(msg)
        row = hit.iloc[0]
        source = f"{row['source_detail']}; {row['source']}" if year == 2025 else f"{row['source']} ({row['note']})"
        rows.append((kab, region, year, round(float(row["value"])), source))
    return pd.DataFrame(rows, columns=["kab_kode", "kab_nama", "tahun", "total", "source"])


def generate_demo_population(
    frame: pd.DataFrame,
    *,
    totals: pd.DataFrame,
    area_km2: pd.Series,
    seed: int = DEMO_SEED,
) -> pd.DataFrame:
    """Generate an illustrative population per kecamatan that adds up to the official totals.

    Only the kabupaten/kota totals are real (2025, Dukcapil: :func:`blitar_population_totals`); no
    official per-kecamatan figure is in the sources, so the
    split over kecamatan is invented, so that population-weighted measures can be shown: each total
    is split in proportion to ``area * e`` (``e`` seeded log-normal noise with mean 1,
    :data:`DEMO_POPULATION_SIGMA`), so every kecamatan of a kab/kota has the same expected population
    density. No grouping, name or location enters.

    Parameters
    ----------
    frame
        Study-area frame indexed by ``kode`` with ``nama``, ``kab_kode`` and ``kab_nama``.
    totals
        Output of :func:`blitar_population_totals`.
    area_km2
        Area of each kecamatan.
    seed
        Random seed; the same seed gives the same table.

    Returns
    -------
    DataFrame
        ``kode, kecamatan, kab_kota, penduduk, keterangan`` (one row per kecamatan).
    """
    rng = np.random.default_rng([seed, 2])
    area = area_km2.reindex(frame.index).to_numpy(dtype=float)
    weights = area * _mean_one_noise(rng, DEMO_POPULATION_SIGMA, len(frame))
    people = np.zeros(len(frame), dtype=np.int64)
    kab = frame["kab_kode"].to_numpy()
    for code, total in totals[["kab_kode", "total"]].itertuples(index=False):
        members = np.flatnonzero(kab == code)
        if len(members):
            people[members] = largest_remainder(int(total), weights[members])
    out = pd.DataFrame(
        {
            "kode": frame.index,
            "kecamatan": frame["nama"].to_numpy(),
            "kab_kota": frame["kab_nama"].to_numpy(),
            "penduduk": people,
        }
    )
    out["keterangan"] = ILLUSTRATIVE_NOTE
    return out


def _scaled_rows(
    reference: pd.DataFrame, kab_areas: pd.Series, kab_names: pd.Series, what: str
) -> list[tuple[str, str, int, int, str, str]]:
    """Totals of kab/kota outside Blitar: Kabupaten Blitar's published total per km² times their area."""
    stats = pd.read_csv(data_dir("facts") / "blitar_region_stats.csv", dtype=str)
    row = stats[(stats["region"] == "Kabupaten Blitar") & (stats["variable"] == "area_km2")].iloc[0]
    blitar_area = float(row["value"])
    kab = reference[reference["kab_kode"] == "35.05"]
    rows = []
    for code, area in kab_areas.items():
        for year, total in kab[["tahun", "total"]].itertuples(index=False):
            source = (
                f"ILLUSTRATIVE: Kabupaten Blitar's published {what} {int(year)} ({int(total):,}) per km² of its "
                f"official {blitar_area:,.2f} km², times this kab/kota's computed area ({area:,.1f} km²)"
            )
            value = round(total / blitar_area * area)
            rows.append((code, str(kab_names[code]), int(year), int(value), "scaled", source))
    return rows


def demo_totals(frame: pd.DataFrame, area_km2: pd.Series, *, population: bool = False) -> pd.DataFrame:
    """Totals the illustrative demo adds up to, for any study area.

    Kabupaten and Kota Blitar use their published figures (:func:`blitar_demo_totals`,
    :func:`blitar_population_totals`). Any other kab/kota gets Kabupaten Blitar's published total per
    km² times its own computed area, marked ``basis = "scaled"``: a stand-in so that ``make maps`` runs
    for every region, which every output labels illustrative.

    Parameters
    ----------
    frame
        Study-area frame with ``kab_kode`` and ``kab_nama``.
    area_km2
        Area of each kecamatan.
    population
        ``True`` for population totals (2025, Dukcapil), ``False`` for UMKM totals.

    Returns
    -------
    DataFrame
        ``kab_kode, kab_nama, tahun, total, basis, source``.
    """
    reference = blitar_population_totals() if population else blitar_demo_totals()
    if "basis" not in reference:
        reference = reference.assign(basis="published")
    kab_areas = area_km2.groupby(frame["kab_kode"]).sum()
    kab_names = frame.groupby("kab_kode")["kab_nama"].first()
    known = reference[reference["kab_kode"].isin(kab_areas.index)]
    others = kab_areas[~kab_areas.index.isin(reference["kab_kode"])]
    what = "population 2025" if population else "UMKM total"
    rows = _scaled_rows(reference, others, kab_names, what)
    scaled = pd.DataFrame(rows, columns=["kab_kode", "kab_nama", "tahun", "total", "basis", "source"])
    columns = ["kab_kode", "kab_nama", "tahun", "total", "basis", "source"]
    return pd.concat([known[columns], scaled], ignore_index=True)

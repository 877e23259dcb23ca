"""The official-data stage: GRDP per capita of the province's kab/kota, their Klassen typology and inequality.

Real, published data, apart from the (possibly illustrative) UMKM counts: GRDP per capita 2000-2024 of
every kab/kota (BPS PDRB, constant 2010 prices, thousand rupiah per person; quarcs-lab/indonesia514,
:func:`umkm_geo.sources.grdp.read_grdp`) and the 2025 population of the Kepmendagri decree
(:func:`umkm_geo.sources.population.read_population`), for every kab/kota of the province(s) the study
region lies in (Blitar, 35.05 and 35.72: Jawa Timur, 38 kab/kota).

- **Level**: GRDP per capita in ``[official] year`` (0: the latest year of the file, 2024, preliminary).
- **Growth**: the compound annual growth rate over the ``growth_years`` years before it,
  ``(x_end / x_start) ** (1 / growth_years) - 1`` (default 2019-2024, so that 2020's contraction is
  inside the period rather than at its start or end), from :func:`~umkm_geo.stats.regional.typology.growth_rate`.
- **Klassen typology** (:func:`~umkm_geo.stats.regional.typology.klassen`) of level and growth against
  the unweighted mean of the kab/kota (the file has no province total).
- **Williamson** and **Theil T** of the level, weighted by the 2025 population
  (:mod:`umkm_geo.stats.inequality.indices`).

The stage writes nothing. When the data cannot be read (no mirror, no cache and no download), it is
skipped with the reason in ``results.skipped``; with ``[official] grdp = false`` it does nothing.
"""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo._errors import ConfigError, DataSourceError
from umkm_geo.config import Config
from umkm_geo.sources.dataset import SourceTable, concat_qa, qa_frame
from umkm_geo.sources.grdp import YEARS, read_grdp
from umkm_geo.sources.population import YEAR as POPULATION_YEAR
from umkm_geo.sources.population import read_population
from umkm_geo.sources.region_codes import fetch_codes
from umkm_geo.stats.inequality.indices import theil, williamson
from umkm_geo.stats.regional.typology import growth_rate, klassen
from umkm_geo.study_area import StudyArea

__all__ = ["GROWTH_DEFINITION", "SKIP_NAME", "compute_official"]

#: The name of the stage in ``results.skipped``.
SKIP_NAME = "official grdp"

#: How the growth of the Klassen typology is computed.
GROWTH_DEFINITION = (
    "compound annual growth rate (x_end / x_start) ** (1 / years) - 1 of GRDP per capita at constant 2010 prices"
)


def _skip(area: StudyArea, reason: str) -> StudyArea:
    warnings.warn(f"{SKIP_NAME} skipped: {reason}", UserWarning, stacklevel=3)
    return area.with_results(skipped=MappingProxyType({**area.results.skipped, SKIP_NAME: reason}))


def _years(config: Config) -> tuple[int, int]:
    cfg = config.official
    end = cfg.year or YEARS[-1]
    start = end - cfg.growth_years
    if end not in YEARS or start not in YEARS:
        msg = (
            f"[official] year = {cfg.year} and growth_years = {cfg.growth_years} ask for {start}-{end}; the GRDP"
            f" file covers {YEARS[0]}-{YEARS[-1]}."
        )
        raise ConfigError(msg)
    return start, end


def _read(provinces: list[str], config: Config) -> tuple[SourceTable, SourceTable, dict[str, str]]:
    cfg = config.boundaries
    where: dict[str, Any] = {
        "mirror": config.resolve(cfg.mirror) if cfg.mirror else None,
        "cache_dir": config.resolve(cfg.cache) if cfg.cache else None,
    }
    region = ",".join(provinces)
    grdp = read_grdp(region, **where)
    population = read_population(region, **where)
    codes, _ = fetch_codes(**where)
    names = dict(zip(codes["kode"], codes["nama"], strict=True))
    return grdp, population, {p: str(names.get(p, p)) for p in provinces}


def compute_official(area: StudyArea, config: Config) -> StudyArea:
    """Klassen typology, Williamson and Theil T of GRDP per capita of the province's kab/kota (real data).

    Returns a new study area with ``official_grdp`` (one row per kab/kota: the GRDP per capita of the
    start and end years, the 2025 population, the growth and whether it is in the study region),
    ``official_klassen``, ``official_williamson``, ``official_theil`` and ``official_qa`` (the QA rows
    of both sources), and the provenance ``official_grdp`` (both sources with their credit, the
    years and the definitions). Skipped with the reason when the data cannot be read.
    """
    if not config.official.grdp:
        return area
    start, end = _years(config)
    provinces = sorted({code[:2] for code in area.region})
    try:
        grdp, population, province_names = _read(provinces, config)
    except DataSourceError as exc:
        return _skip(area, f"the GRDP per capita or population files could not be read ({exc})")
    frame = grdp.frame.set_index("kode")
    persons = population.frame.set_index("kode")["total"]
    pop = persons.astype(float)
    missing_pop = [k for k in frame.index if k not in pop.index]
    qa_rows = [
        {
            "source": "official",
            "issue": "no_population",
            "kode": k,
            "nama": frame.at[k, "nama"],
            "detail": f"no {POPULATION_YEAR} population; left out of Williamson and Theil",
        }
        for k in missing_pop
    ]
    qa = concat_qa(grdp.qa, population.qa, qa_frame(qa_rows))
    if len(frame) < 2:
        return _skip(area, f"fewer than 2 kab/kota with GRDP per capita in {', '.join(provinces)}")
    level = frame[f"grdp_pc_{end}"].rename(f"grdp_pc_{end}")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="A count is missing")  # NaN growth: no quadrant (warned below)
        total = growth_rate(frame[f"grdp_pc_{start}"], frame[f"grdp_pc_{end}"])
    growth = ((1.0 + total) ** (1.0 / (end - start)) - 1.0).rename(f"cagr_{start}_{end}")
    typology = klassen(level, growth)
    weights = pop.reindex(frame.index)
    measured = level.notna() & weights.notna()
    inequality_x, inequality_pop = level[measured], weights[measured]
    table = pd.DataFrame(
        {
            "nama": frame["nama"],
            "prov_kode": frame["prov_kode"],
            "bps_kode": frame["bps_kode"],
            f"grdp_pc_{start}": frame[f"grdp_pc_{start}"],
            f"grdp_pc_{end}": level,
            f"penduduk_{POPULATION_YEAR}": persons.reindex(frame.index).astype("Int64"),
            "pertumbuhan_total": total,
            f"cagr_{start}_{end}": growth,
            "wilayah_studi": [any(k == r or r.startswith(f"{k}.") for r in area.region) for k in frame.index],
        },
        index=frame.index,
    )
    area = area.with_results(
        official_grdp=table,
        official_klassen=typology,
        official_williamson=williamson(inequality_x, population=inequality_pop),
        official_theil=theil(inequality_x, population=inequality_pop),
        official_qa=qa,
    )
    record = {
        "provinces": {p: province_names[p] for p in provinces},
        "n_kabkota": len(frame),
        "level_year": end,
        "growth_period": [start, end],
        "growth": GROWTH_DEFINITION,
        "klassen_reference": "unweighted mean of the kab/kota",
        "inequality_weights": f"population {POPULATION_YEAR} (Kepmendagri 2025, Dukcapil)",
        "unit": str(grdp.frame.attrs.get("unit", "")),
        "credits": list(dict.fromkeys([*grdp.credits, *population.credits])),
        "grdp": grdp.record(),
        "population": population.record(),
    }
    return area.with_provenance(official_grdp=record)

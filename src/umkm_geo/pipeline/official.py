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

With ``[official] idm = true`` it also reads the **Indeks Desa Membangun 2024** (Kementerian Desa PDTT,
:func:`umkm_geo.sources.idm.read_idm`) of the study region's desa and, for a kecamatan study area, averages
IDM, IKS, IKE and IKL over the desa of each kecamatan (unweighted, as Kemendesa's own kecamatan figures),
with the number of desa and the counts by status; a kecamatan without desa in IDM (kelurahan only, e.g.
Kota Blitar's) gets NaN, never 0. The gap between the two compared groups (``[groups] compare``) of IDM
and IKE is tested with :func:`~umkm_geo.stats.inequality.gap.group_gap` at kecamatan level (the means)
and at desa level (each desa in its kecamatan's group), with ``[statistics] gap_permutations`` and ``seed``.

The stage writes nothing. When the data cannot be read (no mirror, no cache and no download), it is
skipped with the reason in ``results.skipped``; with ``[official] grdp = false`` and ``idm = false`` it
does nothing.
"""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo._errors import ConfigError, DataSourceError
from umkm_geo.config import Config
from umkm_geo.indicators.idm import idm_columns, idm_indicators
from umkm_geo.sources.dataset import SourceTable, concat_qa, qa_frame
from umkm_geo.sources.grdp import YEARS, read_grdp
from umkm_geo.sources.idm import INDICATORS as IDM_INDICATORS
from umkm_geo.sources.idm import STATUS as IDM_STATUS
from umkm_geo.sources.idm import read_idm
from umkm_geo.sources.population import YEAR as POPULATION_YEAR
from umkm_geo.sources.population import read_population
from umkm_geo.sources.region_codes import fetch_codes
from umkm_geo.sources.units import jenis_of
from umkm_geo.stats.inequality.gap import GapResult, group_gap
from umkm_geo.stats.inequality.indices import theil, williamson
from umkm_geo.stats.regional.typology import growth_rate, klassen
from umkm_geo.study_area import StudyArea

__all__ = [
    "GROWTH_DEFINITION",
    "IDM_GAP_VARIABLES",
    "IDM_SKIP_NAME",
    "SKIP_NAME",
    "add_idm_layer",
    "compute_official",
]

#: The name of the stage in ``results.skipped``.
SKIP_NAME = "official grdp"

#: The name of the IDM part in ``results.skipped``.
IDM_SKIP_NAME = "official idm"

#: The IDM indicators whose gap between the compared groups is tested.
IDM_GAP_VARIABLES = ("idm", "ike")

#: How the growth of the Klassen typology is computed.
GROWTH_DEFINITION = (
    "compound annual growth rate (x_end / x_start) ** (1 / years) - 1 of GRDP per capita at constant 2010 prices"
)


def _skip(area: StudyArea, reason: str, name: str = SKIP_NAME) -> StudyArea:
    warnings.warn(f"{name} skipped: {reason}", UserWarning, stacklevel=3)
    return area.with_results(skipped=MappingProxyType({**area.results.skipped, name: reason}))


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
    where = _where(config)
    region = ",".join(provinces)
    grdp = read_grdp(region, **where)
    population = read_population(region, **where)
    codes, _ = fetch_codes(**where)
    rows = codes[codes["kode"].isin(provinces)]  # 4 of 91,000 codes: a dict of all took 0.1 s
    names = dict(zip(rows["kode"], rows["nama"], strict=True))
    return grdp, population, {p: str(names.get(p, p)) for p in provinces}


def compute_official(area: StudyArea, config: Config) -> StudyArea:
    """The official findings: GRDP of the province's kab/kota (``[official] grdp``), IDM 2024 (``idm``).

    See :func:`compute_official_grdp` and :func:`compute_official_idm`.
    """
    return compute_official_idm(compute_official_grdp(area, config), config)


def compute_official_grdp(area: StudyArea, config: Config) -> StudyArea:
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


def _idm_kecamatan(desa: pd.DataFrame, kecamatan: pd.DataFrame) -> pd.DataFrame:
    """Per kecamatan of ``kecamatan`` (index kode; nama, wilayah): the unweighted means of its scored desa."""
    scored = desa[desa["status_kode"] > 0]
    grouped = scored.groupby("kec_kode")
    table = pd.DataFrame(index=kecamatan.index)
    table["nama"] = kecamatan["nama"]
    table["wilayah"] = kecamatan.get("wilayah", pd.NA)
    table["n_desa_idm"] = grouped.size().reindex(table.index).fillna(0).astype(int)
    means = grouped[list(IDM_INDICATORS)].mean()
    for name in IDM_INDICATORS:
        table[name] = means[name].reindex(table.index)  # NaN where no desa is in IDM: no data, never 0
    for code, status in IDM_STATUS.items():
        column = "n_" + status.lower().replace(" ", "_")
        counts = scored[scored["status_kode"] == code].groupby("kec_kode").size()
        table[column] = counts.reindex(table.index).fillna(0).astype(int)
    table.index.name = "kode"
    return table


def _idm_gaps(
    table: pd.DataFrame, desa: pd.DataFrame, config: Config
) -> tuple[dict[str, GapResult], list[dict[str, object]]]:
    """The gap of IDM and IKE between the compared groups, at kecamatan and at desa level."""
    compare = config.groups.compare
    if "wilayah" not in table or len(compare) != 2:
        return {}, []
    a, b = compare
    stats = config.statistics
    gaps: dict[str, GapResult] = {}
    notes: list[dict[str, object]] = []
    group_of = table["wilayah"]
    desa_groups = desa["kec_kode"].map(group_of)
    desa_groups.index = desa["kode"]
    levels = {
        "kecamatan": (table, group_of),
        "desa": (desa.set_index("kode"), desa_groups),
    }
    for level, (frame, groups) in levels.items():
        inside = groups.isin([a, b]) & frame[IDM_GAP_VARIABLES[0]].notna()
        if not {a, b} <= set(groups[inside]):
            notes.append({"level": level, "detail": f"the groups {a!r} and {b!r} do not both have IDM values"})
            continue
        for variable in IDM_GAP_VARIABLES:
            values = frame.loc[inside, variable].astype(float).rename(variable)
            gaps[f"{variable}_{level}"] = group_gap(
                values,
                groups[inside].astype(str).rename("wilayah"),
                a=a,
                b=b,
                permutations=stats.gap_permutations,
                seed=stats.seed,
            )
    return gaps, notes


def _where(config: Config) -> dict[str, Any]:
    cfg = config.boundaries
    return {
        "mirror": config.resolve(cfg.mirror) if cfg.mirror else None,
        "cache_dir": config.resolve(cfg.cache) if cfg.cache else None,
    }


def _kecamatan_of(area: StudyArea) -> pd.DataFrame:
    """The kecamatan of the study area (index kode; ``nama``, ``wilayah``), from its units."""
    frame = area.frame
    if area.level == "kecamatan":
        return frame[[c for c in ("nama", "wilayah") if c in frame]]
    kec = frame.groupby("kec_kode").agg(nama=("kec_nama", "first"))
    if "wilayah" in frame:
        kec["wilayah"] = frame.groupby("kec_kode")["wilayah"].first()
    kec.index.name = "kode"
    return kec


def add_idm_layer(area: StudyArea, config: Config) -> StudyArea:
    """Stage 3b (``[official] idm``): the IDM 2024 of the study area's units as indicator columns.

    At desa level each desa takes its own IDM, IKS, IKE, IKL and status (kelurahan: no value); at
    kecamatan and kab/kota level the unweighted mean of its desa with ``n_desa_idm``
    (:func:`umkm_geo.indicators.idm.idm_columns`). Also sets ``official_idm_desa`` (the scored desa
    of the area, with their kecamatan's ``wilayah``), ``official_idm_kecamatan`` (per kecamatan:
    means, number of desa and counts by status; desa and kecamatan studies) and ``official_idm_qa``
    (the source's QA, and every unit without IDM), and the provenance ``official_idm``. Skipped with
    the reason when the files cannot be read; a run that analyses the IDM then stops.
    """
    if not config.official.idm:
        return area
    kabs = sorted({".".join(str(k).split(".")[:2]) for k in area.codes})
    try:
        source = read_idm(",".join(kabs), **_where(config))
    except DataSourceError as exc:
        if config.statistics.indicator in IDM_INDICATORS:
            msg = f"The IDM 2024 files could not be read, and the run analyses {config.statistics.indicator!r}: {exc}"
            raise DataSourceError(msg) from exc
        return _skip(area, f"the IDM 2024 files could not be read ({exc})", IDM_SKIP_NAME)
    level = area.level
    columns = idm_columns(pd.Index(area.codes), source.frame, level)
    indicators = {**area.results.indicators, **idm_indicators(level)}
    area = area.with_columns(**{c: columns[c].to_numpy() for c in columns.columns}).with_results(
        indicators=MappingProxyType(indicators)
    )
    parent = {"desa": "kode", "kecamatan": "kec_kode", "kabupaten": "kab_kode"}[level]
    desa = source.frame[source.frame[parent].isin(area.codes)].reset_index(drop=True)
    unit_names = area.frame["nama"]  # one copy of the frame, not one per unit
    qa_rows = [
        {
            "source": "official",
            "issue": f"{level}_without_idm",
            "kode": k,
            "nama": unit_names.at[k],
            "detail": (
                "kelurahan: IDM scores desa only; shown as no data, never 0"
                if level == "desa" and jenis_of(k) == "kelurahan"
                else "no desa of this unit is in IDM 2024: no value, not 0"
            ),
        }
        for k in columns.index[columns["n_desa_idm"] == 0]
    ]
    table = None
    if level != "kabupaten":
        kecamatan = _kecamatan_of(area)
        table = _idm_kecamatan(desa, kecamatan)
        desa = desa.assign(wilayah=desa["kec_kode"].map(table["wilayah"]))
    area = area.with_results(
        official_idm_kecamatan=table,
        official_idm_desa=desa,
        official_idm_qa=concat_qa(source.qa, qa_frame(qa_rows)),
    )
    no_data = [str(k) for k in columns.index[columns["n_desa_idm"] == 0]]
    record = {
        "kabkota": kabs,
        "year": 2024,
        "level": level,
        "n_desa": int((desa["status_kode"] > 0).sum()),
        "n_units_with_idm": int((columns["n_desa_idm"] > 0).sum()),
        "units_without_idm": no_data,
        "n_kecamatan_with_idm": None if table is None else int((table["n_desa_idm"] > 0).sum()),
        "kecamatan_without_idm": [] if table is None else list(table.index[table["n_desa_idm"] == 0]),
        "aggregation": "unweighted mean of the desa of the kecamatan (as Kemendesa's kecamatan figures)",
        "credits": list(source.credits),
        "idm": source.record(),
    }
    return area.with_provenance(official_idm=record)


def compute_official_idm(area: StudyArea, config: Config) -> StudyArea:
    """The gap of IDM and IKE between the compared groups, at kecamatan and at desa level (real data).

    Reads what :func:`add_idm_layer` set: returns a new study area with ``official_idm_gap``
    (``idm_kecamatan``, ``ike_kecamatan``, ``idm_desa``, ``ike_desa``:
    :class:`~umkm_geo.stats.inequality.gap.GapResult`) and the groups that could not be compared
    added to ``official_idm_qa``. Needs a grouping of kecamatan (``[groups]``), so nothing at kab/kota level.
    """
    table, desa = area.results.official_idm_kecamatan, area.results.official_idm_desa
    if not config.official.idm or table is None or desa is None:
        return area
    gaps, notes = _idm_gaps(table, desa[desa["status_kode"] > 0], config)
    qa_rows = [
        {
            "source": "official",
            "issue": "idm_gap_not_tested",
            "kode": "",
            "nama": "",
            "detail": f"{n['level']}: {n['detail']}",
        }
        for n in notes
    ]
    qa = area.results.official_idm_qa
    area = area.with_results(
        official_idm_gap=MappingProxyType(gaps),
        official_idm_qa=concat_qa(qa, qa_frame(qa_rows)) if qa is not None else qa_frame(qa_rows),
    )
    record = dict(area.provenance.get("official_idm", {}))
    record.update(
        gap_levels={
            "kecamatan": "one value per kecamatan (its mean), the kecamatan's group",
            "desa": "one value per desa, the group of its kecamatan",
        },
        gap_compare=list(config.groups.compare),
        gap_permutations=config.statistics.gap_permutations,
        seed=config.statistics.seed,
    )
    return area.with_provenance(official_idm=record)

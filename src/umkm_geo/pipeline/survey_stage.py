"""Pipeline stage: survey plan, questionnaire scores, FFA and produk unggulan from the config.

Runs after the spatial statistics: the plan is drawn from the UMKM counts, the answers (a file or the
illustrative demo) are read and scored, the mean access score and the need-access gap per kecamatan
become indicators (so they are classified and mapped like the others), and the gap joins the spatial
statistics: its LISA and a bivariate LISA against UMKM density. Force Field Analysis and produk
unggulan run when their tables are configured. Nothing here runs for ``"none"`` (the default of
``[survey] responses``, ``[ffa] factors`` and ``[products] table``): invented answers, factors and
products are made only where the config says ``"demo"``, and each one used is recorded in
``provenance["illustrative_components"]`` (see :mod:`umkm_geo._provenance`), so that every output
made from it carries the illustrative stamp. The demo FFA factors are written for Blitar: on any
other region ``[ffa] factors = "demo"`` stops the run (:func:`check_demo_scope`).
"""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Any

import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo._provenance import is_illustrative, mark_illustrative
from umkm_geo.config import Config
from umkm_geo.indicators.core import Indicator
from umkm_geo.study_area import StudyArea
from umkm_geo.tables.columns import table_says_illustrative
from umkm_geo.tables.raw import file_says_illustrative

__all__ = ["ACCESS", "GAP", "check_demo_scope", "compute_survey"]

#: Indicators made from the survey scores (means over the configured aspects).
ACCESS = Indicator("akses_rata2", "Skor akses rata-rata", "Mean access score", "skala 1–5", "1–5 scale", 2)
NEED = Indicator("kebutuhan_rata2", "Skor kebutuhan rata-rata", "Mean need score", "skala 1–5", "1–5 scale", 2)
GAP = Indicator(
    "kesenjangan_rata2",
    "Kesenjangan kebutuhan–akses",
    "Need–access gap",
    "poin skala (kebutuhan − akses)",
    "scale points (need − access)",
    2,
)


def check_demo_scope(area: StudyArea, config: Config) -> None:
    """Stop when the config asks for the Blitar-only demo FFA factors on another region.

    Raises
    ------
    ConfigError
        If ``[ffa] factors = "demo"`` and the study area has kecamatan outside Kabupaten and Kota
        Blitar (:data:`umkm_geo.tables.demo.survey.FFA_DEMO_REGIONS`).
    """
    from umkm_geo.tables.demo.survey import FFA_DEMO_REGIONS

    if config.ffa.factors != "demo":
        return
    kab = area.frame.drop_duplicates("kab_kode").set_index("kab_kode")["kab_nama"]
    others = [f"{name} ({code})" for code, name in kab.items() if code not in FFA_DEMO_REGIONS]
    if others:
        msg = (
            f'[ffa] factors = "demo": the illustrative FFA factors are written for Kabupaten and Kota Blitar '
            f"({', '.join(FFA_DEMO_REGIONS)}) only, and this study area also covers {', '.join(others)}. "
            "Give your own factor table in [ffa] factors (CSV/XLSX with kode, jenis, faktor, sumber, urgensi, "
            'dukungan), or set [ffa] factors = "none".'
        )
        raise ConfigError(msg)


def _counts_for_plan(area: StudyArea) -> pd.Series:
    counts = area.frame["umkm_count"].dropna().round().astype(int)
    return counts[counts > 0]


def _plan(area: StudyArea, config: Config) -> Any:
    from umkm_geo.stats.survey.design import survey_plan

    cfg = config.survey
    return survey_plan(
        _counts_for_plan(area),
        method=cfg.method,
        e=cfg.margin,
        minimum=cfg.minimum,
        names=area.frame["nama"],
        illustrative=is_illustrative(area.provenance, ["umkm"]),
    )


def _responses(area: StudyArea, config: Config, plan: Any) -> Any:
    from umkm_geo.tables.responses import read_responses

    cfg = config.survey
    if cfg.responses == "demo":
        from umkm_geo.tables.demo.survey import demo_responses

        source: Any = demo_responses(plan.allocation["quota"], area.frame, seed=config.data.demo_seed)
    else:
        source = config.resolve(cfg.responses)
    return read_responses(
        source, units=area.frame, aspects=list(cfg.aspects), sheet=cfg.sheet or None, strict=cfg.strict
    )


def _indicator_columns(scores: Any, index: pd.Index) -> dict[str, pd.Series]:
    table = scores.kecamatan
    means = table.groupby("kode")[["kebutuhan", "akses", "gap"]].mean().reindex(index)
    columns = {NEED.key: means["kebutuhan"], ACCESS.key: means["akses"], GAP.key: means["gap"]}
    for aspect, rows in table.groupby("aspek"):
        columns[f"kesenjangan_{aspect}"] = rows.set_index("kode")["gap"].reindex(index)
    return columns


def _aspect_indicator(aspect: str) -> Indicator:
    name = aspect.replace("_", " ")
    return Indicator(
        f"kesenjangan_{aspect}",
        f"Kesenjangan {name}",
        f"Gap, {name}",
        "poin skala (kebutuhan − akses)",
        "scale points (need − access)",
        2,
    )


def _quadrant(scores: Any, index: pd.Index, reference: str) -> pd.Series:
    """Need/access quadrant of each kecamatan's mean scores against the area (or the midpoint 3)."""
    table = scores.kecamatan.groupby("kode")[["kebutuhan", "akses"]].mean().reindex(index)
    need_ref = table["kebutuhan"].mean() if reference == "mean" else 3.0
    access_ref = table["akses"].mean() if reference == "mean" else 3.0
    high_need, high_access = table["kebutuhan"] >= need_ref, table["akses"] >= access_ref
    codes = pd.Series("laten", index=index, dtype=object)
    codes[high_need & ~high_access] = "prioritas"
    codes[high_need & high_access] = "terpenuhi"
    codes[~high_need & high_access] = "mapan"
    return codes.where(table["kebutuhan"].notna(), None)


def _gap_statistics(area: StudyArea, config: Config) -> dict[str, Any]:
    from umkm_geo.stats.autocorrelation.local import local_moran, local_moran_bv

    stats = config.statistics
    gap = area.frame[GAP.key].dropna()
    if len(gap) < 3 or gap.nunique() < 2:
        return {}
    graph = area.graph(gap.index)
    options: dict[str, Any] = {
        "permutations": stats.permutations,
        "seed": stats.seed,
        "alpha": stats.alpha,
        "correction": stats.correction,
        "p_value": stats.p_value,
    }
    out = {"gap_lisa": local_moran(gap.rename(GAP.key), graph, **options)}
    density = area.frame.loc[gap.index, "umkm_density"]
    if density.notna().all():
        out["gap_density_bv"] = local_moran_bv(gap.rename(GAP.key), density.rename("umkm_density"), graph, **options)
    return out


def _ffa(area: StudyArea, config: Config) -> Any:
    from umkm_geo.stats.ffa import force_field

    cfg = config.ffa
    if cfg.factors == "demo":
        from umkm_geo.tables.demo.survey import demo_ffa_factors

        factors, linkage = demo_ffa_factors(seed=config.data.demo_seed)
        return force_field(factors, linkage=linkage, illustrative=True)
    path = config.resolve(cfg.factors)
    return force_field(
        path,
        pairwise=config.resolve(cfg.pairwise) if cfg.pairwise else None,
        linkage=config.resolve(cfg.linkage) if cfg.linkage else None,
        illustrative=file_says_illustrative(path),
    )


def _products(area: StudyArea, config: Config) -> dict[str, Any]:
    from umkm_geo.stats.survey.products import leading_products, mpe_ranking, product_lq
    from umkm_geo.tables.products import read_products

    cfg = config.products
    if cfg.table == "demo":
        from umkm_geo.tables.demo.survey import DEMO_MPE_WEIGHTS, demo_products

        table = read_products(demo_products(area.frame, seed=config.data.demo_seed), units=area.frame)
        weights = dict(DEMO_MPE_WEIGHTS)
    else:
        table = read_products(config.resolve(cfg.table), units=area.frame)
        weights = dict(zip(cfg.criteria, cfg.weights, strict=True))
    if cfg.rank_by == "mpe" and not weights:
        criteria = [c.removeprefix("kriteria_") for c in table.columns if c.startswith("kriteria_")]
        msg = (
            f"[products] rank_by = 'mpe' needs criteria and weights for the columns {criteria}; "
            "give them, or use rank_by = 'output'."
        )
        raise TableError(msg)
    out: dict[str, Any] = {"products": table}
    if weights:
        out["mpe"] = mpe_ranking(table, weights=weights)
    out["leading"] = leading_products(table, by=cfg.rank_by, weights=weights or None, units=area.frame.index)
    if "jumlah_unit" in table and table["sektor"].nunique() >= 2:
        out["product_lq"] = product_lq(table, value="jumlah_unit")
    return out


def compute_survey(area: StudyArea, config: Config) -> StudyArea:
    """Stage 5b: survey plan and scores, gap statistics, Force Field Analysis and produk unggulan."""
    from umkm_geo.stats.survey.scoring import score_survey

    check_demo_scope(area, config)
    seed = config.data.demo_seed
    computed: dict[str, Any] = {}
    columns: dict[str, Any] = {}
    indicators = dict(area.results.indicators)
    if config.survey.responses != "none" and "umkm_count" in area.frame:
        plan = _plan(area, config)
        responses = _responses(area, config, plan)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*fewer respondents than planned.*")
            scores = score_survey(
                responses.long,
                plan=plan.allocation["quota"],
                population=_counts_for_plan(area),
                groups=area.frame.get("wilayah"),
                n_boot=config.survey.bootstrap,
                seed=config.statistics.seed,
                quadrant_reference=config.survey.quadrant_reference,
                illustrative=responses.illustrative,
            )
        computed.update(survey_plan=plan, responses=responses, survey_scores=scores)
        columns = _indicator_columns(scores, area.frame.index)
        for key in columns:
            if key.startswith("kesenjangan_") and key != GAP.key:
                indicators[key] = _aspect_indicator(key.removeprefix("kesenjangan_"))
        indicators.update({NEED.key: NEED, ACCESS.key: ACCESS, GAP.key: GAP})
        columns["kuadran_kebutuhan_akses"] = _quadrant(scores, area.frame.index, config.survey.quadrant_reference)
        area = area.with_provenance(survey={"responses": responses.record(), "plan": plan.to_dict()["settings"]})
        if config.survey.responses == "demo":
            area = mark_illustrative(
                area, "survey", f'survey answers — generated by umkm_geo (seed {seed}), [survey] responses = "demo"'
            )
        elif responses.illustrative:
            area = mark_illustrative(
                area,
                "survey",
                f"survey answers — the file {config.survey.responses} says it is illustrative ([survey] responses)",
            )
    if columns:
        area = area.with_columns(**{k: pd.Series(v).to_numpy() for k, v in columns.items()})
        area = area.with_results(indicators=MappingProxyType(indicators))
        try:
            computed.update(_gap_statistics(area, config))
        except AnalysisError as exc:  # e.g. no surveyed kecamatan has a surveyed neighbour
            from umkm_geo.pipeline.analysis import _skip

            area = _skip(area, "LISA of the survey gap", str(exc))
    if config.ffa.factors != "none":
        computed["ffa"] = _ffa(area, config)
        if config.ffa.factors == "demo":
            area = mark_illustrative(
                area, "ffa", f'FFA factors and scores — generated by umkm_geo (seed {seed}), [ffa] factors = "demo"'
            )
        elif computed["ffa"].illustrative:
            area = mark_illustrative(
                area, "ffa", f"FFA factors — the file {config.ffa.factors} says it is illustrative ([ffa] factors)"
            )
    if config.products.table != "none":
        computed.update(_products(area, config))
        if config.products.table == "demo":
            area = mark_illustrative(
                area,
                "products",
                f'produk unggulan table — generated by umkm_geo (seed {seed}), [products] table = "demo"',
            )
        elif table_says_illustrative(computed["products"]):
            area = mark_illustrative(
                area,
                "products",
                f"produk unggulan table — the file {config.products.table} says it is illustrative ([products] table)",
            )
    return area.with_results(**computed)

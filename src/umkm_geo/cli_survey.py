"""``umkm-geo`` commands for the studies' own methods: survey plan and scores, FFA, produk unggulan.

Each reads the user's file (counts, questionnaire answers, FFA factors, product table), runs the same
functions as ``make maps`` and writes CSV tables (and the FFA diagram) whose rows carry the settings.
The CSV tables of one command are written together: all of them, or none if writing fails.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError, DataSourceError
from umkm_geo.cli_stats import read_csv, write_csv, write_csvs

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(sub: Any) -> None:
    """Add the survey, FFA and produk unggulan subcommands (they work on a region's kecamatan)."""
    plan = sub.add_parser("survey-plan", help="sample size (Slovin/Cochran) and its allocation per kecamatan")
    plan.add_argument("counts", help="CSV with kode (or kecamatan) and jumlah (UMKM per kecamatan)")
    plan.add_argument("--method", choices=("slovin", "cochran"), default="slovin")
    plan.add_argument("--margin", type=float, default=0.1, help="margin of error e (default 0.1)")
    plan.add_argument("--minimum", type=int, default=5, help="respondents per kecamatan at least (default 5)")
    plan.add_argument("--lang", choices=("id", "en"), default="id")
    plan.add_argument("--output", "-o", required=True)

    score = sub.add_parser("survey-score", help="need/access scores, gap, Cronbach's alpha from a questionnaire")
    score.add_argument("responses", help="CSV/XLSX, one row per respondent, items {aspect}_{kebutuhan|akses}_{i}")
    score.add_argument("--region", required=True, help="Kemendagri codes of the study area, e.g. 35.05,35.72")
    score.add_argument("--counts", default="", help="CSV kode,jumlah: UMKM per kecamatan for post-stratification")
    score.add_argument("--bootstrap", type=int, default=999)
    score.add_argument("--seed", type=int, default=12345)
    score.add_argument("--lenient", action="store_true", help="keep valid answers, report and blank bad ones")
    score.add_argument("--output", "-o", required=True, help="scores per kecamatan (CSV); also _issues, _reliability")

    ffa = sub.add_parser("ffa", help="Force Field Analysis: factor weights, key success factors, diagram")
    ffa.add_argument("factors", help="CSV/XLSX of factors (kode, jenis, faktor, sumber, urgensi, dukungan)")
    ffa.add_argument("--pairwise", default="", help="CSV factor x factor, 1 = the row is more urgent")
    ffa.add_argument("--linkage", default="", help="CSV factor x factor linkage scores 1-5")
    ffa.add_argument("--lang", choices=("id", "en"), default="id")
    ffa.add_argument("--output", "-o", required=True, help="ranked strategy table (CSV); the diagram next to it")

    prod = sub.add_parser("produk", help="produk unggulan: MPE ranking and the leading product per kecamatan")
    prod.add_argument("table", help="CSV/XLSX of products per kecamatan (kriteria_<name> ratings for MPE)")
    prod.add_argument("--region", required=True, help="Kemendagri codes of the study area")
    prod.add_argument("--weights", default="", help="MPE weights, e.g. pasar=5,bahan_baku=4")
    prod.add_argument("--by", choices=("mpe", "output", "jumlah_unit", "nilai"), default="mpe")
    prod.add_argument("--output", "-o", required=True)


def _units(region: str) -> Any:
    from umkm_geo.sources.boundaries import load_kecamatan

    return load_kecamatan(region).frame


def _cmd_survey_plan(args: argparse.Namespace) -> Path:
    from umkm_geo.survey.design import survey_plan

    table = read_csv(args.counts, dtype={"kode": str})
    key = "kode" if "kode" in table else "kecamatan"
    if key not in table or "jumlah" not in table:
        msg = f"{args.counts}: needs a kode (or kecamatan) column and a jumlah column; it has {list(table.columns)}."
        raise DataSourceError(msg)
    counts = table.set_index(key)["jumlah"]
    plan = survey_plan(counts, method=args.method, e=args.margin, minimum=args.minimum)
    return write_csv(plan.fieldwork_table(lang=args.lang), args.output)


def _cmd_survey_score(args: argparse.Namespace) -> Path:

    from umkm_geo.survey.responses import read_responses
    from umkm_geo.survey.scoring import score_survey

    units = _units(args.region)
    responses = read_responses(args.responses, units=units, strict=not args.lenient)
    population = None
    if args.counts:
        counts = read_csv(args.counts, dtype={"kode": str})
        population = counts.set_index("kode")["jumlah"]
    scores = score_survey(responses.long, population=population, n_boot=args.bootstrap, seed=args.seed)
    stem = str(Path(args.output).with_suffix(""))
    table = units[["nama"]].join(scores.kecamatan.set_index("kode"), how="right").reset_index()
    written = write_csvs(
        {
            f"{stem}_issues.csv": responses.issues,
            f"{stem}_reliability.csv": scores.reliability.reset_index(),
            f"{stem}_settings.csv": scores.table(),
            args.output: table,
        }
    )
    return written[-1]


def _cmd_ffa(args: argparse.Namespace) -> Path:
    from umkm_geo.ffa import force_field, strategy_table
    from umkm_geo.render.ffa_diagram import ffa_figure
    from umkm_geo.render.static import save_figure

    result = force_field(args.factors, pairwise=args.pairwise or None, linkage=args.linkage or None)
    out = Path(args.output)
    tables = {
        str(out.with_suffix("")) + "_factors.csv": result.factors.reset_index(),
        args.output: strategy_table(result),
    }
    title = "Analisis medan kekuatan (FFA)" if args.lang == "id" else "Force field analysis (FFA)"
    fig = ffa_figure(result, title=title, lang=args.lang, subtitle=result.balance.sentence(args.lang))
    save_figure(fig, out.with_suffix(".png"))
    return write_csvs(tables)[-1]


def _cmd_produk(args: argparse.Namespace) -> Path:
    from umkm_geo.survey.products import leading_products, mpe_ranking, read_products

    units = _units(args.region)
    table = read_products(args.table, units=units)
    weights: dict[str, float] = {}
    for item in filter(None, args.weights.split(",")):
        name, _, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError as exc:
            msg = f"--weights item {item!r} must be name=number, e.g. pasar=5."
            raise ConfigError(msg) from exc
    tables = {}
    if weights:
        tables[str(Path(args.output).with_suffix("")) + "_mpe.csv"] = mpe_ranking(table, weights=weights).scores
    leading = leading_products(table, by=args.by, weights=weights or None, units=units.index)
    return write_csvs({**tables, args.output: leading.reset_index()})[-1]


#: Survey commands: name -> function of the parsed arguments returning the written file.
COMMANDS = {
    "survey-plan": _cmd_survey_plan,
    "survey-score": _cmd_survey_score,
    "ffa": _cmd_ffa,
    "produk": _cmd_produk,
}

"""``umkm-geo`` commands for the studies' own methods: survey plan and scores, FFA, produk unggulan.

Each reads the user's file (counts, questionnaire answers, FFA factors, product table), runs the same
functions as ``make maps`` and writes CSV tables (and the FFA diagram) whose rows carry the settings.
The CSV tables of one command are written together: all of them, or none if writing fails.

A table whose note column says it is illustrative (:func:`umkm_geo.tables.columns.table_says_illustrative`,
the test ``make maps`` applies) makes every output of the command illustrative, as in the pipeline:
each CSV carries the note (:func:`umkm_geo.pipeline.outputs.stamped`), the FFA diagram the stamp, and
the command prints a ``NOTE:`` line on stdout.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError, TableError
from umkm_geo.cli.stats import write_csvs

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(sub: Any) -> None:
    """Add the survey, FFA and produk unggulan subcommands (they work on a region's kecamatan)."""
    plan = sub.add_parser("survey-plan", help="sample size (Slovin/Cochran) and its allocation per kecamatan")
    plan.add_argument("counts", help="UMKM per kecamatan: a count table (kode or kecamatan, jumlah or sectors)")
    plan.add_argument("--method", choices=("slovin", "cochran"), default="slovin")
    plan.add_argument("--margin", type=float, default=0.1, help="margin of error e (default 0.1)")
    plan.add_argument("--minimum", type=int, default=5, help="respondents per kecamatan at least (default 5)")
    plan.add_argument("--lang", choices=("id", "en"), default="id")
    plan.add_argument("--output", "-o", required=True)

    score = sub.add_parser("survey-score", help="need/access scores, gap, Cronbach's alpha from a questionnaire")
    score.add_argument("responses", help="CSV/XLSX, one row per respondent, items {aspect}_{kebutuhan|akses}_{i}")
    score.add_argument("--region", required=True, help="Kemendagri codes of the study area, e.g. 35.05,35.72")
    score.add_argument("--counts", default="", help="count table (kode, jumlah): UMKM per kecamatan, for weighting")
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


def _stamp(tables: dict[str, Any], illustrative: bool) -> dict[str, Any]:
    """The tables (path -> table) with the illustrative note the pipeline writes, when ``illustrative``."""
    from umkm_geo.pipeline.outputs import stamped

    return {path: stamped(table, illustrative) for path, table in tables.items()}


def _notice(notes: dict[str, str]) -> None:
    """Print the ``NOTE:`` line of each illustrative input (component -> what and why), as ``maps`` does."""
    from umkm_geo._provenance import notice_lines

    for line in notice_lines({"illustrative_components": notes}):
        print(line)


def _said(what: str, path: str, where: str) -> str:
    """The description of an illustrative input, like the pipeline's (``where``: the command and argument)."""
    return f"{what} — the file {path} says it is illustrative (umkm-geo {where})"


def _units(region: str) -> Any:
    from umkm_geo.sources.boundaries import load_kecamatan

    return load_kecamatan(region).frame


def _one_year(path: str, counts: Any, what: str) -> None:
    """Refuse a table with several years: ``what`` needs one count per kecamatan, never a sum of years."""
    years = sorted(int(y) for y in counts["tahun"].dropna().unique())
    if len(years) > 1:
        msg = (
            f"{path}: the table has counts for several years {years}; {what} needs one count per kecamatan:"
            " give the counts of one year."
        )
        raise TableError(msg)


def _cmd_survey_plan(args: argparse.Namespace) -> Path:
    from umkm_geo.stats.survey.design import survey_plan
    from umkm_geo.tables.counts.read import read_count_table
    from umkm_geo.tables.counts.units import unit_counts

    table = read_count_table(args.counts)
    long = unit_counts(table, what="the survey plan")
    _one_year(args.counts, long, "the survey plan")
    counts = long.groupby("kode", sort=False)["jumlah"].sum()  # a kecamatan's sectors (never a total as well)
    counts.index.name = "kode" if table.key == "kode" else "kecamatan"
    flag = table.illustrative
    plan = survey_plan(counts, method=args.method, e=args.margin, minimum=args.minimum, illustrative=flag)
    path = write_csvs(_stamp({args.output: plan.fieldwork_table(lang=args.lang)}, flag))[-1]
    if flag:
        _notice({"umkm": _said("UMKM counts", args.counts, "survey-plan")})
    return path


def _cmd_survey_score(args: argparse.Namespace) -> Path:
    from umkm_geo.stats.survey.scoring import score_survey
    from umkm_geo.tables.responses import read_responses

    units = _units(args.region)
    responses = read_responses(args.responses, units=units, strict=not args.lenient)
    population, notes = None, {}
    if responses.illustrative:
        notes["survey"] = _said("survey answers", args.responses, "survey-score")
    if args.counts:
        population, counts_illustrative = _population(args.counts, units, set(responses.long["kode"]))
        if counts_illustrative:
            notes["umkm"] = _said("UMKM counts, the weights", args.counts, "survey-score --counts")
    flag = bool(notes)
    scores = score_survey(
        responses.long, population=population, n_boot=args.bootstrap, seed=args.seed, illustrative=flag
    )
    stem = str(Path(args.output).with_suffix(""))
    table = units[["nama"]].join(scores.kecamatan.set_index("kode"), how="right").reset_index()
    tables = {
        f"{stem}_issues.csv": responses.issues,
        f"{stem}_reliability.csv": scores.reliability.reset_index(),
        f"{stem}_settings.csv": scores.table(),
        args.output: table,
    }
    written = write_csvs(_stamp(tables, flag))
    _notice(notes)
    return written[-1]


def _population(path: str, units: Any, surveyed: set[str]) -> tuple[Any, bool]:
    """UMKM per kecamatan for post-stratification: a count table joined to the region like ``[data] umkm``.

    Returns the counts (``kode -> jumlah``) and whether the table says it is illustrative.

    Unmatched, ambiguous and repeated rows stop the run (:func:`umkm_geo.tables.join.join_counts`); so does a
    surveyed kecamatan without a count (a blank cell is no data, not 0). Kecamatan nobody was asked
    in need no count.
    """
    from umkm_geo.tables.counts.read import read_count_table
    from umkm_geo.tables.join import join_counts

    table = read_count_table(path)
    counts, report = join_counts(units, table, allow_missing=True)
    issues = report.issues
    lacking = issues[(issues["issue"] == "missing") & issues["kode"].isin(sorted(surveyed)).to_numpy()]
    if len(lacking):
        listed = "\n  ".join(
            f"[{k} {n}] {d}" for k, n, d in zip(lacking["kode"], lacking["nama"], lacking["detail"], strict=True)
        )
        msg = (
            f"{path}: the counts lack kecamatan with respondents, whose answers cannot be weighted without them:\n"
            f"  {listed}\nFill in their counts (0 where there are none)."
        )
        raise TableError(msg)
    _one_year(path, counts, "the post-stratification")
    return counts.groupby("kode")["jumlah"].sum(), table.illustrative


def _cmd_ffa(args: argparse.Namespace) -> Path:
    from umkm_geo.render.static.ffa_diagram import ffa_figure
    from umkm_geo.render.static.save import save_figure
    from umkm_geo.stats.ffa import force_field, strategy_table
    from umkm_geo.tables.raw import file_says_illustrative

    flag = file_says_illustrative(Path(args.factors))  # the factors, as [ffa] factors in make maps
    result = force_field(args.factors, pairwise=args.pairwise or None, linkage=args.linkage or None, illustrative=flag)
    out = Path(args.output)
    tables = {
        str(out.with_suffix("")) + "_factors.csv": result.factors.reset_index(),
        args.output: strategy_table(result),
    }
    title = "Analisis medan kekuatan (FFA)" if args.lang == "id" else "Force field analysis (FFA)"
    subtitle = result.balance.sentence(args.lang)
    fig = ffa_figure(result, title=title, lang=args.lang, subtitle=subtitle, illustrative=flag)
    save_figure(fig, out.with_suffix(".png"))
    written = write_csvs(_stamp(tables, flag))[-1]
    if flag:
        _notice({"ffa": _said("FFA factors", args.factors, "ffa")})
    return written


def _cmd_produk(args: argparse.Namespace) -> Path:
    from umkm_geo.stats.survey.products import leading_products, mpe_ranking
    from umkm_geo.tables.columns import table_says_illustrative
    from umkm_geo.tables.products import read_products

    units = _units(args.region)
    table = read_products(args.table, units=units)
    flag = table_says_illustrative(table)  # as [products] table in make maps
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
    written = write_csvs(_stamp({**tables, args.output: leading.reset_index()}, flag))[-1]
    if flag:
        _notice({"products": _said("produk unggulan table", args.table, "produk")})
    return written


#: Survey commands: name -> function of the parsed arguments returning the written file.
COMMANDS = {
    "survey-plan": _cmd_survey_plan,
    "survey-score": _cmd_survey_score,
    "ffa": _cmd_ffa,
    "produk": _cmd_produk,
}

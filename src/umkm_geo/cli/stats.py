"""``umkm-geo`` statistics commands that work on any file, without a config.

``local``, ``global``, ``inequality``, ``regional``, ``zonal`` and ``density`` each read one
file (a GeoPackage, GeoJSON, Shapefile or GeoParquet of polygons with a value column; for
``regional`` a count table, read by the same reader and rules as ``[data] umkm``), compute one
family of statistics with the same functions as ``umkm-geo maps``, and write a CSV (or GeoTIFF)
whose rows carry the settings; a command that writes several files writes all of them or, if
writing fails, none. They import only what they need: ``local`` with queen or rook
weights never loads libpysal or esda, so a run on 10,000 polygons takes about a second.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umkm_geo import _atomic
from umkm_geo._errors import ConfigError, DataSourceError, TableError
from umkm_geo.stats import registry

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["COMMANDS", "add_parsers", "read_csv", "write_csv", "write_csvs"]

_WEIGHTS = ("queen", "rook", "fuzzy", "knn", "distance_band")


def _common(parser: argparse.ArgumentParser, *, geo: bool = True) -> None:
    parser.add_argument("input", help="polygons (GeoPackage, GeoJSON, Shapefile, GeoParquet)" if geo else "CSV file")
    parser.add_argument("--id", default="", help="id column (default: 'kode' when present, else the row number)")
    parser.add_argument("--output", "-o", required=True, help="file to write")


def _weights_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weights", choices=_WEIGHTS, default="queen", help="neighbour definition (default queen)")
    parser.add_argument("--k", type=int, default=4, help="neighbours for --weights knn (default 4)")
    parser.add_argument("--threshold-m", type=float, default=0.0, help="band for distance_band (0 = smallest)")
    parser.add_argument("--tolerance-m", type=float, default=75.0, help="buffer for fuzzy contiguity (metres)")
    parser.add_argument("--islands", choices=("keep", "nearest"), default="keep", help="units without neighbours")


def _inference_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--permutations", type=int, default=999, help="permutations (default 999)")
    parser.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")


def add_parsers(sub: Any) -> None:
    """Add the statistics subcommands to the ``umkm-geo`` argument parser."""
    local = sub.add_parser("local", help="local statistics (LISA, bivariate LISA, Gi*, local Geary) of one column")
    _common(local)
    local.add_argument("--column", required=True, help="the variable")
    local.add_argument("--statistic", choices=registry.names("local"), default="moran")
    local.add_argument("--x", default="", help="second variable: the lagged one of moran_bv")
    _weights_options(local)
    _inference_options(local)
    local.add_argument("--alpha", type=float, default=0.05)
    local.add_argument("--correction", choices=("none", "fdr", "bonferroni"), default="none")
    local.add_argument("--p-value", choices=("two-sided", "folded"), default="two-sided")
    local.add_argument("--threads", type=int, default=0, help="threads (0 = every available CPU)")

    glob = sub.add_parser("global", help="global statistics (Moran, Geary, General G, join counts, EB rate, bivariate)")
    _common(glob)
    glob.add_argument("--column", required=True, help="the variable (the events of moran_rate)")
    glob.add_argument(
        "--statistic",
        choices=registry.names("global"),
        nargs="+",
        default=list(registry.defaults("global", command=True)),
    )
    glob.add_argument("--x", default="", help="second variable of moran_bv (the lagged one)")
    glob.add_argument("--base", default="", help="population at risk of moran_rate")
    _weights_options(glob)
    _inference_options(glob)

    ineq = sub.add_parser("inequality", help="gap table: group means, pairwise gaps, Theil, Williamson, Gini")
    _common(ineq)
    ineq.add_argument("--column", required=True, help="the variable (a rate per resident is best)")
    ineq.add_argument("--group", required=True, help="group column (e.g. wilayah)")
    ineq.add_argument("--population", default="", help="population column (weights Theil, Williamson, Gini)")
    ineq.add_argument("--pair", default="", help="two groups to compare, e.g. utara,selatan (default: all pairs)")
    ineq.add_argument("--theil-by", nargs="*", default=[], help="more grouping columns for the Theil decomposition")
    ineq.add_argument("--spatial", action="store_true", help="add the spatial Gini (needs polygons)")
    _weights_options(ineq)
    _inference_options(ineq)

    reg = sub.add_parser("regional", help="location quotient, shift-share or Klassen typology from a count table")
    _common(reg, geo=False)
    reg.add_argument("--method", choices=("lq", "shift-share", "klassen"), required=True)
    reg.add_argument("--year", type=int, default=0, help="year of the LQ (default: the latest)")
    reg.add_argument("--base-year", type=int, default=0, help="first year of shift-share/Klassen (default earliest)")
    reg.add_argument("--end-year", type=int, default=0, help="last year (default: the latest)")
    reg.add_argument(
        "--reference", default="", help="table of reference totals: sektor, tahun, jumlah (or year columns)"
    )

    zonal = sub.add_parser("zonal", help="zonal statistics of a GeoTIFF per polygon")
    _common(zonal)
    zonal.add_argument("--raster", required=True, help="GeoTIFF")
    zonal.add_argument("--stats", default="sum,mean,count", help="comma-separated: sum,mean,count,min,max,median,std")
    zonal.add_argument("--all-touched", action="store_true", help="count every cell the polygon touches")

    density = sub.add_parser("density", help="UMKM density surface (per km²) as a GeoTIFF")
    _common(density)
    density.add_argument("--column", required=True, help="counts per polygon (or per point)")
    density.add_argument("--cell-size-m", type=float, default=250.0)
    density.add_argument("--bandwidth-m", type=float, default=0.0, help="smoothing radius (0 = none)")
    density.add_argument("--illustrative", action="store_true", help="stamp the file as illustrative data")


def _read(path: str, id_column: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    file = Path(path)
    if not file.exists():
        msg = f"{file} does not exist."
        raise DataSourceError(msg)
    try:
        frame = gpd.read_parquet(file) if file.suffix.lower() == ".parquet" else gpd.read_file(file)
    except Exception as exc:  # pyogrio/pyarrow raise many kinds of errors for unreadable files
        msg = f"{file}: cannot read it as a polygon layer ({exc})."
        raise DataSourceError(msg) from exc
    column = id_column or ("kode" if "kode" in frame.columns or frame.index.name == "kode" else "")
    if column and column not in frame.columns and frame.index.name == column:
        frame = frame.reset_index()  # a GeoParquet written with a named index keeps the id there
    if column:
        if column not in frame.columns:
            msg = f"{file}: no id column {column!r}; columns are {[c for c in frame.columns if c != 'geometry']}."
            raise ConfigError(msg)
        duplicated = frame[column][frame[column].duplicated()]
        if len(duplicated):
            msg = f"{file}: the id column {column!r} has duplicated values {sorted(map(str, set(duplicated)))[:20]}."
            raise DataSourceError(msg)
        frame = frame.set_index(column)
    else:
        frame.index.name = "id"
    return frame


def _column(frame: pd.DataFrame, name: str, path: str) -> pd.Series:
    import pandas as pd

    if name not in frame.columns:
        msg = f"{path}: no column {name!r}; columns are {[c for c in frame.columns if c != 'geometry']}."
        raise ConfigError(msg)
    values = pd.to_numeric(frame[name], errors="coerce")
    bad = values.isna() & frame[name].notna()
    if bad.any():
        msg = f"{path}: column {name!r} has non-numeric values at {list(map(str, frame.index[bad]))[:20]}."
        raise DataSourceError(msg)
    return values.rename(name)


def _weights(frame: gpd.GeoDataFrame, args: argparse.Namespace, *, lean: bool) -> Any:
    if lean and args.weights in ("queen", "rook") and args.islands == "keep":
        from umkm_geo.weights.lean import contiguity_weights

        return contiguity_weights(frame, method=args.weights), f"{args.weights} (row-standardised)"
    from umkm_geo.weights.build import build_weights

    result = build_weights(
        frame,
        method=args.weights,
        tolerance_m=args.tolerance_m,
        k=args.k,
        threshold_m=args.threshold_m or None,
        islands=args.islands,
    )
    return result.graph, f"{args.weights} (row-standardised)"


def write_csv(table: pd.DataFrame, path: str) -> Path:
    """Write ``table`` as CSV (no index) atomically and return the path."""
    return _atomic.write_text(path, table.to_csv(index=False))


def write_csvs(tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write several tables (path -> table) as CSV: all of them, or none if writing one fails."""
    return _atomic.write_texts({path: table.to_csv(index=False) for path, table in tables.items()})


def read_csv(path: str, **options: Any) -> pd.DataFrame:
    """Read a CSV named on the command line; a missing or unreadable file stops with a message naming it."""
    import pandas as pd

    file = Path(path)
    if not file.is_file():
        msg = f"{file} does not exist (or is not a file); check the path."
        raise DataSourceError(msg)
    try:
        return pd.read_csv(file, **options)
    except (ValueError, OSError) as exc:  # pandas' ParserError, EmptyDataError and UnicodeDecodeError are ValueErrors
        msg = f"{file}: cannot read it as a CSV table ({exc}). Save it as a comma-separated UTF-8 CSV and try again."
        raise DataSourceError(msg) from exc


def _cmd_local(args: argparse.Namespace) -> Path:
    frame = _read(args.input, args.id)
    y = _column(frame, args.column, args.input)
    if y.isna().any():
        msg = f"{args.input}: {args.column!r} is empty for {list(map(str, y.index[y.isna()]))[:20]}; fill or drop them."
        raise DataSourceError(msg)
    weights, description = _weights(frame, args, lean=True)
    options = {
        "permutations": args.permutations,
        "seed": args.seed,
        "alpha": args.alpha,
        "correction": args.correction,
        "p_value": args.p_value,
        "n_threads": args.threads or None,
    }
    spec = registry.get("local", args.statistic)
    result = spec.compute(_inputs(spec, y, frame, args), weights, **options)
    table = result.frame()
    table.insert(0, args.column, y)
    for key in ("statistic", "p_value_type", "permutations", "seed", "alpha", "correction", "engine"):
        table[key] = result.settings[key]
    table["weights"] = description
    return write_csv(table.reset_index(), args.output)


def _second(frame: pd.DataFrame, args: argparse.Namespace, option: str, why: str) -> pd.Series:
    name = getattr(args, option)
    if not name:
        msg = f"--statistic {args.current} needs --{option}, {why}."
        raise ConfigError(msg)
    return _column(frame, name, args.input)


def _inputs(spec: registry.Statistic, y: pd.Series, frame: pd.DataFrame, args: argparse.Namespace) -> dict[str, Any]:
    """The inputs of ``spec`` by role: ``--column`` is the variable (and the events of a rate)."""
    inputs: dict[str, Any] = {"y": y, "events": y}
    args.current = spec.name
    if "x" in spec.inputs:
        inputs["x"] = _second(frame, args, "x", "the variable whose spatial lag is compared")
    if "base" in spec.inputs:
        inputs["base"] = _second(frame, args, "base", "the population at risk")
    return inputs


def _cmd_global(args: argparse.Namespace) -> Path:
    import pandas as pd

    frame = _read(args.input, args.id)
    y = _column(frame, args.column, args.input)
    graph, description = _weights(frame, args, lean=False)
    tables = []
    for name in args.statistic:
        spec = registry.get("global", name)
        result = spec.compute(_inputs(spec, y, frame, args), graph, permutations=args.permutations, seed=args.seed)
        tables.append(result.table())
    table = pd.concat(tables, ignore_index=True)
    table["weights"] = description
    return write_csv(table, args.output)


def _cmd_inequality(args: argparse.Namespace) -> Path:
    from umkm_geo.stats.inequality.gap_table import gap_table

    frame = _read(args.input, args.id)
    x = _column(frame, args.column, args.input)
    if args.group not in frame.columns:
        msg = f"{args.input}: no group column {args.group!r}."
        raise ConfigError(msg)
    population = _column(frame, args.population, args.input) if args.population else None
    pairs = [tuple(args.pair.split(","))] if args.pair else None
    graph = _weights(frame, args, lean=False)[0] if args.spatial else None
    table = gap_table(
        x,
        frame[args.group].rename(args.group),
        population=population,
        pairs=pairs,
        permutations=args.permutations,
        seed=args.seed,
        graph=graph,
        theil_by={c: frame[c] for c in args.theil_by},
    )
    stem = Path(args.output).with_suffix("")
    written = write_csvs(
        {
            f"{stem}_groups.csv": table.groups_frame().reset_index(),
            f"{stem}_pairs.csv": table.pairs_frame(),
            args.output: table.measures_frame(),
        }
    )
    return written[-1]


def _count_table(path: str, id_column: str) -> pd.DataFrame:
    """The count table of ``regional``, read like a ``[data] umkm`` table.

    It goes through :func:`umkm_geo.tables.counts.read.read_count_table`.

    Long (``kode, sektor, tahun, jumlah``) or wide (one column per sector, per year or per sector and
    year); ``1.234`` is 1234, total rows are left out, a bad cell stops the run with its row and
    column; a blank cell, a missing sector or year of a kecamatan and a repeated row stop it too
    (:func:`umkm_geo.tables.counts.units.unit_counts`). ``id_column`` (``--id``) names the kecamatan column.
    """
    from umkm_geo.tables.counts.read import read_count_table
    from umkm_geo.tables.counts.units import unit_counts

    try:
        table = read_count_table(path, code_column=id_column or None)
    except TableError as exc:  # the reader names the config option; here it is --id
        raise TableError(str(exc).replace("([data] code_column)", "(--id)")) from exc
    return unit_counts(table, what="umkm-geo regional")


def _two_years(path: str, years: list[int], base: int, end: int, method: str) -> tuple[int, int]:
    """The first and last year of shift-share or Klassen (default: the table's first and last)."""
    if len(years) < 2:
        have = f"only {years[0]}" if years else "no year"
        msg = (
            f"{path}: --method {method} compares two years, but the table has {have} (a tahun column or year columns)."
        )
        raise DataSourceError(msg)
    base, end = base or years[0], end or years[-1]
    absent = [y for y in (base, end) if y not in years]
    if absent:
        msg = f"{path}: the table has no counts for {absent}; its years are {years}."
        raise DataSourceError(msg)
    return base, end


def _cmd_regional(args: argparse.Namespace) -> Path:
    from umkm_geo.stats import regional
    from umkm_geo.tables.counts.read import read_reference_table

    counts = _count_table(args.input, args.id)
    years = sorted(int(y) for y in counts["tahun"].dropna().unique())
    reference = None
    if args.reference:
        reference = read_reference_table(args.reference)
    if args.method == "lq":
        year = args.year or (years[-1] if years else None)
        ref = None if reference is None else reference[reference["tahun"] == year].set_index("sektor")["jumlah"]
        lq = regional.location_quotient(counts, year=year, reference=ref)
        table, settings_table = lq.basis.reset_index(), lq.table()
    elif args.method == "shift-share":
        base, end = _two_years(args.input, years, args.base_year, args.end_year, args.method)
        shift = regional.shift_share(counts, base_year=base, end_year=end, reference=reference)
        table, settings_table = shift.components.reset_index(), shift.table()
    else:
        base, end = _two_years(args.input, years, args.base_year, args.end_year, args.method)
        totals = counts.groupby(["kode", "tahun"])["jumlah"].sum().unstack("tahun")
        level = totals[end].rename("level")
        growth = regional.growth_rate(totals[base], totals[end])
        typology = regional.klassen(level, growth)
        table, settings_table = typology.frame().reset_index(), typology.table()
    settings = {str(Path(args.output).with_suffix("")) + "_settings.csv": settings_table}
    return write_csvs({**settings, args.output: table})[-1]


def _cmd_zonal(args: argparse.Namespace) -> Path:
    from umkm_geo.indicators.zonal import zonal_statistics

    frame = _read(args.input, args.id)
    stats = tuple(s.strip() for s in args.stats.split(",") if s.strip())
    result = zonal_statistics(frame, args.raster, stats=stats, all_touched=args.all_touched)
    table = result.frame()
    table["raster"] = Path(args.raster).name
    table["raster_sha256"] = result.settings.get("sha256", "")
    return write_csv(table.reset_index(), args.output)


def _cmd_density(args: argparse.Namespace) -> Path:
    from umkm_geo.indicators.density import density_surface

    frame = _read(args.input, args.id)
    result = density_surface(
        frame,
        args.column,
        args.output,
        cell_size_m=args.cell_size_m,
        bandwidth_m=args.bandwidth_m or None,
        illustrative=args.illustrative,
    )
    return Path(result.path)


#: Statistics commands: name -> function of the parsed arguments returning the written file.
COMMANDS = {
    "local": _cmd_local,
    "global": _cmd_global,
    "inequality": _cmd_inequality,
    "regional": _cmd_regional,
    "zonal": _cmd_zonal,
    "density": _cmd_density,
}

"""One-off: move the flat modules into the stage subpackages of ../shared/DESIGN.md (issue 10).

Runs ``git mv`` for every module, writes the new packages' ``__init__.py`` and rewrites every dotted
name (``umkm_geo.old`` -> ``umkm_geo.new``), ``from umkm_geo import old`` and ``src/umkm_geo/old.py``
path in src, tests, benchmarks, scripts, notebooks, docs and build files, in one pass.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "umkm_geo"

MOVES = {
    # foundation
    "_results": "results",
    "illustrative": "_provenance",
    # sources
    "codes": "sources.codes",
    "names": "sources.names",
    # tables
    "tables": "tables.counts",
    "_table_read": "tables._read",
    "join": "tables.join",
    "groups": "tables.groups",
    "template": "tables.template",
    "demo": "tables.demo.counts",
    "survey.demo": "tables.demo.survey",
    "survey.responses": "tables.responses",
    "regional._tables": "tables.regional",
    # indicators
    "indicators": "indicators.core",
    "zonal": "indicators.zonal",
    "density": "indicators.density",
    "_raster_io": "indicators._raster_io",
    # weights
    "weights": "weights.build",
    "_contiguity": "weights._contiguity",
    "sparse_weights": "weights.lean",
    # stats
    "_inference": "stats._inference",
    "_global_inference": "stats._global_inference",
    "_disparity_input": "stats._disparity_input",
    "permutation": "stats.permutation",
    "_crand": "stats._crand",
    "global_stats": "stats.autocorrelation.global_",
    "local_stats": "stats.autocorrelation.local",
    "moran_variants": "stats.autocorrelation.moran_variants",
    "join_count_stats": "stats.autocorrelation.join_counts",
    "inequality_indices": "stats.inequality.indices",
    "spatial_inequality": "stats.inequality.spatial_gini",
    "gap": "stats.inequality.gap",
    "disparity": "stats.inequality.gap_table",
    "regional": "stats.regional",
    "regional.lq": "stats.regional.lq",
    "regional.shiftshare": "stats.regional.shiftshare",
    "regional.typology": "stats.regional.typology",
    "survey": "stats.survey",
    "survey.design": "stats.survey.design",
    "survey.scoring": "stats.survey.scoring",
    "survey.products": "stats.survey.products",
    "ffa": "stats.ffa",
    # classify
    "classification": "classify.breaks",
    "render._style": "classify.symbology",
    # render
    "render.maps": "render.mapset",
    "render.static": "render.static.maps",
    "render._mapbase": "render.static._layout",
    "render._labels": "render.static._labels",
    "render.charts": "render.static.charts",
    "render.multiples": "render.static.multiples",
    "render.ffa_diagram": "render.static.ffa_diagram",
    "render.interactive": "render.atlas.write",
    "render._atlas_page": "render.atlas.page",
    "render.atlas_layers": "render.atlas.layers",
    "render._simplify": "render.atlas._simplify",
    "render.report": "render.report.write",
    "render._report_sections": "render.report.sections",
    "render._report_text": "render.report.text",
    "interpretation": "render.report.interpret",
    # pipeline
    "pipeline": "pipeline.run",
    "analysis": "pipeline.analysis",
    "survey.stage": "pipeline.survey_stage",
    "outputs": "pipeline.outputs",
    # cli
    "cli": "cli",
    "cli_stats": "cli.stats",
    "cli_survey": "cli.survey",
}
DELETE = ["autocorrelation", "raster"]  # compatibility facades

PACKAGES = {
    "tables": "Users' tables -> validated long frames: counts, joins, groupings, templates, survey inputs.",
    "tables.demo": "Every invented (illustrative) input, generated only where the config asks for it.",
    "indicators": "Per-unit columns: counts, density, rates, shares, raster covariates.",
    "weights": "Spatial weights: the libpysal Graph of a study area and the lean sparse path of the CLI.",
    "stats": "The statistics: each function takes values and weights and returns a frozen result.",
    "stats.autocorrelation": "Spatial autocorrelation: global and local Moran, Geary, Getis-Ord and join counts.",
    "stats.inequality": "Inequality: Theil, Williamson, Gini, spatial Gini and the gap between groups.",
    "classify": "Classification: class breaks and the symbology shared by the PNG, the atlas and the report.",
    "render.static": "Static figures (PNG/SVG) drawn with matplotlib: maps, charts, small multiples, FFA diagram.",
    "render.atlas": "The web atlas: one self-contained, offline HTML page.",
    "render.report": "The report: one self-contained HTML file with the maps, tables and their reading.",
    "pipeline": "The ``maps`` pipeline: stages (StudyArea -> StudyArea), the run and its output set.",
}


def path_of(module: str, *, package: bool) -> Path:
    parts = module.split(".")
    if package:
        return PKG.joinpath(*parts, "__init__.py")
    return PKG.joinpath(*parts).with_suffix(".py")


def is_package(module: str) -> bool:
    return PKG.joinpath(*module.split("."), "__init__.py").exists()


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, cwd=ROOT)


def main() -> None:
    # which old names are packages (regional, survey): decided before the new packages exist
    moves: list[tuple[Path, Path]] = []
    for old, new in MOVES.items():
        if old in {"cli", "_crand"}:
            continue
        package = is_package(old)
        moves.append((path_of(old, package=package), path_of(new, package=package)))
    moves.append((PKG / "cli.py", PKG / "cli" / "__init__.py"))
    moves.append((PKG / "_crand.c", PKG / "stats" / "_crand.c"))
    for package, doc in PACKAGES.items():
        init = path_of(package, package=True)
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
    for src, dst in moves:
        dst.parent.mkdir(parents=True, exist_ok=True)
        git("mv", str(src.relative_to(ROOT)), str(dst.relative_to(ROOT)))
    for name in DELETE:
        git("rm", "-q", str((PKG / f"{name}.py").relative_to(ROOT)))
    for stale in PKG.glob("_crand*.so"):
        stale.unlink()
    for leftover in ("survey", "regional"):
        folder = PKG / leftover
        if folder.exists() and not any(p for p in folder.rglob("*.py")):
            subprocess.run(["rm", "-rf", str(folder)], check=True)
    rewrite()


def rewrite() -> None:
    names = sorted((k for k, v in MOVES.items() if k != v), key=len, reverse=True)
    # new names are matched too (and left alone), so that a second pass changes nothing
    new_names = set(MOVES.values()) | set(PACKAGES) | {"stats.survey", "stats.regional"}
    either = sorted(set(names) | new_names, key=len, reverse=True)
    dotted = re.compile(r"umkm_geo\.(" + "|".join(re.escape(n) for n in either) + r")(?![\w])")
    old_names = set(names)
    bare = re.compile(r"from umkm_geo import (\w+)(\s+as\s+\w+)?")
    paths = {
        f"src/umkm_geo/{k.replace('.', '/')}.py": f"src/umkm_geo/{v.replace('.', '/')}.py" for k, v in MOVES.items()
    }
    paths["src/umkm_geo/_crand.c"] = "src/umkm_geo/stats/_crand.c"
    path_re = re.compile("|".join(re.escape(p) for p in sorted(paths, key=len, reverse=True)))

    def sub_bare(m: re.Match[str]) -> str:
        name, alias = m.group(1), m.group(2)
        if name not in MOVES or MOVES[name] == name:
            return m.group(0)
        parent, _, leaf = f"umkm_geo.{MOVES[name]}".rpartition(".")
        if alias:
            return f"from {parent} import {leaf}{alias}"
        return f"from {parent} import {leaf}" + ("" if leaf == name else f" as {name}")

    files: list[Path] = []
    for folder in ("src", "tests", "benchmarks", "scripts", "notebooks", "docs"):
        base = ROOT / folder
        if base.exists():
            files += [p for p in base.rglob("*") if p.suffix in {".py", ".ipynb", ".md", ".toml", ".txt"}]
    files += [ROOT / n for n in ("pyproject.toml", "setup.py", "README.md", "Makefile", "MANIFEST.in")]
    me = Path(__file__).resolve()
    for path in files:
        if not path.is_file() or path.resolve() == me or ".venv" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = path_re.sub(lambda m: paths[m.group(0)], text)
        new = dotted.sub(lambda m: "umkm_geo." + MOVES[m.group(1)] if m.group(1) in old_names else m.group(0), new)
        new = bare.sub(sub_bare, new)
        if new != text:
            path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    import sys

    rewrite() if sys.argv[1:] == ["--rewrite-only"] else main()

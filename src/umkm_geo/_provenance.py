"""Which inputs of a run are illustrative, and which outputs are made from them.

A run may use invented (illustrative) inputs only where its config asks for them (``"demo"``):
the UMKM counts (``[data] umkm``), the population that comes with the demo counts, the survey
answers (``[survey] responses``), the FFA factors (``[ffa] factors``) and the produk table
(``[products] table``). A table the user gives that says it is illustrative (a note column with
"ilustrasi"/"illustrative") counts as illustrative too.

The record of what is illustrative is ``StudyArea.provenance["illustrative_components"]``: component
-> description (what was invented, how and by which config key), one entry per illustrative
component of :data:`COMPONENTS`. ``provenance["illustrative"]`` is ``True`` when any component is
illustrative; set to ``False`` it clears them all (an area built by hand without the record, but
with ``illustrative=True``, counts as illustrative in every component).

Every output consults the components it is made from: :func:`indicator_components` (an indicator
column), :func:`figure_components` (a figure of the map set, by key), :func:`table_components` (a
CSV of the run, by name), and :func:`is_illustrative` says whether any of them is illustrative.
:data:`ILLUSTRATIVE_NOTE` is the notice an illustrative table or figure carries.

The records of what a result or a run was made with live here too: :func:`versions` (installed
library versions for a result's settings and ``run.json``) and :func:`file_sha256` (the hash of an
input or output file).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from umkm_geo.results import Results

__all__ = [
    "COMPONENTS",
    "COMPONENT_NAMES",
    "ILLUSTRATIVE_NOTE",
    "figure_components",
    "file_sha256",
    "illustrative_components",
    "indicator_components",
    "is_illustrative",
    "mark_illustrative",
    "notice_lines",
    "statistics_components",
    "table_components",
    "versions",
]

#: The notice on every row, figure and record made from illustrative (invented) inputs.
ILLUSTRATIVE_NOTE = "Data ilustrasi / illustrative data — not official statistics"

#: The inputs that may be illustrative.
COMPONENTS = ("umkm", "population", "survey", "ffa", "products")

#: What each component is, in words (English; for the CLI, run.json and the report).
COMPONENT_NAMES: Mapping[str, str] = {
    "umkm": "UMKM counts per kecamatan",
    "population": "population per kecamatan",
    "survey": "survey answers",
    "ffa": "FFA factors",
    "products": "produk unggulan table",
}

#: The same in Bahasa Indonesia (for the report).
COMPONENT_NAMES_ID: Mapping[str, str] = {
    "umkm": "jumlah UMKM per kecamatan",
    "population": "penduduk per kecamatan",
    "survey": "jawaban survei",
    "ffa": "faktor FFA",
    "products": "tabel produk unggulan",
}

#: Columns made from the boundaries and the grouping alone.
_BOUNDARY_COLUMNS = (
    "kode",
    "nama",
    "jenis",
    "kec_kode",
    "kec_nama",
    "kab_kode",
    "kab_nama",
    "prov_kode",
    "n_desa",
    "area_km2",
    "wilayah",
    "geometry",
)
#: Columns of official published data (the IDM 2024 of Kemendesa PDTT): never illustrative.
_OFFICIAL_COLUMNS = ("idm", "iks", "ike", "ikl", "n_desa_idm", "status_idm")
_SURVEY_PREFIXES = ("akses_rata2", "kebutuhan_rata2", "kesenjangan_", "kuadran_kebutuhan_akses")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def illustrative_components(provenance: Mapping[str, Any]) -> dict[str, str]:
    """The illustrative components of a run: component -> description (empty when none is)."""
    if "illustrative" in provenance and not provenance["illustrative"]:
        return {}
    record = provenance.get("illustrative_components")
    if record is None:
        if provenance.get("illustrative"):
            return {c: f"{COMPONENT_NAMES[c]}: illustrative data" for c in COMPONENTS}
        return {}
    return {str(k): str(v) for k, v in record.items()}


def is_illustrative(provenance: Mapping[str, Any], components: Iterable[str]) -> bool:
    """Whether an output made from ``components`` is made from any illustrative input."""
    record = illustrative_components(provenance)
    return any(c in record for c in components)


def mark_illustrative(area: Any, component: str, description: str) -> Any:
    """Return ``area`` with ``component`` recorded as illustrative (and ``illustrative = True``)."""
    if component not in COMPONENTS:
        msg = f"Unknown illustrative component {component!r}; use one of {list(COMPONENTS)}."
        raise ValueError(msg)
    record = dict(area.provenance.get("illustrative_components") or {})
    record[component] = description
    return area.with_provenance(illustrative_components=record, illustrative=True)


def notice_lines(provenance: Mapping[str, Any]) -> list[str]:
    """One line per illustrative component, as the CLI prints them at the end of a run."""
    return [
        f"NOTE: illustrative (not official statistics): {description}"
        for description in illustrative_components(provenance).values()
    ]


# --- what a result was made with -----------------------------------------------------------------


@functools.cache
def _installed_version(name: str) -> str:
    """The installed version of package ``name`` (read once per process: a lookup takes milliseconds)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - the dependencies are installed
        return "not installed"


def versions(*packages: str, suffix: str = "_version") -> dict[str, str]:
    """Installed versions of ``packages``, as ``{"<name><suffix>": version}`` in the order given.

    ``"not installed"`` stands for a package that is not (e.g. ``umkm_geo`` run from a source tree).
    """
    return {f"{name}{suffix}": _installed_version(name) for name in packages}


def file_sha256(path: Path) -> str:
    """Hex sha256 of the file at ``path`` (read in blocks of 1 MiB)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- what each output is made from -----------------------------------------------------------------


def indicator_components(key: str, results: Results) -> frozenset[str]:
    """The inputs an indicator column is made from.

    Parameters
    ----------
    key
        Column name (``umkm_density``, ``umkm_per_1000``, ``penduduk``, ``akses_rata2``, ...).
    results
        ``StudyArea.results`` (raster covariates in ``"zonal"`` are made from the user's files).

    Returns
    -------
    frozenset
        Components of :data:`COMPONENTS`; an unknown column counts as made from all of them.
    """
    if key in _BOUNDARY_COLUMNS or key in _OFFICIAL_COLUMNS:
        return frozenset()
    if key in results.zonal:
        return frozenset()
    if key in ("penduduk", "population_density"):
        return frozenset({"population"})
    if key == "umkm_per_1000":
        return frozenset({"umkm", "population"})
    if key.startswith(("umkm_", "share_")):
        return frozenset({"umkm"})
    if key.startswith(_SURVEY_PREFIXES):
        return frozenset({"survey"})
    return frozenset(COMPONENTS)


def _keys_components(texts: Iterable[Any], results: Results, columns: Iterable[str]) -> frozenset[str]:
    """Components of every indicator or column named in ``texts`` (e.g. ``"x ~ lag(y)"``)."""
    known = set(results.indicators) | set(columns)
    out: set[str] = set()
    for text in texts:
        if text is None:
            continue
        for token in _TOKEN.findall(str(text)):
            if token in known:
                out |= indicator_components(token, results)
    return frozenset(out)


def _result_variables(result: Any) -> list[Any]:
    """The variable names a statistic's result was computed from."""
    out: list[Any] = [getattr(result, "variable", None)]
    settings = getattr(result, "settings", None) or {}
    out += [settings.get(k) for k in ("x", "y", "variable", "base")]
    try:
        statistics = result.to_dict().get("statistics", {})
    except (AttributeError, TypeError):
        statistics = {}
    out += [statistics.get(k) for k in ("variable", "x", "y", "base")]
    return out


def result_components(result: Any, results: Results, columns: Iterable[str]) -> frozenset[str]:
    """The inputs of a statistic's result (from the variables it names)."""
    found = _keys_components(_result_variables(result), results, columns)
    return found if any(v for v in _result_variables(result)) else frozenset(COMPONENTS)


def statistics_components(results: Results, columns: Iterable[str]) -> frozenset[str]:
    """The inputs of the global and local statistics of a run."""
    columns = list(columns)
    out: set[str] = set()
    for group in (results.global_stats, results.local):
        for result in group.values():
            out |= result_components(result, results, columns)
    return frozenset(out)


def gap_components(results: Results, columns: Iterable[str]) -> frozenset[str]:
    """The inputs of the gap table: its indicator, and the population that weights it."""
    columns = list(columns)
    table = results.gap_table
    if table is None:
        return frozenset()
    out = set(_keys_components([getattr(table, "variable", None)], results, columns))
    if "penduduk" in columns:
        out.add("population")
    return frozenset(out)


def klassen_components(results: Results, columns: Iterable[str]) -> frozenset[str]:
    """The inputs of the Klassen typology: its level and growth indicators."""
    keys = results.klassen_indicators or ()
    return _keys_components(keys, results, columns) | frozenset({"umkm"})


#: Figures made from fixed inputs: (names, components), a name ending in ``*`` a prefix; the first match wins.
_FIXED_FIGURES: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("survei_*",), frozenset({"survey"})),
    (("produk_unggulan",), frozenset({"products"})),
    (("ffa",), frozenset({"ffa"})),
    (("lq_*", "small_multiples_*"), frozenset({"umkm"})),
    (("status_idm",), frozenset()),
)


def _fixed_components(name: str, rules: tuple[tuple[tuple[str, ...], frozenset[str]], ...]) -> frozenset[str] | None:
    """The components of the first rule whose names match ``name`` (``None`` when none does)."""
    for patterns, components in rules:
        if any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in patterns):
            return components
    return None


def figure_components(key: str, results: Results, columns: Iterable[str]) -> frozenset[str]:
    """The inputs of a figure of the map set, by its key (``umkm_density``, ``lisa_umkm_density``, ...).

    An unknown key counts as made from every component.
    """
    columns = list(columns)
    local = results.local
    if key in results.indicators:
        return indicator_components(key, results)
    fixed = _fixed_components(key, _FIXED_FIGURES)
    if fixed is not None:
        return fixed
    if key == "klassen":
        return klassen_components(results, columns)
    if key == "north_south":
        return gap_components(results, columns)
    if key.startswith("moran_bv_") and "moran_bv" in local:
        return result_components(local["moran_bv"], results, columns)
    for prefix, name in (
        ("lisa_", "moran"),
        ("significance_", "moran"),
        ("gi_star_", "gi_star"),
        ("geary_", "geary"),
        ("moran_scatter_", "moran"),
    ):
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if rest in results.indicators or rest in columns:
                return indicator_components(rest, results)
            if name in local:
                return result_components(local[name], results, columns)
    return frozenset(COMPONENTS)


#: Local-statistic table (without ``_summary``) -> the result it is written from.
_LOCAL_TABLES = {"lisa": "moran", "lisa_bivariate": "moran_bv", "gi_star": "gi_star", "local_geary": "geary"}

#: Survey tables made from the answers alone (the others also use the UMKM counts: plan and weights).
_SURVEY_ONLY = ("survei_masalah_jawaban", "survei_reliabilitas", "survei_lisa_kesenjangan")

#: Tables made from fixed inputs, as :data:`_FIXED_FIGURES`.
_FIXED_TABLES: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("weights_*", "zonal_*"), frozenset()),
    (
        ("location_quotient*", "shift_share*", "survei_rencana_*", "join_qa*", "umkm_counts*", "demo_totals"),
        frozenset({"umkm"}),
    ),
    (("population*",), frozenset({"population"})),
    (_SURVEY_ONLY, frozenset({"survey"})),
    (("survei_*",), frozenset({"survey", "umkm"})),
    (("ffa_*",), frozenset({"ffa"})),
    (("produk_*",), frozenset({"products"})),
)


def table_components(name: str, results: Results, columns: Iterable[str]) -> frozenset[str]:
    """The inputs of a CSV table of the run, by its name (without ``.csv``).

    An unknown table counts as made from every component.
    """
    columns = list(columns)
    fixed = _fixed_components(name, _FIXED_TABLES)
    if fixed is not None:
        return fixed
    if name.startswith("klassen"):
        return klassen_components(results, columns)
    if name.startswith(("gap_", "inequality")):
        return gap_components(results, columns)
    base = name.removesuffix("_summary")
    if base in _LOCAL_TABLES:
        result = results.local.get(_LOCAL_TABLES[base])
        return frozenset(COMPONENTS) if result is None else result_components(result, results, columns)
    if name in ("global_statistics", "skipped"):
        return statistics_components(results, columns)
    if name == "indicators":
        return _keys_components(columns, results, columns) | statistics_components(results, columns)
    if name == "class_breaks":
        return _keys_components(results.classes, results, columns)
    return frozenset(COMPONENTS)

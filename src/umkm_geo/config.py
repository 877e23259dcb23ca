"""Run configuration: one TOML file per run, read into frozen dataclasses.

Unknown sections or keys and values of the wrong type are errors that name the key and list the
valid ones. Relative paths in the file are resolved against the file's folder.

Example (the default Blitar case, ``configs/blitar.toml``)::

    [study]
    region = "35.05,35.72"
    title = "UMKM Kabupaten dan Kota Blitar"

    [data]
    umkm = "demo"

Size: one frozen dataclass per TOML section with its documented defaults, the reader, the validation
that names the offending key, and :func:`at_level`; a user reads every setting in this one place.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError
from umkm_geo.stats import registry


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """``[study]``: what area, at which unit of analysis, titles and language.

    ``level`` is the unit of analysis: ``"kecamatan"`` (the default), ``"desa"`` (every desa and
    kelurahan of the region, from the desa polygons) or ``"kabupaten"`` (kab/kota polygons).
    """

    region: str = "35.05,35.72"
    title: str = "UMKM Kabupaten dan Kota Blitar"
    lang: str = "id"
    level: str = "kecamatan"


@dataclasses.dataclass(frozen=True)
class BoundariesConfig:
    """``[boundaries]``: topology choice and offline mirror, or a user's own boundary ``file``."""

    topology: str = "auto"
    mirror: str = ""
    cache: str = ""
    file: str = ""
    code_column: str = "kode"
    name_column: str = "kecamatan"
    kab_name_column: str = ""
    layer: str = ""
    crosswalk: str = ""


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """``[data]``: the UMKM table (``"demo"`` for the illustrative counts, ``"none"`` for none) and population.

    With ``umkm = "none"`` the run has no UMKM layer and analyses an official one (``[statistics]
    indicator = "idm"`` with ``[official] idm = true``). With ``umkm = "demo"`` (the default) the counts
    are generated (seed ``demo_seed``) and, without a ``population`` file, so is the population; every
    output made from them is stamped illustrative. ``table_level = "desa"`` reads a desa-level table in a
    kecamatan or kab/kota study and sums each unit's desa (a unit with a desa without a count has none).
    """

    umkm: str = "demo"
    sheet: str = ""
    header_row: int = 0
    code_column: str = ""
    name_column: str = ""
    kab_column: str = ""
    count_columns: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    ignore_columns: tuple[str, ...] = ()
    crosswalk: str = ""
    allow_missing: bool = False
    year: int = 0
    population: str = ""
    demo_seed: int = 20240503
    table_level: str = ""


@dataclasses.dataclass(frozen=True)
class GroupsConfig:
    """``[groups]``: the grouping for the gap (``"blitar"``, ``"none"`` or a CSV path)."""

    source: str = "blitar"
    code_column: str = "kode"
    group_column: str = "wilayah"
    compare: tuple[str, ...] = ("utara", "selatan")


@dataclasses.dataclass(frozen=True)
class WeightsConfig:
    """``[weights]``: spatial weights (``auto`` = queen on shared edges, fuzzy otherwise).

    ``k`` is used by ``knn``; ``threshold_m`` by ``distance_band`` (0 = the smallest band that
    gives every unit a neighbour); ``islands`` is ``keep`` (no neighbours, left out of local
    statistics and shown on maps) or ``nearest`` (attached to the nearest unit, with a warning).
    """

    method: str = "auto"
    fuzzy_tolerance_m: float = 75.0
    k: int = 4
    threshold_m: float = 0.0
    islands: str = "keep"
    transform: str = "r"


@dataclasses.dataclass(frozen=True)
class StatisticsConfig:
    """``[statistics]``: indicator analysed, which statistics, permutations, seed and significance.

    ``global_statistics`` and ``local_statistics`` choose from the catalogue of
    :mod:`umkm_geo.stats.registry` (default: all of them). ``bivariate`` names the second
    indicator of the bivariate statistics (e.g. ``population_density`` or a raster covariate).
    ``threads`` = 0 uses every available CPU for the local permutations.
    """

    indicator: str = "umkm_density"
    permutations: int = 999
    seed: int = 12345
    alpha: float = 0.05
    correction: str = "none"
    p_value: str = "two-sided"
    gap_permutations: int = 9999
    global_statistics: tuple[str, ...] = registry.defaults("global")
    local_statistics: tuple[str, ...] = registry.defaults("local")
    bivariate: str = "population_density"
    threads: int = 0


@dataclasses.dataclass(frozen=True)
class InequalityConfig:
    """``[inequality]``: the indicator whose inequality is measured and the groupings of Theil's T.

    ``indicator`` should be a rate per resident (``umkm_per_1000``) so that population weights
    make sense; ``groupings`` are columns of the study area (``wilayah`` = utara/selatan/kota,
    ``kab_nama`` = kabupaten/kota) for the between/within decomposition.
    """

    indicator: str = "umkm_per_1000"
    groupings: tuple[str, ...] = ("wilayah", "kab_nama")


@dataclasses.dataclass(frozen=True)
class RegionalConfig:
    """``[regional]``: location quotient, shift-share and Klassen typology.

    Years 0 mean: the latest year (LQ, end of shift-share) and the earliest (start). ``reference``
    is ``area`` (the study area's own totals) or a CSV of reference totals (``sektor, tahun,
    jumlah``, e.g. the province). Klassen compares ``klassen_level`` with ``klassen_growth``.
    """

    year: int = 0
    base_year: int = 0
    end_year: int = 0
    reference: str = "area"
    klassen_level: str = "umkm_per_1000"
    klassen_growth: str = "umkm_change_pct"


@dataclasses.dataclass(frozen=True)
class OfficialConfig:
    """``[official]``: findings on real official data, apart from the (possibly illustrative) UMKM counts.

    With ``grdp = true`` (the default) a run adds the Klassen typology and the regional inequality
    (Williamson and Theil T, both weighted by the 2025 population) of the kab/kota of the study
    region's province(s), on GRDP per capita (BPS, constant 2010 prices; quarcs-lab/indonesia514):
    the level in ``year`` (0 = the latest year of the file) and the compound annual growth over the
    ``growth_years`` years before it. ``false`` skips it; when neither the mirror nor the cache nor a
    download can provide the files, it is skipped with the reason (``skipped.csv``, ``run.json``).
    With ``idm = true`` (the default) it adds the Indeks Desa Membangun 2024 (Kemendesa PDTT) of the study
    region's desa averaged per kecamatan (unweighted, as Kemendesa's own kecamatan figures; kecamatan
    without desa in IDM get no value) and the north-south gap of IDM and IKE at kecamatan and desa level.
    """

    grdp: bool = True
    year: int = 0
    growth_years: int = 5
    idm: bool = True


@dataclasses.dataclass(frozen=True)
class CovariatesConfig:
    """``[covariates]``: GeoTIFFs summarised per kecamatan (zonal statistics) and the density surface.

    ``rasters``, ``names`` and ``stats`` are parallel lists: a file, the column name it becomes, and
    ``sum`` (counts per cell, e.g. WorldPop persons) or ``mean`` (e.g. night lights, elevation).
    ``density_surface`` writes a UMKM-per-km² GeoTIFF with ``cell_size_m`` cells.
    """

    rasters: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    stats: tuple[str, ...] = ()
    all_touched: bool = False
    density_surface: bool = True
    cell_size_m: float = 250.0
    bandwidth_m: float = 0.0


@dataclasses.dataclass(frozen=True)
class SurveyConfig:
    """``[survey]``: the sample plan, the questionnaire file and its scoring.

    ``responses`` is ``"none"`` (the default: no survey), the path of a CSV/XLSX of answers (one row
    per respondent, items named ``{aspect}_{kebutuhan|akses}_{i}``) or ``"demo"`` (illustrative
    answers, asked for explicitly; every output made from them is stamped illustrative).
    ``method`` is slovin or cochran with margin of error ``margin``; every kecamatan gets at least
    ``minimum`` respondents. ``quadrant_reference`` is ``mean`` (the area means) or ``midpoint`` (3).
    """

    responses: str = "none"
    sheet: str = ""
    method: str = "slovin"
    margin: float = 0.1
    minimum: int = 5
    aspects: tuple[str, ...] = ("modal", "pasar", "kebijakan", "digital")
    bootstrap: int = 999
    quadrant_reference: str = "mean"
    strict: bool = True


@dataclasses.dataclass(frozen=True)
class FFAConfig:
    """``[ffa]``: Force Field Analysis factors (``"none"``, a CSV/XLSX, or ``"demo"``) and optional tables.

    ``factors`` is ``"none"`` by default (no FFA). ``"demo"`` (illustrative factors, asked for
    explicitly and stamped) exists for Kabupaten and Kota Blitar only.

    ``pairwise`` (factor x factor, 1 = the row is more urgent) and ``linkage`` (factor x factor scores
    1-5) are CSV paths; without ``pairwise`` the factors' ``urgensi`` column is used.
    """

    factors: str = "none"
    pairwise: str = ""
    linkage: str = ""


@dataclasses.dataclass(frozen=True)
class ProductsConfig:
    """``[products]``: produk unggulan table (``"none"``, a CSV/XLSX, or ``"demo"``) and MPE weights.

    ``table`` is ``"none"`` by default (no produk unggulan); ``"demo"`` (an illustrative table, asked
    for explicitly and stamped) draws the same products for any region.

    ``criteria`` and ``weights`` are parallel lists: each ``kriteria_<name>`` column of the table and its
    weight in the exponential comparison method (MPE).
    """

    table: str = "none"
    criteria: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    rank_by: str = "mpe"


@dataclasses.dataclass(frozen=True)
class MapsConfig:
    """``[maps]``: classification shared by PNG and HTML, and the static map formats.

    ``scheme`` is one of fisher_jenks_outliers (the default: natural breaks of the units within the
    box-plot fences, outliers in classes of their own, so a few extreme units such as the kelurahan of a
    kota do not take most classes and hide the gradient of the rest), fisher_jenks (natural breaks),
    quantiles, equal_interval, box_plot (box map) or user_defined (with ``bins``, the upper bounds of
    the classes of the analysed indicator; other indicators then use the default); ``formats`` lists the
    static formats written for every figure (``png``, ``svg``, ``pdf``); ``dpi`` is the PNG resolution
    (figures are laid out 16 cm wide, so 300 dpi prints sharp); ``locator`` draws a small map of the
    province with the study's kab/kota beside each map's legend (left out when the study spans more
    than one province); ``reuse`` copies the figures of an earlier run whose inputs, settings and
    umkm_geo version are all the same from the cache instead of drawing them again.
    """

    scheme: str = "fisher_jenks_outliers"
    k: int = 5
    bins: tuple[float, ...] = ()
    dpi: int = 300
    formats: tuple[str, ...] = ("png",)
    locator: bool = True
    reuse: bool = True


@dataclasses.dataclass(frozen=True)
class OutputConfig:
    """``[output]``: the output folder (relative to the folder the command runs in).

    A ``maps`` run owns ``maps/``, ``tables/``, ``report.html`` and ``run.json`` in it and replaces
    them as a whole (see :func:`umkm_geo.pipeline.run.run`); other files there are left alone.
    """

    dir: str = "outputs"


@dataclasses.dataclass(frozen=True)
class LayerConfig:
    """``[[layers]]``: a further analysis in the same run, at its own unit of analysis, on official data.

    Each layer is analysed like a study of its own (boundaries at ``level``, the IDM 2024 joined,
    weights, the ``global_statistics`` and ``local_statistics`` of ``indicator``, the gap between
    ``[groups] compare`` with its Theil decomposition and Williamson) and written to
    ``<output>/lapisan/<name>/`` (maps, atlas, tables); the report's official-data section states its
    findings. ``maps`` lists the choropleths drawn (``status_idm``: the desa status map; empty: the
    analysed indicator's); the maps of its statistics are always drawn. Settings not named here come
    from the run's own sections.
    """

    name: str = ""
    level: str = "desa"
    indicator: str = "idm"
    global_statistics: tuple[str, ...] = ("moran",)
    local_statistics: tuple[str, ...] = ("moran", "gi_star")
    maps: tuple[str, ...] = ()


#: The layers of the built-in Blitar showcase (and ``configs/blitar.toml``): IDM and IKE per desa.
DEFAULT_LAYERS = (
    LayerConfig(name="idm_desa", level="desa", indicator="idm", maps=("idm", "iks", "ike", "ikl", "status_idm")),
    LayerConfig(name="ike_desa", level="desa", indicator="ike", maps=()),
)

#: The indicators a layer can analyse (official data with a value per unit).
LAYER_INDICATORS = ("idm", "iks", "ike", "ikl")


@dataclasses.dataclass(frozen=True)
class Config:
    """A whole run configuration."""

    study: StudyConfig = StudyConfig()
    boundaries: BoundariesConfig = BoundariesConfig()
    data: DataConfig = DataConfig()
    groups: GroupsConfig = GroupsConfig()
    weights: WeightsConfig = WeightsConfig()
    statistics: StatisticsConfig = StatisticsConfig()
    inequality: InequalityConfig = InequalityConfig()
    regional: RegionalConfig = RegionalConfig()
    official: OfficialConfig = OfficialConfig()
    covariates: CovariatesConfig = CovariatesConfig()
    survey: SurveyConfig = SurveyConfig()
    ffa: FFAConfig = FFAConfig()
    products: ProductsConfig = ProductsConfig()
    maps: MapsConfig = MapsConfig()
    output: OutputConfig = OutputConfig()
    layers: tuple[LayerConfig, ...] = ()
    base_dir: str = "."

    def resolve(self, value: str) -> Path:
        """Resolve a path from the config against the config file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(self.base_dir) / path

    def output_dir(self) -> Path:
        """The output folder: ``[output] dir`` relative to the working directory (not the config file)."""
        path = Path(self.output.dir).expanduser()
        return path if path.is_absolute() else Path.cwd() / path

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for the run record)."""
        return dataclasses.asdict(self)


def _coerce(section: str, key: str, value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    where = f"[{section}] {key}"
    if origin is tuple and typing.get_args(hint)[0] is float:
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            msg = f"{where} must be a list of numbers, not {value!r}."
            raise ConfigError(msg)
        return tuple(float(v) for v in value)
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            msg = f"{where} must be a list of strings, not {value!r}."
            raise ConfigError(msg)
        return tuple(value)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    msg = f"{where} must be of type {getattr(hint, '__name__', hint)}, not {type(value).__name__} ({value!r})."
    raise ConfigError(msg)


def config_from_dict(raw: dict[str, Any], *, base_dir: str | Path = ".", source: str = "config") -> Config:
    """Build a :class:`Config` from a parsed TOML dict, rejecting unknown keys."""
    sections = {f.name: f for f in dataclasses.fields(Config) if f.name not in ("base_dir", "layers")}
    values: dict[str, Any] = {}
    raw = dict(raw)
    if "layers" in raw:
        values["layers"] = _layers(raw.pop("layers"), source)
    for name, body in raw.items():
        if name not in sections:
            msg = f"{source}: unknown section [{name}]; valid sections are {sorted(sections)}."
            raise ConfigError(msg)
        if not isinstance(body, dict):
            msg = f"{source}: {name} must be a [section] table."
            raise ConfigError(msg)
        cls: Any = sections[name].default.__class__  # a section's dataclass
        fields = {f.name: f for f in dataclasses.fields(cls)}
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for key, value in body.items():
            if key not in fields:
                msg = f"{source}: unknown key {key!r} in [{name}]; valid keys are {sorted(fields)}."
                raise ConfigError(msg)
            kwargs[key] = _coerce(name, key, value, hints[key])
        values[name] = cls(**kwargs)
    config = Config(**values, base_dir=str(base_dir))
    _validate(config, source)
    return config


def _layers(raw: Any, source: str) -> tuple[LayerConfig, ...]:
    """The ``[[layers]]`` tables, each checked like a section."""
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        msg = f"{source}: layers must be [[layers]] tables (one per layer), not {type(raw).__name__}."
        raise ConfigError(msg)
    fields = {f.name: f for f in dataclasses.fields(LayerConfig)}
    hints = typing.get_type_hints(LayerConfig)
    layers = []
    for i, body in enumerate(raw, start=1):
        unknown = sorted(set(body) - set(fields))
        if unknown:
            msg = f"{source}: unknown key(s) {unknown} in layer {i} ([[layers]]); valid keys are {sorted(fields)}."
            raise ConfigError(msg)
        layers.append(LayerConfig(**{k: _coerce(f"layers {i}", k, v, hints[k]) for k, v in body.items()}))
    return tuple(layers)


def _validate_layers(config: Config, source: str) -> None:
    names = [layer.name for layer in config.layers]
    for i, layer in enumerate(config.layers, start=1):
        where = f"{source}: [[layers]] {i} ({layer.name or 'no name'})"
        if not layer.name or not layer.name.replace("_", "").isalnum() or not layer.name.isascii():
            msg = f"{where}: give a name of letters, digits and _ (it is the folder lapisan/<name>/), e.g. 'idm_desa'."
            raise ConfigError(msg)
        if names.count(layer.name) > 1:
            msg = f"{where}: two layers are named {layer.name!r}; each writes its own folder."
            raise ConfigError(msg)
        if layer.level not in ("desa", "kecamatan", "kabupaten"):
            msg = f"{where}: level = {layer.level!r}; choose desa, kecamatan or kabupaten."
            raise ConfigError(msg)
        if layer.indicator not in LAYER_INDICATORS:
            msg = f"{where}: indicator = {layer.indicator!r}; a layer analyses one of {list(LAYER_INDICATORS)}."
            raise ConfigError(msg)
        for kind in ("global", "local"):
            bad = [n for n in getattr(layer, f"{kind}_statistics") if n not in registry.names(kind)]
            if bad:
                msg = f"{where}: {kind}_statistics has {bad}; choose from {list(registry.names(kind))}."
                raise ConfigError(msg)
        bad = [m for m in layer.maps if m not in (*LAYER_INDICATORS, "status_idm")]
        if bad:
            msg = f"{where}: maps has {bad}; choose from {[*LAYER_INDICATORS, 'status_idm']}."
            raise ConfigError(msg)


def load_config(path: str | Path | None) -> Config:
    """Read a TOML config file (``None`` gives the defaults: the Blitar case).

    A file must say which UMKM table to use (``[data] umkm``): illustrative counts are generated only
    when it says ``"demo"``, never because the key was left out. Without a file (``umkm-geo maps``
    with no ``--config``) the built-in Blitar showcase runs, on illustrative counts.
    """
    if path is None:
        return Config(layers=DEFAULT_LAYERS)
    file = Path(path)
    if not file.is_file():
        msg = f"Config file {file} does not exist."
        raise ConfigError(msg)
    try:
        with file.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{file}: not valid TOML ({exc})."
        raise ConfigError(msg) from exc
    config = config_from_dict(raw, base_dir=file.resolve().parent, source=str(file))
    if "umkm" not in raw.get("data", {}):
        msg = (
            f"{file}: [data] umkm is not set, so there is no UMKM table to map. Give your table"
            ' ([data] umkm = "umkm.csv"; `umkm-geo template` writes one to fill), or write [data] umkm = "demo"'
            " for illustrative counts (generated, stamped on every output, never official statistics)."
        )
        raise ConfigError(msg)
    return config


#: The indicators made from the UMKM table (none exist with ``[data] umkm = "none"``).
UMKM_INDICATORS = ("umkm_density", "umkm_count", "umkm_per_1000", "umkm_change", "umkm_change_pct")


def at_level(config: Config, level: str) -> tuple[Config, list[str]]:
    """The run ``config`` at unit of analysis ``level``, and what had to change for it (one line each).

    The illustrative UMKM counts, population, survey, FFA and produk inputs are made per kecamatan; a
    desa or kab/kota run that asked for them (the built-in showcase does) analyses the IDM 2024
    instead, with no UMKM table, and says so. A user's own table is never replaced.
    """
    if level not in ("desa", "kecamatan", "kabupaten"):
        msg = f"--level {level!r}; choose one of desa, kecamatan, kabupaten."
        raise ConfigError(msg)
    changes: list[str] = []
    study = dataclasses.replace(config.study, level=level)
    data, stats, ineq = config.data, config.statistics, config.inequality
    survey, ffa, products = config.survey, config.ffa, config.products
    if level != "kecamatan" and data.umkm == "demo":
        data = dataclasses.replace(data, umkm="none", population="")
        changes.append(f"illustrative UMKM counts are per kecamatan: no UMKM layer at {level} level")
        if stats.indicator in UMKM_INDICATORS:
            without = ("moran_rate", "moran_bv")  # need UMKM counts and population, or a second variable
            stats = dataclasses.replace(
                stats,
                indicator="idm",
                bivariate="",
                global_statistics=tuple(n for n in stats.global_statistics if n not in without),
                local_statistics=tuple(n for n in stats.local_statistics if n not in without),
            )
            changes.append(
                "analysed indicator: idm (Indeks Desa Membangun 2024); without UMKM counts and population,"
                " no rate Moran and no bivariate Moran"
            )
        if ineq.indicator in UMKM_INDICATORS:
            ineq = dataclasses.replace(ineq, indicator="idm")
        for name, section, key in (
            ("survey", survey, "responses"),
            ("ffa", ffa, "factors"),
            ("products", products, "table"),
        ):
            if getattr(section, key) == "demo":
                changes.append(f"[{name}] demo inputs are per kecamatan: not used")
        survey = dataclasses.replace(survey, responses="none") if survey.responses == "demo" else survey
        ffa = dataclasses.replace(ffa, factors="none") if ffa.factors == "demo" else ffa
        products = dataclasses.replace(products, table="none") if products.table == "demo" else products
    layers = config.layers
    if level != "kecamatan" and config.data.umkm == "demo" and layers:
        layers = ()  # the showcase's layers analyse the IDM per desa: this run does so itself
        changes.append("the showcase's [[layers]] are left out: this run analyses the IDM itself")
    official = config.official
    if stats.indicator in ("idm", "iks", "ike", "ikl") and not official.idm:
        official = dataclasses.replace(official, idm=True)
    out = dataclasses.replace(
        config,
        study=study,
        data=data,
        statistics=stats,
        inequality=ineq,
        survey=survey,
        ffa=ffa,
        products=products,
        official=official,
        layers=layers,
    )
    _validate(out, "--level")
    return out, changes


_CHOICES = {
    ("study", "lang"): ("id", "en"),
    ("study", "level"): ("desa", "kecamatan", "kabupaten"),
    ("data", "table_level"): ("", "desa", "kecamatan", "kabupaten"),
    ("boundaries", "topology"): ("auto", "desa", "kecamatan"),
    ("weights", "method"): ("auto", "queen", "rook", "fuzzy", "knn", "distance_band"),
    ("weights", "islands"): ("keep", "nearest"),
    ("weights", "transform"): ("r", "b"),
    ("survey", "method"): ("slovin", "cochran"),
    ("survey", "quadrant_reference"): ("mean", "midpoint"),
    ("products", "rank_by"): ("mpe", "output"),
    ("maps", "scheme"): (
        "fisher_jenks_outliers",
        "fisher_jenks",
        "quantiles",
        "equal_interval",
        "box_plot",
        "user_defined",
    ),
    ("statistics", "correction"): ("none", "fdr", "bonferroni"),
    ("statistics", "p_value"): ("two-sided", "folded"),
}


_LIST_CHOICES = {
    ("statistics", "global_statistics"): registry.names("global"),
    ("statistics", "local_statistics"): registry.names("local"),
    ("covariates", "stats"): ("sum", "mean", "min", "max", "median", "std", "count"),
    ("maps", "formats"): ("png", "svg", "pdf"),
    ("survey", "aspects"): ("modal", "pasar", "kebijakan", "lahan", "memulai_usaha", "anti_rente", "digital"),
}


def _validate(config: Config, source: str) -> None:
    for (section, key), choices in _CHOICES.items():
        value = getattr(getattr(config, section), key)
        if value not in choices:
            msg = f"{source}: [{section}] {key} = {value!r}; choose one of {list(choices)}."
            raise ConfigError(msg)
    for (section, key), choices in _LIST_CHOICES.items():
        bad = [v for v in getattr(getattr(config, section), key) if v not in choices]
        if bad:
            msg = f"{source}: [{section}] {key} has {bad}; choose from {list(choices)}."
            raise ConfigError(msg)
    cov = config.covariates
    if not len(cov.rasters) == len(cov.names) == len(cov.stats):
        msg = (
            f"{source}: [covariates] rasters, names and stats must be lists of the same length "
            f"(one name and one of 'sum'/'mean' per file); got {len(cov.rasters)}, {len(cov.names)}, {len(cov.stats)}."
        )
        raise ConfigError(msg)
    if len(config.products.criteria) != len(config.products.weights):
        msg = (
            f"{source}: [products] criteria and weights must be lists of the same length (one weight per "
            f"kriteria_<name> column); got {len(config.products.criteria)} and {len(config.products.weights)}."
        )
        raise ConfigError(msg)
    if not 0 < config.survey.margin < 1:
        msg = f"{source}: [survey] margin = {config.survey.margin}; use a margin of error between 0 and 1, e.g. 0.1."
        raise ConfigError(msg)
    data = config.data
    if data.header_row < 0:
        msg = (
            f"{source}: [data] header_row = {data.header_row}; give the row of the column names"
            " (1 = the first row) or 0 to find it."
        )
        raise ConfigError(msg)
    both = sorted(set(data.count_columns) & set(data.ignore_columns))
    if both:
        msg = (
            f"{source}: [data] count_columns and ignore_columns both name {both}; a column is either"
            " counted or ignored."
        )
        raise ConfigError(msg)
    if data.umkm == "none" and config.statistics.indicator in UMKM_INDICATORS:
        msg = (
            f'{source}: [data] umkm = "none" gives no UMKM counts, so [statistics] indicator ='
            f" {config.statistics.indicator!r} cannot be computed; analyse an official layer"
            ' ([statistics] indicator = "idm" with [official] idm = true) or give your UMKM table.'
        )
        raise ConfigError(msg)
    if config.statistics.indicator in ("idm", "iks", "ike", "ikl") and not config.official.idm:
        msg = f"{source}: [statistics] indicator = {config.statistics.indicator!r} needs [official] idm = true."
        raise ConfigError(msg)
    if config.study.level != "kecamatan" and data.umkm == "demo":
        msg = (
            f'{source}: the illustrative UMKM counts ([data] umkm = "demo") are made per kecamatan, and'
            f' [study] level = "{config.study.level}"; give your own {config.study.level}-level table or'
            ' write [data] umkm = "none" and analyse the IDM ([statistics] indicator = "idm").'
        )
        raise ConfigError(msg)
    official = config.official
    if official.year != 0 and official.year < 2000:
        msg = (
            f"{source}: [official] year = {official.year}; give a year of the GRDP file (2000-2024)"
            " or 0 for the latest."
        )
        raise ConfigError(msg)
    if official.growth_years < 1:
        msg = f"{source}: [official] growth_years = {official.growth_years}; use at least 1 year (e.g. 5)."
        raise ConfigError(msg)
    if config.weights.k < 1:
        msg = f"{source}: [weights] k = {config.weights.k}; use at least 1 neighbour."
        raise ConfigError(msg)
    stats = config.statistics
    if not 0 < stats.alpha < 1:
        msg = f"{source}: [statistics] alpha = {stats.alpha}; it must lie between 0 and 1."
        raise ConfigError(msg)
    if stats.permutations < 99 or stats.gap_permutations < 99:
        msg = f"{source}: [statistics] permutations must be at least 99."
        raise ConfigError(msg)
    if config.maps.scheme == "user_defined" and not config.maps.bins:
        msg = (
            f"{source}: [maps] scheme = 'user_defined' needs bins, the upper bounds of the classes, "
            "e.g. bins = [10, 50, 100]."
        )
        raise ConfigError(msg)
    if not config.maps.formats:
        msg = f"{source}: [maps] formats is empty; use any of ['png', 'svg', 'pdf']."
        raise ConfigError(msg)
    _validate_layers(config, source)
    if config.maps.k < 2:
        msg = f"{source}: [maps] k = {config.maps.k}; use at least 2 classes."
        raise ConfigError(msg)

"""The map set of a run: which figures and pages ``make maps`` draws from the study area's results.

One function per kind of output decides what to draw from :attr:`StudyArea.results` (a map is drawn
only when its result exists) and returns ``(key, figure)`` pairs; :func:`render_all` saves them in
every configured format (PNG and SVG), writes the interactive atlas and returns what it wrote. The
figures themselves come from :mod:`umkm_geo.render.static.maps`, :mod:`~umkm_geo.render.static.charts` and
:mod:`~umkm_geo.render.static.multiples`; class breaks come from ``results.classes`` (computed once and
shared with the atlas). Titles, subtitles and credits are ``maps.*`` in the locale files.

Size: the catalogue of every figure of a run, one short generator per group in report order, sharing
one context (title, subtitle, credits, stamp); split, the order of the figures would live in two places.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from umkm_geo import _i18n
from umkm_geo._provenance import figure_components, illustrative_components, is_illustrative
from umkm_geo.render.options import RenderOptions
from umkm_geo.stats import registry
from umkm_geo.study_area import StudyArea

__all__ = ["MAPPED", "MapSet", "render_all"]

#: Indicators drawn as choropleths (when present and classified), in order.
MAPPED = (
    "umkm_density",
    "umkm_count",
    "umkm_per_1000",
    "umkm_change_pct",
    "population_density",
    "idm",
    "iks",
    "ike",
    "ikl",
)


@dataclasses.dataclass(frozen=True)
class MapSet:
    """What :func:`render_all` wrote.

    Attributes
    ----------
    paths
        Every file written (figures in each format, then the atlas), in order.
    images
        Figure key -> PNG path (for the report).
    atlas
        The atlas result (size, simplification tolerance, layers).
    print_sizes
        Figure key -> its size and smallest font as saved (:class:`~umkm_geo.render.static.save.PrintSize`).
    """

    paths: tuple[Path, ...]
    images: dict[str, Path]
    atlas: Any
    print_sizes: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class _Context:
    area: StudyArea
    options: RenderOptions
    lang: str
    credits: str
    illustrative: bool  # any input of the run is illustrative
    idm_credits: str  # the credit line of figures made from the IDM 2024
    base_subtitle: str
    area_subtitle: str  # the subtitle without the year of the UMKM table
    labels: pd.Series | None
    date: dt.date

    def text(self, key: str, **values: Any) -> str:
        """The words ``maps.<key>`` in the run's language."""
        return _i18n.text(f"maps.{key}", self.lang, **values)

    def stamped(self, key: str) -> bool:
        """Whether the figure ``key`` is made from any illustrative input (then it carries the stamp)."""
        components = figure_components(key, self.area.results, self.area.frame.columns)
        return is_illustrative(self.area.provenance, components)

    def subtitle(self, key: str, extra: str = "") -> str:
        """The subtitle of figure ``key``: area, year, ``extra``, and "illustrative data" when it is."""
        # the year of the UMKM table is the year of its level indicators only: a change names its own
        # years in its title, the IDM is of 2024, the survey and produk tables have no year
        base = self.area_subtitle if _without_table_year(key) else self.base_subtitle
        parts = [base, *([extra] if extra else [])]
        if self.stamped(key):
            parts.append(self.text("illustrative"))
        return " · ".join(parts)

    def common(self, key: str) -> dict[str, Any]:
        """Credits, stamp, language and date of figure ``key``."""
        return {
            "credits": self.idm_credits if is_idm_figure(key) else self.credits,
            "illustrative": self.stamped(key),
            "lang": self.lang,
            "date": self.date,
        }

    def drawn(self, key: str) -> bool:
        """Whether the choropleth ``key`` is asked for (``RenderOptions.mapped``; empty: all)."""
        return not self.options.mapped or key in self.options.mapped

    def title(self, what: str, key: str = "") -> str:
        """``<study title>: what``; a figure of the IDM 2024 (by ``key``) takes the region's name instead."""
        if key and is_idm_figure(key) and self.options.region_title:
            return f"{self.options.region_title}: {what}"
        return f"{self.options.title}: {what}"


#: Columns made from the IDM 2024 (a figure whose key names one is credited to Kemendesa).
IDM_COLUMNS = ("idm", "iks", "ike", "ikl", "status_idm", "n_desa_idm")


#: Figures that show no level indicator of the UMKM table's year (by key prefix, or suffix for changes).
_NO_YEAR_PREFIXES = ("umkm_change", "survei_", "produk_", "ffa", "small_multiples_years")


def _without_table_year(key: str) -> bool:
    """Whether figure ``key`` shows something other than the UMKM table's level in its latest year."""
    return is_idm_figure(key) or key.startswith(_NO_YEAR_PREFIXES) or key.endswith(("umkm_change", "umkm_change_pct"))


def is_idm_figure(key: str) -> bool:
    """Whether figure ``key`` (``idm``, ``lisa_idm``, ``gi_star_ike``, ...) is made from the IDM 2024."""
    return any(key == c or key.endswith(f"_{c}") for c in IDM_COLUMNS)


def _idm_credits(area: StudyArea, lang: str) -> str:
    credits = area.provenance.get("official_idm", {}).get("credits", [])
    source = str(credits[0]).split(";")[0] if credits else ""
    return _i18n.text("maps.credits_idm", lang, boundary=area.provenance["boundary_credit"], source=source)


def _credits(area: StudyArea, lang: str) -> str:
    table = area.provenance.get("umkm_table")
    if table is None:  # no UMKM layer ([data] umkm = "none"): every figure is of the official data
        return _idm_credits(area, lang)
    if area.provenance.get("demo"):
        source = _i18n.text("maps.demo_source", lang, seed=area.provenance["demo"].get("seed", "–"))
    else:
        source = Path(str(table.get("path", ""))).name
    return _i18n.text("maps.credits", lang, boundary=area.provenance["boundary_credit"], source=source)


def _context(area: StudyArea, options: RenderOptions) -> _Context:
    lang = options.lang
    frame = area.frame

    def number(n: int) -> str:
        return _i18n.format_number(n, 0, lang=lang)

    counts = {"kab": number(frame["kab_nama"].nunique()), "units": number(len(area))}
    if area.level == "desa":
        kinds = frame["jenis"].value_counts() if "jenis" in frame else pd.Series(dtype=int)
        counts.update(desa=number(int(kinds.get("desa", 0))), kelurahan=number(int(kinds.get("kelurahan", 0))))
    key = "maps.area_counts" if area.level == "kecamatan" else f"maps.area_counts_{area.level}"
    parts = [_i18n.text(key, lang, **counts)]
    year = area.results.indicator_year
    if year and year > 0:
        parts.append(_i18n.text("maps.in_year", lang, year=year))
    return _Context(
        area=area,
        options=options,
        lang=lang,
        credits=_credits(area, lang),
        idm_credits=_idm_credits(area, lang),
        illustrative=bool(illustrative_components(area.provenance)),
        base_subtitle=" · ".join(parts),
        area_subtitle=parts[0],
        # desa are too many and too small to name on an A4 map; the atlas names each on hover
        labels=area.frame["nama"] if area.level != "desa" else None,
        date=dt.date.today(),
    )


Figures = Iterator[tuple[str, Figure]]


def _choropleths(ctx: _Context) -> Figures:
    from umkm_geo.render.static.maps import choropleth_figure

    indicators, classes = ctx.area.results.indicators, ctx.area.results.classes
    for key in MAPPED:
        if key in classes and ctx.drawn(key):
            ind = indicators[key]
            yield (
                key,
                choropleth_figure(
                    ctx.area.frame,
                    ind,
                    classes[key],
                    title=ctx.title(ind.label(ctx.lang), key),
                    subtitle=ctx.subtitle(key),
                    labels=ctx.labels,
                    **ctx.common(key),
                ),
            )


def _status_map(ctx: _Context) -> Figures:
    """The IDM 2024 status of each desa (Mandiri ... Sangat Tertinggal), at desa level."""
    from umkm_geo.render.static.maps import category_figure

    frame = ctx.area.frame
    if "status_idm" not in frame or frame["status_idm"].isna().all() or not ctx.drawn("status_idm"):
        return
    yield (
        "status_idm",
        category_figure(
            frame,
            frame["status_idm"],
            "idm_status",
            title=ctx.title(_i18n.text("scheme.idm_status.title", ctx.lang), "status_idm"),
            subtitle=ctx.subtitle("status_idm"),
            labels=ctx.labels,
            **ctx.common("status_idm"),
        ),
    )


def _local_maps(ctx: _Context) -> Figures:
    from umkm_geo.render.static.local_maps import local_figure, local_method, significance_figure

    results = ctx.area.results
    if not results.local or results.weights is None:  # local statistics need the weights
        return
    indicators = results.indicators
    analysed = indicators[ctx.options.indicator]
    weights = ctx.text("weights", method=results.weights.method)
    for name, result in results.local.items():
        key = f"{'lisa' if name == 'moran' else name}_{analysed.key}"
        what = f"{registry.get('local', name).map_title(ctx.lang)} — {analysed.label(ctx.lang)}"
        if name == "moran_bv":
            second = indicators.get(str(result.settings.get("y")))
            what = ctx.text(
                "bivariate", what=what, second=second.label(ctx.lang) if second else result.settings.get("y")
            )
        yield (
            key,
            local_figure(
                ctx.area.frame,
                result,
                title=ctx.title(what, key),
                subtitle=ctx.subtitle(key, weights) + "\n" + local_method(result, ctx.lang),
                labels=ctx.labels,
                **ctx.common(key),
            ),
        )
        if name == "moran":
            yield (
                f"significance_{analysed.key}",
                significance_figure(
                    ctx.area.frame,
                    result,
                    title=ctx.title(f"{ctx.text('significance')} — {analysed.label(ctx.lang)}", analysed.key),
                    subtitle=ctx.subtitle(f"significance_{analysed.key}", weights)
                    + "\n"
                    + local_method(result, ctx.lang),
                    labels=ctx.labels,
                    **ctx.common(f"significance_{analysed.key}"),
                ),
            )


def _charts(ctx: _Context) -> Figures:
    from umkm_geo.render.static.charts import group_comparison_figure, moran_scatter_figure

    results = ctx.area.results
    analysed = results.indicators[ctx.options.indicator]
    y = ctx.area.frame[analysed.key]
    if results.moran is not None:
        present = y.dropna()
        graph = ctx.area.graph(present.index)
        yield (
            f"moran_scatter_{analysed.key}",
            moran_scatter_figure(
                present,
                graph,
                moran=results.moran,
                indicator=analysed,
                title=ctx.title(f"{ctx.text('moran')} — {analysed.label(ctx.lang)}", analysed.key),
                lisa=results.lisa,
                subtitle=ctx.subtitle(f"moran_scatter_{analysed.key}"),
                labels=ctx.labels,
                **ctx.common(f"moran_scatter_{analysed.key}"),
            ),
        )
    gap = results.gap_table
    n_groups = len(gap.groups_frame()) if gap is not None else 0
    if n_groups > MAX_CHART_GROUPS:
        warnings.warn(
            f"The group comparison chart is not drawn: {n_groups} groups do not fit on a page (at most"
            f" {MAX_CHART_GROUPS}); the gap table (tables/gap_groups.csv) lists every group.",
            UserWarning,
            stacklevel=2,
        )
    elif gap is not None and n_groups:
        column = gap.groups_frame().index.name or "wilayah"
        indicator = results.indicators.get(str(gap.variable), analysed)
        what = ctx.text("groups" if column == "wilayah" else "groups_kab")
        yield (
            "north_south",
            group_comparison_figure(
                ctx.area.frame[indicator.key],
                ctx.area.frame[column],
                indicator=indicator,
                title=ctx.title(f"{what} — {indicator.label(ctx.lang)}", indicator.key),
                gap=gap,
                subtitle=ctx.subtitle("north_south"),
                seed=ctx.options.seed,
                **ctx.common("north_south"),
            ),
        )


def _regional_maps(ctx: _Context) -> Figures:
    from umkm_geo.render.static.maps import klassen_figure, lq_figure

    results = ctx.area.results
    if results.lq is not None:
        lq = results.lq
        extra = ""
        if lq.year != results.indicator_year:
            extra = ctx.text("lq_year", year=lq.year)
        for sector in lq.lq.columns:
            label = str(sector).replace("_", " ")
            yield (
                f"lq_{sector}",
                lq_figure(
                    ctx.area.frame,
                    lq.lq[sector].reindex(ctx.area.frame.index),
                    sector_label=label,
                    title=ctx.title(ctx.text("lq", sector=label)),
                    subtitle=ctx.subtitle(f"lq_{sector}", extra),
                    labels=ctx.labels,
                    **ctx.common(f"lq_{sector}"),
                ),
            )
    if results.klassen is not None and results.klassen_indicators is not None:
        level_key, growth_key = results.klassen_indicators
        indicators = results.indicators
        yield (
            "klassen",
            klassen_figure(
                ctx.area.frame,
                results.klassen,
                level=indicators[level_key],
                growth=indicators[growth_key],
                title=ctx.title(_i18n.text("scheme.klassen.title", ctx.lang)),
                subtitle=ctx.subtitle("klassen"),
                labels=ctx.labels,
                **ctx.common("klassen"),
            ),
        )


def _multiples(ctx: _Context) -> Figures:
    from umkm_geo.render.static.multiples import shared_classes, small_multiples_figure

    frame = ctx.area.frame
    indicators = ctx.area.results.indicators
    options = ctx.options
    years = [c for c in frame.columns if c.startswith("umkm_count_") and c[len("umkm_count_") :].isdigit()]
    if len(years) >= 2:
        values = frame[years].rename(columns=lambda c: c[len("umkm_count_") :])
        yield (
            "small_multiples_years",
            small_multiples_figure(
                frame,
                values,
                shared_classes(values, scheme=options.scheme, k=options.k),
                indicator=indicators["umkm_count"],
                title=ctx.title(ctx.text("years")),
                subtitle=ctx.subtitle("small_multiples_years"),
                **ctx.common("small_multiples_years"),
            ),
        )
    shares = [c for c in frame.columns if c.startswith("share_")]
    if len(shares) >= 2:
        values = frame[shares].rename(columns=lambda c: c[len("share_") :].replace("_", " "))
        yield (
            "small_multiples_sectors",
            small_multiples_figure(
                frame,
                values,
                shared_classes(values, scheme=options.scheme, k=options.k),
                indicator=indicators[shares[0]],
                title=ctx.title(ctx.text("sectors")),
                subtitle=ctx.subtitle("small_multiples_sectors"),
                legend_title=ctx.text("share_legend"),
                **ctx.common("small_multiples_sectors"),
            ),
        )


def _survey_maps(ctx: _Context) -> Figures:
    from umkm_geo.render.static.local_maps import local_figure
    from umkm_geo.render.static.maps import category_figure, choropleth_figure

    results, frame = ctx.area.results, ctx.area.frame
    indicators, classes = results.indicators, results.classes
    survey_note = ctx.text("survey_note") if results.survey_scores is not None else None
    for key in ("akses_rata2", "kesenjangan_rata2"):
        if key in classes:
            ind = indicators[key]
            yield (
                f"survei_{key}",
                choropleth_figure(
                    frame,
                    ind,
                    classes[key],
                    title=ctx.title(ind.label(ctx.lang)),
                    subtitle=ctx.subtitle(f"survei_{key}"),
                    labels=ctx.labels,
                    note=survey_note,
                    **ctx.common(f"survei_{key}"),
                ),
            )
    if "kuadran_kebutuhan_akses" in frame:
        yield (
            "survei_kuadran",
            category_figure(
                frame,
                frame["kuadran_kebutuhan_akses"],
                "quadrant",
                title=ctx.title(ctx.text("quadrant")),
                subtitle=ctx.subtitle("survei_kuadran"),
                labels=ctx.labels,
                note=survey_note,
                **ctx.common("survei_kuadran"),
            ),
        )
    if results.gap_lisa is not None:
        yield (
            "survei_lisa_kesenjangan",
            local_figure(
                frame,
                results.gap_lisa,
                title=ctx.title(
                    f"{registry.get('local', 'moran').map_title(ctx.lang)}"
                    f" — {indicators['kesenjangan_rata2'].label(ctx.lang)}"
                ),
                subtitle=ctx.subtitle("survei_lisa_kesenjangan"),
                labels=ctx.labels,
                **ctx.common("survei_lisa_kesenjangan"),
            ),
        )
    if results.leading is not None:
        from umkm_geo.classify.symbology import qualitative_scheme

        products = results.leading["produk"].reindex(frame.index)
        codes = sorted(products.dropna().unique())
        title = tuple(_i18n.text("scheme.produk.title", lang) for lang in _i18n.LANGS)
        sch = qualitative_scheme("produk", codes, title=title)
        yield (
            "produk_unggulan",
            category_figure(
                frame,
                products,
                sch,
                title=ctx.title(ctx.text("products")),
                subtitle=ctx.subtitle("produk_unggulan"),
                labels=ctx.labels,
                **ctx.common("produk_unggulan"),
            ),
        )
    if results.ffa is not None:
        from umkm_geo.render.static.ffa_diagram import ffa_figure

        yield (
            "ffa",
            ffa_figure(
                results.ffa,
                title=ctx.title(ctx.text("ffa")),
                lang=ctx.lang,
                illustrative=ctx.stamped("ffa"),
                credits=ctx.credits,
                subtitle=results.ffa.balance.sentence(ctx.lang),
            ),
        )


#: Figure groups in the order they are drawn (and appear in the report).
FIGURES: tuple[Callable[[_Context], Figures], ...] = (
    _choropleths,
    _status_map,
    _local_maps,
    _charts,
    _regional_maps,
    _multiples,
    _survey_maps,
)


#: The group comparison chart is drawn for at most this many groups (a column each on one page).
MAX_CHART_GROUPS = 30


def _divide(area: StudyArea, options: RenderOptions) -> Any:
    """The grouping whose border every map draws: the two groups compared (``[groups] compare``), if both are mapped."""
    from umkm_geo.render.static.maps import Divide
    from umkm_geo.tables.groups import Grouping

    gap = area.results.gap_table
    column = (gap.groups_frame().index.name or "wilayah") if gap is not None else "wilayah"
    if len(options.compare) != 2 or column not in area.frame:
        return None
    groups = area.frame[column]
    a, b = options.compare
    if not {a, b} <= set(groups.dropna()):
        return None
    grouping = Grouping(groups=pd.Series(dtype=object), source="")
    label = _i18n.text(
        "maps.divide", options.lang, a=grouping.label(a, options.lang), b=grouping.label(b, options.lang)
    )
    return Divide(groups=groups, pair=(a, b), label=label)


#: Figures drawn: (key, files written, print size), by group in :data:`FIGURES` order.
_Drawn = list[tuple[str, list[Path], Any]]

#: What a forked worker draws from (set by the parent just before it forks: nothing is pickled).
_JOB: dict[str, Any] = {}


def _draw_group(index: int) -> tuple[_Drawn, list[warnings.WarningMessage]]:
    """Draw and save the figures of group ``FIGURES[index]``; the warnings raised, to show in the parent."""
    from umkm_geo.render.static.save import save_figures

    ctx, maps, options = _JOB["ctx"], _JOB["maps"], _JOB["options"]
    drawn: _Drawn = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for key, fig in FIGURES[index](ctx):
            size, written = save_figures(fig, [maps / f"{key}.{fmt}" for fmt in options.formats], dpi=options.dpi)
            drawn.append((key, written, size))
    return drawn, list(caught)


def _workers() -> int:
    """Processes drawing figures: ``UMKM_GEO_WORKERS``, else the CPUs (at most 4); 1 where fork is missing."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    value = os.environ.get("UMKM_GEO_WORKERS", "")
    return max(1, int(value)) if value.isdigit() else min(4, os.cpu_count() or 1)


def _draw_groups(ctx: _Context, maps: Path, options: RenderOptions) -> tuple[_Drawn, list[warnings.WarningMessage]]:
    """Every figure, the groups drawn side by side in forked processes when there is more than one CPU.

    A figure takes a second or two to draw and save and the groups are independent, so two processes
    halve the maps stage on two cores. The workers are forked after the run's context is set (study
    area, divide, locator, unit words), so nothing is pickled but the results. Returns the figures and
    the warnings raised, each once (a warning of every map, e.g. too many areas to label, is said once).
    """
    import concurrent.futures
    import multiprocessing

    _JOB.update(ctx=ctx, maps=maps, options=options)
    try:
        workers = _workers()
        if workers == 1:
            results = [_draw_group(i) for i in range(len(FIGURES))]
        else:
            fork = multiprocessing.get_context("fork")
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=fork) as pool:
                results = list(pool.map(_draw_group, range(len(FIGURES))))
    finally:
        _JOB.clear()
    drawn: _Drawn = []
    said: list[warnings.WarningMessage] = []
    shown: set[tuple[str, str, str, int]] = set()
    for figures, caught in results:
        drawn += figures
        for w in caught:
            key = (str(w.message), w.category.__name__, w.filename, w.lineno)
            if key not in shown:
                shown.add(key)
                said.append(w)
    return drawn, said


def _say(said: list[warnings.WarningMessage]) -> None:
    """Show the warnings of the drawing, in order, as if raised in this process."""
    for w in said:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _category(name: str) -> type[Warning]:
    """The warning class named ``module:qualname`` (``UserWarning`` when it cannot be found)."""
    import importlib

    module, _, qualname = name.partition(":")
    try:
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return UserWarning
    return found if isinstance(found, type) and issubclass(found, Warning) else UserWarning


def _drawn_or_reused(area: StudyArea, ctx: _Context, maps: Path, options: RenderOptions) -> _Drawn:
    """The figures of a run: copied from the render cache when nothing they are drawn from changed, else drawn.

    The cache (:mod:`umkm_geo.render._cache`) keeps each figure set with its print sizes and the
    warnings its drawing raised; a reused set replays them, so the run reads the same either way.
    """
    from umkm_geo.render import _cache
    from umkm_geo.render.static.save import PrintSize

    key = _cache.render_key(area, options, FIGURES) if _cache.enabled(options.cache) else None
    manifest = _cache.fetch(options.cache, key, maps)
    if manifest is not None:
        _say(
            [
                warnings.WarningMessage(message, _category(category), filename, lineno)
                for message, category, filename, lineno in manifest["warnings"]
            ]
        )
        return [
            (figure, [maps / name for name in names], PrintSize(**size) if size else None)
            for figure, names, size in manifest["figures"]
        ]
    from umkm_geo.render.static.maps import prepare_units

    prepare_units(area.frame)
    drawn, said = _draw_groups(ctx, maps, options)
    _say(said)
    manifest = {
        "figures": [
            (figure, [path.name for path in written], dataclasses.asdict(size) if size else None)
            for figure, written, size in drawn
        ],
        "warnings": [
            (str(w.message), f"{w.category.__module__}:{w.category.__qualname__}", w.filename, w.lineno) for w in said
        ],
    }
    _cache.store(options.cache, key, [path for _, written, _ in drawn for path in written], manifest)
    return drawn


def render_all(area: StudyArea, options: RenderOptions, out_dir: Path) -> MapSet:
    """Draw every map and chart the results allow, in every configured format, and the atlas.

    Parameters
    ----------
    area
        The study area after statistics and classification.
    options
        What to draw and how (formats, dpi, scheme, title, language).
    out_dir
        The output folder; files go to ``out_dir/maps``.

    Returns
    -------
    MapSet
        The files written, the PNG of each figure (for the report) and the atlas result.
    """
    from umkm_geo._progress import tick
    from umkm_geo.render.atlas.layers import atlas_layers
    from umkm_geo.render.atlas.split import SPLIT_AREAS, write_split_atlas
    from umkm_geo.render.atlas.write import write_atlas
    from umkm_geo.render.static.maps import group_divide, locator_inset

    ctx = _context(area, options)
    maps = out_dir / "maps"
    paths: list[Path] = []
    images: dict[str, Path] = {}
    sizes: dict[str, Any] = {}
    with group_divide(_divide(area, options)), locator_inset(options.locator):
        drawn = _drawn_or_reused(area, ctx, maps, options)
    for done, (key, written, size) in enumerate(drawn, start=1):
        tick("maps", done)
        paths += written
        for written_path in written:
            if written_path.suffix == ".png":
                images[key] = written_path
        if size is not None:
            sizes[key] = size
    layers, details = atlas_layers(area.frame, area.results, illustrative=illustrative_components(area.provenance))
    page: dict[str, Any] = {
        "details": details,
        "title": options.title,
        "credits": ctx.credits,
        "lang": ctx.lang,
        "path": maps / "atlas.html",
    }
    if len(area.frame) > SPLIT_AREAS:
        atlas = write_split_atlas(area.frame, layers, province_names=options.province_names, **page)
    else:
        # the page is stamped when any of its layers is
        atlas = write_atlas(area.frame, layers, illustrative=False, **page)
    paths += atlas.files
    return MapSet(paths=tuple(paths), images=images, atlas=atlas, print_sizes=sizes)

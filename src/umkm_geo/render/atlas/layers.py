"""Atlas layers from the pipeline's results: one per indicator and per local statistic.

:func:`atlas_layers` reads ``StudyArea.results`` and returns the layers and popup rows that
:func:`umkm_geo.render.atlas.write.write_atlas` draws: a choropleth per classified indicator (with
the class breaks the PNGs use), LISA and bivariate LISA clusters, a LISA significance map, Gi* hot
and cold spots, local Geary, the Klassen typology and one LQ basis layer per sector, with p-values,
Gi* z and the basis sectors as popup rows. A layer or row made from an illustrative input (see
:mod:`umkm_geo._provenance`) is marked ``illustrative`` and carries the stamp in the atlas.

Layers are named as their PNGs are titled: a local statistic by its map title in
:mod:`umkm_geo.stats.registry`, the significance map, the kind of p-value and the schemes by the
static maps' words (``maps.*``, ``scheme.*``); the atlas's own patterns are ``atlas.layer.*`` in
the locale files.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from umkm_geo._errors import ConfigError
from umkm_geo._i18n import LANGS, catalogue, text
from umkm_geo._provenance import indicator_components, klassen_components, result_components
from umkm_geo.classify.breaks import ClassBreaks, format_number
from umkm_geo.classify.symbology import SCHEMES, qualitative_scheme, significance_bands, significance_scheme
from umkm_geo.indicators.core import Indicator
from umkm_geo.render.atlas.model import CategoryLayer, ChoroplethLayer, DetailRow
from umkm_geo.stats import registry

if TYPE_CHECKING:
    from umkm_geo.results import Results


def _p_kind(p_value: str, lang: str) -> str:
    """The kind of pseudo p-value in the static maps' words (``maps.p_value.*``), e.g. "p semu dua sisi"."""
    return catalogue(lang).get(f"maps.p_value.{p_value}", p_value)


def _variable_label(variable: str | None, indicators: Mapping[str, Indicator], lang: str) -> str:
    if not variable:
        return ""
    parts = [p.strip() for p in re.split(r"~", variable)]
    out = []
    for part in parts:
        inner = re.fullmatch(r"lag\((.+)\)", part)
        key = inner.group(1) if inner else part
        label = indicators[key].label(lang) if key in indicators else key
        out.append(f"lag({label})" if inner else label)
    return " ~ ".join(out)


def _sector(name: str) -> str:
    return str(name).replace("_", " ")


def _p_text(p: pd.Series, lang: str) -> pd.Series:
    """p-values with 3 decimals; below 0.001 as ``"< 0,001"`` (never a misleading ``0,000``)."""
    small = "< " + format_number(0.001, 3, lang=lang)
    return pd.Series(
        [None if pd.isna(v) else small if v < 0.0005 else format_number(v, 3, lang=lang) for v in p],
        index=p.index,
        dtype=object,
    )


def atlas_layers(
    frame: gpd.GeoDataFrame,
    results: Results,
    *,
    indicators: Sequence[str] | None = None,
    illustrative: Collection[str] = (),
) -> tuple[list[ChoroplethLayer | CategoryLayer], list[DetailRow]]:
    """Every atlas layer and popup row that the pipeline's results allow.

    Parameters
    ----------
    frame
        The study-area frame (indicator columns, indexed by kecamatan code).
    results
        ``StudyArea.results``: uses ``indicators`` and ``classes`` (choropleths), ``local``
        (LISA, bivariate LISA, Gi*, local Geary, and a significance layer of the LISA p-values),
        ``klassen`` and ``lq`` (one basis layer per sector), ``gap_lisa`` and ``leading`` (survey
        and produk unggulan); results not computed are skipped.
    indicators
        Keys of the choropleth layers, in order. ``None``: every classified indicator, the one
        the LISA analysed first.
    illustrative
        The illustrative inputs of the run (components of :data:`umkm_geo._provenance.COMPONENTS`,
        e.g. the keys of ``illustrative_components(area.provenance)``): every layer and row made from
        one of them is marked ``illustrative``.

    Returns
    -------
    tuple
        ``(layers, details)`` for :func:`write_atlas`.
    """
    inds: Mapping[str, Indicator] = results.indicators
    classes: Mapping[str, ClassBreaks] = results.classes
    local = results.local
    if indicators is None:
        keys = [k for k in classes if k in inds and k in frame.columns]
        analysed = getattr(local.get("moran"), "variable", None)
        if analysed in keys:
            keys.remove(analysed)
            keys.insert(0, analysed)
    else:
        keys = list(indicators)
        unknown = [k for k in keys if k not in classes or k not in inds or k not in frame.columns]
        if unknown:
            msg = f"No classified indicator column for {unknown}; classified: {sorted(classes)}."
            raise ConfigError(msg)
    invented = frozenset(illustrative)
    columns = list(frame.columns)

    def stamped(components: Collection[str]) -> bool:
        return bool(invented & set(components))

    layers: list[ChoroplethLayer | CategoryLayer] = [
        ChoroplethLayer(
            indicator=inds[k],
            values=frame[k],
            classes=classes[k],
            illustrative=stamped(indicator_components(k, results)),
        )
        for k in keys
    ]
    details: list[DetailRow] = []

    for name, res in local.items():  # in the order of the run, like the PNGs and the report
        spec = registry.get("local", name)
        title = {lang: spec.map_title(lang) for lang in LANGS}  # the PNG's title
        data = res.frame().reindex(frame.index)
        var_key = re.sub(r"\W+", "_", res.variable or name).strip("_")
        p_kind = {lang: _p_kind(res.p_value, lang) for lang in LANGS}
        alpha = {lang: format_number(res.alpha, 3, lang=lang).rstrip("0").rstrip(",.") for lang in LANGS}
        variable = {lang: _variable_label(res.variable, inds, lang) for lang in LANGS}
        label = {
            lang: text(
                "atlas.layer.local", lang, title=title[lang], variable=variable[lang], p=p_kind[lang], alpha=alpha[lang]
            )
            for lang in LANGS
        }
        made_up = stamped(result_components(res, results, columns))
        layers.append(
            CategoryLayer(
                key=f"{name}_{var_key}",
                label_id=label["id"],
                label_en=label["en"],
                values=data["cluster"],
                scheme=spec.scheme,
                short_id=title["id"],
                short_en=title["en"],
                illustrative=made_up,
            )
        )
        if name == "moran":
            bands = significance_bands(data["p_value"], island=data["cluster"].eq("island"))
            significance = {
                lang: text(
                    "atlas.layer.significance",
                    lang,
                    title=text("maps.significance", lang),  # the PNG's title
                    variable=variable[lang],
                    p=p_kind[lang],
                )
                for lang in LANGS
            }
            layers.append(
                CategoryLayer(
                    key=f"significance_{var_key}",
                    label_id=significance["id"],
                    label_en=significance["en"],
                    values=bands,
                    scheme=significance_scheme(
                        getattr(res, "permutations", None), res.p_value, present=set(bands.dropna())
                    ),
                    popup=False,
                    illustrative=made_up,
                )
            )
        if name == "gi_star" and "z_sim" in data:
            z_id, z_en = (text("atlas.layer.gi_z", lang) for lang in LANGS)
            details.append(DetailRow(f"{name}_z", z_id, z_en, data["z_sim"], 2, illustrative=made_up))
        p_row = {lang: text("atlas.layer.p_row", lang, p=p_kind[lang], title=title[lang]) for lang in LANGS}
        p_values = data["p_value"]
        details.append(
            DetailRow(
                f"{name}_p",
                p_row["id"],
                p_row["en"],
                _p_text(p_values, "id"),
                values_en=_p_text(p_values, "en"),
                illustrative=made_up,
            )
        )

    klassen = results.klassen
    if klassen is not None:
        quadrant = klassen.frame()["quadrant"].reindex(frame.index).astype(object)
        quadrant = quadrant.where(quadrant.notna(), None)
        sch = SCHEMES["klassen"]
        settings = klassen.settings
        variables = [settings.get("level_variable"), settings.get("growth_variable")]
        typology = dict(sch.title)
        if all(variables):
            for lang in LANGS:
                level, growth = (_variable_label(v, inds, lang) for v in variables)
                typology[lang] = text("atlas.layer.klassen", lang, title=sch.title[lang], level=level, growth=growth)
        layers.append(
            CategoryLayer(
                "klassen",
                typology["id"],
                typology["en"],
                quadrant,
                scheme="klassen",
                short_id=sch.title["id"],
                short_en=sch.title["en"],
                illustrative=stamped(klassen_components(results, columns)),
            )
        )

    lq = results.lq
    if lq is not None:
        wide = lq.lq.reindex(frame.index)
        for sector in wide.columns:
            basis = pd.Series(
                [None if pd.isna(v) else "basis" if v > 1 else "non_basis" for v in wide[sector]],
                index=wide.index,
                dtype=object,
            )
            layers.append(
                CategoryLayer(
                    key=f"basis_{sector}",
                    label_id=text("atlas.layer.basis", "id", sector=_sector(sector)),
                    label_en=text("atlas.layer.basis", "en", sector=_sector(sector)),
                    values=basis,
                    scheme="basis",
                    popup=False,
                    illustrative=stamped({"umkm"}),
                )
            )

        def summary(lang: str) -> pd.Series:
            out = {}
            for code, row in wide.iterrows():
                parts = [
                    f"{_sector(s)} ({format_number(v, 2, lang=lang)})"
                    for s, v in row.sort_values(ascending=False).items()
                    if pd.notna(v) and v > 1
                ]
                out[code] = "; ".join(parts) if parts else text("atlas.layer.basis_none", lang)
            return pd.Series(out, dtype=object).reindex(frame.index)

        details.append(
            DetailRow(
                "lq_basis",
                text("atlas.layer.basis_row", "id"),
                text("atlas.layer.basis_row", "en"),
                summary("id"),
                values_en=summary("en"),
                illustrative=stamped({"umkm"}),
            )
        )
    layers += _survey_layers(frame, results, invented)
    return layers, details


def _survey_layers(frame: pd.DataFrame, results: Results, invented: frozenset[str]) -> list[CategoryLayer]:
    """Layers of the survey and produk unggulan: need/access quadrant, LISA of the gap, leading product."""
    layers: list[CategoryLayer] = []
    if "kuadran_kebutuhan_akses" in frame:
        sch = SCHEMES["quadrant"]
        layers.append(
            CategoryLayer(
                "kuadran_kebutuhan_akses",
                sch.title["id"],
                sch.title["en"],
                frame["kuadran_kebutuhan_akses"].astype(object),
                scheme="quadrant",
                illustrative="survey" in invented,
            )
        )
    gap = results.gap_lisa
    if gap is not None:
        lisa = registry.get("local", "moran")
        label_id, label_en = (  # as the PNG's title
            text(
                "atlas.layer.titled",
                lang,
                title=lisa.map_title(lang),
                variable=_variable_label(gap.variable, results.indicators, lang),
            )
            for lang in LANGS
        )
        layers.append(
            CategoryLayer(
                "lisa_kesenjangan",
                label_id,
                label_en,
                gap.frame()["cluster"].reindex(frame.index).astype(object),
                scheme="lisa",
                popup=False,
                illustrative="survey" in invented,
            )
        )
    leading = results.leading
    if leading is not None:
        products = leading["produk"].reindex(frame.index).astype(object)
        products = products.where(products.notna(), None)
        title_id, title_en = (text("scheme.produk.title", lang) for lang in LANGS)
        sch = qualitative_scheme("produk", sorted(products.dropna().unique()), title=(title_id, title_en))
        layers.append(
            CategoryLayer(
                "produk_unggulan",
                title_id,
                title_en,
                products,
                scheme=sch,
                illustrative="products" in invented,
            )
        )
    return layers

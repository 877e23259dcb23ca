"""The numbers of the report's official-data section (``templates/official.j2``): real GRDP findings.

Like :mod:`umkm_geo.render.report.sections`: :func:`official` takes the shared
:class:`~umkm_geo.render.report.model.Report` and returns what the template shows (sentences generated
from the numbers, the credit lines, the quadrant table), every number formatted for the report's
language; the words are ``report.official.*`` in the locale files. The section stands before the
illustrative findings and only when the official stage ran (:func:`has_official`).
"""

from __future__ import annotations

from typing import Any

from umkm_geo._i18n import text
from umkm_geo.render.report.model import Report
from umkm_geo.stats.regional.typology import KLASSEN_LABELS

__all__ = ["grdp_sentences", "has_official", "idm_sentences", "official", "official_title"]

_KEY = "report.official."


def has_official(r: Report) -> bool:
    """Whether the run computed any official finding: GRDP, IDM or a ``[[layers]]`` layer."""
    results = r.results
    grdp = results.official_klassen is not None and results.official_grdp is not None
    return grdp or bool(results.official_idm_gap) or bool(results.layers)


def official_title(lang: str) -> str:
    """The section's title."""
    return text(f"{_KEY}title", lang)


def _pct(r: Report, value: Any) -> str:
    return r.num(100.0 * float(value), 2)


def official(r: Report) -> dict[str, Any]:
    """Sentences (sources, where the study's kab/kota stand, inequality), credits and the quadrant table."""
    results, lang = r.results, r.lang
    typology, table = results.official_klassen, results.official_grdp
    if typology is None or table is None:
        sentences = idm_sentences(r)
        credits = r.area.provenance.get("official_idm", {}).get("credits", [])
        computed = bool(sentences) or bool(results.layers)
        return {
            "computed": computed,
            "sentences": sentences,
            "credits": credits,
            "rows": [],
            "notes": [],
            "members": "",
            "layers": layers(r),
        }
    record = r.area.provenance.get("official_grdp", {})
    start, end = record.get("growth_period", ["–", "–"])
    frame = typology.frame()
    label = 0 if lang == "id" else 1
    sentences = grdp_sentences(r)
    rows = []
    for quadrant, count in typology.counts().items():
        members = frame.index[frame["quadrant"] == quadrant]
        names = [str(table.at[k, "nama"]) for k in members]
        rows.append([f"{quadrant} ({KLASSEN_LABELS[str(quadrant)][label]})", int(count), ", ".join(names)])
    sentences += idm_sentences(r)
    credits = [*record.get("credits", []), *r.area.provenance.get("official_idm", {}).get("credits", [])]
    return {
        "computed": True,
        "sentences": sentences,
        "credits": list(dict.fromkeys(credits)),
        "rows": rows,
        "notes": [text(f"{_KEY}definition", lang, start=start, end=end)],
        "members": text(f"{_KEY}members", lang),
        "layers": layers(r),
    }


def grdp_sentences(r: Report) -> list[str]:
    """GRDP per capita: the sources, where each kab/kota of the study stands (Klassen), the inequality."""
    results, lang = r.results, r.lang
    typology, table = results.official_klassen, results.official_grdp
    if typology is None or table is None:
        return []
    record = r.area.provenance.get("official_grdp", {})
    start, end = record.get("growth_period", ["–", "–"])
    provinces = ", ".join(str(v) for v in record.get("provinces", {}).values())
    frame = typology.frame()
    label = 0 if lang == "id" else 1
    sentences = [
        text(f"{_KEY}intro", lang, n=len(table), provinces=provinces, start=start, end=end),
    ]
    for kode in table.index[table["wilayah_studi"]]:
        row = frame.loc[kode]
        if row["quadrant"] is None or str(row["quadrant"]) == "<NA>":
            continue
        sentences.append(
            text(
                f"{_KEY}unit",
                lang,
                nama=table.at[kode, "nama"],
                year=end,
                end=end,
                level=r.num(row["level"], 0),
                level_reference=r.num(typology.level_reference, 0),
                start=start,
                growth=_pct(r, row["growth"]),
                growth_reference=_pct(r, typology.growth_reference),
                quadrant=row["quadrant"],
                label=row["label_id"] if label == 0 else row["label_en"],
            )
        )
    williamson, theil_t = results.official_williamson, results.official_theil
    if williamson is not None and theil_t is not None:
        sentences.append(
            text(
                f"{_KEY}inequality",
                lang,
                year=end,
                n=williamson.n,
                williamson=r.num(williamson.value, 3),
                theil=r.num(theil_t.total, 3),
            )
        )
    return sentences


#: The figures of a layer shown in the report (the rest are in its folder): the analysed indicator's
#: choropleth, the desa status, the LISA clusters and the Gi* hot and cold spots.
_LAYER_FIGURES = ("status_idm", "lisa_", "gi_star_")


def layers(r: Report) -> list[dict[str, Any]]:
    """Each ``[[layers]]`` layer: its title, sentences (spatial statistics, gap, Theil), figures and folder."""
    from umkm_geo._i18n import unit_level
    from umkm_geo.render.report.figures import caption, embedded
    from umkm_geo.render.report.interpret import interpret

    out = []
    for name, area in r.results.layers.items():
        key = _layer_indicator(area)
        label = area.results.indicators[key].label(r.lang) if key in area.results.indicators else key
        with unit_level(area.level):
            found = interpret(area, alpha=r.alpha, lang=r.lang)
            n_value = int(area.frame[key].notna().sum()) if key in area.frame else 0
            weights = area.results.weights
            intro = text(
                f"{_KEY}layer_intro",
                r.lang,
                indicator=label,
                n=len(area),
                n_value=n_value,
                n_none=len(area) - n_value,
                weights=weights.method if weights is not None else "–",
            )
            title = text(f"{_KEY}layer_title", r.lang, indicator=label, name=name)
            prefix = f"lapisan/{name}/"
            figures = []
            for image, path in r.images.items():
                figure = image.removeprefix(prefix)
                if not image.startswith(prefix) or not (figure == key or figure.startswith(_LAYER_FIGURES)):
                    continue
                uri, width, height = embedded(image, path, r.options.cache)
                figures.append(
                    {
                        "key": image.replace("/", "-"),
                        "uri": uri,
                        "width": width,
                        "height": height,
                        "caption": caption(r, figure),  # in the layer's unit ({area_unit}: desa/kelurahan)
                        "stamped": False,
                    }
                )
        out.append(
            {
                "title": title,
                "sentences": [intro, *found["global"], *found["local"], *found["gap"]],
                "figures": figures,
                "files": text(f"{_KEY}layer_files", r.lang, folder=prefix),
            }
        )
    return out


def _layer_indicator(area: Any) -> str:
    """The indicator a layer analysed: the variable of its global Moran, else its first IDM column."""
    moran = area.results.moran
    variable = getattr(moran, "variable", None) if moran is not None else None
    if variable:
        return str(variable)
    return next((k for k in ("idm", "iks", "ike", "ikl") if k in area.results.indicators), "idm")


def idm_sentences(r: Report) -> list[str]:
    """IDM 2024: the means of the compared groups (kecamatan and desa), the gaps and p, the units without IDM."""
    results, lang = r.results, r.lang
    table, gaps = results.official_idm_kecamatan, results.official_idm_gap
    if table is None or not {"idm_kecamatan", "ike_kecamatan", "idm_desa", "ike_desa"} <= set(gaps):
        return []
    idm_k, ike_k, idm_d, ike_d = (gaps[k] for k in ("idm_kecamatan", "ike_kecamatan", "idm_desa", "ike_desa"))
    no_data = table.index[table["n_desa_idm"] == 0]
    sentences = [
        text(
            f"{_KEY}idm_means",
            lang,
            a=idm_k.a,
            b=idm_k.b,
            n_kec_a=idm_k.n_a,
            n_kec_b=idm_k.n_b,
            idm_a=r.num(idm_k.mean_a, 3),
            idm_b=r.num(idm_k.mean_b, 3),
            ike_a=r.num(ike_k.mean_a, 3),
            ike_b=r.num(ike_k.mean_b, 3),
            n_desa_a=idm_d.n_a,
            n_desa_b=idm_d.n_b,
            idm_desa_a=r.num(idm_d.mean_a, 3),
            idm_desa_b=r.num(idm_d.mean_b, 3),
            ike_desa_a=r.num(ike_d.mean_a, 3),
            ike_desa_b=r.num(ike_d.mean_b, 3),
        ),
        text(
            f"{_KEY}idm_gap",
            lang,
            a=idm_k.a,
            b=idm_k.b,
            idm_gap=r.num(idm_k.difference, 3),
            idm_p=r.num(idm_k.p_value, 4),
            ike_gap=r.num(ike_k.difference, 3),
            ike_p=r.num(ike_k.p_value, 4),
            idm_desa_gap=r.num(idm_d.difference, 3),
            idm_desa_p=r.num(idm_d.p_value, 4),
            ike_desa_gap=r.num(ike_d.difference, 3),
            ike_desa_p=r.num(ike_d.p_value, 4),
            permutations=idm_k.permutations,
        ),
    ]
    if len(no_data):
        names = ", ".join(str(table.at[k, "nama"]) for k in no_data)
        sentences.append(text(f"{_KEY}idm_no_data", lang, n=len(no_data), names=names))
    return sentences

"""The headline findings of a run, a line each, for the end of ``umkm-geo maps`` (real findings first).

Each line names its data: the official findings (GRDP per capita and IDM 2024) come first; a finding
on an illustrative input ends with "(illustrative data)". The words are the CLI's (English, like its
other messages); the report states the same findings in the report's language.
"""

from __future__ import annotations

from umkm_geo._provenance import figure_components, is_illustrative
from umkm_geo.study_area import StudyArea

__all__ = ["summary_lines"]

_ILLUSTRATIVE = " (illustrative data)"


def _moran_line(area: StudyArea, what: str) -> str | None:
    moran = area.results.moran
    if moran is None:
        return None
    key = f"moran_scatter_{moran.variable}"
    mark = (
        _ILLUSTRATIVE
        if is_illustrative(area.provenance, figure_components(key, area.results, area.frame.columns))
        else ""
    )
    local = area.results.local.get("moran")
    clusters = ""
    if local is not None:
        counts = local.frame()["cluster"].value_counts()
        clusters = f"; LISA {int(counts.get('HH', 0))} HH and {int(counts.get('LL', 0))} LL units"
    return f"{what}: Moran's I of {moran.variable} = {moran.I:.3f} (p = {moran.p_sim:.3f}){clusters}{mark}"


def summary_lines(area: StudyArea) -> list[str]:
    """The run's headline findings: official ones, the layers', then the analysed indicator's."""
    results = area.results
    lines: list[str] = []
    typology, grdp = results.official_klassen, results.official_grdp
    if typology is not None and grdp is not None:
        frame = typology.frame()
        for kode in grdp.index[grdp["wilayah_studi"]]:
            row = frame.loc[kode]
            lines.append(
                f"official: {grdp.at[kode, 'nama']} is in Klassen quadrant {row['quadrant']} of GRDP per capita"
            )
    for name in ("idm_desa", "idm_kecamatan"):
        gap = results.official_idm_gap.get(name)
        if gap is not None:
            level = name.split("_")[1]
            lines.append(
                f"official: IDM 2024 per {level}, {gap.a} {gap.mean_a:.3f} vs {gap.b} {gap.mean_b:.3f}"
                f" (permutation p = {gap.p_value:.4f})"
            )
    for name, layer in results.layers.items():
        line = _moran_line(layer, f"official, layer {name} ({layer.level})")
        if line:
            lines.append(line)
    line = _moran_line(area, f"analysed indicator ({area.level})")
    if line:
        lines.append(line)
    table = results.gap_table
    if table is not None and len(table.pairs_frame()):
        pair = table.pairs_frame().iloc[0]
        mark = (
            _ILLUSTRATIVE
            if is_illustrative(area.provenance, figure_components("north_south", results, area.frame.columns))
            else ""
        )
        lines.append(
            f"gap {pair['a']}-{pair['b']} of {table.variable}: {pair['difference']:.3f}"
            f" (permutation p = {pair['p_value']:.4f}){mark}"
        )
    return lines

"""Legends of the LISA significance map show only the p-value classes the permutations can reach."""

import pandas as pd
import pytest

from umkm_geo.stats.autocorrelation.local import local_moran


@pytest.mark.parametrize(
    ("permutations", "p_value", "bands"),
    [
        (999, "two-sided", ["p001", "p005"]),  # smallest p 2 / 1000 = 0.002: no "p ≤ 0.001"
        (1999, "two-sided", ["p0001", "p001", "p005"]),  # 2 / 2000 = 0.001
        (999, "folded", ["p0001", "p001", "p005"]),  # 1 / 1000
        (99, "two-sided", ["p005"]),  # 0.02
        (19, "two-sided", []),  # 0.1: no band at all
    ],
)
def test_the_significance_legend_shows_reachable_classes_only(permutations, p_value, bands):
    from umkm_geo.classify.symbology import category_legend, significance_scheme

    sch = significance_scheme(permutations, p_value)
    assert list(sch.codes) == [*bands, "ns", "island"]
    codes = pd.Series(["ns", "island", *bands], dtype=object)
    labels = [entry.label for entry in category_legend(codes, "id", sch)]
    assert ("p ≤ 0,001" in labels) == ("p0001" in bands)
    # a code present in the data is never dropped from its own legend
    assert "p0001" in significance_scheme(permutations, p_value, present={"p0001"}).codes


def test_the_lisa_significance_map_of_999_permutations_has_no_band_below_0_002(two_blocks):
    from _independent import lattice
    from umkm_geo.render.static.local_maps import significance_figure

    y, graph, _ = two_blocks
    frame = lattice(10, 10).assign(nama="k", kab_kode="35.99", kab_nama="x")
    result = local_moran(y, graph, permutations=999, seed=2)
    fig = significance_figure(frame, result, title="p", credits="c", illustrative=False)
    (legend,) = [a.get_legend() for a in fig.axes if a.get_legend() is not None]
    texts = [t.get_text() for t in legend.get_texts()]
    assert not any(t.startswith("p ≤ 0,001") for t in texts)
    assert any(t.startswith("p ≤ 0,01 ") for t in texts) and any(t.startswith("p ≤ 0,05 ") for t in texts)

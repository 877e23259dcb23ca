"""add_indicators counts every business once: total rows next to sector rows, duplicates, blanks (issue 9)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from umkm_geo._errors import TableError
from umkm_geo.indicators.core import add_indicators
from umkm_geo.study_area import StudyArea

KEP, SUK, SAN = "35.72.01", "35.72.02", "35.72.03"


@pytest.fixture(scope="module")
def area() -> StudyArea:
    frame = gpd.GeoDataFrame(
        {
            "kode": [KEP, SUK, SAN],
            "nama": ["Kepanjenkidul", "Sukorejo", "Sananwetan"],
            "kab_kode": ["35.72"] * 3,
            "kab_nama": ["Kota Blitar"] * 3,
        },
        geometry=[box(112.15 + 0.01 * i, -8.1, 112.16 + 0.01 * i, -8.09) for i in range(3)],
        crs="EPSG:4326",
    ).set_index("kode")
    return StudyArea(frame=frame, region=("35.72",))


def _long(rows: list[tuple[str, str, int | None, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kode", "sektor", "tahun", "jumlah"])
    frame["tahun"] = pd.array(frame["tahun"], dtype="Int64")
    return frame


SECTORS = [
    (KEP, "perdagangan", 2023, 80),
    (KEP, "jasa", 2023, 40),
    (SUK, "perdagangan", 2023, 60),
    (SUK, "jasa", 2023, 35),
    (SAN, "perdagangan", 2023, 100),
    (SAN, "jasa", 2023, 43),
]


def test_a_total_next_to_its_sectors_is_not_added_to_them(area):
    totals = [(KEP, "total", 2023, 120), (SUK, "total", 2023, 95), (SAN, "total", 2023, 143)]
    out = add_indicators(area, _long(SECTORS + totals)).frame
    assert out["umkm_count"].tolist() == [120.0, 95.0, 143.0]  # not 240, 190, 286
    assert out["umkm_count_2023"].tolist() == [120.0, 95.0, 143.0]
    # shares are of the sectors only: 80 of 120, 60 of 95, 100 of 143
    np.testing.assert_allclose(out["share_perdagangan"], [100 * 80 / 120, 100 * 60 / 95, 100 * 100 / 143])
    np.testing.assert_allclose(out["share_perdagangan"] + out["share_jasa"], 100.0)
    assert "share_total" not in out.columns


def test_a_kecamatan_with_only_a_total_or_only_sectors_uses_what_it_has(area):
    rows = [r for r in SECTORS if r[0] != SAN] + [(KEP, "total", 2023, 120), (SAN, "total", 2023, 143)]
    out = add_indicators(area, _long(rows)).frame
    assert out["umkm_count"].tolist() == [120.0, 95.0, 143.0]
    assert np.isnan(out.loc[SAN, "share_jasa"])  # no sector rows: no shares
    assert out.loc[SUK, "share_jasa"] == pytest.approx(100 * 35 / 95)


def test_a_total_that_disagrees_with_its_sectors_stops_the_run(area):
    totals = [(KEP, "total", 2023, 120), (SUK, "total", 2023, 99), (SAN, "total", 2023, 143)]
    with pytest.raises(TableError) as caught:
        add_indicators(area, _long(SECTORS + totals))
    assert str(caught.value) == (
        "The total rows disagree with the sum of the sector rows: 35.72.02 2023: total 99 vs sectors 95. Fix the"
        " table (or give only the sectors), so that no business is counted twice or left out."
    )


def test_a_repeated_row_stops_the_run(area):
    with pytest.raises(TableError) as caught:
        add_indicators(area, _long([*SECTORS, (SUK, "jasa", 2023, 35)]))
    assert str(caught.value) == (
        "The count table has several rows for the same kecamatan, sector and year: 35.72.02 jasa 2023; keep one"
        " row each (add them up first if they are parts), so that nothing is counted twice."
    )


def test_a_missing_count_is_no_data_not_zero(area):
    rows = [(k, s, y, np.nan if (k, s) == (SUK, "jasa") else v) for k, s, y, v in SECTORS]
    rows += [(k, s, 2022, v - 10) for k, s, _, v in SECTORS]
    out = add_indicators(area, _long(rows)).frame
    assert out["umkm_count_2023"].tolist()[0] == 120.0 and np.isnan(out.loc[SUK, "umkm_count_2023"])
    assert out["umkm_count_2022"].tolist() == [100.0, 75.0, 123.0]  # the other year is known
    assert np.isnan(out.loc[SUK, "umkm_change"]) and out.loc[KEP, "umkm_change"] == 20.0
    assert np.isnan(out.loc[SUK, "share_perdagangan"]) and np.isnan(out.loc[SUK, "share_jasa"])
    assert out.loc[SAN, "share_perdagangan"] == pytest.approx(100 * 100 / 143)


def test_a_table_without_years_or_sectors(area):
    rows = [(KEP, "total", None, 120), (SUK, "total", None, 95), (SAN, "total", None, 143)]
    out = add_indicators(area, _long(rows)).frame
    assert out["umkm_count"].tolist() == [120.0, 95.0, 143.0]
    assert not [c for c in out.columns if c.startswith(("share_", "umkm_count_", "umkm_change"))]

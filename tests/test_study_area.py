"""StudyArea is immutable: no caller can change a stage's output through the object (issue 10)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from umkm_geo.indicators.core import add_indicators
from umkm_geo.results import Results
from umkm_geo.study_area import StudyArea

KEP, SUK, SAN = "35.72.01", "35.72.02", "35.72.03"


def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "kode": [KEP, SUK, SAN],
            "nama": ["Kepanjenkidul", "Sukorejo", "Sananwetan"],
            "kab_kode": ["35.72"] * 3,
            "kab_nama": ["Kota Blitar"] * 3,
            "x": [1.0, 2.0, 3.0],
        },
        geometry=[box(112.15 + 0.01 * i, -8.1, 112.16 + 0.01 * i, -8.09) for i in range(3)],
        crs="EPSG:4326",
    ).set_index("kode")


def _counts() -> pd.DataFrame:
    frame = pd.DataFrame(
        [(KEP, "perdagangan", 2023, 80), (SUK, "perdagangan", 2023, 60), (SAN, "perdagangan", 2023, 100)],
        columns=["kode", "sektor", "tahun", "jumlah"],
    )
    frame["tahun"] = pd.array(frame["tahun"], dtype="Int64")
    return frame


def _add_column(f: gpd.GeoDataFrame) -> None:
    f["planted"] = 1.0


def _set_value(f: gpd.GeoDataFrame) -> None:
    f.loc[KEP, "x"] = 99.0


def _set_cell(f: gpd.GeoDataFrame) -> None:
    f.iat[0, f.columns.get_loc("x")] = 99.0


def _set_geometry_in_array(f: gpd.GeoDataFrame) -> None:
    f.geometry.values[0] = Point(0, 0)  # the GeometryArray itself, past pandas' copy-on-write


def _rename_index(f: gpd.GeoDataFrame) -> None:
    f.index.name = "other"


def _set_attrs(f: gpd.GeoDataFrame) -> None:
    f.attrs["planted"] = True


MUTATIONS = [_add_column, _set_value, _set_cell, _set_geometry_in_array, _rename_index, _set_attrs]


def _assert_unchanged(frame: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    assert list(frame.columns) == list(expected.columns)
    assert frame.index.name == "kode"
    assert frame.attrs == expected.attrs
    pd.testing.assert_frame_equal(
        pd.DataFrame(frame.drop(columns="geometry")), pd.DataFrame(expected.drop(columns="geometry"))
    )
    assert frame.geometry.geom_equals_exact(expected.geometry, tolerance=0).all()


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__.lstrip("_"))
def test_the_frame_handed_out_cannot_change_the_area(mutate):
    area = StudyArea(frame=_frame(), region=("35.72",))
    handed_out = area.frame
    mutate(handed_out)
    _assert_unchanged(area.frame, _frame())
    # a second caller gets the area's frame, not the first caller's changed copy
    assert area.frame is not handed_out


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__.lstrip("_"))
def test_the_frame_given_to_the_area_is_copied(mutate):
    given = _frame()
    area = StudyArea(frame=given, region=("35.72",))
    mutate(given)
    _assert_unchanged(area.frame, _frame())


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__.lstrip("_"))
def test_a_caller_cannot_change_a_stages_output(mutate):
    before = StudyArea(frame=_frame(), region=("35.72",))
    out = add_indicators(before, _counts())  # a stage: StudyArea -> new StudyArea
    expected = out.frame.copy()  # deep: a copy of what the stage produced
    assert out.frame["umkm_count"].tolist() == [80.0, 60.0, 100.0]
    mutate(out.frame)
    _assert_unchanged(out.frame, expected)
    # the stage did not change its input either
    assert "umkm_count" not in before.frame.columns
    _assert_unchanged(before.frame, _frame())


def test_with_methods_return_new_areas_and_keep_the_old_one():
    area = StudyArea(frame=_frame(), region=("35.72",), results=Results(indicator_year=2020), provenance={"p": "x"})
    added = area.with_columns(y=[4.0, 5.0, 6.0])
    assert "y" in added.frame.columns
    assert "y" not in area.frame.columns
    np.testing.assert_array_equal(added.frame["x"], [1.0, 2.0, 3.0])
    assert added.results is area.results  # kept, not copied
    assert added.provenance == {"p": "x"}
    assert added.region == ("35.72",)

    later = added.with_results(skipped={"b": "why"}).with_provenance(q="y").with_weights("w")  # type: ignore[arg-type]
    assert later.results.computed() == {"indicator_year": 2020, "skipped": {"b": "why"}}
    assert dict(later.provenance) == {"p": "x", "q": "y"}
    assert later.weights == "w"
    assert list(later.frame.columns) == list(added.frame.columns)
    assert added.results.computed() == {"indicator_year": 2020}
    assert dict(added.provenance) == {"p": "x"}
    assert added.weights is None
    assert later.codes == [KEP, SUK, SAN]
    assert len(later) == 3


def test_with_frame_copies_and_checks_the_units():
    area = StudyArea(frame=_frame(), region=("35.72",))
    frame = area.frame
    frame["y"] = 1.0
    new = area.with_frame(frame)
    frame.loc[KEP, "y"] = 99.0
    assert new.frame["y"].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="keep the study area's units and their order"):
        area.with_frame(frame.iloc[::-1])


def test_fields_results_and_provenance_cannot_be_replaced_or_changed():
    area = StudyArea(frame=_frame(), region=["35.72"], results=Results(skipped={"a": "why"}), provenance={"p": "x"})
    assert area.region == ("35.72",)
    with pytest.raises(AttributeError):
        area.frame = _frame()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        area.region = ("35.05",)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        area.results = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        area.results.skipped = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        area.results.skipped["a"] = "other"  # type: ignore[index]
    with pytest.raises(TypeError):
        area.provenance["p"] = "y"  # type: ignore[index]
    assert dict(area.results.skipped) == {"a": "why"}
    assert dict(area.provenance) == {"p": "x"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="kab_nama"), "lacks the columns"),
        (lambda f: f.rename_axis("id"), "indexed by 'kode'"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "duplicate codes"),
    ],
)
def test_a_frame_that_is_not_a_study_area_is_refused(change, message):
    with pytest.raises(ValueError, match=message):
        StudyArea(frame=change(_frame()), region=("35.72",))


def test_results_are_typed_fields_not_a_bag():
    with pytest.raises(TypeError):
        StudyArea(frame=_frame(), region=("35.72",), results={"a": 1})  # type: ignore[arg-type]
    area = StudyArea(frame=_frame(), region=("35.72",))
    with pytest.raises(TypeError):
        area.with_results(no_such_result=1)
    assert area.results.computed() == {}


def test_level_and_parent_codes():
    area = StudyArea(frame=_frame(), region=("35.72",))
    assert area.level == "kecamatan"
    assert area.parent_codes("kabupaten") == ["35.72", "35.72", "35.72"]
    assert area.parent_codes("provinsi") == ["35", "35", "35"]
    with pytest.raises(ValueError, match="not a level above"):
        area.parent_codes("desa")
    with pytest.raises(ValueError, match="level must be"):
        StudyArea(frame=_frame(), region=("35.72",), level="provinsi")  # type: ignore[arg-type]
    assert area.with_columns(y=[1.0, 2.0, 3.0]).level == "kecamatan"

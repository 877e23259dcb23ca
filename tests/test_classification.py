import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.classification import SCHEMES, classify, format_number
from umkm_geo.render._style import NODATA_COLOR, sequential_colors


def series(values, name="x"):
    index = pd.Index([f"35.05.{i + 1:02d}" for i in range(len(values))], name="kode")
    return pd.Series(values, index=index, name=name, dtype=float)


def test_fisher_jenks_finds_the_natural_groups():
    cb = classify(series([1, 2, 3, 10, 11, 12, 20, 21, 22]), scheme="fisher_jenks", k=3)
    assert cb.upper == (3.0, 12.0, 22.0)
    assert cb.lower == 1.0
    assert cb.counts == (3, 3, 3)
    assert cb.yb.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert cb.labels(0) == ["1 – 3", "3 – 12", "12 – 22"]
    assert (cb.k, cb.k_requested) == (3, 3)


def test_equal_interval_keeps_empty_classes():
    cb = classify(series([0, 1, 2, 9, 10]), scheme="equal_interval", k=5)
    assert cb.upper == (2.0, 4.0, 6.0, 8.0, 10.0)
    assert cb.counts == (3, 0, 0, 0, 2)
    assert cb.k == 5


def test_quantile_ties_collapse_and_report_the_classes_made():
    values = series([1, 1, 1, 1, 1, 1, 2, 3, 4, 10])
    with pytest.warns(UserWarning, match="3 classes instead of 5"):
        cb = classify(values, scheme="quantiles", k=5)
    assert cb.k_requested == 5
    assert cb.k == 3
    assert cb.upper == pytest.approx((1.0, 3.2, 10.0))
    assert cb.counts == (6, 2, 2)
    assert sum(cb.counts) == len(values)
    assert len(cb.colors) == len(cb.labels(1)) == 3
    assert cb.labels(1) == ["1,0", "1,0 – 3,2", "3,2 – 10,0"]


def test_nan_is_no_data_with_class_minus_one():
    values = series([5, np.nan, 1, 3, np.nan, 9])
    cb = classify(values, scheme="equal_interval", k=2)
    assert cb.yb.index.equals(values.index)
    assert cb.yb.name == "x"
    assert cb.upper == (5.0, 9.0)
    assert cb.yb.tolist() == [0, -1, 0, 0, -1, 1]
    assert cb.n_nodata == 2
    assert sum(cb.counts) == 4
    assert cb.lower == 1.0
    assert cb.color_for(-1) == NODATA_COLOR


def test_unknown_scheme_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="natural") as info:
        classify(series([1, 2, 3]), scheme="natural")
    for name in SCHEMES:
        assert name in str(info.value)


def test_bins_only_with_user_defined():
    with pytest.raises(ConfigError, match="user_defined"):
        classify(series([1, 2, 3]), scheme="user_defined")
    with pytest.raises(ConfigError, match="bins"):
        classify(series([1, 2, 3]), scheme="quantiles", bins=[1, 2])
    with pytest.raises(ConfigError, match="increasing"):
        classify(series([1, 2, 3]), scheme="user_defined", bins=[3, 2])


def test_all_missing_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="no value"):
        classify(series([np.nan, np.nan]))


def test_user_defined_adds_a_class_up_to_the_maximum():
    cb = classify(series([1, 2, 3, 4, 6, 10]), scheme="user_defined", bins=[2, 5])
    assert cb.upper == (2.0, 5.0, 10.0)
    assert cb.counts == (2, 2, 2)
    assert cb.k_requested == cb.k == 3


def test_box_plot_drops_classes_below_the_data():
    cb = classify(series(np.arange(10)), scheme="box_plot")
    # mapclassify's first (low-outlier) bin, -4.5, lies below every value.
    assert cb.upper == (2.25, 4.5, 6.75, 13.5)
    assert cb.counts == (3, 2, 2, 3)
    assert cb.k_requested == 5
    assert cb.k == 4


def test_constant_values_make_one_class():
    with pytest.warns(UserWarning, match="1 classes instead of 3"):
        cb = classify(series([4, 4, 4]), scheme="equal_interval", k=3)
    assert (cb.k, cb.upper, cb.counts) == (1, (4.0,), (3,))
    assert cb.labels(0) == ["4"]


def test_colors_are_a_sequential_palette_light_to_dark():
    cb = classify(series(np.arange(20)), scheme="quantiles", k=5)
    assert cb.colors == sequential_colors(5)
    assert len(set(cb.colors)) == 5
    lightness = [sum(to_rgb(c)) for c in cb.colors]
    assert lightness == sorted(lightness, reverse=True)
    assert [cb.color_for(i) for i in range(5)] == list(cb.colors)
    with pytest.raises(IndexError):
        cb.color_for(5)


def test_format_number_by_language():
    assert format_number(1234567.891, 2) == "1.234.567,89"
    assert format_number(1234567.891, 2, lang="en") == "1,234,567.89"
    assert format_number(-0.01, 1) == "0,0"
    assert format_number(np.nan, 1) == "–"


def test_labels_in_english_use_a_decimal_point():
    cb = classify(series([0.5, 1.25, 2000.75]), scheme="user_defined", bins=[1, 2000.75])
    assert cb.labels(2, lang="en") == ["0.50 – 1.00", "1.00 – 2,000.75"]
    assert cb.labels(2) == ["0,50 – 1,00", "1,00 – 2.000,75"]


def test_to_dict_is_json_ready():
    cb = classify(series([1, 2, 3, 10, 11, 12, np.nan]), scheme="fisher_jenks", k=2)
    out = json.loads(json.dumps(cb.to_dict(decimals=1)))
    assert out["scheme"] == "fisher_jenks"
    assert out["n_nodata"] == 1
    assert [c["upper"] for c in out["classes"]] == [3.0, 12.0]
    assert [c["label"] for c in out["classes"]] == cb.labels(1)
    assert [c["count"] for c in out["classes"]] == [3, 3]
    assert [c["color"] for c in out["classes"]] == list(cb.colors)


def test_fisher_jenks_with_fewer_distinct_values_than_classes():
    with pytest.warns(UserWarning, match="2 classes instead of 4"):
        cb = classify(series([3, 3, 7, 7, 7]), scheme="fisher_jenks", k=4)
    assert (cb.k_requested, cb.k) == (4, 2)
    assert cb.upper == (3.0, 7.0)
    assert cb.counts == (2, 3)

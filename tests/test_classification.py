import json

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from umkm_geo._errors import AnalysisError, ConfigError
from umkm_geo.classify.breaks import LQ_BINS, SCHEMES, classify, format_number, lq_classes
from umkm_geo.classify.symbology import (
    DIVERGING_CMAP,
    NODATA_COLOR,
    diverging_colors,
    diverging_positions,
    sequential_colors,
)


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
    # mapclassify's first (low-outlier) bin, -4.5, lies below every value; without high outliers
    # the 4th quartile ends at the maximum (9), not at the upper fence (6.75 + 1.5 * 4.5 = 13.5).
    assert cb.upper == (2.25, 4.5, 6.75, 9.0)
    assert cb.counts == (3, 2, 2, 3)
    assert cb.k_requested == 5
    assert cb.k == 4
    assert cb.roles == ("q1", "q2", "q3", "q4")


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
    assert out["center"] is None


def test_fisher_jenks_with_fewer_distinct_values_than_classes():
    with pytest.warns(UserWarning, match="2 classes instead of 4"):
        cb = classify(series([3, 3, 7, 7, 7]), scheme="fisher_jenks", k=4)
    assert (cb.k_requested, cb.k) == (4, 2)
    assert cb.upper == (3.0, 7.0)
    assert cb.counts == (2, 3)


def test_box_map_labels_name_the_outliers_and_quartiles():
    # y = 0..9 and 30 (n = 11): Q1 = 2.5, median = 5, Q3 = 7.5 (linear interpolation), IQR = 5,
    # fences -5 and 15; 30 is a high outlier, nothing is below -5.
    values = series([*range(10), 30])
    cb = classify(values, scheme="box_plot")
    assert cb.upper == (2.5, 5.0, 7.5, 15.0, 30.0)
    assert cb.counts == (3, 3, 2, 2, 1)
    assert cb.roles == ("q1", "q2", "q3", "q4", "high_outlier")
    assert cb.labels(1) == [
        "Kuartil 1: 0,0 – 2,5",
        "Kuartil 2: 2,5 – 5,0",
        "Kuartil 3: 5,0 – 7,5",
        "Kuartil 4: 7,5 – 15,0",
        "Pencilan atas: 15,0 – 30,0",
    ]
    assert cb.labels(0, lang="en")[-1] == "High outliers: 15 – 30"
    assert [c["role"] for c in cb.to_dict()["classes"]] == list(cb.roles)
    # Colours diverge at the median: two quartile classes below it, three classes above.
    assert cb.center == 5.0
    assert cb.colors == diverging_colors(2, 3)


def test_box_map_low_outliers():
    # -40 and 0..9 (n = 11): Q1 = 1.5, median = 4, Q3 = 6.5, IQR = 5, fences -6 and 14.
    cb = classify(series([-40, *range(10)]), scheme="box_plot")
    assert cb.roles == ("low_outlier", "q1", "q2", "q3", "q4")
    assert cb.upper == (-6.0, 1.5, 4.0, 6.5, 9.0)
    assert cb.counts == (1, 2, 3, 2, 3)
    assert cb.labels(1)[0] == "Pencilan bawah: -40,0 – -6,0"
    assert cb.labels(1, lang="en")[1] == "1st quartile: -6.0 – 1.5"


def test_values_of_both_signs_get_a_palette_diverging_at_zero():
    # Equal intervals of width 40 / 4 = 10 from -10: bounds 0, 10, 20, 30; 0 is already a bound.
    cb = classify(series([-10, -5, 5, 10, 20, 30]), scheme="equal_interval", k=4)
    assert cb.center == 0.0
    assert cb.upper == (0.0, 10.0, 20.0, 30.0)
    assert cb.counts == (2, 2, 1, 1)
    assert cb.colors == diverging_colors(1, 3)
    assert cb.describe() == "Klasifikasi: interval sama, 4 kelas; warna berbalik di 0"
    assert classify(series([-10, -5, 5, 10, 20, 30]), scheme="equal_interval", k=4, center=None).colors == (
        sequential_colors(4)
    )
    assert classify(series([1, 2, 3, 4]), scheme="equal_interval", k=2).center is None


def test_a_class_across_the_centre_is_split_there():
    # Natural breaks with k = 2 group {-3, -1, 2, 4} and {10, 12}; the first class straddles 0
    # and is split at 0, so 3 classes are made from the 2 asked for.
    cb = classify(series([-3, -1, 2, 4, 10, 12]), scheme="fisher_jenks", k=2)
    assert (cb.k_requested, cb.k) == (2, 3)
    assert cb.upper == (0.0, 4.0, 12.0)
    assert cb.counts == (2, 2, 2)
    assert cb.labels(0) == ["-3 – 0", "0 – 4", "4 – 12"]
    assert cb.colors == diverging_colors(1, 2)


def test_an_empty_class_below_the_centre_merges_into_the_one_under_it():
    # Natural breaks k = 3: {-13, -7}, {12, 13, 19}, {30}, bounds -7, 19, 30. Splitting at 0 leaves
    # (-7, 0] empty; the first class then ends at 0 (same members) so that no legend row reads
    # "-7 – 19" for a class of positive values.
    cb = classify(series([-13, -7, 12, 13, 19, 30]), scheme="fisher_jenks", k=3)
    assert cb.upper == (0.0, 19.0, 30.0)
    assert cb.counts == (2, 3, 1)
    assert cb.labels(0) == ["-13 – 0", "0 – 19", "19 – 30"]


def test_a_break_near_the_centre_moves_onto_it():
    # Equal intervals from -13.2 to 52.8 (width 13.2): the first bound is 0.0 up to rounding
    # error, which must not leave a sliver class "0,0 – 0,0".
    values = series(np.linspace(-13.2, 52.8, 11))
    cb = classify(values, scheme="equal_interval", k=5)
    assert cb.k == 5
    assert cb.upper[0] == 0.0
    assert len(set(cb.labels(1))) == 5


def test_diverging_palette_is_symmetric_around_the_centre():
    near, far = 0.12, 0.45
    assert diverging_positions(2, 2) == pytest.approx((0.5 - far, 0.5 - near, 0.5 + near, 0.5 + far))
    # With 1 class below and 3 above, the class just below gets the intensity of the one just above.
    low, *high = diverging_positions(1, 3)
    assert 0.5 - low == pytest.approx(high[0] - 0.5)
    assert diverging_positions(1, 1, neutral=True)[1] == 0.5
    cmap = mpl.colormaps[DIVERGING_CMAP]
    for p, color in zip(diverging_positions(3, 3), diverging_colors(3, 3), strict=True):
        assert color == mpl.colors.to_hex(cmap(p))
    blue, red = to_rgb(diverging_colors(1, 1)[0]), to_rgb(diverging_colors(1, 1)[1])
    assert blue[2] > blue[0] and red[0] > red[2]
    with pytest.raises(ValueError, match="at least one class"):
        diverging_positions(0, 0)


def test_lq_classes_diverge_at_one_with_fixed_bounds():
    # Bounds 0.5, 0.8, 1, 1.25, 2 and the maximum 3; empty classes inside the range are kept so
    # that every sector's map has the same classes. LQ = 1 is not basis (LQ <= 1).
    cb = lq_classes(series([0.4, 0.9, 1.0, 1.1, 3.0, np.nan]))
    assert cb.upper == (*LQ_BINS, 3.0)
    assert cb.counts == (1, 0, 2, 1, 0, 1)
    assert cb.center == 1.0
    assert cb.colors == diverging_colors(3, 3)
    assert cb.yb.tolist() == [0, 2, 2, 3, 5, -1]
    assert cb.describe("en") == "Classes: fixed class bounds, 6 classes; colours diverge at 1"


def test_bad_centre_is_a_config_error():
    with pytest.raises(ConfigError, match="'median'"):
        classify(series([1, 2, 3]), center="median")
    with pytest.raises(ConfigError, match="finite"):
        classify(series([1, 2, 3]), center=float("nan"))
    with pytest.raises(ConfigError, match="box map diverges at its median"):
        classify(series([1, 2, 3]), scheme="box_plot", center=0)


def test_describe_reports_the_classes_made():
    with pytest.warns(UserWarning):
        cb = classify(series([1, 1, 1, 1, 1, 1, 2, 3, 4, 10]), scheme="quantiles", k=5)
    assert cb.describe() == "Klasifikasi: kuantil, 3 kelas (5 diminta; nilai kembar)"
    assert cb.describe("en") == "Classes: quantiles, 3 classes (5 requested; tied values)"


# --- natural breaks without outliers (the default) -----------------------------------------------


def test_outliers_get_their_own_class_and_the_rest_keep_their_gradient():
    # 12 rural values in three natural groups and two kota outliers. Hand-worked fences (linear
    # percentiles of the 14 sorted values): Q1 at position 3.25 = 4 + 0.25 * 6 = 5.5, Q3 at 9.75 =
    # 21 + 0.75 = 21.75, IQR = 16.25, fences 5.5 - 24.375 = -18.875 and 21.75 + 24.375 = 46.125.
    rural = [1, 2, 3, 4, 10, 11, 12, 13, 20, 21, 22, 23]
    cb = classify(series([*rural, 300, 600]), k=4)
    assert cb.scheme == "fisher_jenks_outliers"
    assert cb.fence == pytest.approx((-18.875, 46.125))
    assert cb.upper == (4.0, 13.0, 23.0, 600.0)
    assert cb.counts == (4, 4, 4, 2)
    assert cb.roles == ("", "", "", "high_outlier")
    assert cb.labels(1) == ["1,0 – 4,0", "4,0 – 13,0", "13,0 – 23,0", "Pencilan atas: > 46,1"]
    assert "2 pencilan" in cb.describe() and "tanpa pencilan" in cb.describe()
    # plain natural breaks spend two of the four classes on the two outliers
    plain = classify(series([*rural, 300, 600]), scheme="fisher_jenks", k=4)
    assert plain.counts[-2:] == (1, 1)


def test_inner_breaks_are_mapclassify_natural_breaks_of_the_values_within_the_fences():
    import mapclassify

    rng = np.random.default_rng(7)
    values = np.r_[rng.lognormal(2, 0.4, 60), [400.0, 900.0, 0.001]]
    cb = classify(series(values), k=6)
    q1, q3 = np.percentile(values, [25, 75])
    inner = values[(values >= q1 - 1.5 * (q3 - q1)) & (values <= q3 + 1.5 * (q3 - q1))]
    n_sides = int(values.min() < q1 - 1.5 * (q3 - q1)) + int(values.max() > q3 + 1.5 * (q3 - q1))
    expected = mapclassify.FisherJenks(inner, k=6 - n_sides).bins
    roles = np.array(cb.roles)
    assert np.allclose(np.array(cb.upper)[roles == ""], expected)
    assert sum(cb.counts) == len(values)
    assert (cb.yb[roles[cb.yb] == "high_outlier"] >= 0).all()


def test_without_outliers_it_is_plain_natural_breaks():
    values = series([1, 2, 3, 10, 11, 12, 20, 21, 22])
    cb, plain = classify(values, k=3), classify(values, scheme="fisher_jenks", k=3)
    assert cb.upper == plain.upper and cb.roles == () and cb.fence is None
    assert cb.describe() == plain.describe()


def test_qualitative_categories_get_distinct_hues_not_light_dark_pairs():
    import colorsys
    import itertools

    from umkm_geo.classify.symbology import NODATA_COLOR, qualitative_scheme

    codes = [f"produk {i:02d}" for i in range(12)]
    colors = qualitative_scheme("produk", codes).colors
    hues = [colorsys.rgb_to_hsv(*to_rgb(colors[c]))[0] for c in codes]
    for a, b in itertools.combinations(hues, 2):
        assert min(abs(a - b), 1 - abs(a - b)) > 0.025  # tab20 gave pairs of one hue (distance 0)
    # no category is grey, the colour of "no data"
    assert all(colorsys.rgb_to_hsv(*to_rgb(colors[c]))[1] > 0.3 for c in codes)
    assert NODATA_COLOR not in colors.values()


def _datasets():
    rng = np.random.default_rng(2024)
    yield "lognormal", rng.lognormal(3, 1, 300)
    yield "normal", rng.normal(0, 1, 500)
    yield "ties", rng.integers(0, 6, 200).astype(float)
    yield "few", np.array([1.0, 1.0, 2.0, 7.0, 7.0, 7.5])
    yield "skewed", np.r_[rng.exponential(1, 150), [50.0, 80.0, 200.0]]
    yield "order_sample_1000", np.sort(rng.gamma(0.5, 10, 5000))[np.linspace(0, 4999, 1000).round().astype(int)]
    yield "integers", np.arange(40, dtype=float)
    for i in range(20):
        yield f"random_{i}", rng.normal(rng.uniform(-5, 5), rng.uniform(0.1, 10), int(rng.integers(8, 120)))


@pytest.mark.parametrize(("name", "y"), list(_datasets()), ids=[name for name, _ in _datasets()])
def test_every_scheme_has_mapclassifys_bounds_to_the_bit(name, y):
    import warnings

    import mapclassify

    from umkm_geo.classify import _schemes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in (2, 3, 5, 7):
            k_eff = min(k, np.unique(y).size)
            assert np.array_equal(_schemes.natural_breaks(y, k_eff), mapclassify.FisherJenks(y, k=k_eff).bins), k
            assert np.array_equal(_schemes.quantiles(y, k), mapclassify.Quantiles(y, k=k).bins), k
            assert np.array_equal(_schemes.equal_interval(y, k), mapclassify.EqualInterval(y, k=k).bins), k
        assert np.array_equal(_schemes.box_plot(y), mapclassify.BoxPlot(y).bins)

import dataclasses
import types
import warnings

import numpy as np
import pandas as pd
import pytest

from umkm_geo.render.report.interpret import (
    basis_sentences,
    display_names,
    format_p,
    format_setting,
    gap_sentences,
    global_sentence,
    global_variable,
    interpret,
    join_names,
    klassen_sentences,
    local_sentences,
    shift_share_sentences,
    theil_sentence,
)
from umkm_geo.stats.autocorrelation.global_ import GearyResult, GlobalMoranResult
from umkm_geo.stats.autocorrelation.local import local_gi_star, local_moran
from umkm_geo.stats.inequality.gap_table import gap_table
from umkm_geo.stats.inequality.indices import theil
from umkm_geo.stats.regional import klassen, location_quotient, shift_share

SETTINGS = {"permutations": 999, "seed": 1, "alternative": "two-sided"}


def _moran(i, p_sim, expected=-0.25):
    return GlobalMoranResult(
        variable="umkm_density",
        I=i,
        expected_I=expected,
        z_norm=0.0,
        p_norm=0.5,
        z_rand=0.0,
        p_rand=0.5,
        p_sim=p_sim,
        p_sim_folded=p_sim / 2,
        n=5,
        n_islands=0,
        permutations=999,
        seed=1,
        settings=SETTINGS,
    )


# --- numbers --------------------------------------------------------------------------------


def test_p_values_never_print_on_the_wrong_side_of_alpha():
    # 0.0504 rounds to 0.050 at 3 decimals, which would read as significant at 0.05.
    assert format_p(0.0504, alpha=0.05) == "0,0504"
    assert format_p(0.05, alpha=0.05) == "0,050"
    assert format_p(0.0496, alpha=0.05) == "0,050"  # 0.050 <= 0.05 like 0.0496: no contradiction
    assert format_p(0.035, permutations=9999, lang="en") == "0.0350"  # multiples of 1/10000
    assert format_p(0.00002, lang="en") == "< 0.001"
    assert format_p(float("nan")) == "–"
    assert format_setting(0.05) == "0,05"
    assert format_setting(0.05 / 7, "en") == "0.007143"


def test_names_are_listed_with_the_word_and():
    assert join_names(["Bakung", "Wonotirto", "Wates"]) == "Bakung, Wonotirto dan Wates"
    assert join_names(["Bakung", "Wates"], "en") == "Bakung and Wates"
    assert join_names(["Bakung"]) == "Bakung"


def test_repeated_names_get_their_code():
    frame = pd.DataFrame({"nama": ["Sukorejo", "Garum", "Sukorejo"]}, index=pd.Index(["a", "b", "c"], name="kode"))
    assert list(display_names(frame)) == ["Sukorejo (a)", "Garum", "Sukorejo (c)"]


# --- global statistics --------------------------------------------------------------------------


def test_global_moran_reading_at_the_threshold_edges():
    significant = global_sentence(_moran(0.4, 0.05), alpha=0.05, label="Kepadatan UMKM")
    assert significant == (
        "Moran's I global Kepadatan UMKM = 0,400 (E[I] = -0,250; p = 0,050, dua sisi, 999 permutasi): "
        "autokorelasi spasial positif yang signifikan pada α = 0,05."
    )
    just_above = global_sentence(_moran(0.4, 0.051), alpha=0.05)
    assert "p = 0,051" in just_above
    assert just_above.endswith("tidak ada autokorelasi spasial yang signifikan pada α = 0,05.")
    negative = global_sentence(_moran(-0.6, 0.002), alpha=0.05, lang="en")
    assert negative.endswith("significant negative spatial autocorrelation at α = 0.05.")
    # Significant but equal to its expectation: no direction to report.
    assert "tidak ada autokorelasi" in global_sentence(_moran(-0.25, 0.01))


def test_geary_below_one_is_positive_autocorrelation():
    fields = dict(variable="y", C=0.5, expected_C=1.0, z_norm=-3.0, p_norm=0.003, z_rand=-3.0, p_rand=0.003)
    result = GearyResult(**fields, p_sim=0.01, p_sim_folded=0.005, n=5, n_islands=0, permutations=999, seed=1,
                         settings=SETTINGS)  # fmt: skip
    assert "significant positive spatial autocorrelation" in global_sentence(result, lang="en")


def test_global_variable_labels():
    ind = {"umkm_density": types.SimpleNamespace(label=lambda lang: "Kepadatan UMKM")}
    assert global_variable({"variable": "umkm_density"}, ind) == "Kepadatan UMKM"
    assert global_variable({"variable": "umkm_density_above_median"}, ind) == "Kepadatan UMKM > median"
    assert global_variable({"x": "umkm_density", "y": "pop"}, ind) == "Kepadatan UMKM × lag(pop)"


# --- local statistics ---------------------------------------------------------------------------


def test_low_low_sentence_names_exactly_the_ll_units(two_blocks):
    y, graph, frame = two_blocks
    result = local_moran(y, graph, permutations=99, seed=1)
    names = pd.Series([f"K{i}" for i in range(len(frame))], index=frame.index)
    cluster = result.frame()["cluster"]
    expected = list(names[cluster == "LL"])
    assert len(expected) > 1
    sentences = local_sentences(result, names)
    ll = [s for s in sentences if "rendah-rendah (LL)" in s]
    assert ll == [
        f"Klaster rendah-rendah (LL) yang signifikan ({len(expected)} kecamatan): "
        f"{join_names(expected)} (p ≤ 0,05, dua sisi, 99 permutasi)."
    ]
    # The west half is low: no HL outlier is significant there, and the sentence says so.
    if not (cluster == "HL").any():
        assert "Tidak ada pencilan tinggi-rendah (HL) yang signifikan (p ≤ 0,05, dua sisi, 99 permutasi)." in sentences


def test_local_sentences_follow_the_corrected_labels_and_list_islands(two_blocks, with_island):
    y, graph, _ = two_blocks
    # Bonferroni over 100 units: 3999 permutations, the fewest whose smallest p (2 / 4000) can pass 0.05 / 100
    result = local_moran(y, graph, permutations=3999, seed=1, correction="bonferroni")
    assert result.threshold == pytest.approx(0.0005)
    sentences = local_sentences(result, lang="en", codes=["LL", "HL"])
    assert sentences == [
        "Significant low-low (LL) clusters (3 kecamatan): r1c3, r2c1 and r4c1 (p ≤ 0.0005 (correction "
        "Bonferroni, α = 0.05), two-sided, 3,999 permutations).",
        "No significant high-low (HL) outliers (p ≤ 0.0005 (correction Bonferroni, α = 0.05), two-sided, "
        "3,999 permutations).",
    ]
    y, graph = with_island
    hot = local_gi_star(y - y.min(), graph, permutations=99, seed=1)
    assert local_sentences(hot)[-1] == "Tanpa tetangga, tidak diuji: far."


def test_unknown_category_or_language_is_rejected(two_blocks):
    y, graph, _ = two_blocks
    result = local_moran(y, graph, permutations=9, seed=1)
    with pytest.raises(ValueError, match="hot"):
        local_sentences(result, codes=["hot"])
    with pytest.raises(ValueError, match="'fr'"):
        local_sentences(result, lang="fr")


# --- gap and inequality --------------------------------------------------------------------------


def _pairs(*p_values):
    rows = [
        {"a": "utara", "b": "selatan", "n_a": 3, "n_b": 3, "mean_a": 22.25, "mean_b": 12.25, "difference": 10.0,
         "ratio": 22.25 / 12.25, "p_value": p}
        for p in p_values
    ]  # fmt: skip
    return types.SimpleNamespace(variable="umkm_per_1000", permutations=999, pairs_frame=lambda: pd.DataFrame(rows))


def test_gap_verdict_at_the_threshold_edges():
    labels = {"utara": "Blitar Utara", "selatan": "Blitar Selatan"}
    at, above, untested = gap_sentences(_pairs(0.05, 0.0501, float("nan")), alpha=0.05, labels=labels)
    assert at == (
        "Rata-rata umkm_per_1000 per kecamatan (tanpa pembobot): Blitar Utara 22,25, Blitar Selatan 12,25; "
        "selisih 10,00 (rasio 1,82); uji permutasi dua sisi p = 0,050 (999 permutasi): selisih ini signifikan "
        "pada α = 0,05."
    )
    assert "p = 0,0501" in above and above.endswith("selisih ini tidak signifikan pada α = 0,05.")
    assert untested.endswith("tidak diuji, karena satu kelompok hanya berisi satu kecamatan.")


def test_gap_sentence_of_a_computed_gap_table():
    # a: 1, 2, 3 (mean 2); b: 7, 8, 9 (mean 8); difference -6, ratio 0.25.
    x = pd.Series([1.0, 2.0, 3.0, 7.0, 8.0, 9.0], index=list("pqrstu"), name="x")
    groups = pd.Series(["a", "a", "a", "b", "b", "b"], index=x.index)
    table = gap_table(x, groups, permutations=99, seed=1)
    (sentence,) = gap_sentences(table, lang="en")
    p = table.pairs_frame()["p_value"].iloc[0]
    # Every labelling puts the three smallest in one group 2 times in C(6,3) = 20; p is about 0.1.
    verdict = "significant" if p <= 0.05 else "not significant"
    assert sentence.startswith("Mean x over kecamatan (unweighted): a 2.00, b 8.00; difference -6.00 (ratio 0.25);")
    assert sentence.endswith(f"the difference is {verdict} at α = 0.05.")


def test_theil_between_share_of_a_hand_worked_example():
    # x = 1, 1 (group a) and 2, 2 (group b), unweighted: mean 1.5,
    # T = 1/4 [2 (2/3) ln(2/3) + 2 (4/3) ln(4/3)] = 0.0566; each group is constant, so T_W = 0
    # and all of the inequality lies between the groups.
    x = pd.Series([1.0, 1.0, 2.0, 2.0], index=list("pqrs"), name="x")
    groups = pd.Series(["a", "a", "b", "b"], index=x.index, name="wilayah")
    result = theil(x, groups=groups)
    assert result.total == pytest.approx(0.25 * (4 / 3 * np.log(2 / 3) + 8 / 3 * np.log(4 / 3)))
    assert theil_sentence(result, labels={"a": "Utara", "b": "Selatan"}) == (
        "100,0% dari ketimpangan x (Theil T = 0,057, tanpa pembobot) terletak antara Utara dan Selatan; "
        "0,0% di dalam kelompok."
    )
    with pytest.raises(ValueError, match="without groups"):
        theil_sentence(theil(x))


# --- regional economics --------------------------------------------------------------------------


def test_klassen_names_the_relatively_underdeveloped():
    # level mean 5.5, growth mean 3: p high/high (I), q high/low (II), r low/high (III), s low/low (IV).
    level = pd.Series([10.0, 10.0, 1.0, 1.0], index=list("pqrs"), name="level")
    growth = pd.Series([5.0, 1.0, 5.0, 1.0], index=list("pqrs"), name="growth")
    names = pd.Series(["<b>P</b>", "Q", "R", "Wates"], index=list("pqrs"))
    first, second = klassen_sentences(klassen(level, growth), names)
    assert first == (
        "Tipologi Klassen (level terhadap rata-rata 5,5; growth terhadap rata-rata 3,0), jumlah kecamatan per "
        "kuadran: I (maju dan tumbuh pesat) 1; II (maju tapi tertekan) 1; III (berkembang cepat) 1; "
        "IV (relatif tertinggal) 1."
    )
    assert second == "Kecamatan relatif tertinggal (kuadran IV, 1): Wates."
    none = klassen_sentences(klassen(level[:3], growth[:3]), names, lang="en")
    assert none[1] == "No kecamatan is relatively underdeveloped (quadrant IV)."


def test_basis_sectors_exclude_an_lq_of_exactly_one():
    # Totals x = 15, y = 15: LQ_px = (8/10) / (15/30) = 1.6, LQ_qx = 0.4, LQ_r = 1 exactly (not basis).
    wide = pd.DataFrame({"x": [8, 2, 5], "y": [2, 8, 5]}, index=pd.Index(list("pqr"), name="kode"))
    names = pd.Series(["P", "Q", "R"], index=list("pqr"))
    assert basis_sentences(location_quotient(wide), names) == [
        "Sektor x adalah sektor basis (LQ > 1) di 1 kecamatan: P.",
        "Sektor y adalah sektor basis (LQ > 1) di 1 kecamatan: Q.",
        "Tanpa sektor basis: R.",
    ]


def test_shift_share_summary_of_a_hand_worked_example():
    # One sector; p: 10 -> 16, q: 10 -> 10. r_n = 26/20 - 1 = 0.3; net shift = C (no mix):
    # p: 10 (0.6 - 0.3) = +3, q: 10 (0 - 0.3) = -3.
    counts = {
        2019: pd.DataFrame({"s": [10, 10]}, index=["p", "q"]),
        2020: pd.DataFrame({"s": [16, 10]}, index=["p", "q"]),
    }
    result = shift_share(counts, base_year=2019, end_year=2020)
    names = pd.Series(["P", "Q"], index=["p", "q"])
    assert shift_share_sentences(result, names) == [
        "Antara 2019 dan 2020 jumlah UMKM berubah dari 20 menjadi 26 (+6); pertumbuhan acuan 30,0%.",
        "Pergeseran bersih positif terbesar (tumbuh di atas acuan): P (+3).",
        "Pergeseran bersih negatif terbesar (tumbuh di bawah acuan): Q (-3).",
    ]


# --- a whole study area ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def area(mirror, tmp_path_factory):
    from umkm_geo.config import Config, StatisticsConfig
    from umkm_geo.pipeline.analysis import compute_inequality, compute_regional, compute_statistics
    from umkm_geo.pipeline.stages import compute_indicators, compute_weights, load_counts, load_study_area

    config = dataclasses.replace(Config(), statistics=StatisticsConfig(permutations=99, gap_permutations=99))
    out = tmp_path_factory.mktemp("interp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = load_study_area(config)
        a = compute_indicators(load_counts(a, config, out), config, out)
        a = compute_statistics(compute_weights(a, config), config)
        return compute_regional(compute_inequality(a, config), config)


def test_interpret_reads_every_result_of_blitar(area):
    out = interpret(area, lang="id")
    assert set(out) == {"global", "local", "gap", "regional"}
    assert len(out["global"]) == len(area.results.global_stats)
    lisa = area.results.lisa.frame()["cluster"]
    ll = list(area.frame.loc[lisa[lisa == "LL"].index, "nama"])
    expected = (
        f"Klaster rendah-rendah (LL) yang signifikan ({len(ll)} kecamatan): {join_names(ll)}"
        if ll
        else "Tidak ada klaster rendah-rendah (LL) yang signifikan"
    )
    assert any(s.startswith(expected) for s in out["local"])
    pair = area.results.gap_table.pairs_frame().iloc[0]
    verdict = "selisih ini signifikan" if pair["p_value"] <= 0.05 else "selisih ini tidak signifikan"
    assert verdict in out["gap"][0] and "Blitar Utara" in out["gap"][0]
    lagging = area.results.klassen.frame()["quadrant"] == "IV"
    assert join_names(list(area.frame.loc[lagging[lagging].index, "nama"])) in out["regional"][1]
    assert interpret(area, lang="en")["gap"][1].endswith("lies within the groups.")

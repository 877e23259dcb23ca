"""Multiple-testing corrections that can work: enough permutations for the corrected threshold, or a reason.

With m tested units a Bonferroni or Benjamini-Hochberg correction flags nothing unless the smallest
pseudo p-value the permutations can give passes alpha / m (the first rank): 2 / (R + 1) two-sided.
With 999 permutations that is 0.002, so above m = 25 (alpha 0.05) a correction silently flagged
nothing. The run now raises R to what is needed, or skips the correction and says how many were needed.
"""

import dataclasses

import numpy as np
import pytest

from umkm_geo.stats._inference import permutations_needed, smallest_p
from umkm_geo.stats.autocorrelation.local import local_geary, local_gi_star, local_moran, local_moran_bv


@pytest.mark.parametrize(
    ("m", "alpha", "p_value", "needed"),
    [
        # 2 / (R + 1) <= alpha / m  <=>  R >= 2 m / alpha - 1
        (100, 0.05, "two-sided", 3999),  # 2 / 4000 = 0.0005 = 0.05 / 100
        (25, 0.05, "two-sided", 999),  # Blitar: 2 / 1000 = 0.002 = 0.05 / 25, the default suffices
        (666, 0.05, "two-sided", 26639),  # Jawa Timur
        (7285, 0.05, "two-sided", 291399),  # every kecamatan: beyond the cap
        (100, 0.05, "folded", 1999),  # 1 / (R + 1) <= 0.0005
        (3, 0.1, "two-sided", 59),  # 2 / 60 = 0.1 / 3
    ],
)
def test_permutations_needed_for_the_first_rank(m, alpha, p_value, needed):
    for correction in ("bonferroni", "fdr"):
        assert permutations_needed(m, alpha=alpha, correction=correction, p_value=p_value) == needed
    assert smallest_p(needed, p_value) <= alpha / m < smallest_p(needed - 1, p_value)
    assert permutations_needed(m, alpha=alpha, correction="none", p_value=p_value) == 1


@pytest.mark.parametrize("correction", ["bonferroni", "fdr"])
def test_too_few_permutations_are_raised_with_a_warning_and_recorded(two_blocks, correction):
    # 100 units, 999 permutations: the smallest p, 0.002, is above 0.05 / 100; before, no unit
    # could be significant and nothing said so. Raised to 3999, the sharp west-east edge is flagged.
    y, graph, _ = two_blocks
    with pytest.warns(UserWarning, match=r"Permutations raised from 999 to 3999 for local Moran: .* 0\.002"):
        result = local_moran(y, graph, permutations=999, seed=2, correction=correction)
    assert result.permutations == 3999 and result.settings["permutations"] == 3999
    assert result.settings["permutations_requested"] == 999
    assert "raised to the 3999 needed" in result.settings["permutations_raised"]
    assert result.correction == correction and result.data["significant"].sum() > 0
    table = dict(zip(result.table()["name"], result.table()["value"], strict=True))
    assert table["permutations_requested"] == 999 and table["permutations"] == 3999
    # the same as asking for 3999 in the first place
    direct = local_moran(y, graph, permutations=3999, seed=2, correction=correction)
    assert direct.frame().equals(result.frame()) and "permutations_raised" not in direct.settings


def test_beyond_the_cap_the_correction_is_skipped_and_the_number_needed_named(two_blocks):
    y, graph, _ = two_blocks
    with pytest.warns(UserWarning, match=r"Correction skipped for local Moran: .*permutations = 3999"):
        result = local_moran(y, graph, permutations=999, seed=2, correction="fdr", max_permutations=2000)
    assert result.permutations == 999 and result.correction == "none"
    assert result.settings["correction_requested"] == "fdr"
    assert "the 3999 needed are more than the 2000" in result.settings["correction_skipped"]
    uncorrected = local_moran(y, graph, permutations=999, seed=2)
    np.testing.assert_array_equal(result.frame()["significant"], uncorrected.frame()["significant"])


def test_every_local_statistic_raises_its_permutations(two_blocks):
    y, graph, _ = two_blocks
    x = y.rename("other") * 2 + 1
    for run in (
        lambda: local_gi_star(y - y.min(), graph, permutations=99, seed=1, correction="bonferroni"),
        lambda: local_geary(y, graph, permutations=99, seed=1, correction="bonferroni"),
        lambda: local_moran_bv(y, x, graph, permutations=99, seed=1, correction="bonferroni"),
    ):
        with pytest.warns(UserWarning, match="Permutations raised from 99 to 3999"):
            assert run().permutations == 3999


def test_enough_permutations_change_nothing(two_blocks, recwarn):
    y, graph, _ = two_blocks
    result = local_moran(y, graph, permutations=99, seed=1, correction="none")
    assert result.permutations == 99 and "permutations_requested" not in result.settings
    assert not [w for w in recwarn if "Permutations raised" in str(w.message)]


def test_the_pipeline_records_a_raised_count(tmp_path, mirror):
    # Kota Blitar and Kabupaten Blitar, 25 kecamatan, Bonferroni at 99 permutations: 999 are needed.
    from umkm_geo.config import Config
    from umkm_geo.pipeline import analysis
    from umkm_geo.pipeline import stages as pipeline

    config = Config()
    config = dataclasses.replace(
        config,
        statistics=dataclasses.replace(
            config.statistics,
            permutations=99,
            correction="bonferroni",
            global_statistics=(),
            local_statistics=("moran",),
        ),
    )
    area = pipeline.load_study_area(config)
    with pytest.warns(UserWarning, match="Permutations raised from 99 to 999 for local Moran"):
        area = pipeline.compute_weights(
            pipeline.compute_indicators(pipeline.load_counts(area, config, tmp_path), config, tmp_path), config
        )
        area = analysis.compute_statistics(area, config)
    lisa = area.results.local["moran"]
    assert lisa.permutations == 999 and lisa.settings["permutations_requested"] == 99
    assert "local moran bonferroni correction" not in area.results.skipped

"""The statistics stages on every kab/kota with five kecamatan or fewer (63 of the 514).

With three mutually adjacent kecamatan (Kota Blitar) or two (Kota Solok) no spatial statistic can be
tested; with two islands (Kepulauan Seribu) none can be computed. Every such statistic must land in
``results.skipped`` with its reason while the stages run on; no statistic may be "significant"
without a finite p-value. The kecamatan are counted from the pinned upstream SQL files. The
boundaries, counts and indicators are made once for the small kab/kota with desa files (dissolved, as
a run of one of them does) and once for the others (kecamatan polygons); the weights and the
statistics stages then run on each kab/kota alone (the regional economics stage on the 13 with three
kecamatan or fewer, to keep the test short).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import warnings
from collections import Counter

import numpy as np
import pytest

from umkm_geo.config import Config
from umkm_geo.pipeline import analysis
from umkm_geo.pipeline import stages as pipeline
from umkm_geo.sources.boundaries import _desa_file, load_kecamatan
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.study_area import StudyArea

#: The largest kab/kota tested here, in kecamatan.
SMALL = 5

#: The first field of a row of a db/kec SQL file: the kecamatan code.
_KEC_CODE = re.compile(r"\('(\d{2}\.\d{2}\.\d{2})'")


@pytest.fixture(scope="module")
def kecamatan_per_kab(mirror):
    registry = load_registry()
    counts: Counter[str] = Counter()
    for relpath in sorted(p for p in registry.files if p.startswith("db/kec/")):
        text = fetch(registry, relpath).path.read_text(encoding="utf-8")
        counts.update(code[:5] for code in _KEC_CODE.findall(text))
    return counts, registry


def _config(region: str) -> Config:
    config = Config()
    return dataclasses.replace(
        config,
        study=dataclasses.replace(config.study, region=region),
        statistics=dataclasses.replace(config.statistics, permutations=19, gap_permutations=19),
        ffa=dataclasses.replace(config.ffa, factors="none"),  # the demo FFA factors are Blitar's only
    )


def _prepared(config: Config, boundaries, monkeypatch, tmp_path) -> StudyArea:
    """Boundaries, (illustrative) counts and indicators of ``config``'s region, from ``boundaries``."""
    monkeypatch.setattr(pipeline, "load_units", lambda *args, **kwargs: boundaries)
    area = pipeline.load_study_area(config)
    area = pipeline.load_counts(area, config, tmp_path)
    return pipeline.compute_indicators(area, config, tmp_path)


def _one_kab(area: StudyArea, kab: str) -> StudyArea:
    """The study area of kab/kota ``kab`` alone, cut from an area prepared for several of them.

    As :func:`umkm_geo.pipeline.stages.load_study_area` does for a region the grouping does not cover, a
    grouping column without any label in ``kab`` is dropped (the gap table then groups by kab/kota).
    """
    frame = area.frame[area.frame["kab_kode"] == kab]
    if "wilayah" in frame and frame["wilayah"].isna().all():
        frame = frame.drop(columns="wilayah")
    counts = area.results.counts
    results = area.results.replace(counts=counts[counts["kode"].isin(frame.index)])
    return StudyArea(frame=frame, region=(kab,), results=results, provenance=area.provenance)


def _statistics_stages(area: StudyArea, config: Config, *, regional: bool) -> StudyArea:
    area = pipeline.compute_weights(area, config)
    area = analysis.compute_statistics(area, config)
    area = analysis.compute_inequality(area, config)
    return analysis.compute_regional(area, config) if regional else area


def _check(area, config: Config) -> dict[str, str]:
    """Every configured statistic is computed or skipped with a reason; nothing untested is significant."""
    skipped = dict(area.results.skipped)
    assert all(isinstance(reason, str) and reason for reason in skipped.values())
    stats = config.statistics
    for kind, names, computed in (
        ("global", stats.global_statistics, area.results.global_stats),
        ("local", stats.local_statistics, area.results.local),
    ):
        for name in names:
            assert (name in computed) != (f"{kind} {name}" in skipped), (kind, name, skipped)
    for name, result in area.results.global_stats.items():
        record = result.to_dict()["statistics"]
        p_values = [v for k, v in record.items() if k.startswith("p_")]
        if any(np.isnan(p) for p in p_values):
            assert f"global {name} test" in skipped or f"global {name} analytical z" in skipped, name
    for name, result in area.results.local.items():
        frame = result.frame()
        assert not (frame["significant"] & frame["p_value"].isna()).any(), name
        assert frame.loc[frame["significant"], "p_value"].le(result.threshold).all(), name
        assert result.n_tested > 0, name
    assert (area.results.gap_table is not None) != ("gap table and inequality" in skipped)
    return skipped


def test_every_small_kab_kota_runs_the_statistics_stages(kecamatan_per_kab, monkeypatch, tmp_path):
    counts, registry = kecamatan_per_kab
    assert len(counts) == 514  # every kab/kota of the pinned data
    small = sorted(k for k, n in counts.items() if n <= SMALL)
    assert len(small) == 63 and sum(counts[k] <= 3 for k in small) == 13
    checked = {}
    # kab/kota with desa files (dissolved, queen) apart from the others (kecamatan polygons, fuzzy)
    with_desa = sorted(small, key=lambda kab: _desa_file(kab) in registry.files)
    groups = itertools.groupby(with_desa, key=lambda kab: _desa_file(kab) in registry.files)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # skips, illustrative data, islands: all recorded
        for _, members in groups:
            kabs = list(members)
            region = ",".join(kabs)
            boundaries = load_kecamatan(region)  # one parse of each province for all of them
            assert boundaries.topology["method"] in ("desa", "kecamatan")
            prepared = _prepared(_config(region), boundaries, monkeypatch, tmp_path)
            for kab in kabs:
                area = _one_kab(prepared, kab)
                assert len(area) == counts[kab], kab  # the code count agrees with the parsed layer
                config = _config(kab)
                # the regional economics (LQ, shift-share, Klassen) only where the kecamatan are fewest
                done = _statistics_stages(area, config, regional=len(area) <= 3)
                checked[kab] = (len(area), _check(done, config))
    assert len(checked) == 63
    # two kecamatan (Kota Solok, Kota Padang Panjang; Kepulauan Seribu: two islands): nothing computed
    for kab in ("13.72", "13.74", "31.01"):
        n, skipped = checked[kab]
        assert n == 2 and "needs at least 3 units" in skipped["global moran"]
        assert "needs at least 3 units" in skipped["local moran"]
    # three mutually adjacent kecamatan: every global test and every local statistic skipped
    n, skipped = checked["35.72"]
    assert n == 3
    assert "all 3 units are neighbours of one another" in skipped["global join_counts test"]
    assert skipped["local moran"].startswith("none of the 3 units can be tested")
    assert "All units are neighbours of one another" in skipped["spatial Gini"]
    assert "utara" in skipped["gap test utara-selatan"]
    # four or five kecamatan: the statistics run (none skipped for Kabupaten Simeulue, 11.09 has 10)
    assert not any(k.startswith("local") for k in checked["11.73"][1])

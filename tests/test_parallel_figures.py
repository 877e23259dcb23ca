"""Figures drawn in forked workers: the same files, in the same order, with the same warnings, as drawn in-process."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.figure import Figure

from umkm_geo.render import mapset
from umkm_geo.render.options import RenderOptions


def _group(name: str, n: int, warn: bool = False):
    def figures(ctx):
        for i in range(n):
            if warn:
                warnings.warn("too many areas to label", UserWarning, stacklevel=1)  # once per figure
            fig = Figure(figsize=(2, 1.5))
            ax = fig.add_subplot()
            ax.plot([0, 1, 2], [i, i + 1, i * 2])
            ax.set_title(f"{name} {i}")
            yield f"{name}_{i}", fig

    return figures


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_figure_comes_back_in_order_with_its_warnings_once(monkeypatch, tmp_path, workers):
    monkeypatch.setattr(mapset, "FIGURES", (_group("a", 3, warn=True), _group("b", 1), _group("c", 2, warn=True)))
    monkeypatch.setenv("UMKM_GEO_WORKERS", workers)
    out = tmp_path / workers
    with pytest.warns(UserWarning, match="too many areas") as caught:
        drawn, said = mapset._draw_groups(None, out, RenderOptions(dpi=50))
        mapset._say(said)
    assert [key for key, _, _ in drawn] == ["a_0", "a_1", "a_2", "b_0", "c_0", "c_1"]
    assert len([w for w in caught if "too many" in str(w.message)]) == 1  # said once, not once a figure
    assert all(size is not None and size.width_cm > 0 for _, _, size in drawn)
    assert all(path.is_file() for _, written, _ in drawn for path in written)
    if workers == "2":  # the workers' files are the same bytes as the in-process ones
        serial = tmp_path / "serial"
        monkeypatch.setenv("UMKM_GEO_WORKERS", "1")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mapset._draw_groups(None, serial, RenderOptions(dpi=50))
        for key, written, _ in drawn:
            assert written[0].read_bytes() == (serial / f"{key}.png").read_bytes(), key

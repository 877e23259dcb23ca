"""The maps look as they did before the drawing was made faster: the same artists, not the same pixels.

Every figure of the default Blitar run is drawn in this process and summarised from its artists
(``_artists.summary``: each unit's colour, the legend's classes and colours, every label's words, size
and place to 1 % of the axes, titles and notes); the summaries must equal those recorded in
``tests/data/figure_artists.json``. After an intended change to what a figure shows, record them again:

    python tests/test_figure_artists.py --record
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
RECORD = HERE / "data" / "figure_artists.json"


def draw_all() -> dict[str, Any]:
    """The summary of every figure of the default run, by figure key, drawn in this process."""
    from _artists import summary
    from umkm_geo._i18n import unit_level
    from umkm_geo.config import load_config
    from umkm_geo.pipeline.run import compute, render_options
    from umkm_geo.render import mapset
    from umkm_geo.render.static.maps import group_divide, locator_inset

    config = load_config(HERE.parent / "configs" / "blitar.toml")
    area = compute(config)
    options = render_options(config, area)
    ctx = mapset._context(area, options)
    found: dict[str, Any] = {}
    with unit_level(area.level), group_divide(mapset._divide(area, options)), locator_inset(options.locator):
        for group in mapset.FIGURES:
            for key, fig in group(ctx):
                found[key] = summary(fig)
    return found


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if type(a) is not type(b):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
    return f"{where}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def drawn(mirror):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return draw_all()


def test_every_figure_has_the_recorded_artists(drawn):
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    assert sorted(drawn) == sorted(recorded)
    differ = [f"{key}{_first_difference(drawn[key], recorded[key])}" for key in recorded if drawn[key] != recorded[key]]
    assert not differ, "figures that changed (record again if intended):\n" + "\n".join(differ)


def test_the_record_holds_coloured_units_legends_and_labels():
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    density = recorded["umkm_density"]["axes"][0]
    fills = [c for c in density["collections"] if c["gid"].startswith("fill-")]
    assert sum(c["rings"] for c in fills) >= 25  # every kecamatan filled
    assert len({face for c in fills for face in c["faces"]}) >= 3  # in at least 3 classes
    assert len(density["texts"]) >= 20  # labelled (numbers where a name does not fit)
    assert any(len(ax["legend"]) >= 3 for ax in recorded["umkm_density"]["axes"])
    assert len(recorded) >= 25


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python tests/test_figure_artists.py --record")
    sys.path.insert(0, str(HERE))
    RECORD.parent.mkdir(exist_ok=True)
    RECORD.write_text(json.dumps(draw_all(), indent=None, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded {RECORD}")

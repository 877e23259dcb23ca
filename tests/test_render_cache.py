"""The render cache: a figure set is reused only when everything it is drawn from is the same."""

from __future__ import annotations

import dataclasses
import types
import warnings

import pytest
from matplotlib.figure import Figure

from umkm_geo.render import _cache, mapset
from umkm_geo.render.options import RenderOptions

DRAWN: list[str] = []


@dataclasses.dataclass(frozen=True)
class Area:
    """A stand-in study area: what the figures of this module are drawn from."""

    value: int
    frame: None = None


class OddWarning(UserWarning):
    """A warning class of its own, to check a reused set says it with its own class."""


def _maps(ctx):
    for i in range(2):
        DRAWN.append(f"map_{i}")
        warnings.warn("too many areas to label", OddWarning, stacklevel=1)
        fig = Figure(figsize=(2, 1.5))
        fig.add_subplot().plot([0, 1], [i, ctx.value])
        yield f"map_{i}", fig


@pytest.fixture
def cached(monkeypatch, tmp_path):
    monkeypatch.setattr(mapset, "FIGURES", (_maps,))
    monkeypatch.setenv(_cache.REUSE_ENV, "1")
    monkeypatch.setenv("UMKM_GEO_WORKERS", "1")
    DRAWN.clear()
    return RenderOptions(dpi=40, cache=tmp_path / "cache")


def _run(area, options, out):
    with pytest.warns(OddWarning, match="too many areas") as caught:
        drawn = mapset._drawn_or_reused(area, area, out, options)
    return drawn, [str(w.message) for w in caught if issubclass(w.category, OddWarning)]


def test_an_unchanged_set_is_copied_with_its_sizes_and_warnings(cached, tmp_path):
    first, said_first = _run(Area(3), cached, tmp_path / "a")
    assert DRAWN == ["map_0", "map_1"]
    second, said_second = _run(Area(3), cached, tmp_path / "b")
    assert DRAWN == ["map_0", "map_1"]  # nothing drawn again
    assert said_second == said_first == ["too many areas to label"]
    assert [key for key, _, _ in second] == ["map_0", "map_1"]
    for (_, files_a, size_a), (_, files_b, size_b) in zip(first, second, strict=True):
        assert size_a == size_b
        assert files_b[0].parent == tmp_path / "b"
        assert files_a[0].read_bytes() == files_b[0].read_bytes()


def test_a_changed_input_draws_again(cached, tmp_path):
    _run(Area(3), cached, tmp_path / "a")
    _run(Area(4), cached, tmp_path / "b")
    assert DRAWN == ["map_0", "map_1"] * 2


@pytest.mark.parametrize("how", ["env", "option"])
def test_without_a_cache_every_figure_is_drawn(cached, tmp_path, monkeypatch, how):
    if how == "env":
        monkeypatch.setenv(_cache.REUSE_ENV, "0")
    options = cached if how == "env" else dataclasses.replace(cached, cache=None)
    _run(Area(3), options, tmp_path / "a")
    _run(Area(3), options, tmp_path / "b")
    assert DRAWN == ["map_0", "map_1"] * 2
    assert not (tmp_path / "cache").exists()


def test_a_damaged_entry_is_a_miss_and_is_removed(cached, tmp_path):
    _run(Area(3), cached, tmp_path / "a")
    (entry,) = (tmp_path / "cache" / "figures").iterdir()
    (entry / "map_1.png").unlink()
    _run(Area(3), cached, tmp_path / "b")
    assert DRAWN == ["map_0", "map_1"] * 2
    assert (tmp_path / "b" / "map_1.png").is_file()
    assert (entry / "map_1.png").is_file()  # stored again, whole


def test_keys_follow_the_inputs_and_the_hash_seed_does_not_matter():
    key = _cache.render_key({"a": {3, 1, 2}, "b": types.MappingProxyType({"x": 1})})
    assert key == _cache.render_key({"a": {2, 3, 1}, "b": types.MappingProxyType({"x": 1})})
    assert key != _cache.render_key({"a": {2, 3, 1}, "b": types.MappingProxyType({"x": 2})})
    assert _cache.render_key(lambda: 0) is None  # cannot be pickled: no key, the figures are drawn


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.REUSE_ENV, "1")
    monkeypatch.setattr(_cache, "MAX_ENTRIES", 2)
    source = tmp_path / "f.png"
    source.write_bytes(b"png")
    for key in ("k1", "k2", "k3"):
        _cache.store(tmp_path / "c", key, [source], {"n": key})
    assert sorted(p.name for p in (tmp_path / "c" / "figures").iterdir()) == ["k2", "k3"]
    assert _cache.fetch(tmp_path / "c", "k1", tmp_path / "out") is None
    manifest = _cache.fetch(tmp_path / "c", "k3", tmp_path / "out")
    assert manifest == {"n": "k3", "files": ["f.png"]}
    assert (tmp_path / "out" / "f.png").read_bytes() == b"png"


def test_derived_bytes_are_made_once_per_source(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.REUSE_ENV, "1")
    made: list[bytes] = []

    def make(data):
        def inner():
            made.append(data)
            return data[::-1]

        return inner

    assert _cache.derived(tmp_path, b"abc", "reverse", make(b"abc")) == b"cba"
    assert _cache.derived(tmp_path, b"abc", "reverse", make(b"abc")) == b"cba"
    assert _cache.derived(tmp_path, b"abd", "reverse", make(b"abd")) == b"dba"
    assert _cache.derived(tmp_path, b"abc", "other recipe", make(b"abc")) == b"cba"
    assert made == [b"abc", b"abd", b"abc"]


def test_a_source_file_read_from_the_mirror_or_the_cache_is_the_same_input(tmp_path):
    from umkm_geo.sources.registry import FetchedFile

    mirror = FetchedFile("db/kec/35.sql", tmp_path / "mirror" / "35.sql", "ab" * 32, "mirror", "https://x/35.sql")
    cached = FetchedFile("db/kec/35.sql", tmp_path / "cache" / "35.sql", "ab" * 32, "cache", "https://x/35.sql")
    other = FetchedFile("db/kec/35.sql", tmp_path / "cache" / "35.sql", "cd" * 32, "cache", "https://x/35.sql")
    assert _cache.render_key([mirror]) == _cache.render_key([cached]) != _cache.render_key([other])


def test_pandas_objects_are_keyed_by_content_not_by_memory_layout():
    import pandas as pd

    one_chunk = pd.Series(["Blitar", "Kediri"], dtype="string[pyarrow]", name="nama")
    two_chunks = pd.concat(
        [pd.Series(["Blitar"], dtype="string[pyarrow]"), pd.Series(["Kediri"], dtype="string[pyarrow]")],
        ignore_index=True,
    ).rename("nama")
    frame = pd.DataFrame({"nama": one_chunk, "n": [1.0, 2.0]})
    assert _cache.render_key(one_chunk) == _cache.render_key(two_chunks)
    assert _cache.render_key(frame) == _cache.render_key(pd.DataFrame({"nama": two_chunks, "n": [1.0, 2.0]}))
    assert _cache.render_key(frame) != _cache.render_key(pd.DataFrame({"nama": one_chunk, "n": [1.0, 2.5]}))
    assert _cache.render_key(one_chunk) != _cache.render_key(one_chunk.rename("other"))

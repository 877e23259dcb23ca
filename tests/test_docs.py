"""The documentation keeps up with the code: every config key the loader accepts is in README.md's
reference table (with its default and allowed values) and in configs/blitar.toml (set, or commented out
with its default), and README lists the sector names of wide UMKM tables."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from umkm_geo import config as config_module
from umkm_geo.config import Config, LayerConfig, config_from_dict, load_config
from umkm_geo.tables.columns import SECTORS

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLITAR_TOML = REPO / "configs" / "blitar.toml"


# --------------------------------------------------------------------------- the keys the loader accepts


def _sections() -> dict[str, type]:
    """TOML section -> its dataclass, read from :class:`Config` (``layers`` is the ``[[layers]]`` table)."""
    out = {f.name: f.default.__class__ for f in dataclasses.fields(Config) if f.name not in ("base_dir", "layers")}
    return {**out, "layers": LayerConfig}


def _keys() -> set[tuple[str, str]]:
    return {(section, f.name) for section, cls in _sections().items() for f in dataclasses.fields(cls)}


def _default(section: str, key: str):
    cls = _sections()[section]
    value = next(f for f in dataclasses.fields(cls) if f.name == key).default
    return list(value) if isinstance(value, tuple) else value


def test_the_key_list_is_what_the_loader_accepts():
    """Each key is accepted in its section, a made-up one is refused: the dataclasses are the key list."""
    for section, key in _keys():
        if section == "layers":
            config_from_dict({"layers": [{key: _default(section, key), "name": "contoh"}]})
        else:
            config_from_dict({section: {key: _default(section, key)}})
    with pytest.raises(ValueError, match="unknown key"):
        config_from_dict({"maps": {"no_such_key": 1}})
    assert len(_keys()) > 80


# --------------------------------------------------------------------------- README: the reference table


def _reference_rows() -> dict[tuple[str, str], list[str]]:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Configuration reference")
    end = text.index("\n## ", start + 3)
    rows = {}
    for line in text[start:end].splitlines():
        match = re.match(r"^\| `\[\[?(\w+)\]\]?` \| `(\w+)` \|", line)
        if match:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            assert len(cells) == 5, line
            key = (match[1], match[2])
            assert key not in rows, f"{key} is listed twice"
            rows[key] = cells
    return rows


def test_readme_lists_every_config_key_and_no_other():
    listed = set(_reference_rows())
    assert sorted(_keys() - listed) == [], "keys the loader accepts but README.md does not document"
    assert sorted(listed - _keys()) == [], "keys README.md documents but the loader does not accept"


def test_readme_defaults_are_the_loaders_defaults():
    """The default column, read as TOML, equals the dataclass default (and the loader accepts it)."""
    rows = _reference_rows()
    raw: dict = {}
    for (section, key), cells in rows.items():
        literal = re.match(r"`([^`]*)`", cells[3])
        assert literal, f"[{section}] {key}: the default cell must start with a TOML value in backticks"
        value = tomllib.loads(f"v = {literal[1]}")["v"]
        assert value == _default(section, key), f"[{section}] {key}: README says {value!r}"
        raw.setdefault(section, {})[key] = value
    raw["layers"] = [{**raw["layers"], "name": "contoh"}]
    loaded = config_from_dict(raw)
    assert loaded.maps == Config().maps and loaded.statistics == Config().statistics


def test_readme_names_every_allowed_value():
    rows = _reference_rows()
    choices = {**config_module._CHOICES, **config_module._LIST_CHOICES}
    choices[("layers", "level")] = ("desa", "kecamatan", "kabupaten")
    choices[("layers", "indicator")] = config_module.LAYER_INDICATORS
    choices[("layers", "maps")] = (*config_module.LAYER_INDICATORS, "status_idm")
    for (section, key), values in choices.items():
        cell = rows[(section, key)][2]
        missing = [v for v in values if v and f'"{v}"' not in cell]
        assert not missing, f"[{section}] {key}: README does not name {missing}"


def test_readme_lists_the_sector_names_of_wide_tables():
    text = README.read_text(encoding="utf-8")
    assert [s for s in SECTORS if f"`{s}`" not in text] == []


# --------------------------------------------------------------------------- configs/blitar.toml: every key


_SECTION = re.compile(r"^#?\s*\[\[?(\w+)\]\]?\s*$")
_KEY = re.compile(r"^(#\s*)?(\w+)\s*=")


def _toml_keys(path: Path) -> dict[tuple[str, str], list[str]]:
    """(section, key) -> the lines that set it (``key = ...``) or show it commented out (``# key = ...``)."""
    found: dict[tuple[str, str], list[str]] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        header = _SECTION.match(line)
        if header:
            section = header[1]
            continue
        key = _KEY.match(line)
        if key and (section, key[2]) in _keys():
            found.setdefault((section, key[2]), []).append(line)
    return found


def test_blitar_toml_sets_or_comments_every_key():
    found = _toml_keys(BLITAR_TOML)
    assert sorted(_keys() - set(found)) == [], "keys configs/blitar.toml neither sets nor comments"
    unexplained = [line for lines in found.values() for line in lines if line.startswith("#") and "default" not in line]
    assert unexplained == [], "a commented-out key must state its default on its line"


def test_blitar_toml_commented_keys_are_valid_values():
    """Uncommenting every commented key (and section) of blitar.toml still gives a config the loader accepts."""
    lines = []
    section = ""
    for line in BLITAR_TOML.read_text(encoding="utf-8").splitlines():
        header, key = _SECTION.match(line), _KEY.match(line)
        if header:
            section = header[1]
        if (header or (key and (section, key[2]) in _keys())) and line.startswith("#"):
            line = re.sub(r"^#\s*", "", line)
        lines.append(line)
    raw = tomllib.loads("\n".join(lines))
    assert raw["output"] == {"dir": "outputs"} and "file" in raw["boundaries"]
    config = config_from_dict(raw, base_dir=BLITAR_TOML.parent)
    assert config.data.demo_seed == _default("data", "demo_seed")
    assert load_config(BLITAR_TOML).data.umkm == "demo"  # the file itself still loads


def test_readme_names_every_notebook_and_example_file():
    text = README.read_text(encoding="utf-8")
    files = [*(REPO / "notebooks").glob("*.ipynb"), *(REPO / "examples").glob("contoh*")]
    assert len(files) >= 10
    assert [f.name for f in files if f"`{f.name}`" not in text and f"`examples/{f.name}`" not in text] == []

"""Run configuration: one TOML file per run, read into frozen dataclasses.

Unknown sections or keys and values of the wrong type are errors that name the key and list the
valid ones. Relative paths in the file are resolved against the file's folder.

Example (the default Blitar case, ``configs/blitar.toml``)::

    [study]
    region = "35.05,35.72"
    title = "UMKM Kabupaten dan Kota Blitar"

    [data]
    umkm = "demo"
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path
from typing import Any

from umkm_geo._errors import ConfigError


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """``[study]``: what area, titles and language."""

    region: str = "35.05,35.72"
    title: str = "UMKM Kabupaten dan Kota Blitar"
    lang: str = "id"


@dataclasses.dataclass(frozen=True)
class BoundariesConfig:
    """``[boundaries]``: topology choice and offline mirror, or a user's own boundary ``file``."""

    topology: str = "auto"
    mirror: str = ""
    cache: str = ""
    file: str = ""
    code_column: str = "kode"
    name_column: str = "kecamatan"
    kab_name_column: str = ""
    layer: str = ""
    crosswalk: str = ""


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """``[data]``: the UMKM table (``"demo"`` for the illustrative Blitar counts) and population."""

    umkm: str = "demo"
    sheet: str = ""
    code_column: str = ""
    name_column: str = ""
    kab_column: str = ""
    allow_missing: bool = False
    year: int = 0
    population: str = ""
    demo_seed: int = 20240503


@dataclasses.dataclass(frozen=True)
class GroupsConfig:
    """``[groups]``: the grouping for the gap (``"blitar"``, ``"none"`` or a CSV path)."""

    source: str = "blitar"
    code_column: str = "kode"
    group_column: str = "wilayah"
    compare: tuple[str, ...] = ("utara", "selatan")


@dataclasses.dataclass(frozen=True)
class WeightsConfig:
    """``[weights]``: spatial weights (``auto`` = queen on shared edges, fuzzy otherwise)."""

    method: str = "auto"
    fuzzy_tolerance_m: float = 75.0


@dataclasses.dataclass(frozen=True)
class StatisticsConfig:
    """``[statistics]``: indicator analysed, permutations, seed, significance and correction."""

    indicator: str = "umkm_density"
    permutations: int = 999
    seed: int = 12345
    alpha: float = 0.05
    correction: str = "none"
    p_value: str = "two-sided"
    gap_permutations: int = 9999


@dataclasses.dataclass(frozen=True)
class MapsConfig:
    """``[maps]``: classification scheme and class count shared by PNG and HTML."""

    scheme: str = "fisher_jenks"
    k: int = 5
    dpi: int = 200


@dataclasses.dataclass(frozen=True)
class OutputConfig:
    """``[output]``: where outputs go (relative to the folder the command runs in)."""

    dir: str = "outputs"


@dataclasses.dataclass(frozen=True)
class Config:
    """A whole run configuration."""

    study: StudyConfig = StudyConfig()
    boundaries: BoundariesConfig = BoundariesConfig()
    data: DataConfig = DataConfig()
    groups: GroupsConfig = GroupsConfig()
    weights: WeightsConfig = WeightsConfig()
    statistics: StatisticsConfig = StatisticsConfig()
    maps: MapsConfig = MapsConfig()
    output: OutputConfig = OutputConfig()
    base_dir: str = "."

    def resolve(self, value: str) -> Path:
        """Resolve a path from the config against the config file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(self.base_dir) / path

    def output_dir(self) -> Path:
        """The output folder: ``[output] dir`` relative to the working directory (not the config file)."""
        path = Path(self.output.dir).expanduser()
        return path if path.is_absolute() else Path.cwd() / path

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for the run record)."""
        return dataclasses.asdict(self)


def _coerce(section: str, key: str, value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    where = f"[{section}] {key}"
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            msg = f"{where} must be a list of strings, not {value!r}."
            raise ConfigError(msg)
        return tuple(value)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    msg = f"{where} must be of type {getattr(hint, '__name__', hint)}, not {type(value).__name__} ({value!r})."
    raise ConfigError(msg)


def config_from_dict(raw: dict[str, Any], *, base_dir: str | Path = ".", source: str = "config") -> Config:
    """Build a :class:`Config` from a parsed TOML dict, rejecting unknown keys."""
    sections = {f.name: f for f in dataclasses.fields(Config) if f.name != "base_dir"}
    values: dict[str, Any] = {}
    for name, body in raw.items():
        if name not in sections:
            msg = f"{source}: unknown section [{name}]; valid sections are {sorted(sections)}."
            raise ConfigError(msg)
        if not isinstance(body, dict):
            msg = f"{source}: {name} must be a [section] table."
            raise ConfigError(msg)
        cls = sections[name].default.__class__
        fields = {f.name: f for f in dataclasses.fields(cls)}
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for key, value in body.items():
            if key not in fields:
                msg = f"{source}: unknown key {key!r} in [{name}]; valid keys are {sorted(fields)}."
                raise ConfigError(msg)
            kwargs[key] = _coerce(name, key, value, hints[key])
        values[name] = cls(**kwargs)
    config = Config(**values, base_dir=str(base_dir))
    _validate(config, source)
    return config


def load_config(path: str | Path | None) -> Config:
    """Read a TOML config file (``None`` gives the defaults: the Blitar case)."""
    if path is None:
        return Config()
    file = Path(path)
    if not file.is_file():
        msg = f"Config file {file} does not exist."
        raise ConfigError(msg)
    try:
        with file.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{file}: not valid TOML ({exc})."
        raise ConfigError(msg) from exc
    return config_from_dict(raw, base_dir=file.resolve().parent, source=str(file))


_CHOICES = {
    ("study", "lang"): ("id", "en"),
    ("boundaries", "topology"): ("auto", "desa", "kecamatan"),
    ("weights", "method"): ("auto", "queen", "rook", "fuzzy"),
    ("statistics", "correction"): ("none", "fdr", "bonferroni"),
    ("statistics", "p_value"): ("two-sided", "folded"),
}


def _validate(config: Config, source: str) -> None:
    for (section, key), choices in _CHOICES.items():
        value = getattr(getattr(config, section), key)
        if value not in choices:
            msg = f"{source}: [{section}] {key} = {value!r}; choose one of {list(choices)}."
            raise ConfigError(msg)
    stats = config.statistics
    if not 0 < stats.alpha < 1:
        msg = f"{source}: [statistics] alpha = {stats.alpha}; it must lie between 0 and 1."
        raise ConfigError(msg)
    if stats.permutations < 99 or stats.gap_permutations < 99:
        msg = f"{source}: [statistics] permutations must be at least 99."
        raise ConfigError(msg)
    if config.maps.k < 2:
        msg = f"{source}: [maps] k = {config.maps.k}; use at least 2 classes."
        raise ConfigError(msg)

"""The one catalogue of the spatial statistics a run or a command can choose.

Each :class:`Statistic` names its family (``global`` or ``local``), its config name, the function
that computes it, the inputs it takes, the file its table is written to and the words of its titles
(``stats.<family>.<name>.*`` in the locale files). The config's choices and defaults, the
pipeline's dispatch, the CLI's choices and dispatch, the output file names, the map titles and the
report captions all read this table: adding a statistic is one entry here plus its function and
its test.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal

from umkm_geo._i18n import text

__all__ = ["FAMILIES", "STATISTICS", "Family", "Statistic", "by_result", "defaults", "get", "names"]

Family = Literal["global", "local"]
#: The families, in the order of the config and the report.
FAMILIES: tuple[Family, ...] = ("global", "local")

#: Input roles: ``y`` the analysed variable; ``x`` the second variable of a bivariate statistic
#: (its spatial lag is compared with ``y``); ``events`` and ``base`` the counts and the population
#: at risk of a rate.
Role = Literal["y", "x", "events", "base"]


@dataclasses.dataclass(frozen=True)
class Statistic:
    """One registered statistic.

    Attributes
    ----------
    family, name
        ``("global", "moran")``: the config name within its family (``[statistics]
        global_statistics`` / ``local_statistics``, ``umkm-geo global|local --statistic``).
    function
        ``"module:function"`` computing it; called with the inputs in ``inputs`` order, the weights
        and the family's options (``permutations``, ``seed``; local ones also ``alpha``,
        ``correction``, ``p_value`` and ``n_threads``).
    inputs
        The input roles, in call order (see :data:`Role`).
    result
        The ``result`` name of its ``to_dict()`` (``"local_moran"``).
    table
        File stem of its table in ``tables/`` (local statistics: one file each; global ones share
        ``global_statistics``).
    scheme
        Colour scheme of its map (:data:`umkm_geo.classify.symbology.SCHEMES`), local statistics.
    binary
        The function takes a 0/1 variable: the analysed one is split at its median first.
    nonnegative
        Defined for non-negative values only (a run skips it, with the reason, otherwise).
    command_default
        Chosen by default by ``umkm-geo global`` (every statistic is a default of ``maps``).
    """

    family: Family
    name: str
    function: str
    inputs: tuple[Role, ...]
    result: str
    table: str
    scheme: str = ""
    binary: bool = False
    nonnegative: bool = False
    command_default: bool = True

    @property
    def key(self) -> str:
        """``"<family>.<name>"``, e.g. ``"local.moran"``."""
        return f"{self.family}.{self.name}"

    def label(self, lang: str) -> str:
        """The name of the statistic in ``lang`` (e.g. "Moran lokal (LISA)")."""
        return text(f"stats.{self.key}.label", lang)

    def map_title(self, lang: str) -> str:
        """The title of its map in ``lang`` (local statistics; the PNG and the atlas share it)."""
        return text(f"stats.{self.key}.map_title", lang)

    def load(self) -> Callable[..., Any]:
        """The function that computes it (imported on first use)."""
        module, _, function = self.function.partition(":")
        return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]

    def compute(self, inputs: Mapping[str, Any], weights: Any, **options: Any) -> Any:
        """Run the statistic on ``inputs`` (by role) with ``weights`` and the family's options."""
        args = [inputs[role] for role in self.inputs]
        if self.binary:
            from umkm_geo.stats.autocorrelation.join_counts import above_median

            args[0] = above_median(args[0])
        return self.load()(*args, weights, **options)


_AUTO = "umkm_geo.stats.autocorrelation"

#: Every statistic, in the order of the config's defaults, the tables and the report.
STATISTICS: Mapping[str, Statistic] = MappingProxyType(
    {
        s.key: s
        for s in (
            Statistic("global", "moran", f"{_AUTO}.global_:global_moran", ("y",), "global_moran", "global_statistics"),
            Statistic("global", "geary", f"{_AUTO}.global_:geary", ("y",), "geary", "global_statistics"),
            Statistic(
                "global",
                "general_g",
                f"{_AUTO}.global_:general_g",
                ("y",),
                "general_g",
                "global_statistics",
                nonnegative=True,
            ),
            Statistic(
                "global",
                "join_counts",
                f"{_AUTO}.join_counts:join_counts",
                ("y",),
                "join_counts",
                "global_statistics",
                binary=True,
            ),
            Statistic(
                "global",
                "moran_rate",
                f"{_AUTO}.moran_variants:moran_rate",
                ("events", "base"),
                "moran_rate",
                "global_statistics",
                command_default=False,
            ),
            Statistic(
                "global",
                "moran_bv",
                f"{_AUTO}.moran_variants:moran_bv",
                ("y", "x"),
                "moran_bv",
                "global_statistics",
                command_default=False,
            ),
            Statistic("local", "moran", f"{_AUTO}.local:local_moran", ("y",), "local_moran", "lisa", "lisa"),
            Statistic(
                "local",
                "gi_star",
                f"{_AUTO}.local:local_gi_star",
                ("y",),
                "local_gi_star",
                "gi_star",
                "gi_star",
                nonnegative=True,
            ),
            Statistic(
                "local", "geary", f"{_AUTO}.local:local_geary", ("y",), "local_geary", "local_geary", "local_geary"
            ),
            Statistic(
                "local",
                "moran_bv",
                f"{_AUTO}.local:local_moran_bv",
                ("y", "x"),
                "local_moran_bv",
                "lisa_bivariate",
                "lisa",
            ),
        )
    }
)


def get(family: str, name: str) -> Statistic:
    """The statistic ``name`` of ``family`` (``KeyError`` if there is none)."""
    return STATISTICS[f"{family}.{name}"]


def names(family: str) -> tuple[str, ...]:
    """The config names of ``family``'s statistics, in catalogue order."""
    return tuple(s.name for s in STATISTICS.values() if s.family == family)


def defaults(family: str, *, command: bool = False) -> tuple[str, ...]:
    """The statistics a run computes by default (``command``: those of ``umkm-geo global``)."""
    return tuple(s.name for s in STATISTICS.values() if s.family == family and (s.command_default or not command))


def by_result(result: str) -> Statistic | None:
    """The statistic whose result is named ``result`` (``"local_moran"``), if any."""
    return next((s for s in STATISTICS.values() if s.result == result), None)

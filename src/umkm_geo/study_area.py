"""The study-area object that flows through the pipeline.

A :class:`StudyArea` bundles a GeoDataFrame indexed by the canonical Kemendagri code (``kode``)
with the spatial weights, the results of each analysis stage and the provenance of every input.
It is immutable: every stage returns a new object through the ``with_*`` methods, and the frame
handed out is a copy, so no stage can change what an earlier stage produced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import geopandas as gpd

REQUIRED_COLUMNS = ("nama", "kab_kode", "kab_nama", "geometry")


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclasses.dataclass(frozen=True, eq=False)
class StudyArea:
    """An immutable study area: kecamatan geometry and attributes, weights, results, provenance.

    Parameters
    ----------
    frame
        GeoDataFrame indexed by ``kode`` (Kemendagri code such as ``35.05.01``) with at least the
        columns ``nama``, ``kab_kode``, ``kab_nama`` and ``geometry`` in EPSG:4326.
    region
        The region codes the area was selected with (e.g. ``("35.05", "35.72")``).
    weights
        A libpysal ``Graph`` over ``frame.index`` or ``None`` before the weights stage.
    results
        Named results of the analysis stages (statistics, class breaks, QA reports).
    provenance
        Inputs (files, hashes, sources), settings and decisions (e.g. topology) of the run.
    """

    frame: gpd.GeoDataFrame
    region: tuple[str, ...]
    weights: Any = None
    results: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    provenance: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in self.frame.columns]
        if missing:
            msg = f"StudyArea frame lacks the columns {missing}; it has {list(self.frame.columns)}."
            raise ValueError(msg)
        if self.frame.index.name != "kode":
            msg = f"StudyArea frame must be indexed by 'kode', not {self.frame.index.name!r}."
            raise ValueError(msg)
        if not self.frame.index.is_unique:
            dupes = sorted(set(self.frame.index[self.frame.index.duplicated()]))
            msg = f"StudyArea frame has duplicate codes: {dupes}."
            raise ValueError(msg)
        frame = self.frame.copy()
        object.__setattr__(self, "frame", frame)
        object.__setattr__(self, "region", tuple(self.region))
        object.__setattr__(self, "results", _freeze(self.results))
        object.__setattr__(self, "provenance", _freeze(self.provenance))

    @property
    def codes(self) -> list[str]:
        """The kecamatan codes in map order."""
        return list(self.frame.index)

    def __len__(self) -> int:
        return len(self.frame)

    def with_frame(self, frame: gpd.GeoDataFrame) -> StudyArea:
        """Return a new study area with ``frame`` (same index required) and everything else kept."""
        if list(frame.index) != list(self.frame.index):
            msg = "A stage may add columns but must keep the study area's kecamatan and their order."
            raise ValueError(msg)
        return dataclasses.replace(self, frame=frame)

    def with_columns(self, **columns: Any) -> StudyArea:
        """Return a new study area with the given columns added or replaced."""
        frame = self.frame.copy()
        for name, values in columns.items():
            frame[name] = values
        return self.with_frame(frame)

    def with_weights(self, weights: Any) -> StudyArea:
        """Return a new study area with spatial ``weights`` (a libpysal ``Graph``)."""
        return dataclasses.replace(self, weights=weights)

    def with_result(self, name: str, value: Any) -> StudyArea:
        """Return a new study area with result ``name`` set to ``value``."""
        results = dict(self.results)
        results[name] = value
        return dataclasses.replace(self, results=results)

    def with_provenance(self, **entries: Any) -> StudyArea:
        """Return a new study area with provenance ``entries`` added or replaced."""
        provenance = dict(self.provenance)
        provenance.update(entries)
        return dataclasses.replace(self, provenance=provenance)

"""The study-area object that flows through the pipeline.

A :class:`StudyArea` bundles a GeoDataFrame indexed by the canonical Kemendagri code (``kode``)
with the spatial weights, the results of each analysis stage and the provenance of every input.
It is immutable: every stage returns a new object through the ``with_*`` methods, and the frame
handed out is a copy (``area.frame`` copies the area's private frame on each read), so no stage and
no caller can change what an earlier stage produced. The ``with_*`` methods that keep the frame
share it with the new object instead of copying it: nothing ever changes it in place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import geopandas as gpd

REQUIRED_COLUMNS = ("nama", "kab_kode", "kab_nama", "geometry")


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclasses.dataclass(frozen=True, eq=False, init=False)
class StudyArea:
    """An immutable study area: kecamatan geometry and attributes, weights, results, provenance.

    Parameters
    ----------
    frame
        GeoDataFrame indexed by ``kode`` (Kemendagri code such as ``35.05.01``) with at least the
        columns ``nama``, ``kab_kode``, ``kab_nama`` and ``geometry`` in EPSG:4326. The area keeps
        a copy; :attr:`frame` hands out a new copy on each read.
    region
        The region codes the area was selected with (e.g. ``("35.05", "35.72")``).
    weights
        A libpysal ``Graph`` over ``frame.index`` or ``None`` before the weights stage.
    results
        Named results of the analysis stages (statistics, class breaks, QA reports).
    provenance
        Inputs (files, hashes, sources), settings and decisions (e.g. topology) of the run.
    """

    _frame: gpd.GeoDataFrame
    region: tuple[str, ...]
    weights: Any = None
    results: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    provenance: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __init__(
        self,
        frame: gpd.GeoDataFrame,
        region: Sequence[str],
        weights: Any = None,
        results: Mapping[str, Any] | None = None,
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            msg = f"StudyArea frame lacks the columns {missing}; it has {list(frame.columns)}."
            raise ValueError(msg)
        if frame.index.name != "kode":
            msg = f"StudyArea frame must be indexed by 'kode', not {frame.index.name!r}."
            raise ValueError(msg)
        if not frame.index.is_unique:
            dupes = sorted(set(frame.index[frame.index.duplicated()]))
            msg = f"StudyArea frame has duplicate codes: {dupes}."
            raise ValueError(msg)
        object.__setattr__(self, "_frame", frame.copy())
        object.__setattr__(self, "region", tuple(region))
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "results", _freeze(results))
        object.__setattr__(self, "provenance", _freeze(provenance))

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """A copy of the area's frame: changing it never changes the area (use the ``with_*`` methods)."""
        return self._frame.copy()

    @property
    def codes(self) -> list[str]:
        """The kecamatan codes in map order."""
        return list(self._frame.index)

    def __len__(self) -> int:
        return len(self._frame)

    def _replace(self, **changes: Any) -> StudyArea:
        """A new area with ``changes`` (already private: a frame nobody else holds, frozen mappings)."""
        new = object.__new__(type(self))
        for field in dataclasses.fields(self):
            object.__setattr__(new, field.name, changes.get(field.name, getattr(self, field.name)))
        return new

    def with_frame(self, frame: gpd.GeoDataFrame) -> StudyArea:
        """Return a new study area with ``frame`` (same index required) and everything else kept."""
        if list(frame.index) != list(self._frame.index):
            msg = "A stage may add columns but must keep the study area's kecamatan and their order."
            raise ValueError(msg)
        return type(self)(frame, self.region, self.weights, self.results, self.provenance)

    def with_columns(self, **columns: Any) -> StudyArea:
        """Return a new study area with the given columns added or replaced."""
        frame = self._frame.copy()
        for name, values in columns.items():
            frame[name] = values
        return self._replace(_frame=frame)  # pandas keeps the index when it sets a column

    def with_weights(self, weights: Any) -> StudyArea:
        """Return a new study area with spatial ``weights`` (a libpysal ``Graph``)."""
        return self._replace(weights=weights)

    def with_result(self, name: str, value: Any) -> StudyArea:
        """Return a new study area with result ``name`` set to ``value``."""
        results = dict(self.results)
        results[name] = value
        return self._replace(results=_freeze(results))

    def with_provenance(self, **entries: Any) -> StudyArea:
        """Return a new study area with provenance ``entries`` added or replaced."""
        provenance = dict(self.provenance)
        provenance.update(entries)
        return self._replace(provenance=_freeze(provenance))

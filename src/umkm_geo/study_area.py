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
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd

from umkm_geo.results import Results

if TYPE_CHECKING:
    from libpysal.graph import Graph

REQUIRED_COLUMNS = ("nama", "kab_kode", "kab_nama", "geometry")

#: Units of analysis, finest first, with the number of dot-separated parts of their Kemendagri code.
Level = Literal["desa", "kecamatan", "kabupaten"]
LEVEL_PARTS: Mapping[str, int] = MappingProxyType({"desa": 4, "kecamatan": 3, "kabupaten": 2, "provinsi": 1})


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclasses.dataclass(frozen=True, eq=False, init=False)
class StudyArea:
    """An immutable study area: unit geometry and attributes, weights, results, provenance.

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
        The typed :class:`~umkm_geo.results.Results` of the stages run so far.
    provenance
        Inputs (files, hashes, sources), settings and decisions (e.g. topology) of the run.
    level
        The unit of analysis: ``"desa"``, ``"kecamatan"`` (default) or ``"kabupaten"``.
    """

    _frame: gpd.GeoDataFrame
    region: tuple[str, ...]
    weights: Graph | None = None
    results: Results = dataclasses.field(default_factory=Results)
    provenance: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    level: Level = "kecamatan"

    def __init__(
        self,
        frame: gpd.GeoDataFrame,
        region: Sequence[str],
        weights: Graph | None = None,
        results: Results | None = None,
        provenance: Mapping[str, Any] | None = None,
        level: Level = "kecamatan",
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
        if level not in LEVEL_PARTS or level == "provinsi":
            msg = f"StudyArea level must be 'desa', 'kecamatan' or 'kabupaten', not {level!r}."
            raise ValueError(msg)
        if results is not None and not isinstance(results, Results):
            msg = f"StudyArea results must be a umkm_geo.results.Results, not {type(results).__name__}."
            raise TypeError(msg)
        object.__setattr__(self, "results", results if results is not None else Results())
        object.__setattr__(self, "provenance", _freeze(provenance))
        object.__setattr__(self, "level", level)

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """A copy of the area's frame: changing it never changes the area (use the ``with_*`` methods)."""
        return self._frame.copy()

    @property
    def codes(self) -> list[str]:
        """The unit codes in map order."""
        return list(self._frame.index)

    def parent_codes(self, level: str = "kabupaten") -> list[str]:
        """The code of each unit's parent at ``level`` (``"kecamatan"``, ``"kabupaten"``, ``"provinsi"``).

        Kemendagri codes nest (desa ``35.05.01.2001`` lies in kecamatan ``35.05.01``, kab/kota
        ``35.05``, provinsi ``35``), so a parent code is the first parts of the unit's code.
        """
        parts = LEVEL_PARTS.get(level)
        if parts is None or parts >= LEVEL_PARTS[self.level]:
            msg = f"{level!r} is not a level above the study area's units ({self.level})."
            raise ValueError(msg)
        return [".".join(str(code).split(".")[:parts]) for code in self._frame.index]

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
            msg = "A stage may add columns but must keep the study area's units and their order."
            raise ValueError(msg)
        return type(self)(frame, self.region, self.weights, self.results, self.provenance, self.level)

    def with_columns(self, **columns: Any) -> StudyArea:
        """Return a new study area with the given columns added or replaced."""
        frame = self._frame.copy()
        for name, values in columns.items():
            frame[name] = values
        return self._replace(_frame=frame)  # pandas keeps the index when it sets a column

    def graph(self, ids: Sequence[str] | pd.Index | None = None) -> Graph:
        """The weights, restricted to the units ``ids`` when they are fewer than the area's.

        The restricted graph keeps the area's transformation: row-standardised weights are
        standardised again over the neighbours among ``ids``.

        Raises
        ------
        ValueError
            Before the weights stage (the area has no weights yet).
        """
        if self.weights is None:
            msg = "The study area has no weights yet: run the weights stage first."
            raise ValueError(msg)
        if ids is None or len(ids) == len(self._frame):
            return self.weights
        sub = self.weights.subgraph(ids)
        # a subgraph keeps the weights as they were ("O"); a row-standardised graph is standardised
        # again over the neighbours that remain, so the spatial lag stays the mean of the neighbours
        transformation = str(self.weights.transformation).upper()
        return sub.transform(transformation) if transformation in ("R", "B") else sub

    def with_weights(self, weights: Graph | None) -> StudyArea:
        """Return a new study area with spatial ``weights`` (a libpysal ``Graph``)."""
        return self._replace(weights=weights)

    def with_results(self, **changes: Any) -> StudyArea:
        """Return a new study area whose results have the fields ``changes`` set (others kept)."""
        return self._replace(results=self.results.replace(**changes))

    def with_provenance(self, **entries: Any) -> StudyArea:
        """Return a new study area with provenance ``entries`` added or replaced."""
        provenance = dict(self.provenance)
        provenance.update(entries)
        return self._replace(provenance=_freeze(provenance))

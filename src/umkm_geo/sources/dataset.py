"""What every reader of an official dataset returns: the rows, a QA table and the provenance.

The readers (:mod:`~umkm_geo.sources.region_codes`, :mod:`~umkm_geo.sources.population`,
:mod:`~umkm_geo.sources.areas`, :mod:`~umkm_geo.sources.idm`, :mod:`~umkm_geo.sources.grdp`) never
drop a row they cannot match silently: every code without a counterpart, every name that differs and
every inconsistency they find is a row of :attr:`SourceTable.qa`, with the code and name it concerns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from umkm_geo.sources.registry import FetchedFile, Registry

#: Columns of every QA table: the dataset, what is wrong, the row's code and name, the code and name it
#: was (or was not) matched to, and a sentence saying what was done.
QA_COLUMNS = ("source", "issue", "kode", "nama", "matched_kode", "matched_nama", "detail")


@dataclasses.dataclass(frozen=True)
class SourceProvenance:
    """Where a table came from: the pinned registry, the verified files and the credit line.

    Attributes
    ----------
    source
        The registry name (``"idm2024"``, ``"wilayah"``, ...).
    title, repository, commit, licence
        From the registry manifest.
    credit
        The line every output made from the table must show.
    files
        The verified files read (path, sha256, origin, url).
    """

    source: str
    title: str
    repository: str
    commit: str
    licence: str
    credit: str
    files: tuple[FetchedFile, ...]

    @classmethod
    def of(cls, registry: Registry, files: Iterable[FetchedFile]) -> SourceProvenance:
        """The provenance of ``files`` read from ``registry``."""
        return cls(
            source=registry.name,
            title=registry.details.get("title", registry.name),
            repository=registry.repository,
            commit=registry.commit,
            licence=registry.licence,
            credit=registry.credit(),
            files=tuple(files),
        )

    def record(self) -> dict[str, Any]:
        """JSON-ready description for a run record."""
        return {
            "source": self.source,
            "title": self.title,
            "repository": self.repository,
            "commit": self.commit,
            "licence": self.licence,
            "credit": self.credit,
            "files": [f.record() for f in self.files],
        }


@dataclasses.dataclass(frozen=True)
class SourceTable:
    """Rows of an official dataset, the QA of what did not match, and where they came from.

    Attributes
    ----------
    frame
        The rows (one per unit; the columns are documented by each reader).
    qa
        One row per problem found, columns :data:`QA_COLUMNS`; empty when there is none.
    provenance
        The dataset's provenance first, then that of any source it was checked against (the
        Kepmendagri code list, the desa polygons).
    """

    frame: pd.DataFrame
    qa: pd.DataFrame
    provenance: tuple[SourceProvenance, ...]

    @property
    def credits(self) -> tuple[str, ...]:
        """The credit lines of the dataset and of the sources it was checked against."""
        return tuple(dict.fromkeys(p.credit for p in self.provenance))

    def qa_counts(self) -> dict[str, int]:
        """Number of QA rows per issue."""
        return {str(k): int(v) for k, v in self.qa.groupby("issue").size().items()} if len(self.qa) else {}

    def record(self) -> dict[str, Any]:
        """JSON-ready description for a run record: provenance and QA counts."""
        return {
            "rows": len(self.frame),
            "qa": self.qa_counts(),
            "provenance": [p.record() for p in self.provenance],
        }


def qa_frame(rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A QA table (columns :data:`QA_COLUMNS`, text) from dicts; missing keys are blank."""
    records = [{c: "" if row.get(c) is None else str(row.get(c)) for c in QA_COLUMNS} for row in rows]
    return pd.DataFrame(records, columns=list(QA_COLUMNS)).astype(str)


def concat_qa(*tables: pd.DataFrame) -> pd.DataFrame:
    """Several QA tables as one, in order."""
    parts = [t for t in tables if len(t)]
    if not parts:
        return qa_frame([])
    return pd.concat(parts, ignore_index=True)

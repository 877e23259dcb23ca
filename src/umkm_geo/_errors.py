"""Exceptions raised by umkm_geo.

Every error a user can cause is a subclass of :class:`UmkmGeoError` (itself a ``ValueError``), so the
CLI can print one clear message instead of a traceback. Messages name the file, row, column or
feature at fault and say what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class UmkmGeoError(ValueError):
    """Base class of every user-facing error in umkm_geo."""


class ConfigError(UmkmGeoError):
    """A configuration file or option is invalid (unknown key, wrong type, bad value)."""


class DataSourceError(UmkmGeoError):
    """A data file cannot be found, fetched or read."""


class HashMismatchError(DataSourceError):
    """A downloaded or mirrored file does not have the sha256 pinned in the registry."""


class ParseError(DataSourceError):
    """A boundary file does not have the expected structure."""


class RegionError(UmkmGeoError):
    """A region code is malformed or selects nothing."""


class TableError(UmkmGeoError):
    """A UMKM table has a bad value, column or layout.

    ``issues`` holds the table of every problem where a reader collects them (the survey answers).
    """

    def __init__(self, msg: str, issues: pd.DataFrame | None = None) -> None:
        super().__init__(msg)
        self.issues = issues


class JoinError(UmkmGeoError):
    """A table does not join cleanly to the study area (unmatched or duplicate rows)."""

    def __init__(self, msg: str, report: Any = None) -> None:
        super().__init__(msg)
        #: The join's QA report (``umkm_geo.tables.join.JoinReport``), when there is one.
        self.report = report
        #: Its QA table as the pipeline writes it (set by the tables stage), or ``None``.
        self.qa: Any = None


class AnalysisError(UmkmGeoError):
    """A statistic cannot be computed on the given data (e.g. constant values)."""


class OutputError(UmkmGeoError):
    """The outputs cannot be written (the CLI exits with code 4).

    The output folder is not writable or not a folder, another run is writing to it, or it holds files
    umkm_geo did not write where its output set goes.
    """

"""Codes and names of every region per Kepmendagri No 300.2.2-2138 Tahun 2025 (cahyadsn/wilayah).

``db/wilayah.sql`` lists 38 provinces, 514 kab/kota, 7,285 kecamatan and 83,762 desa/kelurahan with
their Kemendagri codes (with dots) and names. A desa code's last four digits start with ``1`` for a
kelurahan, ``2`` for a desa and ``3`` for a desa adat (14, in Kabupaten Jayapura).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

import pandas as pd

from umkm_geo._errors import RegionError
from umkm_geo.sources.codes import parse_region
from umkm_geo.sources.dataset import SourceProvenance, SourceTable, qa_frame
from umkm_geo.sources.parsed import parsed_codes
from umkm_geo.sources.registry import FetchedFile, Registry, fetch, load_registry
from umkm_geo.sources.wilayah_db import LEVELS, code_level, coded_rows, compare_with_codes, select, touches

REGISTRY = "wilayah"
CODES_FILE = "db/wilayah.sql"

#: Region specifications that mean the whole country.
NATIONAL = ("all", "indonesia", "nasional")


def region_codes(region: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """The parsed region codes, or ``None`` for the whole country (``None``, ``"all"``, ``"indonesia"``)."""
    if region is None or (isinstance(region, str) and region.strip().lower() in NATIONAL):
        return None
    return parse_region(region)


def fetch_codes(
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    registry: Registry | None = None,
) -> tuple[pd.DataFrame, SourceProvenance]:
    """The whole code list (``kode``, ``nama``, ``level``) and its provenance."""
    reg = registry or load_registry(REGISTRY)
    fetched: FetchedFile = fetch(reg, CODES_FILE, mirror=mirror, cache_dir=cache_dir)
    return parsed_codes(fetched, cache_dir), SourceProvenance.of(reg, [fetched])


def read_region_codes(
    region: str | Sequence[str] | None = None,
    *,
    level: int | Sequence[int] | None = None,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SourceTable:
    """Kemendagri codes and names of the regions in ``region``.

    Parameters
    ----------
    region
        Province, kab/kota or kecamatan codes (``"35.05,35.72"``); ``None`` or ``"all"`` for Indonesia.
    level
        Keep only these levels: 1 province, 2 kab/kota, 3 kecamatan, 4 desa/kelurahan.
    mirror, cache_dir
        Offline mirror and download cache (see :func:`umkm_geo.sources.registry.fetch`).

    Returns
    -------
    SourceTable
        ``frame``: ``kode``, ``nama``, ``level``, ``parent`` (the code one level up, ``""`` for a
        province) and ``jenis`` (``"desa"``, ``"kelurahan"`` or ``"desa adat"``, by the first digit of the
        last four: 2, 1 or 3, at level 4; else ``""``), in file order.
        ``qa``: codes whose parent is not in the list (``parent_missing``).
    """
    frame, provenance = fetch_codes(mirror=mirror, cache_dir=cache_dir)
    all_codes = set(frame["kode"].tolist())
    codes = region_codes(region)
    if codes is not None:
        missing = [c for c in codes if c not in all_codes]
        if missing:
            msg = f"Region code(s) {missing} are not in the Kepmendagri 2025 list ({CODES_FILE})."
            raise RegionError(msg)
    out = select(frame, codes)
    if level is not None:
        levels = [level] if isinstance(level, int) else list(level)
        unknown = [lv for lv in levels if lv not in LEVELS]
        if unknown:
            msg = f"Unknown level(s) {unknown}; choose from {dict(LEVELS)}."
            raise RegionError(msg)
        out = out[out["level"].isin(levels)]
    out = out.reset_index(drop=True)
    out["parent"] = [k.rsplit(".", 1)[0] if "." in k else "" for k in out["kode"]]
    out["jenis"] = [_jenis(k) for k in out["kode"]]
    orphans = out[[p != "" and p not in all_codes for p in out["parent"].tolist()]]
    qa = qa_frame(
        {
            "source": REGISTRY,
            "issue": "parent_missing",
            "kode": k,
            "nama": n,
            "matched_kode": p,
            "detail": "the code's parent is not in the list; the row is kept",
        }
        for k, n, p in zip(orphans["kode"], orphans["nama"], orphans["parent"], strict=True)
    )
    return SourceTable(frame=out, qa=qa, provenance=(provenance,))


def _jenis(kode: str) -> str:
    if kode.count(".") != 3:
        return ""
    return {"1": "kelurahan", "2": "desa", "3": "desa adat"}.get(kode[-4], "")


@dataclasses.dataclass
class LevelRows:
    """The rows of one province/kab-kota table of cahyadsn/wilayah (population, areas), read and matched.

    ``all_rows`` holds every row of the file, ``rows`` those at ``level`` inside the region, ``qa``
    the issues found so far; :meth:`table` adds the comparison with the Kepmendagri code list.
    """

    all_rows: pd.DataFrame
    rows: pd.DataFrame
    qa: list[dict[str, object]]
    names: dict[str, str]
    codes: pd.DataFrame
    wanted: tuple[str, ...] | None
    level: int
    provenance: tuple[SourceProvenance, SourceProvenance]

    def table(self) -> SourceTable:
        """The rows with every QA issue of the region and the provenance of the file and the code list."""
        qa = self.qa + compare_with_codes(
            self.rows, self.codes, source=REGISTRY, levels=[self.level], region=self.wanted
        )
        wanted = self.wanted
        qa = [row for row in qa if wanted is None or touches(str(row.get("matched_kode") or row["kode"]), wanted)]
        return SourceTable(frame=self.rows, qa=qa_frame(qa), provenance=self.provenance)


def read_level_rows(
    path: str,
    table: str,
    columns: Sequence[str],
    *,
    number: str,
    level: int,
    region: str | Sequence[str] | None,
    what: str,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> LevelRows:
    """Read ``path`` of the wilayah registry (a table per province and kab/kota) at ``level`` in ``region``."""
    if level not in (1, 2):
        msg = f"{what} is published per province (level 1) and kab/kota (level 2), not level {level}."
        raise RegionError(msg)
    reg = load_registry(REGISTRY)
    fetched = fetch(reg, path, mirror=mirror, cache_dir=cache_dir)
    codes, codes_provenance = fetch_codes(mirror=mirror, cache_dir=cache_dir)
    names = dict(zip(codes["kode"].tolist(), codes["nama"].tolist(), strict=True))
    frame, qa = coded_rows(fetched.path, table, columns, names, source=REGISTRY, number=number)
    qa = [row for row in qa if not row["matched_kode"] or code_level(str(row["matched_kode"])) == level]
    wanted = region_codes(region)
    rows = select(frame[frame["level"] == level], wanted).reset_index(drop=True)
    provenance = (SourceProvenance.of(reg, [fetched]), codes_provenance)
    return LevelRows(frame, rows, qa, names, codes, wanted, level, provenance)

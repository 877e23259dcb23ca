"""GRDP per capita of the 514 kab/kota, 2000-2024 (quarcs-lab/indonesia514, ``gdp/gdp_pc.csv``).

Constant 2010 prices, **thousand** rupiah per person (the repository's README says million; Kabupaten
Blitar's 21,987 in 2019 is Rp 21.987 million). 2000-2015 come from the QuaRCS Indonesia Regional
Dataset, 2016-2024 from BPS PDRB publications (2024 preliminary).

The file is keyed by the 4-digit **BPS** kab/kota code (``districtID``). BPS and Kemendagri number
the kab/kota of a province differently in many provinces (BPS 1101 is Simeulue, Kemendagri 11.01 is
Aceh Selatan; 200 of the 514 BPS codes name another kab/kota, or none, as Kemendagri codes), and the
2022 Papua split renumbered the provinces too. So a row is matched to its Kemendagri kab/kota by
name within its province (the province by name as well); the code only confirms. Every row whose BPS
code is not its Kemendagri code, every spelling matched loosely and every row or kab/kota left
without a partner is reported in the QA table.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import os
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from umkm_geo._errors import ParseError
from umkm_geo.sources.dataset import SourceProvenance, SourceTable, qa_frame
from umkm_geo.sources.region_codes import fetch_codes, region_codes
from umkm_geo.sources.registry import fetch, load_registry
from umkm_geo.sources.wilayah_db import region_key, select, touches

REGISTRY = "indonesia514"
GRDP_FILE = "gdp/gdp_pc.csv"
YEARS = tuple(range(2000, 2025))
ID_COLUMNS = ("districtID", "district", "provinceID", "province", "islandID", "island")
HEADER = (*ID_COLUMNS, *(f"grdp_pc_{y}" for y in YEARS))

#: The output's value columns, one per year.
VALUE_COLUMNS = tuple(f"grdp_pc_{y}" for y in YEARS)

#: Province names of the file that the Kepmendagri list spells in full.
PROVINCE_ALIASES = {"dkijakarta": "daerahkhususibukotajakarta", "diyogyakarta": "daerahistimewayogyakarta"}

#: Lowest similarity (difflib ratio of the name keys) for a spelling variant within a province.
SPELLING_CUTOFF = 0.85

_NUMBER = re.compile(r"^\s*\d{1,3}(?:,\d{3})*\s*$")
_BPS = re.compile(r"^\d{4}$")


def kab_key(name: object) -> str:
    """A kab/kota name reduced for matching: "Kabupaten Blitar" and "Blitar" agree, "Kota Blitar" not."""
    return region_key(name).removeprefix("kabupaten")


@dataclasses.dataclass(frozen=True)
class _Row:
    line: int
    bps_kode: str
    nama_sumber: str
    provinsi_sumber: str
    values: tuple[float, ...]


def _read_rows(path: str | os.PathLike[str]) -> tuple[list[_Row], list[dict[str, object]]]:
    """The data rows of the CSV (values as floats, thousand rupiah) and QA rows for blank lines/cells."""
    rows: list[_Row] = []
    qa: list[dict[str, object]] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != HEADER:
            msg = f"{path}, line 1: the header is {header!r}; expected {list(HEADER[:7])} ... grdp_pc_2024."
            raise ParseError(msg)
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                qa.append(
                    {
                        "source": REGISTRY,
                        "issue": "blank_row",
                        "kode": "",
                        "nama": "",
                        "detail": f"line {line}: no values",
                    }
                )
                continue
            if len(cells) != len(HEADER):
                msg = f"{path}, line {line}: {len(cells)} cells; expected {len(HEADER)}."
                raise ParseError(msg)
            bps, name, prov_id, prov = (c.strip() for c in cells[:4])
            if not _BPS.match(bps) or prov_id != bps[:2] or not name or not prov:
                msg = (
                    f"{path}, line {line}: districtID {bps!r} / provinceID {prov_id!r} are not a BPS kab/kota"
                    " code and its province."
                )
                raise ParseError(msg)
            values: list[float] = []
            for year, cell in zip(YEARS, cells[len(ID_COLUMNS) :], strict=True):
                if not cell.strip():
                    values.append(np.nan)
                    qa.append(
                        {
                            "source": REGISTRY,
                            "issue": "missing_value",
                            "kode": bps,
                            "nama": name,
                            "detail": f"line {line}: no GRDP per capita for {year}",
                        }
                    )
                elif _NUMBER.match(cell):
                    values.append(float(cell.replace(",", "")))
                else:
                    msg = (
                        f"{path}, line {line}, {name} ({bps}): grdp_pc_{year} is {cell!r};"
                        " expected a number like ' 23,340 '."
                    )
                    raise ParseError(msg)
            rows.append(_Row(line, bps, name, prov, tuple(values)))
    return rows, qa


def _province_map(rows: list[_Row], provinces: dict[str, str]) -> dict[str, str]:
    """File province name -> Kemendagri province code (by name)."""
    by_key = {region_key(n): k for k, n in provinces.items()}
    out: dict[str, str] = {}
    for name in sorted({r.provinsi_sumber for r in rows}):
        key = region_key(name)
        code = by_key.get(PROVINCE_ALIASES.get(key, key))
        if code is None:
            msg = f"{GRDP_FILE}: province {name!r} is not a province of the Kepmendagri 2025 list."
            raise ParseError(msg)
        out[name] = code
    return out


def _match(
    rows: list[_Row], kabs: dict[str, str], prov_of: dict[str, str]
) -> tuple[dict[int, tuple[str, str]], list[dict[str, object]]]:
    """Row index -> (Kemendagri code, how) and the QA rows of the matching."""
    free = dict(kabs)  # Kemendagri kab/kota not matched yet
    matched: dict[int, tuple[str, str]] = {}
    # 1. the same name within the same province
    for i, row in enumerate(rows):
        prov = prov_of[row.provinsi_sumber]
        key = kab_key(row.nama_sumber)
        hits = [k for k, n in free.items() if k[:2] == prov and kab_key(n) == key]
        if len(hits) == 1:
            matched[i] = (hits[0], "code" if hits[0].replace(".", "") == row.bps_kode else "name")
            del free[hits[0]]
    # 2. a close spelling among the province's kab/kota still free
    for i, row in enumerate(rows):
        if i in matched:
            continue
        prov = prov_of[row.provinsi_sumber]
        pool = {kab_key(n): k for k, n in free.items() if k[:2] == prov}
        close = difflib.get_close_matches(kab_key(row.nama_sumber), list(pool), n=1, cutoff=SPELLING_CUTOFF)
        if close:
            matched[i] = (pool[close[0]], "spelling")
            del free[pool[close[0]]]
    qa: list[dict[str, object]] = []
    for i, row in enumerate(rows):
        bps, name = row.bps_kode, row.nama_sumber
        dotted = f"{bps[:2]}.{bps[2:]}"
        if i not in matched:
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "unmatched",
                    "kode": bps,
                    "nama": name,
                    "detail": f"no kab/kota of that name in {row.provinsi_sumber} in the Kepmendagri 2025 list;"
                    " the row is not used",
                }
            )
            continue
        kode, how = matched[i]
        if how == "spelling":
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "name_spelling",
                    "kode": bps,
                    "nama": name,
                    "matched_kode": kode,
                    "matched_nama": kabs[kode],
                    "detail": "matched to the only kab/kota of the province with a close spelling",
                }
            )
        if kode != dotted:
            other = f"Kemendagri {dotted} is {kabs[dotted]}" if dotted in kabs else f"{dotted} is no Kemendagri code"
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "code_differs",
                    "kode": bps,
                    "nama": name,
                    "matched_kode": kode,
                    "matched_nama": kabs[kode],
                    "detail": f"BPS {bps} is Kemendagri {kode}, matched by name ({other})",
                }
            )
    for kode, nama in sorted(free.items()):
        qa.append(
            {
                "source": REGISTRY,
                "issue": "no_grdp",
                "kode": kode,
                "nama": nama,
                "detail": "a kab/kota of the Kepmendagri 2025 list without a GRDP row",
            }
        )
    return matched, qa


def _in_region(
    row: dict[str, object], region: Sequence[str], *, matched_codes: set[str], prov_of_bps: dict[str, str]
) -> bool:
    """Whether a QA row concerns ``region``: by its Kemendagri code, or its BPS row's province."""
    kode = str(row.get("matched_kode") or row["kode"])
    if row["issue"] == "no_grdp" or kode in matched_codes:
        return touches(kode, region)
    province = prov_of_bps.get(str(row["kode"]))
    return province is not None and any(r[:2] == province for r in region)


def read_grdp(
    region: str | Sequence[str] | None = None,
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SourceTable:
    """GRDP per capita 2000-2024 of the kab/kota in ``region``, under their Kemendagri codes.

    Parameters
    ----------
    region
        Province or kab/kota codes (``"35"``, ``"35.05,35.72"``); ``None`` or ``"all"`` for Indonesia.
    mirror, cache_dir
        Offline mirror and download cache (see :func:`umkm_geo.sources.registry.fetch`).

    Returns
    -------
    SourceTable
        ``frame``: ``kode`` (Kemendagri, ``35.05``), ``nama`` (Kemendagri name), ``bps_kode``,
        ``nama_sumber`` (the file's name), ``prov_kode``, ``match`` (``"code"``: BPS code = Kemendagri
        code and the same name; ``"name"``: the same name under another code; ``"spelling"``: a close
        spelling) and ``grdp_pc_2000`` ... ``grdp_pc_2024`` (thousand rupiah per person, constant 2010
        prices), sorted by code. ``qa``: ``code_differs``, ``name_spelling``, ``unmatched`` (a row with
        no kab/kota), ``no_grdp`` (a kab/kota with no row), ``missing_value``, ``blank_row``.
    """
    reg = load_registry(REGISTRY)
    fetched = fetch(reg, GRDP_FILE, mirror=mirror, cache_dir=cache_dir)
    codes, codes_provenance = fetch_codes(mirror=mirror, cache_dir=cache_dir)
    rows, qa = _read_rows(fetched.path)
    provinces = dict(zip(codes.loc[codes["level"] == 1, "kode"], codes.loc[codes["level"] == 1, "nama"], strict=True))
    kabs = dict(zip(codes.loc[codes["level"] == 2, "kode"], codes.loc[codes["level"] == 2, "nama"], strict=True))
    prov_of = _province_map(rows, provinces)
    matched, match_qa = _match(rows, kabs, prov_of)
    qa += match_qa
    records = [
        {
            "kode": kode,
            "nama": kabs[kode],
            "bps_kode": rows[i].bps_kode,
            "nama_sumber": rows[i].nama_sumber,
            "prov_kode": kode[:2],
            "match": how,
            **dict(zip(VALUE_COLUMNS, rows[i].values, strict=True)),
        }
        for i, (kode, how) in matched.items()
    ]
    frame = pd.DataFrame(
        records, columns=["kode", "nama", "bps_kode", "nama_sumber", "prov_kode", "match", *VALUE_COLUMNS]
    )
    wanted = region_codes(region)
    frame = select(frame, wanted).sort_values("kode").reset_index(drop=True)
    if wanted is not None:
        prov_of_bps = {r.bps_kode: prov_of[r.provinsi_sumber] for r in rows}
        qa = [
            row
            for row in qa
            if _in_region(row, wanted, matched_codes={kode for kode, _ in matched.values()}, prov_of_bps=prov_of_bps)
        ]
    frame.attrs.update(unit="thousand rupiah per person, constant 2010 prices", years=YEARS)
    provenance = (SourceProvenance.of(reg, [fetched]), codes_provenance)
    return SourceTable(frame=frame, qa=qa_frame(qa), provenance=provenance)

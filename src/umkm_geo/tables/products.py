"""Product tables of the produk unggulan study: one candidate product per row, read and checked.

A product table has one row per candidate product of a kecamatan (or of a desa, with the code or
name of its kecamatan): ``kode`` and/or ``kecamatan`` (matched like the UMKM tables, through
:func:`umkm_geo.sources.codes.normalise_code` and :func:`umkm_geo.sources.names.normalise_name`), optional
``kab_kota`` and ``desa``, ``produk``, ``sektor``, optional amounts ``output``, ``jumlah_unit`` and
``nilai``, and criteria ratings ``kriteria_<name>`` (1-5 or 1-9) for the exponential comparison
method of :func:`umkm_geo.stats.survey.products.mpe_ranking`. Every bad cell is listed with its row
and column.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError, TableError
from umkm_geo.sources.codes import normalise_code
from umkm_geo.sources.names import normalise_name, suggest
from umkm_geo.tables.columns import CODE_ALIASES, KAB_ALIASES, NAME_ALIASES, slug
from umkm_geo.tables.join import kab_matches
from umkm_geo.tables.raw import read_raw

__all__ = ["CRITERION_PREFIX", "PRODUCT_VALUE_COLUMNS", "read_products"]

#: Optional amount columns of a product table (non-negative numbers).
PRODUCT_VALUE_COLUMNS = ("output", "jumlah_unit", "nilai")
#: Prefix of the criteria rating columns (``kriteria_bahan_baku``).
CRITERION_PREFIX = "kriteria_"
_SCALES = (5, 9)


def _raw_table(path_or_frame: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if isinstance(path_or_frame, pd.DataFrame):
        raw = path_or_frame.reset_index(drop=True).copy()
        where = "product table"
    else:
        file = Path(path_or_frame)
        if not file.is_file():
            msg = f"Product table {file} does not exist."
            raise TableError(msg)
        raw = read_raw(file, None)
        where = str(file)
    if raw.empty:
        msg = f"{where}: the product table has no rows."
        raise TableError(msg)
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw, where


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return "" if text.lower() in ("nan", "none", "<na>") else text


def _number(value: object) -> tuple[float | None, str | None]:
    """Parse one numeric cell: ``(value, None)``, ``(None, None)`` if empty or ``(None, reason)``."""
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float | np.integer | np.floating):
        return (None, None) if np.isnan(value) else (float(value), None)
    text = _text(value)
    if not text:
        return None, None
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return None, f"{text!r} has a thousands separator (or is ambiguous); write it without separators"
    try:
        return float(text.replace(",", ".")), None
    except ValueError:
        return None, f"{text!r} is not a number"


def _match_unit(
    code_in: str, name_in: str, kab_in: str, units: pd.DataFrame, by_name: dict[str, list[str]]
) -> tuple[str | None, str | None]:
    """The kecamatan code of one row, or ``(None, reason)``."""
    if code_in:
        code = normalise_code(code_in)
        if code is not None and code.count(".") == 3:
            code = code.rsplit(".", 1)[0]  # a desa code: its kecamatan
        if code is None or code not in units.index:
            hint = suggest(name_in, units["nama"].tolist()) if name_in else []
            tip = f" (did you mean {hint}?)" if hint else ""
            return None, f"code {code_in!r} is not a kecamatan of the study area{tip}"
        if name_in and normalise_name(name_in) != normalise_name(units.at[code, "nama"]):
            return None, f"code {code_in!r} is {units.at[code, 'nama']!r}, not {name_in!r}"
        return code, None
    candidates = by_name.get(normalise_name(name_in), [])
    if kab_in and "kab_nama" in units.columns:
        candidates = [c for c in candidates if kab_matches(kab_in, str(units.at[c, "kab_nama"]))]
    if not candidates:
        hint = suggest(name_in, units["nama"].tolist())
        tip = f"; close names: {hint}" if hint else ""
        return None, f"{name_in!r} is not a kecamatan of the study area{tip}"
    if len(candidates) > 1:
        return None, f"{name_in!r} is ambiguous ({candidates}); add a kab_kota or kode column"
    return candidates[0], None


def read_products(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    units: pd.DataFrame,
    scale: int | None = None,
) -> pd.DataFrame:
    """Read and validate a table of candidate products per kecamatan (or desa).

    Parameters
    ----------
    path_or_frame
        CSV/XLSX file or DataFrame with a kecamatan column (``kode`` or ``kecamatan`` and their
        usual aliases; a desa code such as ``35.05.08.2001`` counts for its kecamatan), ``produk``,
        ``sektor``, optional ``kab_kota``, ``desa``, ``output``, ``jumlah_unit``, ``nilai``, and
        criteria ratings ``kriteria_<name>``. Other columns (e.g. ``keterangan``) are kept as they are.
    units
        Study-area frame indexed by kecamatan code with ``nama`` (and ``kab_nama`` to tell
        same-named kecamatan apart), e.g. ``area.frame``.
    scale
        Rating scale of the criteria, 5 or 9; by default 5 when every rating is at most 5, else 9.

    Returns
    -------
    pandas.DataFrame
        One row per input row (blank rows skipped) with ``row`` (row number as in a spreadsheet,
        header = 1), ``kode``, ``kecamatan`` (the study-area name), ``desa`` (``""`` if absent),
        ``produk``, ``sektor`` (slugged, e.g. ``makanan_minuman``), the amount columns present (float,
        NaN where empty), the ``kriteria_*`` columns (float) and any other input columns. The
        scale is in ``attrs["scale"]``.

    Raises
    ------
    TableError
        If a required column is missing, or any cell is bad: an unknown or ambiguous kecamatan,
        a code whose name disagrees, an empty product or sector, a negative or non-numeric amount,
        a missing rating or one outside the scale, or the same product twice in one kecamatan/desa.
        Every bad cell is listed with its row and column.
    ConfigError
        If ``scale`` is not 5 or 9.
    """
    if scale is not None and scale not in _SCALES:
        msg = f"scale must be one of {list(_SCALES)} (rating scale of the criteria), not {scale!r}."
        raise ConfigError(msg)
    raw, where = _raw_table(path_or_frame)
    columns = {slug(c): c for c in raw.columns}

    def find(aliases: tuple[str, ...]) -> str | None:
        return next((columns[a] for a in aliases if a in columns), None)

    code_col, name_col, kab_col = find(CODE_ALIASES), find(NAME_ALIASES), find(KAB_ALIASES)
    if code_col is None and name_col is None:
        msg = (
            f"{where}: no kecamatan column; name one {list(CODE_ALIASES)} (codes) or {list(NAME_ALIASES)}"
            f" (names). The columns are {list(raw.columns)}."
        )
        raise TableError(msg)
    missing = [c for c in ("produk", "sektor") if c not in columns]
    if missing:
        msg = f"{where}: missing column(s) {missing}; the columns are {list(raw.columns)}."
        raise TableError(msg)
    desa_col = columns.get("desa")
    value_cols = [c for c in PRODUCT_VALUE_COLUMNS if c in columns]
    criteria = [c for c in columns if c.startswith(CRITERION_PREFIX) and len(c) > len(CRITERION_PREFIX)]
    used = {code_col, name_col, kab_col, desa_col, columns["produk"], columns["sektor"]}
    used |= {columns[c] for c in value_cols + criteria}
    extra = [c for c in raw.columns if c not in used]

    by_name: dict[str, list[str]] = {}
    for code, name in units["nama"].items():
        by_name.setdefault(normalise_name(name), []).append(code)
    problems: list[str] = []
    records: list[dict[str, Any]] = []
    for i in range(len(raw)):
        cells = raw.iloc[i]
        if all(_text(v) == "" for v in cells):
            continue
        row = i + 2
        code_in = _text(cells[code_col]) if code_col else ""
        name_in = _text(cells[name_col]) if name_col else ""
        kab_in = _text(cells[kab_col]) if kab_col else ""
        rec: dict[str, Any] = {"row": row}
        if not code_in and not name_in:
            problems.append(f"row {row}, column {code_col or name_col!r}: the kecamatan is empty")
        else:
            code, reason = _match_unit(code_in, name_in, kab_in, units, by_name)
            if reason:
                problems.append(f"row {row}, column {(code_col if code_in else name_col)!r}: {reason}")
            rec["kode"] = code
            rec["kecamatan"] = units.at[code, "nama"] if code is not None else None
        rec["desa"] = _text(cells[desa_col]) if desa_col else ""
        for col in ("produk", "sektor"):
            text = _text(cells[columns[col]])
            if not text:
                problems.append(f"row {row}, column {columns[col]!r}: the {col} is empty")
            rec[col] = text if col == "produk" else slug(text)
        for col in value_cols:
            value, reason = _number(cells[columns[col]])
            if reason is None and value is not None and value < 0:
                reason = f"{value:g} is negative"
            if reason:
                problems.append(f"row {row}, column {columns[col]!r}: {reason}")
            rec[col] = np.nan if value is None else value
        for col in criteria:
            value, reason = _number(cells[columns[col]])
            if reason is None and value is None:
                reason = "the rating is empty"
            if reason:
                problems.append(f"row {row}, column {columns[col]!r}: {reason}")
            rec[col] = np.nan if value is None else value
        rec.update({c: cells[c] for c in extra})
        records.append(rec)
    if not records:
        msg = f"{where}: the product table has only blank rows."
        raise TableError(msg)
    data = pd.DataFrame.from_records(records)
    if criteria:
        ratings = data[criteria].to_numpy(dtype=float)
        top = float(np.nanmax(ratings)) if np.isfinite(ratings).any() else 1.0
        used_scale: int | None = scale if scale is not None else (5 if top <= 5 else 9)
        for col in criteria:
            bad = data[(data[col] < 1) | (data[col] > used_scale)]
            problems += [
                f"row {r}, column {columns[col]!r}: rating {v:g} is outside 1-{used_scale}"
                for r, v in zip(bad["row"], bad[col], strict=True)
            ]
    else:
        used_scale = scale
    key = ["kode", "desa", "produk"]
    if "kode" in data.columns and not problems:
        dup = data.assign(_p=data["produk"].map(normalise_name))
        dupes = dup[dup.duplicated(["kode", "desa", "_p"], keep=False)]
        for _, group in dupes.groupby(["kode", "desa", "_p"], sort=False):
            problems.append(
                f"rows {group['row'].tolist()}, column {columns['produk']!r}: product {group['produk'].iloc[0]!r} "
                f"is listed more than once for {group['kecamatan'].iloc[0]} {group['desa'].iloc[0]}".rstrip()
            )
    if problems:
        msg = f"{where}: {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        raise TableError(msg)
    ordered = ["row", "kode", "kecamatan", *key[1:], "sektor", *value_cols, *criteria, *extra]
    data = data[ordered]
    data.attrs["scale"] = used_scale
    return data

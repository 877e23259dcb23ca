"""The tables of a run as one XLSX workbook, and the study area with its results as a GeoPackage.

Beside the CSV files (one per table, for scripts), a run writes:

- ``tables/umkm_geo.xlsx``: every table of ``tables/`` as one sheet (sheet names cut to Excel's 31
  characters and made unique), numbers as numbers (not text, so an Indonesian-locale Excel reads
  ``0,5`` rightly), floats rounded to 6 decimals; the illustrative note column stays where the CSV
  has it.
- ``tables/umkm_geo.gpkg``: one layer named after the unit of analysis (``kecamatan``, ``desa``, ...)
  with the geometry, every indicator column and, for each local statistic, its value, p-value and
  cluster (``lisa_*``, ``gi_star_*``, ``geary_*``): what a GIS user opens in QGIS.

Both are written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._atomic import atomic_path
from umkm_geo.study_area import StudyArea
from umkm_geo.tables.columns import column_letter

__all__ = ["GEOPACKAGE", "WORKBOOK", "write_geopackage", "write_workbook"]

WORKBOOK = "umkm_geo.xlsx"
GEOPACKAGE = "umkm_geo.gpkg"

#: Decimals kept in the workbook (the CSV files keep every digit).
DECIMALS = 6

#: Prefix of each local statistic's columns in the GeoPackage.
_LOCAL_PREFIX = {"moran": "lisa_", "gi_star": "gi_star_", "geary": "geary_", "moran_bv": "lisa_bv_"}


def _sheet_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        sheet, n = name[:31], 1
        while sheet in out:
            n += 1
            sheet = f"{name[: 31 - len(str(n)) - 1]}~{n}"
        out.append(sheet)
    return out


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(DECIMALS)
        elif out[column].dtype == object:
            out[column] = [round(v, DECIMALS) if isinstance(v, float) else v for v in out[column]]
    return out


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
#: Characters XML 1.0 cannot hold, written as SpreadsheetML's ``_xHHHH_`` (and a literal ``_xHHHH_`` escaped).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
#: Excel's limit on the characters of a cell.
MAX_CELL_CHARS = 32_767
#: The end of a text cut to that limit.
_CUT = " [...] (cut to Excel's cell limit; whole in the CSV file)"


def _escaped(value: str) -> str:
    """``value`` as XML text: markup characters escaped, characters XML cannot hold as ``_xHHHH_``."""
    value = _UNSAFE.sub(lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(value: str) -> str:
    if len(value) > MAX_CELL_CHARS:  # Excel would refuse the file: cut, and say so in the cell (the CSV has it whole)
        value = value[: MAX_CELL_CHARS - len(_CUT)] + _CUT
    value = _escaped(value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<is><t{space}>{value}</t></is>"


def _cell(ref: str, value: object) -> str:
    """One cell: numbers as numbers, text as inline text, a missing value as nothing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | np.integer):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    if isinstance(value, float | np.floating):
        number = float(value)
        if number != number:
            return ""
        if number in (float("inf"), float("-inf")):
            return f'<c r="{ref}" t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"><v>{number!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr">{_text(str(value))}</c>'


def _column(values: list[Any], letter: str) -> list[str]:
    """The cells of one column from row 2 down (an empty string where the value is missing)."""
    return [_cell(f"{letter}{row}", value) for row, value in enumerate(values, start=2)]


def _sheet_xml(frame: pd.DataFrame) -> Iterator[str]:
    """The worksheet XML of ``frame``: a header row, then a row per record, in chunks."""
    letters = [column_letter(i) for i in range(len(frame.columns))]
    yield f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'
    header = "".join(_cell(f"{letter}1", str(name)) for letter, name in zip(letters, frame.columns, strict=True))
    yield f'<row r="1">{header}</row>'
    columns = [_column(frame.iloc[:, i].tolist(), letter) for i, letter in enumerate(letters)]
    chunk: list[str] = []
    for row, cells in enumerate(zip(*columns, strict=True), start=2):
        chunk.append(f'<row r="{row}">{"".join(cells)}</row>')
        if len(chunk) == 5_000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
    yield "</sheetData></worksheet>"


def _package(sheets: list[str]) -> dict[str, str]:
    """The parts of the workbook besides the worksheets: content types, relationships, sheet list, styles."""
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    listed = "".join(
        f'<sheet name="{_escaped(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{_DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    return {
        "[Content_Types].xml": f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>{overrides}</Types>',
        "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>{listed}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_RELS}">{links}'
        f'<Relationship Id="rId{n + 1}" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": _STYLES,
    }


def write_workbook(tables: Mapping[str, pd.DataFrame], folder: Path) -> Path:
    """Every table as a sheet of ``folder/umkm_geo.xlsx`` (in the order given).

    The SpreadsheetML is written directly, a sheet at a time, into the zip (no styles beyond Excel's
    default, inline text, numbers as numbers, booleans as booleans, a missing value as an empty
    cell). XlsxWriter took 29 s for the 6.2 million cells of the national desa run, mostly in its
    per-cell checks; this takes a third of that. The result is read back by openpyxl and pandas in
    ``tests/test_pipeline.py``.
    """
    import zipfile

    path = folder / WORKBOOK
    names = list(tables)
    sheets = _sheet_names(names)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        for part, xml in _package(sheets).items():
            book.writestr(part, xml)
        for i, name in enumerate(names, start=1):
            with book.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as stream:
                for piece in _sheet_xml(_rounded(tables[name])):
                    stream.write(piece.encode("utf-8"))
    return path


def write_geopackage(area: StudyArea, folder: Path) -> Path:
    """The study area with its indicators and local statistics as one GeoPackage layer."""
    frame = area.frame
    for name, result in area.results.local.items():
        local = result.frame()
        keep = [c for c in ("Ii", "Gi", "ci", "z_sim", "p_value", "cluster") if c in local]
        frame = frame.join(local[keep].add_prefix(_LOCAL_PREFIX.get(name, f"{name}_")))
    for column in frame.columns:
        if frame[column].dtype == object and column != "geometry":
            frame[column] = frame[column].astype("string")
    path = folder / GEOPACKAGE
    with atomic_path(path) as tmp:
        frame.reset_index().to_file(tmp, driver="GPKG", layer=area.level, engine="pyogrio")
    return path

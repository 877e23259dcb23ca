"""The column vocabulary of users' tables: the names a kecamatan, kab/kota, sector, year or count column goes by.

Every table reader (UMKM counts, questionnaire answers, products, FFA factors) finds its columns by
these names, compared after :func:`slug` (lower case, spaces and punctuation as ``_``); sectors are
recognised by :func:`sector_key`. A table marks itself illustrative by a note column (one of
:data:`NOTE_ALIASES`) saying "ilustrasi" or "illustrative": :func:`says_illustrative` and
:func:`table_says_illustrative` are the one test of it, shared by the readers, the pipeline and the
single commands.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CODE_ALIASES = (
    "kode",
    "kode_kemendagri",
    "kode_kecamatan",
    "kode_kec",
    "kode_wilayah",
    "kode_bps",
    "adm3_pcode",
)
NAME_ALIASES = ("kecamatan", "nama_kecamatan", "nama_kec", "nama")
KAB_ALIASES = ("kab_kota", "kabupaten_kota", "kabkota", "kabupaten", "kota")
SECTOR_ALIASES = ("sektor", "sector", "sektor_usaha", "jenis_usaha", "bidang_usaha", "lapangan_usaha")
YEAR_ALIASES = ("tahun", "year")
#: Names of the count column of a long table.
COUNT_ALIASES = ("jumlah_umkm", "jumlah", "umkm", "count", "n_umkm", "total")
#: Column names (alone or before a year, ``jumlah_umkm_2023``) that hold the total number of UMKM.
TOTAL_NAMES = (
    *COUNT_ALIASES,
    "jumlah_total",
    "jumlah_usaha",
    "jumlah_unit_usaha",
    "banyaknya_umkm",
    "banyak_umkm",
    "jumlah_pelaku_umkm",
    "jumlah_pelaku_usaha",
)

#: Sector names recognised as count columns of a wide table (compared after lower-casing, with
#: spaces and punctuation as ``_``, a leading ``sektor_`` and ``_dan_`` dropped). Size classes
#: (mikro, kecil, menengah) count the same way. Other sectors: ``[data] sectors``.
SECTORS = (
    "perdagangan",
    "makanan_minuman",
    "kuliner",
    "kerajinan",
    "kriya",
    "jasa",
    "jasa_lainnya",
    "pertanian",
    "pertanian_olahan",
    "perkebunan",
    "peternakan",
    "perikanan",
    "kehutanan",
    "industri",
    "industri_pengolahan",
    "pengolahan",
    "fashion",
    "fesyen",
    "konveksi",
    "tekstil",
    "otomotif",
    "konstruksi",
    "transportasi",
    "akomodasi",
    "pariwisata",
    "ekonomi_kreatif",
    "pertambangan",
    "aneka_usaha",
    "lainnya",
    "lain_lain",
    "mikro",
    "kecil",
    "menengah",
    "usaha_mikro",
    "usaha_kecil",
    "usaha_menengah",
)
#: Columns that only describe a row (never counts, items or criteria), compared after :func:`slug`
#: (``"Catatan data"`` is ``catatan_data``). The one list of note columns: the readers set them aside
#: and :func:`table_says_illustrative` reads them.
NOTE_ALIASES = (
    "keterangan",
    "ket",
    "catatan",
    "catatan_data",
    "catatan_ilustrasi",
    "note",
    "notes",
    "sumber",
    "source",
)
#: Words of a note that mark its table illustrative (compared in lower case, anywhere in the note).
ILLUSTRATIVE_WORDS = ("ilustrasi", "illustrative")
#: Names of a row-number column (also ``#`` and a column without a name holding 0/1, 2, 3, ...).
ROW_NUMBER_NAMES = ("no", "nomor", "no_urut", "nomor_urut", "nr", "urut")
#: Columns that make a table desa-level (one row per desa/kelurahan).
DESA_ALIASES = (
    "desa",
    "kelurahan",
    "desa_kelurahan",
    "kelurahan_desa",
    "desa_kel",
    "kel_desa",
    "nama_desa",
    "nama_kelurahan",
    "nama_desa_kelurahan",
    "kode_desa",
    "kode_kelurahan",
)
#: At desa level: the desa/kelurahan code and name columns, and the kecamatan column (names within it).
DESA_CODE_ALIASES = ("kode_desa", "kode_kelurahan", "kode_desa_kelurahan", "kode_wilayah", "kode", "kode_kemendagri")
DESA_NAME_ALIASES = (*(a for a in DESA_ALIASES if not a.startswith("kode_")), "nama")
KEC_ALIASES = ("kecamatan", "nama_kecamatan", "nama_kec", "kec")
#: Columns of a list of businesses (one row per UMKM) rather than counts.
BUSINESS_ALIASES = (
    "nama_usaha",
    "nama_umkm",
    "nama_pemilik",
    "pemilik",
    "nik",
    "nib",
    "alamat",
    "alamat_usaha",
    "no_hp",
    "nomor_hp",
    "no_telp",
    "telepon",
)
TOTAL_SECTOR = "total"

_SLUG = re.compile(r"[^0-9a-z]+")


def slug(text: object) -> str:
    """Lower-case identifier for a column or sector name (``"Makanan-Minuman"`` -> ``makanan_minuman``)."""
    return _SLUG.sub("_", str(text).strip().lower()).strip("_")


def sector_key(text: object) -> str:
    """Key a sector name is recognised by (``"Sektor Makanan dan Minuman"`` -> ``makanan_minuman``)."""
    key = slug(text).replace("_dan_", "_")
    return key.removeprefix("sektor_")


def is_note_column(name: object) -> bool:
    """Whether a column named ``name`` is a note column (:data:`NOTE_ALIASES`, after :func:`slug`)."""
    return slug(name) in NOTE_ALIASES


def says_illustrative(note: object) -> bool:
    """Whether the text of one note cell says the data are illustrative (:data:`ILLUSTRATIVE_WORDS`)."""
    text = str(note).lower()
    return any(word in text for word in ILLUSTRATIVE_WORDS)


def table_says_illustrative(table: pd.DataFrame) -> bool:
    """Whether a user's table marks itself illustrative: a cell of a note column says so.

    Note columns are those of :data:`NOTE_ALIASES` (compared after :func:`slug`); one cell saying
    "ilustrasi" or "illustrative" marks the whole table.
    """
    notes = [c for c in table.columns if is_note_column(c)]
    return any(says_illustrative(v) for c in notes for v in table[c])


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> ``A``, 27 -> ``AB``)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters

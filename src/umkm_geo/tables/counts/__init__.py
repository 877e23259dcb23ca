"""Reading UMKM count tables (CSV, XLSX or XLS; long or wide; keyed by code or by name).

Long layout: one row per kecamatan (× sector × year) with one count column (``jumlah_umkm``).
Wide layout: one row per kecamatan, one count column per sector, per year (``2019``) or per sector
and year (``perdagangan_2019``). Kecamatan are identified by a code column (Kemendagri ``35.05.01``
or BPS ``3505010``) or a name column, optionally with a kab/kota column to tell same-named kecamatan
apart.

A user's numbers are never changed silently:

- Only count columns are summed: ``jumlah_umkm`` (or ``jumlah``, ``total``, ...), a year, a
  documented sector (:data:`SECTORS`), ``<sector>_<year>``, or a column named in ``count_columns``
  or ``sectors``. A row-number column (``No``, ``Nomor``, ``#`` holding 1, 2, 3, ...) and text columns
  are ignored with a warning; any other column holding numbers stops the run and says how to
  declare it (``count_columns``) or leave it out (``ignore_columns``).
- Total and subtotal rows (``Jumlah``, ``Total``, ``Jumlah/Total``, a kab/kota code) are left out and
  reported (with whether they agree with the kecamatan rows); headings inside the table
  (``KOTA BLITAR``) and notes below it (``Sumber: ...``) are skipped with a note.
- Title rows above the header and two-row (merged) headers are recognised; the warning names the
  row used (or give it with ``header_row``).
- A blank cell is "no data", never 0: it is kept as missing and the join reports it.
- ``1.234`` and ``1,234`` are 1234 (thousands separators, groups of exactly three digits); a decimal
  (``1.5``, ``12,5``), a negative number or text is refused with its file, row and column.
- A desa-level table (one row per desa) and a list of businesses are recognised and refused with
  what to do.

The reader, in the order a table is read: :mod:`.cells` (what a cell holds, the number rules of
:func:`~umkm_geo.tables.counts.cells.parse_count`), :mod:`._header` (where the header is),
:mod:`._columns` (which columns are counts), :mod:`._rows` (total, heading and note rows; the totals
checks), :mod:`.read` (:func:`~umkm_geo.tables.counts.read.read_count_table`, its
:class:`~umkm_geo.tables.counts.read.CountTable` and
:func:`~umkm_geo.tables.counts.read.read_reference_table`) and :mod:`.units`
(:func:`~umkm_geo.tables.counts.units.unit_counts`, a table's counts used without a study area).
The column names every table reader shares are in :mod:`umkm_geo.tables.columns`.
"""

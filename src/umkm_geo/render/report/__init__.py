"""The report: one self-contained HTML file with the maps, tables and their reading."""

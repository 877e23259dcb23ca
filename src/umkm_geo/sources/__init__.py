"""Sources: pinned public data (boundaries, region codes, population, areas, IDM, GRDP) and users' files.

Every public dataset is a registry of pinned upstream files (:mod:`~umkm_geo.sources.registry`); the
readers of the official datasets return a :class:`~umkm_geo.sources.dataset.SourceTable` (rows, QA of
what did not match, provenance with the credit line).
"""

"""Locate the data shipped with umkm_geo (registry manifests and facts tables)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir(kind: str) -> Path:
    """Return the folder of shipped data of ``kind`` (``"boundaries"``, ``"sources"`` or ``"facts"``).

    ``boundaries`` and ``sources`` hold the registry manifests of the pinned upstream files, ``facts``
    the facts tables.

    In a wheel the folders live in ``umkm_geo/_data``; in an editable install (the repository) they
    are the repository's ``data/`` folders.
    """
    packaged = Path(str(resources.files("umkm_geo"))) / "_data" / kind
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "data" / kind
    if repo.is_dir():
        return repo
    msg = f"umkm_geo's shipped data folder {kind!r} is missing; reinstall the package."
    raise FileNotFoundError(msg)

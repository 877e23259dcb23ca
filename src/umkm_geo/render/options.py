"""What the renderers need to know of a run, decided once before drawing (render never reads Config)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["RenderOptions"]


@dataclasses.dataclass(frozen=True)
class RenderOptions:
    """The settings every renderer (static maps, atlas, report) reads.

    The pipeline builds it once from the run's configuration and study area
    (:func:`umkm_geo.pipeline.run.render_options`), after applying the title rule.

    Attributes
    ----------
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    title
        The study's title, printed on every map and page.
    indicator
        The analysed indicator (``[statistics] indicator``).
    seed
        Seed of the statistics (printed beside the Moran scatter).
    alpha
        Significance level of the statistics.
    compare
        The two groups compared by the gap statistics (``[groups] compare``).
    scheme, k
        Classification of the choropleths (``[maps] scheme`` and ``k``).
    dpi, formats
        Resolution and file formats of the static figures.
    region_title
        The study area's name alone (``Kabupaten Blitar dan Kota Blitar``): the title of the figures of
        official data, which the study's title (``UMKM ...``) would misname.
    mapped
        The choropleths drawn (indicator keys, ``status_idm``); empty: every one the results allow.
    locator
        The kab/kota of the study's province (EPSG:4326) with a boolean column ``studi`` (the study's
        own), for the locator inset of every map; ``None``: no inset (``[maps] locator = false``, or a
        study across provinces).
    province_names
        Province code -> name, for the index of an atlas split by province (a study of more than
        :data:`~umkm_geo.render.atlas.split.SPLIT_AREAS` areas); empty otherwise.
    cache
        The folder where figures and report images are kept for the next run with the same inputs
        (:mod:`umkm_geo.render._cache`); ``None``: every figure is drawn (``[maps] reuse = false``).
    """

    lang: str = "id"
    title: str = ""
    indicator: str = "umkm_density"
    seed: int = 12345
    alpha: float = 0.05
    compare: tuple[str, ...] = ("utara", "selatan")
    scheme: str = "fisher_jenks_outliers"
    k: int = 5
    dpi: int = 300
    formats: tuple[str, ...] = ("png",)
    mapped: tuple[str, ...] = ()
    region_title: str = ""
    locator: Any = None
    cache: Path | None = None
    province_names: Mapping[str, str] = dataclasses.field(default_factory=dict)

"""Further layers of one run (``[[layers]]``): official data analysed at their own unit of analysis.

A run analyses its UMKM table at ``[study] level``; a layer analyses an official indicator (the IDM
2024 and its components) at another level in the same run, e.g. IDM and IKE per desa beside the
UMKM counts per kecamatan. Each layer is computed like a study of its own, from a configuration
derived from the run's (:func:`layer_config`): the same region, grouping, weights settings, seed,
permutations, significance and language; no UMKM table, no GRDP part (that is the run's), no survey,
FFA or produk inputs. The stage writes nothing; the renderers write each layer to
``<output>/lapisan/<name>/``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import MappingProxyType

from umkm_geo.config import Config, LayerConfig
from umkm_geo.study_area import StudyArea

__all__ = ["LAYER_FOLDER", "compute_layers", "layer_config"]

#: The folder of the output set that holds one folder per layer.
LAYER_FOLDER = "lapisan"


def layer_config(config: Config, layer: LayerConfig) -> Config:
    """The configuration of ``layer``: the run's, at the layer's level, analysing its indicator."""
    stats = dataclasses.replace(
        config.statistics,
        indicator=layer.indicator,
        bivariate="",
        global_statistics=layer.global_statistics,
        local_statistics=layer.local_statistics,
    )
    return dataclasses.replace(
        config,
        study=dataclasses.replace(config.study, level=layer.level),
        data=dataclasses.replace(config.data, umkm="none", population=""),
        statistics=stats,
        inequality=dataclasses.replace(config.inequality, indicator=layer.indicator),
        official=dataclasses.replace(config.official, grdp=False, idm=True),
        covariates=dataclasses.replace(config.covariates, rasters=(), names=(), stats=(), density_surface=False),
        survey=dataclasses.replace(config.survey, responses="none"),
        ffa=dataclasses.replace(config.ffa, factors="none"),
        products=dataclasses.replace(config.products, table="none"),
        layers=(),
    )


def compute_layers(area: StudyArea, config: Config, compute: Callable[[Config], StudyArea] | None = None) -> StudyArea:
    """Every ``[[layers]]`` of the run, computed; returns ``area`` with ``results.layers`` (name -> study area).

    ``compute`` is the whole compute pipeline (:func:`umkm_geo.pipeline.run.compute`), passed in by it.
    """
    if not config.layers:
        return area
    if compute is None:
        from umkm_geo.pipeline.run import compute as compute_all

        compute = compute_all
    layers = {layer.name: compute(layer_config(config, layer)) for layer in config.layers}
    return area.with_results(layers=MappingProxyType(layers))

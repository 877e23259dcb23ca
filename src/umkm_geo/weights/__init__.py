"""Spatial weights: the libpysal Graph of a study area and the lean sparse path of the CLI."""

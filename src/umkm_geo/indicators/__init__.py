"""Per-unit columns: counts, density, rates, shares, raster covariates."""

"""Spatial autocorrelation: global and local Moran, Geary, Getis-Ord and join counts."""

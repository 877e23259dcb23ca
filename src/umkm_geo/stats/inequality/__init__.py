"""Inequality: Theil, Williamson, Gini, spatial Gini and the gap between groups."""

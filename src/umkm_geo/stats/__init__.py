"""The statistics: each function takes values and weights and returns a frozen result.

Package-level names are the few that the classify and render stages need from the inference
machinery (so that they never import a private module of this package).
"""

from umkm_geo.stats._inference import smallest_p

__all__ = ["smallest_p"]

# Type stub of the optional compiled permutation engine (src/umkm_geo/stats/_crand.c).
from typing import Any

def count(
    indptr: Any,
    weights: Any,
    observed: Any,
    x1: Any,
    a: Any,
    x2: Any,
    b: Any,
    c: Any,
    permutations: int,
    seed: int,
    start: int,
    stop: int,
    n_ge: Any,
    n_le: Any,
    mean: Any,
    sd: Any,
    /,
) -> None: ...

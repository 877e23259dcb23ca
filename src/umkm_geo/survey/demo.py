"""Reproducible illustrative survey answers, FFA factors and product tables for the Blitar case.

No public survey of UMKM needs and access per kecamatan exists for Blitar. Like
:mod:`umkm_geo.demo` for the UMKM counts, this module generates *illustrative* data (seeded) so the
survey, Force Field Analysis and produk unggulan steps can be shown end to end; every table carries
``keterangan`` = :data:`umkm_geo.demo.ILLUSTRATIVE_NOTE`.

* :func:`demo_responses` -- Likert answers (1-5) in the response-file layout. Each respondent has a
  latent need and access level per aspect; the items of a scale are that level plus item noise, so
  the scales have a realistic internal consistency (Cronbach's alpha about 0.7-0.85). The south
  (``wilayah == "selatan"``) needs more and reaches less, the lag the regional studies describe.
* :func:`demo_ffa_factors` -- six driving and six restraining factors with invented scores.
* :func:`demo_products` -- three or four candidate products per kecamatan from products known in the
  area (gula kelapa, olahan ikan at Tambakrejo and Serang, kopi, ayam petelur, ...); amounts and
  ratings are invented.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError
from umkm_geo.demo import DEMO_SECTORS, DEMO_SEED, ILLUSTRATIVE_NOTE

__all__ = [
    "DEFAULT_ASPECTS",
    "DEMO_ASPECT_LEVELS",
    "DEMO_MPE_WEIGHTS",
    "DIMENSIONS",
    "demo_ffa_factors",
    "demo_products",
    "demo_responses",
]

#: Aspects of the demo questionnaire.
DEFAULT_ASPECTS = ("modal", "pasar", "kebijakan", "digital")
#: Likert dimensions: need and access.
DIMENSIONS = ("kebutuhan", "akses")
#: Mean latent level (on the 1-5 scale) of (kebutuhan, akses) per aspect in the north (utara).
DEMO_ASPECT_LEVELS = {
    "modal": (3.9, 2.9),
    "pasar": (3.6, 3.1),
    "kebijakan": (3.3, 2.8),
    "digital": (3.4, 2.7),
    "lahan": (2.9, 3.0),
    "memulai_usaha": (3.0, 3.3),
    "anti_rente": (3.2, 2.9),
}
#: Shift of (kebutuhan, akses) per wilayah: the south needs more and reaches less.
_WILAYAH_SHIFT = {"utara": (0.0, 0.0), "selatan": (0.55, -0.55), "kota_blitar": (-0.2, 0.35)}
#: Standard deviations of the latent levels: kecamatan effect, respondent level, item noise.
_KEC_SD, _LATENT_SD, _ITEM_SD = 0.2, 0.7, 0.65
#: Criteria weights of the demo MPE (importance 1-5).
DEMO_MPE_WEIGHTS = {"bahan_baku": 4.0, "pasar": 5.0, "nilai_tambah": 4.0, "tenaga_kerja": 3.0, "ciri_khas": 3.0}


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be an integer, not {seed!r}."
        raise ConfigError(msg)
    return int(seed)


def _groups(frame: pd.DataFrame) -> pd.Series:
    if "wilayah" in frame.columns:
        return frame["wilayah"].astype(object).where(frame["wilayah"].notna(), "utara")
    return pd.Series("utara", index=frame.index)


def demo_responses(
    plan: pd.Series,
    frame: pd.DataFrame,
    *,
    seed: int = DEMO_SEED,
    aspects: Sequence[str] = DEFAULT_ASPECTS,
    items: int = 3,
) -> pd.DataFrame:
    """Illustrative questionnaire answers in the wide response-file layout.

    Parameters
    ----------
    plan
        Number of respondents per kecamatan, indexed by code (e.g. the allocation of a survey plan).
    frame
        Study-area frame indexed by code with ``nama``, ``kab_nama`` and ``wilayah``
        (``utara``/``selatan``/``kota_blitar``; kecamatan without a wilayah are treated as utara).
    seed
        Random seed; the same seed gives the same table.
    aspects
        Aspects asked; each has a ``kebutuhan`` and an ``akses`` scale.
    items
        Items per scale, 3 or 4.

    Returns
    -------
    pandas.DataFrame
        One row per respondent: ``responden`` (``R0001``, ...), ``kecamatan`` (name), ``kab_kota``,
        ``sektor``, the items ``{aspect}_{kebutuhan|akses}_{i}`` (integers 1-5) and ``keterangan``
        (:data:`~umkm_geo.demo.ILLUSTRATIVE_NOTE`).

    Raises
    ------
    ConfigError
        If a code of ``plan`` is not in ``frame``, a count is not a non-negative whole number, an
        aspect is unknown or repeated, ``items`` is not 3 or 4, or ``seed`` is not an integer.
    """
    seed = _check_seed(seed)
    if items not in (3, 4):
        msg = f"items must be 3 or 4 items per scale, not {items!r}."
        raise ConfigError(msg)
    aspects = list(aspects)
    unknown = [a for a in aspects if a not in DEMO_ASPECT_LEVELS]
    if unknown or not aspects or len(set(aspects)) != len(aspects):
        msg = f"Aspects must be distinct names among {list(DEMO_ASPECT_LEVELS)}; got {aspects}."
        raise ConfigError(msg)
    outside = [str(c) for c in plan.index if c not in frame.index]
    if outside:
        msg = f"Plan codes not in the study area: {outside}."
        raise ConfigError(msg)
    counts = pd.to_numeric(plan, errors="coerce")
    bad = [str(c) for c, n in counts.items() if not (np.isfinite(n) and n >= 0 and n == int(n))]
    if bad:
        msg = f"The plan must give a non-negative whole number of respondents; bad for {bad}."
        raise ConfigError(msg)
    rng = np.random.default_rng(seed)
    groups = _groups(frame)
    codes = np.repeat(plan.index.to_numpy(), counts.astype(int).to_numpy())
    n = len(codes)
    # Kecamatan effects (one per kecamatan and dimension), so that maps vary within a wilayah.
    kec_effect = {code: rng.normal(0.0, _KEC_SD, 2) for code in frame.index}
    sector_names = list(DEMO_SECTORS)
    out = pd.DataFrame(
        {
            "responden": [f"R{i + 1:04d}" for i in range(n)],
            "kecamatan": frame["nama"].reindex(codes).to_numpy(),
            "kab_kota": (frame["kab_nama"].reindex(codes).to_numpy() if "kab_nama" in frame else ""),
        }
    )
    south = np.array([groups.get(c) == "selatan" for c in codes], dtype=bool)
    north_p = np.array([v[0] for v in DEMO_SECTORS.values()])
    south_p = np.array([v[1] for v in DEMO_SECTORS.values()])
    out["sektor"] = [
        sector_names[k] for k in (rng.choice(len(sector_names), p=(south_p if s else north_p)) for s in south)
    ]
    shift = np.array([_WILAYAH_SHIFT.get(groups.get(c), (0.0, 0.0)) for c in codes]).reshape(n, 2)
    effect = np.array([kec_effect[c] for c in codes]).reshape(n, 2)
    # A general respondent factor links the aspects (a firm short of capital is often short of markets).
    general = rng.normal(0.0, 0.35, (n, 2))
    columns = {}
    for aspect in aspects:
        base = np.array(DEMO_ASPECT_LEVELS[aspect])
        latent = base + shift + effect + general + rng.normal(0.0, _LATENT_SD, (n, 2))
        for d, dimension in enumerate(DIMENSIONS):
            for i in range(items):
                raw = latent[:, d] + rng.normal(0.0, _ITEM_SD, n)
                columns[f"{aspect}_{dimension}_{i + 1}"] = np.clip(np.rint(raw), 1, 5).astype(int)
    out = pd.concat([out, pd.DataFrame(columns)], axis=1)
    out["keterangan"] = ILLUSTRATIVE_NOTE
    return out


# --------------------------------------------------------------------------- FFA

#: (kode, jenis, sumber, faktor, typical urgency, typical support) of the demo FFA.
_FFA_FACTORS = (
    ("D1", "pendorong", "kekuatan", "Bahan baku lokal melimpah (kelapa, kopi, hasil laut, kayu)", 4, 4),
    ("D2", "pendorong", "kekuatan", "Tradisi kerajinan dan olahan pangan turun-temurun", 3, 4),
    ("D3", "pendorong", "kekuatan", "Jumlah pelaku UMKM besar dan terus tumbuh", 3, 3),
    ("D4", "pendorong", "peluang", "Program KUR dan pembiayaan ultra mikro pemerintah", 5, 4),
    ("D5", "pendorong", "peluang", "Pasar wisata Makam Bung Karno dan pantai selatan", 4, 3),
    ("D6", "pendorong", "peluang", "Jalur Lintas Selatan membuka akses pasar ke Blitar Selatan", 4, 4),
    ("R1", "penghambat", "kelemahan", "Akses KUR terbatas di Blitar Selatan", 5, 4),
    ("R2", "penghambat", "kelemahan", "Pencatatan keuangan usaha masih sederhana", 3, 3),
    ("R3", "penghambat", "kelemahan", "Kemasan dan izin edar (PIRT, halal) belum lengkap", 4, 3),
    ("R4", "penghambat", "kelemahan", "Pemanfaatan pemasaran digital masih rendah", 4, 4),
    ("R5", "penghambat", "ancaman", "Persaingan produk pabrikan dan daerah lain", 3, 3),
    ("R6", "penghambat", "ancaman", "Harga bahan baku dan biaya angkut berfluktuasi", 3, 2),
)


def demo_ffa_factors(*, seed: int = DEMO_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Illustrative Force Field Analysis factors for UMKM in Blitar.

    Parameters
    ----------
    seed
        Random seed; the same seed gives the same scores.

    Returns
    -------
    factors : pandas.DataFrame
        Twelve rows: ``kode`` (D1-D6 driving, R1-R6 restraining), ``jenis`` (pendorong/penghambat),
        ``sumber`` (kekuatan/peluang/kelemahan/ancaman), ``faktor`` (text), ``urgensi`` (direct
        urgency 1-5), ``dukungan`` (support 1-5) and ``keterangan``
        (:data:`~umkm_geo.demo.ILLUSTRATIVE_NOTE`).
    linkage : pandas.DataFrame
        Symmetric 12 x 12 linkage scores (1-5) indexed and labelled by ``kode``; the diagonal (a
        factor with itself) is missing.

    Raises
    ------
    ConfigError
        If ``seed`` is not an integer.
    """
    rng = np.random.default_rng([_check_seed(seed), 3])
    factors = pd.DataFrame(list(_FFA_FACTORS), columns=["kode", "jenis", "sumber", "faktor", "urgensi", "dukungan"])
    for col in ("urgensi", "dukungan"):
        factors[col] = np.clip(factors[col] + rng.choice([-1, 0, 0, 0, 1], len(factors)), 1, 5).astype(int)
    factors["keterangan"] = ILLUSTRATIVE_NOTE
    codes = factors["kode"].tolist()
    k = len(codes)
    scores = np.clip(np.rint(rng.normal(3.0, 1.0, (k, k))), 1, 5)
    upper = np.triu(scores, 1)
    matrix = (upper + upper.T).astype(float)
    np.fill_diagonal(matrix, np.nan)
    linkage = pd.DataFrame(matrix, index=pd.Index(codes, name="kode"), columns=codes)
    return factors, linkage


# --------------------------------------------------------------------------- products

#: Demo products: name -> (sector, unit of output, typical price per unit in thousand rupiah).
_PRODUCTS = {
    "Gula kelapa": ("pertanian_olahan", "kg", 14.0),
    "Olahan ikan (ikan asap, abon, kerupuk)": ("makanan_minuman", "kg", 45.0),
    "Kopi bubuk": ("makanan_minuman", "kg", 80.0),
    "Kerajinan kayu": ("kerajinan", "buah", 150.0),
    "Telur ayam ras (peternakan ayam petelur)": ("pertanian_olahan", "kg", 24.0),
    "Jamur tiram": ("pertanian_olahan", "kg", 15.0),
    "Batik tulis": ("kerajinan", "lembar", 250.0),
    "Makanan ringan (keripik, kue kering)": ("makanan_minuman", "kg", 40.0),
    "Sirup dan olahan belimbing": ("makanan_minuman", "botol", 20.0),
    "Kerajinan gerabah": ("kerajinan", "buah", 30.0),
}
#: The products each kecamatan is known for (first = the signature product, rated higher).
_SIGNATURE = {
    "wonotirto": ("Olahan ikan (ikan asap, abon, kerupuk)", "Gula kelapa", "Kerajinan kayu"),
    "panggungrejo": ("Olahan ikan (ikan asap, abon, kerupuk)", "Gula kelapa", "Makanan ringan (keripik, kue kering)"),
    "bakung": ("Gula kelapa", "Olahan ikan (ikan asap, abon, kerupuk)", "Kerajinan kayu"),
    "wates": ("Gula kelapa", "Kerajinan kayu", "Makanan ringan (keripik, kue kering)"),
    "binangun": ("Gula kelapa", "Makanan ringan (keripik, kue kering)", "Kerajinan kayu"),
    "sutojayan": ("Kerajinan kayu", "Gula kelapa", "Makanan ringan (keripik, kue kering)"),
    "kademangan": ("Telur ayam ras (peternakan ayam petelur)", "Kerajinan kayu", "Gula kelapa"),
    "ponggok": ("Telur ayam ras (peternakan ayam petelur)", "Makanan ringan (keripik, kue kering)", "Jamur tiram"),
    "srengat": ("Telur ayam ras (peternakan ayam petelur)", "Makanan ringan (keripik, kue kering)", "Batik tulis"),
    "nglegok": ("Kopi bubuk", "Jamur tiram", "Kerajinan gerabah"),
    "gandusari": ("Kopi bubuk", "Jamur tiram", "Makanan ringan (keripik, kue kering)"),
    "doko": ("Kopi bubuk", "Jamur tiram", "Gula kelapa"),
    "wlingi": ("Kopi bubuk", "Makanan ringan (keripik, kue kering)", "Batik tulis"),
    "kepanjenkidul": ("Batik tulis", "Makanan ringan (keripik, kue kering)", "Kerajinan kayu"),
    "sukorejo": ("Sirup dan olahan belimbing", "Makanan ringan (keripik, kue kering)", "Batik tulis"),
    "sananwetan": ("Makanan ringan (keripik, kue kering)", "Batik tulis", "Kerajinan gerabah"),
}
#: Desa (sentra) of some signature products.
_SENTRA = {"wonotirto": "Tambakrejo", "panggungrejo": "Serang"}
#: Candidates by wilayah for kecamatan without a listed signature.
_POOL = {
    "selatan": (
        "Gula kelapa",
        "Kerajinan kayu",
        "Makanan ringan (keripik, kue kering)",
        "Olahan ikan (ikan asap, abon, kerupuk)",
    ),
    "utara": (
        "Telur ayam ras (peternakan ayam petelur)",
        "Makanan ringan (keripik, kue kering)",
        "Jamur tiram",
        "Kopi bubuk",
        "Batik tulis",
        "Kerajinan gerabah",
    ),
    "kota_blitar": ("Makanan ringan (keripik, kue kering)", "Batik tulis", "Kerajinan kayu"),
}


def _candidates(name: str, wilayah: str, rng: np.random.Generator) -> list[str]:
    known = list(_SIGNATURE.get(name, ()))
    pool = [p for p in _POOL.get(wilayah, _POOL["utara"]) if p not in known]
    wanted = 3 + int(rng.random() < 0.5) if known else 3
    extra = list(rng.permutation(pool))[: max(wanted - len(known), 0)]
    return known + [str(p) for p in extra]


def demo_products(frame: pd.DataFrame, *, seed: int = DEMO_SEED) -> pd.DataFrame:
    """Illustrative candidate products per kecamatan with amounts and MPE criteria ratings.

    Parameters
    ----------
    frame
        Study-area frame indexed by code with ``nama``, ``kab_nama`` and ``wilayah``.
    seed
        Random seed; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        Three or four rows per kecamatan: ``kode``, ``kecamatan``, ``kab_kota``, ``desa`` (the sentra
        where known, e.g. Tambakrejo), ``produk``, ``sektor``, ``satuan``, ``jumlah_unit`` (number of
        producing units), ``output`` (per year, in ``satuan``), ``nilai`` (million rupiah per year),
        the ratings ``kriteria_<name>`` (1-5) for the criteria of :data:`DEMO_MPE_WEIGHTS` and
        ``keterangan`` (:data:`~umkm_geo.demo.ILLUSTRATIVE_NOTE`). The table is valid input for
        :func:`umkm_geo.survey.products.read_products`.

    Raises
    ------
    ConfigError
        If ``seed`` is not an integer.
    """
    from umkm_geo.names import normalise_name

    rng = np.random.default_rng([_check_seed(seed), 4])
    groups = _groups(frame)
    rows = []
    for code in frame.index:
        name = normalise_name(frame.at[code, "nama"])
        candidates = _candidates(name, str(groups[code]), rng)
        for rank, product in enumerate(candidates):
            sector, unit, price = _PRODUCTS[product]
            strength = 1.2 if rank == 0 and name in _SIGNATURE else 0.0
            units = int(rng.integers(15, 60) * (1.0 + strength) * rng.lognormal(0.0, 0.3))
            per_unit = {"kg": 900.0, "buah": 120.0, "lembar": 60.0, "botol": 1500.0}[unit]
            output = round(units * per_unit * rng.lognormal(0.0, 0.25))
            ratings = np.clip(np.rint(rng.normal(3.0 + strength, 0.7, len(DEMO_MPE_WEIGHTS))), 1, 5).astype(int)
            rows.append(
                {
                    "kode": code,
                    "kecamatan": frame.at[code, "nama"],
                    "kab_kota": frame.at[code, "kab_nama"] if "kab_nama" in frame else "",
                    "desa": _SENTRA.get(name, "") if rank == 0 else "",
                    "produk": product,
                    "sektor": sector,
                    "satuan": unit,
                    "jumlah_unit": max(units, 1),
                    "output": output,
                    "nilai": round(output * price / 1000.0, 1),
                    **{f"kriteria_{c}": int(r) for c, r in zip(DEMO_MPE_WEIGHTS, ratings, strict=True)},
                }
            )
    out = pd.DataFrame(rows)
    out["keterangan"] = ILLUSTRATIVE_NOTE
    return out

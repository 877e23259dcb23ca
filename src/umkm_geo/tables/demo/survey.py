"""Reproducible illustrative survey answers, FFA factors and product tables.

No public survey of UMKM needs and access per kecamatan exists for Blitar. Like
:mod:`umkm_geo.tables.demo.counts` for the UMKM counts, this module generates *illustrative* data (seeded) so the
survey, Force Field Analysis and produk unggulan steps can be shown end to end; every table carries
``keterangan`` = :data:`umkm_geo._provenance.ILLUSTRATIVE_NOTE`. A run makes them only where its config
says ``"demo"`` (``[survey] responses``, ``[ffa] factors``, ``[products] table``).

None of the generators has a built-in regional effect: none reads a grouping (``wilayah``), a
kecamatan name or a location, and every kecamatan, factor and product draws from the same
distribution. Whatever the survey scores, the LISA of the gap, the FFA balance or the MPE ranking
then show is what the methods make of noise, not a planted finding.

* :func:`demo_responses` -- Likert answers (1-5) in the response-file layout. Each respondent has a
  latent need and access level per aspect: the aspect's level (:data:`DEMO_ASPECT_LEVELS`, the same
  everywhere) plus a kecamatan effect, a respondent factor shared by the aspects and a respondent
  level, all drawn independently from zero-mean normal distributions that are the same for every
  kecamatan; the items of a scale are that level plus item noise, rounded and clipped to 1-5, so the
  scales have a realistic internal consistency (Cronbach's alpha about 0.7-0.85). The sector of
  each respondent is drawn from :data:`umkm_geo.tables.demo.counts.DEMO_SECTORS`, the same in every kecamatan.
  Region-neutral: it uses the kecamatan codes and names of whatever area it is given.
* :func:`demo_ffa_factors` -- six driving and six restraining factors of UMKM in Blitar (texts
  written for Blitar, hence only for Kabupaten/Kota Blitar: :data:`FFA_DEMO_REGIONS`); every
  factor's urgency and support are drawn from the same distribution, so no factor or side is
  favoured.
* :func:`demo_products` -- three or four candidate products per kecamatan drawn uniformly from one
  list of common UMKM products; amounts and ratings are drawn from the same distributions for every
  kecamatan and product, so no leading product is planted. Region-neutral (no place names).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from umkm_geo._errors import ConfigError
from umkm_geo._provenance import ILLUSTRATIVE_NOTE
from umkm_geo.tables.demo.counts import DEMO_SECTORS, DEMO_SEED
from umkm_geo.tables.responses import DIMENSIONS

__all__ = [
    "DEFAULT_ASPECTS",
    "DEMO_ASPECT_LEVELS",
    "DEMO_MPE_WEIGHTS",
    "FFA_DEMO_REGIONS",
    "demo_ffa_factors",
    "demo_products",
    "demo_responses",
]

#: Aspects of the demo questionnaire.
DEFAULT_ASPECTS = ("modal", "pasar", "kebijakan", "digital")
#: Mean latent level (on the 1-5 scale) of (kebutuhan, akses) per aspect, the same in every kecamatan.
DEMO_ASPECT_LEVELS = {
    "modal": (3.9, 2.9),
    "pasar": (3.6, 3.1),
    "kebijakan": (3.3, 2.8),
    "digital": (3.4, 2.7),
    "lahan": (2.9, 3.0),
    "memulai_usaha": (3.0, 3.3),
    "anti_rente": (3.2, 2.9),
}
#: Standard deviations of the latent levels: kecamatan effect, respondent level, item noise, and the
#: respondent factor shared by the aspects.
_KEC_SD, _LATENT_SD, _ITEM_SD, _GENERAL_SD = 0.2, 0.7, 0.65, 0.35
#: Kab/kota codes the demo FFA factors are written for (Kabupaten and Kota Blitar).
FFA_DEMO_REGIONS = ("35.05", "35.72")
#: Criteria weights of the demo MPE (importance 1-5).
DEMO_MPE_WEIGHTS = {"bahan_baku": 4.0, "pasar": 5.0, "nilai_tambah": 4.0, "tenaga_kerja": 3.0, "ciri_khas": 3.0}


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be an integer, not {seed!r}."
        raise ConfigError(msg)
    return int(seed)


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
        Study-area frame indexed by code with ``nama`` and ``kab_nama``; nothing else (no grouping)
        is read.
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
        (:data:`~umkm_geo._provenance.ILLUSTRATIVE_NOTE`).

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
    codes = np.repeat(plan.index.to_numpy(), counts.astype(int).to_numpy())
    n = len(codes)
    # Kecamatan effects (one per kecamatan and dimension, all from the same zero-mean distribution),
    # so that maps vary from kecamatan to kecamatan without any regional pattern.
    kec_effect = {code: rng.normal(0.0, _KEC_SD, 2) for code in frame.index}
    sector_names = list(DEMO_SECTORS)
    out = pd.DataFrame(
        {
            "responden": [f"R{i + 1:04d}" for i in range(n)],
            "kecamatan": frame["nama"].reindex(codes).to_numpy(),
            "kab_kota": (frame["kab_nama"].reindex(codes).to_numpy() if "kab_nama" in frame else ""),
        }
    )
    shares = np.array(list(DEMO_SECTORS.values()))
    out["sektor"] = [sector_names[k] for k in rng.choice(len(sector_names), size=n, p=shares / shares.sum())]
    effect = np.array([kec_effect[c] for c in codes]).reshape(n, 2)
    # A general respondent factor links the aspects (a firm short of capital is often short of markets).
    general = rng.normal(0.0, _GENERAL_SD, (n, 2))
    columns = {}
    for aspect in aspects:
        base = np.array(DEMO_ASPECT_LEVELS[aspect])
        latent = base + effect + general + rng.normal(0.0, _LATENT_SD, (n, 2))
        for d, dimension in enumerate(DIMENSIONS):
            for i in range(items):
                raw = latent[:, d] + rng.normal(0.0, _ITEM_SD, n)
                columns[f"{aspect}_{dimension}_{i + 1}"] = np.clip(np.rint(raw), 1, 5).astype(int)
    out = pd.concat([out, pd.DataFrame(columns)], axis=1)
    out["keterangan"] = ILLUSTRATIVE_NOTE
    return out


# --------------------------------------------------------------------------- FFA

#: (kode, jenis, sumber, faktor) of the demo FFA: factors of UMKM in Blitar, none tied to a part of it.
_FFA_FACTORS = (
    ("D1", "pendorong", "kekuatan", "Bahan baku lokal melimpah (kelapa, kopi, hasil laut, kayu)"),
    ("D2", "pendorong", "kekuatan", "Tradisi kerajinan dan olahan pangan turun-temurun"),
    ("D3", "pendorong", "kekuatan", "Jumlah pelaku UMKM besar dan terus tumbuh"),
    ("D4", "pendorong", "peluang", "Program KUR dan pembiayaan ultra mikro pemerintah"),
    ("D5", "pendorong", "peluang", "Pasar wisata Makam Bung Karno dan pantai"),
    ("D6", "pendorong", "peluang", "Jalur Lintas Selatan membuka akses pasar baru"),
    ("R1", "penghambat", "kelemahan", "Akses KUR dan modal usaha masih terbatas"),
    ("R2", "penghambat", "kelemahan", "Pencatatan keuangan usaha masih sederhana"),
    ("R3", "penghambat", "kelemahan", "Kemasan dan izin edar (PIRT, halal) belum lengkap"),
    ("R4", "penghambat", "kelemahan", "Pemanfaatan pemasaran digital masih rendah"),
    ("R5", "penghambat", "ancaman", "Persaingan produk pabrikan dan daerah lain"),
    ("R6", "penghambat", "ancaman", "Harga bahan baku dan biaya angkut berfluktuasi"),
)
#: Scores every demo factor's urgency and support are drawn from (uniformly, independently).
_FFA_SCORES = (2, 3, 4, 5)


def demo_ffa_factors(*, seed: int = DEMO_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Illustrative Force Field Analysis factors for UMKM in Blitar.

    The factor texts are written for Kabupaten and Kota Blitar (:data:`FFA_DEMO_REGIONS`); a run
    uses them only there. Every factor's urgency and support are drawn independently and uniformly
    from :data:`_FFA_SCORES` (2-5), and every linkage score from the same rounded normal
    distribution (mean 3, clipped to 1-5): no factor and no side (driving or restraining) is
    favoured, so the balance and the priorities the FFA reports are what the method makes of noise.

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
        (:data:`~umkm_geo._provenance.ILLUSTRATIVE_NOTE`).
    linkage : pandas.DataFrame
        Symmetric 12 x 12 linkage scores (1-5) indexed and labelled by ``kode``; the diagonal (a
        factor with itself) is missing.

    Raises
    ------
    ConfigError
        If ``seed`` is not an integer.
    """
    rng = np.random.default_rng([_check_seed(seed), 3])
    factors = pd.DataFrame(list(_FFA_FACTORS), columns=["kode", "jenis", "sumber", "faktor"])
    for col in ("urgensi", "dukungan"):
        factors[col] = rng.choice(_FFA_SCORES, len(factors)).astype(int)
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
    "Sirup dan olahan buah": ("makanan_minuman", "botol", 20.0),
    "Kerajinan gerabah": ("kerajinan", "buah", 30.0),
}
#: Output per producing unit and year, by unit of output.
_OUTPUT_PER_UNIT = {"kg": 900.0, "buah": 120.0, "lembar": 60.0, "botol": 1500.0}


def demo_products(frame: pd.DataFrame, *, seed: int = DEMO_SEED) -> pd.DataFrame:
    """Illustrative candidate products per kecamatan with amounts and MPE criteria ratings.

    How the values are made: every kecamatan gets three or four candidates drawn uniformly without
    replacement from the one product list (:data:`_PRODUCTS`); the number of producing units is
    uniform on 15-59 times mean-1 log-normal noise, the output per unit has mean-1 log-normal noise,
    and every rating is a rounded normal (mean 3, sd 0.7, clipped to 1-5), all drawn from the same
    distributions for every kecamatan and product. Nothing is read but the codes, names and
    kab/kota names (copied into the table): no product, kecamatan or region is favoured, so the
    leading product the MPE ranking then picks is not planted. Region-neutral: no place names.

    Parameters
    ----------
    frame
        Study-area frame indexed by code with ``nama`` and ``kab_nama``.
    seed
        Random seed; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        Three or four rows per kecamatan: ``kode``, ``kecamatan``, ``kab_kota``, ``desa`` (empty: no
        sentra is invented), ``produk``, ``sektor``, ``satuan``, ``jumlah_unit`` (number of producing
        units), ``output`` (per year, in ``satuan``), ``nilai`` (million rupiah per year), the ratings
        ``kriteria_<name>`` (1-5) for the criteria of :data:`DEMO_MPE_WEIGHTS` and ``keterangan``
        (:data:`~umkm_geo._provenance.ILLUSTRATIVE_NOTE`). The table is valid input for
        :func:`umkm_geo.tables.products.read_products`.

    Raises
    ------
    ConfigError
        If ``seed`` is not an integer.
    """
    rng = np.random.default_rng([_check_seed(seed), 4])
    names = list(_PRODUCTS)
    rows = []
    for code in frame.index:
        wanted = 3 + int(rng.random() < 0.5)
        for pick in rng.choice(len(names), size=wanted, replace=False):
            product = names[int(pick)]
            sector, unit, price = _PRODUCTS[product]
            units = max(int(rng.integers(15, 60) * rng.lognormal(-0.5 * 0.3**2, 0.3)), 1)
            output = round(units * _OUTPUT_PER_UNIT[unit] * rng.lognormal(-0.5 * 0.25**2, 0.25))
            ratings = np.clip(np.rint(rng.normal(3.0, 0.7, len(DEMO_MPE_WEIGHTS))), 1, 5).astype(int)
            rows.append(
                {
                    "kode": code,
                    "kecamatan": frame.at[code, "nama"],
                    "kab_kota": frame.at[code, "kab_nama"] if "kab_nama" in frame else "",
                    "desa": "",
                    "produk": product,
                    "sektor": sector,
                    "satuan": unit,
                    "jumlah_unit": units,
                    "output": output,
                    "nilai": round(output * price / 1000.0, 1),
                    **{f"kriteria_{c}": int(r) for c, r in zip(DEMO_MPE_WEIGHTS, ratings, strict=True)},
                }
            )
    out = pd.DataFrame(rows)
    out["keterangan"] = ILLUSTRATIVE_NOTE
    return out

"""Indeks Desa Membangun (IDM) 2024 per desa (Kementerian Desa PDTT, via Satu Data Indonesia).

The numbers are compiled into one JSON file per province by
kristonova/Visualisasi-Indeks-Desa-Membangun--IDM--2024 (``data/idm/prov/<prov>.json``): a list of
kecamatan (``k`` code without dots, ``nm`` name, ``kb`` kab/kota code, ``n`` number of desa, ``m``,
``s``, ``e``, ``l`` the unweighted means of IDM, IKS, IKE and IKL over its desa, ``d`` counts of desa
by status) each with its desa ``ds``: ``[code suffix, NAME, IDM, IKS, IKE, IKL, status 1-5, flag]``.
IDM = (IKS + IKE + IKL) / 3; the status follows cut-offs on IDM (``data/idm/meta.json``, ``thr``).
Kelurahan (urban wards) are not in IDM.

The reader is strict about the layout: every count and mean a file states about its desa is checked
against the desa rows, and a province's count against ``meta.json``; a mismatch means the layout was
misread and stops with a :class:`~umkm_geo._errors.ParseError`. What the data do not match (a desa
without a polygon, a code not in the Kepmendagri 2025 list, another spelling, a desa without scores,
a status that disagrees with the cut-offs) is reported in the QA table and the row is kept.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from umkm_geo._errors import ParseError, RegionError
from umkm_geo.sources.codes import provinces_of
from umkm_geo.sources.dataset import SourceProvenance, SourceTable, qa_frame
from umkm_geo.sources.desa_polygons import REGISTRY as POLYGONS
from umkm_geo.sources.desa_polygons import desa_file, polygon_codes
from umkm_geo.sources.region_codes import fetch_codes, region_codes
from umkm_geo.sources.registry import FetchedFile, Registry, fetch, load_registry
from umkm_geo.sources.wilayah_db import region_keys, select

REGISTRY = "idm2024"
META_FILE = "data/idm/meta.json"

#: Status code -> name (IDM 2024).
STATUS = {1: "Mandiri", 2: "Maju", 3: "Berkembang", 4: "Tertinggal", 5: "Sangat Tertinggal"}

#: The indicator columns, in the order of a desa row.
INDICATORS = ("idm", "iks", "ike", "ikl")

#: Tolerance of the stated kecamatan means against the desa rows (the means are rounded to 4 places).
_MEAN_TOLERANCE = 1e-4

_KEC = re.compile(r"^\d{6}$")
_SUFFIX = re.compile(r"^\d{4}$")

COLUMNS = (
    "kode",
    "nama",
    "kec_kode",
    "kec_nama",
    "kab_kode",
    "prov_kode",
    *INDICATORS,
    "status_kode",
    "status",
    "flag_upstream",
)


def province_file(prov: str) -> str:
    """The registry path of province ``prov``'s IDM file."""
    return f"data/idm/prov/{prov}.json"


def idm_provinces(registry: Registry | None = None) -> tuple[str, ...]:
    """Province codes with an IDM file (37: DKI Jakarta has no desa)."""
    reg = registry or load_registry(REGISTRY)
    return tuple(
        sorted(p.rsplit("/", 1)[-1].removesuffix(".json") for p in reg.files if p.startswith("data/idm/prov/"))
    )


def status_of(idm: float, thresholds: Sequence[float]) -> int:
    """The status code (1 Mandiri ... 5 Sangat Tertinggal) of an IDM value under the cut-offs.

    ``thresholds`` are the lower bounds of Mandiri (exclusive), Maju, Berkembang and Tertinggal
    (inclusive): ``[0.8155, 0.7073, 0.599, 0.4908]`` in ``meta.json``.
    """
    if idm > thresholds[0]:
        return 1
    for code, bound in zip((2, 3, 4), thresholds[1:], strict=True):
        if idm >= bound:
            return code
    return 5


def _fail(where: str, what: str) -> NoReturn:
    msg = f"{where}: {what}. Is this the IDM 2024 file of the pinned commit?"
    raise ParseError(msg)


def _kecamatan(kec: object, prov: str, where: str) -> str:
    """The dotted code of a kecamatan entry, after checking its keys and codes."""
    if not isinstance(kec, dict):
        _fail(where, f"a kecamatan entry is {type(kec).__name__}, not an object")
    missing = {"k", "nm", "kb", "n", "m", "s", "e", "l", "d", "ds"} - set(kec)
    if missing:
        _fail(where, f"a kecamatan lacks {sorted(missing)}")
    kk = str(kec["k"])
    if not _KEC.match(kk) or kk[:2] != prov or kec["kb"] != kk[:4]:
        _fail(where, f"kecamatan code {kk!r} (kab {kec['kb']!r}) is not a 6-digit code of province {prov}")
    ds = kec["ds"]
    if not isinstance(ds, list) or not all(isinstance(r, list) and len(r) == 8 for r in ds):
        _fail(where, f"kecamatan {kk}: a desa row is not [suffix, name, IDM, IKS, IKE, IKL, status, flag]")
    return f"{kk[:2]}.{kk[2:4]}.{kk[4:6]}"


def _columns(kecs: list[dict[str, Any]], where: str) -> dict[str, np.ndarray]:
    """The desa rows of the kecamatan entries as arrays, checked for type and range."""
    rows = [r for kec in kecs for r in kec["ds"]]
    suffix = np.array([r[0] for r in rows], dtype=object)
    names = np.array([r[1] for r in rows], dtype=object)
    try:
        values = np.array([r[2:6] for r in rows], dtype=float).reshape(len(rows), 4)
        status = np.array([r[6] for r in rows], dtype=np.int64)
        flag = np.array([r[7] for r in rows], dtype=np.int64)
    except (TypeError, ValueError) as exc:
        _fail(where, f"a desa value is not a number ({exc})")
    text_ok = all(isinstance(x, str) and _SUFFIX.match(x) for x in suffix) and all(isinstance(x, str) for x in names)
    if not text_ok:
        _fail(where, "a desa code suffix is not 4 digits or a name is not text")
    if any(isinstance(x, bool) for r in rows for x in r[2:8]):
        _fail(where, "a desa value is true/false, not a number")
    finite = ~np.isnan(values)
    if ((values[finite] < 0) | (values[finite] > 1)).any():
        _fail(where, "an index value lies outside 0-1")
    if not np.isin(status, [0, *STATUS]).all():
        _fail(where, f"a status is not 0-5: {sorted(set(status.tolist()) - {0, *STATUS})}")
    if ((status == 0) != (~finite).all(axis=1)).any() or (finite.any(axis=1) & ~finite.all(axis=1)).any():
        _fail(where, "a desa has a status without its four values, or values without a status")
    kec_index = np.repeat(np.arange(len(kecs)), [len(kec["ds"]) for kec in kecs])
    return {"suffix": suffix, "nama": names, "values": values, "status": status, "flag": flag, "kec": kec_index}


def _check_kecamatan(kecs: list[dict[str, Any]], cols: dict[str, np.ndarray], where: str) -> None:
    """The counts and means each kecamatan states must be those of its desa rows."""
    n = len(kecs)
    counts = np.bincount(cols["kec"], minlength=n)
    stated = np.array([kec["n"] for kec in kecs])
    if (counts != stated).any():
        i = int(np.argmax(counts != stated))
        _fail(where, f"kecamatan {kecs[i]['k']} states {stated[i]} desa but lists {counts[i]}")
    by_status = np.bincount(cols["kec"] * 6 + cols["status"], minlength=n * 6).reshape(n, 6)[:, 1:]
    stated_d = np.array([kec["d"] for kec in kecs]).reshape(n, 5)
    if (by_status != stated_d).any():
        i = int(np.argmax((by_status != stated_d).any(axis=1)))
        _fail(where, f"kecamatan {kecs[i]['k']} states status counts {kecs[i]['d']}, its desa give {by_status[i]}")
    scored = cols["status"] > 0
    n_scored = np.bincount(cols["kec"][scored], minlength=n)
    for j, key in enumerate(("m", "s", "e", "l")):
        sums = np.bincount(cols["kec"][scored], weights=cols["values"][scored, j], minlength=n)
        means = np.divide(sums, n_scored, out=np.full(n, np.nan), where=n_scored > 0)
        stated_m = np.array([kec[key] for kec in kecs], dtype=float)
        off = (n_scored > 0) & (np.abs(means - stated_m) > _MEAN_TOLERANCE)
        if off.any():
            i = int(np.argmax(off))
            _fail(
                where,
                f"kecamatan {kecs[i]['k']} states mean {INDICATORS[j]} {stated_m[i]}, its desa give {means[i]:.4f}",
            )


def parse_province(path: str | os.PathLike[str], prov: str) -> pd.DataFrame:
    """The desa rows of one province file (columns :data:`COLUMNS`, file order).

    Raises
    ------
    ParseError
        The file is not laid out as documented, or a count or mean it states is not that of its rows.
    """
    where = str(path)
    with open(path, encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            msg = f"{where}: not valid JSON ({exc})."
            raise ParseError(msg) from exc
    if not isinstance(data, dict) or data.get("k") != prov or not isinstance(data.get("kec"), list):
        _fail(where, f"expected an object of province {prov} with a 'kec' list")
    kecs: list[dict[str, Any]] = data["kec"]
    kec_codes = np.array([_kecamatan(kec, prov, where) for kec in kecs] or [""], dtype=object)[: len(kecs)]
    cols = _columns(kecs, where)
    _check_kecamatan(kecs, cols, where)
    if data.get("n") != len(cols["suffix"]):
        _fail(where, f"the province states {data.get('n')} desa but lists {len(cols['suffix'])}")
    kec_of_row = kec_codes[cols["kec"]]
    kec_names = np.array([str(kec["nm"]).strip() for kec in kecs] or [""], dtype=object)[: len(kecs)]
    status = cols["status"]
    frame = pd.DataFrame(
        {
            "kode": [f"{k}.{s}" for k, s in zip(kec_of_row, cols["suffix"], strict=True)],
            "nama": [str(x).strip() for x in cols["nama"]],
            "kec_kode": kec_of_row,
            "kec_nama": kec_names[cols["kec"]],
            "kab_kode": [k[:5] for k in kec_of_row],
            "prov_kode": prov,
            **{name: cols["values"][:, j] for j, name in enumerate(INDICATORS)},
            "status_kode": status,
            "status": [STATUS.get(int(c), "") for c in status],
            "flag_upstream": cols["flag"],
        },
        columns=list(COLUMNS),
    )
    return frame


def _meta(path: str | os.PathLike[str]) -> tuple[dict[str, int], list[float], int]:
    with open(path, encoding="utf-8") as fh:
        meta = json.load(fh)
    try:
        counts = {str(p["k"]): int(p["n"]) for p in meta["prov"]}
        thresholds = [float(t) for t in meta["thr"]]
        national = int(meta["nas"]["n"])
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"{path}: expected 'prov' (k, n), 'thr' and 'nas' (n) ({exc!r})."
        raise ParseError(msg) from exc
    if len(thresholds) != 4 or sorted(thresholds, reverse=True) != thresholds:
        _fail(str(path), f"the status cut-offs {thresholds} are not four decreasing values")
    return counts, thresholds, national


def read_idm(
    region: str | Sequence[str] | None = None,
    *,
    check: bool = True,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SourceTable:
    """IDM 2024 of every desa in ``region``, with the QA of what does not match.

    Parameters
    ----------
    region
        Province, kab/kota or kecamatan codes (``"35.05,35.72"``); ``None`` or ``"all"`` for Indonesia.
    check
        Match the desa codes with the desa polygons (registry ``wilayah_boundaries_desa``) and the
        Kepmendagri 2025 code list (registry ``wilayah``) and report what does not match. Without it
        only the IDM files are read and the QA holds only what they say about themselves.
    mirror, cache_dir
        Offline mirror and download cache (see :func:`umkm_geo.sources.registry.fetch`).

    Returns
    -------
    SourceTable
        ``frame``: one row per desa, columns :data:`COLUMNS`: ``kode`` (``35.05.05.2005``), ``nama``
        (as IDM spells it, upper case), ``kec_kode``, ``kec_nama``, ``kab_kode``, ``prov_kode``, ``idm``,
        ``iks``, ``ike``, ``ikl`` (NaN for a desa without scores), ``status_kode`` (1-5, 0 without
        scores), ``status`` (:data:`STATUS`; ``""`` without scores) and ``flag_upstream`` (the file's
        last field, undocumented upstream), sorted by code. ``qa``: ``no_score``, ``status_differs``
        (the published status is kept), and with ``check``: ``no_polygon``, ``code_not_in_kepmendagri``,
        ``name_differs`` (the Kepmendagri name in ``matched_nama``), ``kelurahan_not_in_idm`` and
        ``desa_not_in_idm`` (polygons of the region without an IDM row).
    """
    reg = load_registry(REGISTRY)
    wanted = region_codes(region)
    have = idm_provinces(reg)
    provinces = [p for p in (provinces_of(wanted) if wanted else have) if p in have]
    meta_file = fetch(reg, META_FILE, mirror=mirror, cache_dir=cache_dir)
    stated, thresholds, national = _meta(meta_file.path)
    files: list[FetchedFile] = [meta_file]
    parts: list[pd.DataFrame] = []
    for prov in provinces:
        fetched = fetch(reg, province_file(prov), mirror=mirror, cache_dir=cache_dir)
        files.append(fetched)
        part = parse_province(fetched.path, prov)
        if stated.get(prov) != len(part):
            _fail(str(fetched.path), f"{len(part)} desa, but meta.json states {stated.get(prov)} for province {prov}")
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(COLUMNS))
    if wanted is None and len(frame) != national:
        _fail(str(meta_file.path), f"the provinces list {len(frame)} desa, the national count is {national}")
    frame = select(frame, wanted).sort_values("kode").reset_index(drop=True)
    dup = frame["kode"][frame["kode"].duplicated()].tolist()
    if dup:
        _fail(REGISTRY, f"desa code(s) {dup[:5]} appear twice")
    qa = _self_qa(frame, thresholds)
    provenance = [SourceProvenance.of(reg, files)]
    if check:
        more, extra = _match(frame, wanted, mirror=mirror, cache_dir=cache_dir)
        qa += more
        provenance += extra
    elif wanted is not None and frame.empty:
        msg = f"No IDM desa in region {list(wanted)}."
        raise RegionError(msg)
    frame.attrs.update(year=2024, thresholds=tuple(thresholds))
    return SourceTable(frame=frame, qa=qa_frame(qa), provenance=tuple(provenance))


def _self_qa(frame: pd.DataFrame, thresholds: Sequence[float]) -> list[dict[str, object]]:
    qa: list[dict[str, object]] = []
    status = frame["status_kode"].to_numpy()
    idm = frame["idm"].to_numpy(dtype=float)
    expected = np.select(
        [idm > thresholds[0], idm >= thresholds[1], idm >= thresholds[2], idm >= thresholds[3]], [1, 2, 3, 4], 5
    )
    for i in np.flatnonzero(status == 0):
        qa.append(
            {
                "source": REGISTRY,
                "issue": "no_score",
                "kode": frame["kode"].iat[i],
                "nama": frame["nama"].iat[i],
                "detail": "IDM 2024 lists the desa without IDM, IKS, IKE, IKL or status; kept with NaN",
            }
        )
    for i in np.flatnonzero((status > 0) & (expected != status)):
        qa.append(
            {
                "source": REGISTRY,
                "issue": "status_differs",
                "kode": frame["kode"].iat[i],
                "nama": frame["nama"].iat[i],
                "detail": f"IDM {idm[i]} falls in {STATUS[int(expected[i])]} under the cut-offs {list(thresholds)};"
                f" the published status {STATUS[int(status[i])]} is kept",
            }
        )
    return qa


def _match(
    frame: pd.DataFrame,
    wanted: Sequence[str] | None,
    *,
    mirror: str | os.PathLike[str] | None,
    cache_dir: str | os.PathLike[str] | None,
) -> tuple[list[dict[str, object]], list[SourceProvenance]]:
    """QA rows of the IDM desa against the polygons and the Kepmendagri list, and their provenance."""
    codes, codes_provenance = fetch_codes(mirror=mirror, cache_dir=cache_dir)
    if wanted is not None:
        known = set(codes["kode"].tolist())
        unknown = [c for c in wanted if c not in known]
        if unknown:
            msg = f"Region code(s) {unknown} are not in the Kepmendagri 2025 list."
            raise RegionError(msg)
    listed = select(codes, wanted)
    kabs = set(frame["kab_kode"].tolist()) | {k[:5] for k in listed.loc[listed["level"] >= 2, "kode"].tolist()}
    polygons = polygon_codes(kabs, mirror=mirror, cache_dir=cache_dir)
    listed_names = dict(zip(codes["kode"].tolist(), codes["nama"].tolist(), strict=True))
    kode = frame["kode"]
    codes_list = kode.tolist()
    in_list = np.array([k in listed_names for k in codes_list], dtype=bool)
    has_polygon = np.array([k in polygons.names for k in codes_list], dtype=bool)
    official = pd.Series([listed_names.get(k, "") for k in codes_list], index=frame.index, dtype=object)
    differs = in_list & (region_keys(frame["nama"]).to_numpy() != region_keys(official).to_numpy())
    qa: list[dict[str, object]] = []
    for i in np.flatnonzero(~has_polygon | ~in_list | differs):
        code, nama, kab = kode.iat[i], frame["nama"].iat[i], frame["kab_kode"].iat[i]
        if not has_polygon[i]:
            where = (
                f"no desa polygon file for kab/kota {kab}"
                if kab in polygons.without_file
                else f"not in {desa_file(kab)}"
            )
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "no_polygon",
                    "kode": code,
                    "nama": nama,
                    "detail": f"{where}; the row is kept",
                }
            )
        if not in_list[i]:
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "code_not_in_kepmendagri",
                    "kode": code,
                    "nama": nama,
                    "detail": "the desa code is not in the Kepmendagri 2025 list; the row is kept",
                }
            )
        elif differs[i]:
            qa.append(
                {
                    "source": REGISTRY,
                    "issue": "name_differs",
                    "kode": code,
                    "nama": nama,
                    "matched_kode": code,
                    "matched_nama": official.iat[i],
                    "detail": "the Kepmendagri 2025 list names this code otherwise; the row is kept under its code",
                }
            )
    in_idm = set(frame["kode"].tolist())
    region_polygons = {
        k: n for k, n in polygons.names.items() if wanted is None or any(k.startswith(r + ".") for r in wanted)
    }
    for kode, nama in sorted(region_polygons.items()):
        if kode not in in_idm:
            kelurahan = kode[-4] == "1"
            qa.append(
                {
                    "source": POLYGONS,
                    "issue": "kelurahan_not_in_idm" if kelurahan else "desa_not_in_idm",
                    "kode": kode,
                    "nama": nama,
                    "detail": "a polygon without an IDM row"
                    + (" (kelurahan are not in IDM)" if kelurahan else "; the unit has no IDM value"),
                }
            )
    polygon_provenance = SourceProvenance.of(load_registry(POLYGONS), polygons.files)
    return qa, [polygon_provenance, codes_provenance]

"""Need and access scores of a UMKM survey: per kecamatan, per group, for the whole area.

:func:`score_survey` turns the long form of a questionnaire (one row per respondent and Likert item,
columns ``responden, kode, sektor, aspek, dimensi, item, nilai``) into

- a score per respondent and scale (aspect x dimension, e.g. ``modal`` x ``kebutuhan``): the mean of
  the items answered, given only when at least half of the scale's items were answered;
- per kecamatan and aspect: mean need (``kebutuhan``), mean access (``akses``), the gap
  ``need - access``, their categories (:data:`DEFAULT_INTERVALS`), seeded bootstrap percentile
  confidence intervals and a need/access quadrant;
- per group (e.g. ``wilayah``: utara/selatan/kota_blitar) and for the whole area: means weighted by
  post-stratification weights, so that every kecamatan counts by its share of the UMKM population;
- Cronbach's alpha of every scale.

Post-stratification: a respondent of kecamatan ``k`` gets the weight ``w_k = (N_k / N) / (n_k / n)``,
where ``N_k`` is the number of UMKM of ``k``, ``N`` their sum over the kecamatan scored, ``n_k`` the
number of respondents of ``k`` with a score on the scale and ``n`` their sum. The weighted mean of a
group is then ``sum_k N_k * mean_k / sum_k N_k`` over the kecamatan of the group: each kecamatan
counts by its population share, however many respondents it actually yielded.

Size: one statistic, :func:`score_survey`, with its result class and every step it reports
(respondent scores, post-stratification weights, weighted means, bootstrap intervals, categories,
Cronbach's alpha, quadrants); :func:`categorise` and :func:`cronbach_alpha` are the two steps that
are also useful alone.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from umkm_geo._errors import AnalysisError, ConfigError, TableError
from umkm_geo._provenance import ILLUSTRATIVE_NOTE
from umkm_geo.results import TableMixin, payload
from umkm_geo.tables.responses import DIMENSIONS, LONG_COLUMNS

__all__ = [
    "ALPHA_THRESHOLD",
    "DEFAULT_INTERVALS",
    "QUADRANT_LABELS",
    "SurveyScores",
    "categorise",
    "cronbach_alpha",
    "score_survey",
]

#: Equal-width categories of a 1-5 Likert mean: (lower, upper, Indonesian label, English label).
#: A value belongs to the first class whose upper bound it does not exceed, so 1.805 is "rendah".
DEFAULT_INTERVALS: tuple[tuple[float, float, str, str], ...] = (
    (1.00, 1.80, "sangat rendah", "very low"),
    (1.81, 2.60, "rendah", "low"),
    (2.61, 3.40, "sedang", "medium"),
    (3.41, 4.20, "tinggi", "high"),
    (4.21, 5.00, "sangat tinggi", "very high"),
)
#: Cronbach's alpha below this value triggers a warning.
ALPHA_THRESHOLD = 0.6
#: Quadrant labels keyed by (need is high, access is high): (Indonesian, English).
QUADRANT_LABELS: Mapping[tuple[bool, bool], tuple[str, str]] = MappingProxyType(
    {
        (True, False): ("butuh tinggi, akses rendah", "high need, low access"),
        (True, True): ("butuh tinggi, akses tinggi", "high need, high access"),
        (False, False): ("butuh rendah, akses rendah", "low need, low access"),
        (False, True): ("butuh rendah, akses tinggi", "low need, high access"),
    }
)
_QUADRANT_PRIORITY = QUADRANT_LABELS[(True, False)][0]
_WIDE_VALUES = ("kebutuhan", "akses", "gap", "n", "n_kebutuhan", "n_akses")
_CATEGORY_RULE = (
    "a mean falls in the first interval whose upper bound it does not exceed (x <= 1.80 -> first, "
    "x <= 2.60 -> second, ...), so values between two printed bounds (e.g. 1.805) take the higher class"
)
_SCORE_RULE = "respondent score = mean of the items answered; given only when at least half of the scale's items are"
_ALPHA_DEFINITION = (
    "alpha = k/(k-1) * (1 - sum(var_item) / var(total)), sample variances (ddof=1), respondents who "
    "answered every item of the scale (listwise); undefined for single-item scales"
)
_CI_DEFINITION = (
    "percentile bootstrap: respondents resampled with replacement within each kecamatan, the same "
    "draws for need, access and gap of every aspect; interval = (alpha/2, 1 - alpha/2) percentiles"
)


def _check_intervals(intervals: Sequence[Sequence[Any]]) -> tuple[tuple[float, float, str, str], ...]:
    try:
        clean = tuple((float(lo), float(hi), str(id_), str(en)) for lo, hi, id_, en in intervals)
    except (TypeError, ValueError) as exc:
        msg = f"intervals must be (lower, upper, label_id, label_en) tuples; got {intervals!r} ({exc})."
        raise ConfigError(msg) from None
    if not clean:
        msg = "intervals is empty; give at least one (lower, upper, label_id, label_en) tuple."
        raise ConfigError(msg)
    uppers = [hi for _, hi, _, _ in clean]
    bad = [c for c in clean if c[0] > c[1]]
    if bad or any(b <= a for a, b in itertools.pairwise(uppers)):
        msg = f"intervals must have lower <= upper and strictly increasing upper bounds; got {clean!r}."
        raise ConfigError(msg)
    return clean


def categorise(
    values: pd.Series, *, intervals: Sequence[Sequence[Any]] = DEFAULT_INTERVALS, lang: str = "id"
) -> pd.Series:
    """Category of each mean score by interval.

    Parameters
    ----------
    values
        Mean scores (NaN allowed: NaN category).
    intervals
        ``(lower, upper, label_id, label_en)`` tuples in increasing order (default
        :data:`DEFAULT_INTERVALS`).
    lang
        ``"id"`` for the Indonesian labels, ``"en"`` for the English ones.

    Returns
    -------
    pandas.Series
        Labels aligned to ``values``. A value belongs to the first interval whose upper bound it does
        not exceed: with the default intervals 1.80 is "sangat rendah", 1.805 and 1.81 are "rendah".

    Raises
    ------
    ConfigError
        If ``intervals`` is malformed or ``lang`` is neither ``"id"`` nor ``"en"``.
    AnalysisError
        If a value lies below the first lower bound or above the last upper bound.
    """
    intervals = _check_intervals(intervals)
    if lang not in ("id", "en"):
        msg = f"lang must be 'id' or 'en'; got {lang!r}."
        raise ConfigError(msg)
    x = pd.to_numeric(values, errors="coerce").astype(float)
    lo, hi = intervals[0][0], intervals[-1][1]
    outside = x.notna() & ((x < lo) | (x > hi))
    if outside.any():
        bad = {str(k): float(v) for k, v in x[outside].items()}
        msg = f"Values outside the intervals' range {lo}-{hi}: {bad}; check the scale of the scores."
        raise AnalysisError(msg)
    uppers = np.array([c[1] for c in intervals])
    labels = np.array([c[2] if lang == "id" else c[3] for c in intervals], dtype=object)
    position = np.searchsorted(uppers, x.fillna(lo).to_numpy(), side="left")
    out = pd.Series(labels[np.minimum(position, len(labels) - 1)], index=values.index, dtype=object)
    out[x.isna()] = np.nan
    name = "kategori" if lang == "id" else "category"
    return out.rename(name if values.name is None else f"{values.name}_{name}")


def cronbach_alpha(items: pd.DataFrame) -> tuple[float, int, str]:
    """Cronbach's alpha of a scale.

    Parameters
    ----------
    items
        One row per respondent, one column per item (NaN = not answered).

    Returns
    -------
    tuple
        ``(alpha, n_complete, note)``: alpha = ``k/(k-1) * (1 - sum(var_item) / var(total))`` with
        sample variances (ddof=1) over the ``n_complete`` respondents who answered every item
        (listwise); NaN with a note for a single-item scale, fewer than two complete respondents or
        a constant total score.
    """
    complete = items.dropna(axis=0, how="any").to_numpy(dtype=float)
    k = items.shape[1]
    n = complete.shape[0]
    if k < 2:
        return float("nan"), n, "single-item scale: alpha undefined"
    if n < 2:
        return float("nan"), n, f"only {n} respondent(s) answered every item: alpha undefined"
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan"), n, "total score is constant: alpha undefined"
    alpha = k / (k - 1) * (1.0 - complete.var(axis=0, ddof=1).sum() / total_var)
    return float(alpha), n, ""


@dataclasses.dataclass(frozen=True, eq=False)
class SurveyScores(TableMixin):
    """Need and access scores of a survey.

    Attributes
    ----------
    kecamatan
        One row per kecamatan x aspect (columns ``kode, aspek, n, n_kebutuhan, n_akses, kebutuhan,
        akses, gap``, the categories ``kebutuhan_kategori/_category`` and ``akses_kategori/_category``,
        bootstrap bounds ``{kebutuhan,akses,gap}_ci_low/_ci_high``, ``kuadran``/``quadrant``, ``bobot``
        (post-stratification weight of the kecamatan's respondents on need) and, when a plan was given,
        ``n_rencana``).
    groups
        One row per group x aspect: weighted ``kebutuhan``, ``akses``, ``gap``, their categories,
        ``n_kebutuhan``, ``n_akses``, ``n_kecamatan`` and ``pembobotan`` (the weighting).
    overall
        Same as ``groups`` for the whole area, one row per aspect.
    reliability
        One row per scale (aspect x dimension): ``n_items``, ``n_respondents``, ``n_scored``,
        ``n_left_out`` and ``left_out_reason``, ``n_complete`` and ``cronbach_alpha`` with a ``note``.
    respondents
        Respondent scores: ``responden, kode, sektor, aspek, dimensi, skor, n_answered, bobot``.
    settings
        Everything needed to reproduce the scores.
    """

    kecamatan: pd.DataFrame
    groups: pd.DataFrame
    overall: pd.DataFrame
    reliability: pd.DataFrame
    respondents: pd.DataFrame
    settings: Mapping[str, Any]

    def wide(self, value: str = "gap") -> pd.DataFrame:
        """One column of :attr:`kecamatan` as a kode x aspect table.

        Parameters
        ----------
        value
            One of ``kebutuhan``, ``akses``, ``gap``, ``n``, ``n_kebutuhan``, ``n_akses``.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``kode``, one column per aspect.
        """
        if value not in _WIDE_VALUES:
            msg = f"Unknown value {value!r}; choose one of {list(_WIDE_VALUES)}."
            raise ConfigError(msg)
        table = self.kecamatan.pivot(index="kode", columns="aspek", values=value)
        table.columns.name = None
        return table

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"result", "statistics", "settings"}`` (JSON-friendly)."""
        stats: dict[str, Any] = {
            "n_respondents": int(self.respondents["responden"].nunique()),
            "n_kecamatan": int(self.kecamatan["kode"].nunique()),
        }
        for aspek, row in self.overall.iterrows():
            for column in ("kebutuhan", "akses", "gap"):
                stats[f"{aspek}_{column}"] = float(row[column])
        for _, row in self.reliability.iterrows():
            stats[f"alpha_{row['aspek']}_{row['dimensi']}"] = float(row["cronbach_alpha"])
        return payload("survey_scores", stats, self.settings)


def _check_long(long: pd.DataFrame, lo: float, hi: float) -> pd.DataFrame:
    missing = [c for c in LONG_COLUMNS if c not in long.columns]
    if missing:
        msg = f"The long survey table lacks the column(s) {missing}; it needs {list(LONG_COLUMNS)}."
        raise TableError(msg)
    data = long.loc[:, list(LONG_COLUMNS)].copy()
    if data.empty:
        msg = "The survey table has no rows; there is nothing to score."
        raise TableError(msg)
    for column in ("responden", "kode", "aspek", "dimensi"):
        if data[column].isna().any():
            rows = list(data.index[data[column].isna()][:5])
            msg = f"Column {column!r} is empty in row(s) {rows}; fill it in."
            raise TableError(msg)
    data["responden"] = data["responden"].astype(str)
    data["kode"] = data["kode"].astype(str)
    unknown = sorted(set(data["dimensi"]) - set(DIMENSIONS))
    if unknown:
        msg = f"Unknown dimension(s) {unknown} in column 'dimensi'; use {list(DIMENSIONS)}."
        raise TableError(msg)
    nilai = pd.to_numeric(data["nilai"], errors="coerce")
    bad = (nilai.isna() & data["nilai"].notna()) | (nilai < lo) | (nilai > hi)
    if bad.any():
        rows = data.loc[bad, ["responden", "aspek", "dimensi", "item", "nilai"]].head(5).to_dict("records")
        msg = f"{int(bad.sum())} answer(s) are not numbers in {lo}-{hi}, e.g. {rows}; fix or blank them."
        raise TableError(msg)
    data["nilai"] = nilai.astype(float)
    duplicated = data.duplicated(["responden", "aspek", "dimensi", "item"], keep=False)
    if duplicated.any():
        rows = data.loc[duplicated, ["responden", "aspek", "dimensi", "item"]].head(5).to_dict("records")
        msg = f"{int(duplicated.sum())} rows repeat a respondent's item, e.g. {rows}; keep one answer per item."
        raise TableError(msg)
    places = data.groupby("responden")["kode"].nunique()
    if (places > 1).any():
        msg = f"Respondent(s) {list(places.index[places > 1][:5])} appear in more than one kecamatan."
        raise TableError(msg)
    return data


def _respondent_scores(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores per respondent and scale, and the reliability/left-out table per scale."""
    people = data.groupby("responden", sort=True).agg(kode=("kode", "first"), sektor=("sektor", "first"))
    scores, scales = [], []
    for (aspek, dimensi), part in data.groupby(["aspek", "dimensi"], sort=True):
        matrix = part.pivot(index="responden", columns="item", values="nilai").reindex(people.index)
        k = matrix.shape[1]
        answered = matrix.notna().sum(axis=1)
        enough = answered >= k / 2.0
        none = int((answered == 0).sum())
        partial = int(((answered > 0) & ~enough).sum())
        reasons = []
        if partial:
            reasons.append(f"{partial} answered fewer than half of the {k} items")
        if none:
            reasons.append(f"{none} answered no item")
        alpha, n_complete, note = cronbach_alpha(matrix)
        scales.append(
            {
                "aspek": aspek,
                "dimensi": dimensi,
                "n_items": k,
                "n_respondents": len(people),
                "n_scored": int(enough.sum()),
                "n_left_out": partial + none,
                "left_out_reason": "; ".join(reasons),
                "n_complete": n_complete,
                "cronbach_alpha": alpha,
                "note": note,
            }
        )
        scored = people.loc[enough].copy()
        scored["aspek"], scored["dimensi"] = aspek, dimensi
        scored["skor"] = matrix.loc[enough].mean(axis=1)
        scored["n_answered"] = answered[enough].astype(int)
        scores.append(scored.reset_index())
    return pd.concat(scores, ignore_index=True), pd.DataFrame(scales)


def _population_weights(
    scores: pd.DataFrame, population: pd.Series | None, plan: pd.Series | None
) -> tuple[pd.Series | None, str]:
    """Population per kecamatan used for weighting, and a sentence saying how weights were made."""
    if population is not None:
        source, what = population, "population"
    elif plan is not None:
        source, what = plan, "plan"
    else:
        return None, "unweighted: every respondent counts once"
    source = pd.to_numeric(source, errors="coerce")
    source.index = source.index.astype(str)
    codes = sorted(set(scores["kode"]))
    absent = [c for c in codes if c not in source.index or pd.isna(source.get(c))]
    if absent:
        msg = f"{what} has no value for the surveyed kecamatan {absent}; give one for every kecamatan."
        raise ConfigError(msg)
    if (source[codes] <= 0).any():
        msg = f"{what} must be positive for surveyed kecamatan; got {source[codes][source[codes] <= 0].to_dict()}."
        raise ConfigError(msg)
    unsurveyed = sorted(set(source.index[source > 0]) - set(codes))
    if unsurveyed:
        msg = (
            f"Kecamatan {unsurveyed} are in {what} but have no respondent; they are absent from the "
            "group and area means (the weights are shared among the kecamatan surveyed)."
        )
        warnings.warn(msg, UserWarning, stacklevel=3)
    text = (
        "post-stratification: w_k = (N_k / N) / (n_k / n) for the respondents of kecamatan k, N_k from "
        f"{what}, n_k = respondents of k with a score on the scale; group mean = sum_k N_k mean_k / sum_k N_k"
    )
    if what == "plan":
        text += " (planned quotas stand in for the population: proportional to it up to rounding and minimums)"
    return source[codes].astype(float), text


def _bootstrap(
    scores: pd.DataFrame, aspects: list[str], *, n_boot: int, seed: int, alpha: float
) -> dict[tuple[str, str, str, str], float]:
    """Percentile bounds per (kode, aspek, column) of need, access and gap."""
    rng = np.random.default_rng(seed)
    matrix = scores.pivot_table(index=["kode", "responden"], columns=["aspek", "dimensi"], values="skor")
    columns = pd.MultiIndex.from_product([aspects, DIMENSIONS])
    matrix = matrix.reindex(columns=columns)
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    out: dict[tuple[str, str, str, str], float] = {}
    for kode in sorted(matrix.index.get_level_values("kode").unique()):
        x = matrix.loc[kode].to_numpy(dtype=float)
        idx = rng.integers(0, x.shape[0], size=(n_boot, x.shape[0]))
        sample = x[idx]
        counts = np.isfinite(sample).sum(axis=1)
        sums = np.nansum(sample, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        means = means.reshape(n_boot, len(aspects), 2)
        stacked = {"kebutuhan": means[:, :, 0], "akses": means[:, :, 1], "gap": means[:, :, 0] - means[:, :, 1]}
        for column, draws in stacked.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                bounds = np.nanpercentile(draws, q, axis=0)
            for j, aspek in enumerate(aspects):
                out[(kode, aspek, column, "low")] = float(bounds[0, j])
                out[(kode, aspek, column, "high")] = float(bounds[1, j])
    return out


def _weighted_means(
    scores: pd.DataFrame, population: pd.Series | None, label: pd.Series, intervals: Sequence, weighting: str
) -> pd.DataFrame:
    """Weighted need/access/gap per label (group) and aspect."""
    rows = []
    frame = scores.assign(_group=scores["kode"].map(label)).dropna(subset=["_group"])
    for (group, aspek), part in frame.groupby(["_group", "aspek"], sort=True):
        row: dict[str, Any] = {"group": group, "aspek": aspek}
        for dimensi in DIMENSIONS:
            sub = part[part["dimensi"] == dimensi]
            by_k = sub.groupby("kode")["skor"].agg(["mean", "size"])
            if by_k.empty:
                mean = np.nan
            elif population is None:
                mean = float(sub["skor"].mean())
            else:
                n_k = population.reindex(by_k.index)
                mean = float((n_k * by_k["mean"]).sum() / n_k.sum())
            row[dimensi] = mean
            row[f"n_{dimensi}"] = len(sub)
        row["gap"] = row["kebutuhan"] - row["akses"]
        row["n_kecamatan"] = int(part["kode"].nunique())
        row["pembobotan"] = weighting
        rows.append(row)
    order = ["group", "aspek", "n_kecamatan", "n_kebutuhan", "n_akses", "kebutuhan", "akses", "gap", "pembobotan"]
    table = pd.DataFrame(rows, columns=order)
    for dimensi in DIMENSIONS:
        table[f"{dimensi}_kategori"] = categorise(table[dimensi], intervals=intervals, lang="id").to_numpy()
        table[f"{dimensi}_category"] = categorise(table[dimensi], intervals=intervals, lang="en").to_numpy()
    return table


def score_survey(
    long: pd.DataFrame,
    *,
    plan: pd.Series | None = None,
    population: pd.Series | None = None,
    groups: pd.Series | None = None,
    intervals: Sequence[Sequence[Any]] = DEFAULT_INTERVALS,
    n_boot: int = 999,
    seed: int,
    alpha: float = 0.05,
    quadrant_reference: str = "mean",
    illustrative: bool = False,
) -> SurveyScores:
    """Score need and access per kecamatan, group and area.

    Parameters
    ----------
    long
        Answers in long form: ``responden, kode, sektor, aspek, dimensi, item, nilai`` (one row per
        respondent and item; ``nilai`` NaN = not answered; ``dimensi`` is ``kebutuhan`` or ``akses``).
    plan
        Planned quota per kecamatan (kode -> n). Reported next to the achieved n (``n_rencana``) and,
        when ``population`` is not given, used in its place for the weights (a proportional plan has
        the population's shares up to rounding and minimums).
    population
        UMKM per kecamatan (kode -> N) for the post-stratification weights
        ``w_k = (N_k / N) / (n_k / n)``; without it (and without ``plan``) means are unweighted.
    groups
        Group of each kecamatan (kode -> e.g. ``wilayah``) for the group means; kecamatan without a
        group are left out of the group table (with a warning) but kept in the area means.
    intervals
        ``(lower, upper, label_id, label_en)`` category intervals (see :func:`categorise`).
    n_boot
        Bootstrap resamples for the confidence intervals (at least 1).
    seed
        Seed of the bootstrap; the same seed and data give the same intervals.
    alpha
        The intervals cover ``1 - alpha``.
    quadrant_reference
        ``"mean"``: need and access are high when at or above the (weighted) area mean of the aspect;
        ``"midpoint"``: at or above the scale midpoint ``(first lower + last upper) / 2`` (3 on 1-5).
    illustrative
        Mark every table as made from illustrative data (column ``catatan_data``).

    Returns
    -------
    SurveyScores
        Kecamatan, group and area scores, reliability and respondent scores, with the settings.

    Raises
    ------
    TableError
        If a column is missing, a dimension is unknown, an answer is outside the intervals' range or
        not numeric, an item is repeated or a respondent appears in two kecamatan.
    ConfigError
        If a setting is invalid or ``population``/``plan`` lacks a surveyed kecamatan.
    AnalysisError
        If no respondent has a score on any scale.

    Warns
    -----
    UserWarning
        When respondents are left out of a scale (fewer than half of its items answered), when a
        scale's Cronbach's alpha is below :data:`ALPHA_THRESHOLD`, when kecamatan lack a group, and
        when kecamatan of the population have no respondent.
    """
    intervals = _check_intervals(intervals)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be an integer; got {seed!r}."
        raise ConfigError(msg)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        msg = f"n_boot must be a positive integer; got {n_boot!r}."
        raise ConfigError(msg)
    if not 0 < alpha < 1:
        msg = f"alpha must lie strictly between 0 and 1 (e.g. 0.05 for 95% intervals); got {alpha!r}."
        raise ConfigError(msg)
    if quadrant_reference not in ("mean", "midpoint"):
        msg = f"quadrant_reference must be 'mean' or 'midpoint'; got {quadrant_reference!r}."
        raise ConfigError(msg)
    lo, hi = intervals[0][0], intervals[-1][1]
    data = _check_long(long, lo, hi)
    scores, reliability = _respondent_scores(data)
    if scores.empty:
        msg = "No respondent answered at least half of the items of any scale; nothing can be scored."
        raise AnalysisError(msg)
    for _, row in reliability.iterrows():
        scale = f"{row['aspek']}_{row['dimensi']}"
        if row["n_left_out"]:
            msg = f"Scale {scale!r}: {row['n_left_out']} respondent(s) left out ({row['left_out_reason']})."
            warnings.warn(msg, UserWarning, stacklevel=2)
        if row["cronbach_alpha"] < ALPHA_THRESHOLD:
            msg = (
                f"Scale {scale!r} has Cronbach's alpha {row['cronbach_alpha']:.3f} < {ALPHA_THRESHOLD}: its items "
                "may not measure one thing; read its scores with care."
            )
            warnings.warn(msg, UserWarning, stacklevel=2)

    pop, weighting = _population_weights(scores, population, plan)
    n_scale = scores.groupby(["aspek", "dimensi"])["responden"].transform("size")
    n_k = scores.groupby(["aspek", "dimensi", "kode"])["responden"].transform("size")
    if pop is None:
        scores["bobot"] = 1.0
    else:
        share = scores["kode"].map(pop) / scores.groupby(["aspek", "dimensi"])["kode"].transform(
            lambda k: pop[sorted(set(k))].sum()
        )
        scores["bobot"] = share / (n_k / n_scale)

    aspects = sorted(scores["aspek"].unique())
    per_k = scores.pivot_table(index=["kode", "aspek"], columns="dimensi", values="skor", aggfunc=["mean", "size"])
    kec = pd.MultiIndex.from_product([sorted(scores["kode"].unique()), aspects], names=["kode", "aspek"])
    table = pd.DataFrame(index=kec)
    for dimensi in DIMENSIONS:
        table[f"n_{dimensi}"] = per_k.get(("size", dimensi), pd.Series(dtype=float)).reindex(kec).fillna(0).astype(int)
        table[dimensi] = per_k.get(("mean", dimensi), pd.Series(dtype=float)).reindex(kec).astype(float)
    counts = scores.groupby(["kode", "aspek"])["responden"].nunique().reindex(kec).fillna(0).astype(int)
    table.insert(0, "n", counts)
    table = table[["n", "n_kebutuhan", "n_akses", "kebutuhan", "akses"]].copy()
    table["gap"] = table["kebutuhan"] - table["akses"]
    for dimensi in DIMENSIONS:
        table[f"{dimensi}_kategori"] = categorise(table[dimensi], intervals=intervals, lang="id").to_numpy()
        table[f"{dimensi}_category"] = categorise(table[dimensi], intervals=intervals, lang="en").to_numpy()
    bounds = _bootstrap(scores, aspects, n_boot=int(n_boot), seed=int(seed), alpha=float(alpha))
    for column in ("kebutuhan", "akses", "gap"):
        for side in ("low", "high"):
            table[f"{column}_ci_{side}"] = [bounds[(k, a, column, side)] for k, a in table.index]
    need_w = scores[scores["dimensi"] == "kebutuhan"].groupby(["kode", "aspek"])["bobot"].first()
    table["bobot"] = need_w.reindex(kec).to_numpy()
    if plan is not None:
        planned = pd.Series(plan)
        planned.index = planned.index.astype(str)
        table["n_rencana"] = planned.reindex(table.index.get_level_values("kode")).to_numpy()
        achieved = data.groupby("kode")["responden"].nunique().reindex(planned.index, fill_value=0)
        short = achieved[achieved < planned]
        if len(short):
            msg = (
                f"{len(short)} kecamatan have fewer respondents than planned ({list(short.index)[:5]}); "
                "with weights their respondents count by their kecamatan's share, without them they count once."
            )
            warnings.warn(msg, UserWarning, stacklevel=2)

    everyone = pd.Series("semua", index=sorted(scores["kode"].unique()))
    overall = _weighted_means(scores, pop, everyone, intervals, weighting).drop(columns="group").set_index("aspek")
    if quadrant_reference == "mean":
        ref_need = table.index.get_level_values("aspek").map(overall["kebutuhan"]).to_numpy(dtype=float)
        ref_access = table.index.get_level_values("aspek").map(overall["akses"]).to_numpy(dtype=float)
    else:
        ref_need = ref_access = np.full(len(table), (lo + hi) / 2.0)
    high_need = table["kebutuhan"].to_numpy() >= ref_need
    high_access = table["akses"].to_numpy() >= ref_access
    known = table[["kebutuhan", "akses"]].notna().all(axis=1).to_numpy()
    table["kuadran"] = [
        QUADRANT_LABELS[(bool(n), bool(a))][0] if ok else np.nan
        for n, a, ok in zip(high_need, high_access, known, strict=True)
    ]
    table["quadrant"] = [
        QUADRANT_LABELS[(bool(n), bool(a))][1] if ok else np.nan
        for n, a, ok in zip(high_need, high_access, known, strict=True)
    ]
    table = table.reset_index()

    if groups is not None:
        group_of = pd.Series(groups)
        group_of.index = group_of.index.astype(str)
        lacking = sorted(set(scores["kode"]) - set(group_of.dropna().index))
        if lacking:
            msg = f"Kecamatan {lacking} have no group; they are left out of the group means (kept in the area means)."
            warnings.warn(msg, UserWarning, stacklevel=2)
        group_table = _weighted_means(scores, pop, group_of, intervals, weighting)
    else:
        group_table = pd.DataFrame(columns=["group", "aspek", "kebutuhan", "akses", "gap"])

    respondents = scores[["responden", "kode", "sektor", "aspek", "dimensi", "skor", "n_answered", "bobot"]]
    frames = [table, group_table, overall, reliability, respondents]
    if illustrative:
        frames = [f.assign(catatan_data=ILLUSTRATIVE_NOTE) for f in frames]
    settings = {
        "aspects": aspects,
        "dimensions": list(DIMENSIONS),
        "score_rule": _SCORE_RULE,
        "gap": "gap = mean need (kebutuhan) - mean access (akses)",
        "intervals": [f"{a:.2f}-{b:.2f} {c} / {d}" for a, b, c, d in intervals],
        "category_rule": _CATEGORY_RULE,
        "weighting": weighting,
        "population_given": population is not None,
        "plan_given": plan is not None,
        "grouped": groups is not None,
        "n_boot": int(n_boot),
        "seed": int(seed),
        "ci_alpha": float(alpha),
        "ci_definition": _CI_DEFINITION,
        "cronbach_alpha_definition": _ALPHA_DEFINITION,
        "alpha_warning_below": ALPHA_THRESHOLD,
        "quadrant_reference": quadrant_reference,
        "quadrant_rule": "high = at or above the reference (weighted area mean of the aspect, or the scale midpoint)",
        "priority_quadrant": _QUADRANT_PRIORITY,
        "left_out": [f"{r.aspek}_{r.dimensi}: {r.n_left_out}" for r in reliability.itertuples()],
        "illustrative": ILLUSTRATIVE_NOTE if illustrative else "",
        "numpy_version": np.__version__,
        "pandas_version": pd.__version__,
    }
    return SurveyScores(
        kecamatan=frames[0],
        groups=frames[1],
        overall=frames[2],
        reliability=frames[3],
        respondents=frames[4].reset_index(drop=True),
        settings=MappingProxyType(settings),
    )

"""The regional studies' own methods: survey design, questionnaire scoring and produk unggulan.

* :mod:`.design` -- sample size (Slovin, Cochran with finite-population correction) and its
  proportional allocation per kecamatan, with a fieldwork table;
* :mod:`.scoring` -- need and access scores per kecamatan, group and area (post-stratified),
  categories, the gap, Cronbach's alpha, bootstrap intervals and need/access quadrants;
* :mod:`.products` -- produk unggulan: leading product per area, MPE ranking, LQ.

Their inputs are read and checked in :mod:`umkm_geo.tables` (questionnaire answers in
:mod:`umkm_geo.tables.responses`, product tables in :mod:`umkm_geo.tables.products`); the
illustrative inputs are in :mod:`umkm_geo.tables.demo.survey` and the pipeline stage in
:mod:`umkm_geo.pipeline.survey_stage`. Force Field Analysis lives in :mod:`umkm_geo.stats.ffa` (it
ranks policy strategies, not survey answers).
"""

from umkm_geo.stats.survey.design import SurveyPlan, cochran, slovin, survey_plan
from umkm_geo.stats.survey.products import leading_products, mpe_ranking, product_lq
from umkm_geo.stats.survey.scoring import DEFAULT_INTERVALS, SurveyScores, categorise, cronbach_alpha, score_survey

__all__ = [
    "DEFAULT_INTERVALS",
    "SurveyPlan",
    "SurveyScores",
    "categorise",
    "cochran",
    "cronbach_alpha",
    "leading_products",
    "mpe_ranking",
    "product_lq",
    "score_survey",
    "slovin",
    "survey_plan",
]

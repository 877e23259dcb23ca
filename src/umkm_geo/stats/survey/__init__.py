"""The regional studies' own methods: survey design, questionnaire scoring and produk unggulan.

* :mod:`.design` -- sample size (Slovin, Cochran with finite-population correction) and its
  proportional allocation per kecamatan, with a fieldwork table;
* :mod:`.responses` -- questionnaire answers (Likert 1-5 per aspect and dimension: kebutuhan/need,
  akses/access) read and checked respondent by respondent;
* :mod:`.scoring` -- need and access scores per kecamatan, group and area (post-stratified),
  categories, the gap, Cronbach's alpha, bootstrap intervals and need/access quadrants;
* :mod:`.products` -- produk unggulan: leading product per area, MPE ranking, LQ;
* :mod:`.demo` -- reproducible illustrative answers, FFA factors and products for Blitar;
* :mod:`.stage` -- the pipeline stage that runs all of it from the config.

Force Field Analysis lives in :mod:`umkm_geo.stats.ffa` (it ranks policy strategies, not survey answers).
"""

from umkm_geo.stats.survey.design import SurveyPlan, cochran, slovin, survey_plan
from umkm_geo.stats.survey.products import leading_products, mpe_ranking, product_lq, read_products
from umkm_geo.stats.survey.scoring import DEFAULT_INTERVALS, SurveyScores, categorise, cronbach_alpha, score_survey
from umkm_geo.tables.responses import Responses, read_responses

__all__ = [
    "DEFAULT_INTERVALS",
    "Responses",
    "SurveyPlan",
    "SurveyScores",
    "categorise",
    "cochran",
    "cronbach_alpha",
    "leading_products",
    "mpe_ranking",
    "product_lq",
    "read_products",
    "read_responses",
    "score_survey",
    "slovin",
    "survey_plan",
]

"""Statistics for daily supervision: daily figures, periods aggregated from them, and traceable figures.

Pure core (no database, no web framework). The words: a day's ``DailyFigures`` are counted from the database
for one local calendar day; ``aggregate`` adds days into ``PeriodFigures`` (flows summed, durations merged so
medians and p90 are exact, ids united, stocks from the last day); ``catalogue.report_sections`` turns a period
into ``Figure``s, each with a ``DrillDown`` to the console list behind it. See docs/statistics.md.
"""

from qinglang.statistics.aggregate import Selection, aggregate, combine, select_period
from qinglang.statistics.catalogue import all_figures, headline, report_sections
from qinglang.statistics.compare import Change, compare, compare_periods
from qinglang.statistics.figures import (
    AccountFigures,
    ActionFigures,
    AppealFigures,
    DailyFigures,
    FigureSet,
    HumanDecisionFigures,
    ListFigures,
    PeriodFigures,
    ReportFigures,
    ReviewerFigures,
    RewardFigures,
    ScreeningFigures,
    SweepFigures,
    TeamFigures,
    WorkFigures,
)
from qinglang.statistics.periods import DEFAULT_TIME_ZONE, Window, day_window, period_window, previous_period
from qinglang.statistics.problems import Problem
from qinglang.statistics.samples import DurationSample
from qinglang.statistics.trace import CONSOLE_LISTS, DrillDown, Figure, Section, check_traceability, drill

__all__ = [
    "CONSOLE_LISTS", "DEFAULT_TIME_ZONE", "AccountFigures", "ActionFigures", "AppealFigures", "Change",
    "DailyFigures", "DrillDown", "DurationSample", "Figure", "FigureSet", "HumanDecisionFigures", "ListFigures",
    "PeriodFigures", "Problem", "ReportFigures", "ReviewerFigures", "RewardFigures", "ScreeningFigures", "Section",
    "Selection", "SweepFigures", "TeamFigures", "Window", "WorkFigures", "aggregate", "all_figures",
    "check_traceability", "combine", "compare", "compare_periods", "day_window", "drill", "headline",
    "period_window", "previous_period", "report_sections", "select_period",
]

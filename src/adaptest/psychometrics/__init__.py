"""Numbers only: IRT models, ability estimation, item selection, stopping, reporting, calibration, Elo
and simulation. numpy/scipy; knows nothing of item text, files or the web. See docs/psychometrics.md.
"""

from adaptest.psychometrics.adaptive import (
    Given,
    SessionState,
    TestDesign,
    record,
    resume,
    resume_given,
    select_next,
    start,
)
from adaptest.psychometrics.calibration import CalibrationResult, calibrate_2pl
from adaptest.psychometrics.classical import ClassicalStatistics, classical_statistics
from adaptest.psychometrics.elo import EloModel, match_update, practice_update
from adaptest.psychometrics.estimation import Estimate, eap, map_estimate, mle, wle
from adaptest.psychometrics.irt import information, probability
from adaptest.psychometrics.multidim import DomainPosterior, DomainPrior, domain_posterior
from adaptest.psychometrics.readiness import MeasuredLevel, Readiness, Shortfall, role_readiness
from adaptest.psychometrics.reporting import LevelCuts, LevelReport, ReportingScale, level_report, percentile
from adaptest.psychometrics.responses import ResponseData, ResponseFileError, read_responses
from adaptest.psychometrics.selection import Blueprint, Exposure, ExposureControl, ItemPool
from adaptest.psychometrics.simulation import DESIGNS, simulate
from adaptest.psychometrics.stopping import (
    AllOf,
    AnyOf,
    Confident,
    MaxItems,
    MinItems,
    SETarget,
    StopRule,
    TimeBudget,
)

__all__ = [
    "Given",
    "DESIGNS",
    "AllOf",
    "AnyOf",
    "Blueprint",
    "CalibrationResult",
    "ClassicalStatistics",
    "Confident",
    "DomainPosterior",
    "DomainPrior",
    "EloModel",
    "Estimate",
    "Exposure",
    "ExposureControl",
    "ItemPool",
    "LevelCuts",
    "LevelReport",
    "MaxItems",
    "MeasuredLevel",
    "MinItems",
    "Readiness",
    "ReportingScale",
    "ResponseData",
    "ResponseFileError",
    "SETarget",
    "SessionState",
    "Shortfall",
    "StopRule",
    "TestDesign",
    "TimeBudget",
    "calibrate_2pl",
    "classical_statistics",
    "domain_posterior",
    "eap",
    "information",
    "level_report",
    "map_estimate",
    "match_update",
    "mle",
    "percentile",
    "practice_update",
    "probability",
    "read_responses",
    "record",
    "resume",
    "resume_given",
    "role_readiness",
    "select_next",
    "simulate",
    "start",
    "wle",
]

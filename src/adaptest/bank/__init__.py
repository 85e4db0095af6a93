"""The item-bank format: schemas, item kinds (validate, present, grade) and the folder loader.

Pure Python — no Django. See docs/bank-format.md for the file format.
"""

from adaptest.bank.calibration_hints import item_pool
from adaptest.bank.grading import grade
from adaptest.bank.kinds import ITEM_KINDS, GradableItem
from adaptest.bank.loader import Bank, item_content_hash, load_bank, parse_item
from adaptest.bank.outcome import DONT_KNOW, AnswerError, DontKnow, FeedbackPart, Outcome, Remark, Role
from adaptest.bank.problems import BankInvalid, Problem
from adaptest.bank.schema import AssessmentDefinition, BankMeta, Domain, Skill
from adaptest.bank.stats import bank_stats

__all__ = [
    "DONT_KNOW",
    "ITEM_KINDS",
    "AnswerError",
    "AssessmentDefinition",
    "Bank",
    "BankInvalid",
    "BankMeta",
    "DontKnow",
    "Domain",
    "FeedbackPart",
    "GradableItem",
    "Outcome",
    "Problem",
    "Remark",
    "Role",
    "Skill",
    "bank_stats",
    "grade",
    "item_pool",
    "item_content_hash",
    "load_bank",
    "parse_item",
]

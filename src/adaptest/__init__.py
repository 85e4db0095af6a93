"""Adaptest: adaptive deep-learning skills assessments that explain every answer."""

__version__ = "0.1.0"

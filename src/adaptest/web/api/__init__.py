"""The JSON API (Django Ninja): personal tokens, assessments, attempts, answers and results."""

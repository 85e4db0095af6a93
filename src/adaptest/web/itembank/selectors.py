"""Reads for the item bank."""

from __future__ import annotations

from django.db.models import QuerySet

from adaptest.web.itembank.models import Assessment


def assessment_list_active() -> QuerySet[Assessment]:
    """Assessments a learner can take now. Adaptive definitions are synced but open only once the
    adaptive test pages exist, so they are not listed yet."""
    return (
        Assessment.objects.filter(is_active=True, kind=Assessment.Kind.FIXED)
        .select_related("bank")
        .order_by("title")
    )

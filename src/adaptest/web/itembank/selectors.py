"""Reads for the item bank."""

from __future__ import annotations

from django.db.models import QuerySet

from adaptest.web.itembank.models import Assessment


def assessment_list_active() -> QuerySet[Assessment]:
    """Assessments a learner can take now, the adaptive skills assessment first."""
    return Assessment.objects.filter(is_active=True).select_related("bank").order_by("-kind", "title")

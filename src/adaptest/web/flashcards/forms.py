from __future__ import annotations

from django import forms

from adaptest.web.flashcards.interop import MAX_FILE_BYTES
from adaptest.web.flashcards.models import DEFAULT_RETENTION, RETENTION_RANGE


class StudySettingsForm(forms.Form):
    desired_retention = forms.FloatField(
        label="Desired retention",
        min_value=RETENTION_RANGE[0],
        max_value=RETENTION_RANGE[1],
        initial=DEFAULT_RETENTION,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=(
            f"The chance of remembering a card on the day it comes back, from {RETENTION_RANGE[0]:.2f} to "
            f"{RETENTION_RANGE[1]:.2f}. Higher means more frequent reviews; 0.90 is FSRS's default."
        ),
    )


class ImportForm(forms.Form):
    title = forms.CharField(label="Deck title", max_length=200)
    file = forms.FileField(
        label="Text file",
        help_text=(
            "UTF-8 text, one card a line: the term, a tab, the definition. "
            f"At most {MAX_FILE_BYTES // 1000} kB."
        ),
    )

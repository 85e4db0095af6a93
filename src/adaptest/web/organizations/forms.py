"""The organisation pages' forms. They read and type the input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from adaptest.psychometrics.reporting import LEVELS
from adaptest.web.itembank.models import Assessment
from adaptest.web.organizations.models import Organization, RoleProfile


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=120)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        help_text="Leave it empty for a link anyone you give it to can use for 14 days.",
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=120)
    assessment = forms.ModelChoiceField(queryset=Assessment.objects.none(), empty_label=None)
    opens_at = forms.DateTimeField(label="Opens (UTC)", widget=LocalDateTimeInput())
    closes_at = forms.DateTimeField(label="Closes (UTC)", widget=LocalDateTimeInput())
    attempts_allowed = forms.IntegerField(
        label="Attempts per candidate", min_value=1, max_value=10, initial=1
    )
    role_profiles = forms.ModelMultipleChoiceField(
        label="Role profiles",
        queryset=RoleProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to use the bank's roles.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assessment = self.fields["assessment"]
        profiles = self.fields["role_profiles"]
        assert isinstance(assessment, forms.ModelChoiceField)
        assert isinstance(profiles, forms.ModelMultipleChoiceField)
        assessment.queryset = Assessment.objects.filter(is_active=True).order_by("title")
        profiles.queryset = organization.role_profiles.all()
        if not profiles.queryset.exists():
            del self.fields["role_profiles"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The campaign must close after it opens.")
        return data


class RoleProfileForm(forms.Form):
    title = forms.CharField(max_length=120)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, domains: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not required")] + [(level, level.capitalize()) for level in LEVELS]
        for domain_id, title in domains.items():
            self.fields[f"level_{domain_id}"] = forms.ChoiceField(
                label=title, choices=choices, required=False
            )

    def levels(self) -> dict[str, str]:
        return {
            name.removeprefix("level_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("level_") and value
        }


class AccommodationForm(forms.Form):
    user = forms.ModelChoiceField(label="Candidate", queryset=User.objects.none(), empty_label=None)
    extra_time_percent = forms.IntegerField(
        label="Extra time (%)",
        min_value=0,
        max_value=400,
        help_text="50 gives one and a half times the limit.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(memberships__organization=organization).order_by("username")
        field.label_from_instance = lambda user: user.username  # type: ignore[method-assign,assignment]

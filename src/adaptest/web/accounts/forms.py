from django import forms
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.contrib.auth.models import User, UserManager

from adaptest.web.accounts import selectors

EMAIL_HELP = (
    "For resetting your password and for invitations from organisations; never shown to other learners."
)
EMAIL_IN_USE = "This e-mail address is already in use. Use another one, or leave the field empty."


def normalized_email(value: str) -> str:
    """An address as it is stored: Django's normalisation (the domain lower-cased); empty stays empty."""
    return UserManager.normalize_email(value.strip()) if value else ""


def _email_field(label: str, help_text: str) -> forms.EmailField:
    return forms.EmailField(
        required=False,
        max_length=User._meta.get_field("email").max_length,
        label=label,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignupForm(UserCreationForm[User]):
    """Username, an optional e-mail address (unique among accounts that give one) and a password checked by
    the project's password validators."""

    email = _email_field("E-mail address (optional)", EMAIL_HELP)

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}

    def clean_email(self) -> str:
        email = normalized_email(self.cleaned_data.get("email") or "")
        if selectors.email_in_use(email=email):
            raise forms.ValidationError(EMAIL_IN_USE, code="email_in_use")
        return email


class EmailChangeForm(forms.Form):
    """The account page's form: a new address (empty removes it), confirmed by the current password.

    The form only checks the address's format; the service checks the password and that no other account
    uses the address.
    """

    email = _email_field("E-mail address", "Leave it empty to remove your address. " + EMAIL_HELP)
    password = forms.CharField(
        label="Your current password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        return normalized_email(self.cleaned_data.get("email") or "")

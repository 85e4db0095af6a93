from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):  # type: ignore[type-arg]
    """Username and password, checked by the project's password validators."""

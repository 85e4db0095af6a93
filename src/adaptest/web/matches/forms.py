"""The match pages' forms: what a match is on, an answer, a player's public face. They only read input;
the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from adaptest.web.matches.selectors import MatchSubject
from adaptest.web.matches.services import QUESTIONS

MAX_OPTIONS = 10


def subject_value(subject: MatchSubject) -> str:
    """One value names a deck or a domain: ``deck|deep-learning:deck-cnn``."""
    return f"{subject.scope}|{subject.key}"


class SubjectForm(forms.Form):
    """A deck or a domain, chosen from a list grouped into decks and domains."""

    subject = forms.ChoiceField(label="Deck or domain")

    def __init__(self, *args: Any, subjects: list[MatchSubject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {"Decks": [], "Domains": []}
        for subject in subjects:
            # Decks are named after their domains: the option says which it is, not only its group.
            group, kind = ("Decks", "Deck") if subject.scope == "deck" else ("Domains", "Domain")
            groups[group].append((subject_value(subject), f"{kind}: {subject.title}"))
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(group, choices) for group, choices in groups.items() if choices]

    def scope_and_key(self) -> tuple[str, str]:
        scope, _, key = self.cleaned_data["subject"].partition("|")
        return scope, key


class ChallengeForm(SubjectForm):
    listed = forms.BooleanField(
        label="List it on open challenges",
        required=False,
        initial=True,
        help_text="Anyone may then accept it. Either way, anyone you give its link to may accept it.",
    )


class AnswerForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=QUESTIONS, widget=forms.HiddenInput)
    choice = forms.IntegerField(
        min_value=0, max_value=MAX_OPTIONS - 1, error_messages={"required": "Choose one of the options."}
    )


class PlayerForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=60,  # the service checks the real rule (2 to 40 characters once spaces are tidied)
        help_text="What other players see: on challenges, results and leaderboards. Not your username.",
    )
    on_leaderboards = forms.BooleanField(label="Show me on leaderboards", required=False)

"""What a person's data is: every row they own, found by following foreign keys, never by a hand list.

Ownership, as ``owned_models`` finds it in ``apps.get_models()``:

1. A model with a foreign key (or one-to-one) to the user model is owned *directly* through it (e.g.
   ``Attempt.user``, ``Match.challenger`` and ``Match.opponent``). Such a row is never reached through a
   parent as well: another player's ``MatchRun`` in a shared match belongs to that player alone.
2. A model without one is owned *through a parent* it points at that is owned (recursively), e.g.
   ``Response → slot → attempt → user``, ``MatchAnswer → run → user``, ``Card → personal_deck → owner``.
   When a model has a parent owned by a single person and one shared by two (``RatingChange``: its
   rating, and the match both players share), only the single owner's path counts, so the other
   player's rating changes never enter this person's export.
3. Rows that name the user by username rather than by key: django-axes' log-in records.

``NOT_PERSONAL`` lists what rule 2 would reach but is content, not the person's data; ``NOT_OWNERS``
the keys to a user who acted on a row rather than owns it (a staff reviewer of an answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q, QuerySet

from adaptest.web.assessments.models import Attempt, AttemptItem, Response

NOT_PERSONAL = {
    # A match's frozen questions are bank content, and hold the key of questions not yet answered.
    "matches.matchquestion",
}
NOT_OWNERS = {
    # The member of staff who checked a free-text answer: the answer stays the learner's alone.
    "assessments.response": {"reviewed_by"},
    "practice.practiceresponse": {"reviewed_by"},
}
SECRET_FIELDS = {
    "auth.user": {"password"},  # the password hash
    "accounts.apitoken": {"digest"},  # a token's fingerprint: enough to check a guessed token
    "matches.match": {"token"},  # the secret in a challenge's link
}
HIDDEN_UNTIL_FINISHED = {"score", "correct"}
"""A response's grading stays on the server until its attempt is over (DESIGN.md §3), in exports too."""
EXPORT_FORMAT = 1


@dataclass(frozen=True)
class OwnedModel:
    """A model holding rows of a person, and the lookups (``attempt__user``) that lead from it to them."""

    model: type[models.Model]
    paths: tuple[str, ...]
    by_username: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows(self, user: User) -> QuerySet[models.Model]:
        if self.by_username:
            return self.model._default_manager.filter(username=user.get_username())
        match = Q()
        for path in self.paths:
            match |= Q(**{path: user.pk})
        return self.model._default_manager.filter(match).order_by("pk")


def _user_keys(model: type[models.Model]) -> list[str]:
    user_model = get_user_model()
    not_owners = NOT_OWNERS.get(model._meta.label_lower, set())
    return [
        f.name
        for f in model._meta.get_fields()
        if (f.many_to_one or f.one_to_one)
        and f.concrete
        and f.related_model is user_model
        and f.name not in not_owners
    ]


def _parent_keys(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f  # type: ignore[misc]
        for f in model._meta.get_fields()
        if (f.many_to_one or f.one_to_one) and f.concrete and f.related_model is not None
    ]


@cache
def owned_models() -> tuple[OwnedModel, ...]:
    """Every installed model that holds rows of a person, and how each row leads to its owner."""
    user_model = get_user_model()
    direct = {m: tuple(_user_keys(m)) for m in apps.get_models() if m is not user_model and _user_keys(m)}
    found: dict[type[models.Model], tuple[str, ...]] = dict(direct)
    changed = True
    while changed:  # follow parents until no new owned model appears (the chains are short)
        changed = False
        for model in apps.get_models():
            if model in found or model is user_model or model._meta.label_lower in NOT_PERSONAL:
                continue
            paths = _paths_through_parents(model, found)
            if paths:
                found[model] = paths
                changed = True
    owned = [OwnedModel(model, paths) for model, paths in found.items()]
    owned += [
        OwnedModel(m, (), by_username=True)
        for m in apps.get_models()
        if m is not user_model and m not in found and any(f.name == "username" for f in m._meta.fields)
    ]
    return (OwnedModel(user_model, ("pk",)), *sorted(owned, key=lambda o: o.label))


def _paths_through_parents(
    model: type[models.Model], found: dict[type[models.Model], tuple[str, ...]]
) -> tuple[str, ...]:
    parents = [(f, found[f.related_model]) for f in _parent_keys(model) if f.related_model in found]
    single = [(f, paths) for f, paths in parents if len(paths) == 1]
    return tuple(f"{f.name}__{path}" for f, paths in (single or parents) for path in paths)


def user_data_export(*, user: User) -> dict[str, Any]:
    """All the rows the user owns, by model label, as JSON-ready values (see the module's docstring)."""
    data: dict[str, Any] = {"format": EXPORT_FORMAT, "user_id": user.pk}
    still_open = AttemptItem.objects.filter(attempt__user=user, attempt__status=Attempt.Status.IN_PROGRESS)
    open_slots = set(still_open.values_list("pk", flat=True))
    for owned in owned_models():
        rows = [_row(owned, obj, open_slots) for obj in owned.rows(user)]
        if rows:
            data[owned.label] = rows
    return data


def _row(owned: OwnedModel, obj: models.Model, open_slots: set[int]) -> dict[str, Any]:
    secret = SECRET_FIELDS.get(owned.label, set())
    row = {
        field.attname: _json_value(field.value_from_object(obj))
        for field in obj._meta.concrete_fields
        if field.name not in secret
    }
    if isinstance(obj, Response) and obj.slot_id in open_slots:
        row = {name: value for name, value in row.items() if name not in HIDDEN_UNTIL_FINISHED}
    return row


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def owned_rows(*, user: User) -> Iterator[tuple[OwnedModel, QuerySet[models.Model]]]:
    """(owned model, the user's rows in it) for every owned model: what deletion starts from."""
    for owned in owned_models():
        yield owned, owned.rows(user)

"""Account deletion: the person's rows are erased; what others or calibration need is kept, anonymised.

What is kept, and how (docs/privacy.md says why):

- **Assessment attempts and their responses** are re-pointed to a placeholder user made for this one
  deletion: no name, no e-mail, no usable password, inactive. Calibration treats each attempt as one
  person, and percentiles count one first attempt per user, so all of one deleted person's attempts stay
  one (nameless) person. An attempt still open is submitted first, so nothing of it is left half-done.
  Item ratings are deleted: their comments are free text that may name the person.
- **Matches another live player took part in** stay, so that player's history and result still work; the
  deleted player's run and seat pass to one shared placeholder whose display name is "A deleted player".
  Matches nobody else needs (open challenges, solo games against a recording) are deleted. In the rare
  match where both players were deleted and a live player's game against a recording still points at it,
  the second run goes to this deletion's placeholder (shown as "A player"), since one user cannot hold
  both seats of a match.
- **Organisations**: invitations to the person's e-mail address are deleted; an organisation they alone
  belong to is deleted; one they alone admin passes to its longest-standing member. Their memberships,
  consents and consent log go with the user, so organisations lose sight of their results at once.
- Everything else the user owns is deleted with the user (the foreign keys cascade), and log-in records
  that name the username (django-axes) are deleted too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from adaptest.web.assessments.models import Attempt, Response
from adaptest.web.assessments.services import attempt_submit
from adaptest.web.itembank.models import ItemRating
from adaptest.web.matches.models import Match, MatchRun, Player
from adaptest.web.organizations.services import organizations_forget_user
from adaptest.web.privacy.selectors import owned_models

PLACEHOLDER_PREFIX = "(deleted"
"""Placeholders' usernames start so: parentheses are refused in usernames people sign up with."""
DELETED_PLAYER_USERNAME = "(deleted player)"
DELETED_PLAYER_NAME = "A deleted player"
DELETED_USER_REPR = "A deleted user"


class WrongPassword(Exception):
    """The password given to confirm a deletion is not the account's."""


@dataclass(frozen=True)
class Deletion:
    """What a deletion kept, anonymised: the attempts and responses, under ``placeholder``."""

    placeholder: User
    attempts_kept: int
    responses_kept: int
    matches_kept: int


def user_delete_confirmed(*, user: User, password: str, now: datetime) -> Deletion:
    """Delete the account once the current password confirms it is its owner who asks."""
    if not user.check_password(password):
        raise WrongPassword("That is not your current password: nothing was deleted.")
    return user_delete(user=user, now=now)


def user_delete(*, user: User, now: datetime) -> Deletion:
    """Erase the user's personal data; keep responses anonymised for calibration (module docstring)."""
    for attempt in Attempt.objects.filter(user=user, status=Attempt.Status.IN_PROGRESS):
        attempt_submit(attempt=attempt, now=now)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        placeholder = _placeholder(f"{PLACEHOLDER_PREFIX} user {secrets.token_hex(8)})")
        attempts = Attempt.objects.filter(user=user).update(user=placeholder)
        responses = Response.objects.filter(slot__attempt__user=placeholder).count()
        ItemRating.objects.filter(user=user).delete()
        matches = _detach_matches(user, placeholder)
        organizations_forget_user(user=user)
        _forget_username(user)
        user.delete()  # cascades to every other row the user owns
    return Deletion(placeholder, attempts, responses, matches)


def _placeholder(username: str) -> User:
    placeholder = User(username=username, is_active=False)
    placeholder.set_unusable_password()
    placeholder.save()
    return placeholder


def _deleted_player() -> User:
    """The one user every kept match of a deleted player points at, shown as "A deleted player"."""
    found = User.objects.filter(username=DELETED_PLAYER_USERNAME).first()
    user = found or _placeholder(DELETED_PLAYER_USERNAME)
    if not Player.objects.filter(user=user).exists():
        try:
            with transaction.atomic():
                Player.objects.create(user=user, display_name=DELETED_PLAYER_NAME, on_leaderboards=False)
        except IntegrityError:  # a living player chose that name: ours says the same in other words
            name = f"{DELETED_PLAYER_NAME} (gone)"
            Player.objects.create(user=user, display_name=name, on_leaderboards=False)
    return user


def _placeholder_ids() -> set[int]:
    return set(User.objects.filter(username__startswith=PLACEHOLDER_PREFIX).values_list("pk", flat=True))


def _detach_matches(user: User, placeholder: User) -> int:
    """Keep the matches a live player needs, under the deleted-player placeholder; delete the rest."""
    gone = _placeholder_ids() | {user.pk}
    deleted_player = _deleted_player()
    kept = 0
    for match in list(Match.objects.filter(runs__user=user).distinct()):
        if not _needed_by_others(match, gone):
            match.delete()
            continue
        seat_taken = MatchRun.objects.filter(match=match, user=deleted_player).exists()
        heir = placeholder if seat_taken else deleted_player
        MatchRun.objects.filter(match=match, user=user).update(user=heir)
        kept += 1
    # Seats without a run: others' games against this user's recorded runs name the user as opponent.
    Match.objects.filter(challenger=user).update(challenger=deleted_player)
    Match.objects.filter(opponent=user).update(opponent=deleted_player)
    return kept


def _needed_by_others(match: Match, gone: set[int]) -> bool:
    """Someone still here played this match, or plays a game against one of its recorded runs."""
    played = MatchRun.objects.filter(match=match).exclude(user_id__in=gone).exists()
    recorded = Match.objects.filter(ghost_run__match=match).exclude(challenger_id__in=gone).exists()
    return played or recorded


def _forget_username(user: User) -> None:
    """Rows that name the user without a key to it: log-in records, and admin log lines about them."""
    for owned in owned_models():
        if owned.by_username:
            owned.rows(user).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=DELETED_USER_REPR, change_message="")

"""The data-rights API: ``GET /api/me/export`` (all your data, as the page's download) and ``DELETE /api/me``
(your account, confirmed by your current password).

Mounted by ``web/api/api.py`` under ``/api/me`` with the API's token auth and rate limit; the same
selector and service as the pages.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Status
from ninja.errors import HttpError
from pydantic import Field

from adaptest.web.api import schemas as s
from adaptest.web.api.routing import AdaptestRouter
from adaptest.web.assessments.kinds import StrictInput
from adaptest.web.core.http import ApiRequest
from adaptest.web.privacy import selectors, services

router = AdaptestRouter(tags=["account"])


class AccountDeleteIn(StrictInput):
    password: str = Field(max_length=4096, description="your current password, to confirm it is you")


@router.get("/export", response=dict[str, Any], url_name="data_export")
def data_export(request: ApiRequest) -> dict[str, Any]:
    """All your data: every row Adaptest keeps about you, by model (see docs/privacy.md)."""
    return selectors.user_data_export(user=request.auth)


@router.delete("", response={204: None, 403: s.ErrorOut}, url_name="account_delete")
def account_delete(request: ApiRequest, payload: AccountDeleteIn) -> Status[None]:
    """Delete your account: personal data erased, assessment answers kept anonymised (docs/privacy.md)."""
    try:
        services.user_delete_confirmed(user=request.auth, password=payload.password, now=timezone.now())
    except services.WrongPassword as wrong:
        raise HttpError(403, str(wrong)) from None
    return Status(204, None)

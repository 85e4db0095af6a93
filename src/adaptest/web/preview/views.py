"""The author's preview (staff only): the banks' items from their folders, each shown, answered and graded
as a learner would meet it, with a switch that shows the key first. Thin: the selectors read and grade;
nothing is stored."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from adaptest.bank import ITEM_KINDS, AnswerError
from adaptest.web.assessments.kinds import fields_from_post
from adaptest.web.core.http import figure_response
from adaptest.web.itembank.views import staff_required
from adaptest.web.preview import selectors
from adaptest.web.preview.folders import BankFolder, bank_folder


@staff_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    kind = selectors.preview_kind(request.GET.get("kind"))
    context = {
        "banks": selectors.preview_banks(query=query, kind=kind),
        "query": query,
        "kind": kind,
        "kinds": list(ITEM_KINDS),
        "filtered": bool(query.strip() or kind),
    }
    return render(request, "preview/index.html", context)


def _folder(bank_index: int) -> BankFolder:
    try:
        return bank_folder(bank_index)
    except IndexError:
        raise Http404("No such bank folder.") from None


def _previewed(folder: BankFolder, item_id: str, seed: int) -> selectors.PreviewedItem:
    try:
        return selectors.preview_item(folder=folder, item_id=item_id, seed=seed)
    except LookupError as missing:
        raise Http404(str(missing)) from None


def _item_url(previewed: selectors.PreviewedItem, *, seed: int, key: bool, figure: bool = False) -> str:
    """A preview URL that keeps the seed (when it is not 0) and the key switch (when it is on)."""
    name = "preview_figure" if figure else "preview_item"
    url = reverse(name, args=[previewed.folder.index, previewed.item_id])
    query = urlencode({**({"seed": seed} if seed else {}), **({"key": "1"} if key else {})})
    return f"{url}?{query}" if query else url


@staff_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, bank_index: int, item_id: str) -> HttpResponse:
    """GET: the item as a learner sees it (with the key when ``key=1``). POST: the answer, graded at once,
    shown under the question with what was typed still in the form; a refused answer says why instead."""
    folder = _folder(bank_index)
    status, seed_error = 200, ""
    try:
        seed = selectors.preview_seed(request.GET.get("seed"))
    except selectors.SeedError as refused_seed:
        status, seed_error, seed = 400, str(refused_seed), 0
    try:
        previewed = _previewed(folder, item_id, seed)
    except selectors.VariantError as failed:
        failure = {"folder": folder, "item_id": item_id, "seed": seed, "error": str(failed)}
        return render(request, "preview/variant_error.html", failure, status=422)
    show_key = request.GET.get("key") == "1"
    fields: dict[str, list[str]] = {}
    feedback: selectors.PreviewFeedback | None = None
    error = ""
    if request.method == "POST":
        fields = fields_from_post(request.POST)
        try:
            feedback = selectors.preview_grade(
                previewed=previewed, fields=fields, dont_know=request.POST.get("action") == "dont_know"
            )
        except AnswerError as refused:
            status, error = 422, str(refused)
    context: dict[str, Any] = {
        "folder": folder,
        "previewed": previewed,
        "item": previewed.item,
        "widget": previewed.widget(fields),
        "seed": seed,
        "seed_error": seed_error,
        "error": error,
        "feedback": feedback,
        "show_key": show_key,
        "key": selectors.preview_key(previewed=previewed) if show_key and feedback is None else None,
        "urls": {
            "form": _item_url(previewed, seed=seed, key=show_key),
            "switch": _item_url(previewed, seed=seed, key=not show_key),
            "figure": _item_url(previewed, seed=seed, key=False, figure=True),
            "next_seed": _item_url(previewed, seed=min(seed + 1, selectors.MAX_SEED), key=show_key),
        },
    }
    return render(request, "preview/item.html", context, status=status)


@staff_required
@require_GET
def figure(request: HttpRequest, bank_index: int, item_id: str) -> HttpResponse:
    """The item's SVG figure, with the same headers as the question pages' figures."""
    try:
        seed = selectors.preview_seed(request.GET.get("seed"))
        previewed = _previewed(_folder(bank_index), item_id, seed)
        return figure_response(selectors.preview_figure(previewed=previewed))
    except (selectors.SeedError, selectors.VariantError, LookupError):
        raise Http404("No figure.") from None

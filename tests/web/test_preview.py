"""The author's preview: staff open any item of a bank folder as a learner sees it, answer it and read its
grading, with a switch that shows the key first; nothing reaches the database.

The folders are a small bank written for these tests (one item of every kind, a figure file, a generator
family; tests/web/preview_bank.py) and the shipped bank, as ``ADAPTEST_BANK_DIRS`` lists them.
"""

from __future__ import annotations

import os
import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adaptest.bank import ITEM_KINDS, load_bank
from adaptest.bank.generators import VALIDATION_SEEDS
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.web import env
from adaptest.web import settings as settings_module
from adaptest.web.assessments.services import NOTHING_ENTERED
from adaptest.web.preview import folders
from tests.web.preview_bank import ITEMS, preview_bank, write

pytestmark = pytest.mark.django_db

SMALL, SHIPPED = 0, 1
"""The folders' places in ADAPTEST_BANK_DIRS, as the URLs name them."""


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    return preview_bank(tmp_path / "small")


@pytest.fixture(autouse=True)
def bank_dirs(settings, small_bank: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_BANK_DIRS = [small_bank, DEEP_LEARNING_BANK]
    return settings.ADAPTEST_BANK_DIRS  # type: ignore[no-any-return]


@pytest.fixture
def staff(ben) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(ben)
    return client


def item_url(item_id: str, bank: int = SMALL, **query: str) -> str:
    url = reverse("preview_item", args=[bank, item_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text_of(response: Any) -> str:
    """The page as text: tags dropped, entities decoded, white space collapsed (so texts can be asserted
    whatever markup the Markdown gave them)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def token(small_bank: Path, item_id: str, text: str, seed: int = 0) -> str:
    """The display token (o1, b2, ...) the page gives the option or block ``text`` at ``seed``."""
    item = load_bank(small_bank).items[item_id]
    presentation = item.presentation(seed)
    entries, prefix = (
        (presentation["options"], "o") if "options" in presentation else (presentation["blocks"], "b")
    )
    return next(f"{prefix}{i}" for i, entry in enumerate(entries, start=1) if entry["text"] == text)


# --- who may see it ----------------------------------------------------------------------------------


def test_the_pages_have_staff_urls() -> None:
    assert reverse("preview_index") == "/staff/preview/"
    assert reverse("preview_item", args=[0, "pv-single"]) == "/staff/preview/0/pv-single/"
    assert reverse("preview_figure", args=[0, "pv-figure"]) == "/staff/preview/0/pv-figure/figure/"


def test_a_learner_is_forbidden_and_a_visitor_is_sent_to_log_in_as_on_the_other_staff_pages(ada) -> None:  # type: ignore[no-untyped-def]
    urls = [reverse("preview_index"), item_url("pv-single"), reverse("preview_figure", args=[0, "pv-figure"])]
    learner = Client()
    learner.force_login(ada)
    visitor = Client()
    for url in urls:
        assert learner.get(url).status_code == 403
        assert learner.post(url, {"choice": "o1"}).status_code == 403
        for refused in (visitor.get(url), visitor.post(url, {"choice": "o1"})):
            assert refused.status_code == 302
            assert refused["Location"] == f"{reverse('login')}?next={quote(url)}"
    for page in ("/staff/items/", "/staff/reviews/"):  # the same answers as the existing staff pages
        assert learner.get(page).status_code == 403 and visitor.get(page).status_code == 302


def test_the_header_links_the_preview_for_staff_only(staff: Client, ada) -> None:  # type: ignore[no-untyped-def]
    assert reverse("preview_index") in staff.get(reverse("home")).content.decode()
    learner = Client()
    learner.force_login(ada)
    assert reverse("preview_index") not in learner.get(reverse("home")).content.decode()


# --- the banks' lists --------------------------------------------------------------------------------


def test_the_index_lists_each_bank_with_its_title_counts_and_items(staff: Client, shipped_folder) -> None:  # type: ignore[no-untyped-def]
    page = text_of(staff.get(reverse("preview_index")))
    assert "Preview test bank" in page and "9 items and 1 generator family" in page
    shipped = f"{len(shipped_folder.items)} items and {len(shipped_folder.families)} generator families"
    assert shipped_folder.meta.title in page and shipped in page
    html = staff.get(reverse("preview_index")).content.decode()
    for item_id in ITEMS:
        assert f'href="{item_url(item_id)}"' in html
    assert "pv-numeric numeric basics A train runs 120 km in 1.5 hours. What is its mean speed?" in page
    assert "pv-gen-product numeric family basics What is" in page  # the family, by its first variant
    some_shipped = sorted(shipped_folder.items)[0]
    assert f'href="{item_url(some_shipped, SHIPPED)}"' in html


def test_the_list_gives_a_stems_first_line_as_plain_text() -> None:
    from adaptest.web.preview.folders import Entry

    entry = Entry(
        "q",
        "single_choice",
        "d",
        "\nWhat does `model.eval()` do to a **dropout** layer & why?\n\nMore.",
        False,
        "secure",
    )
    assert entry.first_line == "What does model.eval() do to a dropout layer & why?"


def test_the_list_filters_by_id_or_text_and_by_kind(staff: Client) -> None:
    def listed(**query: str) -> set[str]:
        response = staff.get(reverse("preview_index"), query)
        return set(re.findall(r'href="/staff/preview/0/([^/]+)/"', response.content.decode()))

    assert listed() == {*ITEMS, "pv-gen-product"}
    assert listed(q="PV-MATRIX") == {"pv-matrix"}  # an id, in any case
    assert listed(q="mean speed") == {"pv-numeric"}  # text of the stem
    assert listed(kind="single_choice") == {"pv-single", "pv-figure"}
    assert listed(q="times", kind="numeric") == {"pv-gen-product"}
    assert listed(q="sodium", kind="matrix") == set()
    assert listed(kind="no-such-kind") == {*ITEMS, "pv-gen-product"}  # an unknown kind filters nothing
    assert "1 matches the filter" in text_of(staff.get(reverse("preview_index"), {"q": "sodium"}))


def test_a_folder_that_does_not_load_lists_each_problem_with_file_line_and_id(
    staff: Client, small_bank: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    broken = small_bank.parent / "broken"
    shutil.copytree(small_bank, broken)
    numeric = broken / "items" / "pv-numeric.yaml"
    numeric.write_text(numeric.read_text().replace("answer: 80", "answer: eighty"))
    settings.ADAPTEST_BANK_DIRS = [broken, small_bank.parent / "missing"]
    page = text_of(staff.get(reverse("preview_index")))
    assert "This folder does not load. 1 problem" in page
    assert re.search(r"\S*pv-numeric\.yaml:6: pv-numeric: answer: .*number", page), page
    assert re.search(r"\S*missing:1: -: bank folder not found", page)
    assert staff.get(item_url("pv-single")).status_code == 404  # nothing to preview in it


# --- one item, as a learner sees it ------------------------------------------------------------------


@pytest.mark.parametrize("item_id", sorted(ITEMS))
def test_staff_open_an_item_of_each_kind_as_the_learner_sees_it(
    staff: Client, small_bank: Path, item_id: str
) -> None:
    item = load_bank(small_bank).items[item_id]
    response = staff.get(item_url(item_id))
    assert response.status_code == 200
    html, page = response.content.decode(), text_of(response)
    assert item.stem.strip() in page
    assert 'name="action" value="dont_know"' in html and "I don't know yet" in page
    assert f"assessments/kinds/{response.context['widget']['template']}.html" in [
        t.name for t in response.templates
    ]
    assert item.explanation not in page  # no key before the switch is on
    if item.figure:
        assert f'src="{reverse("preview_figure", args=[SMALL, item_id])}"' in html
        assert f'alt="{item.figure.alt}"' in html


def test_the_small_bank_has_an_item_of_every_kind(small_bank: Path) -> None:
    assert {item.kind for item in load_bank(small_bank).items.values()} == set(ITEM_KINDS)


def test_staff_open_every_item_and_family_of_the_shipped_bank(staff: Client, shipped_folder) -> None:  # type: ignore[no-untyped-def]
    failures = []
    for item_id in [*shipped_folder.items, *shipped_folder.families]:
        response = staff.get(item_url(item_id, SHIPPED))
        if response.status_code != 200:
            failures.append(f"{item_id}: {response.status_code}")
    assert not failures, failures
    kinds = {item.kind for item in shipped_folder.items.values()}
    assert kinds == set(ITEM_KINDS)


# --- answering it ------------------------------------------------------------------------------------


def test_a_misconception_shows_its_own_feedback_a_score_of_zero_and_keeps_the_answer(staff: Client) -> None:
    response = staff.post(item_url("pv-numeric"), {"value": "180", "action": "next"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Score 0 of 1 (0%)" in page and "Correct no" in page
    assert "You multiplied the distance by the time; speed is distance divided by time." in page
    assert "You divided the time by the distance" not in page  # another answer's feedback
    assert "Mean speed is distance over time, 120 / 1.5 = 80 km/h." in page  # the correct answer part
    assert 'name="value" id="answer-value" value="180"' in response.content.decode()


def test_the_key_scores_one_and_is_correct(staff: Client) -> None:
    page = text_of(staff.post(item_url("pv-numeric"), {"value": "80.2", "action": "next"}))
    assert "✓ Correct" in page and "Score 1 of 1 (100%)" in page and "Correct yes: full credit" in page


def test_choice_feedback_is_the_reviews_for_the_option_chosen(staff: Client, small_bank: Path) -> None:
    purple = token(small_bank, "pv-single", "Purple")
    response = staff.post(item_url("pv-single"), {"choice": purple, "action": "next"})
    page = text_of(response)
    assert "✗ Incorrect" in page and "Score 0 of 1 (0%)" in page
    assert "Purple Your answer Purple comes from mixing blue with red, not with yellow." in page
    assert "Green Correct answer Green is what blue and yellow paint make together." in page
    assert f'id="choice-{purple}" value="{purple}" checked' in response.content.decode()


def test_select_all_gives_partial_credit_with_each_option_ticked_or_left(
    staff: Client, small_bank: Path
) -> None:
    ticked = [token(small_bank, "pv-multiple", "2")]  # one of the two primes, and no false pick
    response = staff.post(item_url("pv-multiple"), {"choice": ticked, "action": "next"})
    page = text_of(response)
    assert "◐ Partly correct" in page and "Correct no" in page
    assert "Score 0.5 of 1 (50%)" in page
    assert "2 You ticked it True Two is the only even prime." in page
    assert "9 You left it False Nine is three times three." in page
    assert "11 You left it True Eleven has no divisor but one and itself." in page


@pytest.mark.parametrize(
    ("item_id", "form", "feedback", "absent"),
    [
        ("pv-short", {"value": "So"}, "So is not a symbol; sodium's comes from its Latin name natrium.", ""),
        ("pv-tuple", {"field-long": "6", "field-short": "2"}, "Six by two has the area but a perimeter", ""),
        (
            "pv-matrix",
            {"cell-0-0": "1", "cell-0-1": "0", "cell-1-0": "0", "cell-1-1": "1"},
            "That is the identity itself; twice it doubles the diagonal.",
            "",
        ),
        (
            "pv-free",
            {"text": "Ice floats because it is less dense than water."},
            "Yes, ice is less dense",
            "Say that",
        ),
        (
            "pv-free",
            {"text": "Because it is cold."},
            "Say that ice is less dense than liquid water.",
            "Yes, ice",
        ),
    ],
)
def test_each_kind_gives_the_feedback_of_the_answer_given(
    staff: Client, item_id: str, form: dict[str, str], feedback: str, absent: str
) -> None:
    response = staff.post(item_url(item_id), {**form, "action": "next"})
    assert response.status_code == 200
    page = text_of(response)
    assert feedback in page
    assert not absent or absent not in page
    html = response.content.decode()
    for value in form.values():  # what was typed is still in the form
        assert f'value="{value}"' in html or f">{value}</textarea>" in html


def test_a_distractor_placed_in_an_ordering_gets_its_feedback(staff: Client, small_bank: Path) -> None:
    order = ["Boil the water", "Freeze the water first", "Steep the tea leaves", "Pour the tea into a cup"]
    form = {f"position-{token(small_bank, 'pv-ordering', text)}": str(i) for i, text in enumerate(order, 1)}
    response = staff.post(item_url("pv-ordering"), {**form, "action": "next"})
    page = text_of(response)
    assert "Frozen water has to melt again before it can boil." in page
    assert response.context["feedback"].outcome.correct is False
    freeze = token(small_bank, "pv-ordering", "Freeze the water first")
    assert re.search(
        rf'id="position-{freeze}">.*?<option value="2" selected>', response.content.decode(), re.S
    )


def test_i_dont_know_yet_shows_the_items_own_advice(staff: Client) -> None:
    page = text_of(staff.post(item_url("pv-numeric"), {"value": "", "action": "dont_know"}))
    assert "? I don't know yet" in page and "Score 0 of 1 (0%)" in page
    assert "Revise how speed, distance and time relate before the next try." in page


# --- the key switch ----------------------------------------------------------------------------------


def test_show_key_shows_the_key_and_the_explanation_before_any_answer(staff: Client) -> None:
    off = staff.get(item_url("pv-single"))
    assert (
        "Show the key" in text_of(off) and f'href="{item_url("pv-single", key="1")}"' in off.content.decode()
    )
    page = text_of(staff.get(item_url("pv-single", key="1")))
    assert "The key" in page and "Hide the key" in page
    assert "Blue and yellow are the subtractive primaries whose mixture reflects green light." in page
    assert "Green Correct answer Green is what blue and yellow paint make together." in page
    assert "Your answer" not in page  # nothing was answered
    matrix = staff.get(item_url("pv-matrix", key="1"))
    assert "The correct grid" in text_of(matrix)
    assert "Doubling the identity puts 2 on the diagonal" in text_of(matrix)


def test_the_key_switch_stays_on_while_answering(staff: Client) -> None:
    response = staff.get(item_url("pv-numeric", key="1"))
    assert f'action="{item_url("pv-numeric", key="1")}"' in response.content.decode()


# --- refused answers ---------------------------------------------------------------------------------


def test_a_bad_answer_shows_why_and_keeps_everything_typed(staff: Client, small_bank: Path) -> None:
    response = staff.post(item_url("pv-numeric"), {"value": "eighty km", "action": "next"})
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'<p class="message error" role="alert" id="answer-error">[^<]*eighty km', html), html
    assert 'value="eighty km"' in html and "Grading" not in text_of(response)
    cells = {"cell-0-0": "2", "cell-0-1": "zero", "cell-1-0": "0", "cell-1-1": "2"}
    response = staff.post(item_url("pv-matrix"), {**cells, "action": "next"})
    assert response.status_code == 422 and 'id="answer-error"' in response.content.decode()
    for value in cells.values():
        assert f'value="{value}"' in response.content.decode()
    boil, steep = (token(small_bank, "pv-ordering", t) for t in ("Boil the water", "Steep the tea leaves"))
    response = staff.post(item_url("pv-ordering"), {f"position-{boil}": "1", f"position-{steep}": "1"})
    assert response.status_code == 422
    assert "Two blocks are both at position 1" in text_of(response)
    assert len(re.findall(r'<option value="1" selected>', response.content.decode())) == 2


def test_nothing_entered_asks_for_an_answer(staff: Client) -> None:
    response = staff.post(item_url("pv-short"), {"value": "  ", "action": "next"})
    assert response.status_code == 422 and NOTHING_ENTERED in text_of(response)


# --- not found ---------------------------------------------------------------------------------------


def test_an_unknown_item_bank_or_figure_is_a_404(staff: Client) -> None:
    assert staff.get(item_url("pv-nothing")).status_code == 404
    assert staff.post(item_url("pv-nothing"), {"value": "1"}).status_code == 404
    assert staff.get(reverse("preview_item", args=[2, "pv-single"])).status_code == 404
    assert staff.get(reverse("preview_item", args=[SMALL, "pv-single~3"])).status_code == 404
    assert staff.get(reverse("preview_figure", args=[SMALL, "pv-single"])).status_code == 404
    assert staff.get(reverse("preview_figure", args=[SMALL, "pv-nothing"])).status_code == 404


# --- the database is left alone ----------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_previewing_answering_and_showing_the_key_write_nothing_to_the_database(
    staff: Client, small_bank: Path, shipped_folder
) -> None:  # type: ignore[no-untyped-def]
    staff.get(reverse("preview_index"))  # the session is in place before counting
    before = _row_counts()
    with CaptureQueriesContext(connection) as queries:
        staff.get(reverse("preview_index"), {"q": "a"})
        staff.get(item_url("pv-numeric", key="1"))
        staff.post(item_url("pv-numeric"), {"value": "180", "action": "next"})
        staff.post(item_url("pv-numeric"), {"value": "x", "action": "next"})
        staff.post(item_url("pv-free"), {"text": "It is lighter.", "action": "next"})
        staff.post(item_url("pv-single"), {"action": "dont_know"})
        staff.get(reverse("preview_figure", args=[SMALL, "pv-figure"]))
        staff.post(item_url("pv-gen-product", seed="4"), {"value": "1", "action": "next"})
        shipped_item = sorted(shipped_folder.items)[0]
        staff.post(item_url(shipped_item, SHIPPED), {"action": "dont_know"})
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE)", q["sql"], re.I)]
    assert not writes, writes
    assert _row_counts() == before  # no attempt, response, item or item version


# --- figures -----------------------------------------------------------------------------------------


def test_a_figure_is_served_as_the_question_pages_serve_theirs(staff: Client, small_bank: Path) -> None:
    response = staff.get(reverse("preview_figure", args=[SMALL, "pv-figure"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.decode() == (small_bank / "figures" / "triangle.svg").read_text()
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_a_generated_figure_comes_from_the_variant_itself(staff: Client, shipped_folder) -> None:  # type: ignore[no-untyped-def]
    family = next(f for f in shipped_folder.families.values() if f.generate(0).figure)
    for seed in (0, 7):
        response = staff.get(reverse("preview_figure", args=[SHIPPED, family.id]) + f"?seed={seed}")
        assert response.status_code == 200
        assert response.content.decode() == family.generate(seed).figure.svg


def test_a_figure_path_cannot_escape_the_bank_folder(
    staff: Client, small_bank: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>secret</text></svg>')
    # The loader refuses a figure that leads outside figures/ once its links are followed ...
    (small_bank / "figures" / "escape.svg").symlink_to(secret)
    item = small_bank / "items" / "pv-figure.yaml"
    item.write_text(item.read_text().replace("figures/triangle.svg", "figures/escape.svg"))
    index = text_of(staff.get(reverse("preview_index")))
    assert "pv-figure: figure.path: figure must be inside figures/" in index
    assert staff.get(reverse("preview_figure", args=[SMALL, "pv-figure"])).status_code == 404
    # ... and the figure response checks again, for a file swapped for a link after the folder was loaded.
    item.write_text(item.read_text().replace("figures/escape.svg", "figures/triangle.svg"))
    (small_bank / "figures" / "escape.svg").unlink()
    assert staff.get(reverse("preview_figure", args=[SMALL, "pv-figure"])).status_code == 200
    monkeypatch.setattr(folders, "folder_signature", lambda path: "unchanged")
    staff.get(reverse("preview_index"))  # loaded with the signature that will not change
    (small_bank / "figures" / "triangle.svg").unlink()
    (small_bank / "figures" / "triangle.svg").symlink_to(secret)
    response = staff.get(reverse("preview_figure", args=[SMALL, "pv-figure"]))
    assert response.status_code == 404 and b"secret" not in response.content
    for hostile in ("..%2F..%2Fsecret.svg", "%2E%2E", "figures%2Ftriangle.svg"):
        assert staff.get(f"/staff/preview/0/{hostile}/figure/").status_code == 404


def test_the_folder_check_refuses_a_resolved_path_outside_even_without_a_link(
    small_bank: Path, tmp_path: Path
) -> None:
    from adaptest.bank.schema import Figure
    from adaptest.web.preview.selectors import PreviewedItem, preview_figure

    folder = folders.bank_folder(SMALL)
    assert folder.bank is not None
    item = folder.bank.items["pv-figure"]
    sneaky = item.model_copy(update={"figure": Figure.model_construct(path="figures/../../x.svg", alt="x")})
    (tmp_path / "x.svg").write_text("<svg></svg>")
    with pytest.raises(LookupError):
        preview_figure(previewed=PreviewedItem(folder, "pv-figure", sneaky, 0))


# --- generator families ------------------------------------------------------------------------------


def test_a_family_previews_the_variant_its_seed_draws(staff: Client, small_bank: Path) -> None:
    family = load_bank(small_bank).families["pv-gen-product"]
    first = text_of(staff.get(item_url("pv-gen-product")))
    assert family.generate(0).stem in first and "Variant pv-gen-product~0" in first
    variant = family.generate(5)
    response = staff.get(item_url("pv-gen-product", seed="5"))
    assert variant.stem in text_of(response) and "Variant pv-gen-product~5" in text_of(response)
    assert f'href="{item_url("pv-gen-product", seed="6")}"' in response.content.decode()  # next variant
    key = variant.key_answer()
    graded = staff.post(item_url("pv-gen-product", seed="5"), {"value": str(key), "action": "next"})
    assert "✓ Correct" in text_of(graded)
    wrong = staff.post(item_url("pv-gen-product", seed="5"), {"value": str(variant.misconceptions[0].value)})  # type: ignore[attr-defined]
    assert "is the sum; the question asks for the product." in text_of(wrong)


@pytest.mark.parametrize("seed", ["-1", "x", "²", "1e3", str(2**31), "9" * 50])
def test_a_seed_that_is_not_a_whole_number_in_range_is_refused_with_the_reason(
    staff: Client, seed: str
) -> None:
    response = staff.get(reverse("preview_item", args=[SMALL, "pv-gen-product"]), {"seed": seed})
    assert response.status_code == 400
    assert "The seed must be a whole number from 0 to 2147483647" in text_of(response)
    assert 'aria-describedby="seed-help seed-error"' in response.content.decode()


def test_a_seed_the_family_cannot_draw_is_reported_not_a_server_error(
    staff: Client, small_bank: Path
) -> None:
    module = small_bank / "generators" / "products.py"
    module.write_text(
        module.read_text().replace(
            "    b = rng.randint(3, 9)\n",
            "    b = rng.randint(3, 9)\n"
            "    if rng.random() < 0.001:\n"
            "        raise ZeroDivisionError('drawn badly')\n",
        )
    )
    family = load_bank(small_bank).families["pv-gen-product"]
    bad = next(s for s in range(len(VALIDATION_SEEDS), 50_000) if _fails(family, s))
    response = staff.get(item_url("pv-gen-product", seed=str(bad)))
    assert response.status_code == 422
    assert f"Seed {bad} of pv-gen-product: ZeroDivisionError: drawn badly" in text_of(response)


def _fails(family: Any, seed: int) -> bool:
    try:
        family.generate(seed)
    except ZeroDivisionError:
        return True
    return False


# --- loading the folders -----------------------------------------------------------------------------


def test_a_folder_is_loaded_once_and_again_when_a_file_changes(
    staff: Client, small_bank: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    loads: list[Path] = []
    real = folders.load_bank
    monkeypatch.setattr(folders, "load_bank", lambda path: loads.append(Path(path)) or real(path))
    folders.forget_loaded_banks()
    staff.get(item_url("pv-short"))
    staff.get(item_url("pv-short"))
    assert loads.count(small_bank) == 1
    item = small_bank / "items" / "pv-short.yaml"
    item.write_text(item.read_text().replace("chemical symbol of sodium", "chemical symbol of natrium"))
    assert "What is the chemical symbol of natrium?" in text_of(staff.get(item_url("pv-short")))
    assert loads.count(small_bank) == 2
    write(small_bank / "items" / "pv-extra.yaml", ITEMS["pv-short"].replace("pv-short", "pv-extra"))
    assert staff.get(item_url("pv-extra")).status_code == 200
    (small_bank / "items" / "pv-extra.yaml").unlink()
    assert staff.get(item_url("pv-extra")).status_code == 404


def test_bank_dirs_are_comma_separated_paths_defaulting_to_the_shipped_bank(
    monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ADAPTEST_BANK_DIRS", raising=False)
    assert env.paths("ADAPTEST_BANK_DIRS", [DEEP_LEARNING_BANK]) == [DEEP_LEARNING_BANK]
    monkeypatch.setenv("ADAPTEST_BANK_DIRS", f"{tmp_path}/one, ~/two ,,relative")
    assert env.paths("ADAPTEST_BANK_DIRS", [DEEP_LEARNING_BANK]) == [
        tmp_path / "one",
        Path("~/two").expanduser(),
        Path("relative").resolve(),
    ]
    monkeypatch.setenv("ADAPTEST_BANK_DIRS", "")
    assert env.paths("ADAPTEST_BANK_DIRS", [DEEP_LEARNING_BANK]) == []
    assert "ADAPTEST_BANK_DIRS" in (Path(__file__).parents[2] / "docs" / "configuration.md").read_text()
    if "ADAPTEST_BANK_DIRS" not in os.environ:  # the settings module as read at start-up, not the fixture's
        assert settings_module.ADAPTEST_BANK_DIRS == [DEEP_LEARNING_BANK]

"""Every page reflows at 320, 390 and 1280 px without scrolling sideways (WCAG 1.4.10).

Wide content — code, maths, grids, tables — may scroll, but only inside its own box. Full-page
screenshots of every page at every width land in test-artifacts/reflow/<page>-<width>.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import F
from django.utils import timezone

from adaptest.bank import ITEM_KINDS, GradableItem
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.assessments.services import DONT_KNOW, attempt_start, response_save
from adaptest.web.itembank.models import Assessment, ItemVersion
from tests.web.test_browser import _longest_code_line, _sign_up_and_start_the_exam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reflow"
VIEWPORTS = ((320, 800), (390, 844), (1280, 800))

# Elements whose right edge lies past the viewport, unless a box between them and the page scrolls
# (or clips) sideways on its own. Visually hidden text (clipped to nothing) is not seen and is skipped.
SPILLING_ELEMENTS = r"""() => {
  const width = window.innerWidth;
  const scrollsItself = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      const clips = ["auto", "scroll", "hidden", "clip"].includes(overflow);
      if (clips && box.getBoundingClientRect().right <= width + 0.5) return true;
    }
    return false;
  };
  const hidden = (element) => element.closest(".visually-hidden") !== null;
  const spills = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5 && !hidden(element) && !scrollsItself(element);
  };
  const all = [...document.body.querySelectorAll("*")].filter(spills);
  const spilling = [];
  for (const element of all) {  // the innermost ones: what pushes the page wider
    if (all.some((other) => other !== element && element.contains(other))) continue;
    const box = element.getBoundingClientRect();
    const name = element.tagName.toLowerCase() + (element.className && typeof element.className === "string"
      ? "." + element.className.trim().split(/\s+/).join(".") : "");
    const text = element.tagName === "TD" ? "" : (element.textContent || "").trim().replace(/\s+/g, " ");
    spilling.push(`${name} ends at ${Math.round(box.right)} px: ${text.slice(0, 40)}`);
  }
  return spilling;
}"""


def _richness(item: GradableItem) -> int:
    """How much wide content a stem has: code blocks, block maths, a figure, units, a table."""
    stem = item.stem
    return (
        4 * ("```" in stem)
        + 4 * ("$$" in stem)
        + 2 * (getattr(item, "figure", None) is not None)
        + 2 * bool(getattr(item, "units", None))
        + ("|---" in stem or "| ---" in stem)
        + len(stem) // 400
    )


def _richest_slot_of_each_kind(attempt: Attempt) -> dict[str, AttemptItem]:
    chosen: dict[str, AttemptItem] = {}
    for slot in attempt.slots.select_related("item_version").order_by("position"):
        item = slot.item_version.parsed
        if item.kind not in chosen or _richness(item) > _richness(chosen[item.kind].item_version.parsed):
            chosen[item.kind] = slot
    return chosen


def _widest_in_the_bank(measure) -> ItemVersion:  # type: ignore[no-untyped-def]
    """The current item version whose stem scores highest on ``measure`` (a function of the stem)."""
    versions = ItemVersion.objects.filter(item__current_version=F("pk")).select_related("item")
    return max(versions, key=lambda version: measure(version.parsed.stem))


def _longest_block_formula(stem: str) -> int:
    return max((len(tex) for tex in stem.split("$$")[1::2]), default=0)


def _most_table_columns(stem: str) -> int:
    return max((line.count("|") for line in stem.splitlines() if line.lstrip().startswith("|")), default=0)


def _fits(page, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Screenshot the page at every width; the ways it scrolls sideways, if any."""
    problems = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            problems.append(f"{name} at {width} px is {page_width} px wide")
        spills = dict.fromkeys(page.evaluate(SPILLING_ELEMENTS))  # one line for a column's many cells
        problems += [f"{name} at {width} px: {spill}" for spill in spills]
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    return problems


def test_every_page_reflows_at_320_390_and_1280_px_without_scrolling_sideways(tab, live_server) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = live_server.url
    exam = _sign_up_and_start_the_exam(tab, live_server, "reflow")
    by_kind = _richest_slot_of_each_kind(exam)
    assert set(by_kind) == set(ITEM_KINDS) - {"free_text"}  # the exam's form holds every secure kind
    problems: list[str] = []
    for kind, slot in sorted(by_kind.items()):
        tab.goto(f"{url}/attempts/{exam.pk}/questions/{slot.position}/")
        problems += _fits(tab, f"question-{kind}")
    # free_text items are practice items until calibrated: shown in the short-text slot for the check
    slot = by_kind["short_text"]
    AttemptItem.objects.filter(pk=slot.pk).update(
        item_version=ItemVersion.objects.filter(kind="free_text")[0]
    )
    tab.goto(f"{url}/attempts/{exam.pk}/questions/{slot.position}/")
    problems += _fits(tab, "question-free_text")
    AttemptItem.objects.filter(pk=slot.pk).update(item_version=slot.item_version)
    # the bank's widest formula, longest code line and widest table, shown in the exam slot of their kind
    widest = (
        ("widest-formula", _longest_block_formula),
        ("longest-code", _longest_code_line),
        ("widest-table", _most_table_columns),
    )
    for name, measure in widest:
        version = _widest_in_the_bank(measure)
        slot = by_kind[version.kind]
        AttemptItem.objects.filter(pk=slot.pk).update(item_version=version)
        tab.goto(f"{url}/attempts/{exam.pk}/questions/{slot.position}/")
        problems += _fits(tab, f"question-{name}")
        AttemptItem.objects.filter(pk=slot.pk).update(item_version=slot.item_version)  # the form's own again

    now = timezone.now()
    for slot in exam.slots.select_related("item_version").order_by("position"):
        response_save(
            attempt=exam, position=slot.position, answer=slot.item_version.parsed.key_answer(), now=now
        )
    tab.goto(f"{url}/attempts/{exam.pk}/submit/")
    problems += _fits(tab, "submit")
    tab.get_by_role("button", name="Submit the exam").click()
    tab.wait_for_url(f"{url}/attempts/{exam.pk}/result/")
    problems += _fits(tab, "result-exam")

    adaptive = attempt_start(
        user=exam.user, assessment=Assessment.objects.get(slug="dl-skills-assessment"), now=now
    )
    while adaptive.is_open:
        slot = adaptive.slots.select_related("item_version").get(position=adaptive.current_position)
        answer = slot.item_version.parsed.key_answer() if slot.position % 3 else DONT_KNOW
        response_save(attempt=adaptive, position=slot.position, answer=answer, now=now)
    tab.goto(f"{url}/attempts/{adaptive.pk}/result/")
    problems += _fits(tab, "result-adaptive")

    for name, path in (("my-results", "/results/"), ("account", "/accounts/profile/"), ("home", "/")):
        tab.goto(url + path)
        problems += _fits(tab, name)

    # last: the review pages, whose option and grid display is being rewritten
    for kind, slot in sorted(by_kind.items()):
        tab.goto(f"{url}/attempts/{exam.pk}/review/{slot.position}/")
        problems += _fits(tab, f"review-{kind}")
    assert not problems, "\n".join(problems)

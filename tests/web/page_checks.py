"""One walk's checks on every page a browser test visits: axe at 1280 and 390 px, reflow at 390 and
320 px (nothing wider than the window, no element spilling out), screenshots at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.test_accessibility import Scanner
from tests.web.test_layout import SPILLING_ELEMENTS


class PageChecks:
    def __init__(self, page: Any, screenshots: Path) -> None:
        self.page = page
        self.axe = Scanner(page)
        self.problems: list[str] = []
        self.screenshots = screenshots
        screenshots.mkdir(parents=True, exist_ok=True)

    def page_done(self, name: str) -> None:
        self.axe.scan(name)
        self.page.screenshot(path=str(self.screenshots / f"{name}-1280.png"), full_page=True)
        for width in (390, 320):
            self.page.set_viewport_size({"width": width, "height": 844})
            wider = self.page.evaluate("document.documentElement.scrollWidth")
            if wider > width:
                self.problems.append(f"{name} is {wider} px wide at {width} px")
            self.problems += [
                f"{name} at {width} px: {spill}" for spill in self.page.evaluate(SPILLING_ELEMENTS)
            ]
            if width == 390:
                self.axe.scan(name)
                self.page.screenshot(path=str(self.screenshots / f"{name}-390.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 800})

"""Item Markdown: what a wide table, a code block and a formula become."""

from __future__ import annotations

import re

from adaptest.web.core.markdown import render_markdown

WIDE_TABLE = "\n".join(
    [
        "| example | " + " | ".join(str(n) for n in range(1, 13)) + " |",
        "| --- |" + " ---: |" * 12,
        "| score | " + " | ".join("0.5" for _ in range(12)) + " |",
    ]
)


def test_a_table_scrolls_in_its_own_focusable_named_box_and_keeps_its_cells() -> None:
    html = render_markdown(f"Scores:\n\n{WIDE_TABLE}\n\nWhich threshold?")
    opening = '<div class="table-scroll" tabindex="0" role="region" aria-label="Table">'
    box = re.search(re.escape(opening) + r"\s*<table>(.*?)</table>\s*</div>", html, re.S)
    assert box is not None, html
    assert len(re.findall(r"<th[ >]", box.group(1))) == len(re.findall(r"<td[ >]", box.group(1))) == 13
    assert html.index("Scores:") < box.start() < box.end() < html.index("Which threshold?")


def test_code_and_display_formulas_take_focus_to_scroll_but_prose_does_not() -> None:
    html = render_markdown("Text.\n\n```python\nx = 1\n```\n\n$$a^2$$\n")
    assert html.count('tabindex="0"') == 2
    assert '<pre tabindex="0"><code class="language-python">' in html
    assert '<div class="math block" tabindex="0">' in html
    assert "<p>Text.</p>" in html

"""Render item Markdown (fenced code, inline and display math) to safe HTML.

Raw HTML in Markdown is escaped, never passed through; math becomes MathML, which browsers render
without JavaScript; code is highlighted by Pygments.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import latex2mathml.converter
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound


def _math(tex: str, options: dict[str, bool]) -> str:
    display = "block" if options.get("display_mode") else "inline"
    try:
        return latex2mathml.converter.convert(tex, display=display)
    except Exception:  # noqa: BLE001 - an authoring slip in TeX must still show something readable
        return f'<code class="math-source">{escape(tex)}</code>'


def _highlight(code: str, language: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    # A long line scrolls inside the block; tabindex lets a keyboard user focus it to scroll it (WCAG
    # 2.1.1, axe: scrollable-region-focusable). markdown-it keeps output that starts with <pre> as it is.
    class_attr = f' class="language-{escape(language)}"' if language else ""
    code_html = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre tabindex="0"><code{class_attr}>{code_html}</code></pre>'


def _math_block(_renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: Any) -> str:
    """A display formula in its own box; like a code block it takes focus, so a keyboard can scroll a
    formula wider than a phone (axe: scrollable-region-focusable)."""
    formula = _math(tokens[idx].content.strip(), {"display_mode": True})
    return f'<div class="math block" tabindex="0">\n{formula}\n</div>\n'


def _table_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A table in its own scrolling box: a table of ten or more columns is wider than a phone, and the
    page must not widen (WCAG 1.4.10). The box takes focus so a keyboard can scroll it, and a region
    needs a name."""
    table: str = renderer.renderToken(tokens, idx, options, env)
    return f'<div class="table-scroll" tabindex="0" role="region" aria-label="Table">\n{table}'


def _table_close(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    table: str = renderer.renderToken(tokens, idx, options, env)
    return f"{table}</div>\n"


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")
    md.use(dollarmath_plugin, renderer=_math, allow_digits=False, double_inline=True)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


_MARKDOWN = _renderer()


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    html: str = _MARKDOWN.render(text)  # markdown-it types it Any (a renderer may return anything)
    return html


@lru_cache(maxsize=4096)
def render_inline(text: str) -> str:
    """Markdown without the wrapping paragraph, for option labels and short answers."""
    html: str = _MARKDOWN.renderInline(text)
    return html

"""Text between formats: the bank's Markdown, the HTML of QTI and Moodle, and figures."""

from __future__ import annotations

import base64
import html
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import quoteattr

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdownify import markdownify
from mdit_py_plugins.dollarmath import dollarmath_plugin

_DOLLARS = {"math_inline": "$", "math_inline_double": "$$", "math_block": "$$"}


def _tex_as_written(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Math as its TeX between its dollars, escaped, with no wrapper: players that typeset TeX (MathJax)
    show it, and the HTML reads back as the same Markdown (as plain Markdown, a ``_`` in TeX is <em>)."""
    token = tokens[idx]
    dollars = _DOLLARS[token.type]
    text = html.escape(
        f"{dollars}{token.content.strip() if token.type == 'math_block' else token.content}{dollars}"
    )
    return f"<p>{text}</p>\n" if token.type == "math_block" else text


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(dollarmath_plugin, allow_digits=False, double_inline=True)
    for rule in _DOLLARS:
        md.add_render_rule(rule, _tex_as_written)
    return md


_MARKDOWN = _renderer()
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 60
RASTER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}


def markdown_to_html(text: str) -> str:
    """The bank's Markdown as HTML (raw HTML in the Markdown is escaped, as on the site)."""
    html: str = _MARKDOWN.render(text)
    return html.strip()


def html_to_markdown(html: str) -> str:
    """Imported HTML as the bank's Markdown: headings, emphasis, lists, tables and fenced code kept;
    scripts, styles and unknown tags dropped to their text."""
    text: str = markdownify(
        html,
        heading_style="ATX",
        bullets="-",
        code_language_callback=_code_language,
        strip=["script", "style", "img"],
        escape_underscores=False,
        escape_asterisks=False,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _code_language(pre: Any) -> str:
    """The language of a ``<pre><code class="language-python">`` block (markdown-it's and most editors'
    way of saying it), for the fence."""
    code = pre.find("code") or pre
    classes = code.get("class") or []
    return next((c.removeprefix("language-") for c in classes if c.startswith("language-")), "")


def slug(name: str) -> str:
    """An item id from a question's name: ``Drop-out (ch. 3)`` → ``drop-out-ch-3``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = _SLUG_JUNK.sub("-", ascii_name.lower()).strip("-")[:MAX_SLUG].strip("-")
    return text or "question"


def figure_svg(name: str, content: bytes) -> bytes | None:
    """An imported image as the SVG file a bank figure must be: SVG as it is, a PNG, JPEG or GIF
    wrapped in an SVG of its own size; None for any other type."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == ".svg":
        return content
    if suffix not in RASTER_TYPES:
        return None
    from PIL import Image  # only imports with raster figures need it

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except OSError:
        return None
    data = f"data:{RASTER_TYPES[suffix]};base64,{base64.b64encode(content).decode()}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" href={quoteattr(data)}/></svg>\n'
    ).encode()

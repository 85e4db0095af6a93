"""What the QTI 3.0 reader and writer share: names, safe parsing, numbers, and text between our Markdown
and the XHTML inside an item (QTI 3 content elements are HTML names in the QTI namespace)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import lxml.html
from lxml import etree

from adaptest.bank.interop.markup import html_to_markdown, markdown_to_html

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ITEM_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
MANIFEST_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
ITEM_RESOURCE = "imsqti_item_xmlv3p0"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"

RESPONSE = "RESPONSE"
SCORE = "SCORE"
FEEDBACK = "FEEDBACK"
"""Per-answer feedback: the chosen options (choice), the matched branch (numeric), keywords (text)."""
MODAL_FEEDBACK = "MODAL_FEEDBACK"
"""Shown after every answer: SOLUTION (our explanation), and DONT_KNOW when nothing was answered."""
SOLUTION = "SOLUTION"
DONT_KNOW = "DONT_KNOW"

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
"""A QTI identifier as we write and check it (an XML name without dots or colons)."""
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

Element = etree._Element
NSMAP: Any = {None: QTI_NS, "xsi": XSI_NS}
"""QTI as the default namespace (``Any``: the lxml stubs do not allow a None prefix)."""


def q(name: str) -> str:
    """The qualified name of a QTI element: ``q("qti-item-body")``."""
    return f"{{{QTI_NS}}}{name}"


def local(element: Element) -> str:
    """An element's name without its namespace ("" for comments and processing instructions)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element: Element, name: str | None = None) -> list[Element]:
    """The child elements (of one local name, if given), without comments."""
    return [c for c in element if local(c) and (name is None or local(c) == name)]


def child(element: Element, name: str) -> Element | None:
    """The first child element of that local name, if any."""
    found = children(element, name)
    return found[0] if found else None


def parse_number(text: str | None) -> float | None:
    """An xs:double as QTI writes it; None for anything else (INF and NaN score nothing we can keep)."""
    if text is None or not _NUMBER.match(text.strip()):
        return None
    return float(text)


def write_number(value: float) -> str:
    """A float written so that reading it back gives exactly the same float."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def qti_identifier(name: str) -> str:
    """Our id as a QTI identifier: ids may start with a digit or a dash, QTI's may not."""
    return name if IDENTIFIER.match(name) else f"_{name}"


def our_identifier(name: str) -> str:
    """The inverse of :func:`qti_identifier`."""
    return name[1:] if name[:1] == "_" and name[1:2] and not IDENTIFIER.match(name[1:]) else name


def is_true(text: str | None, default: bool = False) -> bool:
    """An xs:boolean attribute (``default`` when absent)."""
    return default if text is None else text.strip() in ("true", "1")


# -- our Markdown into the item ----------------------------------------------------------------------
_KEPT_ATTRIBUTES = {"href", "src", "alt", "title", "class", "colspan", "rowspan", "start", "lang"}


def append_markdown(parent: Element, markdown: str, *, inline: bool = False) -> None:
    """Append Markdown to ``parent`` as QTI content; ``inline`` unwraps a single paragraph (for choices
    and inline feedback, which hold inline content)."""
    fragment = lxml.html.fragment_fromstring(markdown_to_html(markdown), create_parent="div")
    blocks = [c for c in fragment if isinstance(c.tag, str)]
    if inline and len(blocks) == 1 and blocks[0].tag == "p" and not (fragment.text or "").strip():
        fragment = blocks[0]
    _copy_into(fragment, parent)


def is_inline_markdown(markdown: str) -> bool:
    """Whether the Markdown is one paragraph, so it can sit inside inline feedback."""
    fragment = lxml.html.fragment_fromstring(markdown_to_html(markdown), create_parent="div")
    blocks = [c for c in fragment if isinstance(c.tag, str)]
    return len(blocks) == 1 and blocks[0].tag == "p"


def _copy_into(source: Element, target: Element) -> None:
    _append_text(target, source.text)
    for node in source:
        if isinstance(node.tag, str):
            attributes = {str(k): str(v) for k, v in node.attrib.items() if k in _KEPT_ATTRIBUTES}
            copied = etree.SubElement(target, q(node.tag), attributes)
            _copy_into(node, copied)
        _append_text(target, node.tail)


def _append_text(target: Element, text: str | None) -> None:
    if not text:
        return
    if len(target):
        last = target[-1]
        last.tail = (last.tail or "") + text
    else:
        target.text = (target.text or "") + text


# -- item content back into Markdown -----------------------------------------------------------------
def to_markdown(element: Element, *, leave_out: Callable[[Element], bool] = lambda e: False) -> str:
    """The content of ``element`` as Markdown, without the descendants ``leave_out`` picks."""
    return html_to_markdown(inner_html(element, leave_out=leave_out))


def inner_html(element: Element, *, leave_out: Callable[[Element], bool] = lambda e: False) -> str:
    """The content of ``element`` as an HTML string: namespaces dropped, ``leave_out`` elements removed
    (the text that follows them kept)."""
    copied = copy.deepcopy(element)
    for descendant in list(copied.iterdescendants()):
        if isinstance(descendant.tag, str) and leave_out(descendant):
            drop(descendant)
    for descendant in list(copied.iterdescendants()):
        if isinstance(descendant.tag, str):
            descendant.tag = local(descendant)
    etree.cleanup_namespaces(copied)
    parts = [_escape(copied.text or "")]
    parts += [etree.tostring(c, method="html", encoding="unicode", with_tail=True) for c in copied]
    return "".join(parts)


def drop(element: Element) -> None:
    """Remove an element from its tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def plain_text(markdown: str, limit: int = 80) -> str:
    """A short plain-text line from Markdown (an item's title)."""
    fragment = lxml.html.fragment_fromstring(markdown_to_html(markdown), create_parent="div")
    text = " ".join(fragment.text_content().split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

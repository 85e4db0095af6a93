"""Bank items as a QTI 3.0 content package: imsmanifest.xml, one item XML per item, and its figure.

Every item declares SCORE (0 to 1) and writes its response processing out as rules, so that a QTI
player shows the same feedback we do: FEEDBACK holds the per-answer feedback to show (the chosen
options, the matched numeric answer, the keywords met), MODAL_FEEDBACK the explanation (SOLUTION) and,
when nothing was answered, our "I don't know yet" feedback (DONT_KNOW). docs/interop.md has the table.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from adaptest.bank.interop.model import Export, ExportItem, Skipped
from adaptest.bank.interop.qti_base import (
    CP_NS,
    DONT_KNOW,
    FEEDBACK,
    ITEM_RESOURCE,
    ITEM_SCHEMA,
    MANIFEST_SCHEMA,
    MODAL_FEEDBACK,
    NSMAP,
    QTI_NS,
    SOLUTION,
    XML_NS,
    XSI_NS,
    Element,
    append_markdown,
    plain_text,
    q,
    qti_identifier,
)
from adaptest.bank.interop.qti_write_grids import matrix_parts, tuple_parts
from adaptest.bank.interop.qti_write_kinds import (
    ItemParts,
    SkipItem,
    is_null,
    kind_parts,
    operator,
    response_condition,
)
from adaptest.bank.kinds import GradableItem, MatrixItem, NumericTupleItem

MANIFEST_NSMAP: Any = {None: CP_NS, "xsi": XSI_NS}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
"""A fixed time stamp in the zip, so that the same items give the same bytes."""


@dataclass
class _Written:
    item_id: str
    path: str
    xml: bytes
    files: dict[str, bytes] = field(default_factory=dict)


def write(items: list[ExportItem]) -> Export:
    """The items as one QTI 3.0 content package (zip bytes); those QTI cannot score exactly are skipped."""
    export = Export(content=b"")
    written: list[_Written] = []
    for export_item in items:
        item = export_item.item
        try:
            written.append(_item_file(export_item, export.losses.setdefault(item.id, [])))
        except SkipItem as skip:
            export.skipped.append(Skipped(item.id, skip.reason))
            del export.losses[item.id]
            continue
        export.written.append(item.id)
        if not export.losses[item.id]:
            del export.losses[item.id]
    export.content = _package(written)
    return export


def _item_file(export_item: ExportItem, losses: list[str]) -> _Written:
    item = export_item.item
    if isinstance(item, NumericTupleItem):
        parts = tuple_parts(item)
    elif isinstance(item, MatrixItem):
        parts = matrix_parts(item)
    else:
        parts = kind_parts(item, losses)
    path = f"items/{item.id}.xml"
    files: dict[str, bytes] = {}
    figure_src = None
    if item.figure is not None and export_item.figure is not None and item.figure.path:
        figure_src = item.figure.path
        files[posixpath.join("items", figure_src)] = export_item.figure
    elif item.figure is not None:
        losses.append("the figure (no file came with it)")
    root = _assemble(item, parts, figure_src)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return _Written(item.id, path, xml, files)


def _assemble(item: GradableItem, parts: ItemParts, figure_src: str | None) -> Element:
    root = etree.Element(q("qti-assessment-item"), nsmap=NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {ITEM_SCHEMA}")
    root.set("identifier", qti_identifier(item.id))
    root.set("title", plain_text(item.stem) or item.id)
    root.set("adaptive", "false")
    root.set("time-dependent", "false")
    root.set(f"{{{XML_NS}}}lang", "en")
    root.set("tool-name", "Adaptest")
    for declaration in [*parts.responses, *_outcomes(parts)]:
        root.append(declaration)
    root.append(_body(item, parts, figure_src))
    processing = etree.SubElement(root, q("qti-response-processing"))
    for rule in [*parts.rules, _modal_rule(parts.response_ids)]:
        processing.append(rule)
    for identifier, title, markdown in _modals(item, parts):
        root.append(_modal(identifier, title, markdown, parts))
    for element in root:
        element.tail = "\n"
    root.text = "\n"
    return root


def _outcomes(parts: ItemParts) -> list[Element]:
    score = _outcome("SCORE", "single", "float")
    score.set("normal-maximum", "1")
    score.set("normal-minimum", "0")
    default = etree.SubElement(score, q("qti-default-value"))
    etree.SubElement(default, q("qti-value")).text = "0"
    outcomes = [score, _outcome(MODAL_FEEDBACK, "multiple", "identifier")]
    if parts.feedback_cardinality:
        outcomes.append(_outcome(FEEDBACK, parts.feedback_cardinality, "identifier"))
    return outcomes


def _outcome(identifier: str, cardinality: str, base_type: str) -> Element:
    return etree.Element(
        q("qti-outcome-declaration"),
        {"identifier": identifier, "cardinality": cardinality, "base-type": base_type},
    )


def _body(item: GradableItem, parts: ItemParts, figure_src: str | None) -> Element:
    body = etree.Element(q("qti-item-body"))
    append_markdown(body, item.stem)
    if figure_src is not None and item.figure is not None:
        paragraph = etree.SubElement(body, q("p"))
        etree.SubElement(paragraph, q("img"), {"src": figure_src, "alt": item.figure.alt})
    for element in parts.body:
        body.append(element)
    return body


def _modal_rule(response_ids: list[str]) -> Element:
    """MODAL_FEEDBACK := {DONT_KNOW, SOLUTION} when nothing was answered, else {SOLUTION}."""
    nothing = operator("qti-and", *(is_null(identifier) for identifier in response_ids))
    return response_condition(
        (nothing, [_set_identifiers(MODAL_FEEDBACK, [DONT_KNOW, SOLUTION])]),
        (None, [_set_identifiers(MODAL_FEEDBACK, [SOLUTION])]),
    )


def _set_identifiers(outcome: str, identifiers: list[str]) -> Element:
    setter = etree.Element(q("qti-set-outcome-value"), {"identifier": outcome})
    multiple = etree.SubElement(setter, q("qti-multiple"))
    for identifier in identifiers:
        etree.SubElement(multiple, q("qti-base-value"), {"base-type": "identifier"}).text = identifier
    return setter


def _modals(item: GradableItem, parts: ItemParts) -> list[tuple[str, str, str]]:
    modals = [(SOLUTION, "Explanation", item.explanation)]
    if item.dont_know_feedback:
        modals.append((DONT_KNOW, "I don't know yet", item.dont_know_feedback))
    return modals + parts.modals


def _modal(identifier: str, title: str, markdown: str, parts: ItemParts) -> Element:
    outcome = MODAL_FEEDBACK if identifier in (SOLUTION, DONT_KNOW) else FEEDBACK
    modal = etree.Element(
        q("qti-modal-feedback"),
        {"outcome-identifier": outcome, "identifier": identifier, "show-hide": "show", "title": title},
    )
    append_markdown(etree.SubElement(modal, q("qti-content-body")), markdown)
    return modal


def _package(written: list[_Written]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        _add(package, "imsmanifest.xml", _manifest(written))
        added: set[str] = set()
        for entry in written:
            _add(package, entry.path, entry.xml)
            for path, content in entry.files.items():
                if path not in added:
                    _add(package, path, content)
                    added.add(path)
    return buffer.getvalue()


def _add(package: zipfile.ZipFile, path: str, content: bytes) -> None:
    info = zipfile.ZipInfo(path, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    package.writestr(info, content)


def _manifest(written: list[_Written]) -> bytes:
    manifest = etree.Element(f"{{{CP_NS}}}manifest", {"identifier": "adaptest-export"}, nsmap=MANIFEST_NSMAP)
    manifest.set(f"{{{XSI_NS}}}schemaLocation", f"{CP_NS} {MANIFEST_SCHEMA}")
    metadata = etree.SubElement(manifest, f"{{{CP_NS}}}metadata")
    etree.SubElement(metadata, f"{{{CP_NS}}}schema").text = "QTI Package"
    etree.SubElement(metadata, f"{{{CP_NS}}}schemaversion").text = "3.0.0"
    etree.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP_NS}}}resources")
    for entry in written:
        resource = etree.SubElement(
            resources,
            f"{{{CP_NS}}}resource",
            {"identifier": f"RES-{entry.item_id}", "type": ITEM_RESOURCE, "href": entry.path},
        )
        for path in [entry.path, *entry.files]:
            etree.SubElement(resource, f"{{{CP_NS}}}file", {"href": path})
    return etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True)

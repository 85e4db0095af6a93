"""A structural check of QTI 3.0 content packages, standing in for the schema (no QTI 3.0 XSD is on PyPI
or npm, and the tests may not download one).

It checks what our exporter relies on and what the schema would reject: the manifest's namespace,
resources and files; each item's namespace, required attributes, the order of its parts, declarations
(cardinality, base type, correct responses, mappings), that every interaction, variable and feedback
names something declared, identifiers that are valid, element names QTI 3 knows, inline feedback
holding only inline content, and that every file an item or the manifest names is in the zip.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
ITEM_PARTS = [
    "qti-context-declaration",
    "qti-response-declaration",
    "qti-outcome-declaration",
    "qti-template-declaration",
    "qti-template-processing",
    "qti-assessment-stimulus-ref",
    "qti-companion-materials-info",
    "qti-stylesheet",
    "qti-item-body",
    "qti-catalog-info",
    "qti-response-processing",
    "qti-modal-feedback",
]
DECLARATION_PARTS = ["qti-default-value", "qti-correct-response", "qti-mapping", "qti-area-mapping"]
CARDINALITIES = {"single", "multiple", "ordered", "record"}
BASE_TYPES = {
    "identifier", "boolean", "integer", "float", "string", "point", "pair", "directedPair", "duration",
    "file", "uri",
}  # fmt: skip
RESPONSE_RULES = {
    "qti-response-condition", "qti-set-outcome-value", "qti-lookup-outcome-value", "qti-exit-response",
    "qti-response-processing-fragment",
}  # fmt: skip
QTI_ELEMENTS = {
    "qti-assessment-item", "qti-response-declaration", "qti-outcome-declaration", "qti-default-value",
    "qti-correct-response", "qti-value", "qti-mapping", "qti-map-entry", "qti-item-body", "qti-prompt",
    "qti-choice-interaction", "qti-order-interaction", "qti-simple-choice", "qti-text-entry-interaction",
    "qti-extended-text-interaction", "qti-feedback-inline", "qti-feedback-block", "qti-modal-feedback",
    "qti-content-body", "qti-response-processing", "qti-response-condition", "qti-response-if",
    "qti-response-else-if", "qti-response-else", "qti-set-outcome-value", "qti-variable", "qti-correct",
    "qti-base-value", "qti-map-response", "qti-match", "qti-equal", "qti-is-null", "qti-and", "qti-or",
    "qti-not", "qti-lte", "qti-gt", "qti-sum", "qti-multiple", "qti-pattern-match", "qti-rubric-block",
}  # fmt: skip
HTML_ELEMENTS = {
    "p", "div", "span", "em", "strong", "code", "pre", "a", "img", "ul", "ol", "li", "blockquote", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "sub", "sup",
    "b", "i",
}  # fmt: skip
BLOCK_ELEMENTS = {
    "p",
    "div",
    "pre",
    "ul",
    "ol",
    "table",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
BUILT_IN_VARIABLES = {"numAttempts", "duration", "completionStatus"}


def q(name: str) -> str:
    return f"{{{QTI}}}{name}"


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def package_problems(content: bytes) -> list[str]:
    """Every structural problem of a QTI 3.0 content package (empty: it passes)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return ["not a zip file"]
    names = set(package.namelist())
    if "imsmanifest.xml" not in names:
        return ["no imsmanifest.xml at the top of the package"]
    manifest = _parse(package.read("imsmanifest.xml"))
    problems, items, listed = _manifest_problems(manifest, names)
    problems += [
        f"{name}: in the zip but in no resource" for name in sorted(names - listed - {"imsmanifest.xml"})
    ]
    identifiers: set[str] = set()
    for path in items:
        root = _parse(package.read(path))
        problems += [f"{path}: {p}" for p in item_problems(root, names, path)]
        if root.get("identifier") in identifiers:
            problems.append(f"{path}: item identifier {root.get('identifier')!r} used twice")
        identifiers.add(root.get("identifier") or "")
    return problems


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _manifest_problems(manifest: etree._Element, names: set[str]) -> tuple[list[str], list[str], set[str]]:
    problems: list[str] = []
    if manifest.tag != f"{{{CP}}}manifest":
        problems.append(f"manifest root is {manifest.tag}, not manifest in {CP}")
    if not manifest.get("identifier"):
        problems.append("manifest has no identifier")
    schema = manifest.find(f"{{{CP}}}metadata/{{{CP}}}schema")
    if schema is None or schema.text != "QTI Package":
        problems.append("manifest metadata does not say 'QTI Package'")
    items: list[str] = []
    listed: set[str] = set()
    resource_ids: set[str] = set()
    for resource in manifest.iter(f"{{{CP}}}resource"):
        identifier, href = resource.get("identifier") or "", resource.get("href")
        if not IDENTIFIER.match(identifier) or identifier in resource_ids:
            problems.append(f"resource identifier {identifier!r} is not a valid unique ID")
        resource_ids.add(identifier)
        files = [f.get("href") or "" for f in resource.iter(f"{{{CP}}}file")]
        for path in [href, *files]:
            if path is not None and path not in names:
                problems.append(f"resource {identifier} names {path}, which is not in the package")
        listed.update(files)
        if resource.get("type") == "imsqti_item_xmlv3p0":
            if href is None or href not in files:
                problems.append(f"item resource {identifier} lists no <file> for its href")
            elif href in names:
                items.append(href)
        elif not resource.get("type"):
            problems.append(f"resource {identifier} has no type")
    return problems, items, listed


def item_problems(root: etree._Element, names: set[str], path: str) -> list[str]:
    """Every structural problem of one qti-assessment-item (``names``: the files in the package)."""
    if root.tag != q("qti-assessment-item"):
        return [f"root is {root.tag}, not qti-assessment-item in {QTI}"]
    problems = _attribute_problems(root) + _order_problems(root)
    responses = _declarations(root, "qti-response-declaration", problems)
    outcomes = _declarations(root, "qti-outcome-declaration", problems)
    problems += _element_problems(root)
    problems += _reference_problems(root, responses, outcomes)
    problems += _file_problems(root, names, path)
    return problems


def _attribute_problems(root: etree._Element) -> list[str]:
    problems = []
    if not IDENTIFIER.match(root.get("identifier") or ""):
        problems.append(f"item identifier {root.get('identifier')!r} is not valid")
    if not (root.get("title") or "").strip():
        problems.append("item has no title")
    for flag in ("adaptive", "time-dependent"):
        if root.get(flag) not in ("true", "false"):
            problems.append(f"item attribute {flag} is {root.get(flag)!r}, not true or false")
    return problems


def _order_problems(root: etree._Element) -> list[str]:
    problems: list[str] = []
    ranks = []
    for part in root:
        if local(part) not in ITEM_PARTS:
            problems.append(f"<{local(part)}> may not be a child of the item")
            continue
        ranks.append((ITEM_PARTS.index(local(part)), local(part)))
    for (a, first), (b, second) in zip(ranks, ranks[1:], strict=False):
        if b < a:
            problems.append(f"<{second}> comes after <{first}>")
    if root.find(q("qti-item-body")) is None:
        problems.append("item has no qti-item-body")
    return problems


def _declarations(root: etree._Element, name: str, problems: list[str]) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for declaration in root.iter(q(name)):
        identifier = declaration.get("identifier") or ""
        if not IDENTIFIER.match(identifier) or identifier in found:
            problems.append(f"{name} identifier {identifier!r} is not valid and unique")
        found[identifier] = declaration
        cardinality, base_type = declaration.get("cardinality"), declaration.get("base-type")
        if cardinality not in CARDINALITIES:
            problems.append(f"{identifier}: cardinality {cardinality!r}")
        if cardinality != "record" and base_type not in BASE_TYPES:
            problems.append(f"{identifier}: base-type {base_type!r}")
        parts = [DECLARATION_PARTS.index(local(c)) for c in declaration if local(c) in DECLARATION_PARTS]
        if parts != sorted(parts) or len(parts) != len(declaration):
            problems.append(f"{identifier}: the parts of the declaration are out of order or unknown")
        problems += _value_problems(declaration, identifier)
    return found


def _value_problems(declaration: etree._Element, identifier: str) -> list[str]:
    problems = []
    correct = declaration.find(q("qti-correct-response"))
    if correct is not None:
        values = correct.findall(q("qti-value"))
        if not values or (declaration.get("cardinality") == "single" and len(values) != 1):
            problems.append(f"{identifier}: {len(values)} correct values for cardinality single")
        if declaration.get("base-type") in ("float", "integer") and not all(
            _is_number(v.text) for v in values
        ):
            problems.append(f"{identifier}: a correct value is not a number")
    mapping = declaration.find(q("qti-mapping"))
    if mapping is not None:
        for attribute in ("lower-bound", "upper-bound", "default-value"):
            if mapping.get(attribute) is not None and not _is_number(mapping.get(attribute)):
                problems.append(f"{identifier}: mapping {attribute} is not a number")
        entries = mapping.findall(q("qti-map-entry"))
        if not entries:
            problems.append(f"{identifier}: a qti-mapping needs at least one qti-map-entry")
        for entry in entries:
            if entry.get("map-key") is None or not _is_number(entry.get("mapped-value")):
                problems.append(f"{identifier}: map entry without map-key or numeric mapped-value")
            if entry.get("case-sensitive") not in (None, "true", "false"):
                problems.append(f"{identifier}: case-sensitive is {entry.get('case-sensitive')!r}")
    return problems


def _is_number(text: str | None) -> bool:
    return (
        text is not None and re.match(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", text.strip()) is not None
    )


def _element_problems(root: etree._Element) -> list[str]:
    problems = []
    for element in root.iter():
        name = local(element)
        if not name:
            continue
        if etree.QName(element).namespace != QTI:
            problems.append(f"<{element.tag}> is outside the QTI namespace")
        elif name not in QTI_ELEMENTS | HTML_ELEMENTS:
            problems.append(f"<{name}> is not an element we know QTI 3 to have")
        if name == "qti-feedback-inline":
            problems += [
                f"block <{local(b)}> inside inline feedback"
                for b in element.iter()
                if local(b) in BLOCK_ELEMENTS
            ]
        if (
            name in ("qti-modal-feedback", "qti-feedback-block")
            and element.find(q("qti-content-body")) is None
        ):
            problems.append(f"<{name} identifier={element.get('identifier')!r}> has no qti-content-body")
        if (
            name == "qti-equal"
            and element.get("tolerance-mode", "exact") != "exact"
            and not element.get("tolerance")
        ):
            problems.append("qti-equal with a tolerance mode but no tolerance")
        if name == "qti-response-processing":
            problems += [
                f"<{local(r)}> is not a response rule" for r in element if local(r) not in RESPONSE_RULES
            ]
    return problems


def _reference_problems(
    root: etree._Element, responses: dict[str, etree._Element], outcomes: dict[str, etree._Element]
) -> list[str]:
    problems = []
    variables = set(responses) | set(outcomes) | BUILT_IN_VARIABLES
    for element in root.iter():
        name = local(element)
        for attribute in ("identifier", "response-identifier", "outcome-identifier"):
            value = element.get(attribute)
            if value is not None and name != "qti-base-value" and not IDENTIFIER.match(value):
                problems.append(f"<{name}> {attribute}={value!r} is not a valid identifier")
        if name.endswith("-interaction") and element.get("response-identifier") not in responses:
            problems.append(f"<{name}> answers {element.get('response-identifier')!r}, which is not declared")
        if (
            name in ("qti-variable", "qti-correct", "qti-map-response")
            and element.get("identifier") not in variables
        ):
            problems.append(f"<{name}> names {element.get('identifier')!r}, which is not declared")
        if name == "qti-set-outcome-value" and element.get("identifier") not in outcomes:
            problems.append(f"<{name}> sets {element.get('identifier')!r}, which is not an outcome")
        feedback = name.startswith("qti-feedback") or name == "qti-modal-feedback"
        if feedback and (element.get("outcome-identifier") not in outcomes or not element.get("identifier")):
            problems.append(f"<{name}> shows on {element.get('outcome-identifier')!r}, not an outcome")
    for interaction in root.iter(q("qti-choice-interaction"), q("qti-order-interaction")):
        ids = [c.get("identifier") for c in interaction.iter(q("qti-simple-choice"))]
        if len(set(ids)) != len(ids) or len(ids) < 1:
            problems.append(f"{local(interaction)}: choice identifiers are missing or repeated")
    return problems


def _file_problems(root: etree._Element, names: set[str], path: str) -> list[str]:
    return [
        f"<img src={image.get('src')!r}> is not in the package"
        for image in root.iter(q("img"))
        if posixpath.normpath(posixpath.join(posixpath.dirname(path), image.get("src") or "")) not in names
    ]


def items_of(content: bytes) -> Iterator[tuple[str, etree._Element]]:
    """(path, root) of every item file of a package, for tests that look inside."""
    package = zipfile.ZipFile(io.BytesIO(content))
    for name in sorted(package.namelist()):
        if name.startswith("items/") and name.endswith(".xml"):
            yield name, _parse(package.read(name))

"""Read QTI 3.0: one item XML file, or a content package (a zip with imsmanifest.xml).

Each item becomes a Converted question or a Refused one; what the item's kind means is read by
:mod:`~adaptest.bank.interop.qti_read_kinds`. Here: the files, the stem (the item body without its
interaction, prompt included), the feedback (explanation, "I don't know yet", and the rest reported as
lost) and the figure.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from adaptest.bank.interop.markup import figure_svg
from adaptest.bank.interop.model import (
    NO_EXPLANATION,
    NO_EXPLANATION_LOSS,
    Converted,
    Origin,
    Refused,
    SourceSyntaxError,
    line_of,
    parse_xml,
)
from adaptest.bank.interop.qti_base import (
    DONT_KNOW,
    QTI_NS,
    Element,
    child,
    children,
    drop,
    local,
    q,
    to_markdown,
)
from adaptest.bank.interop.qti_read_kinds import ItemSource, kind_data
from adaptest.bank.interop.qti_read_rules import Refusal, at

MANIFEST = "imsmanifest.xml"
MAX_FILE_BYTES = 50_000_000
NO_STEM = "No question text came with this imported question."
FEEDBACK_ELEMENTS = {"qti-feedback-inline", "qti-feedback-block", "qti-modal-feedback"}
EXPLANATION_IDS = {"solution", "explanation"}

Resolve = Callable[[str], bytes | None]
"""The bytes of a file an item refers to (relative to the item), or None when it is not there."""


def read(path: Path) -> list[Converted | Refused]:
    """Every item of a QTI 3.0 item file or content package, converted or refused with a reason."""
    if zipfile.is_zipfile(path):
        return _read_package(path)
    root = parse_xml(path.read_bytes(), path.name, remove_comments=True)
    return [read_item(root, _beside(path), None)]


def _read_package(path: Path) -> list[Converted | Refused]:
    with zipfile.ZipFile(path) as package:
        names = {info.filename for info in package.infolist() if not info.is_dir()}
        if MANIFEST not in names:
            raise SourceSyntaxError(1, 1, f"{path.name} has no {MANIFEST} at its top: not a content package")
        manifest = parse_xml(_member(package, MANIFEST), MANIFEST, remove_comments=True)
        results: list[Converted | Refused] = []
        for item_path in _item_paths(manifest, names):
            root = parse_xml(_member(package, item_path), item_path, remove_comments=True)
            results.append(read_item(root, _inside(package, names, item_path), item_path))
        return results


def _member(package: zipfile.ZipFile, name: str) -> bytes:
    if package.getinfo(name).file_size > MAX_FILE_BYTES:
        raise SourceSyntaxError(1, 1, f"{name} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    return package.read(name)


def _item_paths(manifest: Element, names: set[str]) -> list[str]:
    """The item files the manifest lists, in its order; every file it names must be in the package."""
    items: list[str] = []
    for resource in (e for e in manifest.iter() if local(e) == "resource"):
        hrefs = [(resource, resource.get("href"))] + [(f, f.get("href")) for f in children(resource, "file")]
        for element, href in hrefs:
            if href is not None and _is_local(href) and _package_path(href) not in names:
                raise SourceSyntaxError(
                    line_of(element), 1, f"{MANIFEST} names {href}, which is not in the package"
                )
        if (resource.get("type") or "").startswith("imsqti_item_xml"):
            first = resource.get("href") or next((h for _, h in hrefs[1:] if h), None)
            if first is not None:
                items.append(_package_path(first))
    return items


def _package_path(href: str, base: str = "") -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(href))).lstrip("/")


def _inside(package: zipfile.ZipFile, names: set[str], item_path: str) -> Resolve:
    def resolve(src: str) -> bytes | None:
        target = _package_path(src, item_path)
        return _member(package, target) if _is_local(src) and target in names else None

    return resolve


def _beside(path: Path) -> Resolve:
    folder = path.resolve().parent

    def resolve(src: str) -> bytes | None:
        if not _is_local(src):
            return None
        target = (folder / unquote(src)).resolve()
        inside = target.is_relative_to(folder) and target.is_file()
        return target.read_bytes() if inside and target.stat().st_size <= MAX_FILE_BYTES else None

    return resolve


def _is_local(src: str) -> bool:
    return not urlparse(src).scheme and not src.startswith("/")


# -- one item ----------------------------------------------------------------------------------------
def read_item(root: Element, resolve: Resolve, where: str | None) -> Converted | Refused:
    """One ``qti-assessment-item`` as bank item data, or the reason it cannot be one."""
    origin = Origin(root.get("identifier") or where or "question", line_of(root))
    prefix = f"{where}: " if where else ""
    if root.tag != q("qti-assessment-item"):
        return Refused(origin, f"{prefix}{_not_an_item(root)}")
    try:
        data, losses, files = _convert(ItemSource(root), resolve)
    except Refusal as refusal:
        return Refused(origin, f"{prefix}{refusal.reason}")
    return Converted(origin, data, tuple(losses), files)


def _not_an_item(root: Element) -> str:
    namespace = root.nsmap.get(root.prefix)
    if namespace and "imsqti" in namespace and namespace != QTI_NS:
        return f"a QTI item of another version ({namespace}): only QTI 3.0 is read"
    return f"not a QTI 3.0 item: the root element is <{local(root)}>"


def _convert(source: ItemSource, resolve: Resolve) -> tuple[dict[str, Any], list[str], dict[str, bytes]]:
    """The item data in the order an author reads a bank file: kind, stem, figure, the kind's fields,
    explanation and "I don't know yet" feedback."""
    kind = kind_data(source)
    files, figure = _figure(source, resolve)
    stem = _stem(source)
    if not stem:
        source.losses.append("no question text: a placeholder was written")
    data: dict[str, Any] = {"kind": kind.pop("kind"), "stem": stem or NO_STEM}
    if figure:
        data["figure"] = figure
    data.update(kind)
    explanation = source.take_feedback(*EXPLANATION_IDS)
    if explanation is None:
        source.losses.append(NO_EXPLANATION_LOSS)
    data["explanation"] = explanation or NO_EXPLANATION
    dont_know = source.take_feedback(DONT_KNOW.casefold())
    if dont_know:
        data["dont_know_feedback"] = dont_know
    source.losses += [f"feedback “{identifier}”" for identifier in source.unused_feedback()]
    return data, source.losses, files


def _stem(source: ItemSource) -> str:
    """The item body without interactions (their prompts kept), feedback, figures and scorer rubrics."""
    body = source.body
    for element in source.stem_drops:
        drop(element)
    for interaction in source.interactions:
        _replace_by_prompt(interaction)
    source.losses += [
        f"a rubric block for the {rubric.get('view')} ({at(rubric)})"
        for rubric in body.iter(q("qti-rubric-block"))
        if _not_stem(rubric)
    ]
    return to_markdown(body, leave_out=_not_stem)


def _replace_by_prompt(interaction: Element) -> None:
    prompt = child(interaction, "qti-prompt")
    parent = interaction.getparent()
    if parent is None:
        return
    if prompt is not None:
        prompt.tag = q("div")
        prompt.tail = interaction.tail
        parent.replace(interaction, prompt)
        return
    inline_text = (parent.text or "").strip() or any((c.tail or "").strip() for c in parent)
    if inline_text:  # a blank inside a sentence stays visible as one
        interaction.tail = "____" + (interaction.tail or "")
    drop(interaction)


def _not_stem(element: Element) -> bool:
    name = local(element)
    if name in FEEDBACK_ELEMENTS or name == "img" or name.startswith("qti-template"):
        return True
    return name == "qti-rubric-block" and "candidate" not in (element.get("view") or "candidate")


def _figure(source: ItemSource, resolve: Resolve) -> tuple[dict[str, bytes], dict[str, str] | None]:
    """The first image of the body is the figure; the others are reported lost."""
    images = [i for i in source.body.iter(q("img")) if not source.inside_choice(i)]
    files: dict[str, bytes] = {}
    figure = None
    for image in images:
        src = image.get("src") or ""
        if figure is not None:
            source.losses.append(f"image {src} (only the first image becomes the figure)")
            continue
        content = resolve(src) if src else None
        name = re.sub(r"[^A-Za-z0-9_.-]", "-", posixpath.basename(unquote(src))) or "figure"
        svg = figure_svg(name, content) if content is not None else None
        if svg is None:
            why = "not in the package" if content is None else "not an SVG, PNG, JPEG or GIF file"
            source.losses.append(f"image {src} ({why})")
            continue
        path = f"figures/{name}" if name.lower().endswith(".svg") else f"figures/{name}.svg"
        files[path] = svg
        figure = {"path": path, "alt": (image.get("alt") or "").strip() or "Figure"}
    return files, figure

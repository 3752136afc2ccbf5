"""Text of a DOCX document: body paragraphs and tables in order, plus headers, footers and notes.

The XML is walked directly (not through python-docx) so that every part goes through the
hardened parser in ``safe_xml`` and nested tables, text boxes and content controls come out in
document order.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator

from lxml import etree

from electroanalyzer.engine.errors import DocumentTooLarge

from .docx_package import (
    MAIN_DOCUMENT_PART,
    check_content_types,
    check_embedded_signatures,
    check_package,
    open_package,
    read_member,
)
from .model import DocumentLimits
from .safe_xml import parse_part

_WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    # ISO/IEC 29500 Strict documents use this namespace instead.
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"

# Word-namespace elements whose text is not part of the visible document: deleted or moved-away
# revisions and field instructions.
_SKIPPED_WORD_ELEMENTS = frozenset({"del", "moveFrom", "instrText", "delText", "delInstrText"})
_BREAK_ELEMENTS = frozenset({"br", "cr"})
_BLOCK_END_ELEMENTS = frozenset({"p", "tr"})

# Relationship types (by their last path segment) of parts whose text we extract, in output order.
_BEFORE_BODY = ("header",)
_AFTER_BODY = ("footnotes", "endnotes", "footer")


def _split_tag(element: etree._Element) -> tuple[str, str]:
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def _walk_text(element: etree._Element, parts: list[str]) -> None:
    namespace, name = _split_tag(element)
    in_word = namespace in _WORD_NAMESPACES
    if in_word and name in _SKIPPED_WORD_ELEMENTS:
        return
    # Alternate content repeats text boxes in a VML fallback; the chosen branch is enough.
    if namespace == _MARKUP_COMPATIBILITY and name == "Fallback":
        return

    if in_word and name == "t":
        parts.append(element.text or "")
        return
    if in_word and name == "tab":
        parts.append("\t")
        return
    if in_word and name in _BREAK_ELEMENTS:
        parts.append("\n")
        return
    if in_word and name == "noBreakHyphen":
        parts.append("-")
        return

    for child in element:
        if isinstance(child.tag, str):
            _walk_text(child, parts)
    if in_word and name in _BLOCK_END_ELEMENTS:
        parts.append("\n")


def part_text(root: etree._Element) -> str:
    parts: list[str] = []
    _walk_text(root, parts)
    return "".join(parts)


def _related_parts(package: zipfile.ZipFile, relationship_kinds: tuple[str, ...]) -> Iterator[str]:
    rels_name = posixpath.join(posixpath.dirname(MAIN_DOCUMENT_PART), "_rels", "document.xml.rels")
    if rels_name not in package.namelist():
        return
    root = parse_part(read_member(package, rels_name), rels_name)
    members = set(package.namelist())
    for kind in relationship_kinds:
        for relationship in root.iter(f"{{{_RELATIONSHIPS}}}Relationship"):
            if str(relationship.get("Type", "")).rsplit("/", 1)[-1] != kind:
                continue
            if relationship.get("TargetMode") == "External":
                continue
            target = str(relationship.get("Target", ""))
            # Targets are relative to the main part's folder; names were already checked for '..'.
            name = posixpath.normpath(posixpath.join(posixpath.dirname(MAIN_DOCUMENT_PART), target))
            if name in members:
                yield name


def _texts_of(package: zipfile.ZipFile, names: Iterator[str]) -> list[str]:
    texts: list[str] = []
    for name in names:
        text = part_text(parse_part(read_member(package, name), name))
        # Word keeps separate first-page, even-page and default headers that often repeat.
        if text.strip() and text not in texts:
            texts.append(text)
    return texts


def extract_docx(data: bytes, limits: DocumentLimits) -> str:
    """Check a DOCX package and return its text.

    Raises ArchiveBomb, MacroEnabledDocument, UnsafeDocument, EncryptedDocument or
    ExtractionFailed for packages that fail a check, before their content is inflated.
    """
    with open_package(data, limits) as package:
        check_package(package, len(data), limits)
        check_content_types(package)
        check_embedded_signatures(package)

        headers = _texts_of(package, _related_parts(package, _BEFORE_BODY))
        body = part_text(parse_part(read_member(package, MAIN_DOCUMENT_PART), MAIN_DOCUMENT_PART))
        trailers = _texts_of(package, _related_parts(package, _AFTER_BODY))

    text = "\n".join([*headers, body, *trailers])
    if len(text) > limits.max_text_chars:
        raise DocumentTooLarge(
            f"The Word document contains more than {limits.max_text_chars} characters of text. "
            "Split it into smaller documents and upload them separately."
        )
    return text

"""Hardened XML parsing for the parts of Office documents.

Document type declarations are rejected outright: WordprocessingML never needs one, and a DTD
is how external entities (XXE) and entity-expansion bombs ("billion laughs") get in. The parser
is configured so that it would not resolve or fetch entities even if the check were bypassed.
"""

from __future__ import annotations

from lxml import etree

from electroanalyzer.engine.errors import ExtractionFailed, UnsafeDocument

_DECLARATION_MARKERS = ("<!DOCTYPE", "<!ENTITY")
_BYTE_MARKERS = tuple(marker.encode("ascii") for marker in _DECLARATION_MARKERS)


def _declares_dtd(data: bytes) -> bool:
    # Parts are UTF-8 in practice, but XML also allows UTF-16, where the markers are two bytes
    # per character, so decode those before searching.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        text = data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", errors="replace")
    else:
        return any(marker in data for marker in _BYTE_MARKERS)
    return any(marker in text for marker in _DECLARATION_MARKERS)


def _new_parser() -> etree.XMLParser:
    # One parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_part(data: bytes, part_name: str) -> etree._Element:
    """Parse one XML part of a package and return its root element.

    Raises UnsafeDocument when the part declares a DTD or entities, and ExtractionFailed when
    it is not well-formed XML.
    """
    if _declares_dtd(data):
        raise UnsafeDocument(
            f"The Word document part {part_name!r} declares XML entities or a DTD, which Word never "
            "writes and which can be used to read server files. Save the document again from Word."
        )
    try:
        root = etree.fromstring(data, _new_parser())
    except etree.XMLSyntaxError:
        raise ExtractionFailed(
            f"The Word document part {part_name!r} is not well-formed XML. Save the document again from "
            "Word and upload the new copy."
        ) from None

    if root.getroottree().docinfo.doctype:
        raise UnsafeDocument(f"The Word document part {part_name!r} declares a DTD. Save it again from Word.")
    return root

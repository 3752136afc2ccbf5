"""PHI detection and redaction on Presidio's analyzer and anonymizer interfaces."""

from electroanalyzer.engine.phi.detector import PhiDetector, get_detector
from electroanalyzer.engine.phi.entities import ENTITY_TAGS, ENTITY_TYPES, PhiEntity
from electroanalyzer.engine.phi.redaction import RedactedSpan, RedactionMode, RedactionResult, redact

__all__ = [
    "ENTITY_TAGS",
    "ENTITY_TYPES",
    "PhiDetector",
    "PhiEntity",
    "RedactedSpan",
    "RedactionMode",
    "RedactionResult",
    "get_detector",
    "redact",
]

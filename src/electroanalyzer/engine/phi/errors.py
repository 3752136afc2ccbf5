"""Errors raised by PHI detection and redaction."""

from electroanalyzer.engine.errors import HTTP_PAYLOAD_TOO_LARGE, EngineError


class TextTooLong(EngineError):
    code = "phi_text_too_long"
    http_status = HTTP_PAYLOAD_TOO_LARGE
    default_message = (
        "The text is longer than the PHI detector accepts. Split the note into smaller documents, "
        "or raise EA_PHI_MAX_TEXT_CHARS."
    )


class MissingHashKey(EngineError):
    code = "phi_hash_key_missing"
    default_message = (
        "Hash redaction needs a secret key. Set EA_PHI_HASH_KEY or pass --hash-key-file, "
        "or choose another redaction mode."
    )


class SpacyModelUnavailable(EngineError):
    code = "phi_spacy_model_unavailable"
    default_message = (
        "The spaCy pipeline named in EA_PHI_SPACY_MODEL is not installed. Install it, "
        "or unset EA_PHI_SPACY_MODEL to detect PHI without it."
    )

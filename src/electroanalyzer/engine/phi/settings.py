"""Settings of PHI detection, read once from the environment."""

import os
from dataclasses import dataclass

DEFAULT_MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class PhiSettings:
    """Limits and optional components of the PHI detector.

    ``max_text_chars`` caps the text one ``detect`` call accepts (EA_PHI_MAX_TEXT_CHARS).
    ``spacy_model`` names an installed spaCy pipeline whose NER adds PERSON and place
    detections (EA_PHI_SPACY_MODEL); it is off by default and never downloaded.
    ``score_threshold`` drops detections scored below it (EA_PHI_SCORE_THRESHOLD).
    """

    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    spacy_model: str | None = None
    score_threshold: float = 0.4

    @classmethod
    def from_env(cls) -> "PhiSettings":
        max_chars = os.environ.get("EA_PHI_MAX_TEXT_CHARS")
        threshold = os.environ.get("EA_PHI_SCORE_THRESHOLD")
        return cls(
            max_text_chars=int(max_chars) if max_chars else DEFAULT_MAX_TEXT_CHARS,
            spacy_model=os.environ.get("EA_PHI_SPACY_MODEL") or None,
            score_threshold=float(threshold) if threshold else 0.4,
        )

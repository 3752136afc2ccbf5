# Named apart from Presidio's UrlRecognizer: Presidio's registry loader finds recognizer classes by
# name among all subclasses, so a clash would replace its recognizer with this one.
from electroanalyzer.engine.phi.offline import has_public_suffix
from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

TRAILING_PUNCTUATION = ".,;:!?)]}'\""


class WebAddressRecognizer(Re2PatternRecognizer):
    """Web addresses: with a scheme or 'www.', or a bare host name with a public suffix.

    Format: RFC 3986 URIs with http, https or ftp schemes; bare host names count only when
    tldextract's bundled Public Suffix List snapshot knows their suffix.
    """

    ENTITY = "URL"
    PATTERNS = (
        NamedPattern("url_with_scheme", r"(?i)(?:https?|ftp)://[^\s<>\"']{2,1000}", 0.9),
        NamedPattern("url_www", r"(?i)www\.[^\s<>\"']{3,1000}", 0.85),
        NamedPattern(
            "bare_host",
            r"(?i)(?:^|[^\p{L}\p{N}@._-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|org|net|edu|gov|io|info|biz|us|uk|de|fr|nl|ca|au|eu|co|health|me)(?:/[^\s<>\"']*)?)(?:$|[^\p{L}\p{N}@-])",
            0.6,
            group=1,
        ),
    )
    CONTEXT = ("url", "website", "web", "site", "link", "portal")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end].rstrip(TRAILING_PUNCTUATION)
        host = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return has_public_suffix(host)

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        results = super().analyze(text, entities, nlp_artifacts)
        for result in results:
            while result.end > result.start and text[result.end - 1] in TRAILING_PUNCTUATION:
                result.end -= 1
        return results

from electroanalyzer.engine.phi.offline import has_public_suffix
from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer


class EmailAddressRecognizer(Re2PatternRecognizer):
    """E-mail addresses: a local part, '@', and a host whose suffix is a public suffix.

    Format: RFC 5322 addr-spec, restricted to the characters people type; the host must end
    in a suffix from the Public Suffix List snapshot that tldextract bundles.
    """

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        NamedPattern(
            "email",
            r"[\p{L}\p{N}][\p{L}\p{N}._%+-]*@(?:[\p{L}\p{N}][\p{L}\p{N}-]*\.)+\p{L}{2,24}",
            0.9,
        ),
    )
    CONTEXT = ("email", "e-mail", "mail", "contact")

    def validate(self, text: str, start: int, end: int) -> bool:
        host = text[start:end].rsplit("@", 1)[1]
        return has_public_suffix(host)

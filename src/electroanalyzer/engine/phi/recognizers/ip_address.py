import ipaddress

from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer


class IpAddressRecognizer(Re2PatternRecognizer):
    """IPv4 dotted quads (RFC 791) and IPv6 addresses (RFC 4291 text forms).

    Every match must parse with Python's ipaddress module, which rejects octets above 255
    and malformed IPv6 groups.
    """

    ENTITY = "IP_ADDRESS"
    PATTERNS = (
        NamedPattern(
            "ipv4", r"(?:^|[^\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:$|[^\d]|\.[^\d]|\.$)", 0.7, group=1
        ),
        NamedPattern(
            "ipv6",
            r"(?i)(?:^|[^0-9a-z:])((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%[0-9a-z]+)?)(?:$|[^0-9a-z:])",
            0.7,
            group=1,
        ),
    )
    CONTEXT = ("ip", "address", "host", "server", "login")

    def validate(self, text: str, start: int, end: int) -> bool:
        if "version" in text[max(0, start - 12) : start].lower():
            return False
        value = text[start:end].split("%", 1)[0]
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return not (address.version == 6 and value.count(":") < 2)

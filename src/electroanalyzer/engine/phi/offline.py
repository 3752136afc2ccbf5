"""An offline tldextract for validating e-mail and URL domains.

tldextract's default extractor fetches the public suffix list over HTTPS on first use and
caches it on disk. With no suffix-list URLs and no cache directory it reads only the snapshot
bundled with the package (tldextract 5.4.0), so detection never touches the network.
"""

import functools

import tldextract


@functools.cache
def offline_extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def has_public_suffix(host: str) -> bool:
    """Return True when the host ends in a known public suffix such as .com or .co.uk."""
    parts = offline_extractor()(host)
    return bool(parts.suffix) and bool(parts.domain)

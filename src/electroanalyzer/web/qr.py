"""QR codes as inline SVG, generated locally with segno (no image service, no network)."""

import segno
from markupsafe import Markup


def qr_svg(payload: str, *, title: str) -> Markup:
    """Return an inline SVG QR code for `payload` (for example an `otpauth://` URI).

    Dark modules on a white background regardless of theme, because phone cameras read
    dark-on-light codes most reliably.
    """
    code = segno.make(payload, error="m")
    svg: str = code.svg_inline(
        scale=5,
        border=2,
        dark="#000000",
        light="#ffffff",
        title=title,
        svgclass=None,
        lineclass=None,
        omitsize=True,
    )
    # segno writes only numbers, fixed markup and the escaped title into the SVG.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704

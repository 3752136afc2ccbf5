"""QR codes for MFA enrolment are SVG made locally, with no style attributes (strict CSP)."""

import re

import segno

from electroanalyzer.web.qr import qr_svg

URI = "otpauth://totp/ElectroAnalyzer:alice?secret=JBSWY3DPEHPK3PXP&issuer=ElectroAnalyzer"


def test_qr_svg_is_scalable_image() -> None:
    markup = str(qr_svg(URI, title="QR code for your app"))

    assert markup.startswith('<svg role="img" viewBox=')
    assert "<title>QR code for your app</title>" in markup
    assert not re.search(r"\sstyle=", markup)


def test_qr_svg_encodes_the_payload() -> None:
    expected = segno.make(URI, error="m")
    markup = str(qr_svg(URI, title="t"))

    assert f"0 0 {(expected.symbol_size(scale=5, border=2))[0]}" in markup


def test_qr_title_is_escaped() -> None:
    markup = str(qr_svg(URI, title="<b>x</b>"))

    assert "<b>" not in markup

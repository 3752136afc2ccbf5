"""Light and dark themes: the toggle overrides the system preference and persists, and both themes
pass axe's colour-contrast checks."""

from typing import Any

import pytest

from .conftest import LiveSite, Visit, sign_in

pytestmark = pytest.mark.e2e


def test_dark_system_theme_passes_axe(site: LiveSite, browser: Any, request: pytest.FixtureRequest) -> None:
    site.create_user("dora", "therapist")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        tab = Visit(context.new_page(), request.node.name)
        page = tab.page
        page.goto(site.url + "/login")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 23, 28)"
        tab.check("login-dark")
        sign_in(tab, site, "dora", "therapist")
        for path, name in (("/", "home-dark"), ("/analyze", "analyze-dark"), ("/rubrics", "rubrics-dark")):
            page.goto(site.url + path)
            tab.check(name)
    finally:
        context.close()


def test_theme_toggle_persists(site: LiveSite, visit: Any) -> None:
    site.create_user("toby", "therapist")
    tab = visit()
    page = tab.page
    sign_in(tab, site, "toby", "therapist")
    toggle = page.locator("#theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"

    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    page.goto(site.url + "/history")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("localStorage.getItem('ea-theme')") == "dark"
    tab.check("history-dark-toggle")

    page.locator("#theme-toggle").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 248, 249)"


def test_keyboard_skip_link_reaches_main(site: LiveSite, visit: Any) -> None:
    tab = visit()
    page = tab.page
    page.goto(site.url + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_small_screen_layout(site: LiveSite, browser: Any, request: pytest.FixtureRequest) -> None:
    site.create_user("mia", "therapist")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = Visit(context.new_page(), request.node.name)
        page = tab.page
        sign_in(tab, site, "mia", "therapist")
        for path, name in (("/", "home-small"), ("/analyze", "analyze-small"), ("/history", "history-small")):
            page.goto(site.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px"
            tab.check(name)
    finally:
        context.close()

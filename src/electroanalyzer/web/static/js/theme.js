// Theme choice: follows the operating system unless the user picked light or dark with the
// toggle; the choice is kept in localStorage under "ea-theme". Loaded in <head> so the page
// never flashes the wrong theme.
(function () {
    "use strict";
    var KEY = "ea-theme";
    var root = document.documentElement;

    function storedTheme() {
        try {
            var value = window.localStorage.getItem(KEY);
            return value === "light" || value === "dark" ? value : null;
        } catch (error) {
            return null;
        }
    }

    function effectiveTheme() {
        var stored = storedTheme();
        if (stored) {
            return stored;
        }
        return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }

    function apply(theme) {
        root.setAttribute("data-theme", theme);
        var button = document.getElementById("theme-toggle");
        if (button) {
            // A toggle button keeps one label, and aria-pressed tells whether the dark theme is on.
            button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
            button.setAttribute("title", theme === "dark" ? "Switch to the light theme" : "Switch to the dark theme");
        }
    }

    var initial = storedTheme();
    if (initial) {
        root.setAttribute("data-theme", initial);
    }

    document.addEventListener("DOMContentLoaded", function () {
        var button = document.getElementById("theme-toggle");
        if (!button) {
            return;
        }
        button.hidden = false;
        apply(effectiveTheme());
        button.addEventListener("click", function () {
            var next = effectiveTheme() === "dark" ? "light" : "dark";
            try {
                window.localStorage.setItem(KEY, next);
            } catch (error) {
                // Storage may be disabled; the theme still changes for this page.
            }
            apply(next);
        });
    });
})();

// Inactivity warning. The server ends a session after data-idle-seconds without an
// authenticated request. This script opens a dialog data-warn-seconds before that moment
// with a "Stay signed in" button (which sends an authenticated request to data-keepalive-url),
// and when the time is up it submits the sign-out form so the page stops showing PHI.
(function () {
    "use strict";

    document.addEventListener("DOMContentLoaded", function () {
        var body = document.body;
        var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "", 10);
        if (!idleSeconds || idleSeconds <= 0) {
            return;
        }
        var warnSeconds = parseInt(body.getAttribute("data-warn-seconds") || "120", 10);
        var keepaliveUrl = body.getAttribute("data-keepalive-url");
        var dialog = document.getElementById("session-dialog");
        var countdown = document.getElementById("session-countdown");
        var stayButton = document.getElementById("session-stay");
        var logoutForm = document.getElementById("session-timeout-form");
        var csrfMeta = document.querySelector('meta[name="csrf-token"]');
        var deadline = 0;
        var ticker = null;

        function restart() {
            deadline = Date.now() + idleSeconds * 1000;
            if (dialog && dialog.open) {
                dialog.close();
            }
        }

        function signOut() {
            window.clearInterval(ticker);
            if (logoutForm) {
                logoutForm.submit();
            } else {
                window.location.assign("/login?reason=timeout");
            }
        }

        function tick() {
            var remaining = Math.round((deadline - Date.now()) / 1000);
            if (remaining <= 0) {
                signOut();
                return;
            }
            if (remaining <= warnSeconds && dialog && !dialog.open) {
                dialog.showModal();
                if (stayButton) {
                    stayButton.focus();
                }
            }
            if (countdown && dialog && dialog.open) {
                var minutes = Math.floor(remaining / 60);
                var seconds = remaining % 60;
                countdown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
            }
        }

        if (stayButton) {
            stayButton.addEventListener("click", function () {
                var headers = { "Accept": "application/json" };
                if (csrfMeta) {
                    headers["X-CSRF-Token"] = csrfMeta.getAttribute("content");
                }
                window.fetch(keepaliveUrl, { method: "POST", headers: headers, credentials: "same-origin" })
                    .then(function (response) {
                        if (response.ok) {
                            restart();
                        } else {
                            signOut();
                        }
                    })
                    .catch(signOut);
            });
        }
        if (dialog) {
            dialog.addEventListener("cancel", function (event) {
                // Escape closes the warning without extending the session; keep it visible instead.
                event.preventDefault();
            });
        }

        restart();
        ticker = window.setInterval(tick, 1000);
    });
})();

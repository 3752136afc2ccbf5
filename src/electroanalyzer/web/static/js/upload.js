// Analyze page: drag-and-drop or pick a file, send it with the chosen options, follow the
// job's progress by polling its status URL, then open the report. Without JavaScript the
// form still posts normally and the server redirects to the progress page.
(function () {
    "use strict";

    document.addEventListener("DOMContentLoaded", function () {
        var form = document.getElementById("analyze-form");
        if (!form) {
            return;
        }
        var zone = document.getElementById("dropzone");
        var input = document.getElementById("document");
        var chosen = document.getElementById("dropzone-file");
        var panel = document.getElementById("progress-panel");
        var bar = document.getElementById("progress-bar");
        var stage = document.getElementById("progress-stage");
        var errorBox = document.getElementById("analyze-error");
        var submit = document.getElementById("analyze-submit");

        function showChosen() {
            if (input.files && input.files.length > 0) {
                chosen.textContent = "Selected: " + input.files[0].name;
            } else {
                chosen.textContent = "No file selected.";
            }
        }

        function showError(message) {
            errorBox.hidden = false;
            errorBox.querySelector("[data-message]").textContent = message;
            errorBox.focus();
            panel.hidden = true;
            submit.disabled = false;
        }

        ["dragenter", "dragover"].forEach(function (name) {
            zone.addEventListener(name, function (event) {
                event.preventDefault();
                zone.classList.add("dropzone--active");
            });
        });
        ["dragleave", "drop"].forEach(function (name) {
            zone.addEventListener(name, function (event) {
                event.preventDefault();
                zone.classList.remove("dropzone--active");
            });
        });
        zone.addEventListener("drop", function (event) {
            if (event.dataTransfer && event.dataTransfer.files.length > 0) {
                input.files = event.dataTransfer.files;
                showChosen();
            }
        });
        input.addEventListener("change", showChosen);

        // Read a JSON reply; a reply that is not JSON (a proxy page, a crash) becomes a readable message.
        function readReply(response) {
            return response.json()
                .catch(function () {
                    return { detail: "The server answered with an error (HTTP " + response.status + "). Try again; if it keeps happening, tell your administrator." };
                })
                .then(function (body) {
                    return { ok: response.ok, body: body };
                });
        }

        function poll(statusUrl) {
            window.fetch(statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
                .then(readReply)
                .then(function (reply) {
                    if (!reply.ok) {
                        showError(reply.body.detail || "The analysis status could not be read. Open History to find the result.");
                        return;
                    }
                    var status = reply.body;
                    bar.value = Math.round((status.progress || 0) * 100);
                    stage.textContent = status.stage_label || status.stage || "Working";
                    if (status.state === "done" && status.report_url) {
                        stage.textContent = "Done. Opening the report.";
                        window.location.assign(status.report_url);
                    } else if (status.state === "failed") {
                        showError(status.message || "The analysis failed. Check the file and try again.");
                    } else {
                        window.setTimeout(function () { poll(statusUrl); }, 700);
                    }
                })
                .catch(function () {
                    showError("The connection to the server was lost. Check that it is running, then open History to find the result.");
                });
        }

        form.addEventListener("submit", function (event) {
            if (!window.fetch || !window.FormData) {
                return;
            }
            event.preventDefault();
            errorBox.hidden = true;
            if (!input.files || input.files.length === 0) {
                showError("Choose a file first: drop it on the box or use the Choose file button.");
                return;
            }
            submit.disabled = true;
            panel.hidden = false;
            bar.value = 0;
            stage.textContent = "Uploading";
            window.fetch(form.action, {
                method: "POST",
                body: new FormData(form),
                headers: { "Accept": "application/json" },
                credentials: "same-origin"
            })
                .then(readReply)
                .then(function (reply) {
                    if (!reply.ok) {
                        showError(reply.body.detail || "The upload was rejected. Check the file and try again.");
                        return;
                    }
                    poll(reply.body.status_url);
                })
                .catch(function () {
                    showError("The upload failed because the server could not be reached. Check that it is running and try again.");
                });
        });
    });
})();

// Live password policy checklist. It evaluates the same rules the server applies, read from
// data attributes that the server renders from the active policy, and marks each rule met or
// not met as the user types. The server stays authoritative: it also checks the shipped list
// of common passwords, which this script does not have.
(function () {
    "use strict";

    function hasRepeats(value, repeatLength) {
        var chars = Array.from(value);
        var run = 1;
        for (var i = 1; i < chars.length; i += 1) {
            run = chars[i] === chars[i - 1] ? run + 1 : 1;
            if (run >= repeatLength) {
                return true;
            }
        }
        // A short unit repeated to fill the whole password, such as "abcabcabcabc".
        for (var size = 1; size <= Math.floor(value.length / 2); size += 1) {
            if (value.length % size === 0 && value.slice(0, size).repeat(value.length / size) === value) {
                return true;
            }
        }
        return false;
    }

    function hasSequence(value, rows, sequenceLength) {
        var lower = value.toLowerCase();
        for (var s = 0; s < rows.length; s += 1) {
            var sequence = rows[s];
            for (var i = 0; i + sequenceLength <= sequence.length; i += 1) {
                var part = sequence.slice(i, i + sequenceLength);
                var reversed = part.split("").reverse().join("");
                if (lower.indexOf(part) !== -1 || lower.indexOf(reversed) !== -1) {
                    return true;
                }
            }
        }
        return false;
    }

    function containsAny(value, characters) {
        for (var i = 0; i < characters.length; i += 1) {
            if (value.indexOf(characters.charAt(i)) !== -1) {
                return true;
            }
        }
        return false;
    }

    document.addEventListener("DOMContentLoaded", function () {
        var list = document.getElementById("password-policy");
        var input = document.getElementById("new_password");
        if (!list || !input) {
            return;
        }
        var minLength = parseInt(list.getAttribute("data-min-length") || "12", 10);
        var maxLength = parseInt(list.getAttribute("data-max-length") || "256", 10);
        var passphraseLength = parseInt(list.getAttribute("data-passphrase-length") || "64", 10);
        var specials = list.getAttribute("data-special-characters") || "";
        var username = (list.getAttribute("data-username") || "").toLowerCase();
        var rows = (list.getAttribute("data-sequences") || "").split(" ").filter(Boolean);
        var sequenceLength = parseInt(list.getAttribute("data-sequence-length") || "4", 10);
        var repeatLength = parseInt(list.getAttribute("data-repeat-length") || "4", 10);
        var summary = document.getElementById("password-policy-summary");

        function evaluate(value) {
            var length = Array.from(value).length;
            var passphrase = length >= passphraseLength;
            return {
                length: length >= minLength && length <= maxLength,
                upper: passphrase || /[A-Z]/.test(value),
                lower: passphrase || /[a-z]/.test(value),
                digit: passphrase || /[0-9]/.test(value),
                special: passphrase || containsAny(value, specials),
                repeat: value.length > 0 && !hasRepeats(value, repeatLength),
                sequence: value.length > 0 && !hasSequence(value, rows, sequenceLength),
                username: value.length > 0 && (username.length < 3 || value.toLowerCase().indexOf(username) === -1)
            };
        }

        function update() {
            var results = evaluate(input.value);
            var items = list.querySelectorAll("li[data-rule]");
            var unmet = 0;
            for (var i = 0; i < items.length; i += 1) {
                var item = items[i];
                var met = results[item.getAttribute("data-rule")] === true;
                item.classList.toggle("is-met", met);
                item.classList.toggle("is-unmet", !met);
                var state = item.querySelector(".policy-state");
                if (state) {
                    state.textContent = met ? "met: " : "not met yet: ";
                }
                if (!met) {
                    unmet += 1;
                }
            }
            if (summary) {
                summary.textContent = unmet === 0
                    ? "Every rule is met."
                    : unmet + (unmet === 1 ? " rule is" : " rules are") + " not met yet.";
            }
        }

        input.addEventListener("input", update);
        update();
    });
})();

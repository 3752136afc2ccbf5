// Report page: when a link targets a finding inside the folded "Rules met" list, unfold it
// so the finding is visible, then bring it into view.
(function () {
    "use strict";

    function reveal() {
        if (!window.location.hash) {
            return;
        }
        var target = document.getElementById(window.location.hash.slice(1));
        if (!target) {
            return;
        }
        var folded = target.closest("details");
        if (folded && !folded.open) {
            folded.open = true;
            target.scrollIntoView();
        }
    }

    window.addEventListener("hashchange", reveal);
    document.addEventListener("DOMContentLoaded", reveal);
})();

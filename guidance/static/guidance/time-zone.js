/* Routine email form: progressive enhancement. Tells the shop the visitor's time zone so the
   follow-up emails arrive at a sensible local hour; without JavaScript the field stays empty
   and the shop's own time zone is used. The server ignores names it does not know. */
(function () {
    "use strict";
    var zone = "";
    try {
        zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
        return;
    }
    var fields = document.querySelectorAll("input[data-browser-time-zone]");
    for (var i = 0; i < fields.length; i++) {
        if (!fields[i].value) { fields[i].value = zone; }
    }
}());

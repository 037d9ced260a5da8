/* Hold timer for technique pages: progressive enhancement. Without JavaScript the page
   already says how long to hold; with it, a start/stop countdown appears. */
(function () {
    "use strict";
    function format(seconds) {
        var m = Math.floor(seconds / 60), s = seconds % 60;
        return m + ":" + (s < 10 ? "0" : "") + s;
    }
    function setUp(box) {
        var total = parseInt(box.getAttribute("data-hold-seconds"), 10);
        if (!total) { return; }
        var left = total, timer = null;
        var wrap = document.createElement("p");
        var button = document.createElement("button");
        var display = document.createElement("span");
        button.type = "button";
        button.className = "btn btn-outline-primary";
        button.textContent = "Start the hold timer";
        display.className = "guidance-hold-timer";
        display.setAttribute("role", "timer");
        display.setAttribute("aria-live", "polite");
        display.textContent = format(left);
        function stop(label) {
            clearInterval(timer);
            timer = null;
            button.textContent = label;
        }
        button.addEventListener("click", function () {
            if (timer) { stop("Start again"); left = total; display.textContent = format(left); return; }
            button.textContent = "Stop";
            timer = setInterval(function () {
                left -= 1;
                display.textContent = format(left);
                if (left <= 0) { stop("Start again"); display.textContent = "Done: release slowly"; left = total; }
            }, 1000);
        });
        wrap.appendChild(button);
        wrap.appendChild(display);
        box.appendChild(wrap);
    }
    var boxes = document.querySelectorAll("[data-hold-seconds]");
    for (var i = 0; i < boxes.length; i++) { setUp(boxes[i]); }
})();

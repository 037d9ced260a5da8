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
        var status = document.createElement("span");  // announces start and end, not every second
        wrap.className = "hold-controls";
        button.type = "button";
        button.className = "btn btn-primary";
        button.textContent = "Start the hold timer";
        display.className = "hold-time";
        display.setAttribute("role", "timer");
        display.textContent = format(left);
        status.className = "visually-hidden";
        status.setAttribute("aria-live", "polite");
        function stop(label) {
            clearInterval(timer);
            timer = null;
            button.textContent = label;
        }
        button.addEventListener("click", function () {
            if (timer) { stop("Start again"); left = total; display.textContent = format(left); return; }
            button.textContent = "Stop";
            status.textContent = "Timer started: " + format(total);
            timer = setInterval(function () {
                left -= 1;
                display.textContent = format(left);
                if (left <= 0) {
                    stop("Start again");
                    left = total;
                    display.textContent = "Done: release slowly";
                    status.textContent = "Done: release slowly";
                }
            }, 1000);
        });
        wrap.appendChild(button);
        wrap.appendChild(display);
        wrap.appendChild(status);
        box.appendChild(wrap);
    }
    var boxes = document.querySelectorAll("[data-hold-seconds]");
    for (var i = 0; i < boxes.length; i++) { setUp(boxes[i]); }
})();

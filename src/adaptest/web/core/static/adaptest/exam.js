// Progressive enhancement: a live countdown. The server keeps the real deadline; without this
// script the page shows the time left when it was loaded, and late answers are still refused.
(function () {
  "use strict";
  var timers = document.querySelectorAll(".timer[data-remaining]");
  if (!timers.length) return;
  var announce = document.querySelector(".timer-announcement");
  var endsAt = Date.now() + Number(timers[0].getAttribute("data-remaining")) * 1000;
  var announced = {};
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    timers.forEach(function (t) {
      t.querySelector(".timer-value").textContent = format(left);
      t.classList.toggle("low", left <= 120);
    });
    [300, 60].forEach(function (mark) {
      if (announce && left <= mark && left > mark - 5 && !announced[mark]) {
        announced[mark] = true;
        announce.textContent = (mark / 60) + (mark === 60 ? " minute" : " minutes") + " left.";
      }
    });
    if (left === 0) { window.location.reload(); return; }
    window.setTimeout(tick, 1000);
  }
  tick();
})();

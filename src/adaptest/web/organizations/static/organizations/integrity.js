// Integrity signals, only on the question pages of a campaign attempt (the page says so near the timer).
// Counts two things at this question: leaving the page (the tab hidden or the window losing focus: one
// switch away counts once) and pasting into an answer field. It never reads what was pasted, nor any key.
// Without this script the exam works the same; nothing is recorded.
(function () {
  "use strict";
  var script = document.querySelector("script[data-integrity-url]");
  var form = document.querySelector("form.question-form");
  if (!script || !form) return;
  var url = script.getAttribute("data-integrity-url");
  var position = script.getAttribute("data-position");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (!url || !position || !token) return;

  function report(kind) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append("kind", kind);
    data.append("position", position);
    // A beacon survives the page being hidden or left; if the browser refuses to queue it, fetch
    // with keepalive does the same job. Either way the answer is ignored: nothing here depends on it.
    if (navigator.sendBeacon && navigator.sendBeacon(url, data)) return;
    if (window.fetch) {
      window.fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
        .catch(function () {});
    }
  }

  // Switching to another tab fires both "blur" and "visibilitychange": "away" makes them one event,
  // until the page is visible and focused again. Going to the next question also hides this page, just
  // after "pagehide" (and, for the form's buttons, "submit"): that is not leaving the exam.
  var away = false, leaving = false;
  form.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("pagehide", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; away = false; });
  function left() {
    if (away || leaving) return;
    away = true;
    report("focus_lost");
  }
  function back() {
    if (document.visibilityState === "visible") away = false;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") left(); else back();
  });
  window.addEventListener("blur", left);
  window.addEventListener("focus", back);

  // Only that a paste happened in one of the form's fields: the event's clipboard is never touched.
  form.addEventListener("paste", function (event) {
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || (target && target.isContentEditable)) report("paste");
  });
})();

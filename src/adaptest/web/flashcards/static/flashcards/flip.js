// Flip and review pages: Space shows or hides the answer, 1–4 rate once it is shown. Without this
// script the page works the same with the "Show the answer" control and the rating buttons.
(function () {
  "use strict";
  var card = document.querySelector("[data-flip]");
  if (!card) return;
  var answer = card.querySelector("details");
  if (!answer) return;
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    if (event.key === " " || event.code === "Space") {
      // A focused button, link or summary answers Space itself (the summary by opening the answer).
      if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || (target && target.closest("summary"))) return;
      event.preventDefault();
      answer.open = !answer.open;
      return;
    }
    if (answer.open && /^[1-4]$/.test(event.key)) {
      var button = answer.querySelector('button[data-rating="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();

// Progressive enhancement: Enter in an ordering question's position selector saves the answer, as Enter
// does in every other answer field ("Submit answer" / "Save and next", never "I don't know yet" or
// "Previous"). Without this script Enter opens the selector's list (on Linux and macOS); Space, Alt+Down
// and the arrow keys still open it or change the position.
(function () {
  "use strict";
  function isOpen(select) {
    try { return select.matches(":open"); } catch (error) { return false; }  // :open is recent
  }
  document.querySelectorAll(".ordering select").forEach(function (select) {
    select.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var form = select.form;
      // the answer's own button: "next" on the question and preview pages, "submit" in practice
      var save = form && form.querySelector('button[name="action"][value="next"], button[name="action"][value="submit"]');
      if (!save || !form.requestSubmit || isOpen(select)) return;
      event.preventDefault();
      form.requestSubmit(save);
    });
  });
})();

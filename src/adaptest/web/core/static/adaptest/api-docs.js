// Swagger UI draws a few controls with no accessible name (icon-only buttons, an unlabelled editor)
// and has no setting for them. Name them as they appear; attributes already set are left alone.
(function () {
  "use strict";
  var names = [
    [".copy-to-clipboard > button", "aria-label", "Copy to clipboard"],
    [".modal-ux .close-modal", "aria-label", "Close"],
    ["textarea.body-param__text", "aria-label", "Request body (JSON)"],
  ];
  function nameControls() {
    names.forEach(function (rule) {
      document.querySelectorAll(rule[0]).forEach(function (element) {
        if (!element.getAttribute(rule[1])) element.setAttribute(rule[1], rule[2]);
      });
    });
  }
  new MutationObserver(nameControls).observe(document.body, { childList: true, subtree: true });
  nameControls();
})();

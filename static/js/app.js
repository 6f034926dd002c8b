/* ecabinet: small behaviours of the server-rendered pages. No framework, no inline script.
 *
 * - <form data-confirm="Question?"> or <button data-confirm="Question?"> asks before submitting.
 * - A submitted form disables its buttons so a double tap on a tablet cannot send it twice.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter || null;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return;
    }
    // Disable after the browser has collected the form data (a disabled submitter is not sent).
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("data-disabled-on-submit", "");
      });
    }, 0);
  });

  // Coming back with the browser's Back button restores a page from cache: enable its buttons.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-disabled-on-submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-disabled-on-submit");
    });
  });
})();

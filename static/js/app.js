/* ecabinet: small behaviours of the server-rendered pages. No framework, no inline script.
 *
 * - <form data-confirm="Question?"> or <button data-confirm="Question?"> asks before submitting.
 * - A submitted form disables its buttons so a double tap on a tablet cannot send it twice.
 * - <div class="progress-bar" data-progress="40"> is drawn 40 % wide (the Content-Security-Policy allows no
 *   style="…" attribute; a style set from a script is allowed).
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

  document.querySelectorAll(".progress-bar[data-progress]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, Number(bar.getAttribute("data-progress")) || 0)) + "%";
  });

  // Coming back with the browser's Back button restores a page from cache: enable its buttons.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-disabled-on-submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-disabled-on-submit");
    });
  });
})();

/* ecabinet: small behaviours of the server-rendered pages. No framework, no inline script.
 *
 * - <form data-confirm="Question?"> or <button data-confirm="Question?"> asks before submitting.
 * - A submitted form disables its buttons so a double tap on a tablet cannot send it twice.
 * - <div class="progress-bar" data-progress="40"> is drawn 40 % wide (the Content-Security-Policy allows no
 *   style="…" attribute; a style set from a script is allowed).
 * - <optgroup data-enabled-when="select-id=value"> (or any field) is enabled only while that select has that
 *   value; an option chosen in it is let go when it is disabled.
 * - A field the browser finds invalid (required, too short, not an e-mail…) says so in the page's language: the
 *   messages come translated from <body data-validation-messages>, instead of the browser's own (English) bubble.
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

  var messages = JSON.parse(document.body.getAttribute("data-validation-messages") || "{}");

  function fill(text, field) {
    return (text || "").replace("{min}", field.getAttribute("minlength") || field.getAttribute("min") || "")
      .replace("{max}", field.getAttribute("maxlength") || field.getAttribute("max") || "");
  }

  function validationMessage(field) {
    var validity = field.validity;
    if (validity.valueMissing) {
      if (field.type === "checkbox") return messages.check;
      return field.type === "radio" || field.tagName === "SELECT" ? messages.choose : messages.required;
    }
    if (validity.typeMismatch) return messages[field.type] || messages.format;
    if (validity.badInput) return field.type === "number" ? messages.number : messages.format;
    if (validity.tooShort) return fill(messages.too_short, field);
    if (validity.tooLong) return fill(messages.too_long, field);
    if (validity.rangeUnderflow) return fill(messages.too_small, field);
    if (validity.rangeOverflow) return fill(messages.too_large, field);
    if (validity.stepMismatch) return messages.step;
    return validity.patternMismatch ? field.getAttribute("title") || messages.format : "";
  }

  function followChoice(target) {
    var rule = target.getAttribute("data-enabled-when").split("=");
    var select = document.getElementById(rule[0]);
    if (!select) {
      return;
    }
    target.disabled = select.value !== rule[1];
    if (target.disabled) {
      target.querySelectorAll("option:checked").forEach(function (option) {
        option.selected = false;
      });
    }
  }

  document.addEventListener("change", function (event) {
    document.querySelectorAll("[data-enabled-when]").forEach(function (target) {
      if (target.getAttribute("data-enabled-when").split("=")[0] === event.target.id) {
        followChoice(target);
      }
    });
  });

  // The browser asks every invalid field of a form being sent: give it the translated reason. A message set here
  // is taken back as soon as the field changes, so the browser checks the new value itself.
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");
    if (!field.validity.valid) field.setCustomValidity(validationMessage(field));
  }, true);
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var field = event.target;
      if (field.setCustomValidity && field.validity && field.validity.customError) field.setCustomValidity("");
    }, true);
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

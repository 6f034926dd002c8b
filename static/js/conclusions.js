/* ecabinet: conclusions and directives (templates/conclusions/).
 *
 * On the conclusions page: the date and working-days inputs of a directive form show only for the deadline kind
 * chosen, and the form previews the notice's sentence and the task's title as the server words them. On the live console: the panel #console-conclusions lists the meeting's conclusions, loaded from the
 * API and redrawn on every "conclusions:changed" the server sends on the console's socket (live-room.js exposes
 * it as window.ecabinetLiveSocket). Labels come from data-labels, translated by the server; text is never parsed
 * as HTML.
 */
(function () {
  "use strict";

  function showDeadlineInputs(form) {
    var kind = form.querySelector("[data-deadline-kind]");
    if (!kind) {
      return;
    }
    form.querySelectorAll("[data-deadline-for]").forEach(function (box) {
      var shown = box.getAttribute("data-deadline-for") === kind.value;
      var invalid = box.querySelector(".is-invalid");
      box.classList.toggle("d-none", !shown && !invalid);
    });
  }

  // The preview is the server's own sentence (the one the notice prints), asked again as the entry changes.
  function preview(form) {
    var box = form.querySelector(".directive-preview");
    fetch(form.getAttribute("data-preview-url"), {method: "POST", body: new FormData(form),
                                                  credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (result) {
        box.hidden = !result;
        if (result) {
          box.querySelector("[data-preview=sentence]").textContent = result.sentence;
          box.querySelector("[data-preview=title]").textContent = result.title;
        }
      })
      .catch(function () {
        box.hidden = true;
      });
  }

  document.querySelectorAll(".directive-form").forEach(function (form) {
    var timer = null;
    function schedulePreview() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { preview(form); }, 300);
    }
    showDeadlineInputs(form);
    form.addEventListener("input", schedulePreview);
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-deadline-kind")) {
        showDeadlineInputs(form);
      }
      schedulePreview();
    });
    var details = form.closest("details");
    if (details) {
      details.addEventListener("toggle", function () {
        if (details.open && form.querySelector("[name=content]").value.trim()) {
          preview(form);
        }
      });
    }
  });

  var panel = document.getElementById("console-conclusions");
  if (!panel) {
    return;
  }
  var meetingId = parseInt(panel.getAttribute("data-meeting-id"), 10);
  var labels = JSON.parse(panel.getAttribute("data-labels") || "{}");
  var list = document.getElementById("console-conclusions-list");
  var empty = document.getElementById("console-conclusions-empty");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function vnDate(iso) {
    var parts = String(iso).split("-");
    return parts[2] + "/" + parts[1] + "/" + parts[0];
  }

  function deadlineText(deadline) {
    if (deadline.kind === "date") {
      return labels.due.split("{day}").join(vnDate(deadline.on));
    }
    if (deadline.kind === "working_days") {
      return labels.working_days.split("{n}").join(String(deadline.count));
    }
    return labels.no_deadline;
  }

  function directiveItem(directive) {
    var item = el("li", "console-directive mb-1");
    item.setAttribute("data-directive-id", directive.id);
    item.appendChild(el("div", "text-prewrap", directive.content));
    var facts = labels.lead + ": " + directive.lead_unit.name;
    if (directive.coordinating_units.length) {
      facts += " · " + labels.coordinating + ": " + directive.coordinating_units.map(function (unit) {
        return unit.name;
      }).join(", ");
    }
    facts += " · " + deadlineText(directive.deadline);
    if (directive.report_required) {
      facts += " · " + labels.report;
    }
    item.appendChild(el("div", "small text-body-secondary", facts));
    return item;
  }

  function conclusionItem(conclusion) {
    var item = el("li", "console-conclusion mb-3");
    item.setAttribute("data-conclusion-id", conclusion.id);
    item.appendChild(el("h3", "h6 mb-1", conclusion.agenda_item_title || labels.general));
    if (conclusion.text) {
      item.appendChild(el("p", "mb-1 text-prewrap console-conclusion-text", conclusion.text));
    }
    if (conclusion.directives.length) {
      var directives = el("ol", "mb-0 ps-3");
      conclusion.directives.forEach(function (directive) {
        directives.appendChild(directiveItem(directive));
      });
      item.appendChild(directives);
    }
    return item;
  }

  function render(payload) {
    if (!payload || payload.meeting_id !== meetingId) {
      return;
    }
    list.replaceChildren.apply(list, payload.conclusions.map(conclusionItem));
    empty.classList.toggle("d-none", payload.conclusions.length > 0);
    panel.setAttribute("data-writable", payload.writable ? "true" : "false");
  }

  function load() {
    fetch(panel.getAttribute("data-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(render)
      .catch(function () { /* the next change or reconnection loads them again */ });
  }

  load();
  var socket = window.ecabinetLiveSocket;
  if (socket) {
    socket.on("conclusions:changed", render);
    socket.on("connect", load);  // changes sent while disconnected are missed: reload on every (re)connection
  }
}());

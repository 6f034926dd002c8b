/* ecabinet: the minutes page — each section's text is autosaved (1.5 s after typing stops, and when the field
 * loses focus) with PUT {text, base_revision}. A 409 edit_conflict shows the text someone else saved, with
 * "keep mine" (save again on top of it) and "use the new one"; a failed or offline save keeps the text and
 * retries. The versions drawer lists a section's revisions and restores one.
 *
 * Texts come from the data-labels attribute written by the server, so they stay translated.
 */
(function () {
  "use strict";

  var root = document.getElementById("minutes-sections");
  if (!root) {
    return;
  }
  var labels = JSON.parse(root.getAttribute("data-labels") || "{}");
  var csrfToken = root.getAttribute("data-csrf-token") || "";
  var DEBOUNCE_MS = 1500;
  var RETRY_MS = [2000, 5000, 10000, 30000];

  function label(name, fields) {
    var text = labels[name] || name;
    Object.keys(fields || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(fields[key]));
    });
    return text;
  }

  function clock(iso) {
    var moment = iso ? new Date(iso) : new Date();
    try {
      return moment.toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit", hourCycle: "h23",
                                                 timeZone: "Asia/Ho_Chi_Minh"});
    } catch (e) {
      return moment.toTimeString().slice(0, 5);
    }
  }

  function send(method, url, body) {
    var headers = {"Accept": "application/json"};
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken;
    }
    return fetch(url, {method: method, headers: headers, credentials: "same-origin",
                       body: body ? JSON.stringify(body) : undefined})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {status: response.status, data: data};
        });
      });
  }

  function Section(element) {
    this.element = element;
    this.text = element.querySelector(".section-text");
    this.state = element.querySelector(".save-state");
    this.panel = element.querySelector(".conflict-panel");
    this.drawer = element.querySelector(".revisions-drawer");
    this.base = parseInt(element.getAttribute("data-revision"), 10) || 0;
    this.saved = this.text.value;
    this.timer = null;
    this.saving = false;
    this.again = false;
    this.failures = 0;
    this.theirs = null;
    this.bind();
  }

  Section.prototype.show = function (state, text) {
    this.state.setAttribute("data-state", state);
    this.state.textContent = text;
    this.state.classList.toggle("text-danger", state === "refused" || state === "retrying");
  };

  Section.prototype.dirty = function () {
    return this.text.value !== this.saved;
  };

  Section.prototype.bind = function () {
    var self = this;
    if (!this.text.readOnly) {
      this.text.addEventListener("input", function () {
        if (self.theirs) {
          return;
        }
        self.show("unsaved", label("unsaved"));
        self.schedule(DEBOUNCE_MS);
      });
      this.text.addEventListener("blur", function () { self.schedule(0); });
      this.panel.querySelector(".keep-mine").addEventListener("click", function () { self.keepMine(); });
      this.panel.querySelector(".use-theirs").addEventListener("click", function () { self.useTheirs(); });
    }
    this.element.querySelector(".revisions-toggle").addEventListener("click", function (event) {
      self.toggleDrawer(event.currentTarget);
    });
  };

  Section.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.save(); }, delay);
  };

  Section.prototype.save = function () {
    var self = this;
    if (this.theirs || !this.dirty()) {
      return;
    }
    if (this.saving) {
      this.again = true;
      return;
    }
    var text = this.text.value;
    this.saving = true;
    this.show("saving", label("saving"));
    send("PUT", this.element.getAttribute("data-save-url"), {text: text, base_revision: this.base})
      .then(function (answer) { self.saved_(answer, text); },
            function () { self.retry(); })
      .then(function () {
        self.saving = false;
        if (self.again) {
          self.again = false;
          self.schedule(0);
        }
      });
  };

  Section.prototype.saved_ = function (answer, text) {
    var error = (answer.data && answer.data.error) || null;
    if (answer.status === 200) {
      this.failures = 0;
      this.base = answer.data.revision;
      this.saved = text;
      this.element.setAttribute("data-revision", String(this.base));
      if (this.dirty()) {
        this.again = true;
      } else {
        this.show("saved", label("saved", {time: clock(answer.data.updated_at)}));
      }
      this.refreshDrawer();
    } else if (answer.status === 409 && error && error.code === "edit_conflict") {
      this.conflict(error);
    } else if (answer.status >= 500 || answer.status === 0 || answer.status === 429) {
      this.retry();
    } else {
      this.show("refused", label("refused", {reason: error ? error.message : answer.status}));
    }
  };

  Section.prototype.retry = function () {
    var delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    this.show("retrying", label("retrying"));
    this.schedule(delay);
  };

  Section.prototype.conflict = function (error) {
    var current = (error.details && error.details[0]) || {};
    this.theirs = {text: current.text || "", revision: current.revision};
    this.panel.querySelector(".conflict-message").textContent = label("conflict", {
      name: current.updated_by || label("someone"), revision: current.revision});
    this.panel.querySelector(".conflict-text").textContent = this.theirs.text;
    this.panel.classList.remove("d-none");
    this.show("conflict", error.message);
  };

  Section.prototype.closeConflict = function () {
    this.panel.classList.add("d-none");
    this.element.setAttribute("data-revision", String(this.base));
  };

  Section.prototype.keepMine = function () {
    this.base = this.theirs.revision;
    this.theirs = null;
    this.closeConflict();
    this.save();
  };

  Section.prototype.useTheirs = function () {
    this.base = this.theirs.revision;
    this.text.value = this.saved = this.theirs.text;
    this.theirs = null;
    this.closeConflict();
    this.show("saved", "");
  };

  /* --- the versions drawer ------------------------------------------------------------------- */
  Section.prototype.toggleDrawer = function (button) {
    var open = this.drawer.classList.toggle("d-none") === false;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      this.loadRevisions();
    }
  };

  Section.prototype.refreshDrawer = function () {
    if (!this.drawer.classList.contains("d-none")) {
      this.loadRevisions();
    }
  };

  Section.prototype.loadRevisions = function () {
    var self = this;
    var list = this.drawer.querySelector(".revisions-list");
    send("GET", this.element.getAttribute("data-revisions-url")).then(function (answer) {
      list.textContent = "";
      if (answer.status !== 200) {
        list.appendChild(self.line(label("load_failed")));
        return;
      }
      if (!answer.data.length) {
        list.appendChild(self.line(label("no_revisions")));
      }
      answer.data.forEach(function (revision) { list.appendChild(self.revisionItem(revision)); });
    }, function () {
      list.textContent = "";
      list.appendChild(self.line(label("load_failed")));
    });
  };

  Section.prototype.line = function (text) {
    var item = document.createElement("li");
    item.className = "text-body-secondary";
    item.textContent = text;
    return item;
  };

  Section.prototype.revisionItem = function (revision) {
    var self = this;
    var item = document.createElement("li");
    item.className = "revision border-bottom py-1";
    item.setAttribute("data-number", String(revision.number));
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = label("revision", {n: revision.number}) + " · " + revision.saved_by.full_name + " · " +
      clock(revision.saved_at);
    var text = document.createElement("div");
    text.className = "text-prewrap small my-1";
    text.textContent = revision.text;
    details.appendChild(summary);
    details.appendChild(text);
    item.appendChild(details);
    if (!this.text.readOnly) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-primary restore-revision";
      button.textContent = label("restore");
      button.addEventListener("click", function () { self.restore(revision.number); });
      item.appendChild(button);
    }
    return item;
  };

  Section.prototype.restore = function (number) {
    var self = this;
    send("POST", this.element.getAttribute("data-restore-url"), {number: number, base_revision: this.base})
      .then(function (answer) {
        if (answer.status === 200) {
          self.text.value = answer.data.text;
          self.saved_(answer, answer.data.text);
        } else {
          self.saved_(answer, self.text.value);
        }
      }, function () { self.show("retrying", label("retrying")); });
  };

  var sections = Array.prototype.map.call(root.querySelectorAll(".minutes-section"), function (element) {
    return new Section(element);
  });

  window.addEventListener("online", function () {
    sections.forEach(function (section) { section.schedule(0); });
  });
  window.addEventListener("beforeunload", function (event) {
    if (sections.some(function (section) { return section.dirty(); })) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();

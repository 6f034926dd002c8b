// Private notes in the material reader (templates/materials/reader.html, the "Ghi chú" panel).
//
// The panel lists the caller's own notes (GET /api/v1/materials/<id>/notes): those of the current page, which
// follow the reader (window.ecabinetReader.onPageChange), and all of them grouped by page, a tap going to the page.
// A note is added on the current page, edited and deleted in place; writes send the X-CSRFToken header. A note
// written on an older version of the material says so. Every label comes from the template (data-label-*), in
// Vietnamese; the API's errors are shown with the server's own (Vietnamese) message.

const panel = document.getElementById("reader-notes");
const toggle = document.getElementById("reader-notes-toggle");
// Open or closed is remembered per document: opening the next document starts with the panel closed, so the page
// keeps the whole height of a portrait tablet until the reader opens the notes there.
const STORAGE_KEY = `ecabinet.reader.notes:${location.pathname}`;

class ReaderNotes {
  constructor(element, button, reader) {
    this.panel = element;
    this.toggleBtn = button;
    this.reader = reader;
    this.data = element.dataset;
    this.notes = [];
    this.loaded = false;
    this.view = "page";
    this.page = reader.currentPage();
    this.editing = null; // the id of the note being edited
    this.confirming = null; // the id of the note whose deletion waits for a confirmation
    this.busy = false;
    const $ = (id) => document.getElementById(id);
    this.countBadge = $("reader-notes-count");
    this.allCount = $("reader-notes-all-count");
    this.errorEl = $("reader-notes-error");
    this.statusEl = $("reader-notes-status");
    this.loadingEl = $("reader-notes-loading");
    this.pageTitle = $("reader-notes-page-title");
    this.pageList = $("reader-notes-page-list");
    this.pageEmpty = $("reader-notes-page-empty");
    this.pageSection = $("reader-notes-page");
    this.allSection = $("reader-notes-all");
    this.groups = $("reader-notes-groups");
    this.allEmpty = $("reader-notes-all-empty");
    this.form = $("reader-notes-form");
    this.text = $("reader-notes-text");
    this.save = $("reader-notes-save");
    this.addLabel = $("reader-notes-add-label");
    this.viewButtons = [...element.querySelectorAll(".reader-notes-view")];
    this.closeBtn = $("reader-notes-close");
  }

  label(name, values = {}) {
    let text = this.data[name] || "";
    for (const [key, value] of Object.entries(values)) text = text.replace(`{${key}}`, String(value));
    return text;
  }

  start() {
    this.toggleBtn.addEventListener("click", () => this.show(this.panel.hidden));
    this.closeBtn.addEventListener("click", () => {
      this.show(false);
      this.toggleBtn.focus();
    });
    for (const button of this.viewButtons) {
      button.addEventListener("click", () => this.setView(button.dataset.view));
    }
    this.text.addEventListener("input", () => this.updateSave());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.add();
    });
    this.pageList.addEventListener("click", (event) => this.onNoteAction(event));
    this.groups.addEventListener("click", (event) => {
      const target = event.target.closest("[data-go-to]");
      if (!target) return;
      this.reader.goTo(Number(target.dataset.goTo));
      this.setView("page");
    });
    this.reader.onPageChange((page) => this.onPage(page));
    let open = false;
    try {
      open = localStorage.getItem(STORAGE_KEY) === "shown";
    } catch {
      // private mode: closed by default
    }
    if (open) this.show(true, false);
    this.onPage(this.reader.currentPage());
    this.load();
  }

  // --- showing --------------------------------------------------------------------------------------------

  show(open, remember = true) {
    this.panel.hidden = !open;
    this.toggleBtn.setAttribute("aria-pressed", String(open));
    this.toggleBtn.setAttribute("aria-expanded", String(open));
    document.getElementById("reader")?.classList.toggle("notes-open", open);
    if (remember) {
      try {
        localStorage.setItem(STORAGE_KEY, open ? "shown" : "hidden");
      } catch {
        // private mode: the choice lasts for this page only
      }
    }
  }

  setView(view) {
    this.view = view === "all" ? "all" : "page";
    for (const button of this.viewButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.view === this.view));
    }
    this.pageSection.hidden = this.view !== "page";
    this.allSection.hidden = this.view !== "all";
  }

  onPage(page) {
    if (!Number.isFinite(page) || page < 1) return;
    const changed = page !== this.page;
    this.page = page;
    this.pageTitle.textContent = this.label("labelPageNotes", {page});
    this.addLabel.textContent = this.label("labelAdd", {page});
    if (changed) {
      this.editing = null;
      this.confirming = null;
    }
    this.render();
  }

  setError(message) {
    this.errorEl.textContent = message || "";
    this.errorEl.hidden = !message;
  }

  announce(message) {
    this.statusEl.textContent = "";
    requestAnimationFrame(() => {
      this.statusEl.textContent = message;
    });
  }

  updateSave() {
    this.save.disabled = this.busy || !this.text.value.trim() || !this.loaded;
  }

  render() {
    const total = this.notes.length;
    this.countBadge.hidden = total === 0;
    this.countBadge.textContent = String(total);
    this.allCount.textContent = total ? `(${total})` : "";
    this.countBadge.setAttribute("aria-label", this.label("labelCount", {count: total}));
    this.loadingEl.hidden = this.loaded;
    this.renderPage();
    this.renderAll();
    this.markThumbs();
    this.updateSave();
  }

  renderPage() {
    const notes = this.notes.filter((note) => note.page === this.page);
    this.pageList.replaceChildren(...notes.map((note) => this.noteItem(note)));
    this.pageEmpty.hidden = !this.loaded || notes.length > 0;
  }

  noteItem(note) {
    const item = document.createElement("li");
    item.className = "reader-note";
    item.id = `reader-note-${note.id}`;
    item.dataset.noteId = String(note.id);
    const older = this.olderBadge(note);
    if (older) item.append(older);
    if (this.editing === note.id) {
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = `reader-note-edit-${note.id}`;
      label.textContent = this.label("labelNoteText");
      const area = document.createElement("textarea");
      area.className = "form-control reader-notes-text";
      area.id = `reader-note-edit-${note.id}`;
      area.rows = 3;
      area.maxLength = 10000;
      area.value = note.text;
      const actions = this.actions([
        ["save", this.label("labelSave"), "btn-primary", "bi-check-lg"],
        ["cancel-edit", this.label("labelCancel"), "btn-outline-secondary", "bi-x-lg"],
      ]);
      area.addEventListener("input", () => {
        actions.querySelector('[data-action="save"]').disabled = this.busy || !area.value.trim();
      });
      item.append(label, area, actions);
      return item;
    }
    const text = document.createElement("p");
    text.className = "reader-note-text";
    text.textContent = note.text;
    item.append(text);
    if (this.confirming === note.id) {
      const question = document.createElement("p");
      question.className = "reader-note-confirm";
      question.textContent = this.label("labelConfirmDelete");
      item.append(question, this.actions([
        ["confirm-delete", this.label("labelDelete"), "btn-danger", "bi-trash"],
        ["cancel-delete", this.label("labelCancel"), "btn-outline-secondary", "bi-x-lg"],
      ]));
    } else {
      item.append(this.actions([
        ["edit", this.label("labelEdit"), "btn-outline-secondary", "bi-pencil", this.label("labelEditNote")],
        ["delete", this.label("labelDelete"), "btn-outline-danger", "bi-trash", this.label("labelDeleteNote")],
      ]));
    }
    return item;
  }

  actions(buttons) {
    const box = document.createElement("div");
    box.className = "reader-note-actions";
    for (const [action, text, style, icon, title] of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `btn ${style} reader-note-btn`;
      button.dataset.action = action;
      if (title) button.title = title;
      const glyph = document.createElement("i");
      glyph.className = `bi ${icon}`;
      glyph.setAttribute("aria-hidden", "true");
      const span = document.createElement("span");
      span.textContent = text;
      button.append(glyph, span);
      button.disabled = this.busy;
      box.append(button);
    }
    return box;
  }

  olderBadge(note) {
    if (note.current_version == null || note.written_on_version === note.current_version) return null;
    const badge = document.createElement("span");
    badge.className = "badge reader-note-version";
    const glyph = document.createElement("i");
    glyph.className = "bi bi-clock-history";
    glyph.setAttribute("aria-hidden", "true");
    badge.append(glyph, this.label("labelOlderVersion", {version: note.written_on_version}));
    return badge;
  }

  renderAll() {
    const byPage = new Map();
    for (const note of this.notes) {
      if (!byPage.has(note.page)) byPage.set(note.page, []);
      byPage.get(note.page).push(note);
    }
    const pages = [...byPage.keys()].sort((a, b) => a - b);
    this.groups.replaceChildren(...pages.map((page) => {
      const group = document.createElement("li");
      group.className = "reader-notes-group";
      group.dataset.page = String(page);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn reader-notes-go";
      button.dataset.goTo = String(page);
      button.setAttribute("aria-label", this.label("labelGoToPage", {page}));
      if (page === this.page) button.setAttribute("aria-current", "page");
      const head = document.createElement("span");
      head.className = "reader-notes-go-head";
      const title = document.createElement("span");
      title.className = "reader-notes-go-page";
      title.textContent = this.label("labelPage", {page});
      const count = document.createElement("span");
      count.className = "badge rounded-pill reader-notes-go-count";
      count.textContent = String(byPage.get(page).length);
      const arrow = document.createElement("i");
      arrow.className = "bi bi-chevron-right";
      arrow.setAttribute("aria-hidden", "true");
      head.append(title, count, arrow);
      button.append(head);
      for (const note of byPage.get(page)) {
        const line = document.createElement("span");
        line.className = "reader-notes-go-note";
        const older = this.olderBadge(note);
        if (older) line.append(older);
        const text = document.createElement("span");
        text.className = "reader-notes-go-text";
        text.textContent = note.text;
        line.append(text);
        button.append(line);
      }
      group.append(button);
      return group;
    }));
    this.allEmpty.hidden = !this.loaded || pages.length > 0;
  }

  markThumbs() {
    const pages = new Set(this.notes.map((note) => note.page));
    for (const thumb of document.querySelectorAll(".reader-thumb[data-page]")) {
      thumb.classList.toggle("has-notes", pages.has(Number(thumb.dataset.page)));
    }
  }

  // --- the API --------------------------------------------------------------------------------------------

  async request(method, url, body) {
    const headers = {Accept: "application/json"};
    if (method !== "GET") headers["X-CSRFToken"] = this.data.csrfToken || "";
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {method, headers, credentials: "same-origin",
                                   body: body === undefined ? undefined : JSON.stringify(body)});
    } catch {
      throw new Error(this.label("labelOffline"));
    }
    if (response.status === 204) return null;
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      const error = payload && payload.error;
      const detail = error && Array.isArray(error.details) && error.details.find((d) => d && d.message);
      let message = (error && error.message) || this.label("labelOffline");
      if (error && error.code !== "validation_error" && detail && detail.message !== message) {
        message = `${message} ${detail.message}`;
      }
      throw new Error(message);
    }
    return payload;
  }

  noteUrl(id) {
    return this.data.noteUrl.replace("{id}", String(id));
  }

  async run(task) {
    if (this.busy) return false;
    this.busy = true;
    this.panel.setAttribute("aria-busy", "true");
    this.setError("");
    this.render();
    try {
      await task();
      return true;
    } catch (error) {
      this.setError(error.message);
      return false;
    } finally {
      this.busy = false;
      this.panel.removeAttribute("aria-busy");
      this.render();
    }
  }

  async load() {
    await this.run(async () => {
      try {
        this.notes = await this.request("GET", this.data.listUrl);
      } finally {
        this.loaded = true;
      }
    });
    this.panel.dataset.state = "ready";
  }

  sort() {
    this.notes.sort((a, b) => a.page - b.page || a.id - b.id);
  }

  async add() {
    const text = this.text.value.trim();
    if (!text || !this.loaded) return;
    const page = this.page;
    const done = await this.run(async () => {
      const note = await this.request("POST", this.data.listUrl, {page, text});
      this.notes.push(note);
      this.sort();
    });
    if (done) {
      this.text.value = "";
      this.announce(this.label("labelSaved"));
    }
    this.updateSave();
  }

  onNoteAction(event) {
    const button = event.target.closest("button[data-action]");
    const item = button && button.closest("[data-note-id]");
    if (!item) return;
    const id = Number(item.dataset.noteId);
    const action = button.dataset.action;
    if (action === "edit") {
      this.editing = id;
      this.confirming = null;
      this.render();
      const area = document.getElementById(`reader-note-edit-${id}`);
      area?.focus();
    } else if (action === "cancel-edit") {
      this.editing = null;
      this.render();
    } else if (action === "save") {
      this.edit(id, document.getElementById(`reader-note-edit-${id}`)?.value || "");
    } else if (action === "delete") {
      this.confirming = id;
      this.editing = null;
      this.render();
      document.querySelector(`#reader-note-${id} [data-action="cancel-delete"]`)?.focus();
    } else if (action === "cancel-delete") {
      this.confirming = null;
      this.render();
    } else if (action === "confirm-delete") {
      this.remove(id);
    }
  }

  async edit(id, value) {
    const text = value.trim();
    if (!text) return;
    const done = await this.run(async () => {
      const note = await this.request("PATCH", this.noteUrl(id), {text});
      this.notes = this.notes.map((old) => (old.id === id ? note : old));
      this.editing = null;
    });
    if (done) this.announce(this.label("labelSaved"));
  }

  async remove(id) {
    const done = await this.run(async () => {
      await this.request("DELETE", this.noteUrl(id));
      this.notes = this.notes.filter((note) => note.id !== id);
      this.confirming = null;
    });
    if (done) this.announce(this.label("labelDeleted"));
  }
}

function start() {
  if (!panel || !toggle || !window.ecabinetReader || start.done) return;
  start.done = true;
  const notes = new ReaderNotes(panel, toggle, window.ecabinetReader);
  notes.start();
  // the thumbnails exist once the document is open: mark those of pages with notes
  document.addEventListener("ecabinet:reader-ready", () => notes.markThumbs());
}

if (window.ecabinetReader) start();
else document.addEventListener("ecabinet:reader-ready", start, {once: true});

// Search inside the open document (templates/materials/reader.html, the reader is static/js/reader.js).
//
// Vietnamese-aware: case and diacritics do not matter ("quy hoach" finds "Quy hoạch", "dau tu" finds "đầu tư").
// It reads the text of the document already loaded, so it works offline as well. The match count, previous and
// next go to the match's page, which is scrolled to and the match's text run highlighted; the line around it is
// shown under the search box.

const form = document.getElementById("reader-search");
const toggle = document.getElementById("reader-search-toggle");
const SNIPPET_CHARS = 60;

/** Lower case, no diacritics, đ as d: one character of the result per character of ``text`` that is not a mark. */
function fold(text) {
  const chars = [];
  const origins = []; // the index in ``text`` each folded character comes from
  for (let i = 0; i < text.length; i++) {
    const plain = text[i].normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
    for (const char of plain) {
      chars.push(char);
      origins.push(i);
    }
  }
  return {text: chars.join(""), origins};
}

const foldQuery = (query) => fold(query.trim().replace(/\s+/g, " ")).text;

class Search {
  constructor(element) {
    this.form = element;
    this.data = element.dataset;
    this.input = element.querySelector("#reader-search-text");
    this.count = element.querySelector("#reader-search-count");
    this.prev = element.querySelector("#reader-search-prev");
    this.snippet = element.querySelector("#reader-search-snippet");
    this.pages = null; // [{text, folded, runs: [{run, start, end}]}] by page, read once
    this.query = "";
    this.matches = [];
    this.index = -1;
  }

  bind() {
    toggle.addEventListener("click", () => this.show(this.form.hidden));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.next(1);
    });
    this.prev.addEventListener("click", () => this.next(-1));
    this.input.addEventListener("input", () => {
      this.query = "";
      this.index = -1;
    });
  }

  show(open) {
    this.form.hidden = !open;
    toggle.setAttribute("aria-pressed", String(open));
    toggle.setAttribute("aria-expanded", String(open));
    if (open) this.input.focus();
    else this.highlight(null);
  }

  async readText() {
    const reader = window.ecabinetReader;
    const pages = [];
    for (let number = 1; number <= reader.pageCount(); number++) {
      const runs = [];
      let text = "";
      for (const run of await reader.textOf(number)) {
        runs.push({run, start: text.length, end: text.length + run.text.length});
        text += run.text + (run.endOfLine ? " " : "");
      }
      pages.push({text, folded: fold(text), runs});
    }
    return pages;
  }

  async find(query) {
    this.count.textContent = this.data.labelSearching;
    this.pages ??= await this.readText();
    const wanted = foldQuery(query);
    this.matches = [];
    this.pages.forEach((page, index) => {
      const {text, origins} = page.folded;
      for (let at = text.indexOf(wanted); wanted && at >= 0; at = text.indexOf(wanted, at + 1)) {
        this.matches.push({page: index + 1, start: origins[at], end: origins[at + wanted.length - 1] + 1});
      }
    });
    this.query = query;
    this.index = -1;
  }

  async next(step) {
    const query = this.input.value;
    if (!foldQuery(query) || document.getElementById("reader").dataset.state !== "ready") return;
    if (query !== this.query) await this.find(query);
    const total = this.matches.length;
    this.prev.disabled = total < 2;
    if (!total) {
      this.count.textContent = this.data.labelNone;
      this.form.dataset.matches = "0";
      this.highlight(null);
      return;
    }
    this.index = (this.index + step + total) % total;
    const match = this.matches[this.index];
    this.count.textContent = this.data.labelMatch.replace("{n}", this.index + 1).replace("{total}", total);
    this.form.dataset.matches = String(total);
    window.ecabinetReader.goTo(match.page);
    this.highlight(match);
  }

  highlight(match) {
    for (const old of document.querySelectorAll(".reader-search-hit")) old.remove();
    this.snippet.hidden = !match;
    if (!match) return;
    const page = this.pages[match.page - 1];
    const pageEl = document.getElementById(`page-${match.page}`);
    for (const {run, start, end} of page.runs) {
      if (!run.text || end <= match.start || start >= match.end) continue;
      const from = (Math.max(match.start, start) - start) / run.text.length;
      const to = (Math.min(match.end, end) - start) / run.text.length;
      const box = document.createElement("div");
      box.className = "reader-search-hit";
      box.style.left = `${(run.left + run.width * from) * 100}%`;
      box.style.top = `${run.top * 100}%`;
      box.style.width = `${run.width * (to - from) * 100}%`;
      box.style.height = `${run.height * 100}%`;
      pageEl.append(box);
    }
    const before = page.text.slice(Math.max(0, match.start - SNIPPET_CHARS), match.start);
    const after = page.text.slice(match.end, match.end + SNIPPET_CHARS);
    const found = document.createElement("mark");
    found.textContent = page.text.slice(match.start, match.end);
    this.snippet.replaceChildren(`${this.data.labelPage.replace("{page}", match.page)}: …${before}`, found,
                                 `${after}…`);
  }
}

if (form && toggle) new Search(form).bind();

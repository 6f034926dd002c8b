// The material reader (templates/materials/reader.html): pdf.js, served by the app, no plugin.
//
// First page fast: pdf.js fetches the file with streaming and, when the server answers byte ranges, with range
// requests, so the page asked for is drawn as soon as its bytes are there. The other pages are drawn only when
// they come near the screen (IntersectionObserver) and released when they leave it, which keeps a long pack
// light on a tablet; the thumbnails are drawn the same way, at low resolution, after the pages.
//
// window.ecabinetReader = {goTo(page), currentPage(), onPageChange(cb), pageCount(), textOf(page)} lets the live
// meeting drive the reader (the presenter's page, follow mode) and the search (reader-search.js) read the text. Labels come from the template (data-label-*), in Vietnamese.

const root = document.getElementById("reader");

const CSS_UNITS = 96 / 72; // a PDF point at 100 %
const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
const MAX_CANVAS_PIXELS = 12_000_000; // per page canvas: tablets have little memory for canvases
const THUMB_MAX_RATIO = 2;

class Reader {
  constructor(element) {
    this.root = element;
    const data = element.dataset;
    this.data = data;
    this.pagesEl = element.querySelector("#reader-pages");
    this.listEl = element.querySelector("#reader-page-list");
    this.thumbsEl = element.querySelector("#reader-thumbs");
    this.thumbListEl = element.querySelector("#reader-thumb-list");
    this.statusEl = element.querySelector("#reader-status");
    this.errorEl = element.querySelector("#reader-error");
    this.progressEl = element.querySelector("#reader-progress");
    this.input = element.querySelector("#reader-page-input");
    this.prevBtn = element.querySelector("#reader-prev");
    this.nextBtn = element.querySelector("#reader-next");
    this.zoomLevel = element.querySelector("#reader-zoom-level");
    this.fitBtn = element.querySelector("#reader-fit-width");
    this.thumbsToggle = element.querySelector("#reader-thumbs-toggle");

    this.pdf = null;
    this.numPages = Number(data.pageCount) || 0; // from the server until the document says otherwise
    this.current = clamp(Number(data.initialPage) || 1, 1, Math.max(this.numPages, 1));
    this.pending = null; // a page asked for before the document was there
    this.pinned = null; // {page, top}: goTo() decides the current page until the user scrolls
    this.fitWidth = true;
    this.zoom = 1;
    this.pages = []; // index = page number - 1
    this.visible = new Set();
    this.visibleThumbs = new Set();
    this.listeners = new Set();
    this.pumping = false;
    this.firstDrawn = false;
    this.defaultSize = null;
    this.lastWidth = 0;
  }

  label(name, page) {
    return (this.data[name] || "{page}").replace("{page}", String(page));
  }

  // --- public: what the live meeting uses -----------------------------------------------------------------

  goTo(page) {
    const target = Math.round(Number(page));
    if (!Number.isFinite(target)) return this.current;
    if (!this.pdf || !this.pages.length) { // not loaded yet: open there
      this.pending = clamp(target, 1, Math.max(this.numPages, 1));
      this.setCurrent(this.pending);
      return this.pending;
    }
    const number = clamp(target, 1, this.numPages);
    const view = this.pages[number - 1];
    this.pagesEl.scrollTop = Math.max(0, view.el.offsetTop - this.pageGap());
    this.pinned = {page: number, top: this.pagesEl.scrollTop};
    this.setCurrent(number);
    this.schedule();
    return number;
  }

  /** The page's text runs, each with its box as fractions of the page (what the search highlights). */
  async textOf(number) {
    const page = await this.proxyOf(this.pages[number - 1]);
    const viewport = page.getViewport({scale: 1});
    const content = await page.getTextContent();
    return content.items.filter((item) => "str" in item).map((item) => { // an empty run may end a line
      const height = Math.hypot(item.transform[2], item.transform[3]);
      const [x, y] = viewport.convertToViewportPoint(item.transform[4], item.transform[5]);
      return {text: item.str, endOfLine: Boolean(item.hasEOL), left: x / viewport.width,
              top: (y - height) / viewport.height, width: item.width / viewport.width,
              height: (height * 1.25) / viewport.height};
    });
  }

  onPageChange(callback) {
    if (typeof callback !== "function") throw new TypeError("onPageChange needs a function");
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  // --- loading --------------------------------------------------------------------------------------------

  async open() {
    this.bindControls();
    this.placeReader();
    this.root.dataset.state = "loading";
    let pdfjs;
    try {
      pdfjs = await import(this.data.pdfjsUrl);
      pdfjs.GlobalWorkerOptions.workerSrc = this.data.workerUrl;
      const task = pdfjs.getDocument({
        url: this.data.fileUrl,
        // Streaming and ranges on (the defaults, said out loud): the first page needs only its own bytes.
        disableRange: false,
        disableStream: false,
        disableAutoFetch: false,
        rangeChunkSize: 65536,
        cMapUrl: this.data.cmapUrl,
        cMapPacked: true,
        standardFontDataUrl: this.data.standardFontUrl,
        wasmUrl: this.data.wasmUrl,
        iccUrl: this.data.iccUrl,
        enableXfa: false,
      });
      task.onProgress = ({loaded, total}) => this.progress(loaded, total);
      this.pdf = await task.promise;
    } catch (error) {
      this.fail(error);
      return;
    }
    this.numPages = this.pdf.numPages;
    this.input.max = String(this.numPages);
    const count = this.root.querySelector("#reader-page-count [aria-hidden]");
    if (count && !count.textContent.trim()) { // a document rendered on demand: its length is known only now
      count.textContent = "/ " + this.numPages;
    }
    const first = clamp(this.pending ?? this.current, 1, this.numPages);
    this.pending = null;
    try {
      const page = await this.pdf.getPage(first);
      this.defaultSize = sizeOf(page);
      this.buildPages();
      this.pages[first - 1].proxy = page;
      this.pages[first - 1].size = this.defaultSize;
      this.layout(false);
      this.pumping = true; // nothing else is drawn before the page the reader opened
      this.observe();
      this.goTo(first);
      await this.renderPage(first);
    } catch (error) {
      this.fail(error);
      return;
    } finally {
      this.pumping = false;
    }
    if (!this.firstDrawn) this.firstPageShown(); // that page is broken: show the others
    if (this.pending) this.goTo(this.pending); // asked for while the first page was coming
    this.pending = null;
    this.schedule();
    this.learnSizes(); // the real size of every page, for mixed A4 portrait / landscape packs
  }

  progress(loaded, total) {
    if (!total || this.firstDrawn) return;
    const bar = this.progressEl.firstElementChild;
    bar.style.width = `${Math.min(100, Math.round((loaded / total) * 100))}%`;
  }

  fail(error) {
    this.root.dataset.state = "error";
    this.statusEl.hidden = true;
    this.progressEl.hidden = true;
    this.errorEl.classList.remove("d-none");
    console.warn("ecabinet reader:", error); // the page says it in Vietnamese; this is for support
  }

  buildPages() {
    const pageFragment = document.createDocumentFragment();
    const thumbFragment = document.createDocumentFragment();
    for (let number = 1; number <= this.numPages; number++) {
      const el = document.createElement("div");
      el.className = "reader-page";
      el.id = `page-${number}`;
      el.dataset.page = String(number);
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", this.label("labelPage", number));
      const placeholder = document.createElement("span");
      placeholder.className = "reader-page-placeholder";
      placeholder.setAttribute("aria-hidden", "true");
      placeholder.textContent = String(number);
      el.append(placeholder);
      pageFragment.append(el);

      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "reader-thumb";
      button.id = `thumb-${number}`;
      button.dataset.page = String(number);
      button.setAttribute("aria-label", this.label("labelGoToPage", number));
      const frame = document.createElement("span");
      frame.className = "reader-thumb-frame";
      const numberEl = document.createElement("span");
      numberEl.className = "reader-thumb-number";
      numberEl.setAttribute("aria-hidden", "true");
      numberEl.textContent = String(number);
      button.append(frame, numberEl);
      item.append(button);
      thumbFragment.append(item);

      this.pages.push({
        number, el, size: null, proxy: null, canvas: null, scale: 0, task: null,
        thumb: {button, frame, canvas: null, task: null},
      });
    }
    this.listEl.replaceChildren(pageFragment);
    this.thumbListEl.replaceChildren(thumbFragment);
    this.root.classList.add("has-pages");
    this.updateControls();
  }

  async learnSizes() {
    let changed = false;
    for (const view of this.pages) {
      if (view.size) continue;
      try {
        view.proxy ??= await this.pdf.getPage(view.number);
      } catch {
        continue; // a broken page keeps the default size; drawing it will say more
      }
      view.size = sizeOf(view.proxy);
      if (!sameSize(view.size, this.defaultSize)) changed = true;
      if (changed && view.number % 25 === 0) {
        this.layout(true);
        changed = false;
      }
    }
    if (changed) this.layout(true);
    this.schedule();
  }

  // --- layout ---------------------------------------------------------------------------------------------

  sizeOf(view) {
    return view.size || this.defaultSize;
  }

  availableWidth() {
    const style = getComputedStyle(this.listEl);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return Math.max(120, this.pagesEl.clientWidth - padding);
  }

  pageGap() {
    return parseFloat(getComputedStyle(this.listEl).paddingTop) || 0;
  }

  scaleFor(view) {
    if (!this.fitWidth) return this.zoom;
    return this.availableWidth() / (this.sizeOf(view).width * CSS_UNITS);
  }

  /** Size every page for the current zoom; ``anchor`` keeps the current page where it is on the screen. */
  layout(anchor) {
    if (!this.pages.length) return;
    const keep = anchor ? this.anchor() : null;
    const width = this.availableWidth();
    for (const view of this.pages) {
      const size = this.sizeOf(view);
      const scale = this.fitWidth ? width / (size.width * CSS_UNITS) : this.zoom;
      view.el.style.width = `${Math.floor(size.width * CSS_UNITS * scale)}px`;
      view.el.style.height = `${Math.floor(size.height * CSS_UNITS * scale)}px`;
      view.thumb.frame.style.aspectRatio = `${size.width} / ${size.height}`;
    }
    this.lastWidth = this.pagesEl.clientWidth;
    if (keep) this.restore(keep);
    this.showZoom();
  }

  anchor() {
    const view = this.pages[this.current - 1];
    const height = view.el.offsetHeight || 1;
    return {view, fraction: (this.pagesEl.scrollTop - view.el.offsetTop) / height, pinned: !!this.pinned};
  }

  restore({view, fraction, pinned}) {
    this.pagesEl.scrollTop = Math.max(0, view.el.offsetTop + fraction * view.el.offsetHeight);
    if (pinned) this.pinned = {page: view.number, top: this.pagesEl.scrollTop};
  }

  showZoom() {
    const view = this.pages[this.current - 1];
    if (view) this.zoomLevel.textContent = `${Math.round(this.scaleFor(view) * 100)}%`;
    this.fitBtn.setAttribute("aria-pressed", String(this.fitWidth));
  }

  setZoom(fitWidth, zoom = this.zoom) {
    this.fitWidth = fitWidth;
    this.zoom = clamp(zoom, ZOOM_STEPS[0], ZOOM_STEPS[ZOOM_STEPS.length - 1]);
    this.layout(true);
    this.schedule();
  }

  zoomBy(direction) {
    const view = this.pages[this.current - 1];
    if (!view) return;
    const now = this.scaleFor(view);
    const next = direction > 0 ? ZOOM_STEPS.find((s) => s > now * 1.01) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]
      : [...ZOOM_STEPS].reverse().find((s) => s < now * 0.99) ?? ZOOM_STEPS[0];
    this.setZoom(false, next);
  }

  placeReader() {
    // The reader fills the screen below the header: the pages scroll inside it, the page chrome never does.
    const top = this.root.getBoundingClientRect().top + window.scrollY;
    this.root.style.setProperty("--reader-top", `${Math.round(top)}px`);
  }

  // --- which page is current --------------------------------------------------------------------------------

  onScroll() {
    if (this.pinned && Math.abs(this.pagesEl.scrollTop - this.pinned.top) <= 2) return;
    this.pinned = null;
    if (!this.pages.length) return;
    const line = this.pagesEl.scrollTop + this.pagesEl.clientHeight * 0.3;
    let low = 0;
    let high = this.pages.length - 1;
    while (low < high) { // the last page whose top is above the reading line
      const mid = (low + high + 1) >> 1;
      if (this.pages[mid].el.offsetTop <= line) low = mid;
      else high = mid - 1;
    }
    this.setCurrent(low + 1);
  }

  setCurrent(number) {
    if (document.activeElement !== this.input) this.input.value = String(number);
    const changed = number !== this.current || !this.root.dataset.current;
    const view = this.pages[number - 1];
    if (view && view.thumb.button.getAttribute("aria-current") !== "page") {
      this.thumbListEl.querySelector('[aria-current="page"]')?.removeAttribute("aria-current");
      view.thumb.button.setAttribute("aria-current", "page");
      revealIn(this.thumbsEl, view.thumb.button);
    }
    if (!changed) return;
    this.current = number;
    this.root.dataset.current = String(number);
    this.updateControls();
    this.showZoom();
    this.rememberInUrl(number);
    for (const listener of [...this.listeners]) {
      try {
        listener(number);
      } catch (error) {
        console.error(error);
      }
    }
  }

  updateControls() {
    const count = Math.max(this.numPages, 1);
    this.prevBtn.disabled = this.current <= 1;
    this.nextBtn.disabled = this.current >= count;
  }

  rememberInUrl(number) {
    clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(() => {
      const url = new URL(window.location.href);
      if (url.searchParams.get("page") === String(number)) return;
      if (!url.searchParams.has("page") && number === 1) return;
      url.searchParams.set("page", String(number));
      history.replaceState(history.state, "", url);
    }, 300);
  }

  // --- drawing ---------------------------------------------------------------------------------------------

  observe() {
    this.pageObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const view = this.pages[Number(entry.target.dataset.page) - 1];
        if (entry.isIntersecting) this.visible.add(view);
        else {
          this.visible.delete(view);
          this.release(view);
        }
      }
      this.schedule();
    }, {root: this.pagesEl, rootMargin: "100% 0px"}); // one screen ahead and behind
    this.thumbObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const view = this.pages[Number(entry.target.dataset.page) - 1];
        if (entry.isIntersecting) this.visibleThumbs.add(view);
        else this.visibleThumbs.delete(view);
      }
      this.schedule();
    }, {root: this.thumbsEl, rootMargin: "200px"});
    for (const view of this.pages) {
      this.pageObserver.observe(view.el);
      this.thumbObserver.observe(view.thumb.button);
    }
  }

  schedule() {
    if (this.pumping || !this.pdf || !this.pages.length) return;
    this.pumping = true;
    requestAnimationFrame(() => this.pump());
  }

  /** One drawing at a time: pages near the current one first, then thumbnails. */
  async pump() {
    try {
      for (;;) {
        const page = this.nextPage();
        if (page) {
          await this.renderPage(page.number);
          continue;
        }
        const thumb = this.nextThumb();
        if (thumb) {
          await this.renderThumb(thumb);
          continue;
        }
        break;
      }
    } finally {
      this.pumping = false;
    }
  }

  nextPage() {
    let best = null;
    for (const view of this.visible) {
      if (view.task || (view.canvas && Math.abs(view.scale - this.scaleFor(view)) < 1e-3)) continue;
      if (!best || Math.abs(view.number - this.current) < Math.abs(best.number - this.current)) best = view;
    }
    return best;
  }

  nextThumb() {
    if (this.root.classList.contains("thumbs-hidden")) return null;
    let best = null;
    for (const view of this.visibleThumbs) {
      if (view.thumb.canvas || view.thumb.task) continue;
      if (!best || Math.abs(view.number - this.current) < Math.abs(best.number - this.current)) best = view;
    }
    return best;
  }

  async proxyOf(view) {
    view.proxy ??= await this.pdf.getPage(view.number);
    if (!view.size) {
      view.size = sizeOf(view.proxy);
      if (!sameSize(view.size, this.defaultSize)) this.layout(true);
    }
    return view.proxy;
  }

  async renderPage(number) {
    const view = this.pages[number - 1];
    let page;
    try {
      page = await this.proxyOf(view);
    } catch (error) {
      this.pageFailed(view, error);
      return;
    }
    const scale = this.scaleFor(view);
    const viewport = page.getViewport({scale: scale * CSS_UNITS});
    const ratio = outputRatio(viewport, window.devicePixelRatio || 1, MAX_CANVAS_PIXELS);
    const canvas = document.createElement("canvas");
    canvas.className = "reader-canvas";
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.setAttribute("aria-hidden", "true");
    const task = page.render({canvas, viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0]});
    view.task = task;
    try {
      await task.promise;
    } catch (error) {
      if (error?.name !== "RenderingCancelledException") this.pageFailed(view, error);
      return;
    } finally {
      if (view.task === task) view.task = null;
    }
    if (!this.visible.has(view) && this.firstDrawn) { // scrolled away meanwhile
      freeCanvas(canvas);
      return;
    }
    if (view.canvas) {
      view.canvas.replaceWith(canvas); // the old drawing stayed on screen until the new one was ready
      freeCanvas(view.canvas);
    } else view.el.append(canvas);
    view.canvas = canvas;
    view.scale = scale;
    view.el.classList.add("is-drawn");
    if (!view.thumb.canvas) this.thumbFromPage(view);
    if (!this.firstDrawn) this.firstPageShown();
  }

  pageFailed(view, error) {
    view.el.classList.add("is-broken");
    view.scale = this.scaleFor(view); // do not retry in a loop
    view.canvas ??= document.createElement("canvas");
    console.warn(`ecabinet reader: page ${view.number}`, error);
  }

  firstPageShown() {
    this.firstDrawn = true;
    this.statusEl.hidden = true;
    this.progressEl.hidden = true;
    this.root.dataset.state = "ready";
    document.dispatchEvent(new CustomEvent("ecabinet:reader-ready", {detail: {pageCount: this.numPages}}));
  }

  release(view) {
    if (view.task) {
      view.task.cancel();
      view.task = null;
    }
    if (view.canvas) {
      view.canvas.remove();
      freeCanvas(view.canvas);
      view.canvas = null;
      view.scale = 0;
      view.el.classList.remove("is-drawn");
      view.proxy?.cleanup();
    }
  }

  thumbSize(view) {
    const box = view.thumb.frame.getBoundingClientRect();
    return {width: box.width, height: box.height};
  }

  thumbFromPage(view) {
    const {width, height} = this.thumbSize(view);
    if (!width || !height) return;
    const ratio = Math.min(window.devicePixelRatio || 1, THUMB_MAX_RATIO);
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * ratio));
    canvas.height = Math.max(1, Math.round(height * ratio));
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(view.canvas, 0, 0, canvas.width, canvas.height);
    this.placeThumb(view, canvas);
  }

  async renderThumb(view) {
    const {width} = this.thumbSize(view);
    if (!width) {
      this.visibleThumbs.delete(view);
      return;
    }
    let page;
    try {
      page = await this.proxyOf(view);
    } catch {
      view.thumb.canvas = document.createElement("canvas"); // no thumbnail for a broken page
      return;
    }
    const ratio = Math.min(window.devicePixelRatio || 1, THUMB_MAX_RATIO);
    const viewport = page.getViewport({scale: (width * ratio) / sizeOf(page).width});
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.floor(viewport.width));
    canvas.height = Math.max(1, Math.floor(viewport.height));
    const task = page.render({canvas, viewport});
    view.thumb.task = task;
    try {
      await task.promise;
    } catch (error) {
      if (error?.name !== "RenderingCancelledException") console.warn(`ecabinet reader: thumbnail ${view.number}`, error);
      view.thumb.canvas ??= canvas; // do not retry in a loop
      return;
    } finally {
      view.thumb.task = null;
    }
    if (!view.thumb.canvas) this.placeThumb(view, canvas);
    if (!view.canvas && !view.task) page.cleanup(); // the page itself is not on screen: free what pdf.js kept
  }

  placeThumb(view, canvas) {
    canvas.className = "reader-thumb-canvas";
    canvas.setAttribute("aria-hidden", "true");
    view.thumb.frame.replaceChildren(canvas);
    view.thumb.canvas = canvas;
    view.thumb.button.classList.add("is-drawn");
  }

  // --- controls --------------------------------------------------------------------------------------------

  bindControls() {
    this.prevBtn.addEventListener("click", () => this.goTo(this.current - 1));
    this.nextBtn.addEventListener("click", () => this.goTo(this.current + 1));
    this.input.addEventListener("change", () => {
      const number = this.goTo(this.input.value);
      this.input.value = String(number);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.input.blur(); // commits: "change" goes to the page
      }
    });
    this.input.addEventListener("focus", () => this.input.select());
    this.element("#reader-zoom-in").addEventListener("click", () => this.zoomBy(1));
    this.element("#reader-zoom-out").addEventListener("click", () => this.zoomBy(-1));
    this.fitBtn.addEventListener("click", () => this.setZoom(true));
    this.thumbsToggle.addEventListener("click", () => this.toggleThumbs());
    this.thumbListEl.addEventListener("click", (event) => {
      const button = event.target.closest(".reader-thumb");
      if (button) this.goTo(Number(button.dataset.page));
    });
    this.pagesEl.addEventListener("scroll", () => {
      if (this.scrollFrame) return;
      this.scrollFrame = requestAnimationFrame(() => {
        this.scrollFrame = 0;
        this.onScroll();
      });
    }, {passive: true});
    document.addEventListener("keydown", (event) => this.onKey(event));
    new ResizeObserver(() => this.onResize()).observe(this.pagesEl);
    window.addEventListener("resize", () => this.placeReader());
    window.addEventListener("load", () => this.placeReader());
    if (localStorage.getItem("ecabinet.reader.thumbs") === "hidden") this.toggleThumbs(false);
  }

  element(selector) {
    return this.root.querySelector(selector);
  }

  toggleThumbs(show = this.root.classList.contains("thumbs-hidden")) {
    this.root.classList.toggle("thumbs-hidden", !show);
    this.thumbsToggle.setAttribute("aria-pressed", String(show));
    try {
      localStorage.setItem("ecabinet.reader.thumbs", show ? "shown" : "hidden");
    } catch {
      // private mode: the choice lasts for this page only
    }
    if (show) {
      const view = this.pages[this.current - 1];
      if (view) requestAnimationFrame(() => revealIn(this.thumbsEl, view.thumb.button));
    }
  }

  onResize() {
    if (!this.pages.length || this.pagesEl.clientWidth === this.lastWidth) return;
    this.placeReader();
    this.layout(true); // a tablet turned: fit to width again, keep the page
    this.schedule();
  }

  onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"))) {
      return;
    }
    if (target instanceof HTMLElement && target.closest(".dropdown-menu, .modal")) return;
    const actions = {
      ArrowLeft: () => this.goTo(this.current - 1),
      ArrowRight: () => this.goTo(this.current + 1),
      Home: () => this.goTo(1),
      End: () => this.goTo(this.numPages),
      "+": () => this.zoomBy(1),
      "=": () => this.zoomBy(1),
      "-": () => this.zoomBy(-1),
    };
    const action = actions[event.key];
    if (!action || !this.pdf) return;
    event.preventDefault();
    action();
  }
}

// --- helpers --------------------------------------------------------------------------------------------------

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

function sizeOf(page) {
  const viewport = page.getViewport({scale: 1}); // PDF points, rotation applied
  return {width: viewport.width, height: viewport.height};
}

function sameSize(a, b) {
  return !!a && !!b && Math.abs(a.width - b.width) < 0.5 && Math.abs(a.height - b.height) < 0.5;
}

function outputRatio(viewport, ratio, maxPixels) {
  const pixels = viewport.width * viewport.height;
  if (pixels * ratio * ratio <= maxPixels) return ratio;
  return Math.sqrt(maxPixels / pixels);
}

function freeCanvas(canvas) {
  canvas.width = 0; // Safari keeps a canvas's memory until its size is zero
  canvas.height = 0;
}

/** Scroll ``container`` (only it, never the window) so that ``element`` is inside it. */
function revealIn(container, element) {
  if (!container || container.offsetParent === null) return;
  const box = container.getBoundingClientRect();
  const item = element.getBoundingClientRect();
  const margin = 8;
  if (item.top < box.top) container.scrollTop -= box.top - item.top + margin;
  else if (item.bottom > box.bottom) container.scrollTop += item.bottom - box.bottom + margin;
  if (item.left < box.left) container.scrollLeft -= box.left - item.left + margin;
  else if (item.right > box.right) container.scrollLeft += item.right - box.right + margin;
}

if (root) {
  const reader = new Reader(root);
  window.ecabinetReader = {
    goTo: (page) => reader.goTo(page),
    currentPage: () => reader.current,
    onPageChange: (callback) => reader.onPageChange(callback),
    pageCount: () => reader.numPages,
    textOf: (page) => reader.textOf(page),
  };
  reader.open();
}

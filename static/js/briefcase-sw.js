// The offline briefcase's service worker (served as /sw.js; the page side is static/js/briefcase.js).
//
// Meeting data is kept only in IndexedDB, every record encrypted with AES-GCM under the sign-in session's key,
// which this worker holds in memory only (the page hands it over from GET /api/v1/briefcase/key): a copy of the
// browser's storage reveals no file, no title, no note. Record ids name meetings and materials by number only.
// Cache Storage keeps the application's static files (scripts, styles, pdf.js), nothing of a meeting.
//
// Requests go to the network first; when it fails, the reader page, the material's file, the pack and the
// notes come decrypted from the briefcase, and a note written offline is queued and sent when the page says the
// network is back (a note is only ever added, so both sides' notes are kept). Any other page asked for offline
// gets the offline page (/offline, kept with the static files), listing the materials the briefcase holds.
//
// The browser stops an idle worker and its memory with it: the worker then asks its open pages, which keep the
// key in their memory too, and a page opened offline asks the worker for it. The key is gone, and the briefcase
// unreadable, only once every page is closed and the worker stopped.

const SHELL = "ecabinet-shell-v1";
const DB_NAME = "ecabinet-briefcase";
const STORE = "records";
const INDEX = "index";
const OFFLINE_PAGE = "/offline";
const PAGE_ANSWERS_MS = 2000; // a page frozen in the background does not hold up the others' answer

let key = null; // the CryptoKey of the signed-in session; gone when the worker stops or the user signs out
let rawKey = null; // the same, as the pages hand it over (base64), to hand to a page opened offline
let asking = null; // the pages are being asked for the key
let database = null;
let queue = Promise.resolve();

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(keepOfflinePage().catch(() => {}));
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// --- storage ---------------------------------------------------------------------------------------------

function openDatabase() {
  if (database) return Promise.resolve(database);
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, {keyPath: "id"});
    request.onsuccess = () => {
      database = request.result;
      database.onversionchange = () => { // a wipe deletes the database: let it
        database.close();
        database = null;
      };
      resolve(database);
    };
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, work) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

async function encrypt(bytes) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({name: "AES-GCM", iv}, key, bytes);
  return {iv, data};
}

async function put(id, bytes) {
  const sealed = await encrypt(bytes);
  await transact("readwrite", (store) => store.put({id, ...sealed}));
}

async function get(id) {
  if (!(await unlocked())) return null;
  const record = await transact("readonly", (store) => store.get(id));
  if (!record) return null;
  try {
    return await crypto.subtle.decrypt({name: "AES-GCM", iv: record.iv}, key, record.data);
  } catch {
    return null; // sealed under another session's key: unreadable, as meant
  }
}

async function remove(ids) {
  if (ids.length) await transact("readwrite", (store) => ids.forEach((id) => store.delete(id)));
}

async function allIds() {
  return (await transact("readonly", (store) => store.getAllKeys())) || [];
}

const text = new TextEncoder();
const untext = new TextDecoder();

async function putJson(id, value) {
  await put(id, text.encode(JSON.stringify(value)));
}

async function getJson(id, fallback) {
  const bytes = await get(id);
  return bytes ? JSON.parse(untext.decode(bytes)) : fallback;
}

// What the briefcase holds: [{meeting_id, material_id, key}], the material_id null for a pack.
const inventory = () => getJson(INDEX, []);

const fileId = (item) => `f:${item.meeting_id}:${item.material_id ?? "pack"}`;
const pageId = (materialId) => `p:${materialId}`;
const notesId = (materialId) => `n:${materialId}`;

async function wipe() {
  key = null;
  rawKey = null;
  if (database) {
    database.close();
    database = null;
  }
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
  for (const name of await caches.keys()) await caches.delete(name);
}

// --- syncing ------------------------------------------------------------------------------------------

async function broadcast(message) {
  const windows = await self.clients.matchAll({type: "window", includeUncontrolled: true});
  for (const client of windows) client.postMessage(message);
}

async function forget(items) {
  const ids = [];
  for (const item of items) {
    ids.push(fileId(item));
    if (item.material_id) ids.push(pageId(item.material_id), notesId(item.material_id));
  }
  await remove(ids);
}

async function download(file) {
  const response = await fetch(file.file_url, {credentials: "same-origin", headers: {"X-Briefcase": "prefetch"}});
  if (response.status !== 200) throw new Error(`${file.file_url}: ${response.status}`);
  await put(fileId(file), await response.arrayBuffer());
  if (!file.page_url) return;
  const page = await fetch(file.page_url, {credentials: "same-origin"});
  if (page.ok) await put(pageId(file.material_id), await page.arrayBuffer());
}

async function sync(plan) {
  const same = (a, b) => a.meeting_id === b.meeting_id && a.material_id === b.material_id && a.key === b.key;
  let held = await inventory();
  const stale = held.filter((item) => !plan.files.some((file) => same(file, item)));
  await forget(stale);
  held = held.filter((item) => !stale.includes(item));
  await putJson(INDEX, held);
  const byMeeting = new Map(plan.meeting_ids.map((id) => [id, plan.files.filter((f) => f.meeting_id === id)]));
  for (const [meetingId, files] of byMeeting) {
    if (!files.length) continue;
    let done = files.filter((file) => held.some((item) => same(file, item))).length;
    await broadcast({type: "progress", meetingId, done, total: files.length});
    for (const file of files) {
      if (held.some((item) => same(file, item))) continue;
      try {
        await download(file);
      } catch {
        continue; // offline again or refused: the next sync tries again
      }
      held.push({meeting_id: file.meeting_id, material_id: file.material_id, key: file.key});
      await putJson(INDEX, held);
      done += 1;
      await broadcast({type: "progress", meetingId, done, total: files.length});
    }
  }
  return held;
}

// --- notes written offline ------------------------------------------------------------------------

async function queueNote(request) {
  const body = await request.json();
  const materialId = Number(new URL(request.url).pathname.split("/")[4]);
  const now = new Date().toISOString();
  const note = {id: -Date.now(), material_id: materialId, page: body.page, text: body.text,
                written_on_version: null, current_version: null, created_at: now, updated_at: now};
  await putJson(`q:${-note.id}`, {url: request.url, body});
  const cached = await getJson(notesId(materialId), []);
  await putJson(notesId(materialId), [...cached, note]);
  return note;
}

async function flushNotes(csrfToken) {
  const queued = (await allIds()).filter((id) => String(id).startsWith("q:"));
  for (const id of queued) {
    const entry = await getJson(id, null);
    if (!entry) continue;
    const response = await fetch(entry.url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken},
      body: JSON.stringify(entry.body)});
    if (response.ok || response.status === 404 || response.status === 403) await remove([id]);
  }
  return queued.length;
}

// --- the page's messages -----------------------------------------------------------------------------

// The pages that have no key yet (opened offline while the worker had none) get it as soon as the worker does.
async function importKey(raw) {
  const bytes = Uint8Array.from(atob(raw), (c) => c.charCodeAt(0));
  const known = rawKey === raw;
  key = await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
  rawKey = raw;
  if (!known) await broadcast({type: "key", key: raw});
}

function keyOfPage(client) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(reject, PAGE_ANSWERS_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      return event.data && event.data.key ? resolve(event.data.key) : reject();
    };
    client.postMessage({type: "need-key"}, [channel.port2]);
  });
}

async function keyFromPages() {
  const windows = await self.clients.matchAll({type: "window", includeUncontrolled: true});
  const found = await Promise.any(windows.map(keyOfPage)).catch(() => null);
  if (found && !key) await importKey(found);
}

// Whether the key is there, asked of the open pages when the worker was stopped since it got it.
async function unlocked() {
  if (key) return true;
  asking ??= keyFromPages().finally(() => {
    asking = null;
  });
  await asking;
  return Boolean(key);
}

// One sync or sending of queued notes at a time: two pages, or two "online" events, must not send a note twice.
function after(work) {
  const next = queue.then(work);
  queue = next.catch(() => {});
  return next;
}

const handlers = {
  key: (message) => importKey(message.key),
  "get-key": async () => ((await unlocked()) ? rawKey : null),
  inventory: () => (key ? inventory() : []),
  sync: (message) => after(() => keepOfflinePage().catch(() => {}).then(() => sync(message.plan))),
  flush: (message) => after(() => (key ? flushNotes(message.csrfToken) : 0)),
  wipe: () => wipe(),
};

self.addEventListener("message", (event) => {
  const handler = handlers[event.data && event.data.type];
  const port = event.ports[0];
  if (!handler) return;
  event.waitUntil(Promise.resolve().then(() => handler(event.data)).then(
    (result) => port && port.postMessage({ok: true, result}),
    (error) => port && port.postMessage({ok: false, error: String(error)})));
});

// --- serving --------------------------------------------------------------------------------------------

const READER = /^\/materials\/(\d+)\/read$/;
const FILE = /^\/api\/v1\/materials\/(\d+)\/file$/;
const PACK = /^\/api\/v1\/meetings\/(\d+)\/pack\.pdf$/;
const NOTES = /^\/api\/v1\/materials\/(\d+)\/notes$/;

async function storePage(url, response) {
  const materialId = Number(new URL(url, self.location.origin).pathname.match(READER)[1]);
  if (!key || !response.ok || !(await inventory()).some((item) => item.material_id === materialId)) return;
  await put(pageId(materialId), await response.arrayBuffer());
}

async function heldFile(pathname) {
  const held = await inventory();
  let item;
  const material = pathname.match(FILE);
  if (material) item = held.find((entry) => entry.material_id === Number(material[1]));
  const pack = pathname.match(PACK);
  if (pack) item = held.find((entry) => entry.meeting_id === Number(pack[1]) && entry.material_id === null);
  return item ? get(fileId(item)) : null;
}

// --- the offline page ------------------------------------------------------------------------------------

async function keepOfflinePage() {
  const response = await fetch(OFFLINE_PAGE, {credentials: "same-origin"}); // in the user's language
  if (response.ok) await (await caches.open(SHELL)).put(OFFLINE_PAGE, response);
}

const between = (html, pattern) => (html.match(pattern) || [])[1] || "";

// The reader pages the briefcase holds, as links named by the (already escaped) titles inside those pages.
async function heldLinks() {
  const links = [];
  for (const item of await inventory()) {
    const page = item.material_id && (await get(pageId(item.material_id)));
    if (!page) continue;
    const html = untext.decode(page);
    const title = between(html, /id="reader-title"[^>]*>([^<]*)</);
    const meeting = between(html, /id="reader-meeting"[^>]*>([^<]*)</);
    links.push(`<li><a class="offline-material" href="/materials/${item.material_id}/read">${title}</a>` +
               `<br><small class="text-body-secondary">${meeting}</small></li>`);
  }
  return links.join("");
}

// The headers the server gives its pages (its security policy first), kept with the offline page.
function pageHeaders(cached) {
  const headers = new Headers(cached ? cached.headers : {"Content-Type": "text/html; charset=utf-8"});
  headers.delete("Content-Length");
  return headers;
}

async function offlinePage() {
  const cached = await caches.match(OFFLINE_PAGE);
  if (!cached) return offlineAnswer();
  let html = await cached.text();
  const links = (await unlocked()) ? await heldLinks() : null;
  if (links === null) html = html.replace('id="offline-locked" hidden', 'id="offline-locked"');
  else if (links) html = html.replace('id="offline-held" hidden', 'id="offline-held"').replace("<!--held-->", links);
  return new Response(html, {status: 503, headers: pageHeaders(cached)});
}

function offlineAnswer(status = 503) {
  return new Response(JSON.stringify({error: {code: "offline", message: "offline"}}),
                      {status, headers: {"Content-Type": "application/json"}});
}

async function fromNetwork(request, keep) {
  try {
    const response = await fetch(request);
    if (keep) keep(response.clone()).catch(() => {});
    return response;
  } catch {
    return null;
  }
}

async function serveReader(request, materialId) {
  const online = await fromNetwork(request, (copy) => storePage(request.url, copy));
  if (online) return online;
  const page = await get(pageId(materialId));
  return page ? new Response(page, {headers: pageHeaders(await caches.match(OFFLINE_PAGE))}) : offlinePage();
}

async function serveOtherPage(request) {
  return (await fromNetwork(request)) || offlinePage();
}

async function serveFile(request, pathname) {
  const online = await fromNetwork(request);
  if (online) return online;
  const bytes = await heldFile(pathname);
  return bytes ? new Response(bytes, {headers: {"Content-Type": "application/pdf"}}) : offlineAnswer();
}

async function serveNotes(request, materialId) {
  const held = async () => (await inventory()).some((item) => item.material_id === materialId);
  if (request.method === "POST") {
    const online = await fromNetwork(request.clone());
    if (online || !key || !(await held())) return online || offlineAnswer();
    return new Response(JSON.stringify(await queueNote(request)),
                        {status: 201, headers: {"Content-Type": "application/json"}});
  }
  const online = await fromNetwork(request, async (copy) => {
    if (key && copy.ok && (await held())) await put(notesId(materialId), await copy.arrayBuffer());
  });
  if (online) return online;
  const notes = await get(notesId(materialId));
  return notes ? new Response(notes, {headers: {"Content-Type": "application/json"}}) : offlineAnswer();
}

async function serveStatic(request) {
  const online = await fromNetwork(request, async (copy) => {
    if (key && copy.ok) await (await caches.open(SHELL)).put(request, copy); // signed out: nothing is kept
  });
  return online || (await caches.match(request)) || offlineAnswer(504);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  const {pathname} = url;
  const method = event.request.method;
  let match;
  if (method === "GET" && pathname.startsWith("/static/")) {
    event.respondWith(serveStatic(event.request));
  } else if (method === "GET" && (match = pathname.match(READER))) {
    event.respondWith(serveReader(event.request, Number(match[1])));
  } else if (method === "GET" && (FILE.test(pathname) || PACK.test(pathname))) {
    event.respondWith(serveFile(event.request, pathname));
  } else if ((method === "GET" || method === "POST") && (match = pathname.match(NOTES))) {
    event.respondWith(serveNotes(event.request, Number(match[1])));
  } else if (method === "GET" && event.request.mode === "navigate") {
    event.respondWith(serveOtherPage(event.request));
  }
});

// The offline briefcase, page side (every page; the worker is static/js/briefcase-sw.js, served as /sw.js).
//
// Signed in: the page hands the worker the session's key (GET /api/v1/briefcase/key, kept in memory only),
// registers the browser as a device once, syncs (POST /api/v1/briefcase/sync: what it holds in, what it may
// keep and what to wipe out; on the meetings' pages, when the network comes back, else every few minutes) and
// shows the download's progress and "ready offline" on every element [data-briefcase-meeting]. Signed out (the
// sign-out form, or any page after the session ended), revoked or refused: everything is wiped. The badge
// #offline-badge shows when the network is gone.
//
// The key stays in this page's memory (never in storage: it would reach the disk): the page hands it to the
// worker whenever the worker lacks it (the browser stops an idle worker), and a page opened offline gets it from
// the worker, which asks the other open pages if it was stopped.

const root = document.getElementById("briefcase");
const DEVICE = "ecabinet-briefcase-device"; // the device's public id: names it, grants nothing
const SYNCED = "ecabinet-briefcase-synced"; // when it last synced
const SYNC_EVERY_MS = 5 * 60 * 1000; // other pages than the meetings' sync this often at most

let sessionKey = null; // the briefcase's key (base64), in this page's memory only

// The page holds the key from now on (#briefcase[data-key=held]); null forgets it.
function holdKey(value) {
  sessionKey = value || null;
  root.dataset.key = sessionKey ? "held" : "none";
  return sessionKey;
}

function ask(worker, type, data = {}) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => (event.data.ok ? resolve(event.data.result) : reject(event.data.error));
    worker.postMessage({type, ...data}, [channel.port2]);
  });
}

function deleteStorage() {
  const deletion = new Promise((resolve) => {
    const request = indexedDB.deleteDatabase("ecabinet-briefcase");
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
  return Promise.all([deletion, caches.keys().then((names) => Promise.all(names.map((n) => caches.delete(n))))]);
}

async function wipe(worker, revoked = false) {
  holdKey(null);
  if (revoked) localStorage.removeItem(DEVICE); // this browser registers again as a new device
  localStorage.removeItem(SYNCED);
  if (worker) await ask(worker, "wipe").catch(() => {});
  await deleteStorage();
  root.dataset.state = "wiped";
}

function label(name, values = {}) {
  let text = root.dataset[name] || "";
  for (const [key, value] of Object.entries(values)) text = text.replace(`{${key}}`, String(value));
  return text;
}

function markMeeting(meetingId, done, total) {
  for (const mark of document.querySelectorAll(`[data-briefcase-meeting="${meetingId}"]`)) {
    const ready = done >= total;
    mark.hidden = false;
    mark.classList.toggle("briefcase-ready", ready);
    mark.dataset.state = ready ? "ready" : "loading";
    mark.textContent = ready ? label("labelReady") : label("labelLoading", {done, total});
  }
}

function showNetwork() {
  const badge = document.getElementById("offline-badge");
  if (badge) badge.hidden = navigator.onLine;
}

async function api(method, url, body) {
  const headers = {Accept: "application/json"};
  if (method !== "GET") {
    Object.assign(headers, {"Content-Type": "application/json", "X-CSRFToken": root.dataset.csrfToken});
  }
  const response = await fetch(url, {method, headers, credentials: "same-origin",
                                     body: body === undefined ? undefined : JSON.stringify(body)});
  return {status: response.status, body: await response.json().catch(() => null)};
}

// The browser names itself before it asks, so that a page left mid-way leaves no second device behind.
async function deviceId(again = true) {
  let id = localStorage.getItem(DEVICE);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE, id);
  }
  const answer = await api("POST", root.dataset.devicesUrl, {device_id: id});
  if (answer.status === 409 && again) { // another user's device on this browser before: a new name
    localStorage.removeItem(DEVICE);
    return deviceId(false);
  }
  return answer.status === 201 ? id : null;
}

// The key from the server, or with no network from the worker (which asks the other open pages).
async function obtainKey(worker) {
  const answer = await api("GET", root.dataset.keyUrl).catch(() => null);
  if (answer === null) return sessionKey || holdKey(await ask(worker, "get-key").catch(() => null));
  if (answer.status === 401) await wipe(worker);
  if (answer.status !== 200) return null;
  return holdKey(answer.body.key);
}

// The worker gets the key (it may have been stopped since) and sends the notes written offline.
async function unlock(worker) {
  if (!(await obtainKey(worker))) return false;
  await ask(worker, "key", {key: sessionKey});
  await ask(worker, "flush", {csrfToken: root.dataset.csrfToken});
  return true;
}

function answerWorker(event) {
  const data = event.data || {};
  if (data.type === "progress") markMeeting(data.meetingId, data.done, data.total);
  if (data.type === "need-key") event.ports[0]?.postMessage({key: sessionKey});
  if (data.type === "key" && !sessionKey) holdKey(data.key);
}

function syncDue() {
  const last = Number(localStorage.getItem(SYNCED) || 0);
  return Boolean(document.querySelector("[data-briefcase-meeting]")) || Date.now() - last > SYNC_EVERY_MS;
}

async function sync(worker, again = true) {
  if (!(await unlock(worker))) return null;
  const device = await deviceId();
  if (!device) return null;
  const cached = await ask(worker, "inventory");
  const answer = await api("POST", root.dataset.syncUrl, {device_id: device, cached});
  if (answer.status === 410) { // revoked: wiped; signed in again since, it starts over as a new device
    await wipe(worker, true);
    return again ? sync(worker, false) : null;
  }
  if (answer.status !== 200) return answer.status === 401 ? wipe(worker) : null;
  root.dataset.state = "syncing";
  const held = await ask(worker, "sync", {plan: answer.body});
  await api("POST", root.dataset.syncUrl, {device_id: device, cached: held});
  localStorage.setItem(SYNCED, String(Date.now()));
  root.dataset.state = "synced";
  return held;
}

async function start() {
  if (root.dataset.signedIn !== "1") {
    await wipe(navigator.serviceWorker.controller);
    return;
  }
  // before anything is awaited: the worker's first message ("need-key") must find the page listening
  navigator.serviceWorker.addEventListener("message", answerWorker);
  window.addEventListener("offline", showNetwork);
  showNetwork();
  // offline, registering fails (it fetches the worker's script): the worker already registered serves
  await navigator.serviceWorker.register(root.dataset.workerUrl, {scope: "/"}).catch(() => null);
  const worker = (await navigator.serviceWorker.ready).active;
  navigator.serviceWorker.addEventListener("controllerchange", () => { // a new worker: it has no key yet
    const controller = navigator.serviceWorker.controller;
    if (sessionKey && controller) ask(controller, "key", {key: sessionKey}).catch(() => {});
  });
  const logout = document.getElementById("logout-form");
  logout?.addEventListener("submit", (event) => {
    if (logout.dataset.wiped) return;
    event.preventDefault();
    wipe(worker).finally(() => {
      logout.dataset.wiped = "1";
      logout.requestSubmit();
    });
  });
  window.addEventListener("online", () => {
    showNetwork();
    sync(worker).catch(() => {});
  });
  if (navigator.onLine) await (syncDue() ? sync(worker) : unlock(worker)).catch(() => {});
  else await obtainKey(worker).catch(() => {});
}

if (root && "serviceWorker" in navigator && window.isSecureContext) {
  start().catch(() => {});
}

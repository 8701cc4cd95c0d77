// The outbox's mechanics in the browser: localStorage, fetch, Web Locks, the retry timer and the
// page events that are chances to send. What an answer means, how long to wait and what the
// outbox may hold are decided by the Rust core, reached through the widget's exports (`rust`).
//
// It is JavaScript because the same mechanics through wasm-bindgen closures and string
// marshalling measured 7.5 KB gzip, a quarter of the widget's whole budget; this file is ~1 KB.
//
// Each response is saved before it is first sent, under its own key (two tabs adding at once
// never overwrite each other), and leaves only when its endpoint answered 2xx or refused it for
// good. A Web Lock per response keeps two tabs from sending it at once; under the lock it is read
// back from storage, so one that another tab delivered is not sent again. A page being left has
// no time to wait for a lock: only the leading page (see LEADER) makes keepalive tries.

const PREFIX = "platinum:outbox:";
// Browsers allow 64 KiB of keepalive bodies in flight; the rest waits for the next page.
const KEEPALIVE_CHARS = 60000;
// A keepalive try's answer dies with its page: other pages of the site leave that response
// alone this long (the try's own time limit) rather than send it again at once.
const KEEPALIVE_GRACE = 10000;
// Which open page of the site sends what waits when pages are left: { page, left }. Pages cannot
// agree at the moment they are left (storage reaches other tabs with a delay, and a lock takes
// longer than a page being left has), so it is settled beforehand: the page seen last.
const LEADER = "platinum:leader";
const PAGE = Math.random() + "";

let rust, store, timer, warned;
// Responses the browser would not store: delivered while this page stays open.
const memory = new Map();
// Tries on their way from this page: id -> { plain, keepalive }.
const busy = new Map();

const say = (how, text) => console[how]("[platinum] " + text);

function refuseStorage(e) {
  if (!warned) say("warn", "this browser will not store feedback (" + ((e && e.message) || e) + "): responses are kept in memory and retried only while the page stays open.");
  warned = 1;
}

/** Starts delivering this site's outbox, once per page. */
export function start(exports) {
  if (rust) return;
  rust = exports;
  try {
    (store = localStorage).length;
  } catch (e) {
    store = null;
    refuseStorage(e);
  }
  addEventListener("online", round);
  addEventListener("pagehide", part);
  // Hidden may be the last moment a page runs: phones discard hidden tabs without pagehide.
  document.addEventListener("visibilitychange", () => (document.hidden ? part() : lead()));
  document.hidden || lead();
  round();
}

function read(id) {
  if (memory.has(id)) return memory.get(id);
  try {
    const entry = JSON.parse(store.getItem(PREFIX + id));
    if (entry && typeof entry.json == "string") return { ...entry, id };
  } catch {}
}

function load() {
  const all = new Map(memory);
  for (let i = 0; store && i < store.length; i++) {
    const key = store.key(i);
    const id = key.startsWith(PREFIX) && key.slice(PREFIX.length);
    const entry = id && !all.has(id) && read(id);
    if (entry) all.set(id, entry);
  }
  return [...all.values()];
}

/** Saves an entry; whether it is stored beyond this page's life. */
function put({ id, ...entry }) {
  try {
    store.setItem(PREFIX + id, JSON.stringify(entry));
    memory.delete(id);
    return true;
  } catch (e) {
    memory.set(id, { id, ...entry });
    refuseStorage(e);
  }
}

function remove(id) {
  memory.delete(id);
  try { store.removeItem(PREFIX + id); } catch {}
}

/** Saves a response the visitor just sent, then sends it with whatever else waits. */
export function submit(endpoint, id, json) {
  // Try again on a response still waiting keeps its age and its count of tries.
  const waiting = read(id) || { saved: Date.now(), tries: 0, after: 0 };
  put({ ...waiting, id, endpoint, json });
  if (rust) round();
}

/** Sends every waiting response that is due and not on its way, within the outbox's bounds. */
function round() {
  const now = Date.now();
  let newer = 0, chars = 0, kept = 0, hold = 0;
  for (const entry of load().sort((a, b) => b.saved - a.saved)) {
    // Newest first, every unexpired entry counted: the oldest go first when a bound is hit.
    const reason = rust.keeps(now - entry.saved, newer, chars, entry.json.length);
    if (reason != 1) {
      newer++;
      chars += entry.json.length;
    }
    if (reason) {
      remove(entry.id);
      say("warn", "undelivered response " + entry.id + (reason == 1 ? " was not delivered within 7 days and is dropped" : " is dropped: the outbox holds at most 50 responses and 256 KB"));
      continue;
    }
    kept++;
    if (busy.has(entry.id)) continue;
    // Held back by Retry-After: the next round comes when the first of these may go.
    if (entry.after > now) hold = Math.min(hold || Infinity, entry.after - now);
    else send(entry.id);
  }
  if (kept && !busy.size) schedule(hold);
}

function mark(id, keepalive, on) {
  const b = busy.get(id) || {};
  b[keepalive ? "keepalive" : "plain"] = on;
  if (b.plain || b.keepalive) busy.set(id, b);
  else busy.delete(id);
}

function send(id) {
  mark(id, false, true);
  const go = (lock) =>
    new Promise((release) => {
      const entry = lock !== null && read(id);
      if (entry) return post(entry, false).then(release);
      mark(id, false, false);
      // Gone from storage under the lock: another tab delivered it.
      if (lock !== null) rust.reported(id, 0);
      end();
      release();
    });
  if (navigator.locks) navigator.locks.request(PREFIX + id, { ifAvailable: true }, go).catch(() => {});
  // Without Web Locks (plain-http pages) only this tab's bookkeeping prevents a second send;
  // the endpoint's deduplication by id absorbs the rest.
  else go(true);
}

/** Makes this page the one that sends on leaving (`left` when it is being left). */
function lead(left) {
  try { store.setItem(LEADER, JSON.stringify({ page: PAGE, left })); } catch {}
}

/** The page is hidden or being left: what waits goes out with keepalive, which outlives it. */
function part() {
  let budget = KEEPALIVE_CHARS;
  const now = Date.now();
  let leader = {};
  try { leader = JSON.parse(store.getItem(LEADER)) || {}; } catch {}
  // Another page leads: it is open and sends what waits, or it was left with this one, and its
  // keepalive tries go. Only a leader left more than a second ago hands over.
  if (leader.page && leader.page != PAGE && !(now - leader.left > 1000)) return;
  lead(now);
  for (const entry of load()) {
    if ((busy.get(entry.id) || {}).keepalive || entry.after > now || entry.json.length > budget) continue;
    // The next pages wait out the grace period rather than send it again at once.
    put({ ...entry, after: now + KEEPALIVE_GRACE });
    budget -= entry.json.length;
    mark(entry.id, true, true);
    post(entry, true);
  }
}

function post(entry, keepalive) {
  const init = {
    method: "POST",
    body: entry.json,
    keepalive,
    // text/plain needs no CORS preflight, which a page being left has no time for.
    headers: { "Content-Type": keepalive ? "text/plain;charset=UTF-8" : "application/json" },
  };
  if (AbortSignal.timeout) init.signal = AbortSignal.timeout(10000);
  return fetch(entry.endpoint, init)
    .then(
      // The endpoint's explanation is worth reading only when it did not accept.
      async (r) => [r.status, r.headers.get("Retry-After"), r.ok ? "" : await r.text().catch(() => "")],
      (e) => [0, null, e.name == "TimeoutError" ? "no answer within 10 s" : e.message],
    )
    .then(([status, retryAfter, detail]) => settle(entry.id, keepalive, status, retryAfter, String(detail).slice(0, 500)));
}

function settle(id, keepalive, status, retryAfter, detail) {
  mark(id, keepalive, false);
  // 0 delivered, 1 worth retrying, 2 refused for good.
  const outcome = rust.outcome(status);
  const holdMs = rust.tried(outcome, retryAfter);
  const entry = read(id);
  // Only what still waits is acted on: another try of it may have settled it meanwhile.
  if (entry) {
    if (outcome == 0) {
      remove(id);
      rust.reported(id, 0);
    } else if (outcome == 2 && !keepalive) {
      // A keepalive try differs from the others in its content type only, so its refusal is
      // not final: the next ordinary try hears the endpoint's real answer.
      remove(id);
      say("error", entry.endpoint + " refused the feedback with HTTP " + status + ": " + detail);
      rust.reported(id, 3);
    } else {
      if (!entry.tries) say("warn", "could not deliver feedback to " + entry.endpoint + " yet (" + (status ? "HTTP " + status : detail) + "); it is kept and retried.");
      const stored = put({ ...entry, tries: entry.tries + 1, after: Date.now() + holdMs });
      rust.reported(id, stored ? 1 : 2);
    }
  }
  end();
}

/** Once nothing is on its way, plans the next round for what still waits. */
function end() {
  if (!busy.size && load().length) schedule(0);
}

function schedule(atLeast) {
  if (timer) return;
  timer = setTimeout(() => {
    timer = 0;
    round();
  }, Math.max(atLeast, rust.pause(Math.random())));
}

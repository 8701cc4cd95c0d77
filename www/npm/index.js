/*! platinum-feedback: the Platinum feedback widget as an ES module. https://github.com/platinum-feedback/platinum */
// The same two wasm builds as the script-tag loader (www/feedback.js): the launcher when `init` is
// first called in a browser, the whole widget when a visitor opens it (or responses from earlier
// pages wait to be sent). Every file it loads is named by a static `import("./…")` or
// `new URL("./…", import.meta.url)` (in the glue), so bundlers copy them without configuration.
// Importing it does nothing: no global, no listener, no access to window or document until `init`
// runs in a browser; in Node (server-side rendering) every call is a no-op.
//
// It is not built from the loader's source: the loader's every byte is counted against the first
// download's budget, and the indirection a shared module would need does not fit in it.

/** The widget's version, as in every payload it sends. */
export const version = "__VERSION__";

const launcher = () => import("./__LAUNCHER_GLUE__");
const widget = () => import("./__GLUE__");
// Each language's words, a module of their own: imported for the language the widget speaks.
const words = __LOCALES__;

const browser = typeof window == "object" && typeof document == "object";
let wasm = null; // the module calls go to; null while one loads
let started = false;
let whole = null; // the whole widget's module, once it is on its way
let dead = false;
let options; // the last init call's options: the whole widget takes over with them
let who; // the last identify call
const meta = {}; // what setMetadata calls set
const queue = [];
const threw = new Set(); // callbacks that threw, reported once each
const handlers = { open: [], close: [], submit: [], delivered: [] };
const texts = {}; // by tag, a promise of the locale module's text ("" when it failed)
let said; // the promise for the language the widget was last mounted in

function say(text, e) {
  console.error("[platinum] " + text + (e ? e.message || e : ""));
}

function fail(e) {
  say("internal error, the widget stops: ", e);
  // A trapped wasm instance cannot be trusted again: take the widget off the page.
  dead = true;
  document.querySelector("platinum-feedback")?.remove();
}

function call(name, arg) {
  if (dead || !browser) return;
  if (!wasm) return void queue.push([name, arg]);
  // The launcher has no identify or setMetadata: they wait for the whole widget (see run).
  if (wasm[name]) {
    try { wasm[name](arg); } catch (e) { fail(e); }
  }
}

function locale(tag) {
  const load = words[tag];
  said = texts[tag] ||= load ? load().then((m) => m.default, () => "") : Promise.resolve("");
  said.then((text) => call("strings", text));
}

// Runs the owner's callbacks; one that throws is reported once and never stops the widget.
function emit(name, detail) {
  for (const fn of handlers[name].slice()) {
    try { fn({ ...detail }); } catch (e) {
      if (!threw.has(fn)) threw.add(fn), say(`a "${name}" callback threw: `, e);
    }
  }
}

const boot = (load) => load().then((m) => m.default().then(() => m));
const fetchWhole = () => (whole ||= boot(widget));

// Boots a module and sends it what was called meanwhile; `how` is what the launcher handed over.
function run(m, how) {
  try { m.boot({}, m, how); } catch (e) { return fail(e); }
  const ready = () => {
    wasm = m;
    while (queue.length) call(...queue.shift());
  };
  // A take-over opens in a task of its own, so building and opening are not one long task.
  if (how.quiet) setTimeout(ready);
  else ready();
}

// The launcher was asked to open (`fired`: by a trigger): the whole widget replaces it and opens.
function upgrade(fired) {
  const previous = wasm;
  if (!previous) return;
  wasm = null;
  queue.unshift(["open"]);
  Promise.all([fetchWhole(), said]).then(
    ([m, text]) => {
      try { previous.destroy(); } catch {}
      run(m, { quiet: true, init: options, calls: [who || [], ["setMetadata", meta]], emit, locale, fired, text });
    },
    (e) => {
      // Nothing changes for the visitor but that it did not open: the next try fetches again.
      whole = null;
      queue.shift();
      wasm = previous;
      while (queue.length) call(...queue.shift());
      say("could not load the feedback dialog: ", e);
    },
  );
}

function waiting() {
  try {
    return Object.keys(localStorage).some((key) => key.startsWith("platinum:outbox:"));
  } catch {}
}

// Loads the launcher (or the whole widget, which alone delivers responses left waiting) once the
// page has loaded and the browser is idle, as the script tag does.
function start() {
  started = true;
  // Where this module and, beside it, the glue run from (as a string: bundlers take any
  // `new URL(…, import.meta.url)` for a file to copy).
  const base = import.meta.url.slice(0, import.meta.url.lastIndexOf("/") + 1);
  // Event handlers run inside the wasm without passing through call(): catch their traps here.
  addEventListener("error", (e) => {
    if (wasm && !dead && e.error instanceof WebAssembly.RuntimeError && String(e.filename).startsWith(base)) {
      e.preventDefault();
      fail(e.error);
    }
  });
  // A pointer over the launcher or focus on it announces a visitor about to open it.
  for (const kind of ["pointerover", "focusin"]) {
    document.addEventListener(kind, (e) => {
      if (wasm && !whole && e.target?.localName == "platinum-feedback") fetchWhole().catch(() => { whole = null; });
    }, { passive: true });
  }
  const load = () =>
    (waiting() ? fetchWhole() : boot(launcher))
      .then((m) => run(m, { upgrade, emit, locale }))
      .catch((e) => say("could not load the widget: ", e));
  const idle = () => (window.requestIdleCallback ? requestIdleCallback(load, { timeout: 2000 }) : setTimeout(load, 1));
  if (document.readyState == "complete") idle();
  else addEventListener("load", idle, { once: true });
}

/**
 * Mounts the widget with `options` (the same keys as the script tag's `data-*` attributes),
 * replacing one already mounted. In Node it says so once and does nothing.
 */
export function init(opts) {
  if (!browser) {
    if (!started) console.warn("[platinum] init was called outside a browser (server-side rendering?): nothing is shown; call it in the browser, e.g. in useEffect or onMounted");
    started = true;
    return;
  }
  options = opts;
  call("init", opts);
  if (!started) start();
}

/** The signed-in visitor, sent with every later response; `identify(null)` forgets them. */
export function identify(visitor) {
  who = ["identify", visitor];
  call("identify", visitor);
}

/** Facts sent as `metadata` with every later response, merged into those set before. */
export function setMetadata(facts) {
  if (facts && typeof facts == "object") Object.assign(meta, facts);
  call("setMetadata", facts);
}

/** Opens the dialog. */
export const open = () => call("open");
/** Closes the dialog. */
export const close = () => call("close");
/** Removes the widget and its listeners from the page; `init` mounts it again. */
export const destroy = () => call("destroy");

function listeners(name, fn, verb) {
  const list = handlers[name];
  if (list && typeof fn == "function") return list;
  say(verb + " expects one of " + Object.keys(handlers).join(", ") + " and a function; got " + String(name));
}

/** Calls `fn` on "open", "close", "submit" or "delivered". */
export function on(name, fn) {
  const list = listeners(name, fn, "on");
  if (list && !list.includes(fn)) list.push(fn);
}

/** Stops calling `fn` on `name`. */
export function off(name, fn) {
  const list = listeners(name, fn, "off");
  if (list?.includes(fn)) list.splice(list.indexOf(fn), 1);
}

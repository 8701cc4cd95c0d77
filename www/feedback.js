/*! Platinum feedback widget loader. https://github.com/platinum-feedback/platinum */
// Reads its own <script> tag, waits until the page has loaded and the browser is idle, then loads
// the launcher from beside itself. The whole widget (the dialog and delivery) is fetched when a
// visitor opens it, or at once when responses from earlier pages still wait to be sent, and takes
// over from the launcher. It defines one global, window.Platinum, and never throws.
(function (w, d) {
  "use strict";
  if (w.Platinum) return; // loaded twice: the first copy runs the widget
  var script = d.currentScript;
  var base = new URL(".", (script && script.src) || d.baseURI).href;
  var attrs = {};
  var data = (script && script.dataset) || {};
  var named = false; // a data-* attribute or an init call: the owner said where to send
  for (var k in data) attrs[k] = data[k], named = true;
  var wasm = null; // the module the API's calls go to; null while one loads
  var whole = null; // the whole widget's module, once it is on its way
  var options; // the last init call's options: the whole widget takes over with them
  // The last identify call and what setMetadata calls set, given again to the whole widget.
  var who, meta = {};
  var threw = []; // callbacks that threw, reported once each
  var handlers = { open: [], close: [], submit: [], delivered: [] };
  // Each language's words are a file of their own, fetched for the language the widget speaks:
  // by tag, a promise of the text ("" when it could not be fetched: the widget stays English).
  var texts = {};
  var said; // the promise for the language the widget was last mounted in
  function locale(tag) {
    (said = texts[tag] || (texts[tag] = fetch(base + "locale-" + tag + "-__LOCALES__.txt")
      .then(function (r) { return r.ok ? r.text() : ""; })
      .catch(function () { return ""; })))
      // For a whole widget that began without them; the launcher has no use for them.
      .then(function (text) { call("strings", text); });
  }
  var queue = [];
  var dead = false;
  function say(text, e) {
    console.error("[platinum] " + text + (e ? e.message || e : ""));
  }
  function fail(e) {
    say("internal error, the widget stops: ", e);
    // A trapped wasm instance cannot be trusted again: take the widget off the page.
    dead = true;
    var host = d.querySelector("platinum-feedback");
    if (host) host.remove();
  }
  function call(name, arg) {
    if (dead) return;
    if (!wasm) return queue.push([name, arg]);
    // The launcher has no identify or setMetadata: they wait for the whole widget (see run).
    if (wasm[name]) try { wasm[name](arg); } catch (e) { fail(e); }
  }
  // Event handlers run inside the wasm without passing through call(): catch their traps here.
  w.addEventListener("error", function (e) {
    if (wasm && !dead && e.error instanceof WebAssembly.RuntimeError && String(e.filename).indexOf(base) === 0) {
      e.preventDefault();
      fail(e.error);
    }
  });
  var api = (w.Platinum = { version: "__VERSION__" });
  ["init", "open", "close", "destroy", "identify", "setMetadata"].forEach(function (name) {
    api[name] = function (arg) {
      if (name == "init") named = true, options = arg;
      if (name == "identify") who = [name, arg];
      if (name == "setMetadata" && arg && typeof arg == "object") for (var k in arg) meta[k] = arg[k];
      call(name, arg);
    };
  });
  // Platinum.on("open" | "close" | "submit" | "delivered", callback) and Platinum.off(name, callback).
  function listeners(name, fn, verb) {
    var list = handlers[name];
    if (list && typeof fn == "function") return list;
    say("Platinum." + verb + " expects one of " + Object.keys(handlers).join(", ") + " and a function; got " + String(name));
  }
  api.on = function (name, fn) {
    var list = listeners(name, fn, "on");
    if (list && list.indexOf(fn) < 0) list.push(fn);
  };
  api.off = function (name, fn) {
    var list = listeners(name, fn, "off");
    if (list && list.indexOf(fn) >= 0) list.splice(list.indexOf(fn), 1);
  };
  // Runs the owner's callbacks; one that throws is reported once and never stops the widget.
  function emit(name, detail) {
    handlers[name].slice().forEach(function (fn) {
      try { fn(Object.assign({}, detail)); } catch (e) {
        if (threw.indexOf(fn) < 0) threw.push(fn), say("a Platinum.on(\"" + name + "\") callback threw: ", e);
      }
    });
  }
  function module(glue, file) {
    return import(base + glue).then(function (m) {
      return m.default({ module_or_path: base + file }).then(function () { return m; });
    });
  }
  function fetchWhole() {
    return whole || (whole = module("__GLUE__", "__WASM__"));
  }
  // Boots a module and sends it what was called meanwhile; `how` is what the launcher handed over.
  function run(m, how) {
    // The widget's exports go along: delivery asks the Rust core for its decisions through them.
    try { m.boot(attrs, m, how); } catch (e) { return fail(e); }
    function ready() {
      wasm = m;
      while (queue.length) call.apply(null, queue.shift());
    }
    // On a take-over the opening waiting in the queue runs in a task of its own: building the
    // whole widget and opening it in one would keep the page busy for one long task. The
    // launcher is ready at once: a trigger may ask it to open while it boots.
    if (how.quiet) setTimeout(ready);
    else ready();
  }
  // The launcher was asked to open (`fired`: by a trigger): the whole widget replaces it and opens.
  function upgrade(fired) {
    var launcher = wasm;
    if (!launcher) return;
    wasm = null;
    queue.unshift(["open"]);
    // The launcher asked for its language's words when it was mounted: they come along.
    Promise.all([fetchWhole(), said]).then(
      function (got) {
        try { launcher.destroy(); } catch (e) {}
        run(got[0], { quiet: true, init: options, calls: [who || [], ["setMetadata", meta]], emit: emit, locale: locale, fired: fired, text: got[1] });
      },
      function (e) {
        // Nothing changes for the visitor but that it did not open: the next try fetches again.
        whole = null;
        queue.shift();
        wasm = launcher;
        while (queue.length) call.apply(null, queue.shift());
        say("could not load the feedback dialog from " + base + ": ", e);
      },
    );
  }
  function waiting() {
    try {
      for (var i = 0; i < localStorage.length; i++) if (localStorage.key(i).indexOf("platinum:outbox:") === 0) return true;
    } catch (e) {}
  }
  function load() {
    // Responses from earlier pages wait: only the whole widget delivers them.
    (waiting() ? fetchWhole() : module("__LAUNCHER_GLUE__", "__LAUNCHER_WASM__"))
      .then(function (m) {
        run(m, { upgrade: upgrade, emit: emit, locale: locale });
        // The page has loaded and idled: an owner who forgot both would otherwise see nothing.
        if (!named) say("no widget: the script tag has no data-endpoint and Platinum.init({ endpoint }) was not called by page load");
      })
      .catch(function (e) { say("could not load the widget from " + base + ": ", e); });
  }
  // A pointer over the launcher or focus on it announces a visitor about to open it.
  ["pointerover", "focusin"].forEach(function (kind) {
    d.addEventListener(kind, function (e) {
      if (wasm && !whole && (e.target || {}).localName == "platinum-feedback") fetchWhole().catch(function () { whole = null; });
    }, { passive: true });
  });
  function idle() {
    if (w.requestIdleCallback) w.requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 1);
  }
  if (d.readyState === "complete") idle();
  else w.addEventListener("load", idle, { once: true });
})(window, document);

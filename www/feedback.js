/*! Platinum feedback widget loader. https://github.com/platinum-feedback/platinum */
// Reads its own <script> tag, waits until the page has loaded and the browser is idle, then loads
// the WebAssembly widget from beside itself. It defines one global, window.Platinum, and never throws.
(function (w, d) {
  "use strict";
  if (w.Platinum) return; // loaded twice: the first copy runs the widget
  var script = d.currentScript;
  var base = new URL(".", (script && script.src) || d.baseURI).href;
  var attrs = {};
  var data = (script && script.dataset) || {};
  var named = false; // a data-* attribute or an init call: the owner said where to send
  for (var k in data) attrs[k] = data[k], named = true;
  var wasm = null;
  var queue = [];
  var dead = false;
  function fail(e) {
    console.error("[platinum] internal error, the widget stops: " + (e && e.message || e));
    // A trapped wasm instance cannot be trusted again: take the widget off the page.
    dead = true;
    var host = d.querySelector("platinum-feedback");
    if (host) host.remove();
  }
  function call(name, arg) {
    if (dead) return;
    if (!wasm) return queue.push([name, arg]);
    try { wasm[name](arg); } catch (e) { fail(e); }
  }
  // Event handlers run inside the wasm without passing through call(): catch their traps here.
  w.addEventListener("error", function (e) {
    if (wasm && !dead && e.error instanceof WebAssembly.RuntimeError && String(e.filename).indexOf(base) === 0) {
      e.preventDefault();
      fail(e.error);
    }
  });
  var api = (w.Platinum = { version: "__VERSION__" });
  ["init", "open", "close", "destroy"].forEach(function (name) {
    api[name] = function (options) { if (name == "init") named = true; call(name, options); };
  });
  function load() {
    import(base + "__GLUE__")
      .then(function (m) {
        return m.default({ module_or_path: base + "__WASM__" }).then(function () {
          wasm = m;
          // The widget's exports go along: delivery asks the Rust core for its decisions through them.
          try { m.boot(attrs, m); } catch (e) { fail(e); }
          while (queue.length) call.apply(null, queue.shift());
          // The page has loaded and idled: an owner who forgot both would otherwise see nothing.
          if (!named) console.error("[platinum] no widget: the script tag has no data-endpoint and Platinum.init({ endpoint }) was not called by page load");
        });
      })
      .catch(function (e) { console.error("[platinum] could not load the widget from " + base + ": " + (e && e.message || e)); });
  }
  function idle() {
    if (w.requestIdleCallback) w.requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 1);
  }
  if (d.readyState === "complete") idle();
  else w.addEventListener("load", idle, { once: true });
})(window, document);

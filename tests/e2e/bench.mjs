// The widget's cost to a page, measured in headless Chromium: how soon the launcher shows, how
// fast the dialog opens, long tasks, layout shift and memory. Run: `cargo xtask bench`.
import { startSite, pageWith } from "./server.mjs";
import { launch } from "./browser.mjs";

const RUNS = 7;

// Registered before any page script: observers for long tasks and layout shifts, a watch for the
// launcher, and a hook that keeps the widget's WebAssembly memory in view.
function instrument() {
  window.__bench = { longTasks: [], shift: 0, launcherAt: null, memories: [], heapBefore: 0 };
  // The loader starts at the load event; this listener is registered first, so it runs first.
  addEventListener("load", () => { window.__bench.heapBefore = performance.memory?.usedJSHeapSize ?? 0; });
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__bench.longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__bench.shift += e.value; })).observe({ type: "layout-shift", buffered: true });
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (...args) {
      const result = await original.apply(this, args);
      const exports = (result.instance || result).exports;
      // The launcher's and, once opened, the whole widget's.
      for (const v of Object.values(exports)) if (v instanceof WebAssembly.Memory) window.__bench.memories.push(v);
      return result;
    };
  }
  const watch = () => {
    const launcher = document.querySelector("platinum-feedback")?.shadowRoot?.getElementById("pt-launcher");
    if (launcher && launcher.getBoundingClientRect().width > 0) window.__bench.launcherAt = performance.now();
    else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const site = await startSite({ pages: { "/": { html: pageWith('data-endpoint="/feedback"', { body: "<h1>Shop</h1>" + "<p>Product text.</p>".repeat(50) }) } } });
const browser = await launch(["--enable-precise-memory-info"]);
const rows = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(instrument);
  await page.goto(site.origin + "/");
  await page.waitForFunction(() => window.__bench.launcherAt !== null);
  // Give late layout shifts and long tasks a moment to be reported before reading them.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const open = await page.evaluate(() => new Promise((resolve) => {
    let t0 = 0;
    // The dialog is interactive when the first rating has focus; focusin marks that moment exactly.
    // The first opening fetches the whole widget, which replaces the launcher's shadow root.
    document.addEventListener("focusin", function done(e) {
      if (e.composedPath()[0].id === "pt-r1") { document.removeEventListener("focusin", done); resolve(performance.now() - t0); }
    });
    t0 = performance.now();
    document.querySelector("platinum-feedback").shadowRoot.getElementById("pt-launcher").click();
  }));
  const facts = await page.evaluate(() => ({
    launcher: window.__bench.launcherAt,
    longTasks: window.__bench.longTasks.filter((d) => d > 50).length,
    shift: window.__bench.shift,
    wasm: window.__bench.memories.reduce((sum, m) => sum + m.buffer.byteLength, 0),
    heap: (performance.memory?.usedJSHeapSize ?? 0) - window.__bench.heapBefore,
  }));
  rows.push({ ...facts, open });
  await context.close();
}
await browser.close();
await site.close();

const kb = (b) => (b / 1024).toFixed(0) + " KB";
const total = (r) => r.wasm + Math.max(0, r.heap);
console.log(`widget in headless Chromium, ${RUNS} fresh page loads on 127.0.0.1`);
console.table(rows.map((r, i) => ({
  run: i + 1,
  "launcher visible (ms)": +r.launcher.toFixed(0),
  "open → interactive (ms)": +r.open.toFixed(1),
  "long tasks": r.longTasks,
  CLS: +r.shift.toFixed(4),
  "wasm memory": kb(r.wasm),
  "JS heap growth": kb(r.heap),
})));
const m = {
  launcher: median(rows.map((r) => r.launcher)),
  open: median(rows.map((r) => r.open)),
  longTasks: median(rows.map((r) => r.longTasks)),
  shift: median(rows.map((r) => r.shift)),
  wasm: median(rows.map((r) => r.wasm)),
  heap: median(rows.map((r) => r.heap)),
  total: median(rows.map(total)),
};
console.log("medians:");
console.log(`  navigation start → launcher visible      ${m.launcher.toFixed(0)} ms`);
console.log(`  launcher click → dialog interactive      ${m.open.toFixed(1)} ms`);
console.log(`  long tasks (> 50 ms) while loading        ${m.longTasks} (target 0)`);
console.log(`  cumulative layout shift                   ${m.shift.toFixed(4)} (target 0)`);
console.log(`  wasm linear memory                        ${kb(m.wasm)}`);
console.log(`  JS heap growth after the load event       ${kb(m.heap)}`);
console.log(`  memory total                              ${kb(m.total)} (target ≤ 2048 KB)`);
console.log(`summary: launcher ${m.launcher.toFixed(0)} ms, open ${m.open.toFixed(1)} ms, ${m.longTasks} long tasks, CLS ${m.shift.toFixed(4)}, memory ${kb(m.total)} (wasm ${kb(m.wasm)} + JS heap ${kb(m.heap)}) — median of ${RUNS}`);

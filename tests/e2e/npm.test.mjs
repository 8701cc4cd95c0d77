// The npm package as an owner meets it: `npm pack` of dist/npm/ installed into a fresh app, used
// as a plain ES module, bundled by esbuild and by Vite (a React app), each served from its own
// origin and sending feedback to the real collector; imported in Node, as server-side rendering
// does; and its types checked by tsc.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createServer as createNetServer } from "node:net";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { build as viteBuild, createServer } from "vite";
import react from "@vitejs/plugin-react";
import { root, startSite, closeAllSites } from "./server.mjs";
import { startCollector, storedResponses } from "./collector.mjs";
import { launch, watchConsole } from "./browser.mjs";

const e2e = join(root, "tests", "e2e");
let app; // the owner's app folder, with the package installed in its node_modules
let site; // serves `app`, on another origin than the collector
let collector;
let browser;
let endpoint;
let data; // the collector's database folder
let devPort; // where Vite's dev server listens

/** A port nothing listens on at the moment. */
function freePort() {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  // Inside tests/e2e, so the app's own imports (react) resolve to this folder's node_modules.
  mkdirSync(join(e2e, "artifacts"), { recursive: true });
  app = mkdtempSync(join(e2e, "artifacts", "npm-app-"));
  const tarball = execFileSync("npm", ["pack", join(root, "dist", "npm"), "--pack-destination", app, "--silent"], { encoding: "utf8" }).trim();
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "shop", private: true, type: "module" }));
  // The tarball has no dependencies: this works offline.
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", `./${tarball}`], { cwd: app });
  site = await startSite({ dir: app });
  devPort = await freePort();
  data = mkdtempSync(join(tmpdir(), "platinum-e2e-"));
  // The owner lists the sites that may post, their dev server's among them.
  collector = await startCollector(data, ["--allow-origin", `${site.origin},http://127.0.0.1:${devPort}`]);
  endpoint = `${collector.url}/api/feedback`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await collector?.stop();
  await closeAllSites();
  for (const folder of [app, data]) if (folder) rmSync(folder, { recursive: true, force: true });
});

const installed = () => join(app, "node_modules", "platinum-feedback");

/** Writes `files` (path → text) under the app folder. */
function write(files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(app, path, ".."), { recursive: true });
    writeFileSync(join(app, path), text);
  }
}

/** Opens `url`, sends a rating with `comment`, and checks the collector stored it. */
async function sendFeedback(url, comment) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const log = watchConsole(page);
    await page.goto(url);
    await page.locator("#pt-launcher").click();
    await page.locator("#pt-dialog").waitFor();
    await page.locator('label[for="pt-r4"]').click();
    await page.locator("#pt-comment").fill(comment);
    await page.locator("#pt-send").click();
    await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
    const stored = (await storedResponses(collector.url)).find((r) => r.comment === comment);
    assert.ok(stored, `the collector stored "${comment}"`);
    assert.equal(stored.rating, 4);
    assert.deepEqual(log.filter((l) => l.type === "pageerror" || l.type === "error"), [], "no errors on the page");
    assert.equal(await page.evaluate(() => "Platinum" in window), false, "the module defines no global");
  } finally {
    await context.close();
  }
}

const page = (script) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title></head><body><h1>Shop</h1><div id="root"></div>${script}</body></html>`;

test("a plain HTML page imports the package as an ES module, unbundled", async () => {
  write({
    "plain/index.html": page(`<script type="module">
      import { init } from "../node_modules/platinum-feedback/index.js";
      init({ endpoint: ${JSON.stringify(endpoint)} });
    </script>`),
  });
  await sendFeedback(`${site.origin}/plain/`, "sent from a plain ES module");
});

test("esbuild bundles it; the wasm files are copied beside the bundle, as the README says", async () => {
  write({
    "esbuild/src/main.js": `import { init, on } from "platinum-feedback";
      on("delivered", (r) => document.body.dataset.delivered = r.id);
      init({ endpoint: ${JSON.stringify(endpoint)}, askEmail: true });`,
    "esbuild/index.html": page(`<script type="module" src="./out/main.js"></script>`),
  });
  const out = join(app, "esbuild", "out");
  const started = performance.now();
  await esbuild.build({ entryPoints: [join(app, "esbuild/src/main.js")], bundle: true, format: "esm", splitting: true, minify: true, outdir: out, logLevel: "warning" });
  for (const file of readdirSync(installed()).filter((f) => f.endsWith(".wasm"))) cpSync(join(installed(), file), join(out, file));
  console.log(`esbuild: ${Math.round(performance.now() - started)} ms`);
  await sendFeedback(`${site.origin}/esbuild/`, "sent from an esbuild bundle");
});

/** The README's React example: `init` in useEffect, which returns `destroy`. */
const reactApp = (endpoint) => ({
  "index.html": page(`<script type="module" src="/src/main.jsx"></script>`),
  "src/main.jsx": `import { StrictMode, useEffect } from "react";
    import { createRoot } from "react-dom/client";
    import { init, destroy } from "platinum-feedback";
    function Feedback() {
      useEffect(() => {
        init({ endpoint: ${JSON.stringify(endpoint)}, theme: "dark" });
        return destroy;
      }, []);
      return null;
    }
    // StrictMode mounts, unmounts and mounts again: init, destroy, init.
    createRoot(document.getElementById("root")).render(<StrictMode><Feedback /></StrictMode>);`,
});

/** `files` (path → text) under the app folder's `dir`. */
const writeUnder = (dir, files) => write(Object.fromEntries(Object.entries(files).map(([path, text]) => [join(dir, path), text])));

test("a React app built with Vite, as in the README: init in useEffect, destroy on unmount", async () => {
  writeUnder("vite", reactApp(endpoint));
  const started = performance.now();
  await viteBuild({ root: join(app, "vite"), base: "/vite/dist/", configFile: false, logLevel: "warn", plugins: [react()] });
  console.log(`vite build: ${Math.round(performance.now() - started)} ms`);
  const built = join(app, "vite", "dist", "assets");
  const assets = readdirSync(built);
  for (const file of readdirSync(installed()).filter((f) => f.endsWith(".wasm"))) {
    assert.ok(assets.some((a) => a.startsWith(file.replace(/\.wasm$/, "-")) && a.endsWith(".wasm")), `Vite copied ${file}: ${assets}`);
  }
  assert.equal(assets.filter((a) => a.startsWith("locale-")).length, 27, "each language is a chunk of its own, fetched only when spoken");
  const scripts = assets.filter((a) => a.endsWith(".js")).map((a) => readFileSync(join(built, a), "utf8"));
  assert.ok(!scripts.some((s) => /data:(text|application)\//.test(s)), "nothing is inlined as a data: URL");
  assert.ok(!scripts.some((s) => s.startsWith("/*! platinum-feedback")), "the entry is bundled into the app, not copied beside it");
  await sendFeedback(`${site.origin}/vite/dist/`, "sent from a React app built with Vite");
});

test("the same React app on Vite's dev server", async () => {
  const server = await createServer({
    root: join(app, "vite"), configFile: false, logLevel: "warn", plugins: [react()],
    server: { host: "127.0.0.1", port: devPort, strictPort: true },
  });
  await server.listen();
  try {
    await sendFeedback(`http://127.0.0.1:${devPort}/`, "sent from Vite's dev server");
  } finally {
    await server.close();
  }
});

test("imported in Node, as server-side rendering does, it touches nothing and throws nothing", () => {
  const entry = pathToFileURL(join(installed(), "index.js")).href;
  const script = `
    const before = Object.getOwnPropertyNames(globalThis);
    const warned = [];
    console.warn = (line) => warned.push(line);
    const m = await import(${JSON.stringify(entry)});
    const created = Object.getOwnPropertyNames(globalThis).filter((k) => !before.includes(k));
    m.init({ endpoint: "/feedback" });
    m.init({ endpoint: "/feedback" });
    m.identify({ id: "u-1" }); m.setMetadata({ plan: "pro" }); m.open(); m.close(); m.destroy();
    m.on("submit", () => {}); m.off("submit", () => {});
    console.log(JSON.stringify({ exports: Object.keys(m).sort(), created, warned }));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const { exports, created, warned } = JSON.parse(run.stdout);
  assert.deepEqual(exports, ["close", "destroy", "identify", "init", "off", "on", "open", "setMetadata", "version"]);
  assert.deepEqual(created, [], "no globals");
  assert.equal(warned.length, 1, "init says once that it needs a browser");
  assert.match(warned[0], /^\[platinum\] init was called outside a browser/);
});

test("tsc accepts every option and names a misspelt one", () => {
  const every = `import { init, identify, setMetadata, on, off, open, close, destroy, version, type Options, type ResponseEvent } from "platinum-feedback";
    const options: Options = {
      endpoint: "/feedback", lang: "fr-CA", theme: "dark", position: "top-left", accent: "#4338ca", label: "Avis",
      scale: "nps", title: "Recommend us?", prompt: "Better?", promptLow: "What went wrong?", promptHigh: "What did you like?",
      userId: "u-42", userEmail: "ana@example.com", userName: "Ana", askEmail: true, launcher: "none",
      showOn: "/shop/*", hideOn: "/shop/admin/*", sample: "25%", cooldown: 90, triggerAfter: 30, triggerScroll: 50,
      triggerExit: true, triggerVisit: 3,
    };
    init(options);
    init({ endpoint: "/feedback", sample: 0.25 });
    identify({ id: "u-42", email: "ana@example.com", name: "Ana" });
    identify(null);
    setMetadata({ plan: "pro", seats: 3, trial: false, coupon: null });
    const sent = (r: ResponseEvent) => console.log(r.id, r.rating.toFixed(0), r.scale);
    on("submit", sent);
    on("open", (d) => console.log(d.scale));
    off("submit", sent);
    open(); close(); destroy();
    const v: string = version;
    console.log(v);
  `;
  write({
    "ts/every.ts": every,
    "ts/misspelt.ts": `import { init } from "platinum-feedback";\ninit({ endpoint: "/feedback", askEmails: true });\n`,
  });
  const tsc = (file) =>
    spawnSync(join(e2e, "node_modules", ".bin", "tsc"), ["--noEmit", "--strict", "--module", "nodenext", "--target", "es2022", "--lib", "es2022,dom", join(app, "ts", file)], { encoding: "utf8", cwd: app });
  const ok = tsc("every.ts");
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = tsc("misspelt.ts");
  assert.notEqual(bad.status, 0, "a misspelt option fails");
  assert.match(bad.stdout, /askEmails/, bad.stdout);
  assert.match(bad.stdout, /misspelt\.ts\(2,/, "the error points at the line");
});

// Running the real collector for end-to-end tests: a fresh process on a loopback port, and its
// owner's JSON API.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, after, afterEach } from "node:test";
import { launch } from "./browser.mjs";
import { root, closeAllSites } from "./server.mjs";

export const TOKEN = "e2e-owner-token-0123456789abcdef0123456";
const binary = process.env.PLATINUM_COLLECTOR || join(root, "target", "debug", "platinum-collector");

/**
 * Starts the collector with its database in `dir` (or the one `--database-url` in `extraArgs` names) (a free port unless `listen` says which);
 * resolves with its base URL, the child process and `stop()`.
 */
export function startCollector(dir, extraArgs = [], listen = "127.0.0.1:0") {
  // A collector given another database (`--database-url`) keeps nothing in `dir`.
  const database = extraArgs.includes("--database-url") ? [] : ["--db", join(dir, "platinum.db")];
  const child = spawn(binary, ["--listen", listen, ...database, ...extraArgs], {
    env: { ...process.env, PLATINUM_ADMIN_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`collector did not start:\n${out}`)), 20000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/demo page:\s+(http:\/\/[\d.]+:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) });
      }
    });
    child.stderr.on("data", (chunk) => { out += chunk; });
    child.once("exit", (code) => reject(new Error(`collector exited with ${code}:\n${out}`)));
  });
}

/** Every stored response (spam included), read through the owner's API. */
export async function storedResponses(url) {
  const items = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${url}/api/feedback?spam=include&per_page=500&page=${page}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`GET /api/feedback: ${res.status} ${await res.text()}`);
    const body = await res.json();
    items.push(...body.items);
    if (items.length >= body.total || !body.items.length) return items;
  }
}

/**
 * For a test file: before its tests, one collector on a fresh database in a new temporary folder
 * and one browser; after them, both stopped, every test site closed and the folder removed.
 * Resolves nothing: read `collector`, `browser` and `dir` from the returned object in the tests.
 */
export function collectorPerFile() {
  const run = {};
  before(async () => {
    run.dir = mkdtempSync(join(tmpdir(), "platinum-e2e-"));
    run.collector = await startCollector(run.dir);
    run.browser = await launch();
  });
  after(async () => {
    await run.browser?.close();
    await run.collector?.stop();
    await closeAllSites();
    rmSync(run.dir, { recursive: true, force: true });
  });
  return run;
}

/**
 * For a test file whose tests each start what they need: one browser and one temporary folder
 * for the file. `run.cleanup(...stops)` queues functions that stop what a test started; they run
 * after that test even when it fails half way, so the run ends instead of hanging.
 * `run.freshDir()` makes a new empty folder inside the file's one (for a collector's database).
 */
export function browserPerFile() {
  const pending = [];
  let folders = 0;
  const run = {
    cleanup: (...stops) => pending.push(...stops),
    freshDir: () => {
      const own = join(run.dir, String(++folders));
      mkdirSync(own);
      return own;
    },
  };
  before(async () => {
    run.dir = mkdtempSync(join(tmpdir(), "platinum-e2e-"));
    run.browser = await launch();
  });
  afterEach(async () => {
    while (pending.length) await pending.pop()().catch(() => {});
  });
  after(async () => {
    await run.browser?.close();
    await closeAllSites();
    rmSync(run.dir, { recursive: true, force: true });
  });
  return run;
}

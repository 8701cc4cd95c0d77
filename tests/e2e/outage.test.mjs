// The database behind the collector restarts while a visitor sends feedback: the collector
// answers 503 with Retry-After meanwhile, the widget keeps the response in its outbox, and it is
// stored once the database is back, without restarting the collector.
//
// Runs against the throwaway PostgreSQL server `cargo xtask test` starts, which it names in
// PLATINUM_TEST_POSTGRES_PORT and lets this test stop and start (PLATINUM_TEST_POSTGRES_STOP and
// _START, each a JSON array: a command and its arguments).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSite, pageWith, closeAllSites } from "./server.mjs";
import { launch } from "./browser.mjs";
import { startCollector, storedResponses } from "./collector.mjs";

const SAVED = "Saved — we'll send it as soon as you're back online.";
const THANKS = "Thank you!";
const { PLATINUM_TEST_POSTGRES_PORT: port, PLATINUM_TEST_POSTGRES_STOP: stopJson, PLATINUM_TEST_POSTGRES_START: startJson } = process.env;
const skip = port && stopJson && startJson ? false : "needs the throwaway PostgreSQL server of `cargo xtask test`";

let dir, browser, site, collector, down = false;
const run = (json) => {
  const [command, ...args] = JSON.parse(json);
  execFileSync(command, args, { stdio: "ignore" });
};

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "platinum-outage-"));
  const url = `postgres://platinum@127.0.0.1:${port}/postgres`;
  const pages = {};
  site = await startSite({ pages });
  collector = await startCollector(dir, ["--database-url", url, "--rate-limit-per-minute", "0", "--allow-origin", site.origin]);
  pages["/"] = { html: pageWith(`data-endpoint="${collector.url}/api/feedback"`) };
  browser = await launch();
});
after(async () => {
  if (down) run(startJson);
  await browser?.close();
  await collector?.stop();
  await closeAllSites();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the database restarts while a visitor sends: 503 meanwhile, delivered once it is back", { skip }, async () => {
  const marker = `outage-${Date.now()}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.origin + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();

  const answers = [];
  page.on("response", (r) => r.url().endsWith("/api/feedback") && answers.push({ status: r.status(), retryAfter: r.headers()["retry-after"] }));
  run(stopJson);
  down = true;
  await page.locator('label[for="pt-r2"]').click();
  await page.locator("#pt-comment").fill(`${marker} sent while the database restarts`);
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: SAVED }).waitFor();
  assert.ok(answers.length > 0 && answers.every((a) => a.status === 503), `the collector answered ${JSON.stringify(answers)}`);
  assert.ok(answers.every((a) => Number(a.retryAfter) > 0), "each 503 says when to come back");

  run(startJson);
  down = false;
  await page.locator("p.status").filter({ hasText: THANKS }).waitFor({ timeout: 60000 });
  const rows = (await storedResponses(collector.url)).filter((r) => r.comment.includes(marker));
  assert.equal(rows.length, 1, "stored once");
  assert.equal(answers.at(-1).status, 201);
  console.log(`outage: ${answers.length - 1} tries answered 503, then 201`);
  await context.close();
});

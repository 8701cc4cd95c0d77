// Never losing a visitor's feedback: the real widget in headless Chromium against the real
// collector, with faults injected between them, must end with exactly the responses the
// visitors sent, each stored once.
//
// Pages come from a test site; its `/feedback` forwards to the collector unless the running
// test injects a fault (an error status, a cut connection, or an answer lost after storing).
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSite, pageWith, closeAllSites } from "./server.mjs";
import { launch, watchConsole } from "./browser.mjs";
import { startCollector, storedResponses } from "./collector.mjs";

const SAVED = "Saved — we'll send it as soon as you're back online.";
const THANKS = "Thank you!";

let dir, browser, site, collector, listen, collectorArgs;
/** The running test's fault plan: `(request) => reply | undefined`; undefined forwards. */
let fault = () => undefined;
/** Every POST the site's endpoint saw: `{ id, comment, contentType, at, reply }`. */
let seen = [];

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function forward(body, contentType) {
  const res = await fetch(`${collector.url}/api/feedback`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, headers: { "retry-after": res.headers.get("retry-after") || "" }, body: await res.text() };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "platinum-delivery-"));
  listen = `127.0.0.1:${await freePort()}`;
  const direct = `data-endpoint="http://${listen}/api/feedback"`;
  site = await startSite({
    pages: {
      "/": { html: pageWith() },
      "/other": { html: pageWith('data-endpoint="/feedback"', { body: "<h1>Another page</h1>" }) },
      "/direct": { html: pageWith(direct) },
      "/direct-other": { html: pageWith(direct, { body: "<h1>Another page</h1>" }) },
      "/plain": { html: "<!doctype html><title>No widget here</title><h1>Plain page</h1>" },
    },
    answer: async (req, body) => {
      let payload = {};
      try { payload = JSON.parse(body); } catch {}
      const request = { id: payload.id, comment: payload.comment, contentType: req.headers["content-type"], at: Date.now() };
      seen.push(request);
      const plan = fault(request) || {};
      if (plan.drop && !plan.afterStoring) return (request.reply = "dropped", plan);
      if (plan.status && !plan.afterStoring) return (request.reply = plan.status, plan);
      const answer = await forward(body, request.contentType);
      if (plan.afterStoring) return (request.reply = `stored, then ${plan.drop ? "dropped" : plan.status}`, plan);
      request.reply = answer.status;
      return answer;
    },
  });
  collectorArgs = ["--rate-limit-per-minute", "0", "--allow-origin", site.origin];
  collector = await startCollector(dir, collectorArgs, listen);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  await closeAllSites();
  rmSync(dir, { recursive: true, force: true });
});
const contexts = new Set();
afterEach(async () => {
  fault = () => undefined;
  seen = [];
  for (const context of contexts) await context.close().catch(() => {});
  contexts.clear();
});

/** A visitor's fresh browser (its own storage) on `path`. */
async function visit(path = "/", contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  contexts.add(context);
  const page = await context.newPage();
  const log = watchConsole(page);
  await page.goto(site.origin + path);
  await page.locator("#pt-launcher").waitFor();
  return { context, page, log };
}

/** Opens the dialog, whose code the page fetches when the visitor first opens it. */
async function openDialog(page) {
  if (!(await page.locator("#pt-dialog").isVisible())) await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
}

/** Rates, writes `comment` and presses Send, as a visitor does. */
async function send(page, comment, rating = 2) {
  await openDialog(page);
  await page.locator(`label[for="pt-r${rating}"]`).click();
  await page.locator("#pt-comment").fill(comment);
  await page.locator("#pt-send").click();
}

const status = (page, text) => page.locator("p.status").filter({ hasText: text });

/** Waits until `check()` holds, polling; fails naming `what` after `ms`. */
async function until(what, check, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The stored responses whose comment holds `marker`. */
async function stored(marker) {
  return (await storedResponses(collector.url)).filter((r) => r.comment.includes(marker));
}

/** The outbox keys left in a page's storage. */
const outbox = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("platinum:outbox:")));

/** Prints and checks that exactly `comments` were stored, once each. */
async function assertStoredOnce(name, marker, comments) {
  const rows = await until(`${comments.length} responses are stored`, async () => {
    const rows = await stored(marker);
    return rows.length >= comments.length && rows;
  });
  const ids = new Set(rows.map((r) => r.id));
  const requests = seen.filter((s) => s.comment?.includes(marker));
  console.log(`${name}: submitted ${comments.length}, requests ${requests.length}, stored ${rows.length}, duplicates ${rows.length - ids.size}`);
  assert.equal(rows.length, comments.length, "stored exactly what was submitted");
  assert.equal(ids.size, rows.length, "no response stored twice");
  assert.deepEqual(rows.map((r) => r.comment).sort(), [...comments].sort());
  return rows;
}

test("1. offline when Send is pressed: saved, then delivered when the browser is back online", async () => {
  const marker = `offline-${Date.now()}`;
  const v = await visit("/");
  await openDialog(v.page);
  await v.context.setOffline(true);
  await send(v.page, `${marker} sent while offline`);
  await status(v.page, SAVED).waitFor();
  assert.equal((await outbox(v.page)).length, 1, "kept in the outbox");
  assert.equal((await stored(marker)).length, 0);
  await v.context.setOffline(false);
  await status(v.page, THANKS).waitFor();
  await assertStoredOnce("offline", marker, [`${marker} sent while offline`]);
  assert.deepEqual(await outbox(v.page), [], "the outbox is empty once delivered");
});

test("2. the endpoint answers 503 three times, then accepts: delivered once, same id every time", async () => {
  const marker = `unavailable-${Date.now()}`;
  let failures = 0;
  fault = (r) => (r.comment?.includes(marker) && failures++ < 3 ? { status: 503 } : undefined);
  const v = await visit("/");
  await send(v.page, `${marker} after three 503s`);
  await status(v.page, SAVED).waitFor();
  await status(v.page, THANKS).waitFor();
  const [row] = await assertStoredOnce("503 x3", marker, [`${marker} after three 503s`]);
  const tries = seen.filter((s) => s.comment?.includes(marker));
  assert.deepEqual(tries.map((t) => t.reply), [503, 503, 503, 201]);
  assert.ok(tries.every((t) => t.id === row.id), "every try carries the stored id");
});

test("3. 429 with Retry-After: 2: retried no sooner than asked, delivered once", async () => {
  const marker = `slow-down-${Date.now()}`;
  let asked = false;
  fault = (r) => {
    if (!r.comment?.includes(marker) || asked) return undefined;
    asked = true;
    return { status: 429, headers: { "retry-after": "2" }, body: '{"error":"too many requests"}' };
  };
  const v = await visit("/");
  await send(v.page, `${marker} rate limited`);
  await status(v.page, THANKS).waitFor();
  await assertStoredOnce("429", marker, [`${marker} rate limited`]);
  const [first, second] = seen.filter((s) => s.comment?.includes(marker));
  console.log(`429: retried ${second.at - first.at} ms after the first try`);
  assert.ok(second.at - first.at >= 1990, `waited ${second.at - first.at} ms, asked 2000`);
});

test("4. collector down while the visitor sends and closes the tab; back up; another page of the site delivers it", async () => {
  const marker = `down-${Date.now()}`;
  await collector.stop();
  const v = await visit("/direct");
  await send(v.page, `${marker} sent while the collector was down`);
  await status(v.page, SAVED).waitFor();
  await v.page.close();
  collector = await startCollector(dir, collectorArgs, listen);
  assert.equal((await stored(marker)).length, 0, "nothing arrived while it was down");
  const next = await v.context.newPage();
  await next.goto(site.origin + "/direct-other");
  await assertStoredOnce("collector down", marker, [`${marker} sent while the collector was down`]);
  await until("the outbox is empty", async () => (await outbox(next)).length === 0);
});

test("5. the visitor leaves the page right after Send: the keepalive try delivers it", async () => {
  const marker = `leaving-${Date.now()}`;
  // Ordinary tries never get through, so only the try that outlives the page can deliver.
  fault = (r) => (r.comment?.includes(marker) && r.contentType === "application/json" ? { drop: true } : undefined);
  const v = await visit("/");
  await send(v.page, `${marker} and off to another site`);
  await v.page.goto(site.origin + "/plain");
  await assertStoredOnce("navigate away", marker, [`${marker} and off to another site`]);
  // The collector stores before the site's endpoint has noted its answer: wait for that note.
  const delivered = await until("the delivering try is noted", () => {
    const done = seen.filter((s) => s.comment?.includes(marker) && s.reply === 201);
    return done.length && done;
  });
  assert.deepEqual(delivered.map((s) => s.contentType), ["text/plain;charset=UTF-8"], "delivered by the keepalive try");
});

/**
 * A visitor sends `marker` offline and closes the tab offline, so none of its tries can land
 * later; then opens two tabs of the site, which share the waiting response.
 */
async function twoTabsWithOneWaiting(marker) {
  const first = await visit("/");
  await openDialog(first.page);
  await first.context.setOffline(true);
  await send(first.page, `${marker} waiting in the outbox`);
  await status(first.page, SAVED).waitFor();
  await first.page.close();
  await first.context.setOffline(false);
  const [a, b] = [await first.context.newPage(), await first.context.newPage()];
  await Promise.all([a.goto(site.origin + "/"), b.goto(site.origin + "/other")]);
  return { a, b };
}

test("6. two tabs open with a pending outbox: one delivery", async () => {
  const marker = `two-tabs-${Date.now()}`;
  // A keepalive try (from a tab being hidden) never gets through: only ordinary tries of the two
  // open tabs can deliver it, and they must do so once.
  fault = (r) => (r.comment?.includes(marker) && r.contentType !== "application/json" ? { status: 503 } : undefined);
  const before = seen.length;
  const { a } = await twoTabsWithOneWaiting(marker);
  await assertStoredOnce("two tabs", marker, [`${marker} waiting in the outbox`]);
  await until("the outbox is empty", async () => (await outbox(a)).length === 0);
  const sent = seen.slice(before).filter((s) => s.comment?.includes(marker) && s.contentType === "application/json");
  assert.equal(sent.length, 1, `one tab sent it, the other saw it locked or gone (${sent.length} requests)`);
});

test("6b. two tabs left at the same moment with a response waiting: one keepalive try, and the next pages wait", async () => {
  const marker = `two-leaving-${Date.now()}`;
  // Ordinary tries never get through, so the response is still waiting when both tabs are left;
  // only a keepalive try (from a page being left) can deliver it.
  fault = (r) => (r.comment?.includes(marker) && r.contentType === "application/json" ? { drop: true } : undefined);
  const { a, b } = await twoTabsWithOneWaiting(marker);
  // Both pages have tried it once and are waiting to try again.
  await until("both open tabs tried it", () => seen.filter((s) => s.comment?.includes(marker)).length >= 2);
  const before = seen.length;
  await Promise.all([a.reload(), b.reload()]);
  await Promise.all([a.locator("#pt-launcher").waitFor(), b.locator("#pt-launcher").waitFor()]);
  await assertStoredOnce("two tabs left", marker, [`${marker} waiting in the outbox`]);
  // The new pages have booted and looked at the outbox; give any try they started time to land.
  await new Promise((r) => setTimeout(r, 1500));
  const tries = seen.slice(before).filter((s) => s.comment?.includes(marker)).map((s) => s.contentType);
  // An ordinary retry of the old pages may have gone out just before they were left.
  const fromLeaving = tries.slice(tries.indexOf("text/plain;charset=UTF-8"));
  assert.deepEqual(fromLeaving, ["text/plain;charset=UTF-8"], `one keepalive try from the two pages left, none from the next pages yet (${tries})`);
});

test("7. the endpoint answers 400: not retried, the outbox is emptied, the console names the problem", async () => {
  const marker = `refused-${Date.now()}`;
  fault = (r) => (r.comment?.includes(marker) ? { status: 400, body: '{"error":"rating is out of range","field":"rating"}' } : undefined);
  const v = await visit("/");
  await send(v.page, `${marker} refused`);
  await status(v.page, "couldn't be accepted").waitFor();
  assert.deepEqual(await outbox(v.page), []);
  const errors = v.log.filter((l) => l.type === "error" && l.text.startsWith("[platinum]"));
  assert.equal(errors.length, 1, JSON.stringify(v.log));
  assert.match(errors[0].text, /refused the feedback with HTTP 400: .*rating is out of range/);
  // A new page of the site finds nothing to send again.
  await v.page.goto(site.origin + "/other");
  await v.page.locator("#pt-launcher").waitFor();
  const tries = seen.filter((s) => s.comment?.includes(marker));
  console.log(`400: submitted 1, requests ${tries.length}, stored ${(await stored(marker)).length}`);
  assert.equal(tries.length, 1, "tried once");
  assert.equal((await stored(marker)).length, 0);
});

test("8. 200 responses while 30% of requests fail at random (seeded): 200 stored, none twice", async () => {
  const marker = `storm-${Date.now()}`;
  // mulberry32: the same faults on every run.
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const kinds = [{ drop: true }, { status: 503 }, { status: 500, afterStoring: true }, { drop: true, afterStoring: true }];
  const injected = new Map();
  fault = (r) => {
    if (!r.comment?.includes(marker) || random() >= 0.3) return undefined;
    const kind = kinds[Math.floor(random() * kinds.length)];
    const name = `${kind.afterStoring ? "after storing, " : ""}${kind.drop ? "cut connection" : kind.status}`;
    injected.set(name, (injected.get(name) || 0) + 1);
    return kind;
  };
  // Without the opening animation, each click need not wait for the dialog to settle.
  const v = await visit("/", { reducedMotion: "reduce" });
  const comments = [];
  const startedAt = Date.now();
  for (let i = 0; i < 200; i++) {
    const comment = `${marker} #${i}`;
    comments.push(comment);
    await send(v.page, comment, 1 + (i % 5));
    await v.page.locator("#pt-done").waitFor();
    await v.page.locator("#pt-done").click();
  }
  const sentAt = Date.now();
  console.log(`30% faults: 200 responses sent through the widget in ${sentAt - startedAt} ms`);
  await until("the outbox is empty", async () => (await outbox(v.page)).length === 0, 120000);
  console.log(`30% faults: outbox empty ${Date.now() - sentAt} ms after the last Send`);
  await assertStoredOnce("30% faults", marker, comments);
  console.log(`30% faults: injected ${[...injected].map(([k, n]) => `${n} × ${k}`).join(", ")}`);
  assert.ok([...injected.values()].reduce((a, b) => a + b, 0) > 40, "faults were injected");
});

test("the longest comment, in Chinese, from a page with a very long address and title: stored whole", async () => {
  const marker = `longest-${Date.now()}`;
  // Every character three bytes in UTF-8, up to the text box's 5,000.
  const comment = `${marker} ${"中".repeat(5000 - marker.length - 1)}`;
  const v = await visit(`/?q=${"中".repeat(600)}`);
  await v.page.evaluate(() => (document.title = "店".repeat(1000)));
  await send(v.page, comment);
  await status(v.page, THANKS).waitFor();
  const [row] = await assertStoredOnce("longest comment", marker, [comment]);
  const [request] = seen.filter((s) => s.comment?.includes(marker));
  console.log(`longest comment: ${Buffer.byteLength(comment)} bytes of comment, page address kept to ${row.page_url.length} of ${v.page.url().length} characters, title to ${row.page_title.length}, answered ${request.reply}`);
  assert.ok(row.page_url.startsWith(`${site.origin}/?q=`), "the page is still named");
  assert.deepEqual(v.log.filter((l) => l.type === "pageerror" || l.text.startsWith("[platinum]")), [], "nothing refused, nothing thrown");
});

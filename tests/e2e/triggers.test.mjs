// When the widget appears by itself: the owner's triggers (time, scroll, exit intent, page
// views), how often a visitor may be asked (sample, cooldown), and which pages it shows on,
// single-page-app navigation included.
//
// Opening fetches the whole widget, so the dialog appears a moment after a trigger fires. A
// trigger that fires also notes the visitor as asked in `localStorage` ("platinum:visitor"),
// synchronously: where a test checks that the dialog did NOT open yet, it checks that record too,
// which cannot lag behind.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSite, pageWith, closeAllSites } from "./server.mjs";
import { launch, watchConsole } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); await closeAllSites(); });
const pending = new Set();
afterEach(async () => { for (const close of pending) await close().catch(() => {}); pending.clear(); });

const TALL = '<h1>Shop</h1><div style="height:5000px">A long page.</div>';

/**
 * A site whose pages carry `attrs`, and a visitor's browser on it; `clock` installs Playwright's
 * fake clock (time flows until a test moves it), `init` runs in every page before its scripts.
 */
async function visitor(attrs, { clock = false, init, body = TALL, path = "/" } = {}) {
  const html = pageWith(attrs, { body });
  const site = await startSite({ pages: { "/": { html }, "/app/start": { html } } });
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  if (clock) await context.clock.install();
  const page = await context.newPage();
  const log = watchConsole(page);
  const posts = [];
  const fetched = [];
  page.on("request", (r) => {
    if (r.method() === "POST") posts.push(r.postData());
    if (/\/widget\/platinum-/.test(r.url())) fetched.push(r.url());
  });
  await page.goto(site.origin + path);
  const close = async () => {
    if (!pending.delete(close)) return;
    await context.close();
    await site.close();
    assert.deepEqual(log.filter((l) => l.type === "pageerror" || (l.type === "error" && l.text.startsWith("[platinum]"))), [], "no errors");
  };
  pending.add(close);
  return { site, context, page, log, posts, fetched, close };
}

const launcher = (page) => page.locator("#pt-launcher");
const dialog = (page) => page.locator("#pt-dialog");
/** The visitor's pacing record as stored: `1,<draw>,<page views>,<last asked ms>`. */
const record = (page) => page.evaluate(() => localStorage.getItem("platinum:visitor"));
const askedAt = async (page) => ((await record(page)) || "").split(",")[3] || "";
/** Runs what the page had queued at no delay: the widget's first look comes before this. */
const settled = (page) => page.evaluate(() => new Promise((r) => setTimeout(r, 0)));

/** Asserts the dialog is closed and no trigger fired (the record says the visitor was not asked). */
async function notOpened(page, why) {
  assert.equal(await dialog(page).isVisible(), false, why);
  assert.equal(await askedAt(page), "", why);
}

test("triggerAfter: not open before 10 seconds on the page, open after", async () => {
  const t = await visitor('data-endpoint="/feedback" data-trigger-after="10"', { clock: true });
  await launcher(t.page).waitFor();
  await t.page.clock.fastForward(5000);
  await notOpened(t.page, "about 6 s on the page");
  await t.page.clock.fastForward(5000);
  await dialog(t.page).waitFor({ state: "visible" });
  assert.ok(await t.page.evaluate(() => performance.now()) >= 10_000);
  assert.notEqual(await askedAt(t.page), "", "the visitor was asked");
  await t.close();
});

test("triggerScroll: not open before scrolling half the page, open after", async () => {
  const t = await visitor('data-endpoint="/feedback" data-trigger-scroll="50"', { clock: true });
  await launcher(t.page).waitFor();
  const scrollTo = (share) => t.page.evaluate((share) => new Promise((resolve) => {
    addEventListener("scroll", resolve, { once: true });
    scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * share);
  }), share);
  await scrollTo(0.3);
  // The widget measures scrolling a tenth of a second after it happens.
  await t.page.clock.runFor(200);
  await notOpened(t.page, "30% scrolled");
  await scrollTo(0.8);
  await t.page.clock.runFor(200);
  await dialog(t.page).waitFor({ state: "visible" });
  await t.close();
});

test("triggerExit: the pointer leaving through the top opens it; moving inside does not", async () => {
  const t = await visitor('data-endpoint="/feedback" data-trigger-exit="true"');
  await launcher(t.page).waitFor();
  assert.equal(await t.page.evaluate(() => matchMedia("(pointer: fine)").matches), true, "a desktop pointer");
  await t.page.mouse.move(400, 400);
  await t.page.mouse.move(300, 5, { steps: 10 });
  await t.page.mouse.move(600, 300, { steps: 10 });
  await launcher(t.page).hover();
  await t.page.mouse.move(400, 200, { steps: 5 });
  await notOpened(t.page, "the pointer stayed inside");
  await t.page.mouse.move(400, -20, { steps: 5 });
  await dialog(t.page).waitFor({ state: "visible" });
  await t.close();
});

test("triggerVisit: opens on the third page view, not before", async () => {
  const t = await visitor('data-endpoint="/feedback" data-trigger-visit="3"');
  for (const view of [1, 2]) {
    if (view > 1) await t.page.reload();
    await launcher(t.page).waitFor();
    await settled(t.page);
    assert.equal((await record(t.page)).split(",")[2], String(view), "page views counted");
    await notOpened(t.page, `page view ${view}`);
  }
  await t.page.reload();
  await dialog(t.page).waitFor({ state: "visible" });
  assert.equal((await record(t.page)).split(",")[2], "3", "the takeover did not count the page again");
  await t.close();
});

for (const [sample, opens] of [["0", false], ["1", true]]) {
  test(`data-sample="${sample}" ${opens ? "always" : "never"} asks`, async () => {
    const t = await visitor(`data-endpoint="/feedback" data-trigger-after="2" data-sample="${sample}"`, { clock: true });
    await launcher(t.page).waitFor();
    await t.page.clock.fastForward(5000);
    if (opens) {
      await dialog(t.page).waitFor({ state: "visible" });
    } else {
      await notOpened(t.page, "outside the sample");
      await launcher(t.page).click();
      await dialog(t.page).waitFor({ state: "visible" });
    }
    await t.close();
  });
}

test("cooldown: once a trigger-opened dialog is dismissed, the trigger does not ask again; the launcher still opens it", async () => {
  const t = await visitor('data-endpoint="/feedback" data-trigger-after="2"', { clock: true });
  await launcher(t.page).waitFor();
  await t.page.clock.fastForward(3000);
  await dialog(t.page).waitFor({ state: "visible" });
  await t.page.locator("#pt-close").click();
  await dialog(t.page).waitFor({ state: "hidden" });
  const dismissed = await askedAt(t.page);
  assert.notEqual(dismissed, "");

  await t.page.reload();
  await launcher(t.page).waitFor();
  await t.page.clock.fastForward(5000);
  assert.equal(await dialog(t.page).isVisible(), false);
  assert.equal(await askedAt(t.page), dismissed, "no trigger fired");
  await launcher(t.page).click();
  await dialog(t.page).waitFor({ state: "visible" });
  await t.close();
});

test("a trigger fires once per page: closing the dialog it opened does not bring it back", async () => {
  const t = await visitor('data-endpoint="/feedback" data-trigger-after="2" data-trigger-scroll="50" data-cooldown="0"', { clock: true });
  await launcher(t.page).waitFor();
  await t.page.clock.fastForward(3000);
  await dialog(t.page).waitFor({ state: "visible" });
  await t.page.keyboard.press("Escape");
  await dialog(t.page).waitFor({ state: "hidden" });
  const closed = await askedAt(t.page);
  await t.page.evaluate(() => new Promise((resolve) => {
    addEventListener("scroll", resolve, { once: true });
    scrollTo(0, document.documentElement.scrollHeight);
  }));
  await t.page.clock.runFor(200);
  assert.equal(await dialog(t.page).isVisible(), false, "the scroll trigger stays quiet on this page");
  assert.equal(await askedAt(t.page), closed, "no trigger fired");
  await t.close();
});

test("storage unavailable: triggers do not fire, the launcher works", async () => {
  const init = () => Object.defineProperty(window, "localStorage", { get() { throw new DOMException("The operation is insecure.", "SecurityError"); } });
  const t = await visitor('data-endpoint="/feedback" data-trigger-after="1" data-trigger-visit="1"', { clock: true, init });
  await launcher(t.page).waitFor();
  await t.page.clock.fastForward(5000);
  // A round trip to the site after the moment: had a trigger asked for the dialog, its code
  // would have been requested before it.
  await t.page.evaluate(() => fetch("/").then((r) => r.text()));
  assert.deepEqual(t.fetched, [], "the dialog was not asked for");
  assert.equal(await dialog(t.page).isVisible(), false);
  await launcher(t.page).click();
  await dialog(t.page).waitFor({ state: "visible" });
  await t.close();
});

test("single-page app: showOn follows pushState and popstate, and a response carries the page it was sent from", async () => {
  // The app wraps pushState itself (as routers and analytics do); both wrappers keep working.
  const app = '<h1>App</h1><script>var own = history.pushState; window.routed = 0; history.pushState = function () { window.routed++; return own.apply(this, arguments); }; window.appPush = history.pushState;</script>';
  const t = await visitor('data-endpoint="/feedback" data-show-on="/app/*"', { body: app });
  const { page } = t;
  await launcher(page).waitFor({ state: "attached" });
  assert.equal(await launcher(page).isVisible(), false, "not shown on /");

  await page.evaluate(() => history.pushState({}, "", "/app/x"));
  await launcher(page).waitFor({ state: "visible" });
  await page.evaluate(() => history.pushState({}, "", "/other"));
  await launcher(page).waitFor({ state: "hidden" });
  await page.evaluate(() => history.back());
  await launcher(page).waitFor({ state: "visible" });
  assert.equal(new URL(page.url()).pathname, "/app/x");
  await page.evaluate(() => history.replaceState({}, "", "/elsewhere"));
  await launcher(page).waitFor({ state: "hidden" });
  await page.evaluate(() => history.replaceState({}, "", "/app/x"));
  await launcher(page).waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => window.routed), 2, "the app's own wrapper still ran on each of its pushState calls");

  // Leaving for a page it does not show on closes an open dialog.
  await launcher(page).click();
  await dialog(page).waitFor({ state: "visible" });
  await page.evaluate(() => history.pushState({}, "", "/other"));
  await dialog(page).waitFor({ state: "hidden" });
  await page.evaluate(() => history.pushState({}, "", "/app/y"));
  await launcher(page).click();
  await page.locator('label[for="pt-r4"]').click();
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  assert.equal(t.site.received.length, 1);
  assert.equal(JSON.parse(t.site.received[0].body).page.url, t.site.origin + "/app/y");

  await page.evaluate(() => window.Platinum.destroy());
  assert.equal(await page.evaluate(() => history.pushState === window.appPush), true, "destroy gives the page its pushState back");
  await t.close();
});

test("showOn at load: a page it does not show on has no visible widget, and triggers wait for one it does", async () => {
  const t = await visitor('data-endpoint="/feedback" data-show-on="/app/*" data-trigger-after="2"', { clock: true, body: "<h1>App</h1>" });
  await launcher(t.page).waitFor({ state: "attached" });
  await t.page.clock.fastForward(5000);
  await notOpened(t.page, "not on this page");
  assert.equal(await launcher(t.page).isVisible(), false);
  await t.page.evaluate(() => history.pushState({}, "", "/app/start"));
  await dialog(t.page).waitFor({ state: "visible" });
  await t.close();
});

// A visitor's path through the widget on a page with the real script tag: rate, write, send,
// be thanked; and what they see when something goes wrong.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { startSite, pageWith, root, closeAllSites } from "./server.mjs";
import { launch, watchConsole } from "./browser.mjs";

const schema = JSON.parse(readFileSync(join(root, "payload", "feedback.schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); await closeAllSites(); });
// A test that fails half way still closes what it opened, so the run ends instead of hanging.
const pending = new Set();
afterEach(async () => { for (const close of pending) await close().catch(() => {}); pending.clear(); });
/** Registers `close` for afterEach and returns a close that runs it once. */
function closer(close) {
  const once = async () => { if (pending.delete(once)) await close(); };
  pending.add(once);
  return once;
}

/**
 * A fresh site and page, ready once the launcher is (`launcher: "attached"` when it is hidden);
 * `answers` are the endpoint's statuses in order (then 201).
 */
async function open(attrs, { answers = [], contextOptions = {}, head = "", body, launcher = "visible" } = {}) {
  const queue = [...answers];
  const site = await startSite({
    pages: { "/": { html: pageWith(attrs, body === undefined ? { head } : { head, body }) } },
    answer: () => ({ status: queue.length ? queue.shift() : 201, body: '{"error":"nope","field":"rating"}' }),
  });
  const posts = [];
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.on("request", (r) => { if (r.method() === "POST") posts.push(r.postData()); });
  const log = watchConsole(page);
  await page.goto(site.origin + "/");
  await page.locator("#pt-launcher").waitFor({ state: launcher });
  const release = closer(async () => { await context.close(); await site.close(); });
  return { site, page, posts, log, close: async () => { await release(); assertNoPageErrors(log); } };
}

/** Every test ends here: whatever the visitor did, the host page saw no error of ours. */
function assertNoPageErrors(log) {
  assert.deepEqual(log.filter((l) => l.type === "pageerror"), [], "no page errors");
}

const focused = (page) => page.evaluate(() => document.querySelector("platinum-feedback").shadowRoot.activeElement?.id ?? null);

const status = (page) => page.locator("p.status");

test("keyboard: rate with arrows, write, send, thanked, Escape returns to the launcher", async () => {
  const t = await open('data-endpoint="/feedback"');
  const { page } = t;
  const keysBefore = await page.evaluate(() => Object.keys(window));
  await page.locator("#pt-launcher").focus();
  await page.keyboard.press("Enter");
  // The dialog's code arrives when the visitor opens it.
  await page.locator("#pt-dialog").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.querySelector("platinum-feedback").shadowRoot.activeElement.id), "pt-r1", "focus moves into the dialog");
  await page.keyboard.press("ArrowRight"); // 2
  await page.keyboard.press("ArrowRight"); // 3
  await page.keyboard.press("ArrowRight"); // 4
  await page.keyboard.press("Tab");
  await page.keyboard.type("Search is slow on the catalogue page.");
  assert.equal(await page.locator("#pt-counter").innerText(), "4963 characters left");
  await page.locator("#pt-send").focus();
  await page.keyboard.press("Enter");
  await status(page).filter({ hasText: "Thank you! We read every message." }).waitFor();
  assert.equal(await page.evaluate(() => document.querySelector("platinum-feedback").shadowRoot.activeElement.id), "pt-done");

  assert.equal(t.site.received.length, 1);
  const payload = JSON.parse(t.site.received[0].body);
  console.log("submitted rating 4 with a comment; received:", t.site.received[0].body.slice(0, 120), "…");
  assert.equal(validate(payload), true, JSON.stringify(validate.errors));
  assert.equal(t.site.received[0].contentType, "application/json");
  assert.equal(payload.rating, 4);
  assert.equal(payload.comment, "Search is slow on the catalogue page.");
  assert.equal(payload.email, null);
  assert.equal(payload.page.title, "Test shop");
  assert.equal(payload.locale, "en");

  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#pt-dialog").isVisible(), false);
  assert.equal(await page.locator("#pt-launcher").getAttribute("aria-expanded"), "false");
  assert.equal(await page.evaluate(() => document.querySelector("platinum-feedback").shadowRoot.activeElement.id), "pt-launcher");
  const added = (await page.evaluate(() => Object.keys(window))).filter((k) => !keysBefore.includes(k));
  assert.deepEqual(added, [], "no globals besides Platinum");
  assert.equal(await page.evaluate(() => typeof window.Platinum.init), "function");
  assert.deepEqual(t.log.filter((l) => l.type === "pageerror"), []);
  await t.close();
});

test("Tab stays inside the open dialog", async () => {
  const t = await open('data-endpoint="/feedback"');
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  const seen = new Set();
  for (let i = 0; i < 12; i++) {
    await t.page.keyboard.press("Tab");
    seen.add(await t.page.evaluate(() => document.activeElement?.tagName + ":" + (document.querySelector("platinum-feedback").shadowRoot.activeElement?.id ?? "")));
  }
  for (const stop of seen) assert.ok(stop.startsWith("PLATINUM-FEEDBACK:pt-"), `focus left the dialog: ${stop}`);
  assert.ok(seen.has("PLATINUM-FEEDBACK:pt-close") && seen.has("PLATINUM-FEEDBACK:pt-send"));
  await t.close();
});

test("the rating is required", async () => {
  const t = await open('data-endpoint="/feedback"');
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  assert.equal(await focused(t.page), "pt-r1", "a click on the launcher also puts focus on the first rating");
  await t.page.locator("#pt-comment").fill("No stars from me");
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "Please choose a rating first." }).waitFor();
  assert.equal(t.posts.length, 0);
  await t.page.locator('label[for="pt-r2"]').click();
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "Thank you!" }).waitFor();
  assert.equal(JSON.parse(t.site.received[0].body).comment, "No stars from me");
  await t.close();
});

test("email when asked, and a malformed one is caught before sending", async () => {
  const t = await open('data-endpoint="/feedback" data-ask-email="true"');
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  await t.page.locator('label[for="pt-r1"]').click();
  await t.page.locator("#pt-email").fill("not an address");
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "doesn't look right" }).waitFor();
  assert.equal(t.posts.length, 0);
  await t.page.locator("#pt-email").fill("ana@example.com");
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "Thank you!" }).waitFor();
  assert.equal(JSON.parse(t.site.received[0].body).email, "ana@example.com");
  await t.close();
});

test("where the browser will not store, a failed send keeps the text and Try again sends the same response", async () => {
  // Storage that throws, as in some private windows and with site data disabled.
  const head = "<script>Storage.prototype.setItem = function () { throw new DOMException('quota exceeded', 'QuotaExceededError'); };</script>";
  const t = await open('data-endpoint="/feedback"', { answers: [503, 503, 503, 503, 503, 503], head });
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  await t.page.locator('label[for="pt-r3"]').click();
  await t.page.locator("#pt-comment").fill("Please keep this");
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "couldn't send" }).waitFor();
  assert.equal(await t.page.locator("#pt-comment").inputValue(), "Please keep this");
  assert.equal(await t.page.locator("#pt-send").innerText(), "Try again");
  const warnings = t.log.filter((l) => l.type === "warning" && l.text.startsWith("[platinum]"));
  assert.ok(warnings.some((w) => /will not store feedback \(quota exceeded\).*kept in memory/.test(w.text)), JSON.stringify(warnings));
  t.site.received.length = 0;
  await t.page.route("**/feedback", (route) => route.request().method() === "POST" ? route.fulfill({ status: 201, body: "{}" }) : route.continue());
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "Thank you!" }).waitFor();
  const ids = new Set(t.posts.map((p) => JSON.parse(p).id));
  assert.equal(ids.size, 1, "every try, automatic or pressed, carries the same id");
  await t.close();
});

test("a refused response says so and explains it in the console", async () => {
  const t = await open('data-endpoint="/feedback"', { answers: [400] });
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  await t.page.locator('label[for="pt-r5"]').click();
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "couldn't be accepted" }).waitFor();
  const errors = t.log.filter((l) => l.type === "error" && l.text.startsWith("[platinum]"));
  assert.equal(errors.length, 1, JSON.stringify(t.log));
  assert.match(errors[0].text, /HTTP 400/);
  assert.match(errors[0].text, /nope/);
  await t.close();
});

test("it speaks the visitor's language", async () => {
  const es = await open('data-endpoint="/feedback" data-lang="es"');
  assert.equal(await es.page.locator("#pt-launcher").innerText(), "Opinión");
  await es.page.locator("#pt-launcher").click();
  await es.page.locator("#pt-dialog").waitFor();
  assert.equal(await es.page.locator("#pt-title").innerText(), "¿Qué tal lo estamos haciendo?");
  await es.close();
  const pt = await open('data-endpoint="/feedback"', { contextOptions: { locale: "pt-BR" } });
  await pt.page.locator("#pt-launcher").click();
  await pt.page.locator("#pt-dialog").waitFor();
  assert.equal(await pt.page.locator("#pt-title").innerText(), "Como estamos indo?");
  assert.equal(await pt.page.locator('label[for="pt-r5"]').innerText(), "5\nÓtimo");
  await pt.close();
  const custom = await open('data-endpoint="/feedback" data-label="Talk to us" data-title="<b>Hi</b>"');
  assert.equal(await custom.page.locator("#pt-launcher").innerText(), "Talk to us");
  await custom.page.locator("#pt-launcher").click();
  await custom.page.locator("#pt-dialog").waitFor();
  assert.equal(await custom.page.locator("#pt-title").innerText(), "<b>Hi</b>", "owner text is shown as text, never as HTML");
  await custom.close();
});

test('data-launcher="none": no launcher; the owner\'s own button opens it, and focus goes back to that button', async () => {
  const button = '<button id="ask" onclick="Platinum.open()">Tell us what you think</button>';
  const t = await open('data-endpoint="/feedback" data-launcher="none"', { body: "<h1>Shop</h1>" + button, launcher: "attached" });
  const page = t.page;
  assert.equal(await page.locator("#pt-launcher").isVisible(), false, "no launcher on the page");
  await page.locator("#ask").focus();
  await page.keyboard.press("Enter");
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await page.locator("#pt-r1").evaluate((el) => el.getRootNode().activeElement?.name), "rating", "focus moved into the rating");
  await page.keyboard.press("Escape");
  await page.locator("#pt-dialog").waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "ask", "focus is back on the button that opened it");
  await page.locator("#ask").click();
  await page.locator('label[for="pt-r5"]').click();
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  assert.equal(JSON.parse(t.site.received[0].body).rating, 5);
  assert.deepEqual(t.log.filter((l) => l.text.startsWith("[platinum]")), []);
  await t.close();
});

test("position, one widget per page, and the JavaScript API", async () => {
  const t = await open('data-endpoint="/feedback" data-position="top-left"');
  const box = await t.page.locator("#pt-launcher").boundingBox();
  assert.ok(box.x < 100 && box.y < 100, `launcher at ${box.x},${box.y}`);
  // addScriptTag resolves once the second copy has run; it finds window.Platinum and stops.
  await t.page.addScriptTag({ url: "/widget/feedback.js" });
  assert.equal(await t.page.locator("platinum-feedback").count(), 1, "loading the script twice mounts one widget");
  await t.page.evaluate(() => window.Platinum.open());
  await t.page.locator("#pt-dialog").waitFor();
  await t.page.evaluate(() => window.Platinum.close());
  await t.page.locator("#pt-dialog").waitFor({ state: "hidden" });
  await t.page.evaluate(() => window.Platinum.destroy());
  assert.equal(await t.page.locator("platinum-feedback").count(), 0);
  await t.close();

  const spa = await startSite({ pages: { "/": { html: pageWith("") } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  await page.goto(spa.origin + "/");
  await page.evaluate(() => window.Platinum.init({ endpoint: "/feedback", lang: "de", askEmail: true }));
  await page.locator("#pt-launcher").waitFor();
  assert.equal(await page.locator("#pt-launcher").innerText(), "Feedback");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await page.locator("#pt-title").innerText(), "Wie machen wir uns?");
  assert.equal(await page.locator("#pt-email").isVisible(), true);
  await page.locator('label[for="pt-r4"]').click();
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Vielen Dank!" }).waitFor();
  assert.equal(JSON.parse(spa.received[0].body).rating, 4, "a widget mounted by init sends to its endpoint");
  await context.close();
  await spa.close();
  assertNoPageErrors(log);
});

test("styles come only from the adopted stylesheet", async () => {
  const t = await open('data-endpoint="/feedback"');
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  const found = await t.page.evaluate(() => {
    const rootNode = document.querySelector("platinum-feedback").shadowRoot;
    return {
      styled: rootNode.querySelectorAll("[style]").length + document.querySelectorAll("[style]").length,
      styleElements: rootNode.querySelectorAll("style").length + document.querySelectorAll("style").length,
      sheets: rootNode.adoptedStyleSheets.length,
      lightChildren: document.querySelector("platinum-feedback").children.length,
    };
  });
  assert.deepEqual(found, { styled: 0, styleElements: 0, sheets: 1, lightChildren: 0 });
  await t.close();
});

test("on a phone: tap, rate, send", async () => {
  const t = await open('data-endpoint="/feedback"', { contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
  await t.page.locator("#pt-launcher").tap();
  const dialog = await t.page.locator("#pt-dialog").boundingBox();
  assert.ok(dialog.x >= 0 && dialog.x + dialog.width <= 390, "the dialog fits the screen");
  await t.page.locator('label[for="pt-r5"]').tap();
  await t.page.locator("#pt-comment").fill("Works on my phone");
  await t.page.locator("#pt-send").tap();
  await status(t.page).filter({ hasText: "Thank you!" }).waitFor();
  const payload = JSON.parse(t.site.received[0].body);
  assert.equal(payload.viewport.width, 390);
  await t.close();
});

test("the comment counter follows the text, up to the 5000-character limit", async () => {
  const t = await open('data-endpoint="/feedback"');
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  const counter = t.page.locator("#pt-counter");
  assert.equal(await counter.innerText(), "5000 characters left");
  await t.page.locator("#pt-comment").pressSequentially("Hello");
  assert.equal(await counter.innerText(), "4995 characters left");
  await t.page.keyboard.press("Backspace");
  await t.page.keyboard.press("Backspace");
  assert.equal(await counter.innerText(), "4997 characters left");
  await t.page.locator("#pt-comment").fill("é".repeat(4999));
  assert.equal(await counter.innerText(), "1 character left", "one: the singular");
  await t.page.locator("#pt-comment").fill("é".repeat(5001));
  assert.equal((await t.page.locator("#pt-comment").inputValue()).length, 5000, "the textarea stops at 5000");
  assert.equal(await counter.innerText(), "0 characters left");
  await t.close();
});

test("two copies of the tag in the page mount exactly one widget", async () => {
  const tag = '<script src="/widget/feedback.js" data-endpoint="/feedback" data-label="Second copy" async></script>';
  const t = await open('data-endpoint="/feedback"', { head: tag });
  assert.equal(await t.page.locator("platinum-feedback").count(), 1);
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  await t.page.locator('label[for="pt-r5"]').click();
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "Thank you!" }).waitFor();
  assert.equal(await t.page.locator("platinum-feedback").count(), 1);
  assert.equal(t.site.received.length, 1, "one widget, one POST");
  await t.close();
});

test("the only global the widget adds is window.Platinum", async () => {
  const site = await startSite({ pages: { "/bare": { html: pageWith('data-endpoint="/feedback"').replace(/<script src=[^>]*><\/script>/, "") }, "/": { html: pageWith('data-endpoint="/feedback"') } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  await page.goto(site.origin + "/bare");
  const bare = await page.evaluate(() => Object.keys(window));
  await page.goto(site.origin + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  const added = (await page.evaluate(() => Object.keys(window))).filter((k) => !bare.includes(k));
  assert.deepEqual(added, ["Platinum"]);
  await context.close();
  await site.close();
  assertNoPageErrors(log);
});

// Chromium's network stack itself re-sends a request answered 408 on a reused connection, so a
// 408 from the test server never reaches the widget; it is answered at the page's edge instead.
for (const [name, answers, fail] of [
  ["408", [], (route) => route.fulfill({ status: 408, body: "" })],
  ["429", [429], null],
  ["500", [500], null],
  ["a network failure", [], (route) => route.abort("connectionreset")],
]) {
  test(`${name} is a temporary failure: the visitor is told it is saved, and it is delivered by itself with the same id`, async () => {
    const t = await open('data-endpoint="/feedback"', { answers });
    if (fail) {
      let failed = false;
      await t.page.route("**/feedback", (route) => {
        if (!failed && route.request().method() === "POST") { failed = true; return fail(route); }
        return route.continue();
      });
    }
    await t.page.locator("#pt-launcher").click();
    await t.page.locator("#pt-dialog").waitFor();
    await t.page.locator('label[for="pt-r2"]').click();
    await t.page.locator("#pt-comment").fill("Second try");
    await t.page.locator("#pt-send").click();
    await status(t.page).filter({ hasText: "Saved — we'll send it as soon as you're back online." }).waitFor();
    assert.equal(t.site.received.length, 0, "not thanked before the endpoint confirmed");
    await status(t.page).filter({ hasText: "Thank you!" }).waitFor();
    assert.equal(t.site.received.length, 1);
    assert.equal(JSON.parse(t.site.received[0].body).comment, "Second try");
    assert.equal(t.posts.length, 2);
    assert.equal(JSON.parse(t.posts[0]).id, JSON.parse(t.posts[1]).id, "the retry carries the same id");
    assert.deepEqual(await t.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("platinum:outbox:"))), [], "the outbox is empty once delivered");
    await t.close();
  });
}

test("422 is refused like 400: the refused message and a console line with the status", async () => {
  const t = await open('data-endpoint="/feedback"', { answers: [422] });
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  await t.page.locator('label[for="pt-r1"]').click();
  await t.page.locator("#pt-send").click();
  await status(t.page).filter({ hasText: "couldn't be accepted" }).waitFor();
  const errors = t.log.filter((l) => l.type === "error" && l.text.startsWith("[platinum]"));
  assert.equal(errors.length, 1, JSON.stringify(t.log));
  assert.match(errors[0].text, /422/);
  await t.close();
});

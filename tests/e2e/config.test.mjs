// What a website owner sees in the console when the tag is misconfigured: one clear line,
// and never an error in their page.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSite, pageWith, closeAllSites } from "./server.mjs";
import { launch, watchConsole } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); await closeAllSites(); });
const pending = new Set();
afterEach(async () => { for (const close of pending) await close().catch(() => {}); pending.clear(); });

/** Loads a page with `attrs` on the tag (and `body`, if given, in it); `booted` resolves once the widget has reported. */
async function load(attrs, body) {
  const site = await startSite({ pages: { "/": { html: pageWith(attrs, body === undefined ? {} : { body }) } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  const first = page.waitForEvent("console", (m) => m.text().startsWith("[platinum]")).catch(() => null);
  // The widget reports a configuration in one go; a round trip after the first line makes sure
  // every line it wrote has reached the log before the test counts them.
  const booted = first.then((line) => line && page.evaluate(() => 0));
  await page.goto(site.origin + "/");
  const close = async () => { if (pending.delete(close)) { await context.close(); await site.close(); } };
  pending.add(close);
  return { page, log, booted, close };
}

const platinum = (log, type) => log.filter((l) => l.type === type && l.text.startsWith("[platinum]"));

test("a missing data-endpoint: one error naming it, no widget", async () => {
  const t = await load('data-lang="en"');
  await t.booted;
  const errors = platinum(t.log, "error");
  assert.equal(errors.length, 1, JSON.stringify(t.log));
  assert.match(errors[0].text, /data-endpoint is missing/);
  assert.equal(await t.page.locator("platinum-feedback").count(), 0);
  assert.deepEqual(t.log.filter((l) => l.type === "pageerror"), []);
  await t.close();
});

test("an unusable data-endpoint: one error naming it and what is expected", async () => {
  const t = await load('data-endpoint="javascript:alert(1)"');
  await t.booted;
  const errors = platinum(t.log, "error");
  assert.equal(errors.length, 1);
  assert.match(errors[0].text, /data-endpoint "javascript:alert\(1\)" is not usable: expected an http\(s\) URL/);
  assert.equal(await t.page.locator("platinum-feedback").count(), 0);
  assert.deepEqual(t.log.filter((l) => l.type === "pageerror"), []);
  await t.close();
});

for (const [attr, value, allowed] of [
  ["data-position", "middle", ["bottom-end", "bottom-start", "bottom-right", "bottom-left", "top-right", "top-left"]],
  ["data-theme", "sepia", ["auto", "light", "dark"]],
  ["data-accent", "#12345", ["hex"]],
  ["data-lang", "klingon", ["en", "es", "fr", "de", "pt"]],
  ["data-ask-email", "yes please", ["true", "false"]],
]) {
  test(`${attr}="${value}" alone: exactly one warning naming it and the allowed values; the widget works`, async () => {
    const t = await load(`data-endpoint="/feedback" ${attr}="${value}"`);
    await t.booted;
    const lines = t.log.filter((l) => l.text.startsWith("[platinum]"));
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0].type, "warning");
    assert.ok(lines[0].text.includes(attr), lines[0].text);
    for (const word of allowed) assert.ok(lines[0].text.includes(word), `${word} in ${lines[0].text}`);
    const launcher = t.page.locator("#pt-launcher");
    await launcher.waitFor();
    const box = await launcher.boundingBox();
    const viewport = t.page.viewportSize();
    assert.ok(box.x > viewport.width / 2 && box.y > viewport.height / 2, `the default corner, bottom right; got ${box.x},${box.y}`);
    await launcher.click();
    await t.page.locator('label[for="pt-r3"]').click();
    await t.page.locator("#pt-send").click();
    await t.page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
    assert.deepEqual(t.log.filter((l) => l.type === "pageerror"), []);
    await t.close();
  });
}

test("bad optional values: one warning each naming the allowed values, defaults used", async () => {
  const t = await load('data-endpoint="/feedback" data-position="middle" data-theme="sepia" data-accent="red" data-lang="xx" data-ask-emails="true"');
  await t.page.locator("#pt-launcher").waitFor();
  const warnings = platinum(t.log, "warning").map((l) => l.text);
  assert.equal(warnings.length, 5, JSON.stringify(warnings));
  const expect = [
    /data-position "middle" is not supported; allowed: bottom-end, bottom-start, top-end, top-start \(mirrored right to left\), bottom-right, bottom-left, top-right, top-left\. Using "bottom-end"/,
    /data-theme "sepia" is not supported; allowed: auto, light, dark/,
    /data-accent "red" is not supported; allowed: a hex colour/,
    /data-lang "xx" is not supported; allowed: en, es, fr, de, pt/,
    /data-ask-emails is not a Platinum option/,
  ];
  for (const pattern of expect) assert.ok(warnings.some((w) => pattern.test(w)), `${pattern} in ${JSON.stringify(warnings)}`);
  assert.equal(platinum(t.log, "error").length, 0);
  const box = await t.page.locator("#pt-launcher").boundingBox();
  const viewport = t.page.viewportSize();
  assert.ok(box.x > viewport.width / 2 && box.y > viewport.height / 2, "the default corner, bottom right");
  await t.page.locator("#pt-launcher").click();
  await t.page.locator("#pt-dialog").waitFor();
  assert.equal(await t.page.locator("#pt-title").innerText(), "How are we doing?");
  await t.close();
});

test("Platinum.init with something other than an object explains itself", async () => {
  const site = await startSite({ pages: { "/": { html: pageWith("") } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  await page.goto(site.origin + "/");
  const reported = page.waitForEvent("console", (m) => m.text().startsWith("[platinum]"));
  await page.evaluate(() => window.Platinum.init("https://api.example.com/feedback"));
  await reported;
  assert.deepEqual(platinum(log, "error").map((l) => l.text).filter((t) => /Platinum\.init expects an object/.test(t)).length, 1, JSON.stringify(log));
  assert.equal(await page.locator("platinum-feedback").count(), 0);
  assert.deepEqual(log.filter((l) => l.type === "pageerror"), []);
  await context.close();
  await site.close();
});

test("a bare tag and no Platinum.init: one line after the page loads says what is missing", async () => {
  const t = await load("");
  await t.booted;
  const errors = platinum(t.log, "error");
  assert.equal(errors.length, 1, JSON.stringify(t.log));
  assert.match(errors[0].text, /no data-endpoint and Platinum\.init\(\{ endpoint \}\) was not called by page load/);
  assert.equal(await t.page.locator("platinum-feedback").count(), 0);
  assert.deepEqual(t.log.filter((l) => l.type === "pageerror"), []);
  await t.close();
});

test("a bare tag with Platinum.init called at load: the widget, and no hint", async () => {
  const init = '<script>addEventListener("load", () => Platinum.init({ endpoint: "/feedback" }));</script>';
  const t = await load("", "<h1>Shop</h1>" + init);
  await t.page.locator("#pt-launcher").waitFor();
  await t.page.evaluate(() => 0);
  assert.deepEqual(platinum(t.log, "error"), []);
  assert.deepEqual(t.log.filter((l) => l.type === "pageerror"), []);
  await t.close();
});

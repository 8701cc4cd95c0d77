// Where the widget shows: above a page's own modal dialog (the browser's top layer) and still
// usable there, and as a bottom sheet on a phone, above its on-screen keyboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchConsole } from "./browser.mjs";
import { browserPerFile, startCollector, storedResponses } from "./collector.mjs";
import { startSite, pageWith } from "./server.mjs";

const run = browserPerFile();

// A page with its own full-screen modal, opened by its own button, over a huge z-index.
const MODAL_PAGE = `
<style>
  #cover { position: fixed; inset: 0; z-index: 2147483647; background: rgba(0,0,0,.05); }
  #modal { inline-size: 100vw; block-size: 100vh; max-inline-size: none; max-block-size: none; margin: 0; padding: 0; border: 0; background: #fff; }
  #modal::backdrop { background: rgba(0,0,0,.6); }
</style>
<div id="cover"></div>
<h1>Shop</h1><button id="buy">Buy</button>
<dialog id="modal"><h2>Checkout</h2><button id="pay">Pay</button><button id="cancel">Cancel</button></dialog>
<script>
  document.getElementById("buy").onclick = () => document.getElementById("modal").showModal();
  document.getElementById("cancel").onclick = () => document.getElementById("modal").close();
</script>`;

/** A site posting to a fresh collector; `body` is the page around the tag. */
async function shop({ body = MODAL_PAGE, attrs = "", headers = {} } = {}) {
  const served = {};
  const site = await startSite({ pages: served });
  const own = run.freshDir();
  const collector = await startCollector(own, ["--allow-origin", site.origin]);
  run.cleanup(() => collector.stop(), () => site.close());
  served["/"] = { html: pageWith(`data-endpoint="${collector.url}/api/feedback" ${attrs}`, { body }), headers };
  return { site, collector };
}

async function visit(url, contextOptions = {}) {
  const context = await run.browser.newContext(contextOptions);
  run.cleanup(() => context.close());
  const page = await context.newPage();
  const log = watchConsole(page);
  await page.goto(url);
  await page.locator("#pt-launcher").waitFor();
  return { page, log };
}

/** What the page's hit testing finds at the middle of `selector` inside the widget. */
const hit = (page, selector) => page.evaluate((selector) => {
  const el = document.querySelector("platinum-feedback").shadowRoot.querySelector(selector);
  const r = el.getBoundingClientRect();
  const found = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  // The page sees the host; inside the shadow root the element itself must be what is hit.
  return found?.localName === "platinum-feedback" && found.shadowRoot.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el;
}, selector);

const activeId = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a?.localName === "platinum-feedback" ? `widget:${a.shadowRoot.activeElement?.id}` : a?.id ?? null;
});

test("the launcher shows and clicks above a page's modal dialog opened before and after it, and a response sent there arrives", async () => {
  const { site, collector } = await shop();
  const { page, log } = await visit(site.origin + "/");
  assert.equal(await hit(page, "#pt-launcher"), true, "above a z-index of 2147483647");
  // The page's own button sits under its own cover: its script opens the modal.
  await page.evaluate(() => document.getElementById("buy").click());
  assert.equal(await page.locator("#modal").evaluate((d) => d.matches(":modal")), true);
  assert.equal(await hit(page, "#pt-launcher"), true, "above the modal and its backdrop, and not inert");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await hit(page, "#pt-send"), true, "the dialog is above the modal too");
  await page.locator('label[for="pt-r2"]').click();
  await page.locator("#pt-comment").fill("Sent from over the checkout");
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  const stored = await storedResponses(collector.url);
  assert.deepEqual(stored.map((r) => [r.rating, r.comment]), [[2, "Sent from over the checkout"]]);
  await page.locator("#pt-done").click();
  // The page's modal works as before, and once it closes the widget is on the page as ever.
  await page.locator("#cancel").click();
  assert.equal(await page.locator("#modal").evaluate((d) => d.open), false);
  assert.equal(await hit(page, "#pt-launcher"), true);
  assert.deepEqual(log.filter((l) => l.type === "pageerror" || l.text.startsWith("[platinum]")), []);
});

test("Platinum.open() works while the page's modal is open, and focus goes back into the modal on close", async () => {
  const { site } = await shop();
  const { page } = await visit(site.origin + "/");
  // The page's own button sits under its own cover: its script opens the modal.
  await page.evaluate(() => document.getElementById("buy").click());
  await page.locator("#pay").focus();
  await page.evaluate(() => window.Platinum.open());
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await hit(page, "#pt-close"), true);
  assert.equal(await activeId(page), "widget:pt-r1", "focus starts in the dialog");
  // Keyboard works inside: the dialog is not inert under the page's modal.
  await page.keyboard.press("ArrowRight");
  assert.equal(await activeId(page), "widget:pt-r2");
  await page.keyboard.press("Escape");
  await page.locator("#pt-dialog").waitFor({ state: "hidden" });
  assert.equal(await activeId(page), "pay", "back where the visitor was");
  assert.equal(await page.locator("#modal").evaluate((d) => d.open), true, "the page's modal stays open");
});

test("a page modal opened while the dialog is open goes under the widget, and the dialog still answers", async () => {
  const { site } = await shop();
  const { page } = await visit(site.origin + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  await page.evaluate(() => document.getElementById("modal").showModal());
  await page.waitForFunction(() => document.querySelector("platinum-feedback").parentElement.id === "modal");
  assert.equal(await hit(page, "#pt-comment"), true);
  await page.locator("#pt-comment").fill("typed over the modal");
  await page.locator("#pt-close").click();
  await page.locator("#pt-dialog").waitFor({ state: "hidden" });
  await page.evaluate(() => document.getElementById("modal").close());
  await page.waitForFunction(() => document.querySelector("platinum-feedback").parentElement === document.body);
  assert.equal(await hit(page, "#pt-launcher"), true);
});

test("a popover the page shows after the widget goes under it", async () => {
  const body = `<h1>Shop</h1><div id="sale" popover="manual" style="inset: 0; inline-size: 100vw; block-size: 100vh; margin: 0; border: 0; background: #fc0">Sale!</div>`;
  const { site } = await shop({ body });
  const { page } = await visit(site.origin + "/");
  await page.evaluate(() => document.getElementById("sale").showPopover());
  await page.waitForFunction(() => document.getElementById("sale").matches(":popover-open"));
  // The widget shows itself again on the page's toggle event, which comes in a task of its own.
  await page.waitForFunction(() => {
    const r = document.querySelector("platinum-feedback").shadowRoot.getElementById("pt-launcher").getBoundingClientRect();
    return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.localName === "platinum-feedback";
  });
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await hit(page, "#pt-send"), true);
});

// A phone: 390 × 844 with touch, whose on-screen keyboard shrinks the visual viewport (headless
// Chromium has no keyboard: the visual viewport's size is set as a keyboard sets it, and it
// tells its listeners as the browser does).
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

async function keyboard(page, covered) {
  await page.evaluate((covered) => {
    const height = innerHeight - covered;
    Object.defineProperty(window.visualViewport, "height", { configurable: true, get: () => height });
    window.visualViewport.dispatchEvent(new Event("resize"));
  }, covered);
}

/** The rectangle of `selector` and whether it lies inside what the visual viewport shows. */
const seen = (page, selector) => page.evaluate((selector) => {
  const r = document.querySelector("platinum-feedback").shadowRoot.querySelector(selector).getBoundingClientRect();
  const v = window.visualViewport;
  return { inside: r.top >= v.offsetTop && r.bottom <= v.offsetTop + v.height && r.left >= 0 && r.right <= innerWidth, top: r.top, bottom: r.bottom, visible: v.height };
}, selector);

async function swipe(page, from, to) {
  const cdp = await page.context().newCDPSession(page);
  const point = (y) => [{ x: from.x, y }];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: point(from.y) });
  for (let y = from.y; y <= to; y += 20) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: point(y) });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

test("on a phone the dialog is a bottom sheet with big targets, and stays usable above the keyboard", async () => {
  // Under a policy without 'unsafe-inline' for styles: the sheet's keyboard inset is set through
  // the CSSOM, which such a policy allows.
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src *";
  const { site } = await shop({ body: "<h1>Shop</h1>", attrs: 'data-ask-email="true"', headers: { "content-security-policy": csp } });
  const { page, log } = await visit(site.origin + "/", PHONE);
  await page.locator("#pt-launcher").tap();
  await page.locator("#pt-dialog").waitFor();
  // Measured where it comes to rest: its opening rise moves it by a few pixels for 160 ms.
  await page.locator("#pt-dialog").evaluate((d) => Promise.all(d.getAnimations().map((a) => a.finished)));
  const sheet = await page.locator("#pt-dialog").evaluate((d) => {
    const r = d.getBoundingClientRect();
    return { left: r.left, right: r.right, bottom: Math.round(r.bottom) };
  });
  assert.deepEqual(sheet, { left: 0, right: 390, bottom: 844 }, "full width, on the bottom edge");

  const targets = await page.evaluate(() => {
    const r = document.querySelector("platinum-feedback").shadowRoot;
    return [...r.querySelectorAll("#pt-launcher, #pt-close, #pt-send, .scale label, #pt-comment, #pt-email")].map((el) => {
      const b = el.getBoundingClientRect();
      return { what: el.id || el.htmlFor, width: b.width, height: b.height, font: parseFloat(getComputedStyle(el).fontSize) };
    });
  });
  for (const t of targets) {
    if (t.what === "pt-launcher") continue; // under the sheet; measured before it opened below
    assert.ok(t.width >= 44 && t.height >= 44, `${t.what} is ${t.width} × ${t.height}`);
  }
  for (const t of targets.filter((t) => t.what === "pt-comment" || t.what === "pt-email")) {
    assert.ok(t.font >= 16, `${t.what}'s text is ${t.font}px: smaller makes phones zoom in on focus`);
  }

  await page.locator("#pt-comment").tap();
  await keyboard(page, 340);
  await page.waitForFunction(() => document.querySelector("platinum-feedback").shadowRoot.getElementById("pt-dialog").style.getPropertyValue("--kb") === "340px");
  const field = await seen(page, "#pt-comment");
  const send = await seen(page, "#pt-send");
  assert.equal(field.inside, true, `text box at ${field.top}–${field.bottom} of ${field.visible} visible`);
  assert.equal(send.inside, true, `Send at ${send.top}–${send.bottom} of ${send.visible} visible`);
  await page.locator("#pt-comment").fill("typed with the keyboard open");
  assert.equal(await page.locator("#pt-comment").inputValue(), "typed with the keyboard open");
  await keyboard(page, 0);
  await page.waitForFunction(() => document.querySelector("platinum-feedback").shadowRoot.getElementById("pt-dialog").style.getPropertyValue("--kb") === "0px");
  assert.equal(Math.round(await page.locator("#pt-dialog").evaluate((d) => d.getBoundingClientRect().bottom)), 844);
  assert.deepEqual(log.filter((l) => l.type === "pageerror" || /Content Security Policy/i.test(l.text)), []);
});

test("on a phone a swipe down on the sheet's head closes it; a short one does not", async () => {
  const { site } = await shop({ body: "<h1>Shop</h1>" });
  const { page } = await visit(site.origin + "/", PHONE);
  const launcher = await page.locator("#pt-launcher").boundingBox();
  assert.ok(launcher.width >= 44 && launcher.height >= 44, `launcher is ${launcher.width} × ${launcher.height}`);
  await page.locator("#pt-launcher").tap();
  await page.locator("#pt-dialog").waitFor();
  const head = await page.locator(".head h2").boundingBox();
  const from = { x: head.x + 20, y: head.y + head.height / 2 };
  await swipe(page, from, from.y + 30);
  assert.equal(await page.locator("#pt-dialog").isVisible(), true, "a short swipe leaves it open");
  await swipe(page, from, from.y + 200);
  await page.locator("#pt-dialog").waitFor({ state: "hidden" });
  assert.equal(await activeId(page), "widget:pt-launcher", "focus back on the launcher");
});

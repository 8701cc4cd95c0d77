// The visitor's own settings: Windows High Contrast (forced colours), zoom to 400% (a 320 CSS px
// wide viewport), more contrast and less transparency.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSite, pageWith } from "./server.mjs";
import { browserPerFile } from "./collector.mjs";
import { audit } from "./browser.mjs";

const run = browserPerFile();

async function openWidget(attrs, contextOptions = {}, media = {}) {
  const site = await startSite({ pages: { "/": { html: pageWith(attrs) } } });
  const context = await run.browser.newContext(contextOptions);
  run.cleanup(() => site.close(), () => context.close());
  const page = await context.newPage();
  await page.emulateMedia(media);
  await page.goto(site.origin + "/");
  await page.locator("#pt-launcher").waitFor();
  return page;
}

async function open(page) {
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
}

/** Every control's edge as drawn: its border (or outline) width and colour, and its background. */
const edges = (page) => page.evaluate(() => {
  const root = document.querySelector("platinum-feedback").shadowRoot;
  const controls = root.querySelectorAll("#pt-launcher, #pt-close, .scale label, #pt-comment, #pt-email, #pt-send");
  return [...controls].map((el) => {
    const s = getComputedStyle(el);
    return { what: el.id || el.htmlFor, border: parseFloat(s.borderTopWidth), borderColor: s.borderTopColor, background: s.backgroundColor, color: s.color };
  });
});

/** The pixels of a screenshot of `page`, read back through a canvas: `at(x, y)` is [r, g, b]. */
async function pixels(page) {
  const png = (await page.screenshot()).toString("base64");
  const data = await page.evaluate(async (png) => {
    const img = new Image();
    img.src = "data:image/png;base64," + png;
    await img.decode();
    const canvas = new OffscreenCanvas(img.width, img.height);
    const g = canvas.getContext("2d");
    g.drawImage(img, 0, 0);
    return { width: img.width, rgba: [...g.getImageData(0, 0, img.width, img.height).data] };
  }, png);
  return (x, y) => data.rgba.slice((Math.round(y) * data.width + Math.round(x)) * 4, (Math.round(y) * data.width + Math.round(x)) * 4 + 3);
}

const box = (page, selector) => page.evaluate((selector) => {
  const r = document.querySelector("platinum-feedback").shadowRoot.querySelector(selector).getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
}, selector);

test("forced colours: every control keeps a drawn edge in a system colour, the chosen rating and focus show", async () => {
  const page = await openWidget('data-endpoint="/feedback" data-ask-email="true"', {}, { forcedColors: "active" });
  assert.equal(await page.evaluate(() => matchMedia("(forced-colors: active)").matches), true);
  await open(page);
  await page.locator('label[for="pt-r3"]').click();
  const forced = await edges(page);
  for (const c of forced) {
    assert.ok(c.border >= 1, `${c.what} has a border (${c.border}px)`);
    assert.notEqual(c.borderColor, c.background, `${c.what}'s border shows against its own background`);
    assert.notEqual(c.borderColor, "rgba(0, 0, 0, 0)", `${c.what}'s border is not transparent`);
  }
  // The chosen point is told apart by its fill in the system's highlight colour, not by the accent.
  const highlight = await page.evaluate(() => {
    const probe = document.createElement("span");
    probe.style.cssText = "color: Highlight";
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
  const chosen = forced.find((c) => c.what === "pt-r3");
  assert.equal(chosen.background, highlight);
  assert.ok(forced.filter((c) => c.what.startsWith("pt-r") && c.what !== "pt-r3").every((c) => c.background !== highlight), "only the chosen one");

  // On screen: the launcher's edge and the chosen point's fill are drawn, where normal colours
  // draw the launcher's accent fill instead.
  const at = await pixels(page);
  const launcher = await box(page, "#pt-launcher");
  const rating = await box(page, 'label[for="pt-r3"]');
  const edge = at(launcher.x + launcher.width / 2, launcher.y + 0.5);
  const outside = at(launcher.x + launcher.width / 2, launcher.y - 4);
  assert.notDeepEqual(edge, outside, "the launcher's border is drawn against the page");
  assert.notDeepEqual(at(rating.x + 4, rating.y + rating.height - 4), outside, "the chosen point is filled");

  // Focus rings are outlines, which forced colours keep.
  await page.locator("#pt-send").focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  const ring = await page.evaluate(() => {
    const el = document.querySelector("platinum-feedback").shadowRoot.activeElement;
    const s = getComputedStyle(el);
    return { id: el.id, style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor };
  });
  assert.equal(ring.id, "pt-send");
  assert.deepEqual([ring.style, ring.width >= 2, ring.colour], ["solid", true, highlight]);

  assert.deepEqual(await audit(page), []);
});

test("forced colours change how controls are drawn compared with normal colours", async () => {
  const normal = await openWidget('data-endpoint="/feedback"');
  await open(normal);
  await normal.locator('label[for="pt-r3"]').click();
  const forced = await openWidget('data-endpoint="/feedback"', {}, { forcedColors: "active" });
  await open(forced);
  await forced.locator('label[for="pt-r3"]').click();
  const [a, b] = [await edges(normal), await edges(forced)];
  // Without forced colours the launcher and Send are edged by their fill alone.
  assert.equal(a.find((c) => c.what === "pt-launcher").border, 0);
  assert.ok(b.find((c) => c.what === "pt-launcher").border >= 1);
  assert.ok(b.find((c) => c.what === "pt-send").border >= 1);
});

for (const [name, options] of [
  ["400% zoom: 320 px wide", { viewport: { width: 320, height: 256 } }],
  ["200% zoom: 640 px wide", { viewport: { width: 640, height: 400 } }],
  ["320 px wide phone", { viewport: { width: 320, height: 568 }, isMobile: true, hasTouch: true }],
]) {
  test(`${name}: nothing is cut off, nothing scrolls sideways, axe finds nothing`, async () => {
    for (const scale of ["csat5", "nps"]) {
      const page = await openWidget(`data-endpoint="/feedback" data-scale="${scale}" data-ask-email="true"`, options);
      await open(page);
      // The longest form: an error shown above it, a rating chosen, both fields.
      await page.locator("#pt-send").click();
      await page.locator("p.status.error").waitFor();
      await page.locator(".scale label").nth(2).click();
      const layout = await page.evaluate(() => {
        const root = document.querySelector("platinum-feedback").shadowRoot;
        const dialog = root.getElementById("pt-dialog");
        const d = dialog.getBoundingClientRect();
        const out = [...dialog.querySelectorAll("*")].filter((el) => {
          const r = el.getBoundingClientRect();
          // The bots' trap is off screen on purpose; visually hidden text is 1 px.
          return r.width > 1 && r.height > 1 && !el.closest(".trap") && (r.left < d.left - 0.5 || r.right > d.right + 0.5);
        }).map((el) => el.id || el.className || el.localName);
        return { sideways: dialog.scrollWidth - dialog.clientWidth, inside: d.left >= 0 && d.right <= innerWidth && d.top >= 0 && d.bottom <= innerHeight + 0.5, out };
      });
      assert.deepEqual(layout, { sideways: 0, inside: true, out: [] }, scale);
      // Whatever is below the fold scrolls into the dialog's view: Send can be reached.
      await page.locator("#pt-send").scrollIntoViewIfNeeded();
      const send = await box(page, "#pt-send");
      const height = await page.evaluate(() => innerHeight);
      assert.ok(send.y >= 0 && send.y + send.height <= height, `Send at ${send.y} of ${height}`);
      assert.deepEqual(await audit(page), [], scale);
    }
  });
}

test("more contrast: lines and quiet text take the text colour", async () => {
  const page = await openWidget('data-endpoint="/feedback" data-theme="light"', {}, { contrast: "more" });
  await open(page);
  const looks = await page.evaluate(() => {
    const root = document.querySelector("platinum-feedback").shadowRoot;
    const style = (sel) => getComputedStyle(root.querySelector(sel));
    return { hint: style(".hint").color, text: style("h2").color, border: style("#pt-comment").borderTopColor, width: style("#pt-comment").borderTopWidth };
  });
  assert.equal(looks.hint, looks.text);
  assert.equal(looks.border, looks.text);
  assert.equal(looks.width, "2px");
});

test("reduced transparency: no see-through shadow around the dialog and launcher", async () => {
  const page = await openWidget('data-endpoint="/feedback"');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-reduced-transparency", value: "reduce" }] });
  assert.equal(await page.evaluate(() => matchMedia("(prefers-reduced-transparency: reduce)").matches), true);
  await open(page);
  const shadows = await page.evaluate(() => {
    const root = document.querySelector("platinum-feedback").shadowRoot;
    return ["#pt-dialog", "#pt-launcher"].map((sel) => getComputedStyle(root.querySelector(sel)).boxShadow);
  });
  assert.deepEqual(shadows, ["none", "none"]);
});

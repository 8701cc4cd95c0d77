// The widget on a page that fights it: a strict Content-Security-Policy and global CSS that
// tries to restyle or hide everything.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, pageWith, closeAllSites } from "./server.mjs";
import { launch, watchConsole } from "./browser.mjs";

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'";
const HOSTILE_CSS = `
* { all: revert; font-size: 40px !important; color: red !important; }
button { display: none !important; }
div, p, form { position: static !important; visibility: hidden; }
platinum-feedback { font-size: 40px; transform: scale(0.5); }
:root { font-size: 30px; }
`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); await closeAllSites(); });

async function launcherFontSizeOnAPlainPage() {
  const site = await startSite({ pages: { "/": { html: pageWith('data-endpoint="/feedback"') } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.origin + "/");
  const size = await page.locator("#pt-launcher").evaluate((el) => getComputedStyle(el).fontSize);
  await context.close();
  await site.close();
  return size;
}

test("strict CSP and aggressive global CSS: the widget still works and looks like itself", async () => {
  const site = await startSite({
    pages: {
      "/": { html: pageWith('data-endpoint="/feedback"', { head: '<link rel="stylesheet" href="/hostile.css">' }), headers: { "content-security-policy": CSP } },
      "/hostile.css": { body: HOSTILE_CSS, type: "text/css" },
    },
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(site.origin + "/");
  const launcher = page.locator("#pt-launcher");
  await launcher.waitFor();
  assert.equal(await launcher.isVisible(), true);
  assert.equal(await page.locator("h1").evaluate((el) => getComputedStyle(el).fontSize), "40px", "the hostile stylesheet is in force on the page");
  const fontSize = await launcher.evaluate((el) => getComputedStyle(el).fontSize);
  assert.notEqual(fontSize, "40px", "page CSS does not reach inside");
  assert.equal(fontSize, await launcherFontSizeOnAPlainPage(), "the launcher keeps the size the widget gave it");
  assert.notEqual(await launcher.evaluate((el) => getComputedStyle(el).color), "rgb(255, 0, 0)");

  await launcher.click();
  await page.locator('label[for="pt-r2"]').click();
  await page.locator("#pt-comment").fill("Hostile pages are no excuse");
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  assert.equal(site.received.length, 1);
  assert.equal(JSON.parse(site.received[0].body).comment, "Hostile pages are no excuse");

  assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
  assert.deepEqual(log.filter((l) => l.type === "pageerror" || /Content Security Policy/i.test(l.text)), []);
  await context.close();
  await site.close();
});

test("the widget's CSS does not touch the host page", async () => {
  const site = await startSite({ pages: { "/": { html: pageWith('data-endpoint="/feedback"', { body: '<h1>Shop</h1><button id="buy">Buy</button><div class="dialog">page dialog</div>' }) } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const styleOf = () => page.evaluate(() => ["h1", "#buy", ".dialog"].map((s) => {
    const c = getComputedStyle(document.querySelector(s));
    return [c.fontSize, c.fontFamily, c.color, c.backgroundColor, c.position, c.padding, c.borderRadius].join("|");
  }));
  await page.goto(site.origin + "/");
  const before = await styleOf();
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.deepEqual(await styleOf(), before);
  await context.close();
  await site.close();
});

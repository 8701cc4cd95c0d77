// axe-core audits of the open widget, light and dark, and motion for visitors who ask for less.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, pageWith, closeAllSites } from "./server.mjs";
import { launch, audit } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); await closeAllSites(); });

async function openWidget(attrs, contextOptions = {}) {
  const site = await startSite({ pages: { "/": { html: pageWith(attrs) } } });
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await page.goto(site.origin + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  return { page, close: async () => { await context.close(); await site.close(); } };
}


for (const [name, attrs, options] of [
  ["light", 'data-endpoint="/feedback" data-theme="light" data-ask-email="true"', {}],
  ["dark", 'data-endpoint="/feedback" data-theme="dark" data-ask-email="true"', {}],
  ["auto, dark system", 'data-endpoint="/feedback" data-ask-email="true"', { colorScheme: "dark" }],
  ["custom light accent", 'data-endpoint="/feedback" data-accent="#ffd400"', {}],
]) {
  test(`axe finds no violation in the open dialog (${name})`, async () => {
    const t = await openWidget(attrs, options);
    await t.page.locator('label[for="pt-r2"]').click();
    const violations = await audit(t.page);
    if (violations.length) console.log(JSON.stringify(violations, null, 2));
    assert.deepEqual(violations, []);
    await t.close();
  });
}

// Every scale, chosen and not, in both themes; the first point of each is picked.
for (const scale of ["csat5", "stars5", "emoji5", "thumbs", "nps"]) {
  for (const theme of ["light", "dark"]) {
    test(`axe finds no violation in the open dialog (${scale}, ${theme})`, async () => {
      const t = await openWidget(`data-endpoint="/feedback" data-scale="${scale}" data-theme="${theme}" data-ask-email="true"`);
      const unrated = await audit(t.page);
      await t.page.locator(".scale label").nth(1).click();
      const rated = await audit(t.page);
      if (unrated.length || rated.length) console.log(JSON.stringify({ unrated, rated }, null, 2));
      assert.deepEqual({ unrated, rated }, { unrated: [], rated: [] });
      await t.close();
    });
  }
}

for (const theme of ["light", "dark"]) {
  test(`axe finds no violation with a restored draft and its Discard button (${theme})`, async () => {
    const t = await openWidget(`data-endpoint="/feedback" data-scale="nps" data-theme="${theme}"`);
    await t.page.locator('label[for="pt-r4"]').click();
    await t.page.locator("#pt-comment").fill("Half written");
    await t.page.reload();
    await t.page.locator("#pt-launcher").click();
    await t.page.locator("#pt-dialog").waitFor();
    await t.page.locator("#pt-discard").waitFor();
    await t.page.locator("p.status").filter({ hasText: "Your unsent feedback was restored." }).waitFor();
    const violations = await audit(t.page);
    if (violations.length) console.log(JSON.stringify(violations, null, 2));
    assert.deepEqual(violations, []);
    await t.close();
  });
}

test("axe finds no violation on the thank-you and on a validation message", async () => {
  const t = await openWidget('data-endpoint="/feedback" data-theme="dark"');
  await t.page.locator("#pt-send").click();
  await t.page.locator("p.status").filter({ hasText: "Please choose" }).waitFor();
  assert.deepEqual(await audit(t.page), []);
  await t.page.locator('label[for="pt-r4"]').click();
  await t.page.locator("#pt-send").click();
  await t.page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  assert.deepEqual(await audit(t.page), []);
  await t.close();
});

test("the dialog has a name, a role, aria-modal, and a live region", async () => {
  const t = await openWidget('data-endpoint="/feedback"');
  const facts = await t.page.evaluate(() => {
    const r = document.querySelector("platinum-feedback").shadowRoot;
    const d = r.getElementById("pt-dialog");
    return {
      role: d.getAttribute("role"),
      modal: d.getAttribute("aria-modal"),
      name: r.getElementById(d.getAttribute("aria-labelledby")).textContent,
      live: r.querySelector('[role="status"]').getAttribute("aria-live"),
      expanded: r.getElementById("pt-launcher").getAttribute("aria-expanded"),
      group: r.querySelector('[role="radiogroup"]') !== null,
    };
  });
  assert.deepEqual(facts, { role: "dialog", modal: "true", name: "How are we doing?", live: "polite", expanded: "true", group: true });
  await t.close();
});

test("reduced motion turns the opening animation off", async () => {
  const moving = await openWidget('data-endpoint="/feedback"');
  assert.equal(await moving.page.locator("#pt-dialog").evaluate((d) => getComputedStyle(d).animationName), "rise");
  await moving.close();
  const still = await openWidget('data-endpoint="/feedback"', { reducedMotion: "reduce" });
  assert.equal(await still.page.locator("#pt-dialog").evaluate((d) => getComputedStyle(d).animationName), "none");
  await still.close();
});

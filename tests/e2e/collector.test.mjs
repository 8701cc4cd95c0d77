// The whole product on one machine: the real collector serves the demo page and the widget,
// a visitor leaves feedback through the widget, and the owner reads it on the dashboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { watchConsole } from "./browser.mjs";
import { collectorPerFile, startCollector, storedResponses, TOKEN } from "./collector.mjs";
import { startSite } from "./server.mjs";

const run = collectorPerFile();

/** Sends one response through the demo page's widget. */
async function leaveFeedback(page, { rating, comment, email }) {
  await page.goto(run.collector.url + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  await page.locator(`label[for="pt-r${rating}"]`).click();
  await page.locator("#pt-comment").fill(comment);
  if (email) await page.locator("#pt-email").fill(email);
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
}

test("feedback sent on the demo page shows on the dashboard, the unhappy one under follow-up", async () => {
  const context = await run.browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  const unhappy = `The checkout crashed twice <script>alert(1)</script> ${Date.now()}`;
  const happy = `Lovely shop ${Date.now()}`;
  await leaveFeedback(page, { rating: 1, comment: unhappy, email: "unhappy@example.com" });
  await leaveFeedback(page, { rating: 5, comment: happy });
  assert.deepEqual(log.filter((l) => l.type === "pageerror"), []);
  console.log(`submitted: rating 1 "${unhappy}", rating 5 "${happy}"`);

  await page.goto(run.collector.url + "/dashboard");
  await page.locator('input[name="token"]').fill("not the token");
  await page.locator('form.login button, form.login [type="submit"]').first().click();
  assert.equal(await page.locator("[data-feedback-id]").count(), 0, "a wrong token shows nothing");

  await page.locator('input[name="token"]').fill(TOKEN);
  await page.locator('form.login button, form.login [type="submit"]').first().click();
  const rows = page.locator("[data-feedback-id]");
  await rows.first().waitFor();
  const shown = await rows.count();
  assert.equal(shown, 2);
  const text = await page.locator("body").innerText();
  assert.ok(text.includes(unhappy), "the comment shows as text, markup and all");
  assert.ok(text.includes(happy));

  await page.goto(run.collector.url + "/dashboard/follow-up");
  const followUp = page.locator("[data-feedback-id]");
  await followUp.first().waitFor();
  const followText = await page.locator("body").innerText();
  assert.ok(followText.includes(unhappy) && followText.includes("unhappy@example.com"), "the unhappy visitor and their email");
  assert.ok(!followText.includes(happy), "happy visitors need no follow-up");
  console.log(`stored and shown: ${shown} responses; needing follow-up: ${await followUp.count()}`);

  if (process.env.PLATINUM_SHOTS) await page.screenshot({ path: join(process.env.PLATINUM_SHOTS, "follow-up.png"), fullPage: true });
  await page.locator('button[name="mark-followed-up"]').first().click();
  await page.waitForLoadState();
  assert.equal(await page.locator('button[name="mark-followed-up"]').count(), 0, "marked as followed up");

  // The dashboard runs under its own strict CSP: styled by its stylesheet, with nothing blocked.
  const maxWidth = await page.evaluate(() => getComputedStyle(document.querySelector("main")).maxWidth);
  assert.equal(maxWidth, "960px", "the dashboard's stylesheet applies");
  const blocked = log.filter((l) => /Content.Security.Policy|Refused to/i.test(l.text));
  assert.deepEqual(blocked, [], "the dashboard's own CSP blocks nothing it needs");

  // Log out everywhere: this browser, and any copy of its cookie, is back at the login form.
  const cookies = await context.cookies();
  await page.locator('form[action="/dashboard/logout-everywhere"] button').click();
  await page.locator('input[name="token"]').waitFor();
  const copied = cookies.find((c) => c.name === "platinum_session");
  assert.ok(copied?.httpOnly && copied.sameSite === "Strict" && copied.path === "/dashboard", JSON.stringify(copied));
  const replay = await fetch(run.collector.url + "/dashboard", { headers: { cookie: `platinum_session=${copied.value}` } });
  assert.equal(replay.status, 401, "the copied cookie no longer opens the dashboard");
  await context.close();
});

test("an owner's site on another origin, the tag pointing at the collector, under a strict CSP: feedback arrives", async () => {
  // As deployed: the site at one origin, the collector (widget files and endpoint) at another,
  // the site allowed with --allow-origin, and the site's CSP as the README tells owners to write it.
  const pages = {};
  const site = await startSite({ pages });
  const own = join(run.dir, "cross-origin");
  mkdirSync(own);
  const remote = await startCollector(own, ["--allow-origin", site.origin]);
  try {
    const csp = `default-src 'none'; script-src ${remote.url} 'wasm-unsafe-eval'; connect-src ${remote.url}`;
    pages["/"] = {
      headers: { "content-security-policy": csp },
      html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Owner's shop</title></head><body><h1>Shop</h1><script src="${remote.url}/widget/feedback.js" data-endpoint="${remote.url}/api/feedback" async></script></body></html>`,
    };
    const context = await run.browser.newContext();
    const page = await context.newPage();
    const log = watchConsole(page);
    const comment = `Sent from the owner's own site ${Date.now()}`;
    await page.goto(site.origin + "/");
    await page.locator("#pt-launcher").click();
    await page.locator("#pt-dialog").waitFor();
    await page.locator('label[for="pt-r2"]').click();
    await page.locator("#pt-comment").fill(comment);
    await page.locator("#pt-send").click();
    await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
    const rows = (await storedResponses(remote.url)).filter((r) => r.comment === comment);
    console.log(`cross-origin: site ${site.origin}, collector ${remote.url}; stored ${rows.length}, origin recorded ${rows[0]?.origin}`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].origin, site.origin, "the collector records which site it came from");
    const problems = log.filter((l) => l.type === "pageerror" || l.text.startsWith("[platinum]") || /Content.Security.Policy|CORS/i.test(l.text));
    assert.deepEqual(problems, [], "no CSP, CORS or widget complaint");
    await context.close();
  } finally {
    await remote.stop();
  }
});

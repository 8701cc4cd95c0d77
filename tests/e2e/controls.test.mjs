// The owner's controls, seen from both ends: every rating scale by keyboard and by pointer
// against the real collector and its dashboard, the follow-up question, identify and metadata,
// drafts kept across page loads, and the Platinum.on events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchConsole } from "./browser.mjs";
import { browserPerFile, startCollector, TOKEN } from "./collector.mjs";
import { startSite, pageWith } from "./server.mjs";

const run = browserPerFile();

/**
 * A site whose pages carry the tag (with `attrs`) posting to a fresh collector, which allows
 * the site's origin. `pages` maps extra paths to their HTML; `tag(attrs)` makes a page's tag.
 */
async function shop(attrs = "", { pages = {} } = {}) {
  const served = {};
  const site = await startSite({ pages: served });
  const own = run.freshDir();
  const collector = await startCollector(own, ["--allow-origin", site.origin]);
  run.cleanup(() => collector.stop(), () => site.close());
  const endpoint = `${collector.url}/api/feedback`;
  const tag = (more = attrs) => `data-endpoint="${endpoint}" ${more}`;
  served["/"] = { html: pageWith(tag()) };
  for (const [path, html] of Object.entries(pages)) served[path] = { html: typeof html === "function" ? html(tag) : html };
  return { site, collector, served, tag };
}

/** A visitor's browser on `url`: what it POSTs to the collector (parsed), and its console. */
async function visitor(url, contextOptions = {}) {
  const context = await run.browser.newContext(contextOptions);
  run.cleanup(() => context.close());
  const page = await context.newPage();
  const posts = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().endsWith("/api/feedback")) posts.push(JSON.parse(r.postData())); });
  const log = watchConsole(page);
  if (url) {
    await page.goto(url);
    await page.locator("#pt-launcher").waitFor();
  }
  return { context, page, posts, log };
}

const platinumLines = (log, type) => log.filter((l) => l.text.startsWith("[platinum]") && (!type || l.type === type));
const focused = (page) => page.evaluate(() => document.querySelector("platinum-feedback").shadowRoot.activeElement?.id ?? null);
const thanked = (page) => page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
const promptText = (page) => page.locator('label[for="pt-comment"] > span').first().innerText();

async function openByPointer(page) {
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
}

/** Rates `rating` (the scale starting at `lowest`) with the keyboard only, writes, sends. */
async function sendByKeyboard(page, { rating, lowest, comment }) {
  await page.locator("#pt-launcher").focus();
  await page.keyboard.press("Enter");
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await focused(page), `pt-r${lowest}`, "focus starts on the first point");
  if (rating === lowest) await page.keyboard.press("Space");
  for (let at = lowest; at < rating; at++) await page.keyboard.press("ArrowRight");
  assert.equal(await focused(page), `pt-r${rating}`);
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "pt-comment", "Tab goes from the rating to the text box");
  await page.keyboard.type(comment);
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "pt-send");
  await page.keyboard.press("Enter");
  await thanked(page);
}

/** Rates `rating` by clicking its label, writes, sends. */
async function sendByPointer(page, { rating, comment }) {
  await openByPointer(page);
  await page.locator(`label[for="pt-r${rating}"]`).click();
  if (comment) await page.locator("#pt-comment").fill(comment);
  await page.locator("#pt-send").click();
  await thanked(page);
}

/** The owner, logged in to `collector`'s dashboard in a browser of their own. */
async function owner(collector) {
  const context = await run.browser.newContext();
  run.cleanup(() => context.close());
  const page = await context.newPage();
  await page.goto(collector.url + "/dashboard");
  await page.locator('input[name="token"]').fill(TOKEN);
  await page.locator("form.login button").click();
  await page.locator("section.figures").waitFor();
  return { page, show: async (query = "") => { await page.goto(`${collector.url}/dashboard${query}`); } };
}

/** The cells of a CSV text (quoted cells with commas, quotes and newlines included). */
function csvRows(text) {
  const rows = [[]];
  let cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') cell += '"', i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") rows.at(-1).push(cell), cell = "";
    else if (c === "\n") rows.at(-1).push(cell), cell = "", rows.push([]);
    else if (c !== "\r") cell += c;
  }
  if (cell || rows.at(-1).length) rows.at(-1).push(cell);
  return rows.filter((r) => r.length > 1);
}

// Each scale: its title, the accessible names of its points, and two responses (keyboard, then
// pointer) with what the dashboard must say about them.
const SCALES = [
  { scale: "csat5", lowest: 1, title: "How are we doing?", names: ["Terrible", "Bad", "Okay", "Good", "Great"], keyboard: 2, pointer: 5, row: ["1: 0", "2: 1", "3: 0", "4: 0", "5: 1"] },
  { scale: "stars5", lowest: 1, title: "How are we doing?", names: ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"], keyboard: 3, pointer: 4, row: ["1: 0", "2: 0", "3: 1", "4: 1", "5: 0"] },
  { scale: "emoji5", lowest: 1, title: "How are we doing?", names: ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"], keyboard: 1, pointer: 4, row: ["1: 1", "2: 0", "3: 0", "4: 1", "5: 0"] },
  { scale: "thumbs", lowest: 0, title: "How are we doing?", names: ["Not helpful", "Helpful"], keyboard: 1, pointer: 0, row: ["0: 1", "1: 1"], thumbsUp: "50" },
  {
    scale: "nps", lowest: 0, title: "How likely are you to recommend us to a friend?",
    names: ["0, Not likely", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10, Very likely"],
    keyboard: 10, pointer: 9, more: 3, row: ["0: 0", "3: 1", "9: 1", "10: 1"], nps: "33",
  },
];

for (const s of SCALES) {
  test(`${s.scale}: a radio group named by its title, sent by keyboard and by pointer, shown right on the dashboard`, async () => {
    const { site, collector } = await shop(`data-scale="${s.scale}"`);
    const v = await visitor(site.origin + "/");
    const stamp = Date.now();
    await sendByKeyboard(v.page, { rating: s.keyboard, lowest: s.lowest, comment: `keyboard ${s.scale} ${stamp}` });

    const group = v.page.locator("platinum-feedback").getByRole("radiogroup", { name: s.title, exact: true });
    assert.equal(await group.count(), 0, "the thank-you hides the form");
    await v.page.locator("#pt-done").click();
    await openByPointer(v.page);
    await group.waitFor();
    assert.equal(await group.getByRole("radio").count(), s.names.length, "one radio per point");
    for (const name of s.names) {
      assert.equal(await group.getByRole("radio", { name, exact: true }).count(), 1, `a radio named "${name}"`);
    }
    await v.page.locator("#pt-close").click();
    await sendByPointer(v.page, { rating: s.pointer, comment: `pointer ${s.scale} ${stamp}` });
    if (s.more !== undefined) {
      await v.page.locator("#pt-done").click();
      await sendByPointer(v.page, { rating: s.more, comment: `more ${s.scale} ${stamp}` });
    }

    const sent = [s.keyboard, s.pointer, ...(s.more === undefined ? [] : [s.more])];
    assert.deepEqual(v.posts.map((p) => p.rating), sent, "each response posted once, with the chosen rating");
    for (const p of v.posts) {
      assert.equal(p.schema_version, 2);
      assert.equal(p.scale, s.scale);
    }
    assert.deepEqual(platinumLines(v.log), []);

    const o = await owner(collector);
    const shown = await o.page.locator(`article.response[data-scale="${s.scale}"]`).evaluateAll((els) => els.map((e) => Number(e.dataset.rating)));
    assert.deepEqual(shown.sort((a, b) => a - b), [...sent].sort((a, b) => a - b), "every response listed under its scale");
    const cells = await o.page.locator(`tr[data-scale="${s.scale}"] td .point`).evaluateAll((els) => els.map((e) => e.parentElement.textContent));
    for (const cell of s.row) assert.ok(cells.includes(cell), `the ${s.scale} row has "${cell}": ${JSON.stringify(cells)}`);
    assert.equal(await o.page.locator(`tr[data-scale="${s.scale}"] td.total`).innerText(), `${sent.length} in all`);
    assert.equal(await o.page.locator("tr[data-scale]").count(), 1, "no row for scales nobody rated on");
    if (s.nps) {
      assert.equal(await o.page.locator("[data-nps]").getAttribute("data-nps"), s.nps, "2 promoters and 1 detractor of 3 make 33");
      assert.equal(await o.page.locator("[data-nps]").innerText(), "+33");
    } else {
      assert.equal(await o.page.locator("[data-nps]").count(), 0, "no NPS without NPS responses");
    }
    if (s.thumbsUp) assert.equal(await o.page.locator("[data-thumbs-up]").getAttribute("data-thumbs-up"), s.thumbsUp);
    else assert.equal(await o.page.locator("[data-thumbs-up]").count(), 0);
    const other = s.scale === "csat5" ? "nps" : "csat5";
    await o.show(`?scale=${s.scale}`);
    assert.equal(await o.page.locator("article.response").count(), sent.length, `the ${s.scale} filter keeps them`);
    await o.show(`?scale=${other}`);
    assert.equal(await o.page.locator("article.response").count(), 0, `the ${other} filter hides them`);
    console.log(`${s.scale}: sent ${sent.join(", ")}; dashboard row ${cells.join(" | ")}${s.nps ? `; NPS ${s.nps}` : ""}${s.thumbsUp ? `; thumbs up ${s.thumbsUp}%` : ""}`);
  });
}

test("NPS: the 11 points wrap to two rows on a 360 px screen and stay in one on a desktop", async () => {
  const { site } = await shop('data-scale="nps"');
  for (const [width, rows] of [[360, 2], [1280, 1]]) {
    const v = await visitor(site.origin + "/", { viewport: { width, height: 740 } });
    await openByPointer(v.page);
    const boxes = await v.page.locator(".scale label").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    assert.equal(boxes.length, 11);
    const tops = new Set(boxes.map((b) => Math.round(b.top)));
    assert.equal(tops.size, rows, `${width} px: label tops ${[...tops].join(", ")}`);
    const dialog = await v.page.locator("#pt-dialog").boundingBox();
    for (const b of boxes) assert.ok(b.left >= dialog.x && b.right <= dialog.x + dialog.width, `${width} px: a point sticks out of the dialog`);
    assert.ok(boxes.every((b) => b.width >= 24 && b.height >= 24), `${width} px: every point is at least 24 px square`);
    console.log(`${width} px: ${tops.size} row(s), points ${Math.round(boxes[0].width)}×${Math.round(boxes[0].height)} px`);
    await v.context.close();
  }
});

test("the follow-up question follows the rating, and the owner's wording replaces it", async () => {
  const { site, served, tag } = await shop("");
  served["/nps"] = { html: pageWith(tag('data-scale="nps"')) };
  served["/own"] = { html: pageWith(tag('data-prompt-low="Sorry! What broke?" data-prompt-high="Glad! What worked?"')) };
  const v = await visitor(site.origin + "/");
  await openByPointer(v.page);
  assert.equal(await promptText(v.page), "How can we get better?", "before a rating");
  for (const [rating, prompt] of [[1, "What went wrong?"], [5, "What did you like?"], [3, "How can we get better?"], [2, "What went wrong?"], [4, "What did you like?"]]) {
    await v.page.locator(`label[for="pt-r${rating}"]`).click();
    assert.equal(await promptText(v.page), prompt, `after ${rating}`);
  }
  assert.equal(await v.page.getByRole("textbox", { name: /What did you like\?/ }).count(), 1, "the text box is named by the question it asks");

  await v.page.goto(site.origin + "/nps");
  await openByPointer(v.page);
  for (const [rating, prompt] of [[6, "What went wrong?"], [8, "How can we get better?"], [9, "What did you like?"], [0, "What went wrong?"]]) {
    await v.page.locator(`label[for="pt-r${rating}"]`).click();
    assert.equal(await promptText(v.page), prompt, `NPS ${rating}`);
  }

  await v.page.goto(site.origin + "/own");
  await openByPointer(v.page);
  for (const [rating, prompt] of [[1, "Sorry! What broke?"], [5, "Glad! What worked?"], [3, "How can we get better?"]]) {
    await v.page.locator(`label[for="pt-r${rating}"]`).click();
    assert.equal(await promptText(v.page), prompt, `own wording after ${rating}`);
  }
  assert.deepEqual(platinumLines(v.log), []);
});

/** A page whose tag loads synchronously, followed by the owner's inline `script`. */
const withScript = (tag, script) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Account</title></head><body><h1>Account</h1><script src="/widget/feedback.js" ${tag}></script><script>${script}</script></body></html>`;

const ANA = { id: "u-42", email: "ana@example.com", name: "Ana" };
const FACTS = { plan: "pro", build: "1.4.2" };

test("identify and setMetadata, called before the widget loads, after the launcher and after the dialog: the email field, user and metadata", async () => {
  const call = `Platinum.identify(${JSON.stringify(ANA)}); Platinum.setMetadata(${JSON.stringify(FACTS)});`;
  const { site, collector } = await shop('data-ask-email="true"', {
    pages: { "/early": (tag) => withScript(tag(), call), "/late": (tag) => pageWith(tag()) },
  });
  const v = await visitor();
  const when = {
    // Before the loader has even fetched the launcher: the calls wait in its queue.
    early: async () => { await v.page.goto(site.origin + "/early"); await v.page.locator("#pt-launcher").waitFor(); await openByPointer(v.page); },
    launcher: async () => { await v.page.goto(site.origin + "/late"); await v.page.locator("#pt-launcher").waitFor(); await v.page.evaluate(call); await openByPointer(v.page); },
    dialog: async () => { await v.page.goto(site.origin + "/late"); await openByPointer(v.page); await v.page.evaluate(call); },
  };
  for (const [name, arrive] of Object.entries(when)) {
    await arrive();
    const field = v.page.locator("#pt-email");
    await v.page.waitForFunction(() => document.querySelector("platinum-feedback").shadowRoot.getElementById("pt-email").value !== "");
    assert.equal(await field.inputValue(), ANA.email, `${name}: the email field holds the visitor's address`);
    await v.page.locator('label[for="pt-r2"]').click();
    await v.page.locator("#pt-comment").fill(`identified ${name}`);
    await field.fill(`ana.${name}@example.com`);
    await v.page.locator("#pt-send").click();
    await thanked(v.page);
    const p = v.posts.at(-1);
    assert.equal(p.comment, `identified ${name}`);
    assert.equal(p.email, `ana.${name}@example.com`, `${name}: the visitor may change the address`);
    assert.deepEqual(p.user, ANA, `${name}: user`);
    assert.deepEqual(Object.entries(p.metadata), Object.entries(FACTS), `${name}: metadata, in the order given`);
  }
  assert.equal(v.posts.length, 3);
  assert.deepEqual(platinumLines(v.log), []);

  const o = await owner(collector);
  const response = o.page.locator("article.response").filter({ hasText: "identified early" });
  assert.equal(await response.locator("dd.user").innerText(), "Ana ana@example.com id u-42");
  const meta = await response.locator("dt.meta, dd.meta").allInnerTexts();
  assert.deepEqual(meta, ["plan", "pro", "build", "1.4.2"]);
  await o.show("?meta=plan:pro");
  assert.equal(await o.page.locator("article.response").count(), 3, "meta=plan:pro keeps them");
  await o.show("?meta=plan:free");
  assert.equal(await o.page.locator("article.response").count(), 0, "meta=plan:free hides them");
  assert.equal(await o.page.locator("p.empty").innerText(), "No responses match.");

  const csv = await o.page.request.get(`${collector.url}/dashboard/export.csv?meta=plan:pro`);
  assert.equal(csv.status(), 200);
  const [head, ...rows] = csvRows(await csv.text());
  const col = (row, name) => row[head.indexOf(name)];
  for (const name of ["user_id", "user_email", "user_name", "metadata"]) assert.ok(head.includes(name), `CSV column ${name}`);
  assert.equal(rows.length, 3);
  for (const row of rows) {
    assert.deepEqual([col(row, "user_id"), col(row, "user_email"), col(row, "user_name")], [ANA.id, ANA.email, ANA.name]);
    assert.deepEqual(JSON.parse(col(row, "metadata")), FACTS);
  }
  const none = csvRows(await (await o.page.request.get(`${collector.url}/dashboard/export.csv?meta=plan:free`)).text());
  assert.equal(none.length, 1, "the filtered export has the header only");
});

test("data-user-id, data-user-email and data-user-name name the visitor; identify replaces them", async () => {
  const { site } = await shop('data-ask-email="true" data-user-id="u-7" data-user-email="bo@example.com" data-user-name="Bo"');
  const v = await visitor(site.origin + "/");
  await openByPointer(v.page);
  assert.equal(await v.page.locator("#pt-email").inputValue(), "bo@example.com");
  await v.page.locator('label[for="pt-r4"]').click();
  await v.page.locator("#pt-send").click();
  await thanked(v.page);
  assert.deepEqual(v.posts[0].user, { id: "u-7", email: "bo@example.com", name: "Bo" });
  assert.equal(v.posts[0].email, "bo@example.com");
  assert.equal(v.posts[0].metadata ?? null, null, "no metadata set, none sent");

  await v.page.evaluate((ana) => window.Platinum.identify(ana), ANA);
  await v.page.locator("#pt-done").click();
  await openByPointer(v.page);
  assert.equal(await v.page.locator("#pt-email").inputValue(), ANA.email, "identify's address replaces the attribute's");
  await v.page.locator('label[for="pt-r5"]').click();
  await v.page.locator("#pt-send").click();
  await thanked(v.page);
  assert.deepEqual(v.posts[1].user, ANA);
  assert.deepEqual(platinumLines(v.log), []);
});

test("a bad identity or metadata key gives one warning naming it, before and after the widget loads", async () => {
  const bad = `Platinum.identify({ id: "u-9", email: "nope" }); Platinum.setMetadata({ "a:b": "x", plan: "pro" });`;
  const { site } = await shop("", { pages: { "/early": (tag) => withScript(tag(), bad) } });
  const v = await visitor(site.origin + "/early");
  await openByPointer(v.page);
  await v.page.locator('label[for="pt-r3"]').click();
  await v.page.locator("#pt-send").click();
  await thanked(v.page);
  const lines = platinumLines(v.log).map((l) => `${l.type}: ${l.text}`);
  assert.deepEqual(lines, [
    'warning: [platinum] email is left out: "nope" is not an email address.',
    'warning: [platinum] metadata "a:b" is left out: a key has no colon.',
  ], "one warning each, not repeated when the dialog takes over");
  assert.deepEqual(v.posts[0].user, { id: "u-9" }, "the good member is kept");
  assert.deepEqual(v.posts[0].metadata, { plan: "pro" });

  v.log.length = 0;
  await v.page.evaluate(() => { window.Platinum.identify({ email: "still nope" }); window.Platinum.setMetadata({ "x:y": "1" }); });
  const after = platinumLines(v.log).map((l) => l.text);
  assert.equal(after.length, 2, JSON.stringify(after));
  assert.match(after[0], /email .*"still nope"/);
  assert.match(after[1], /"x:y"/);
});

test("a draft survives a reload and a visit to another page; Discard and sending forget it", async () => {
  const { site, served, tag } = await shop("");
  served["/other"] = { html: pageWith(tag(), { body: "<h1>Other page</h1>" }) };
  const v = await visitor(site.origin + "/");
  const restoredNote = v.page.locator("p.status").filter({ hasText: "Your unsent feedback was restored." });
  const text = "The size chart is missing on shoes";
  await openByPointer(v.page);
  assert.equal(await v.page.locator("#pt-discard").isVisible(), false, "nothing to discard on a fresh form");
  await v.page.locator('label[for="pt-r2"]').click();
  await v.page.locator("#pt-comment").fill(text);

  const expectRestored = async (how) => {
    await openByPointer(v.page);
    await restoredNote.waitFor();
    assert.equal(await v.page.locator("#pt-r2").isChecked(), true, `${how}: the rating is back`);
    assert.equal(await v.page.locator("#pt-comment").inputValue(), text, `${how}: the text is back`);
    assert.equal(await promptText(v.page), "What went wrong?", `${how}: the question follows the restored rating`);
    assert.equal(await v.page.locator("#pt-discard").isVisible(), true, `${how}: Discard is offered`);
  };
  const expectEmpty = async (how) => {
    await openByPointer(v.page);
    assert.equal(await v.page.locator('input[name="rating"]:checked').count(), 0, `${how}: no rating`);
    assert.equal(await v.page.locator("#pt-comment").inputValue(), "", `${how}: no text`);
    assert.equal(await v.page.locator("p.status").innerText(), "", `${how}: no note`);
    assert.equal(await v.page.locator("#pt-discard").isVisible(), false, `${how}: no Discard`);
  };

  await v.page.reload();
  await expectRestored("after a reload");
  await v.page.goto(site.origin + "/other");
  await v.page.locator("#pt-launcher").waitFor();
  await v.page.goto(site.origin + "/");
  await expectRestored("after another page and back");

  // The keyboard reaches Discard in the order the eye sees it: before Send.
  const stops = [];
  await v.page.locator("#pt-close").focus();
  for (let i = 0; i < 8 && !stops.includes("pt-discard"); i++) {
    await v.page.keyboard.press("Tab");
    stops.push(await focused(v.page));
  }
  assert.deepEqual(stops, ["pt-r2", "pt-comment", "pt-discard"], "Tab reaches Discard");
  await v.page.keyboard.press("Tab");
  assert.equal(await focused(v.page), "pt-send", "Send comes after Discard");
  const [discard, send] = [await v.page.locator("#pt-discard").boundingBox(), await v.page.locator("#pt-send").boundingBox()];
  assert.ok(discard.x < send.x, "Discard shows left of Send");
  await v.page.keyboard.press("Shift+Tab");
  assert.equal(await focused(v.page), "pt-discard");
  await v.page.keyboard.press("Enter");
  assert.equal(await v.page.locator('input[name="rating"]:checked').count(), 0, "Discard clears the rating");
  assert.equal(await v.page.locator("#pt-comment").inputValue(), "", "Discard clears the text");
  assert.equal(await restoredNote.count(), 0, "the note goes");
  assert.equal(await v.page.locator("#pt-discard").isVisible(), false);
  assert.equal(await focused(v.page), "pt-r1", "focus stays in the form, on the rating");
  await v.page.reload();
  await expectEmpty("after Discard and a reload");

  await v.page.locator('label[for="pt-r4"]').click();
  await v.page.locator("#pt-comment").fill("Found it, thanks");
  await v.page.reload();
  await openByPointer(v.page);
  await restoredNote.waitFor();
  await v.page.locator("#pt-send").click();
  await thanked(v.page);
  assert.deepEqual(v.posts.map((p) => [p.rating, p.comment]), [[4, "Found it, thanks"]], "the restored draft is what is sent");
  await v.page.reload();
  await expectEmpty("after sending and a reload");
  assert.deepEqual(platinumLines(v.log), []);
});

test("events: open, close, submit once per response with the POST's id, delivered; a throwing callback breaks nothing; off; a bad name", async () => {
  const script = `
    window.seen = [];
    for (const name of ["open", "close", "submit", "delivered"]) Platinum.on(name, (e) => seen.push([name, e]));
    window.boom = () => { throw new Error("owner bug"); };
    Platinum.on("submit", boom);
    Platinum.on("nope", () => {});`;
  const { site } = await shop("", { pages: { "/events": (tag) => withScript(tag(), script) } });
  const v = await visitor(site.origin + "/events");
  const seen = () => v.page.evaluate(() => window.seen);
  const errors = () => platinumLines(v.log, "error").map((l) => l.text);
  assert.equal(errors().length, 1, JSON.stringify(errors()));
  assert.match(errors()[0], /Platinum\.on expects one of open, close, submit, delivered.*nope/);

  await sendByPointer(v.page, { rating: 2, comment: "first" });
  await v.page.locator("#pt-done").click();
  await v.page.waitForFunction(() => window.seen.some(([n]) => n === "delivered") && window.seen.at(-1)[0] === "close");
  const first = v.posts[0];
  assert.deepEqual(await seen(), [
    ["open", { scale: "csat5" }],
    ["submit", { id: first.id, rating: 2, scale: "csat5" }],
    ["delivered", { id: first.id, rating: 2, scale: "csat5" }],
    ["close", { scale: "csat5" }],
  ]);
  await sendByPointer(v.page, { rating: 5, comment: "second" });
  await v.page.waitForFunction(() => window.seen.filter(([n]) => n === "delivered").length === 2);
  const submits = (await seen()).filter(([n]) => n === "submit").map(([, e]) => e.id);
  assert.deepEqual(submits, v.posts.map((p) => p.id), "one submit per response, with the id that was posted");
  assert.equal(new Set(submits).size, 2);
  const thrown = errors().filter((t) => /callback threw/.test(t));
  assert.deepEqual(thrown, ['[platinum] a Platinum.on("submit") callback threw: owner bug'], "said once though it threw twice");
  assert.equal(platinumLines(v.log).length, 2, "nothing else was said");

  await v.page.evaluate(() => { Platinum.off("submit", boom); window.offed = 0; window.counted = () => offed++; Platinum.on("submit", counted); Platinum.off("submit", counted); });
  await v.page.locator("#pt-done").click();
  await sendByPointer(v.page, { rating: 4, comment: "third" });
  await v.page.waitForFunction(() => window.seen.filter(([n]) => n === "delivered").length === 3);
  assert.equal(await v.page.evaluate(() => window.offed), 0, "a callback taken off is not called");
  assert.equal(v.posts.length, 3);
  assert.deepEqual(v.log.filter((l) => l.type === "pageerror"), [], "the owner's exceptions never reach the page as errors");
});

test("Try again after a failed send is the same response: one submit event, then delivered", async () => {
  // Storage that throws, as in some private windows: a send that fails offers Try again.
  const script = `window.seen = []; for (const name of ["submit", "delivered"]) Platinum.on(name, (e) => seen.push([name, e.id]));`;
  const head = "<script>Storage.prototype.setItem = function () { throw new DOMException('quota exceeded', 'QuotaExceededError'); };</script>";
  const { site } = await shop("", { pages: { "/": (tag) => withScript(tag(), script).replace("<head>", "<head>" + head) } });
  const v = await visitor();
  await v.page.route("**/api/feedback", (route) => route.request().method() === "POST" ? route.fulfill({ status: 503, body: "{}" }) : route.continue());
  await v.page.goto(site.origin + "/");
  await openByPointer(v.page);
  await v.page.locator('label[for="pt-r3"]').click();
  await v.page.locator("#pt-send").click();
  await v.page.locator("p.status").filter({ hasText: "couldn't send" }).waitFor();
  await v.page.unroute("**/api/feedback");
  await v.page.locator("#pt-send").click();
  await thanked(v.page);
  const ids = new Set(v.posts.map((p) => p.id));
  assert.equal(ids.size, 1, "every try carries the same id");
  const [id] = ids;
  assert.deepEqual(await v.page.evaluate(() => window.seen), [["submit", id], ["delivered", id]], "one response, one submit");
});

test("callbacks may call the API back: identify on open, close on submit", async () => {
  const script = `
    Platinum.on("open", () => Platinum.identify({ id: "u-5", email: "cy@example.com" }));
    Platinum.on("submit", () => Platinum.close());
    Platinum.on("delivered", () => Platinum.setMetadata({ delivered: "yes" }));`;
  const { site } = await shop('data-ask-email="true"', { pages: { "/": (tag) => withScript(tag(), script) } });
  const v = await visitor(site.origin + "/");
  await openByPointer(v.page);
  assert.equal(await v.page.locator("#pt-email").inputValue(), "cy@example.com", "identified as it opened");
  await v.page.locator('label[for="pt-r5"]').click();
  await v.page.locator("#pt-send").click();
  await v.page.locator("#pt-dialog").waitFor({ state: "hidden" });
  await v.page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith("platinum:outbox:")));
  await openByPointer(v.page);
  await v.page.locator('label[for="pt-r4"]').click();
  await v.page.locator("#pt-send").click();
  await v.page.locator("#pt-dialog").waitFor({ state: "hidden" });
  await v.page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith("platinum:outbox:")));
  assert.deepEqual(v.posts.map((p) => [p.rating, p.user?.id, p.metadata?.delivered ?? null]), [[5, "u-5", null], [4, "u-5", "yes"]]);
  assert.deepEqual(platinumLines(v.log), [], "no widget error");
  assert.equal(await v.page.locator("platinum-feedback").count(), 1, "the widget is still on the page");
});

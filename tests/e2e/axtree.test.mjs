// What a screen reader is given: the browser's accessibility tree (Chromium's, over CDP) for the
// open dialog, its error states and the thank-you.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSite, pageWith } from "./server.mjs";
import { browserPerFile } from "./collector.mjs";

const run = browserPerFile();

/** The open dialog on a page whose endpoint answers each POST with the next of `answers` (then 201). */
async function openDialog(attrs = 'data-endpoint="/feedback" data-ask-email="true"', answers = [], head = "") {
  const queue = [...answers];
  const site = await startSite({
    pages: { "/": { html: pageWith(attrs, { head }) } },
    answer: () => (queue.length ? queue.shift() : { status: 201 }),
  });
  const context = await run.browser.newContext();
  run.cleanup(() => site.close(), () => context.close());
  const page = await context.newPage();
  await page.goto(site.origin + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  const cdp = await context.newCDPSession(page);
  return { page, cdp };
}

/** The tree's nodes that are not ignored: role, name, description and their properties. */
async function tree(cdp) {
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  return nodes.filter((n) => !n.ignored).map((n) => ({
    role: n.role?.value,
    name: n.name?.value ?? "",
    description: n.description?.value ?? "",
    ...Object.fromEntries((n.properties || []).map((p) => [p.name, p.value.value])),
  }));
}

/** The one node of `role` (named `name`, if given); fails naming what there is. */
function one(nodes, role, name) {
  const found = nodes.filter((n) => n.role === role && (name === undefined || n.name === name));
  assert.equal(found.length, 1, `one ${role} ${name ?? ""} in ${JSON.stringify(nodes.filter((n) => n.role === role))}`);
  return found[0];
}

const live = (nodes) => nodes.filter((n) => n.live === "polite" || n.live === "assertive");

test("the open dialog: named and modal, a named and required radio group, named options with their state, fields named once", async () => {
  const { page, cdp } = await openDialog();
  let nodes = await tree(cdp);
  const dialog = one(nodes, "dialog");
  assert.equal(dialog.name, "How are we doing?");
  assert.equal(dialog.modal, true);
  const group = one(nodes, "radiogroup");
  assert.deepEqual([group.name, group.required, group.invalid], ["How are we doing?", true, "false"]);
  assert.deepEqual(nodes.filter((n) => n.role === "radio").map((n) => [n.name, n.checked]), [
    ["Terrible", "false"], ["Bad", "false"], ["Okay", "false"], ["Good", "false"], ["Great", "false"],
  ]);
  const comment = one(nodes, "textbox", "How can we get better?");
  assert.equal(comment.description, "Optional. Tell us what would make it better. 5000 characters left");
  const email = one(nodes, "textbox", "Email (optional)");
  assert.equal(email.description, "Only if you would like a reply.");
  one(nodes, "button", "Close");
  one(nodes, "button", "Send");
  // Nothing speaks up on its own while the visitor has done nothing: the status line is quiet.
  assert.deepEqual(live(nodes).map((n) => n.role), ["status"]);

  await page.locator('label[for="pt-r4"]').click();
  nodes = await tree(cdp);
  assert.deepEqual(nodes.filter((n) => n.role === "radio" && n.checked === "true").map((n) => n.name), ["Good"]);
  // The follow-up question changes with the rating, and so does the text box's name.
  one(nodes, "textbox", "What did you like?");
});

test("the character counter is read out as the visitor types only near the limit", async () => {
  const { page, cdp } = await openDialog();
  await page.locator("#pt-comment").fill("a".repeat(1000));
  let nodes = await tree(cdp);
  assert.deepEqual(live(nodes).map((n) => n.role), ["status"], "far from the limit the counter stays quiet");
  await page.locator("#pt-comment").fill("a".repeat(4800));
  const counter = await page.evaluate(() => {
    const c = document.querySelector("platinum-feedback").shadowRoot.getElementById("pt-counter");
    return { live: c.getAttribute("aria-live"), atomic: c.getAttribute("aria-atomic"), text: c.textContent };
  });
  assert.deepEqual(counter, { live: "polite", atomic: "true", text: "200 characters left" });
  nodes = await tree(cdp);
  assert.equal(one(nodes, "textbox", "How can we get better?").description, "Optional. Tell us what would make it better. 200 characters left");
  assert.equal(live(nodes).length, 2, "the status line and, now, the counter");
});

test("errors are the fields' descriptions, marked invalid, and said in the live status line", async () => {
  const { page, cdp } = await openDialog();
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Please choose" }).waitFor();
  let nodes = await tree(cdp);
  const group = one(nodes, "radiogroup");
  assert.deepEqual([group.invalid, group.description], ["true", "Please choose a rating first."]);
  assert.equal(one(nodes, "status").live, "polite");
  assert.equal(one(nodes, "dialog").description, "Please choose a rating first.");

  await page.locator('label[for="pt-r2"]').click();
  await page.locator("#pt-email").fill("not an address");
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "doesn't look right" }).waitFor();
  nodes = await tree(cdp);
  assert.deepEqual([one(nodes, "radiogroup").invalid, one(nodes, "radiogroup").description], ["false", ""]);
  const email = one(nodes, "textbox", "Email (optional)");
  assert.deepEqual([email.invalid, email.description, email.focused], ["true", "Only if you would like a reply. That email address doesn't look right.", true]);
});

test("a delivery that fails describes Try again with why; a refusal is said and described", async () => {
  // Storage that throws, as in some private windows: nothing can be kept to send later.
  const head = "<script>Storage.prototype.setItem = function () { throw new DOMException('quota exceeded', 'QuotaExceededError'); };</script>";
  const { page, cdp } = await openDialog('data-endpoint="/feedback"', [{ status: 503 }, { status: 400, body: '{"error":"nope"}' }], head);
  await page.locator('label[for="pt-r3"]').click();
  await page.locator("#pt-send").click();
  await page.locator("#pt-send").filter({ hasText: "Try again" }).waitFor();
  let nodes = await tree(cdp);
  const retry = one(nodes, "button", "Try again");
  assert.match(retry.description, /couldn't send your message/);
  assert.match(one(nodes, "status").name + one(nodes, "dialog").description, /couldn't send your message/);
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "couldn't be accepted" }).waitFor();
  nodes = await tree(cdp);
  assert.equal(one(nodes, "dialog").description, "Sorry, your message couldn't be accepted.");
});

test("the thank-you is said once, by the status line, and focus goes to its Close button", async () => {
  const { page, cdp } = await openDialog('data-endpoint="/feedback"');
  // Counts every time text saying thanks appears in a live region of the widget.
  await page.evaluate(() => {
    const root = document.querySelector("platinum-feedback").shadowRoot;
    window.thanksSaid = 0;
    new MutationObserver(() => {
      for (const region of root.querySelectorAll("[aria-live]")) {
        const said = region.textContent.includes("Thank you!");
        if (said && !region.saidThanks) window.thanksSaid++;
        region.saidThanks = said;
      }
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.locator('label[for="pt-r5"]').click();
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  const nodes = await tree(cdp);
  const regions = live(nodes);
  assert.equal(regions.length, 1, JSON.stringify(regions));
  const said = nodes.filter((n) => n.role === "StaticText" && n.name.includes("Thank you!"));
  assert.deepEqual(said.map((n) => n.name), ["Thank you! We read every message."]);
  const focused = nodes.filter((n) => n.focused === true && n.role !== "RootWebArea");
  assert.deepEqual(focused.map((n) => [n.role, n.name]), [["button", "Close"]]);
  assert.equal(await page.evaluate(() => document.querySelector("platinum-feedback").shadowRoot.activeElement.id), "pt-done");
  assert.equal(await page.evaluate(() => window.thanksSaid), 1);
});

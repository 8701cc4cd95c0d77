// From complaint to answer, with a real SMTP server (Python's aiosmtpd storing a Maildir): a
// visitor sends "Terrible" with an e-mail through the widget, the owner is alerted by e-mail,
// replies from the dashboard, the reply reaches the visitor, and the response is followed up.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, watchConsole } from "./browser.mjs";
import { startCollector, storedResponses, TOKEN } from "./collector.mjs";

const OWNER = "owner@shop.example";
const VISITOR = "ana@example.com";

/** Python's own MIME parser, so the assertions see what a mail client would show. */
const READ_MESSAGE = `
import email, email.policy, json, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
parts = {}
for part in m.walk():
    if part.get_content_maintype() == "text":
        parts.setdefault(part.get_content_type(), part.get_content())
print(json.dumps({"headers": {k.lower(): str(v) for k, v in m.items()}, "parts": parts}))
`;

function pythonWithAiosmtpd() {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(python, ["-c", "import aiosmtpd"], { stdio: "ignore" });
      return python;
    } catch {}
  }
  throw new Error("no Python with aiosmtpd: install it with `apt-get install -y python3-aiosmtpd` or `python3 -m pip install aiosmtpd`");
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function listening(port, deadline) {
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" }, () => { socket.destroy(); resolve(true); });
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`aiosmtpd did not listen on ${port}`);
}

let dir, smtp, python, maildir, collector, browser;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "platinum-notify-"));
  python = pythonWithAiosmtpd();
  const port = await freePort();
  maildir = join(dir, "maildir");
  smtp = spawn(python, ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Mailbox", maildir], { stdio: "ignore" });
  await listening(port, Date.now() + 15000);
  collector = await startCollector(dir, [
    "--smtp-url", `smtp://127.0.0.1:${port}?tls=none`, "--mail-from", "Shop feedback <alerts@shop.example>", "--mail-to", OWNER,
  ]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  smtp?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Every message stored so far, parsed. */
function messages() {
  let files = [];
  try { files = readdirSync(join(maildir, "new")).sort(); } catch {}
  return files.map((f) => JSON.parse(execFileSync(python, ["-c", READ_MESSAGE, join(maildir, "new", f)], { encoding: "utf8" })));
}

async function waitForMessage(matches, what) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const found = messages().filter(matches);
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: no such message within 20 s; have ${JSON.stringify(messages().map((m) => m.headers.subject))}`);
}

test("a terrible experience reaches the owner by e-mail, and the owner's reply reaches the visitor", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watchConsole(page);
  const comment = `My order arrived broken ${Date.now()}`;
  await page.goto(collector.url + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  await page.locator('label[for="pt-r1"]').click();
  await page.locator("#pt-comment").fill(comment);
  await page.locator("#pt-email").fill(VISITOR);
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: "Thank you!" }).waitFor();
  const [stored] = (await storedResponses(collector.url)).filter((r) => r.comment === comment);
  assert.ok(stored, "stored");

  const started = Date.now();
  const [alert] = await waitForMessage((m) => m.headers.to === OWNER && (m.parts["text/plain"] || "").includes(comment), "the alert");
  console.log(`alert e-mail arrived ${Date.now() - started} ms after the thank-you: "${alert.headers.subject}"`);
  assert.match(alert.headers.subject, /Unhappy visitor \(1 of 5\)/);
  assert.equal(alert.headers["reply-to"], VISITOR, "answering the alert writes to the visitor");
  assert.equal(alert.headers["x-platinum-response-id"], stored.id);
  assert.ok(alert.parts["text/plain"].includes(`/dashboard/feedback/${stored.id}`), "links to the response");

  // The owner answers from the dashboard.
  await page.goto(collector.url + "/dashboard");
  await page.locator('input[name="token"]').fill(TOKEN);
  await page.locator('form.login button').click();
  await page.locator("[data-feedback-id]").first().waitFor();
  await page.goto(`${collector.url}/dashboard/feedback/${stored.id}`);
  const answer = "We are so sorry. A new one is on its way, at our cost.";
  await page.locator('textarea[name="body"]').fill(answer);
  await page.locator('button[name="send-reply"]').click();
  await page.locator("[data-reply-id]").first().waitFor();

  const [reply] = await waitForMessage((m) => m.headers.to === VISITOR, "the reply");
  assert.equal(reply.headers["reply-to"], OWNER, "the visitor's answer goes to the owner");
  assert.match(reply.headers.from, /alerts@shop\.example/);
  const text = reply.parts["text/plain"];
  assert.ok(text.startsWith(answer), text);
  assert.ok(text.includes(`> ${comment}`), `the visitor's words are quoted: ${text}`);
  assert.ok(!reply.headers["in-reply-to"], "a first reply starts the thread");

  // A second reply threads under the first.
  await page.locator('textarea[name="body"]').fill("Did it arrive safely?");
  await page.locator('button[name="send-reply"]').click();
  const replies = await waitForMessage((m) => m.headers.to === VISITOR && m.headers["in-reply-to"], "the second reply");
  assert.equal(replies[0].headers["in-reply-to"], reply.headers["message-id"]);
  assert.ok(replies[0].headers.references.includes(reply.headers["message-id"]));

  // Shown as sent, and the response as followed up.
  const deadline = Date.now() + 10000;
  for (;;) {
    await page.reload();
    const shown = await page.locator("[data-reply-id] .tag").allInnerTexts();
    if (shown.length === 2 && shown.every((t) => t.startsWith("sent"))) break;
    assert.ok(Date.now() < deadline, `replies not shown as sent: ${shown}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok((await page.locator("article.response .tag.done").innerText()).includes("followed up"));
  if (process.env.PLATINUM_SHOTS) await page.screenshot({ path: join(process.env.PLATINUM_SHOTS, "response.png"), fullPage: true });
  assert.deepEqual(log.filter((l) => l.type === "pageerror"), []);
  await context.close();
});

// The widget in the visitor's language, end to end: the real collector serves the demo page, the
// widget and the one locale file the visitor's browser language calls for; right-to-left
// languages mirror the layout and the keys; a locale file that cannot be fetched leaves a
// working English widget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchConsole } from "./browser.mjs";
import { collectorPerFile, storedResponses } from "./collector.mjs";

const run = collectorPerFile();

/** Opens the demo page as a visitor whose browser speaks `locale`, recording what it fetches. */
async function visit(locale, { blockLocales = false } = {}) {
  const context = await run.browser.newContext({ locale, viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const log = watchConsole(page);
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  if (blockLocales) await page.route("**/widget/locale-*", (route) => route.abort());
  await page.goto(run.collector.url + "/");
  return { page, log, fetched, close: () => context.close() };
}

const checked = (page) => page.locator('input[name="rating"]:checked').getAttribute("value");
const left = async (page, selector) => (await page.locator(selector).boundingBox()).x;

/** Rates with the keyboard and sends; resolves with the comment it sent. */
async function rateAndSend(page, { forward, thanks }) {
  await page.locator('label[for="pt-r1"]').click();
  assert.equal(await checked(page), "1");
  await page.keyboard.press(forward);
  assert.equal(await checked(page), "2", `${forward} moves to the next point in the reading direction`);
  await page.keyboard.press(forward);
  assert.equal(await checked(page), "3");
  await page.keyboard.press(forward === "ArrowLeft" ? "ArrowRight" : "ArrowLeft");
  assert.equal(await checked(page), "2", "the other arrow moves back");
  const comment = `e2e languages ${Date.now()} ${Math.random()}`;
  await page.locator("#pt-comment").fill(comment);
  await page.locator("#pt-send").click();
  await page.locator("p.status").filter({ hasText: thanks }).waitFor();
  return comment;
}

const LANGUAGES = [
  { locale: "ar", tag: "ar", rtl: true, label: "ملاحظات", title: "ما رأيك في خدماتنا؟", thanks: "شكرًا", five: "٥", counter: /^بقي ٥٠٠٠ حرف$/ },
  { locale: "he-IL", tag: "he", rtl: true, label: "משוב", title: "מה דעתך עלינו?", thanks: "תודה", five: "5", counter: /^נותרו 5000 תווים$/ },
  { locale: "ja-JP", tag: "ja", rtl: false, label: "フィードバック", title: "ご満足いただけていますか？", thanks: "ありがとうございます！", five: "5", counter: /^残り5000文字$/ },
  { locale: "ru-RU", tag: "ru", rtl: false, label: "Отзыв", title: "Как мы справляемся?", thanks: "Спасибо!", five: "5", counter: /^Осталось 5000 символов$/ },
  { locale: "de-DE", tag: "de", rtl: false, label: "Feedback", title: "Wie machen wir uns?", thanks: "Vielen Dank!", five: "5", counter: /^Noch 5000 Zeichen$/ },
];

for (const lang of LANGUAGES) {
  test(`a visitor whose browser speaks ${lang.locale} gets the widget in ${lang.tag}${lang.rtl ? ", mirrored" : ""}, and only that locale file`, async () => {
    const v = await visit(lang.locale);
    const { page } = v;
    const launcher = page.locator("#pt-launcher");
    assert.equal(await launcher.innerText(), lang.label);
    const box = await launcher.boundingBox();
    assert.equal(box.x < 500, lang.rtl, `the launcher sits at the inline end: ${lang.rtl ? "left" : "right"} (x = ${box.x})`);

    await launcher.click();
    await page.locator("#pt-dialog").waitFor();
    assert.equal(await page.locator("#pt-title").innerText(), lang.title);
    const root = page.locator("#pt-dialog").locator("xpath=..");
    assert.equal(await root.getAttribute("dir"), lang.rtl ? "rtl" : "ltr");
    assert.equal(await root.getAttribute("lang"), lang.tag);
    assert.equal(await page.locator('label[for="pt-r5"] b').innerText(), lang.five, "numbers in the language's digits");
    assert.match(await page.locator("#pt-counter").innerText(), lang.counter);
    const [first, last] = [await left(page, 'label[for="pt-r1"]'), await left(page, 'label[for="pt-r5"]')];
    assert.equal(first > last, lang.rtl, `worst to best in the reading direction (first at ${first}, last at ${last})`);

    const comment = await rateAndSend(page, { forward: lang.rtl ? "ArrowLeft" : "ArrowRight", thanks: lang.thanks });
    const stored = (await storedResponses(run.collector.url)).find((r) => r.comment === comment);
    assert.ok(stored, "the response reached the collector");
    assert.equal(stored.locale, lang.tag);
    assert.equal(stored.rating, 2);

    const locales = v.fetched.filter((p) => p.startsWith("/widget/locale-"));
    assert.equal(locales.length, 1, `one locale file: ${JSON.stringify(locales)}`);
    assert.match(locales[0], new RegExp(`^/widget/locale-${lang.tag}-[0-9a-f]{8}\\.txt$`));
    assert.deepEqual(v.log.filter((l) => l.text.startsWith("[platinum]") || l.type === "pageerror"), []);
    await v.close();
  });
}

test("the visitor's later languages are tried in order before English, and English fetches no locale file", async () => {
  const context = await run.browser.newContext({ locale: "gd" });
  await context.addInitScript(() => Object.defineProperty(navigator, "languages", { get: () => ["gd", "cy", "zh-TW", "fr"] }));
  const page = await context.newPage();
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(run.collector.url + "/");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await page.locator("#pt-title").innerText(), "您對我們的服務滿意嗎？");
  assert.deepEqual(fetched.filter((p) => p.startsWith("/widget/locale-")).map((p) => p.replace(/-[0-9a-f]{8}\.txt$/, "")), ["/widget/locale-zh-Hant"]);
  await context.close();

  const english = await visit("en-GB");
  await english.page.locator("#pt-launcher").click();
  await english.page.locator("#pt-dialog").waitFor();
  assert.equal(await english.page.locator("#pt-title").innerText(), "How are we doing?");
  assert.deepEqual(english.fetched.filter((p) => p.startsWith("/widget/locale-")), [], "English is built in");
  await english.close();
});

test("locale files are served as UTF-8 text, compressed and cached for good", async () => {
  const v = await visit("fa-IR");
  await v.page.locator("#pt-launcher").click();
  await v.page.locator("#pt-dialog").waitFor();
  const path = v.fetched.find((p) => p.startsWith("/widget/locale-fa-"));
  assert.ok(path, JSON.stringify(v.fetched));
  await v.close();
  const res = await fetch(run.collector.url + path, { headers: { "accept-encoding": "gzip" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.match(res.headers.get("cache-control"), /immutable/);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.equal(res.headers.get("access-control-allow-origin"), "*", "other sites fetch it from their pages");
  assert.ok((await res.text()).startsWith("fa\n"));
});

test("a language chosen after the whole widget took over arrives late and rebuilds the closed widget in it", async () => {
  const v = await visit("en-US");
  const { page } = v;
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  await page.keyboard.press("Escape");
  await page.locator("#pt-dialog").waitFor({ state: "hidden" });
  await page.evaluate(() => window.Platinum.init({ endpoint: "/api/feedback", lang: "uk" }));
  // Built in English at once; rebuilt in Ukrainian when its words arrive.
  await page.waitForFunction(() => document.querySelector("platinum-feedback")?.shadowRoot?.querySelector(".w")?.getAttribute("lang") === "uk");
  assert.equal(await page.locator("#pt-launcher").innerText(), "Відгук");
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await page.locator("#pt-title").innerText(), "Як ми працюємо?");
  await page.locator('label[for="pt-r1"]').click();
  await page.locator("#pt-comment").fill("Привіт");
  assert.equal(await page.locator("#pt-counter").innerText(), "Залишилося 4994 символи", "4994: the few form");
  assert.deepEqual(v.log.filter((l) => l.text.startsWith("[platinum]") || l.type === "pageerror"), []);
  await v.close();
});

test("a locale file that cannot be fetched leaves a working English widget and says nothing alarming", async () => {
  const v = await visit("ar", { blockLocales: true });
  const { page } = v;
  await page.locator("#pt-launcher").click();
  await page.locator("#pt-dialog").waitFor();
  assert.equal(await page.locator("#pt-title").innerText(), "How are we doing?");
  const root = page.locator("#pt-dialog").locator("xpath=..");
  assert.equal(await root.getAttribute("dir"), "ltr", "English words read left to right");
  assert.equal(await root.getAttribute("lang"), "en");
  assert.equal(await page.locator('label[for="pt-r5"] b').innerText(), "5");
  const comment = await rateAndSend(page, { forward: "ArrowRight", thanks: "Thank you!" });
  const stored = (await storedResponses(run.collector.url)).find((r) => r.comment === comment);
  assert.equal(stored?.locale, "ar", "the response still says the visitor's language");
  assert.ok(v.fetched.some((p) => p.startsWith("/widget/locale-ar-")), "the Arabic file was asked for");
  assert.deepEqual(v.log.filter((l) => l.text.startsWith("[platinum]") || l.type === "pageerror"), [], "no widget error for the visitor or the console");
  await v.close();
});

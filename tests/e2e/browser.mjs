// Launching Debian's Chromium headless, as root, on a closed network (Playwright gives each
// launch a fresh profile directory).
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const axeSource = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "node_modules", "axe-core", "axe.min.js"), "utf8");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", ...extraArgs,
    ],
  });
}

/** Collects console lines and page errors of `page`. */
export function watchConsole(page) {
  const lines = [];
  page.on("console", (m) => lines.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => lines.push({ type: "pageerror", text: String(e) }));
  return lines;
}

/** Runs axe on the whole page (it audits open shadow roots) and returns the violations. */
export async function audit(page) {
  await page.addScriptTag({ content: axeSource });
  // Only the widget is ours; the bare test page around it is not under audit.
  return page.evaluate(async () => {
    const result = await window.axe.run({ include: [["platinum-feedback"]] }, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

// Launching Debian's Chromium headless, as root, on a closed network (Playwright gives each
// launch a fresh profile directory).
import { chromium } from "playwright-core";

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
